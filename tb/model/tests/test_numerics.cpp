// SPDX-License-Identifier: Apache-2.0
// The numerics model (model/numerics.hpp) against the host FPU: fp32_add on millions of random and
// edge-case pairs with FTZ/DAZ emulated around the host add, bf16 products against exact double
// products, and the documented summation order of segment_psum / row_reduce.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#define IFC_HAVE_MXCSR 1
#endif

#include "model/numerics.hpp"
#include "test_util.hpp"

namespace ifc::model {
namespace {

/// Reference: the host's IEEE binary32 add (round to nearest even) with DAZ on the inputs and FTZ
/// on the result emulated in software, NaN canonicalised.
uint32_t host_add(uint32_t a, uint32_t b) {
  volatile float fa = fp32_from_bits(fp32_ftz(a));
  volatile float fb = fp32_from_bits(fp32_ftz(b));
  const float r = fa + fb;
  const uint32_t rb = fp32_bits(r);
  if (fp32_is_nan(rb)) return kFp32CanonicalNaN;
  return fp32_ftz(rb);  // a subnormal sum is exact: flushing keeps its true sign
}

/// Reference: bf16 x bf16 in double (exact: 16 significant bits, exponent range far wider), then the
/// FP32 range rules.
uint32_t host_mul(uint16_t a, uint16_t b) {
  if (bf16_is_nan(a) || bf16_is_nan(b)) return kFp32CanonicalNaN;
  const double da = bf16_to_float(bf16_is_subnormal(a) ? static_cast<uint16_t>(a & 0x8000u) : a);
  const double db = bf16_to_float(bf16_is_subnormal(b) ? static_cast<uint16_t>(b & 0x8000u) : b);
  const double p = da * db;
  if (std::isnan(p)) return kFp32CanonicalNaN;
  const uint32_t sign = std::signbit(p) ? 0x80000000u : 0u;
  if (std::isinf(p) || std::fabs(p) >= std::ldexp(1.0, 128)) return sign | kFp32PosInf;
  if (std::fabs(p) < std::ldexp(1.0, -126)) return sign;
  const float f = static_cast<float>(p);
  EXPECT_EQ(static_cast<double>(f), p) << "product not exact in FP32";
  return fp32_bits(f);
}

std::string hex(uint32_t x) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08X", x);
  return buf;
}

TEST(Fp32Add, NamedCases) {
  const uint32_t one = 0x3F800000u, two = 0x40000000u;
  EXPECT_EQ(fp32_add(0x00000000u, 0x80000000u), 0x00000000u);  // +0 + -0 = +0
  EXPECT_EQ(fp32_add(0x80000000u, 0x80000000u), 0x80000000u);  // -0 + -0 = -0
  EXPECT_EQ(fp32_add(0x80000001u, 0x80000000u), 0x80000000u);  // DAZ keeps the sign
  EXPECT_EQ(fp32_add(0x00000001u, 0x80000000u), 0x00000000u);
  EXPECT_EQ(fp32_add(one, 0x80000000u | one), 0x00000000u);     // x - x = +0
  EXPECT_EQ(fp32_add(0x7F800000u, 0xFF800000u), kFp32CanonicalNaN);  // inf - inf
  EXPECT_EQ(fp32_add(0xFF800000u, 0xFF800000u), 0xFF800000u);
  EXPECT_EQ(fp32_add(0xFF800000u, 0x7F7FFFFFu), 0xFF800000u);
  EXPECT_EQ(fp32_add(0xFFC12345u, one), kFp32CanonicalNaN);     // NaN payload/sign dropped
  EXPECT_EQ(fp32_add(0x7F800001u, 0x7F800000u), kFp32CanonicalNaN);
  EXPECT_EQ(fp32_add(0x7F7FFFFFu, 0x7F7FFFFFu), 0x7F800000u);   // overflow
  EXPECT_EQ(fp32_add(0x7F7FFFFFu, 0x73000000u), 0x7F800000u);   // max + half ulp: tie to even -> inf
  EXPECT_EQ(fp32_add(0x7F7FFFFFu, 0x72FFFFFFu), 0x7F7FFFFFu);   // just below the tie
  EXPECT_EQ(fp32_add(one, 0x33800000u), one);                   // 1 + 2^-24: tie, stays even
  EXPECT_EQ(fp32_add(0x3F800001u, 0x33800000u), 0x3F800002u);   // tie, rounds up to even
  EXPECT_EQ(fp32_add(0x3F7FFFFFu, 0x33800000u), one);           // carry into a new binade
  EXPECT_EQ(fp32_add(one, one), two);
  EXPECT_EQ(fp32_add(0x00C00000u, 0x80800000u), 0x00000000u);   // 1.5*2^-126 - 2^-126: subnormal -> +0
  EXPECT_EQ(fp32_add(0x80C00000u, 0x00800000u), 0x80000000u);   // ... and -0
  EXPECT_EQ(fp32_add(0x00800000u, 0x00800000u), 0x01000000u);   // 2^-126 + 2^-126 = 2^-125
  EXPECT_EQ(fp32_add(0x00800000u, 0x007FFFFFu), 0x00800000u);   // subnormal input read as 0
}

TEST(Fp32Add, AllEdgePairsMatchHost) {
  const auto& e = fp32_edge_values();
  for (uint32_t a : e)
    for (uint32_t b : e) ASSERT_EQ(fp32_add(a, b), host_add(a, b)) << hex(a) << " + " << hex(b);
}

TEST(Fp32Add, RandomPairsMatchHost) {
  std::mt19937_64 rng(test::test_seed());
  const uint64_t n = test::trials(4'000'000);
  uint64_t ties = 0, flushed = 0, infs = 0, nans = 0;
  for (uint64_t i = 0; i < n; ++i) {
    uint32_t a, b;
    random_fp32_add_pair(rng, a, b);
    const uint32_t got = fp32_add(a, b), want = host_add(a, b);
    ASSERT_EQ(got, want) << hex(a) << " + " << hex(b) << " (pair " << i << ")";
    ASSERT_EQ(fp32_add(b, a), got) << "not commutative: " << hex(a) << " + " << hex(b);
    // class coverage
    const double exact = static_cast<double>(fp32_from_bits(fp32_ftz(a))) + fp32_from_bits(fp32_ftz(b));
    if (std::isfinite(exact) && exact != 0 && std::fabs(exact) < std::ldexp(1.0, -126)) ++flushed;
    if (std::isfinite(exact) && static_cast<double>(static_cast<float>(exact)) != exact) {
      const float lo = std::nextafter(static_cast<float>(exact), -INFINITY);
      const float hi = std::nextafter(static_cast<float>(exact), INFINITY);
      const double mid1 = (static_cast<double>(lo) + static_cast<float>(exact)) / 2;
      const double mid2 = (static_cast<double>(hi) + static_cast<float>(exact)) / 2;
      if (mid1 == exact || mid2 == exact) ++ties;
    }
    if (fp32_is_inf(got)) ++infs;
    if (got == kFp32CanonicalNaN) ++nans;
  }
  std::printf("[fp32_add] %llu pairs: %llu exact ties, %llu flushed results, %llu inf, %llu NaN\n",
              static_cast<unsigned long long>(n), static_cast<unsigned long long>(ties),
              static_cast<unsigned long long>(flushed), static_cast<unsigned long long>(infs),
              static_cast<unsigned long long>(nans));
  EXPECT_GT(ties, n / 100);
  EXPECT_GT(flushed, n / 1000);
  EXPECT_GT(infs, n / 1000);
  EXPECT_GT(nans, n / 1000);
}

#ifdef IFC_HAVE_MXCSR
// The software FTZ/DAZ emulation used above agrees with the x86 hardware modes (MXCSR FZ | DAZ).
TEST(Fp32Add, EmulationMatchesMxcsrFtzDaz) {
  std::mt19937_64 rng(test::test_seed());
  const unsigned saved = _mm_getcsr();
  _mm_setcsr(saved | 0x8040u);  // FZ (bit 15) | DAZ (bit 6), round to nearest
  uint64_t mismatches = 0;
  uint32_t bad_a = 0, bad_b = 0;
  for (int i = 0; i < 500'000; ++i) {
    uint32_t a, b;
    random_fp32_add_pair(rng, a, b);
    volatile float fa = fp32_from_bits(a), fb = fp32_from_bits(b);
    const float r = fa + fb;
    uint32_t hw = fp32_bits(r);
    if (fp32_is_nan(hw)) hw = kFp32CanonicalNaN;
    if (hw != fp32_add(a, b) && mismatches++ == 0) {
      bad_a = a;
      bad_b = b;
    }
  }
  _mm_setcsr(saved);
  EXPECT_EQ(mismatches, 0u) << "first: " << hex(bad_a) << " + " << hex(bad_b);
}
#endif

TEST(Bf16, ConversionRoundsToNearestEven) {
  EXPECT_EQ(fp32_to_bf16_rne(0x3F808000u), 0x3F80);  // tie, even
  EXPECT_EQ(fp32_to_bf16_rne(0x3F818000u), 0x3F82);  // tie, up to even
  EXPECT_EQ(fp32_to_bf16_rne(0x3F808001u), 0x3F81);
  EXPECT_EQ(fp32_to_bf16_rne(0x7F7FFFFFu), 0x7F80);  // overflow to inf
  EXPECT_EQ(fp32_to_bf16_rne(0xFFC00001u), kBf16CanonicalNaN);
  EXPECT_EQ(bf16_to_fp32_bits(0xBF80), 0xBF800000u);
  EXPECT_EQ(bf16_to_float(0x4040), 3.0f);
}

TEST(Bf16Mul, NamedCases) {
  EXPECT_EQ(bf16_mul_fp32(0x3F80, 0x3F80), 0x3F800000u);          // 1 x 1
  EXPECT_EQ(bf16_mul_fp32(0x3FC0, 0xC000), 0xC0400000u);          // 1.5 x -2 = -3
  EXPECT_EQ(bf16_mul_fp32(0x3FFF, 0x3FFF), 0x407E0100u);          // (2-2^-7)^2 exact
  EXPECT_EQ(bf16_mul_fp32(0x7F80, 0x0000), kFp32CanonicalNaN);    // inf x 0
  EXPECT_EQ(bf16_mul_fp32(0xFF80, 0x0001), kFp32CanonicalNaN);    // inf x subnormal (= 0)
  EXPECT_EQ(bf16_mul_fp32(0xFF80, 0xBF80), 0x7F800000u);          // -inf x -1
  EXPECT_EQ(bf16_mul_fp32(0x7FC1, 0x3F80), kFp32CanonicalNaN);
  EXPECT_EQ(bf16_mul_fp32(0x8000, 0x3F80), 0x80000000u);          // -0 x 1
  EXPECT_EQ(bf16_mul_fp32(0x0040, 0xBF80), 0x80000000u);          // subnormal x -1 -> -0
  EXPECT_EQ(bf16_mul_fp32(0x7F7F, 0x7F7F), 0x7F800000u);          // overflow
  EXPECT_EQ(bf16_mul_fp32(0x0080, 0x3F00), 0x00000000u);          // 2^-126 x 0.5: FTZ
  EXPECT_EQ(bf16_mul_fp32(0x8080, 0x3F00), 0x80000000u);
  EXPECT_EQ(bf16_mul_fp32(0x0080, 0x3F80), 0x00800000u);          // min normal stays
  EXPECT_EQ(bf16_mul_fp32(0x5F80, 0x5F80), 0x7F800000u);          // 2^64 x 2^64 = 2^128: overflow
  EXPECT_EQ(bf16_mul_fp32(0x5F80, 0x5F7F), 0x7F7F0000u);          // just below
}

TEST(Bf16Mul, EveryBf16AgainstSampledPartnersIsExact) {
  std::mt19937_64 rng(test::test_seed());
  const auto& edges = bf16_edge_values();
  std::vector<uint16_t> partners(edges.begin(), edges.end());
  for (int i = 0; i < 200; ++i) partners.push_back(static_cast<uint16_t>(rng()));
  for (uint32_t a = 0; a < 65536; ++a) {
    for (uint16_t b : partners) {
      const uint16_t ha = static_cast<uint16_t>(a);
      ASSERT_EQ(bf16_mul_fp32(ha, b), host_mul(ha, b)) << std::hex << a << " x " << b;
      ASSERT_EQ(bf16_mul_fp32(b, ha), host_mul(ha, b)) << "not commutative";
    }
  }
}

TEST(Bf16Mul, AllSignificandPairsAcrossExponents) {
  // Every pair of significands (and signs), at exponent pairs that cover in-range, overflow and the
  // FTZ threshold.
  const int exps[][2] = {{127, 127}, {1, 127}, {1, 126}, {63, 64}, {64, 64}, {191, 191}, {254, 1}, {200, 54}, {100, 27}};
  for (const auto& ep : exps) {
    for (uint32_t ma = 0; ma < 256; ++ma) {
      for (uint32_t mb = 0; mb < 256; ++mb) {
        const uint16_t a = static_cast<uint16_t>(((ma & 0x80u) << 8) | (ep[0] << 7) | (ma & 0x7F));
        const uint16_t b = static_cast<uint16_t>(((mb & 0x80u) << 8) | (ep[1] << 7) | (mb & 0x7F));
        ASSERT_EQ(bf16_mul_fp32(a, b), host_mul(a, b)) << std::hex << a << " x " << b;
      }
    }
  }
}

// --- segment_psum / row_reduce ------------------------------------------------------------------

uint32_t host_tree(std::vector<uint32_t> v) {
  while (v.size() > 1) {
    std::vector<uint32_t> n;
    for (size_t i = 0; i + 1 < v.size(); i += 2) n.push_back(host_add(v[i], v[i + 1]));
    v = n;
  }
  return v[0];
}

TEST(SegmentPsum, IntegerSumsWrapAndIgnoreTheActivationHighByte) {
  std::mt19937_64 rng(test::test_seed());
  for (int trial = 0; trial < 200; ++trial) {
    const size_t n = 1 + rng() % 600;
    std::vector<uint8_t> w8(n), w4((n + 1) / 2);
    std::vector<uint16_t> act(n);
    for (auto& b : w8) b = static_cast<uint8_t>(rng());
    for (auto& b : w4) b = static_cast<uint8_t>(rng());
    for (auto& a : act) a = static_cast<uint16_t>(rng());  // high byte is junk: ignored
    int64_t s8 = 0, s4 = 0;
    for (size_t e = 0; e < n; ++e) {
      const int x = static_cast<int8_t>(act[e] & 0xFF);
      s8 += static_cast<int8_t>(w8[e]) * x;
      const int nib = (w4[e / 2] >> (4 * (e % 2))) & 0xF;
      s4 += (nib >= 8 ? nib - 16 : nib) * x;
    }
    for (unsigned macs : {1u, 2u, 4u, 8u}) {
      EXPECT_EQ(as_int32(segment_psum(Dtype::kInt8, w8.data(), n, act.data(), macs)), static_cast<int32_t>(s8));
      EXPECT_EQ(as_int32(segment_psum(Dtype::kInt4, w4.data(), n, act.data(), macs)), static_cast<int32_t>(s4));
    }
  }
  // Wrap modulo 2^32: 131072 x (-128 x -128) = 2^31.
  const size_t n = 131072;
  std::vector<uint8_t> w(n, 0x80);
  std::vector<uint16_t> act(n, 0xFF80);
  EXPECT_EQ(segment_psum(Dtype::kInt8, w.data(), n, act.data(), 4), 0x80000000u);
  const std::vector<uint32_t> rows = {0x7FFFFFFFu, 1u, 5u};
  EXPECT_EQ(row_reduce(Dtype::kInt8, rows), 0x80000005u);
}

TEST(SegmentPsum, Bf16FollowsTheDocumentedOrder) {
  std::mt19937_64 rng(test::test_seed());
  for (int trial = 0; trial < 3000; ++trial) {
    const unsigned macs = 1u << (rng() % 4);
    const size_t n = 1 + rng() % 300;
    std::vector<uint8_t> w(2 * n);
    std::vector<uint16_t> act(n);
    const double special = (trial % 3 == 0) ? 0.05 : 0.0;
    for (size_t e = 0; e < n; ++e) {
      const uint16_t h = random_bf16(rng, special);
      w[2 * e] = static_cast<uint8_t>(h);
      w[2 * e + 1] = static_cast<uint8_t>(h >> 8);
      act[e] = random_bf16(rng, special);
    }
    uint32_t acc = 0;
    for (size_t c = 0; c < n; c += macs) {
      std::vector<uint32_t> p(macs, 0);
      for (size_t j = 0; j < macs && c + j < n; ++j) {
        const size_t e = c + j;
        p[j] = host_mul(static_cast<uint16_t>(w[2 * e] | (w[2 * e + 1] << 8)), act[e]);
      }
      acc = host_add(acc, host_tree(p));
    }
    ASSERT_EQ(segment_psum(Dtype::kBf16, w.data(), n, act.data(), macs), acc) << "trial " << trial;
  }
}

TEST(SegmentPsum, Bf16OrderIsObservable) {
  // products 2^24, 1, 1, 1: tree (2^24+1)+(1+1) = 2^24+2; a sequential sum would give 2^24.
  const uint16_t w[4] = {0x4B80, 0x3F80, 0x3F80, 0x3F80};
  const uint16_t one[4] = {0x3F80, 0x3F80, 0x3F80, 0x3F80};
  uint8_t wb[8];
  for (int i = 0; i < 4; ++i) {
    wb[2 * i] = static_cast<uint8_t>(w[i]);
    wb[2 * i + 1] = static_cast<uint8_t>(w[i] >> 8);
  }
  EXPECT_EQ(segment_psum(Dtype::kBf16, wb, 4, one, 4), fp32_bits(16777218.0f));
  EXPECT_EQ(segment_psum(Dtype::kBf16, wb, 4, one, 1), fp32_bits(16777216.0f));
  // All products -0: the tree gives -0, the accumulator starts at +0, so the psum is +0.
  const uint16_t negz[4] = {0x8000, 0x8000, 0x8000, 0x8000};
  EXPECT_EQ(segment_psum(Dtype::kBf16, wb, 4, negz, 4), 0x00000000u);
  // Row: +0 + (-0) = +0; NaN anywhere is canonical; inf - inf is NaN.
  EXPECT_EQ(row_reduce(Dtype::kBf16, std::vector<uint32_t>{0x80000000u}), 0u);
  EXPECT_EQ(row_reduce(Dtype::kBf16, std::vector<uint32_t>{0x3F800000u, 0xFFC00000u}), kFp32CanonicalNaN);
  EXPECT_EQ(row_reduce(Dtype::kBf16, std::vector<uint32_t>{0x7F800000u, 0xFF800000u}), kFp32CanonicalNaN);
  EXPECT_EQ(row_reduce(Dtype::kBf16, std::vector<uint32_t>{}), 0u);
}

TEST(SegmentPsum, RejectsBadArguments) {
  const uint8_t w[4] = {};
  const uint16_t a[4] = {};
  EXPECT_THROW(segment_psum(Dtype::kInt8, w, 4, a, 3), std::invalid_argument);
  EXPECT_THROW(segment_psum(static_cast<Dtype>(3), w, 4, a, 4), std::invalid_argument);
}

}  // namespace
}  // namespace ifc::model
