// ifc_pv_rob (ATTN's p.V reorder buffer, docs/kvnand.md) against its model, the in-order stream:
// a harness in the dispatcher's place binds segments g (inside the buffer's window limit_o) to random
// lanes in a random order, streams their beats with random stalls (several lanes at once), fails
// some segments on the fail channel, and the output is read with random backpressure. The output
// must be every segment's beats in g order, a failed segment as zeros, and the failed count exact.
#include <gtest/gtest.h>

#include <cstdio>
#include <deque>
#include <random>
#include <vector>

#include "Vifc_pv_rob.h"
#include "common/bits.hpp"
#include "common/rtl_fixture.hpp"
#include "common/seed.hpp"

namespace ifc::tb {
namespace {

constexpr unsigned kLanes = IFC_TB_ROB_LANES, kBeats = IFC_TB_ROB_BEATS, kSegs = IFC_TB_ROB_SEGS;

struct RobCase {
  uint32_t segs;     // segments in the stream
  double fail_prob;  // a segment fails instead of arriving
  double beat_prob;  // a bound lane presents its beat
  double out_prob;   // v_ready_i
  unsigned spread;   // how far ahead of the oldest undelivered segment a binding may reach
  double min_beats_per_cycle = 0;  // checked when > 0
};

class PvRob : public RtlFixture<Vifc_pv_rob> {
 protected:
  void run(const RobCase& c, uint64_t seed) {
    std::mt19937_64 rng(seed);
    auto& t = top();
    t.start_i = 0;
    t.seg_valid_i = 0;
    t.beat_valid_i = 0;
    t.fail_valid_i = 0;
    t.v_ready_i = 0;
    sim().reset(4);
    for (int round = 0; round < 2; ++round) {  // start_i clears the buffer for the next stream
      t.start_i = 1;
      sim().cycle();
      t.start_i = 0;
      // Model: the segments' beats, which fail, and the expected in-order output.
      std::vector<std::vector<uint64_t>> data(c.segs);
      std::vector<bool> fails(c.segs), sent(c.segs, false);
      std::vector<uint64_t> want;
      uint32_t nfail = 0;
      for (uint32_t g = 0; g < c.segs; ++g) {
        fails[g] = std::bernoulli_distribution(c.fail_prob)(rng);
        nfail += fails[g];
        for (unsigned b = 0; b < kBeats; ++b) {
          data[g].push_back(rng());
          want.push_back(fails[g] ? 0 : data[g].back());
        }
      }
      struct Lane {
        bool bound = false, accepted = false;
        uint32_t g = 0;
        unsigned beat = 0;
      };
      std::vector<Lane> lanes(kLanes);
      std::vector<uint64_t> got;
      uint64_t cycles = 0;
      uint32_t lowest = 0;  // oldest segment not yet handed to the buffer
      std::bernoulli_distribution bp(c.beat_prob), op(c.out_prob), fp(0.5);
      for (uint64_t guard = 0; guard < 200000 && got.size() < want.size(); ++guard) {
        const uint32_t limit = t.limit_o;
        while (lowest < c.segs && sent[lowest]) ++lowest;
        // Bind an idle lane to a random unsent segment inside the window (as the dispatcher, which
        // never binds g >= limit_o), or fail one.
        t.fail_valid_i = 0;
        for (unsigned l = 0; l < kLanes; ++l) {
          if (lanes[l].bound || !bp(rng)) continue;
          const uint32_t g = lowest + uint32_t(rng() % c.spread);
          if (g >= c.segs || g >= limit || sent[g]) continue;
          if (fails[g]) {
            if (!t.fail_valid_i) {
              t.fail_valid_i = 1;
              t.fail_g_i = g;
              sent[g] = true;
            }
            continue;
          }
          lanes[l] = Lane{true, false, g, 0};
          sent[g] = true;
        }
        uint64_t segv = 0, beatv = 0, lastv = 0;
        for (unsigned l = 0; l < kLanes; ++l) {
          const Lane& ln = lanes[l];
          if (!ln.bound) continue;
          if (!ln.accepted) {
            segv |= 1ull << l;
            set_bits(t.seg_tag_i, l * 32, 32, ln.g);
          }
          if (bp(rng) || ln.accepted) {  // beats may be presented before the segment is taken
            beatv |= 1ull << l;
            set_bits(t.beat_data_i, l * 64, 64, data[ln.g][ln.beat]);
            if (ln.beat + 1 == kBeats) lastv |= 1ull << l;
          }
        }
        t.seg_valid_i = segv;
        t.beat_valid_i = beatv;
        t.beat_last_i = lastv;
        t.v_ready_i = op(rng);
        t.eval();
        const uint64_t segr = t.seg_ready_o, beatr = t.beat_ready_o;
        for (unsigned l = 0; l < kLanes; ++l) {
          Lane& ln = lanes[l];
          if (!ln.bound) continue;
          const bool seg_fire = ((segv >> l) & 1) && ((segr >> l) & 1);
          const bool beat_fire = ((beatv >> l) & 1) && ((beatr >> l) & 1);
          ASSERT_FALSE(beat_fire && !ln.accepted) << "a beat taken before its segment";
          if (beat_fire && ++ln.beat == kBeats) ln = Lane{};
          if (seg_fire) ln.accepted = true;
        }
        if (t.v_valid_o && t.v_ready_i) {  // a beat pair: the even beat low
          got.push_back(get_bits(t.v_data_o, 0, 64));
          got.push_back(get_bits(t.v_data_o, 64, 64));
        }
        ++cycles;
        sim().cycle();
      }
      ASSERT_EQ(got.size(), want.size()) << "the stream stalled (round " << round << ")";
      EXPECT_EQ(got, want) << "round " << round;
      // Rate: with lanes and output always ready and bindings across the window, two writers and
      // the beat-pair output carry more than one beat a cycle (the p.V lane takes two).
      if (c.min_beats_per_cycle > 0) {
        std::printf("  %u segments of %u beats, %u slots, %u lanes: %.3f beats a cycle\n", c.segs, kBeats, kSegs, kLanes,
                    double(want.size()) / double(cycles));
        EXPECT_GE(double(want.size()) / double(cycles), c.min_beats_per_cycle) << "round " << round;
      }
      t.seg_valid_i = 0;
      t.beat_valid_i = 0;
      t.fail_valid_i = 0;
      sim().cycle(4);
      EXPECT_EQ(t.failed_o, nfail);
      EXPECT_TRUE(t.empty_o);
      EXPECT_EQ(t.limit_o, c.segs + kSegs);
    }
  }
};

TEST_F(PvRob, ReleasesOutOfOrderSegmentsInGOrder) {
  const uint64_t seed = test_seed("PvRob.Random", 21);
  std::mt19937_64 rng(seed);
  const RobCase cases[] = {
      {1, 0.0, 1.0, 1.0, 1},            // one segment
      {64, 0.0, 1.0, 1.0, 1},           // in order, no stalls
      {200, 0.05, 0.7, 0.8, kSegs},     // out of order across the whole window
      {200, 0.3, 0.5, 0.3, kSegs},      // many failures, heavy backpressure
      {150, 0.0, 0.9, 1.0, 2 * kSegs},  // bindings reaching past the window wait for it
      {100, 1.0, 1.0, 1.0, kSegs},      // every segment fails: all zeros
      // the rate: two segments written at once, pairs out (short segments pay the intake cycle)
      {400, 0.0, 1.0, 1.0, kSegs, kBeats >= 16 ? 1.6 : 1.2},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(::testing::Message() << c.segs << " segments, fail " << c.fail_prob << ", spread " << c.spread);
    run(c, rng());
    if (HasFailure()) return;
  }
}

}  // namespace
}  // namespace ifc::tb
