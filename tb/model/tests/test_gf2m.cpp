// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <random>
#include <stdexcept>
#include <vector>

#include "model/gf2m.hpp"
#include "test_util.hpp"

namespace ifc::model {
namespace {

// Carry-less multiply mod poly, bit by bit: an independent reference for Gf2m::mul.
uint32_t naive_mul(uint32_t a, uint32_t b, unsigned m, uint32_t poly) {
  uint32_t r = 0;
  while (b) {
    if (b & 1u) r ^= a;
    b >>= 1;
    a <<= 1;
    if (a >> m) a ^= poly;
  }
  return r;
}

TEST(Gf2m, DefaultPolynomialTable) {
  EXPECT_EQ(Gf2m::default_primitive_poly(12), 0x1053u);  // x^12+x^6+x^4+x+1 (DESIGN.md default)
  EXPECT_EQ(Gf2m::default_primitive_poly(4), 0x13u);     // x^4+x+1
  EXPECT_EQ(Gf2m::default_primitive_poly(5), 0x25u);     // x^5+x^2+1
  EXPECT_THROW(Gf2m::default_primitive_poly(3), std::invalid_argument);
  EXPECT_THROW(Gf2m::default_primitive_poly(17), std::invalid_argument);
  EXPECT_EQ(Gf2m(12).poly(), 0x1053u);
  EXPECT_EQ(Gf2m(12).order(), 4095u);
  EXPECT_EQ(Gf2m(12).size(), 4096u);
}

// Every table entry is primitive: z has multiplicative order exactly 2^m - 1 (checked naively).
TEST(Gf2m, EveryDefaultPolynomialIsPrimitive) {
  for (unsigned m = Gf2m::kMinM; m <= Gf2m::kMaxM; ++m) {
    const uint32_t poly = Gf2m::default_primitive_poly(m);
    ASSERT_EQ(poly >> m, 1u) << "m=" << m;
    const uint32_t n = (1u << m) - 1;
    uint32_t x = 1;
    uint32_t order = 0;
    do {
      x = naive_mul(x, 2, m, poly);
      ++order;
    } while (x != 1 && order <= n);
    EXPECT_EQ(order, n) << "m=" << m;
    EXPECT_NO_THROW(Gf2m{m}) << "m=" << m;
  }
}

TEST(Gf2m, RejectsBadPolynomials) {
  EXPECT_THROW(Gf2m(4, 0x1F), std::invalid_argument);   // x^4+x^3+x^2+x+1: irreducible, order 5
  EXPECT_THROW(Gf2m(4, 0x15), std::invalid_argument);   // x^4+x^2+1 = (x^2+x+1)^2: reducible
  EXPECT_THROW(Gf2m(4, 0x12), std::invalid_argument);   // x^4+x: divisible by x
  EXPECT_THROW(Gf2m(12, 0x53), std::invalid_argument);  // wrong degree
  EXPECT_THROW(Gf2m(3), std::invalid_argument);
  EXPECT_THROW(Gf2m(17), std::invalid_argument);
  EXPECT_NO_THROW(Gf2m(4, 0x19));  // x^4+x^3+1 is the other primitive quartic
}

TEST(Gf2m, LogExpRoundTripEveryElement) {
  for (unsigned m = Gf2m::kMinM; m <= Gf2m::kMaxM; ++m) {
    const Gf2m gf(m);
    const uint32_t n = gf.order();
    std::vector<bool> seen(gf.size(), false);
    for (uint32_t i = 0; i < n; ++i) {
      const uint16_t a = gf.exp(i);
      ASSERT_NE(a, 0) << "m=" << m << " i=" << i;
      ASSERT_FALSE(seen[a]) << "alpha^" << i << " repeats, m=" << m;
      seen[a] = true;
      ASSERT_EQ(gf.log(a), i) << "m=" << m;
    }
    for (uint32_t a = 1; a <= n; ++a) ASSERT_EQ(gf.exp(gf.log(static_cast<uint16_t>(a))), a) << "m=" << m;
    EXPECT_EQ(gf.exp(n), 1);
    EXPECT_EQ(gf.exp(-1), gf.exp(n - 1));
    EXPECT_EQ(gf.exp(1), 2);  // alpha = z
    EXPECT_THROW(gf.log(0), std::domain_error);
  }
}

TEST(Gf2m, InverseOfEveryElementM12) {
  const Gf2m gf(12);
  for (uint32_t a = 1; a < gf.size(); ++a) {
    const auto x = static_cast<uint16_t>(a);
    const uint16_t ia = gf.inv(x);
    ASSERT_EQ(naive_mul(x, ia, 12, 0x1053), 1u) << "a=" << a;
    ASSERT_EQ(gf.mul(x, ia), 1) << "a=" << a;
    ASSERT_EQ(gf.div(1, x), ia);
    ASSERT_EQ(gf.pow(x, -1), ia);
    ASSERT_EQ(gf.pow(x, gf.order()), 1);
  }
  EXPECT_THROW(gf.inv(0), std::domain_error);
  EXPECT_THROW(gf.div(5, 0), std::domain_error);
  EXPECT_EQ(gf.div(0, 5), 0);
  EXPECT_EQ(gf.pow(0, 0), 1);
  EXPECT_EQ(gf.pow(0, 3), 0);
}

TEST(Gf2m, MultiplyMatchesCarrylessReference) {
  // Exhaustive for m = 8, random for m = 12 and 16.
  {
    const Gf2m gf(8);
    for (uint32_t a = 0; a < 256; ++a)
      for (uint32_t b = 0; b < 256; ++b)
        ASSERT_EQ(gf.mul(static_cast<uint16_t>(a), static_cast<uint16_t>(b)), naive_mul(a, b, 8, gf.poly()));
  }
  std::mt19937_64 rng(test::test_seed());
  for (unsigned m : {12u, 13u, 16u}) {
    const Gf2m gf(m);
    std::uniform_int_distribution<uint32_t> dist(0, gf.order());
    for (int i = 0; i < 100000; ++i) {
      const auto a = static_cast<uint16_t>(dist(rng)), b = static_cast<uint16_t>(dist(rng)),
                 c = static_cast<uint16_t>(dist(rng));
      ASSERT_EQ(gf.mul(a, b), naive_mul(a, b, m, gf.poly())) << "m=" << m;
      ASSERT_EQ(gf.mul(a, Gf2m::add(b, c)), Gf2m::add(gf.mul(a, b), gf.mul(a, c)));
      if (b != 0) {
        ASSERT_EQ(gf.mul(gf.div(a, b), b), a);
      }
      const int64_t e = static_cast<int64_t>(dist(rng)) - 5000;
      if (a != 0) {
        ASSERT_EQ(gf.pow(a, e), gf.exp(static_cast<int64_t>(gf.log(a)) * e));
      }
    }
  }
}

}  // namespace
}  // namespace ifc::model
