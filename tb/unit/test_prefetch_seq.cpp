// ifc_prefetch_seq against its cycle-exact, bit-true model (tb/model/prefetch_model.hpp): every
// output (nand_cmd_valid, page, plane mask, cache bit, sense_start, busy, pages_issued) is compared
// with the model every cycle, and each GEMV's accepted commands are checked at the transaction
// level: pages base, base+1, ... base+ceil(nsegs/(Planes*SegsPerPage))-1, in order, once each.
// Stimulus: GEMVs of random size and base page started at random times; per-plane page-buffer
// latches (the sense_ready credits) that return after a random sense + drain time, with starvation
// spells of single planes; random nand_cmd_ready backpressure. Directed: nsegs 0 / 1 / exact
// multiples of a page / one past, credit starvation, back-to-back GEMVs, page-register wrap, and
// the start-while-busy assertion. Runs in the core's configuration and a small one (prefix small.).
#include <gtest/gtest.h>

#include <deque>
#include <random>
#include <vector>

#include "Vifc_prefetch_seq.h"
#include "common/rtl_fixture.hpp"
#include "common/seed.hpp"
#include "model/prefetch_model.hpp"

namespace ifc::tb {
namespace {

using model::PrefetchIn;
using model::PrefetchModel;
using model::PrefetchOut;

constexpr unsigned kPlanes = IFC_TB_PF_PLANES;
constexpr unsigned kSpp = IFC_TB_PF_SEGS_PER_PAGE;
constexpr unsigned kPerPage = kPlanes * kSpp;
constexpr uint64_t kAll = (uint64_t{1} << kPlanes) - 1;

struct Job {
  uint32_t base = 0;
  uint32_t nsegs = 0;
};

/// Latch and command-bus behaviour.
struct Env {
  unsigned latches = 2;       ///< page-buffer latches per plane (sense_ready credits)
  unsigned min_hold = 1;      ///< cycles a latch stays taken (sense + drain), min..max
  unsigned max_hold = 40;
  double p_cmd_ready = 0.7;
  double p_starve = 0.0;      ///< per cycle: start a starvation spell on a random plane
  unsigned starve_len = 60;
  unsigned max_start_gap = 5; ///< idle cycles before the next GEMV starts (random 0..max)
};

class PrefetchSeq : public RtlFixture<Vifc_prefetch_seq> {
 protected:
  void SetUp() override {
    RtlFixture<Vifc_prefetch_seq>::SetUp();
    auto& t = top();
    t.start_i = 0;
    t.base_page_i = 0;
    t.nsegs_i = 0;
    t.sense_ready_i = 0;
    t.nand_cmd_ready_i = 0;
    sim().on_drive([this] { drive(); });
    sim().on_sample([this] { sample(); });
    sim().reset();
    free_.assign(kPlanes, 0);
    starve_until_.assign(kPlanes, 0);
    hold_.assign(kPlanes, {});
    configure_latches();
  }

  void configure_latches() { free_.assign(kPlanes, env_.latches); }

  void drive() {
    auto& t = top();
    const uint64_t now = sim().cycles();
    // latches come back
    for (unsigned p = 0; p < kPlanes; ++p) {
      while (!hold_[p].empty() && hold_[p].front() <= now) {
        hold_[p].pop_front();
        ++free_[p];
      }
      // A free latch is only taken by a command: a spell may not withdraw sense_ready from an
      // offered command (valid/ready), so spells start only while no command waits.
      if (!offer_pending_ && std::bernoulli_distribution(env_.p_starve)(rng_) && rng_() % kPlanes == p)
        starve_until_[p] = now + 1 + rng_() % env_.starve_len;
    }
    uint64_t ready = 0;
    for (unsigned p = 0; p < kPlanes; ++p)
      if (free_[p] > 0 && starve_until_[p] <= now && !force_starve_) ready |= uint64_t{1} << p;
    t.sense_ready_i = static_cast<uint32_t>(ready);
    t.nand_cmd_ready_i = std::bernoulli_distribution(env_.p_cmd_ready)(rng_);
    // GEMV starts
    t.start_i = 0;
    if (manual_start_) {
      if (start_now_) {
        t.start_i = 1;
        t.base_page_i = man_.base;
        t.nsegs_i = man_.nsegs;
        start_now_ = false;
      }
      return;
    }
    if (!t.busy_o && !jobs_.empty() && now >= next_start_) {
      t.start_i = 1;
      t.base_page_i = jobs_.front().base;
      t.nsegs_i = jobs_.front().nsegs;
    } else {
      // garbage on the start operands while not starting
      t.base_page_i = static_cast<uint32_t>(rng_());
      t.nsegs_i = static_cast<uint32_t>(rng_());
    }
  }

  void sample() {
    if (HasFatalFailure()) return;
    auto& t = top();
    const uint64_t now = sim().cycles();
    PrefetchIn in;
    in.start = t.start_i;
    in.base_page = t.base_page_i;
    in.nsegs = t.nsegs_i;
    in.sense_ready = t.sense_ready_i;
    in.cmd_ready = t.nand_cmd_ready_i;
    const PrefetchOut exp = model_.outputs(in);
    ASSERT_EQ(t.nand_cmd_valid_o, exp.cmd_valid) << "nand_cmd_valid, cycle " << now;
    ASSERT_EQ(t.sense_start_o, exp.sense_start) << "sense_start, cycle " << now;
    ASSERT_EQ(t.busy_o, exp.busy) << "busy, cycle " << now;
    ASSERT_EQ(t.pages_issued_o, exp.pages_issued) << "pages_issued, cycle " << now;
    ASSERT_EQ(uint64_t{t.nand_cmd_plane_mask_o}, exp.plane_mask) << "plane mask, cycle " << now;
    ASSERT_EQ(t.nand_cmd_cache_o, exp.cache) << "cache bit, cycle " << now;
    if (exp.cmd_valid) {
      ASSERT_EQ(t.nand_cmd_page_o, exp.page) << "page, cycle " << now;
    }
    const bool ok = model_.step(in);
    if (!manual_start_) {
      ASSERT_TRUE(ok) << "the test started a GEMV while busy, cycle " << now;
    }

    // Transaction level.
    if (t.nand_cmd_valid_o) {
      ASSERT_EQ(uint64_t{t.sense_ready_i} & kAll, kAll) << "command without a free latch";
    }
    // A GEMV is finished when busy is low after its start cycle (busy falls, or nsegs was 0).
    if (active_ && !t.busy_o) {
      check_job();
      active_ = false;
    }
    offer_pending_ = t.nand_cmd_valid_o && !t.nand_cmd_ready_i;
    if (t.start_i && !t.busy_o && !manual_start_) {
      cur_ = jobs_.front();
      jobs_.pop_front();
      pages_.clear();
      active_ = true;
      next_start_ = now + 2 + rng_() % (env_.max_start_gap + 1);
    }
    if (t.nand_cmd_valid_o && t.nand_cmd_ready_i) {
      pages_.push_back(t.nand_cmd_page_o);
      for (unsigned p = 0; p < kPlanes; ++p) {
        ASSERT_GT(free_[p], 0u);
        --free_[p];
        hold_[p].push_back(now + env_.min_hold + rng_() % (env_.max_hold - env_.min_hold + 1));
      }
    }
  }

  void check_job() {
    const uint64_t need = model_.pages_needed(cur_.nsegs);
    ASSERT_EQ(pages_.size(), need) << "GEMV base " << cur_.base << " nsegs " << cur_.nsegs;
    for (size_t i = 0; i < pages_.size(); ++i)
      ASSERT_EQ(pages_[i], static_cast<uint32_t>(cur_.base + i)) << "command " << i << " of nsegs " << cur_.nsegs;
    ASSERT_EQ(top().pages_issued_o, need);
    ++jobs_done_;
  }

  /// Runs until every queued GEMV is done.
  void run(uint64_t max_cycles) {
    const uint64_t end = sim().cycles() + max_cycles;
    while ((!jobs_.empty() || active_) && sim().cycles() < end) {
      sim().cycle();
      if (HasFatalFailure()) return;
    }
    ASSERT_TRUE(jobs_.empty() && !active_) << "sequencer stuck";
  }

  uint32_t random_nsegs() {
    switch (rng_() % 6) {
      case 0: return static_cast<uint32_t>(rng_() % 3);                             // 0, 1, 2
      case 1: return kPerPage * static_cast<uint32_t>(1 + rng_() % 6);              // exact pages
      case 2: return kPerPage * static_cast<uint32_t>(rng_() % 6) + 1;              // one past
      case 3: return kPerPage * static_cast<uint32_t>(1 + rng_() % 6) - 1;          // one short
      default: return static_cast<uint32_t>(rng_() % (12 * kPerPage));
    }
  }
  uint32_t random_base() {
    return rng_() % 8 == 0 ? static_cast<uint32_t>(0xFFFFFFFFu - rng_() % 4) : static_cast<uint32_t>(rng_() % 2000000);
  }

  std::mt19937_64 rng_{1};
  Env env_;
  PrefetchModel model_{kPlanes, kSpp};
  std::deque<Job> jobs_;
  Job cur_;
  bool active_ = false;
  bool manual_start_ = false;
  bool force_starve_ = false;
  bool offer_pending_ = false;
  bool start_now_ = false;  ///< manual_start_: start man_ in the next cycle
  Job man_;
  uint64_t next_start_ = 0;
  std::vector<uint32_t> pages_;
  std::vector<unsigned> free_;
  std::vector<uint64_t> starve_until_;
  std::vector<std::deque<uint64_t>> hold_;
  unsigned jobs_done_ = 0;
};

TEST_F(PrefetchSeq, RandomGemvs) {
  rng_.seed(test_seed("PrefetchSeq.RandomGemvs", 0x9f5e0001));
  for (unsigned round = 0; round < 4; ++round) {
    env_.p_cmd_ready = 0.2 + 0.8 * (rng_() % 100) / 100.0;
    env_.max_hold = 1 + static_cast<unsigned>(rng_() % 80);
    env_.p_starve = (rng_() % 2) ? 0.02 : 0.0;
    std::printf("[traffic] round %u: p_cmd_ready %.2f max_hold %u p_starve %.2f\n", round, env_.p_cmd_ready,
                env_.max_hold, env_.p_starve);
    for (int i = 0; i < 60; ++i) jobs_.push_back(Job{random_base(), random_nsegs()});
    ASSERT_NO_FATAL_FAILURE(run(5'000'000));
  }
  EXPECT_EQ(jobs_done_, 240u);
}

TEST_F(PrefetchSeq, RandomMoreLatches) {
  rng_.seed(test_seed("PrefetchSeq.RandomMoreLatches", 0x9f5e0002));
  env_.latches = 3;
  configure_latches();
  env_.p_cmd_ready = 0.9;
  env_.max_start_gap = 0;
  for (int i = 0; i < 100; ++i) jobs_.push_back(Job{random_base(), random_nsegs()});
  ASSERT_NO_FATAL_FAILURE(run(5'000'000));
}

/// nsegs 0, 1, a page exactly, a page + 1, several pages exactly, several + 1, one short: the
/// number of commands is ceil(nsegs / (Planes*SegsPerPage)).
TEST_F(PrefetchSeq, PageCounts) {
  rng_.seed(test_seed("PrefetchSeq.PageCounts", 0x9f5e0003));
  env_.p_cmd_ready = 1.0;
  const uint32_t sizes[] = {0, 1, 2, kPerPage - 1, kPerPage, kPerPage + 1, 3 * kPerPage, 3 * kPerPage + 1,
                            5 * kPerPage - 1, 0, 1};
  const uint64_t expect[] = {0, 1, 1, 1, 1, 2, 3, 4, 5, 0, 1};
  for (uint32_t n : sizes) jobs_.push_back(Job{1000, n});
  ASSERT_NO_FATAL_FAILURE(run(100000));
  ASSERT_EQ(jobs_done_, std::size(sizes));
  for (size_t i = 0; i < std::size(sizes); ++i) EXPECT_EQ(model_.pages_needed(sizes[i]), expect[i]);
}

/// nsegs 0: busy never rises and no command is offered.
TEST_F(PrefetchSeq, ZeroSegments) {
  manual_start_ = true;
  auto& t = top();
  sim().cycle(3);
  man_ = Job{77, 0};
  start_now_ = true;
  sim().cycle();
  for (int i = 0; i < 20; ++i) {
    EXPECT_FALSE(t.busy_o);
    EXPECT_FALSE(t.nand_cmd_valid_o);
    sim().cycle();
  }
  EXPECT_EQ(t.pages_issued_o, 0u);
  // nsegs 1 after it: exactly one command, page 78
  man_ = Job{78, 1};
  start_now_ = true;
  uint64_t cmds = 0;
  uint32_t page = 0;
  sim().on_sample([&] {
    if (t.nand_cmd_valid_o && t.nand_cmd_ready_i) {
      ++cmds;
      page = t.nand_cmd_page_o;
    }
  });
  sim().cycle(200);
  EXPECT_EQ(cmds, 1u);
  EXPECT_EQ(page, 78u);
  EXPECT_FALSE(t.busy_o);
  EXPECT_EQ(t.pages_issued_o, 1u);
}

/// Credit starvation: with one plane out of latches no command is offered, however long; the
/// sequence resumes where it stopped once the latch returns.
TEST_F(PrefetchSeq, CreditStarvation) {
  rng_.seed(test_seed("PrefetchSeq.CreditStarvation", 0x9f5e0004));
  env_.p_cmd_ready = 1.0;
  env_.min_hold = 300;
  env_.max_hold = 300;  // latches stay taken for 300 cycles
  env_.latches = 1;
  configure_latches();
  jobs_.push_back(Job{42, 4 * kPerPage});
  uint64_t cmds = 0, offered_while_starved = 0;
  sim().on_sample([&] {
    auto& t = top();
    if (t.nand_cmd_valid_o && t.nand_cmd_ready_i) ++cmds;
    if (t.busy_o && (t.sense_ready_i & kAll) != kAll && t.nand_cmd_valid_o) ++offered_while_starved;
  });
  ASSERT_NO_FATAL_FAILURE(run(100000));
  EXPECT_EQ(cmds, 4u);
  EXPECT_EQ(offered_while_starved, 0u);
  EXPECT_GE(sim().cycles(), 3u * 300u) << "the sequencer did not wait for the latches";
  // The whole bus stalled: force every plane starved for a while in a second GEMV.
  force_starve_ = true;
  jobs_.push_back(Job{7, 2 * kPerPage});
  sim().cycle(500);
  EXPECT_TRUE(top().busy_o);
  EXPECT_EQ(top().pages_issued_o, 0u);
  force_starve_ = false;
  ASSERT_NO_FATAL_FAILURE(run(100000));
  EXPECT_EQ(cmds, 6u);
}

/// Command-bus backpressure: the page is held while nand_cmd_ready is low (NandCmdStable_A too).
TEST_F(PrefetchSeq, CommandBackpressure) {
  rng_.seed(test_seed("PrefetchSeq.CommandBackpressure", 0x9f5e0005));
  env_.p_cmd_ready = 0.05;
  env_.latches = 4;
  configure_latches();
  env_.max_hold = 3;
  for (int i = 0; i < 20; ++i) jobs_.push_back(Job{random_base(), random_nsegs()});
  ASSERT_NO_FATAL_FAILURE(run(1'000'000));
}

/// Back-to-back GEMVs (start the cycle after busy falls, full command rate).
TEST_F(PrefetchSeq, BackToBack) {
  rng_.seed(test_seed("PrefetchSeq.BackToBack", 0x9f5e0006));
  env_.p_cmd_ready = 1.0;
  env_.latches = 8;
  configure_latches();
  env_.min_hold = 1;
  env_.max_hold = 1;
  env_.max_start_gap = 0;
  for (int i = 0; i < 30; ++i) jobs_.push_back(Job{random_base(), random_nsegs()});
  uint64_t cmds = 0;
  sim().on_sample([&] { cmds += top().nand_cmd_valid_o && top().nand_cmd_ready_i; });
  ASSERT_NO_FATAL_FAILURE(run(100000));
  EXPECT_GT(cmds, 0u);
}

/// start while busy fires NoStartWhileBusy_A; the second start is ignored.
TEST_F(PrefetchSeq, StartWhileBusyAsserts) {
  manual_start_ = true;
  env_.p_cmd_ready = 0.0;
  auto& t = top();
  man_ = Job{5, 10 * kPerPage};
  start_now_ = true;
  sim().cycle(3);
  ASSERT_TRUE(t.busy_o);
  ASSERT_FALSE(sim().error());
  man_ = Job{900, 1};
  start_now_ = true;
  sim().cycle(3);
  EXPECT_TRUE(sim().error()) << "NoStartWhileBusy_A did not fire";
  sim().ctx().gotError(false);
  env_.p_cmd_ready = 1.0;
  sim().cycle(200);
  EXPECT_FALSE(t.busy_o);
  EXPECT_EQ(t.pages_issued_o, 10u) << "the ignored start changed the GEMV";
}

}  // namespace
}  // namespace ifc::tb
