// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "model/bch.hpp"
#include "test_util.hpp"

namespace ifc::model {
namespace {

// Polynomial with the given exponents set, lowest degree first.
std::vector<uint8_t> poly_from_exponents(std::initializer_list<unsigned> exps) {
  unsigned deg = 0;
  for (unsigned e : exps) deg = std::max(deg, e);
  std::vector<uint8_t> p(deg + 1, 0);
  for (unsigned e : exps) p[e] = 1;
  return p;
}

// g(beta) over GF(2^m) by Horner.
uint16_t eval_binary_poly(const Gf2m& gf, const std::vector<uint8_t>& g, uint16_t beta) {
  uint16_t acc = 0;
  for (size_t d = g.size(); d-- > 0;) acc = static_cast<uint16_t>(gf.mul(acc, beta) ^ g[d]);
  return acc;
}

TEST(BchGenerator, Textbook15_7) {
  const BchCode code(4, 2, 7);  // x^4+x+1
  EXPECT_EQ(code.field().poly(), 0x13u);
  EXPECT_EQ(code.generator(), poly_from_exponents({8, 7, 6, 4, 0}));
  EXPECT_EQ(code.parity_bits(), 8u);
  EXPECT_EQ(code.n_bits(), 15u);
}

TEST(BchGenerator, Textbook15_5) {
  const BchCode code(4, 3, 5);
  EXPECT_EQ(code.generator(), poly_from_exponents({10, 8, 5, 4, 2, 1, 0}));
  EXPECT_EQ(code.parity_bits(), 10u);  // coset {5, 10} is short: 4 + 4 + 2
  EXPECT_EQ(code.n_bits(), 15u);
}

TEST(BchGenerator, Textbook31_21) {
  const BchCode code(5, 2, 21);  // x^5+x^2+1
  EXPECT_EQ(code.field().poly(), 0x25u);
  EXPECT_EQ(code.generator(), poly_from_exponents({10, 9, 8, 6, 5, 3, 0}));
  EXPECT_EQ(code.n_bits(), 31u);
}

// Published primitive-BCH table entries where a coset is short, so parity_bits < m*t.
TEST(BchGenerator, ShortCosetsGiveFewerParityBits) {
  EXPECT_EQ(BchCode(6, 4, 39).parity_bits(), 24u);   // (63,39,t=4)
  EXPECT_EQ(BchCode(6, 5, 36).parity_bits(), 27u);   // (63,36,t=5): coset {9,18,36} has 3 elements
  EXPECT_EQ(BchCode(8, 8, 191).parity_bits(), 64u);  // (255,191,t=8)
  EXPECT_EQ(BchCode(8, 9, 187).parity_bits(), 68u);  // (255,187,t=9): coset of 17 has 4 elements
  EXPECT_EQ(BchCode(12, 8, 2048).parity_bits(), 96u);
  EXPECT_EQ(BchCode(12, 16, 2048).parity_bits(), 192u);
  EXPECT_EQ(BchCode(14, 8, 8192).parity_bits(), 112u);
}

// deg g = p, g(alpha^j) = 0 for j = 1..2t, g has exactly p distinct roots in GF(2^m) (so it is a
// product of distinct minimal polynomials), and g divides x^(2^m-1) - 1.
void check_generator_properties(const BchCode& code) {
  const Gf2m& gf = code.field();
  const auto& g = code.generator();
  ASSERT_EQ(g.size(), code.parity_bits() + 1u);
  EXPECT_EQ(g.front(), 1);
  EXPECT_EQ(g.back(), 1);
  for (uint32_t j = 1; j <= 2 * code.t(); ++j) EXPECT_EQ(eval_binary_poly(gf, g, gf.exp(j)), 0) << "j=" << j;
  uint32_t roots = 0;
  for (uint32_t e = 0; e < gf.order(); ++e) roots += eval_binary_poly(gf, g, gf.exp(e)) == 0;
  EXPECT_EQ(roots, code.parity_bits());
  std::vector<uint8_t> xn1(gf.order() + 1, 0);
  xn1[0] = 1;
  xn1[gf.order()] = 1;
  const auto rem = test::binpoly_mod(xn1, g);
  EXPECT_TRUE(std::all_of(rem.begin(), rem.end(), [](uint8_t c) { return c == 0; }));
}

TEST(BchGenerator, DefaultCodeProperties) {
  const BchCode code(12, 8, 2048);
  EXPECT_EQ(code.parity_bits(), 96u);
  EXPECT_EQ(code.n_bits(), 2144u);
  EXPECT_EQ(code.parity_bytes(), 12u);
  check_generator_properties(code);
}

TEST(BchGenerator, OtherCodesProperties) {
  for (const auto& [m, t, k] : std::vector<std::tuple<unsigned, unsigned, uint32_t>>{{4, 2, 7},
                                                                                     {5, 2, 21},
                                                                                     {6, 5, 36},
                                                                                     {8, 9, 187},
                                                                                     {12, 2, 1024},
                                                                                     {12, 16, 3903},
                                                                                     {13, 8, 4096},
                                                                                     {14, 8, 8192},
                                                                                     {16, 16, 8192}}) {
    SCOPED_TRACE(testing::Message() << "m=" << m << " t=" << t << " k=" << k);
    check_generator_properties(BchCode(m, t, k));
  }
}

TEST(BchGenerator, RejectsCodesThatDoNotFit) {
  EXPECT_THROW(BchCode(12, 8, 4096), std::invalid_argument);  // 4096 + 96 > 4095
  EXPECT_THROW(BchCode(12, 8, 4000), std::invalid_argument);  // 4000 + 96 = 4096 > 4095
  EXPECT_NO_THROW(BchCode(12, 8, 3999));                      // exactly 4095
  EXPECT_THROW(BchCode(13, 8, 8192), std::invalid_argument);  // 1 KiB payload needs m >= 14
  EXPECT_THROW(BchCode(12, 0, 2048), std::invalid_argument);
  EXPECT_THROW(BchCode(12, 8, 0), std::invalid_argument);
  EXPECT_THROW(BchCode(4, 8, 1), std::invalid_argument);  // 2t >= 15
  try {
    BchCode(13, 8, 8192);
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("8191"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ifc::model
