// ifc_scoreboard against its behavioural model (tb/model/scoreboard_model.hpp) and an independent
// straightforward k-order reduction: constrained-random GEMV shapes and datatypes, partial sums
// returned out of order within the window (the dispatcher obeys limit_o), random row backpressure,
// random failed segments, back-to-back GEMVs; directed tests for k-order under reversed arrival,
// full throughput, empty GEMVs and the protocol-violation rules of the hazard table.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <random>
#include <vector>

#include "Vifc_scoreboard.h"
#include "common/rtl_fixture.hpp"
#include "common/seed.hpp"
#include "model/numerics.hpp"
#include "model/scoreboard_model.hpp"

namespace ifc::tb {
namespace {

using model::Dtype;
using model::SbPsum;
using model::SbRow;

uint32_t f2u(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

/// One GEMV: shape, datatype and the partial sum of every segment g = r*S + s.
struct Gemv {
  uint32_t rows = 0;
  uint32_t segs = 0;
  Dtype dtype = Dtype::kInt8;
  std::vector<uint32_t> value;
  std::vector<uint8_t> fail;
  uint32_t total() const { return rows * segs; }
};

/// The straightforward reference, independent of the model's window logic: each row is
/// model::row_reduce (numerics.hpp: +0.0, then += psum(s) in k-order) over its segments; a row with
/// a failed segment is {failed, value 0}.
std::vector<SbRow> reference_rows(const Gemv& gm) {
  std::vector<SbRow> out;
  for (uint32_t r = 0; r < gm.rows; ++r) {
    const auto first = gm.fail.begin() + static_cast<std::ptrdiff_t>(r) * gm.segs;
    const bool failed = std::any_of(first, first + gm.segs, [](uint8_t f) { return f != 0; });
    const uint32_t value = model::row_reduce(gm.dtype, gm.value.data() + size_t{r} * gm.segs, gm.segs);
    out.push_back(SbRow{r, failed ? 0u : value, failed});
  }
  return out;
}

/// A random FP32 partial sum: mostly values of similar magnitude (so the adds round and cancel),
/// plus random bit patterns and the specials (zeros, subnormals, infinities, NaNs, extremes).
uint32_t random_fp32(std::mt19937_64& rng, int base_exp, double p_special) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const uint32_t sign = static_cast<uint32_t>(rng() & 1u) << 31;
  if (u(rng) < p_special) {
    if (u(rng) < 0.3) return static_cast<uint32_t>(rng());  // any bit pattern
    // zeros, subnormals (flushed), min normal, near 1, max finite, infinities, NaNs
    const auto& edges = model::fp32_edge_values();
    return edges[rng() % edges.size()];
  }
  if (u(rng) < 0.05) {  // near the overflow / underflow edges
    const uint32_t e = (rng() & 1u) ? 250u + static_cast<uint32_t>(rng() % 5) : 1u + static_cast<uint32_t>(rng() % 5);
    return sign | (e << 23) | static_cast<uint32_t>(rng() & 0x7FFFFFu);
  }
  const int e = std::clamp(base_exp + static_cast<int>(rng() % 21) - 10, 1, 254);
  uint32_t mant = static_cast<uint32_t>(rng() & 0x7FFFFFu);
  if (u(rng) < 0.2) mant &= 0x7FF000u;  // short mantissas: exact sums, ties
  return sign | (static_cast<uint32_t>(e) << 23) | mant;
}

uint32_t random_int32(std::mt19937_64& rng) {
  static const uint32_t edges[] = {0x7FFFFFFFu, 0x80000000u, 0xFFFFFFFFu, 0u, 1u};
  if (rng() % 10 == 0) return edges[rng() % 5];
  return static_cast<uint32_t>(rng());
}

Gemv random_gemv(std::mt19937_64& rng, uint32_t rows, uint32_t segs, Dtype dtype, double p_fail) {
  Gemv gm;
  gm.rows = rows;
  gm.segs = segs;
  gm.dtype = dtype;
  gm.value.resize(gm.total());
  gm.fail.resize(gm.total());
  std::bernoulli_distribution fail(p_fail);
  for (uint32_t r = 0; r < rows; ++r) {
    const int base_exp = 100 + static_cast<int>(rng() % 60);
    const double p_special = (rng() % 4 == 0) ? 0.15 : 0.0;  // a quarter of the rows see specials
    uint32_t running = 0;
    for (uint32_t s = 0; s < segs; ++s) {
      const uint32_t g = r * segs + s;
      uint32_t v = dtype == Dtype::kBf16 ? random_fp32(rng, base_exp, p_special) : random_int32(rng);
      // Exact cancellation now and then: the next addend is -(the running sum).
      if (dtype == Dtype::kBf16 && s > 0 && rng() % 12 == 0) v = running ^ 0x80000000u;
      gm.value[g] = v;
      gm.fail[g] = fail(rng);
      running = dtype == Dtype::kBf16 ? model::fp32_add(running, v) : running + v;
    }
  }
  return gm;
}

/// How the lanes return partial sums.
struct Traffic {
  unsigned issue_per_cycle = 1;  ///< segments the dispatcher may issue per cycle (g < limit_o)
  unsigned min_delay = 1;        ///< lane latency (cycles) from issue to presentable
  unsigned max_delay = 12;
  double p_slow = 0.05;          ///< probability a segment takes the slow (ECC correction) path
  unsigned slow_delay = 200;     ///< extra latency of the slow path (uniform 0..slow_delay)
  double p_present = 0.9;        ///< probability a ready psum is presented in a cycle
  double p_row_ready = 0.7;      ///< row_ready_i probability
  bool newest_first = false;     ///< present the highest ready g first (else a random ready one)
  bool hold_until_all_issued = false;  ///< present nothing before the last segment is issued
};

class Scoreboard : public RtlFixture<Vifc_scoreboard> {
 protected:
  struct Flight {
    uint32_t g;
    uint64_t ready_at;
  };

  void SetUp() override {
    RtlFixture<Vifc_scoreboard>::SetUp();
    auto& t = top();
    t.start_i = 0;
    t.ps_valid_i = 0;
    t.row_ready_i = 0;
    sim().on_drive([this] { drive(); });
    sim().on_sample([this] { sample(); });
    sim().reset();
    window_ = t.limit_o;  // idle: limit_o = Window
    ASSERT_GE(window_, 2u);
    ASSERT_EQ(window_ & (window_ - 1), 0u);
  }

  // --- stimulus -------------------------------------------------------------------------------
  void drive() {
    if (manual_) return;
    auto& t = top();
    const uint64_t now = sim().cycles();
    t.start_i = 0;
    if (want_start_ && !t.busy_o) {
      t.start_i = 1;
      t.rows_i = gm_.rows;
      t.segs_per_row_i = gm_.segs;
      t.dtype_i = static_cast<uint8_t>(gm_.dtype);
    }
    if (started_ && t.busy_o) {
      // Dispatcher: in g order, never past the credit.
      const uint32_t limit = t.limit_o;
      for (unsigned i = 0; i < tr_.issue_per_cycle && next_issue_ < gm_.total() && next_issue_ < limit; ++i) {
        uint64_t delay = tr_.min_delay + rng_() % (tr_.max_delay - tr_.min_delay + 1);
        if (std::bernoulli_distribution(tr_.p_slow)(rng_)) delay += rng_() % (tr_.slow_delay + 1);
        flight_.push_back(Flight{next_issue_++, now + delay});
      }
      // Lanes: present one ready psum (held until taken).
      if (!holding_) {
        t.ps_valid_i = 0;
        const bool hold = tr_.hold_until_all_issued && next_issue_ < gm_.total();
        size_t pick = flight_.size();
        for (size_t i = 0; i < flight_.size(); ++i) {
          if (flight_[i].ready_at > now) continue;
          if (pick == flight_.size()) {
            pick = i;
          } else if (tr_.newest_first ? flight_[i].g > flight_[pick].g : rng_() % 3 == 0) {
            pick = i;
          }
        }
        if (!hold && pick < flight_.size() && std::bernoulli_distribution(tr_.p_present)(rng_)) {
          const uint32_t g = flight_[pick].g;
          t.ps_valid_i = 1;
          t.ps_g_i = g;
          t.ps_value_i = gm_.value[g];
          t.ps_fail_i = gm_.fail[g];
          presented_ = pick;
        }
      }
    } else {
      t.ps_valid_i = 0;
    }
    t.row_ready_i = std::bernoulli_distribution(tr_.p_row_ready)(rng_);
  }

  // --- monitor --------------------------------------------------------------------------------
  void sample() {
    if (manual_) return;
    auto& t = top();
    if (t.start_i && !t.busy_o) {
      want_start_ = false;
      started_ = true;
    }
    if (started_ && t.busy_o) {
      // The credit only grows during a GEMV, and commit_o never passes what has arrived.
      EXPECT_GE(static_cast<uint32_t>(t.limit_o), last_limit_);
      last_limit_ = t.limit_o;
      EXPECT_LE(static_cast<uint64_t>(t.commit_o), arrivals_.size());
      EXPECT_EQ(static_cast<uint32_t>(t.limit_o), t.commit_o + window_);
      if (next_issue_ < gm_.total() && next_issue_ >= t.limit_o) ++throttled_;
    }
    if (t.ps_valid_i && t.ps_ready_o) {
      const uint32_t g = t.ps_g_i;
      EXPECT_LT(g, static_cast<uint32_t>(t.limit_o)) << "harness broke the credit";
      arrivals_.push_back(SbPsum{g, t.ps_value_i, t.ps_fail_i != 0});
      flight_.erase(flight_.begin() + static_cast<std::ptrdiff_t>(presented_));
      holding_ = false;
    } else {
      holding_ = t.ps_valid_i != 0;
    }
    if (t.row_valid_o && t.row_ready_i) {
      rows_out_.push_back(SbRow{t.row_idx_o, t.row_value_o, t.row_failed_o != 0});
      max_row_stall_ = std::max(max_row_stall_, row_stall_);
      row_stall_ = 0;
    } else if (t.row_valid_o) {
      ++row_stall_;
    }
    if (t.done_o && started_ && !t.start_i) {
      EXPECT_EQ(rows_out_.size(), gm_.rows) << "done_o before every row was emitted";
    }
  }

  /// Runs one GEMV to completion; returns the cycles from start to done.
  uint64_t run(const Gemv& gm, const Traffic& tr) {
    gm_ = gm;
    tr_ = tr;
    arrivals_.clear();
    rows_out_.clear();
    flight_.clear();
    next_issue_ = 0;
    holding_ = false;
    started_ = false;
    want_start_ = true;
    last_limit_ = 0;
    auto& t = top();
    const uint64_t c0 = sim().cycles();
    const uint64_t bound = 1000 + uint64_t{gm.total()} * (tr.max_delay + tr.slow_delay + 20);
    // Until started and done (a start in the cycle done_o rises: back to back).
    while (!(started_ && t.done_o && !want_start_) && sim().cycles() - c0 < bound) sim().cycle();
    EXPECT_TRUE(started_ && t.done_o) << "GEMV " << gm.rows << "x" << gm.segs << " did not finish";
    EXPECT_FALSE(t.busy_o);
    EXPECT_EQ(static_cast<uint32_t>(t.commit_o), gm.total());
    EXPECT_TRUE(flight_.empty());
    return sim().cycles() - c0;
  }

  /// RTL rows == model rows (fed the observed arrival order) == the straightforward reduction.
  void check(const Gemv& gm, const char* what) {
    const auto ref = reference_rows(gm);
    const auto mod = model::scoreboard_rows(gm.rows, gm.segs, gm.dtype, arrivals_, window_);
    ASSERT_EQ(arrivals_.size(), gm.total()) << what;
    ASSERT_EQ(mod.size(), ref.size()) << what;
    for (size_t i = 0; i < ref.size(); ++i) ASSERT_EQ(mod[i], ref[i]) << what << ": model vs reference, row " << i;
    ASSERT_EQ(rows_out_.size(), ref.size()) << what << ": rows lost or duplicated";
    for (size_t i = 0; i < ref.size(); ++i) {
      EXPECT_EQ(rows_out_[i].idx, ref[i].idx) << what << ": row order";
      EXPECT_EQ(rows_out_[i].value, ref[i].value)
          << what << ": row " << i << " dtype " << static_cast<unsigned>(gm.dtype) << std::hex << " rtl 0x" << rows_out_[i].value
          << " ref 0x" << ref[i].value;
      EXPECT_EQ(rows_out_[i].failed, ref[i].failed) << what << ": row " << i;
    }
  }

  std::mt19937_64 rng_{1};
  uint32_t window_ = 0;
  Gemv gm_;
  Traffic tr_;
  std::vector<SbPsum> arrivals_;
  std::vector<SbRow> rows_out_;
  std::vector<Flight> flight_;
  size_t presented_ = 0;
  uint32_t next_issue_ = 0;
  bool holding_ = false;
  bool started_ = false;
  bool want_start_ = false;
  uint32_t last_limit_ = 0;
  uint64_t row_stall_ = 0;
  uint64_t max_row_stall_ = 0;
  uint64_t throttled_ = 0;  ///< cycles the dispatcher waited for credit
  bool manual_ = false;     ///< hooks off: the test drives the ports itself
};

const Dtype kDtypes[] = {Dtype::kInt8, Dtype::kBf16, Dtype::kInt4};

// Constrained-random GEMVs back to back (each start follows the previous done_o with no gap or
// a short one), all datatypes, random lane latencies with a slow path, backpressure and failures.
TEST_F(Scoreboard, RandomGemvsBackToBack) {
  const uint64_t seed = test_seed("scoreboard_random", 1);
  rng_.seed(seed);
  std::mt19937_64 gen(seed ^ 0x5eed);
  for (unsigned n = 0; n < 200; ++n) {
    const uint32_t rows = 1 + static_cast<uint32_t>(gen() % 50);
    const uint32_t segs = 1 + static_cast<uint32_t>(gen() % 20);
    const Dtype dtype = kDtypes[gen() % 3];
    const double p_fail = std::vector<double>{0.0, 0.0, 0.01, 0.1}[gen() % 4];
    const Gemv gm = random_gemv(gen, rows, segs, dtype, p_fail);
    Traffic tr;
    tr.issue_per_cycle = 1 + static_cast<unsigned>(gen() % 4);
    tr.max_delay = 1 + static_cast<unsigned>(gen() % 40);
    tr.p_slow = std::vector<double>{0.0, 0.05, 0.3}[gen() % 3];
    tr.slow_delay = 50 + static_cast<unsigned>(gen() % 400);
    tr.p_present = std::vector<double>{1.0, 0.8, 0.4}[gen() % 3];
    tr.p_row_ready = std::vector<double>{1.0, 0.7, 0.2}[gen() % 3];
    tr.newest_first = gen() % 4 == 0;
    run(gm, tr);
    check(gm, "random");
    if (HasFailure()) {
      std::printf("failing GEMV #%u: %ux%u dtype %u\n", n, rows, segs, static_cast<unsigned>(dtype));
      return;
    }
    sim().cycle(gen() % 3);  // 0..2 idle cycles before the next start
  }
  std::printf("%llu cycles simulated\n", static_cast<unsigned long long>(sim().cycles()));
  std::printf("longest row-output stall seen: %llu cycles\n", static_cast<unsigned long long>(max_row_stall_));
  EXPECT_GT(max_row_stall_, 0u) << "backpressure never exercised";
}

// The window fills completely (the commit entry comes back last) and the credit throttles the
// dispatcher: long GEMVs with the slow path on the oldest segments.
TEST_F(Scoreboard, WindowFullCreditThrottles) {
  const uint64_t seed = test_seed("scoreboard_window", 2);
  rng_.seed(seed);
  std::mt19937_64 gen(seed ^ 0x5eed);
  for (Dtype dtype : kDtypes) {
    const Gemv gm = random_gemv(gen, 50, 20, dtype, 0.02);
    Traffic tr;
    tr.issue_per_cycle = 4;
    tr.max_delay = 3;
    tr.p_slow = 0.1;
    tr.slow_delay = 3 * window_;
    tr.p_row_ready = 0.5;
    run(gm, tr);
    check(gm, "window");
  }
  std::printf("cycles the dispatcher waited for credit: %llu\n", static_cast<unsigned long long>(throttled_));
  EXPECT_GT(throttled_, 0u) << "the window never filled";
}

// Commit order is k-order even when the partial sums arrive newest first. The values are chosen
// so that FP32 addition order matters: per row 1, 2^24, -2^24 sums to 0 in k-order
// ((1 + 2^24) rounds to 2^24 under RNE), but to 1 in reverse order.
TEST_F(Scoreboard, KOrderWhenPsumsArriveReversed) {
  rng_.seed(test_seed("scoreboard_reverse", 3));
  Gemv gm;
  gm.rows = 40;  // 120 segments: all inside the 128-entry window at once
  gm.segs = 3;
  gm.dtype = Dtype::kBf16;
  for (uint32_t r = 0; r < gm.rows; ++r) {
    const float big = 16777216.0f * static_cast<float>(1u << (r % 8));
    const float one = static_cast<float>(1u << (r % 8));
    gm.value.insert(gm.value.end(), {f2u(one), f2u(big), f2u(-big)});
    gm.fail.insert(gm.fail.end(), {0, 0, 0});
  }
  ASSERT_LE(gm.total(), window_);
  Traffic tr;
  tr.issue_per_cycle = 4;
  tr.min_delay = tr.max_delay = 0;
  tr.hold_until_all_issued = true;  // everything is issued before anything returns
  tr.p_slow = 0.0;
  tr.p_present = 1.0;
  tr.p_row_ready = 1.0;
  tr.newest_first = true;
  run(gm, tr);
  // Arrived strictly in reverse.
  ASSERT_EQ(arrivals_.size(), gm.total());
  for (size_t i = 0; i < arrivals_.size(); ++i) EXPECT_EQ(arrivals_[i].g, gm.total() - 1 - i);
  check(gm, "reverse");
  for (const auto& row : rows_out_) EXPECT_EQ(row.value, 0u) << "row " << row.idx << " not summed in k-order";
  // The reverse-order sum really differs (the test would catch a commit in arrival order).
  uint32_t rev = 0;
  for (int s = 2; s >= 0; --s) rev = model::fp32_add(rev, gm.value[static_cast<uint32_t>(s)]);
  EXPECT_EQ(rev, f2u(1.0f));
}

// The same in every datatype with a long GEMV that slides the window many times, newest first.
TEST_F(Scoreboard, NewestFirstAcrossWindowSlides) {
  const uint64_t seed = test_seed("scoreboard_newest", 4);
  rng_.seed(seed);
  std::mt19937_64 gen(seed);
  for (Dtype dtype : kDtypes) {
    const Gemv gm = random_gemv(gen, 50, 13, dtype, 0.05);
    Traffic tr;
    tr.issue_per_cycle = 8;
    tr.min_delay = tr.max_delay = 2 * window_;
    tr.p_slow = 0.0;
    tr.p_row_ready = 0.8;
    tr.newest_first = true;
    run(gm, tr);
    check(gm, "newest-first");
  }
}

// Full rate: psums in order, one per cycle, rows taken at once: one segment committed per cycle,
// the last row leaves 3 cycles after the last psum (SRAM read, accumulate, row register).
TEST_F(Scoreboard, OneCommitPerCycle) {
  std::mt19937_64 gen(test_seed("scoreboard_rate", 5));
  for (uint32_t segs : {1u, 2u, 7u}) {
    const Gemv gm = random_gemv(gen, 40, segs, Dtype::kBf16, 0.0);
    Traffic tr;
    tr.issue_per_cycle = 1;
    tr.min_delay = tr.max_delay = 0;
    tr.p_slow = 0.0;
    tr.p_present = 1.0;
    tr.p_row_ready = 1.0;
    const uint64_t cycles = run(gm, tr);
    check(gm, "rate");
    // start cycle + one psum per cycle + 3 (SRAM read, accumulate, row register; the last row
    // is taken in the third).
    EXPECT_EQ(cycles, 1u + gm.total() + 3u) << "segs " << segs;
  }
}

// rows = 0 or segs = 0: done_o at once, no row, and the next GEMV runs normally.
TEST_F(Scoreboard, EmptyGemvIsDoneAtOnce) {
  std::mt19937_64 gen(test_seed("scoreboard_empty", 6));
  for (const auto& shape : {std::pair<uint32_t, uint32_t>{0, 5}, {7, 0}, {0, 0}}) {
    Gemv gm;
    gm.rows = shape.first;
    gm.segs = shape.second;
    const uint64_t cycles = run(gm, Traffic{});
    EXPECT_TRUE(rows_out_.empty());
    EXPECT_LE(cycles, 3u);
  }
  const Gemv gm = random_gemv(gen, 5, 4, Dtype::kInt8, 0.0);
  run(gm, Traffic{});
  check(gm, "after empty");
}

// The protocol-violation rows of the hazard table: the assertion fires and the offending psum or
// start is dropped / ignored; the GEMV still completes with the correct rows.
TEST_F(Scoreboard, ProtocolViolationsAreFlaggedAndDropped) {
  std::mt19937_64 gen(test_seed("scoreboard_violations", 7));
  auto& t = top();
  manual_ = true;
  const Gemv gm = random_gemv(gen, 4, 3, Dtype::kBf16, 0.0);  // 12 segments
  t.row_ready_i = 0;
  t.start_i = 1;
  t.rows_i = gm.rows;
  t.segs_per_row_i = gm.segs;
  t.dtype_i = static_cast<uint8_t>(gm.dtype);
  sim().cycle();
  t.start_i = 0;
  ASSERT_TRUE(t.busy_o);
  // One psum in one cycle; an assertion fires iff expected (the flag is cleared after each).
  auto poke = [&](uint32_t g, uint32_t value, bool expect_error) {
    t.ps_valid_i = 1;
    t.ps_g_i = g;
    t.ps_value_i = value;
    t.ps_fail_i = 0;
    sim().cycle();
    t.ps_valid_i = 0;
    EXPECT_EQ(sim().error(), expect_error) << "g " << g;
    sim().ctx().gotError(false);
  };
  poke(5, gm.value[5], false);
  poke(5, 0x3F800000u, true);                          // duplicate: dropped, the first value stays
  poke(static_cast<uint32_t>(window_) + 1, 0, true);   // past limit_o: dropped
  t.start_i = 1;                                       // start while busy: ignored
  t.rows_i = 1;
  poke(6, gm.value[6], true);
  t.start_i = 0;
  for (uint32_t g = 0; g < gm.total(); ++g) {
    if (g != 5 && g != 6) poke(g, gm.value[g], false);
  }
  poke(2, 0, true);                                    // late (already committed): dropped
  // The row output was blocked all along (row_ready_i = 0): nothing may be lost.
  EXPECT_FALSE(t.done_o);
  std::vector<SbRow> got;
  t.row_ready_i = 1;
  for (unsigned c = 0; c < 20 && !t.done_o; ++c) {
    t.eval();
    if (t.row_valid_o) got.push_back(SbRow{t.row_idx_o, t.row_value_o, t.row_failed_o != 0});
    sim().cycle();
  }
  EXPECT_TRUE(t.done_o);
  EXPECT_FALSE(sim().error());
  const auto ref = reference_rows(gm);
  ASSERT_EQ(got.size(), ref.size());
  for (size_t i = 0; i < ref.size(); ++i) EXPECT_EQ(got[i], ref[i]) << "row " << i;
}

// The model alone: any arrival order that respects the window gives the k-order reduction.
TEST(ScoreboardModel, ArrivalOrderDoesNotMatter) {
  std::mt19937_64 gen(test_seed("scoreboard_model", 8));
  for (unsigned n = 0; n < 300; ++n) {
    const uint32_t window = 1u << (1 + gen() % 7);
    const Gemv gm = random_gemv(gen, 1 + gen() % 30, 1 + gen() % 20, kDtypes[gen() % 3], 0.05);
    // Arrival order: windowed shuffle (each g arrives before g + window - 1 is needed).
    std::vector<uint32_t> order;
    std::vector<uint32_t> pool;
    uint32_t next = 0;
    model::ScoreboardModel m(window);
    m.start(gm.rows, gm.segs, gm.dtype);
    std::vector<SbRow> out;
    while (next < gm.total() || !pool.empty()) {
      while (next < gm.total() && next < m.limit()) pool.push_back(next++);
      const size_t i = gen() % pool.size();
      const uint32_t g = pool[i];
      pool.erase(pool.begin() + static_cast<std::ptrdiff_t>(i));
      ASSERT_TRUE(m.push(SbPsum{g, gm.value[g], gm.fail[g] != 0}, out));
    }
    EXPECT_TRUE(m.done());
    EXPECT_EQ(m.violations(), 0u);
    EXPECT_EQ(out, reference_rows(gm));
    // Violations are dropped.
    EXPECT_FALSE(m.push(SbPsum{0, 0, false}, out));
  }
}

}  // namespace
}  // namespace ifc::tb
