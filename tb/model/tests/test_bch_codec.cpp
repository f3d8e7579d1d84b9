// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "model/bch.hpp"
#include "test_util.hpp"

namespace ifc::model {
namespace {

using Outcome = BchCode::DecodeResult::Outcome;
using test::BinPoly;

struct CodeSpec {
  unsigned m, t;
  uint32_t k;
};

std::string describe(const BchCode& c) {
  return "BCH(m=" + std::to_string(c.m()) + ", t=" + std::to_string(c.t()) + ", k=" + std::to_string(c.k_bits()) +
         ", n=" + std::to_string(c.n_bits()) + ")";
}

// Received word as a polynomial straight from the normative bit order: stream bit i -> x^(n-1-i).
BinPoly stream_poly(const BchCode& code, const uint8_t* msg, const uint8_t* parity) {
  const uint32_t n = code.n_bits();
  BinPoly a(n, 0);
  for (uint32_t i = 0; i < code.k_bits(); ++i) a[n - 1 - i] = (msg[i / 8] >> (i % 8)) & 1u;
  for (uint32_t j = 0; j < code.parity_bits(); ++j) a[n - 1 - code.k_bits() - j] = (parity[j / 8] >> (j % 8)) & 1u;
  return a;
}

// Reference parity by long division of m(x) x^p (parity bit j = coefficient of x^(p-1-j)).
std::vector<uint8_t> reference_parity(const BchCode& code, const uint8_t* msg) {
  const std::vector<uint8_t> zero(code.parity_bytes(), 0);
  const BinPoly rem = test::binpoly_mod(stream_poly(code, msg, zero.data()), code.generator());
  std::vector<uint8_t> out(code.parity_bytes(), 0);
  const uint32_t p = code.parity_bits();
  for (uint32_t j = 0; j < p; ++j)
    if (rem[p - 1 - j]) out[j / 8] |= static_cast<uint8_t>(1u << (j % 8));
  return out;
}

BchCode::Remainder reference_remainder(const BchCode& code, const uint8_t* msg, const uint8_t* parity) {
  const BinPoly rem = test::binpoly_mod(stream_poly(code, msg, parity), code.generator());
  BchCode::Remainder out((code.parity_bits() + 63) / 64, 0);
  for (uint32_t d = 0; d < code.parity_bits(); ++d)
    if (rem[d]) out[d / 64] |= uint64_t{1} << (d % 64);
  return out;
}

std::vector<uint8_t> from_hex(const std::string& hex) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
  return out;
}

bool all_zero(const BchCode::Remainder& r) {
  return std::all_of(r.begin(), r.end(), [](uint64_t w) { return w == 0; });
}

// A random codeword (message with unused high bits cleared, and its parity).
struct Word {
  std::vector<uint8_t> msg, parity;
};
Word random_codeword(const BchCode& code, std::mt19937_64& rng) {
  Word w;
  w.msg = test::random_bytes(rng, code.message_bytes());
  if (code.k_bits() % 8) w.msg.back() &= static_cast<uint8_t>((1u << (code.k_bits() % 8)) - 1);
  w.parity = code.encode(w.msg.data());
  return w;
}

// ---------------------------------------------------------------------------------------------
// Encoding and the normative bit order
// ---------------------------------------------------------------------------------------------

// Vectors computed by an independent (Python, naive polynomial) implementation of bch.hpp's order.
TEST(BchEncode, GoldenVectors) {
  const BchCode c157(4, 2, 7);
  // Message bit 0 is the x^14 coefficient: x^14 mod g = x^7+x^6+x^5+x^3 -> parity bits 0,1,2,4 = 0x17.
  const uint8_t m1 = 0x01, m2 = 0x40, m3 = 0x5A;
  EXPECT_EQ(c157.encode(&m1), std::vector<uint8_t>{0x17});
  EXPECT_EQ(c157.encode(&m2), std::vector<uint8_t>{0x8B});
  EXPECT_EQ(c157.encode(&m3), std::vector<uint8_t>{0x7A});

  const BchCode def(12, 8, 2048);
  std::vector<uint8_t> payload(256);
  for (int i = 0; i < 256; ++i) payload[i] = static_cast<uint8_t>(i);
  EXPECT_EQ(def.encode(payload.data()), from_hex("f0eb9a123cbf725a22e4a9b2"));
  std::fill(payload.begin(), payload.end(), 0xFF);
  EXPECT_EQ(def.encode(payload.data()), from_hex("92119848a9f7e6436dede612"));
  std::fill(payload.begin(), payload.end(), 0x00);
  payload[255] = 0x80;  // message bit 2047 only: x^96 mod g
  EXPECT_EQ(def.encode(payload.data()), from_hex("9d626471a6e4c387b3d205b8"));
  payload[255] = 0;
  EXPECT_EQ(def.encode(payload.data()), std::vector<uint8_t>(12, 0));
}

TEST(BchEncode, MatchesLongDivision) {
  std::mt19937_64 rng(test::test_seed());
  for (const CodeSpec& s : std::vector<CodeSpec>{{12, 8, 2048},
                                                 {12, 8, 2048 + 32},
                                                 {4, 2, 7},
                                                 {5, 1, 26},  // p = 5 < 8: bit-serial path
                                                 {6, 2, 30},
                                                 {12, 5, 1003},  // k % 8 = 3, p % 8 = 4
                                                 {12, 2, 1024},
                                                 {13, 8, 4096},
                                                 {14, 8, 8192},
                                                 {16, 16, 8192}}) {  // p = 256: four register words
    const BchCode code(s.m, s.t, s.k);
    SCOPED_TRACE(describe(code));
    for (int trial = 0; trial < 20; ++trial) {
      const Word w = random_codeword(code, rng);
      ASSERT_EQ(w.parity, reference_parity(code, w.msg.data()));
      if (code.parity_bits() % 8) {
        ASSERT_EQ(w.parity.back() >> (code.parity_bits() % 8), 0);
      }
    }
  }
}

TEST(BchEncode, IgnoresUnusedMessageBits) {
  const BchCode code(12, 5, 1003);
  std::mt19937_64 rng(test::test_seed());
  Word w = random_codeword(code, rng);
  std::vector<uint8_t> dirty = w.msg;
  dirty.back() |= 0xF8;  // bits 3..7 of the last byte are beyond k
  EXPECT_EQ(code.encode(dirty.data()), w.parity);
}

// ---------------------------------------------------------------------------------------------
// Remainder and syndromes
// ---------------------------------------------------------------------------------------------

TEST(BchRemainder, DegreeOrderConvention) {
  const BchCode code(12, 8, 2048);
  const uint32_t p = code.parity_bits(), n = code.n_bits();
  std::mt19937_64 rng(test::test_seed());
  const Word w = random_codeword(code, rng);
  EXPECT_TRUE(all_zero(code.remainder(w.msg.data(), w.parity.data())));
  EXPECT_TRUE(code.is_codeword(w.msg.data(), w.parity.data()));
  // A single error in parity bit j is the polynomial x^(p-1-j): the remainder has only bit p-1-j.
  for (uint32_t j = 0; j < p; ++j) {
    Word e = w;
    code.flip_stream_bit(e.msg.data(), e.parity.data(), code.k_bits() + j);
    const auto rem = code.remainder(e.msg.data(), e.parity.data());
    BchCode::Remainder expect(rem.size(), 0);
    expect[(p - 1 - j) / 64] = uint64_t{1} << ((p - 1 - j) % 64);
    ASSERT_EQ(rem, expect) << "parity bit " << j;
    ASSERT_FALSE(code.is_codeword(e.msg.data(), e.parity.data()));
  }
  // Any received word: the remainder equals the long-division remainder of sum_i r_i x^(n-1-i).
  for (int trial = 0; trial < 50; ++trial) {
    Word r;
    r.msg = test::random_bytes(rng, code.message_bytes());
    r.parity = test::random_bytes(rng, code.parity_bytes());
    ASSERT_EQ(code.remainder(r.msg.data(), r.parity.data()), reference_remainder(code, r.msg.data(), r.parity.data()));
  }
  EXPECT_EQ(code.stream_bit_degree(0), n - 1);
  EXPECT_EQ(code.stream_bit_degree(n - 1), 0u);
}

TEST(BchSyndromes, CodewordHasZeroSyndromes) {
  std::mt19937_64 rng(test::test_seed());
  for (const CodeSpec& s : std::vector<CodeSpec>{{12, 8, 2048}, {12, 5, 1003}, {6, 2, 30}, {13, 8, 4096}}) {
    const BchCode code(s.m, s.t, s.k);
    SCOPED_TRACE(describe(code));
    const Word w = random_codeword(code, rng);
    EXPECT_EQ(code.syndromes(w.msg.data(), w.parity.data()), std::vector<uint16_t>(2 * s.t, 0));
    EXPECT_EQ(code.syndromes_from_remainder(code.remainder(w.msg.data(), w.parity.data())),
              std::vector<uint16_t>(2 * s.t, 0));
  }
}

TEST(BchSyndromes, SingleErrorSyndromeIsPowerOfAlpha) {
  const BchCode code(12, 8, 2048);
  const Gf2m& gf = code.field();
  std::vector<uint8_t> msg(code.message_bytes(), 0), parity(code.parity_bytes(), 0);
  for (uint32_t i : {0u, 1u, 7u, 8u, 2047u, 2048u, 2143u}) {
    code.flip_stream_bit(msg.data(), parity.data(), i);
    const auto s = code.syndromes(msg.data(), parity.data());
    for (uint32_t j = 1; j <= 2 * code.t(); ++j)
      ASSERT_EQ(s[j - 1], gf.exp(static_cast<int64_t>(j) * (code.n_bits() - 1 - i))) << "i=" << i << " j=" << j;
    code.flip_stream_bit(msg.data(), parity.data(), i);
  }
}

TEST(BchSyndromes, FromRemainderMatchesDirect) {
  std::mt19937_64 rng(test::test_seed());
  for (const CodeSpec& s : std::vector<CodeSpec>{
           {12, 8, 2048}, {12, 5, 1003}, {6, 2, 30}, {13, 8, 4096}, {14, 8, 8192}, {12, 16, 2048}, {4, 3, 5}}) {
    const BchCode code(s.m, s.t, s.k);
    SCOPED_TRACE(describe(code));
    for (int trial = 0; trial < 40; ++trial) {
      Word w = random_codeword(code, rng);
      const uint32_t weight = 1 + static_cast<uint32_t>(rng() % std::min<uint64_t>(3 * s.t, code.n_bits()));
      for (uint32_t i : test::distinct_positions(rng, code.n_bits(), weight))
        code.flip_stream_bit(w.msg.data(), w.parity.data(), i);
      const auto direct = code.syndromes(w.msg.data(), w.parity.data());
      ASSERT_EQ(code.syndromes_from_remainder(code.remainder(w.msg.data(), w.parity.data())), direct);
      if (weight <= 2 * s.t) {  // below the designed distance, so never a codeword
        ASSERT_NE(direct, std::vector<uint16_t>(2 * s.t, 0)) << "weight " << weight;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Berlekamp-Massey and Chien
// ---------------------------------------------------------------------------------------------

TEST(BchLocator, MatchesProductOfErrorLocators) {
  std::mt19937_64 rng(test::test_seed());
  for (const CodeSpec& s : std::vector<CodeSpec>{{12, 8, 2048}, {12, 16, 2048}, {6, 2, 30}}) {
    const BchCode code(s.m, s.t, s.k);
    const Gf2m& gf = code.field();
    SCOPED_TRACE(describe(code));
    for (int trial = 0; trial < 100; ++trial) {
      Word w = random_codeword(code, rng);
      const uint32_t weight = 1 + static_cast<uint32_t>(rng() % s.t);
      auto pos = test::distinct_positions(rng, code.n_bits(), weight);
      for (uint32_t i : pos) code.flip_stream_bit(w.msg.data(), w.parity.data(), i);
      // prod_l (1 + X_l x), X_l = alpha^(n-1-i_l)
      std::vector<uint16_t> expect{1};
      for (uint32_t i : pos) {
        const uint16_t x = gf.exp(code.stream_bit_degree(i));
        std::vector<uint16_t> next(expect.size() + 1, 0);
        for (size_t d = 0; d < expect.size(); ++d) {
          next[d] ^= expect[d];
          next[d + 1] ^= gf.mul(expect[d], x);
        }
        expect.swap(next);
      }
      const auto loc = code.berlekamp_massey(code.syndromes(w.msg.data(), w.parity.data()));
      ASSERT_EQ(loc.degree(), static_cast<int>(weight));
      ASSERT_EQ(loc.complexity, static_cast<int>(weight));
      ASSERT_NE(loc.coeffs[0], 0);
      ASSERT_EQ(loc.normalized(gf), expect);
      std::sort(pos.begin(), pos.end());
      ASSERT_EQ(code.chien(loc.coeffs), pos);
    }
  }
}

TEST(BchLocator, ChienOnlySearchesTheShortenedCode) {
  const BchCode code(12, 8, 2048);
  const Gf2m& gf = code.field();
  const uint32_t n = code.n_bits();
  auto locator_for_degrees = [&](std::initializer_list<uint32_t> degs) {
    std::vector<uint16_t> l{1};
    for (uint32_t e : degs) {
      const uint16_t x = gf.exp(e);
      std::vector<uint16_t> next(l.size() + 1, 0);
      for (size_t d = 0; d < l.size(); ++d) {
        next[d] ^= l[d];
        next[d + 1] ^= gf.mul(l[d], x);
      }
      l.swap(next);
    }
    return l;
  };
  EXPECT_EQ(code.chien(locator_for_degrees({n - 1})), std::vector<uint32_t>{0});
  EXPECT_EQ(code.chien(locator_for_degrees({0})), std::vector<uint32_t>{n - 1});
  EXPECT_TRUE(code.chien(locator_for_degrees({n})).empty());  // first position cut by shortening
  EXPECT_TRUE(code.chien(locator_for_degrees({gf.order() - 1})).empty());
  EXPECT_EQ(code.chien(locator_for_degrees({5, n + 7, 100})), (std::vector<uint32_t>{n - 1 - 100, n - 1 - 5}));
  EXPECT_TRUE(code.chien({7}).empty());
  EXPECT_THROW(code.chien({0, 0}), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------

TEST(BchDecode, CleanWordIsUntouched) {
  const BchCode code(12, 5, 1003);
  std::mt19937_64 rng(test::test_seed());
  Word w = random_codeword(code, rng);
  w.msg.back() |= 0xF8;     // unused message bits (k % 8 = 3): ignored and preserved
  w.parity.back() |= 0xF0;  // unused parity bits (p % 8 = 4): ignored and preserved
  const Word before = w;
  const auto r = code.decode(w.msg.data(), w.parity.data());
  EXPECT_EQ(r.outcome, Outcome::Clean);
  EXPECT_EQ(r.n_errors, 0);
  EXPECT_TRUE(r.flipped_bits.empty());
  EXPECT_EQ(w.msg, before.msg);
  EXPECT_EQ(w.parity, before.parity);
  // With errors too, the unused bits are preserved.
  code.flip_stream_bit(w.msg.data(), w.parity.data(), 1002);
  code.flip_stream_bit(w.msg.data(), w.parity.data(), 1003);
  const auto r2 = code.decode(w.msg.data(), w.parity.data());
  EXPECT_EQ(r2.outcome, Outcome::Corrected);
  EXPECT_EQ(r2.flipped_bits, (std::vector<uint32_t>{1002, 1003}));
  EXPECT_EQ(w.msg, before.msg);
  EXPECT_EQ(w.parity, before.parity);
}

TEST(BchDecode, EverySingleBitErrorInDefaultSegment) {
  const BchCode code(12, 8, 2048);
  std::mt19937_64 rng(test::test_seed());
  const Word w = random_codeword(code, rng);
  Word r = w;
  for (uint32_t i = 0; i < code.n_bits(); ++i) {
    code.flip_stream_bit(r.msg.data(), r.parity.data(), i);
    const auto res = code.decode(r.msg.data(), r.parity.data());
    ASSERT_EQ(res.outcome, Outcome::Corrected) << "bit " << i;
    ASSERT_EQ(res.n_errors, 1);
    ASSERT_EQ(res.flipped_bits, std::vector<uint32_t>{i});
    ASSERT_EQ(r.msg, w.msg);
    ASSERT_EQ(r.parity, w.parity);
  }
}

void check_random_correctable(const BchCode& code, int n_trials, std::mt19937_64& rng) {
  SCOPED_TRACE(describe(code));
  for (int trial = 0; trial < n_trials; ++trial) {
    const Word w = random_codeword(code, rng);
    Word r = w;
    const uint32_t weight = 1 + static_cast<uint32_t>(rng() % code.t());
    auto pos = test::distinct_positions(rng, code.n_bits(), weight);
    for (uint32_t i : pos) code.flip_stream_bit(r.msg.data(), r.parity.data(), i);
    const auto res = code.decode(r.msg.data(), r.parity.data());
    std::sort(pos.begin(), pos.end());
    ASSERT_EQ(res.outcome, Outcome::Corrected) << "trial " << trial << " weight " << weight;
    ASSERT_EQ(res.n_errors, static_cast<int>(weight));
    ASSERT_EQ(res.flipped_bits, pos);
    ASSERT_EQ(r.msg, w.msg);
    ASSERT_EQ(r.parity, w.parity);
  }
}

TEST(BchDecode, RandomErrorsUpToT) {
  std::mt19937_64 rng(test::test_seed());
  check_random_correctable(BchCode(12, 8, 2048), static_cast<int>(test::trials(20000)), rng);      // default
  check_random_correctable(BchCode(12, 8, 2048 + 32), static_cast<int>(test::trials(3000)), rng);  // + CRC
  check_random_correctable(BchCode(12, 4, 2048), static_cast<int>(test::trials(5000)), rng);
  check_random_correctable(BchCode(13, 8, 4096), static_cast<int>(test::trials(2000)), rng);  // 512 B, m=13
  check_random_correctable(BchCode(14, 8, 8192), static_cast<int>(test::trials(1000)), rng);  // 1 KiB, m=14
  check_random_correctable(BchCode(12, 16, 2048), static_cast<int>(test::trials(1000)), rng);
  check_random_correctable(BchCode(12, 2, 1024), static_cast<int>(test::trials(3000)), rng);  // 128 B, t=2
  check_random_correctable(BchCode(12, 5, 1003), static_cast<int>(test::trials(2000)), rng);
}

// All 1- and 2-bit patterns of a small shortened code (m=6, t=2, n=42), and all 3-bit patterns
// of m=6, t=3, n=38, each on two different codewords.
TEST(BchDecode, ExhaustiveSmallCodes) {
  std::mt19937_64 rng(test::test_seed());
  for (const CodeSpec& s : std::vector<CodeSpec>{{6, 2, 30}, {6, 3, 20}}) {
    const BchCode code(s.m, s.t, s.k);
    SCOPED_TRACE(describe(code));
    const uint32_t n = code.n_bits();
    for (int word = 0; word < 2; ++word) {
      Word w = random_codeword(code, rng);
      if (word == 0) {
        std::fill(w.msg.begin(), w.msg.end(), 0);
        w.parity = code.encode(w.msg.data());
      }
      uint64_t patterns = 0;
      std::vector<uint32_t> pos;
      // Enumerate all subsets of size 1..t in lexicographic order.
      for (uint32_t size = 1; size <= s.t; ++size) {
        pos.resize(size);
        for (uint32_t q = 0; q < size; ++q) pos[q] = q;
        while (true) {
          Word r = w;
          for (uint32_t i : pos) code.flip_stream_bit(r.msg.data(), r.parity.data(), i);
          const auto res = code.decode(r.msg.data(), r.parity.data());
          ASSERT_EQ(res.outcome, Outcome::Corrected) << testing::PrintToString(pos);
          ASSERT_EQ(res.flipped_bits, pos);
          ASSERT_EQ(r.msg, w.msg);
          ASSERT_EQ(r.parity, w.parity);
          ++patterns;
          int q = static_cast<int>(size) - 1;
          while (q >= 0 && pos[q] == n - size + static_cast<uint32_t>(q)) --q;
          if (q < 0) break;
          ++pos[q];
          for (uint32_t u = static_cast<uint32_t>(q) + 1; u < size; ++u) pos[u] = pos[u - 1] + 1;
        }
      }
      uint64_t expect = 0, c = 1;
      for (uint32_t size = 1; size <= s.t; ++size) {
        c = c * (n - size + 1) / size;
        expect += c;
      }
      EXPECT_EQ(patterns, expect);
    }
  }
}

// More than t errors: the result must be Uncorrectable (buffers untouched) or a codeword within
// distance t of the received word. Miscorrections (a codeword other than the one sent) are counted
// and printed, never hidden.
struct BeyondTStats {
  uint64_t trials = 0, uncorrectable = 0, miscorrected = 0;
};

BeyondTStats run_beyond_t(const BchCode& code, uint32_t weight, uint64_t n_trials, std::mt19937_64& rng) {
  BeyondTStats st;
  for (uint64_t trial = 0; trial < n_trials; ++trial) {
    const Word w = random_codeword(code, rng);
    Word r = w;
    for (uint32_t i : test::distinct_positions(rng, code.n_bits(), weight))
      code.flip_stream_bit(r.msg.data(), r.parity.data(), i);
    const Word received = r;
    const auto res = code.decode(r.msg.data(), r.parity.data());
    ++st.trials;
    EXPECT_NE(res.outcome, Outcome::Clean);
    if (res.outcome == Outcome::Uncorrectable) {
      ++st.uncorrectable;
      EXPECT_EQ(res.n_errors, -1);
      EXPECT_TRUE(res.flipped_bits.empty());
      EXPECT_EQ(r.msg, received.msg);
      EXPECT_EQ(r.parity, received.parity);
      continue;
    }
    // Corrected: output is a codeword, at distance n_errors <= t from the received word, and
    // flipped_bits are exactly the differences.
    EXPECT_TRUE(code.is_codeword(r.msg.data(), r.parity.data()));
    EXPECT_LE(res.n_errors, static_cast<int>(code.t()));
    EXPECT_EQ(res.flipped_bits.size(), static_cast<size_t>(res.n_errors));
    std::vector<uint32_t> diff;
    for (uint32_t i = 0; i < code.n_bits(); ++i)
      if (code.stream_bit(r.msg.data(), r.parity.data(), i) !=
          code.stream_bit(received.msg.data(), received.parity.data(), i))
        diff.push_back(i);
    EXPECT_EQ(diff, res.flipped_bits);
    // weight > t and distance <= t: it cannot be the codeword that was sent.
    EXPECT_TRUE(r.msg != w.msg || r.parity != w.parity);
    ++st.miscorrected;
  }
  return st;
}

void report_beyond_t(const BchCode& code, uint64_t n_per_weight, std::mt19937_64& rng, bool expect_miscorrections) {
  SCOPED_TRACE(describe(code));
  const double n = code.n_bits(), nmax = code.field().order();
  double fact = 1;
  for (unsigned i = 2; i <= code.t(); ++i) fact *= i;
  std::printf("  %s, %llu trials per weight; estimate (n/(2^m-1))^t/t! = %.3g\n", describe(code).c_str(),
              static_cast<unsigned long long>(n_per_weight), std::pow(n / nmax, code.t()) / fact);
  std::printf("    weight  uncorrectable  miscorrected  miscorrection rate (95%% upper bound if 0)\n");
  uint64_t total_mis = 0;
  for (uint32_t wgt = code.t() + 1; wgt <= 2 * code.t(); ++wgt) {
    const BeyondTStats st = run_beyond_t(code, wgt, n_per_weight, rng);
    total_mis += st.miscorrected;
    const double rate = static_cast<double>(st.miscorrected) / static_cast<double>(st.trials);
    std::printf("    %6u  %13llu  %12llu  %.3g%s\n", wgt, static_cast<unsigned long long>(st.uncorrectable),
                static_cast<unsigned long long>(st.miscorrected), st.miscorrected ? rate : 3.0 / st.trials,
                st.miscorrected ? "" : " (<)");
  }
  std::fflush(stdout);
  if (expect_miscorrections) {
    EXPECT_GT(total_mis, 0u) << "the miscorrection checks were never exercised";
  }
}

TEST(BchDecode, BeyondTIsDetectedOrValidMiscorrection) {
  std::mt19937_64 rng(test::test_seed());
  report_beyond_t(BchCode(12, 8, 2048), test::trials(5000), rng, false);  // default: rate ~1e-7
  report_beyond_t(BchCode(12, 4, 2048), test::trials(5000), rng, false);  // rate ~3e-3
  report_beyond_t(BchCode(8, 4, 150), test::trials(5000), rng, true);     // rate ~1e-2: exercised
  report_beyond_t(BchCode(6, 2, 30), test::trials(3000), rng, true);      // rate ~0.2
}

// ---------------------------------------------------------------------------------------------
// Timing (printed; the bound only catches a pathological regression)
// ---------------------------------------------------------------------------------------------

TEST(BchPerf, DecodeTimingDefaultSegment) {
  const BchCode code(12, 8, 2048);
  std::mt19937_64 rng(test::test_seed());
  const Word w = random_codeword(code, rng);
  using Clock = std::chrono::steady_clock;
  const int reps = 20000;
  Word r = w;
  int clean = 0;
  auto t0 = Clock::now();
  for (int i = 0; i < reps; ++i) clean += code.decode(r.msg.data(), r.parity.data()).outcome == Outcome::Clean;
  const double clean_ns = std::chrono::duration<double, std::nano>(Clock::now() - t0).count() / reps;
  ASSERT_EQ(clean, reps);

  const int reps_t = 2000;
  std::vector<std::vector<uint32_t>> patterns;
  for (int i = 0; i < reps_t; ++i) patterns.push_back(test::distinct_positions(rng, code.n_bits(), code.t()));
  double dirty_ns = 0;
  for (const auto& pat : patterns) {
    for (uint32_t i : pat) code.flip_stream_bit(r.msg.data(), r.parity.data(), i);
    t0 = Clock::now();
    const auto res = code.decode(r.msg.data(), r.parity.data());
    dirty_ns += std::chrono::duration<double, std::nano>(Clock::now() - t0).count();
    ASSERT_EQ(res.outcome, Outcome::Corrected);
  }
  dirty_ns /= reps_t;
  ASSERT_EQ(r.msg, w.msg);
  std::printf("  decode, default segment (256 B, m=12, t=8): clean %.0f ns, %u errors %.0f ns\n", clean_ns, code.t(),
              dirty_ns);
  RecordProperty("clean_decode_ns", std::to_string(clean_ns));
  RecordProperty("t_error_decode_ns", std::to_string(dirty_ns));
  EXPECT_LT(clean_ns, 200000.0);
  EXPECT_LT(dirty_ns, 2000000.0);
}

}  // namespace
}  // namespace ifc::model
