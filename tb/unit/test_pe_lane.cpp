// ifc_pe_lane with its ifc_act_buffer (two Verilated models clocked in lockstep: the lane's
// act_re_o / act_addr_o drive the buffer's read port, the buffer's rdata_o drives act_rdata_i)
// against ifc::model::segment_psum: constrained-random segments of all three datatypes, random
// weights and activations (BF16 specials included), random valid gaps on the descriptor and beat
// channels, random res_ready backpressure, back-to-back segments, activations loaded through the
// buffer's write port; full-rate throughput and result latency.
#include <gtest/gtest.h>

#include <cstdio>
#include <deque>
#include <memory>
#include <random>
#include <vector>

#include "Vifc_act_buffer.h"
#include "Vifc_pe_lane.h"
#include "common/bits.hpp"
#include "common/rtl_fixture.hpp"
#include "common/seed.hpp"
#include "model/numerics.hpp"

namespace ifc::tb {
namespace {

using model::Dtype;

constexpr unsigned kBond = IFC_RTL_BOND_BYTES;
constexpr unsigned kMacs = IFC_RTL_PE_MACS;
constexpr unsigned kMaxK = IFC_RTL_PE_MAX_K;
constexpr unsigned kSegBytes = IFC_RTL_SEG_PAYLOAD_BYTES;
constexpr unsigned kPayBeats = kSegBytes / kBond;
constexpr unsigned kWordElems = 2 * kMacs;
constexpr unsigned kActW = kWordElems * 16;
constexpr unsigned kActWords = kMaxK / kWordElems;
static_assert(kActW % 32 == 0, "activation word is whole 32-bit words");

unsigned elems_per_seg(Dtype dt) { return kSegBytes * 8 / model::dtype_weight_bits(dt); }
/// Lane cycles of one segment at full rate.
unsigned cycles_per_seg(Dtype dt) { return elems_per_seg(dt) / model::elems_per_cycle(dt, kMacs); }

struct Seg {
  Dtype dt;
  uint32_t tag;
  uint32_t act_elem;
  std::vector<uint8_t> payload;
  uint32_t expect;
};

struct Stats {
  uint64_t issues = 0, first_issue = 0, last_issue = 0;
  std::vector<uint64_t> last_beat_cycle, res_cycle;  // per segment
  uint64_t nan = 0, inf = 0, zero = 0, stall_cycles = 0;
};

class PeLane : public RtlFixture<Vifc_pe_lane> {
 protected:
  void SetUp() override {
    RtlFixture::SetUp();
    std::string path;
    if (sim().tracing()) path = sim().trace_path() + ".act_buffer.fst";
    buf_ = std::make_unique<RtlSim<Vifc_act_buffer>>(path, "act_buffer");
    act_.assign(kMaxK, 0);
    sim().on_drive([this] { drive(); });
    sim().on_sample([this] { sample(); });
    sim().reset();
    buf_->reset();
  }
  void TearDown() override {
    EXPECT_FALSE(buf_->error()) << "an ifc_act_buffer assertion fired";
    buf_.reset();
    RtlFixture::TearDown();
  }

  // ---- activation buffer load (through its write port) ----------------------------------------
  /// Writes act_[elem range] into the buffer, word by word, with random write-valid gaps.
  void load_act(std::mt19937_64& rng, unsigned first_word, unsigned nwords) {
    for (unsigned w = first_word; w < first_word + nwords; ++w) wr_queue_.push_back(w);
    wr_rng_ = &rng;
    const uint64_t bound = sim().cycles() + 4 * nwords + 100;
    while (!wr_queue_.empty() && sim().cycles() < bound) sim().cycle();
    ASSERT_TRUE(wr_queue_.empty()) << "activation load stuck";
    wr_rng_ = nullptr;
  }

  // ---- segments ---------------------------------------------------------------------------------
  Seg make_seg(std::mt19937_64& rng, Dtype dt, double w_special) {
    Seg s;
    s.dt = dt;
    s.tag = static_cast<uint32_t>(rng());
    const unsigned e = elems_per_seg(dt);
    s.act_elem = static_cast<uint32_t>(rng() % (kMaxK / e)) * e;
    s.payload.resize(kSegBytes);
    if (dt == Dtype::kBf16) {
      for (unsigned i = 0; i < e; ++i) {
        const uint16_t h = model::random_bf16(rng, w_special);
        s.payload[2 * i] = static_cast<uint8_t>(h);
        s.payload[2 * i + 1] = static_cast<uint8_t>(h >> 8);
      }
    } else {
      for (auto& b : s.payload) b = static_cast<uint8_t>(rng());
    }
    s.expect = model::segment_psum(dt, s.payload.data(), e, &act_[s.act_elem], kMacs);
    return s;
  }

  /// Streams `segs` through the lane: descriptor valid probability pv_seg, beat valid probability
  /// pv_beat, result ready probability pr. Checks every result (in order: one lane is in order).
  void run(const std::vector<Seg>& segs, double pv_seg, double pv_beat, double pr, uint64_t seed, Stats& st) {
    segs_ = &segs;
    st_ = &st;
    st = Stats{};
    st.last_beat_cycle.assign(segs.size(), 0);
    st.res_cycle.assign(segs.size(), 0);
    rng_.seed(seed);
    pv_seg_ = pv_seg;
    pv_beat_ = pv_beat;
    pr_ = pr;
    seg_i_ = beat_seg_ = beat_i_ = res_i_ = 0;
    seg_hold_ = beat_hold_ = false;
    active_ = true;
    const uint64_t c0 = sim().cycles();
    const uint64_t bound = 200 + segs.size() * (kPayBeats * 4) * 12;
    while (res_i_ < segs.size() && sim().cycles() - c0 < bound && !::testing::Test::HasFatalFailure()) {
      sim().cycle();
    }
    active_ = false;
    sim().cycle(4);  // quiet cycles: nothing may come out
    EXPECT_EQ(res_i_, segs.size()) << "results lost or stuck";
    segs_ = nullptr;
    st_ = nullptr;
  }

  void drive() {
    auto& t = top();
    auto& b = buf_->top();
    for (unsigned w = 0; w < kActW / 32; ++w) t.act_rdata_i[w] = b.rdata_o[w];
    if (manual_) return;  // the test drives the lane's inputs itself
    std::bernoulli_distribution bs(pv_seg_), bb(pv_beat_), br(pr_);
    if (!active_ || segs_ == nullptr) {
      t.seg_valid_i = 0;
      t.beat_valid_i = 0;
      t.res_ready_i = 1;
      return;
    }
    const auto& segs = *segs_;
    if (!seg_hold_) {
      const bool v = seg_i_ < segs.size() && (pv_seg_ >= 1.0 || bs(rng_));
      t.seg_valid_i = v;
      if (v) {
        t.seg_tag_i = segs[seg_i_].tag;
        t.seg_dtype_i = static_cast<uint8_t>(segs[seg_i_].dt);
        t.seg_act_elem_i = segs[seg_i_].act_elem;
      } else {  // junk payload while not valid
        t.seg_tag_i = static_cast<uint32_t>(rng_());
        t.seg_dtype_i = static_cast<uint8_t>(rng_() % 3);
      }
    }
    if (!beat_hold_) {
      const bool v = beat_seg_ < segs.size() && (pv_beat_ >= 1.0 || bb(rng_));
      t.beat_valid_i = v;
      if (v) {
        t.beat_data_i = load_le(&segs[beat_seg_].payload[beat_i_ * kBond], kBond);
        t.beat_last_i = beat_i_ + 1 == kPayBeats;
      } else {
        t.beat_data_i = rng_();
        t.beat_last_i = rng_() & 1;
      }
    }
    t.res_ready_i = pr_ >= 1.0 || br(rng_);
  }

  void sample() {
    auto& t = top();
    auto& b = buf_->top();
    const uint64_t now = sim().cycles();
    if (manual_) {
      beat_fire_ = t.beat_valid_i && t.beat_ready_o;
      seg_fire_ = t.seg_valid_i && t.seg_ready_o;
    } else if (active_ && segs_ != nullptr) {
      const auto& segs = *segs_;
      // descriptor
      seg_hold_ = t.seg_valid_i && !t.seg_ready_o;
      if (t.seg_valid_i && t.seg_ready_o) ++seg_i_;
      // beats
      beat_hold_ = t.beat_valid_i && !t.beat_ready_o;
      if (t.beat_valid_i && t.beat_ready_o) {
        if (++beat_i_ == kPayBeats) {
          st_->last_beat_cycle[beat_seg_] = now;
          beat_i_ = 0;
          ++beat_seg_;
        }
      }
      if (t.act_re_o) {
        if (st_->issues == 0) st_->first_issue = now;
        st_->last_issue = now;
        ++st_->issues;
      }
      if (t.beat_valid_i && !t.act_re_o && t.res_valid_o) ++st_->stall_cycles;
      // results
      if (t.res_valid_o && t.res_ready_i) {
        if (res_i_ >= segs.size()) {
          ADD_FAILURE() << "more results than segments";
        } else {
          const Seg& s = segs[res_i_];
          EXPECT_EQ(t.res_tag_o, s.tag) << "segment " << res_i_;
          EXPECT_EQ(t.res_psum_o, s.expect)
              << "segment " << res_i_ << " dtype " << int(s.dt) << " act_elem " << s.act_elem << std::hex
              << " rtl 0x" << t.res_psum_o << " model 0x" << s.expect;
          if (s.dt == Dtype::kBf16) {
            if (s.expect == model::kFp32CanonicalNaN) ++st_->nan;
            else if (model::fp32_is_inf(s.expect)) ++st_->inf;
            else if ((s.expect & 0x7FFFFFFFu) == 0) ++st_->zero;
          }
          st_->res_cycle[res_i_] = now;
          ++res_i_;
        }
      }
    } else if (t.res_valid_o && t.res_ready_i) {
      ADD_FAILURE() << "a result while no segment is in flight";
    }
    // The activation buffer: the lane's read port, the host's write port; clock it with the lane.
    b.re_i = t.act_re_o;
    b.raddr_i = t.act_addr_o;
    b.wr_valid_i = 0;
    if (!wr_queue_.empty() && (wr_rng_ == nullptr || (*wr_rng_)() % 4 != 0)) {
      const unsigned w = wr_queue_.front();
      b.wr_valid_i = 1;
      b.wr_addr_i = w;
      for (unsigned i = 0; i < kWordElems; ++i) set_bits(b.wr_data_i, 16 * i, 16, act_[w * kWordElems + i]);
    }
    // Verilator reports a failed assertion to the thread's current context: point it at the model
    // being evaluated (the buffer now, the lane again for its edge).
    Verilated::threadContextp(&buf_->ctx());
    b.eval();
    if (b.wr_valid_i && b.wr_ready_o) wr_queue_.pop_front();
    buf_->cycle();
    Verilated::threadContextp(&sim().ctx());
  }

  std::unique_ptr<RtlSim<Vifc_act_buffer>> buf_;
  std::vector<uint16_t> act_;  // the host copy of the activation vector
  std::vector<uint16_t> old_act_;
  std::deque<unsigned> wr_queue_;
  std::mt19937_64* wr_rng_ = nullptr;

  const std::vector<Seg>* segs_ = nullptr;
  Stats* st_ = nullptr;
  std::mt19937_64 rng_;
  double pv_seg_ = 1, pv_beat_ = 1, pr_ = 1;
  size_t seg_i_ = 0, beat_seg_ = 0, beat_i_ = 0, res_i_ = 0;
  bool seg_hold_ = false, beat_hold_ = false, active_ = false, manual_ = false;
  bool beat_fire_ = false, seg_fire_ = false;
};

/// bf16 activations (specials in the upper half of the buffer); INT8/INT4 segments read their low
/// bytes, which are uniformly distributed int8 values.
void fill_bf16(std::mt19937_64& rng, std::vector<uint16_t>& act, double special) {
  for (size_t i = 0; i < act.size(); ++i) act[i] = model::random_bf16(rng, i < act.size() / 2 ? 0.0 : special);
}

TEST_F(PeLane, RandomSegmentsAllDtypesUnderBackpressure) {
  std::mt19937_64 rng(test_seed("pe_lane_random", 21));
  fill_bf16(rng, act_, 0.02);
  load_act(rng, 0, kActWords);
  const struct { double pv_seg, pv_beat, pr; } modes[] = {
      {1.0, 1.0, 1.0}, {0.8, 0.9, 0.5}, {0.3, 0.6, 0.9}, {1.0, 1.0, 0.1}, {0.5, 0.95, 0.7}};
  Stats total;
  unsigned nsegs = 0;
  for (const auto& m : modes) {
    std::vector<Seg> segs;
    for (int i = 0; i < 300; ++i) {
      const Dtype dt = static_cast<Dtype>(rng() % 3);
      const double ws = (rng() % 3 == 0) ? 0.0 : (rng() % 2 ? 0.01 : 0.1);
      segs.push_back(make_seg(rng, dt, ws));
    }
    Stats st;
    run(segs, m.pv_seg, m.pv_beat, m.pr, rng(), st);
    if (HasFailure()) return;
    nsegs += static_cast<unsigned>(segs.size());
    total.nan += st.nan;
    total.inf += st.inf;
    total.zero += st.zero;
    total.stall_cycles += st.stall_cycles;
  }
  std::printf("[pe_lane] %u segments bit-exact; BF16 results: %llu NaN, %llu inf, %llu zero\n", nsegs,
              static_cast<unsigned long long>(total.nan), static_cast<unsigned long long>(total.inf),
              static_cast<unsigned long long>(total.zero));
  EXPECT_GT(total.nan, 0u);
  EXPECT_GT(total.inf, 0u);
}

TEST_F(PeLane, IntegerSegmentsWithSignExtendedActivationsAndExtremes) {
  std::mt19937_64 rng(test_seed("pe_lane_int", 22));
  for (auto& a : act_) a = static_cast<uint16_t>(static_cast<int16_t>(static_cast<int8_t>(rng())));
  // extremes: a run of -128 activations
  for (unsigned i = 0; i < 1024; ++i) act_[i] = 0xFF80;
  load_act(rng, 0, kActWords);
  std::vector<Seg> segs;
  for (int i = 0; i < 200; ++i) {
    const Dtype dt = (i % 2) ? Dtype::kInt4 : Dtype::kInt8;
    Seg s = make_seg(rng, dt, 0);
    if (i % 10 == 0) {  // all weights -128 (INT8) / -8 (INT4) against the -128 run
      s.act_elem = 0;
      std::fill(s.payload.begin(), s.payload.end(), dt == Dtype::kInt8 ? 0x80 : 0x88);
      s.expect = model::segment_psum(dt, s.payload.data(), elems_per_seg(dt), &act_[0], kMacs);
    }
    segs.push_back(std::move(s));
  }
  EXPECT_EQ(model::as_int32(segs[0].expect), 256 * 128 * 128);
  Stats st;
  run(segs, 0.7, 0.8, 0.6, rng(), st);
}

TEST_F(PeLane, Bf16HeavySpecials) {
  std::mt19937_64 rng(test_seed("pe_lane_bf16", 23));
  fill_bf16(rng, act_, 0.3);
  load_act(rng, 0, kActWords);
  std::vector<Seg> segs;
  for (int i = 0; i < 300; ++i) {
    Seg s = make_seg(rng, Dtype::kBf16, (i % 4 == 0) ? 0.0 : (i % 4 == 1) ? 0.3 : 0.03);
    if (i % 20 == 0) {
      // Zero (or subnormal: flushed) weights with the sign that makes every product -0, against the
      // finite half of the buffer: every tree is -0, and the psum is +0 only because the
      // accumulator starts at +0.0.
      s.act_elem = static_cast<uint32_t>(rng() % (kMaxK / 2 / (kSegBytes / 2))) * (kSegBytes / 2);
      for (unsigned e = 0; e < kSegBytes / 2; ++e) {
        const uint8_t sign = static_cast<uint8_t>(((act_[s.act_elem + e] >> 15) ^ 1u) << 7);
        s.payload[2 * e] = (i % 40 == 0) ? 0 : static_cast<uint8_t>(rng() & 0x7F);
        s.payload[2 * e + 1] = sign;
      }
      s.expect = model::segment_psum(Dtype::kBf16, s.payload.data(), kSegBytes / 2, &act_[s.act_elem], kMacs);
      EXPECT_EQ(s.expect, 0u);
    }
    segs.push_back(std::move(s));
  }
  Stats st;
  run(segs, 0.9, 0.9, 0.5, rng(), st);
  std::printf("[pe_lane] BF16 with specials: %llu NaN, %llu inf, %llu zero of %zu\n",
              static_cast<unsigned long long>(st.nan), static_cast<unsigned long long>(st.inf),
              static_cast<unsigned long long>(st.zero), segs.size());
}

TEST_F(PeLane, ActivationReloadBetweenBatches) {
  std::mt19937_64 rng(test_seed("pe_lane_reload", 24));
  for (int round = 0; round < 3; ++round) {
    fill_bf16(rng, act_, 0.01);
    // reload only a window (the rest keeps the old contents, which the model also sees)
    const unsigned first = static_cast<unsigned>(rng() % (kActWords / 2));
    load_act(rng, round == 0 ? 0 : first, round == 0 ? kActWords : kActWords / 4);
    if (round > 0) {  // the host copy must match what the buffer holds now
      std::vector<uint16_t> merged = old_act_;
      for (unsigned w = first; w < first + kActWords / 4; ++w)
        for (unsigned i = 0; i < kWordElems; ++i) merged[w * kWordElems + i] = act_[w * kWordElems + i];
      act_ = merged;
    }
    old_act_ = act_;
    std::vector<Seg> segs;
    for (int i = 0; i < 60; ++i) segs.push_back(make_seg(rng, static_cast<Dtype>(rng() % 3), 0.01));
    Stats st;
    run(segs, 0.9, 0.9, 0.9, rng(), st);
  }
}

TEST_F(PeLane, ReadAfterReloadOfTheLastReadWordSeesNewData) {
  // The buffer's read filter skips a read of the word its output already holds; a write must
  // invalidate that. Run a segment, rewrite the word it read last, and start the next segment on
  // exactly that word (segment starts only need lane-cycle alignment).
  std::mt19937_64 rng(test_seed("pe_lane_filter", 27));
  for (int round = 0; round < 20; ++round) {
    const Dtype dt = static_cast<Dtype>(rng() % 3);
    if (round == 0) {
      fill_bf16(rng, act_, 0.0);
      load_act(rng, 0, kActWords);
    }
    std::vector<Seg> first{make_seg(rng, dt, 0.0)};
    Stats st;
    run(first, 1.0, 1.0, 1.0, rng(), st);
    const unsigned last_word = (first[0].act_elem + elems_per_seg(dt)) / kWordElems - 1;
    for (unsigned i = 0; i < kWordElems; ++i) act_[last_word * kWordElems + i] = model::random_bf16(rng, 0.0);
    load_act(rng, last_word, 1);
    Seg second = make_seg(rng, dt, 0.0);
    second.act_elem = last_word * kWordElems;
    if (second.act_elem + elems_per_seg(dt) > kMaxK) second.act_elem = kMaxK - elems_per_seg(dt);
    second.expect = model::segment_psum(dt, second.payload.data(), elems_per_seg(dt), &act_[second.act_elem], kMacs);
    std::vector<Seg> segs{second};
    run(segs, 1.0, 1.0, 1.0, rng(), st);
    if (HasFailure()) return;
  }
}

TEST_F(PeLane, FullRateThroughputAndLatency) {
  // With descriptors and beats always valid and results always taken, the lane issues a lane cycle
  // every clock, across segment boundaries: a 256 B INT8 segment takes 256/Macs cycles of MACs.
  std::mt19937_64 rng(test_seed("pe_lane_rate", 25));
  fill_bf16(rng, act_, 0.0);
  load_act(rng, 0, kActWords);
  const Dtype mix[] = {Dtype::kInt8, Dtype::kBf16, Dtype::kInt4};
  for (int variant = 0; variant < 4; ++variant) {
    std::vector<Seg> segs;
    uint64_t want_cycles = 0;
    for (int i = 0; i < 16; ++i) {
      const Dtype dt = variant < 3 ? mix[variant] : mix[rng() % 3];
      segs.push_back(make_seg(rng, dt, 0.0));
      want_cycles += cycles_per_seg(dt);
    }
    Stats st;
    run(segs, 1.0, 1.0, 1.0, rng(), st);
    EXPECT_EQ(st.issues, want_cycles) << "variant " << variant;
    EXPECT_EQ(st.last_issue - st.first_issue + 1, want_cycles) << "bubbles (variant " << variant << ")";
    for (size_t i = 0; i < segs.size(); ++i) {
      EXPECT_EQ(st.res_cycle[i] - st.last_beat_cycle[i], 4u) << "result latency, segment " << i;
    }
    if (variant == 0) {
      EXPECT_EQ(cycles_per_seg(Dtype::kInt8), kSegBytes / kMacs);
      std::printf("[pe_lane] INT8: %u segments of %u B in %llu MAC cycles (%u per segment), result 4 cycles "
                  "after the last beat\n",
                  16u, kSegBytes, static_cast<unsigned long long>(st.issues), cycles_per_seg(Dtype::kInt8));
    }
  }
  EXPECT_EQ(cycles_per_seg(Dtype::kBf16), kSegBytes / (2 * kMacs));
  EXPECT_EQ(cycles_per_seg(Dtype::kInt4), kSegBytes / kMacs);
}

TEST_F(PeLane, ResultBackpressureStallsWithoutLoss) {
  // Results are never taken for long stretches: the lane stalls with a full pipeline and resumes.
  std::mt19937_64 rng(test_seed("pe_lane_stall", 26));
  fill_bf16(rng, act_, 0.01);
  load_act(rng, 0, kActWords);
  std::vector<Seg> segs;
  for (int i = 0; i < 40; ++i) segs.push_back(make_seg(rng, static_cast<Dtype>(i % 3), 0.0));
  Stats st;
  run(segs, 1.0, 1.0, 0.02, rng(), st);
  EXPECT_GT(st.stall_cycles, 0u);
}

TEST_F(PeLane, ProtocolViolationsFireAssertions) {
  // A beat payload that changes while it waits (BeatStable_A), and a segment whose last beat comes
  // early (BeatCount_A): each must fire an assertion (the error flag is then cleared).
  std::mt19937_64 rng(test_seed("pe_lane_protocol", 28));
  fill_bf16(rng, act_, 0.0);
  load_act(rng, 0, 64);
  manual_ = true;
  auto& t = top();
  t.res_ready_i = 0;  // the malformed segment's result stays in the lane
  t.beat_valid_i = 0;
  t.seg_valid_i = 1;  // the lane is idle: taken at once
  t.seg_tag_i = 1;
  t.seg_dtype_i = 0;
  t.seg_act_elem_i = 0;
  sim().cycle();
  ASSERT_TRUE(beat_fire_ == false && seg_fire_);
  t.seg_valid_i = 0;
  const auto take_beat = [&](uint64_t data, bool last) {
    t.beat_valid_i = 1;
    t.beat_data_i = data;
    t.beat_last_i = last;
    for (int i = 0; i < 10 && !beat_fire_; ++i) sim().cycle();
    ASSERT_TRUE(beat_fire_);
    t.beat_valid_i = 0;
    beat_fire_ = false;
  };
  t.beat_valid_i = 1;
  t.beat_data_i = 0x0102030405060708ull;
  t.beat_last_i = 0;
  sim().cycle();  // the beat's first lane cycle: it is not taken yet
  ASSERT_FALSE(beat_fire_);
  EXPECT_FALSE(sim().error());
  take_beat(0x1111111111111111ull, false);  // changed while valid && !ready
  EXPECT_TRUE(sim().error()) << "BeatStable_A did not fire";
  sim().ctx().gotError(false);
  take_beat(2, false);
  take_beat(3, false);
  EXPECT_FALSE(sim().error());
  take_beat(4, true);  // the 4th beat is flagged last: kPayBeats expected
  EXPECT_TRUE(sim().error()) << "BeatCount_A did not fire";
  sim().ctx().gotError(false);
  sim().cycle(4);
  EXPECT_FALSE(sim().error());
  manual_ = false;
}

}  // namespace
}  // namespace ifc::tb
