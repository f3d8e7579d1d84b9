// ifc_ecc_corrector against the golden BCH codec (tb/model/bch.hpp): every output segment must equal
// BchCode::decode() of the segment that went in, bit for bit (corrected data, uncorrectable flag,
// number of corrected bits), under random backpressure, with several engines busy and segments
// completing out of order.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>
#include <set>

#include "common/rtl_fixture.hpp"
#include "common/seed.hpp"
#include "ecc_corrector_harness.hpp"

namespace ifc::tb {
namespace {

class EccCorrector : public RtlFixture<Vifc_ecc_corrector> {
 protected:
  void check(const CorrectorHarness<>& h, bool completed) {
    EXPECT_TRUE(completed) << "only " << h.completed() << " of " << h.segments().size()
                           << " segments came out in time";
    for (const auto& e : h.errors()) ADD_FAILURE() << e;
    EXPECT_FALSE(sim().error()) << "an RTL assertion fired";
  }
  // Cycle bound: generous (a full Chien search per segment, one engine).
  static uint64_t bound(size_t segments) { return 2000 + segments * (kCorrSegBeats + 400); }
};

TEST_F(EccCorrector, AllSingleBitErrorPositions) {
  // Every stream position, one segment each, back to back at full rate.
  sim().reset();
  std::mt19937_64 rng(test_seed("single-bit messages", 101));
  CorrectorHarness<> h(sim(), rng());
  for (uint32_t p = 0; p < kCorrCodeBits; ++p) {
    auto s = make_segment(rng, {p}, p);
    finish_segment(s);
    ASSERT_EQ(s.outcome, Outcome::Corrected);
    h.submit(std::move(s));
  }
  check(h, h.run(bound(kCorrCodeBits)));
  EXPECT_EQ(h.stats().corrected, kCorrCodeBits);
  EXPECT_EQ(top().perf_corrected_o, kCorrCodeBits);
  EXPECT_EQ(top().perf_uncorrectable_o, 0u);
  std::printf("[ecc] %u single-bit segments in %llu cycles (%.1f cycles/segment)\n", kCorrCodeBits,
              static_cast<unsigned long long>(h.stats().cycles), double(h.stats().cycles) / kCorrCodeBits);
}

TEST_F(EccCorrector, RandomCorrectablePatterns) {
  // 1..T random errors, random valid gaps and ready.
  sim().reset();
  const uint64_t seed = test_seed("correctable patterns", 202);
  std::mt19937_64 rng(seed);
  CorrectorHarness<> h(sim(), seed ^ 0x5a5a, 0.2, 0.7);
  const unsigned n = 600;
  std::vector<unsigned> per_count(kCorrT + 1, 0);
  for (unsigned i = 0; i < n; ++i) {
    const unsigned e = 1 + static_cast<unsigned>(rng() % kCorrT);
    ++per_count[e];
    auto s = make_segment(rng, random_positions(rng, e), i);
    finish_segment(s);
    ASSERT_EQ(s.outcome, Outcome::Corrected);
    ASSERT_EQ(s.expect, s.codeword);
    h.submit(std::move(s));
  }
  check(h, h.run(bound(n)));
  EXPECT_EQ(h.stats().corrected, n);
  for (unsigned e = 1; e <= kCorrT; ++e) EXPECT_GT(per_count[e], 0u) << "no pattern with " << e << " errors";
}

TEST_F(EccCorrector, BeyondCapabilityMatchesCodec) {
  // T+1..2T errors: uncorrectable or miscorrected, exactly as the codec decides.
  sim().reset();
  const uint64_t seed = test_seed("beyond-t patterns", 303);
  std::mt19937_64 rng(seed);
  CorrectorHarness<> h(sim(), seed ^ 0x3c3c, 0.1, 0.8);
  const unsigned n_random = 600, n_bm = 12;
  for (unsigned i = 0; i < n_random; ++i) {
    const unsigned e = kCorrT + 1 + static_cast<unsigned>(rng() % kCorrT);
    auto s = make_segment(rng, random_positions(rng, e), i);
    finish_segment(s);
    h.submit(std::move(s));
  }
  // Random words beyond T nearly always end the BM with L = T and fail in the Chien search; the
  // L > T rejection needs a zero discrepancy early (~(T-1)/2^m of the words): search for some.
  unsigned found = 0;
  for (unsigned tries = 0; found < n_bm && tries < 400000; ++tries) {
    const unsigned e = kCorrT + 1 + static_cast<unsigned>(rng() % kCorrT);
    auto s = make_segment(rng, random_positions(rng, e), n_random + found);
    finish_segment(s);
    if (s.outcome == Outcome::Uncorrectable && !s.unc_after_chien) {
      h.submit(std::move(s));
      ++found;
    }
  }
  ASSERT_EQ(found, n_bm) << "no words with L > T found";
  const unsigned n = n_random + n_bm;
  check(h, h.run(bound(n)));
  const auto& st = h.stats();
  std::printf("[ecc] %u segments with %u..%u errors: %llu uncorrectable (%llu rejected by BM, %llu after a full "
              "Chien search), %llu miscorrected (RTL == codec)\n", n, kCorrT + 1, 2 * kCorrT,
              static_cast<unsigned long long>(st.uncorrectable),
              static_cast<unsigned long long>(st.uncorrectable - st.unc_after_chien),
              static_cast<unsigned long long>(st.unc_after_chien), static_cast<unsigned long long>(st.miscorrected));
  EXPECT_EQ(st.uncorrectable + st.corrected, n);
  EXPECT_EQ(st.corrected, st.miscorrected) << "with more than T errors a 'correction' is always a miscorrection";
  EXPECT_GT(st.uncorrectable, n / 2);
  EXPECT_GT(st.unc_after_chien, 0u) << "the roots != deg(lambda) path was never exercised";
  EXPECT_GT(st.uncorrectable - st.unc_after_chien, 0u) << "the L > T path was never exercised";
  EXPECT_EQ(top().perf_uncorrectable_o, st.uncorrectable);
  EXPECT_EQ(top().perf_crc_fail_o, st.crc_fail);
  if (kCorrCrc) {
    EXPECT_EQ(st.miscorrected, 0u) << "a miscorrection passed the CRC";
  }
}

TEST_F(EccCorrector, MiscorrectionsMatchCodec) {
  // Random patterns beyond T almost never miscorrect (~(n/2^m)^T / T!), so build miscorrections:
  // z = x^s g(x) is a low-weight codeword; received = c + z + w with w = 1..T bits of z left
  // unflipped lies within distance T of the codeword c + z, so decode() "corrects" it to c + z.
  // The RTL must land on the same wrong codeword, bit for bit.
  sim().reset();
  const uint64_t seed = test_seed("miscorrections", 404);
  std::mt19937_64 rng(seed);
  const auto& code = corr_code();
  // A low-weight nonzero codeword z: the generator polynomial g(x) itself (weight <= deg g + 1),
  // shifted to a random position: z(x) = x^s g(x), stream bit i <-> degree n-1-i.
  const auto& g = code.generator();
  CorrectorHarness<> h(sim(), seed ^ 0x77, 0.0, 0.9);
  const unsigned n = 200;
  for (unsigned i = 0; i < n; ++i) {
    auto s = make_segment(rng, {}, i);
    const uint32_t shift = static_cast<uint32_t>(rng() % (kCorrCodeBits - g.size() + 1));
    std::vector<uint32_t> zbits;
    for (uint32_t d = 0; d < g.size(); ++d)
      if (g[d]) zbits.push_back(kCorrCodeBits - 1 - (d + shift));
    // received = c + z + w, w = flip back up to T bits of z (so the distance to c shrinks).
    const unsigned wcount = 1 + static_cast<unsigned>(rng() % kCorrT);
    std::shuffle(zbits.begin(), zbits.end(), rng);
    std::vector<uint32_t> flips(zbits.begin() + wcount, zbits.end());
    for (uint32_t b : flips) code.flip_stream_bit(s.sent.data(), s.sent.data() + code.message_bytes(), b);
    s.flips = flips;
    finish_segment(s);
    h.submit(std::move(s));
  }
  check(h, h.run(bound(n)));
  std::printf("[ecc] low-weight patterns: %llu corrected (of which %llu miscorrected), %llu uncorrectable\n",
              static_cast<unsigned long long>(h.stats().corrected),
              static_cast<unsigned long long>(h.stats().miscorrected),
              static_cast<unsigned long long>(h.stats().uncorrectable));
  if (kCorrCrc) {
    // The segment CRC turns every one of them into a detected error (no silent corruption).
    EXPECT_EQ(h.stats().miscorrected, 0u);
    EXPECT_EQ(h.stats().crc_fail, n);
    EXPECT_EQ(h.stats().uncorrectable, n);
    EXPECT_EQ(top().perf_crc_fail_o, n);
    EXPECT_EQ(top().perf_uncorrectable_o, n);
  } else {
    // Without it they are silent: corrected output, wrong data.
    EXPECT_EQ(h.stats().miscorrected, n);
    EXPECT_EQ(top().perf_crc_fail_o, 0u);
  }
}

TEST_F(EccCorrector, BackpressureEnginesOverlapOutOfOrder) {
  // Mixed error counts (0..T), heavy random backpressure on both ports: several engines busy,
  // the buffer fills (in_ready_o low), later segments overtake earlier ones.
  sim().reset();
  const uint64_t seed = test_seed("backpressure", 505);
  std::mt19937_64 rng(seed);
  CorrectorHarness<> h(sim(), seed ^ 0x1234, 0.25, 0.6);
  const unsigned n = 400;
  for (unsigned i = 0; i < n; ++i) {
    const unsigned e = static_cast<unsigned>(rng() % (kCorrT + 2));  // 0..T+1
    auto s = make_segment(rng, random_positions(rng, e), i);
    finish_segment(s);
    h.submit(std::move(s));
  }
  check(h, h.run(4 * bound(n)));
  const auto& st = h.stats();
  std::printf("[ecc] backpressure: %llu out-of-order completions (%llu with different error counts), "
              "max %llu engines busy, %llu input stall cycles\n",
              static_cast<unsigned long long>(st.out_of_order),
              static_cast<unsigned long long>(st.out_of_order_diff_err),
              static_cast<unsigned long long>(st.max_busy_engines),
              static_cast<unsigned long long>(st.in_stall_cycles));
  EXPECT_GT(st.out_of_order_diff_err, 0u) << "no later-submitted segment ever came out first";
  EXPECT_EQ(st.max_busy_engines, kCorrEngines);
  EXPECT_GT(st.in_stall_cycles, 0u) << "the correction buffer never filled";
  EXPECT_GT(st.clean, 0u);
  EXPECT_GT(st.uncorrectable, 0u);
}

TEST_F(EccCorrector, OutOfOrderCompletionWithFullRatePorts) {
  // A segment with T errors late in the codeword, then one with a single early error: the second
  // one finishes first and comes out first.
  sim().reset();
  std::mt19937_64 rng(test_seed("out-of-order pair", 606));
  CorrectorHarness<> h(sim(), 1);
  std::vector<uint32_t> late;
  for (unsigned i = 0; i < kCorrT; ++i) late.push_back(kCorrCodeBits - 1 - 3 * i);
  auto a = make_segment(rng, late, 0xA);
  auto b = make_segment(rng, {5}, 0xB);
  finish_segment(a);
  finish_segment(b);
  h.submit(std::move(a));
  h.submit(std::move(b));
  check(h, h.run(bound(2)));
  for (const auto& s : h.segments()) {
    std::printf("[ecc] tag %X: beats in %llu..%llu, beats out %llu..%llu\n", s.tag,
                static_cast<unsigned long long>(s.first_in_cycle), static_cast<unsigned long long>(s.last_in_cycle),
                static_cast<unsigned long long>(s.first_out_cycle), static_cast<unsigned long long>(s.last_out_cycle));
  }
  EXPECT_EQ(h.segments()[1].complete_index, 0u) << "B (1 early error) should overtake A (T late errors)";
  EXPECT_EQ(h.stats().out_of_order_diff_err, 1u);
}

TEST_F(EccCorrector, TagsComeOutExactlyOnce) {
  sim().reset();
  const uint64_t seed = test_seed("tags", 707);
  std::mt19937_64 rng(seed);
  CorrectorHarness<> h(sim(), seed ^ 0x99, 0.15, 0.6);
  std::set<uint32_t> tags;
  const uint32_t tag_mask = kCorrTagW >= 32 ? 0xffffffffu : ((1u << kCorrTagW) - 1);
  while (tags.size() < 300) tags.insert(static_cast<uint32_t>(rng()) & tag_mask);
  std::vector<uint32_t> order(tags.begin(), tags.end());
  std::shuffle(order.begin(), order.end(), rng);
  for (uint32_t tag : order) {
    auto s = make_segment(rng, random_positions(rng, static_cast<unsigned>(rng() % (kCorrT + 1))), tag);
    finish_segment(s);
    h.submit(std::move(s));
  }
  check(h, h.run(bound(order.size())));
  size_t done = 0;
  for (const auto& s : h.segments()) done += s.done;
  EXPECT_EQ(done, order.size());
  // The harness flags any duplicate or unknown tag; run a few idle cycles to catch a late extra one.
  sim().cycle(500);
  EXPECT_TRUE(h.errors().empty());
  EXPECT_TRUE(top().idle_o);
}

TEST_F(EccCorrector, EdgeCases) {
  // Positions at the ends, in one Chien group (the one-root-per-cycle stall), in the parity,
  // a clean segment, an all-ones (erased) word, an all-zero word with errors.
  sim().reset();
  std::mt19937_64 rng(test_seed("edge cases", 808));
  const auto& code = corr_code();
  const uint32_t n = kCorrCodeBits;
  std::vector<std::vector<uint32_t>> patterns = {
      {},                                   // clean (rem = 0): passes with nerr 0
      {0},
      {n - 1},
      {0, n - 1},
      {kCorrChienPar - 1, kCorrChienPar},   // across a Chien group boundary
      {n - kCorrParityBits, n - 2},         // parity bits only
  };
  std::vector<uint32_t> group;              // T errors inside one Chien group (or consecutive)
  for (unsigned i = 0; i < kCorrT; ++i) group.push_back(3 * kCorrChienPar + i);
  patterns.push_back(group);
  std::vector<uint32_t> last_beat;          // T errors in the last beat
  for (unsigned i = 0; i < kCorrT; ++i) last_beat.push_back(n - 1 - 7 * i);
  patterns.push_back(last_beat);
  std::vector<uint32_t> t1_group;           // T+1 errors in one group
  for (unsigned i = 0; i <= kCorrT; ++i) t1_group.push_back(100 + i);
  patterns.push_back(t1_group);

  CorrectorHarness<> h(sim(), 7, 0.0, 0.5);
  uint32_t tag = 0;
  for (const auto& p : patterns) {
    auto s = make_segment(rng, p, tag++);
    finish_segment(s);
    h.submit(std::move(s));
  }
  // All-ones word (an erased page): whatever the codec says.
  {
    CorrSegment s;
    s.sent.assign(kCorrSegBytes, 0xff);
    s.tag = tag++;
    finish_segment(s);
    h.submit(std::move(s));
  }
  // All-zero codeword with T and T+1 errors.
  for (unsigned e : {kCorrT, kCorrT + 1}) {
    CorrSegment s;
    s.codeword.assign(kCorrSegBytes, 0);
    s.sent = s.codeword;
    s.flips = random_positions(rng, e);
    for (uint32_t b : s.flips) code.flip_stream_bit(s.sent.data(), s.sent.data() + code.message_bytes(), b);
    s.tag = tag++;
    finish_segment(s);
    h.submit(std::move(s));
  }
  check(h, h.run(bound(tag)));
  EXPECT_EQ(h.segments()[0].outcome, Outcome::Clean);
}

}  // namespace
}  // namespace ifc::tb
