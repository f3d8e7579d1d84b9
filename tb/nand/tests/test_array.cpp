// NandArray: functional behaviour of every operation and every error status (RBER 0 here; the
// error model is in test_errors.cpp).
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "nand/nand_array.hpp"
#include "nand_test_util.hpp"

namespace ifc::nand {
namespace {

using test::random_page;
using test::snapshot;
using test::tiny_config;

const std::vector<uint8_t> kErased(72, 0xFF);

class NandArrayTest : public ::testing::Test {
 protected:
  NandArray a{tiny_config()};
  std::vector<uint8_t> out;

  std::vector<uint8_t> page(uint64_t seed) const { return random_page(a.page_bytes(), seed); }
  Status prog(const Address& addr, const std::vector<uint8_t>& d, uint64_t now = kUntimed) {
    return a.program(addr, d.data(), d.size(), now);
  }
  /// Reads at a time when every plane is idle.
  Status read_idle(const Address& addr, std::vector<uint8_t>& o) {
    return a.read(addr, a.plane_busy_until_ns(addr.die, addr.plane), o);
  }
};

TEST(StatusNames, AllStatusesHaveNames) {
  EXPECT_STREQ(to_string(Status::Ok), "Ok");
  EXPECT_STREQ(to_string(Status::AddressOutOfRange), "AddressOutOfRange");
  EXPECT_STREQ(to_string(Status::BadBlock), "BadBlock");
  EXPECT_STREQ(to_string(Status::NotErased), "NotErased");
  EXPECT_STREQ(to_string(Status::ProgramOrder), "ProgramOrder");
  EXPECT_STREQ(to_string(Status::WornOut), "WornOut");
  EXPECT_STREQ(to_string(Status::PlaneBusy), "PlaneBusy");
  EXPECT_STREQ(to_string(Status::MultiPlaneConflict), "MultiPlaneConflict");
  EXPECT_STREQ(to_string(Status::LengthMismatch), "LengthMismatch");
  EXPECT_STREQ(to_string(Op::MultiPlaneRead), "MultiPlaneRead");
  EXPECT_STREQ(to_string(PageState::Procedural), "Procedural");
}

TEST_F(NandArrayTest, Geometry) {
  EXPECT_EQ(a.page_bytes(), 72u);
  EXPECT_TRUE(a.in_range({1, 3, 7, 15}));
  EXPECT_FALSE(a.in_range({2, 0, 0, 0}));
  EXPECT_FALSE(a.in_range({0, 4, 0, 0}));
  EXPECT_FALSE(a.in_range({0, 0, 8, 0}));
  EXPECT_FALSE(a.in_range({0, 0, 0, 16}));
}

TEST_F(NandArrayTest, FreshArrayReadsErased) {
  for (const Address addr : {Address{0, 0, 0, 0}, Address{1, 3, 7, 15}}) {
    ReadInfo info;
    ASSERT_EQ(a.read(addr, 0, out, &info), Status::Ok);
    EXPECT_EQ(out, kErased);
    EXPECT_EQ(info.bit_errors, 0u);
    EXPECT_EQ(info.rber_used, 0.0);
    EXPECT_EQ(a.page_state(addr), PageState::Erased);
  }
}

TEST_F(NandArrayTest, ProgramReadRoundTripIncludingSpare) {
  const Address addrs[] = {{0, 0, 0, 0}, {0, 0, 0, 1}, {0, 2, 3, 0}, {1, 3, 7, 15}};
  uint64_t seed = 100;
  for (const auto& addr : addrs) ASSERT_EQ(prog(addr, page(seed++)), Status::Ok);
  seed = 100;
  for (const auto& addr : addrs) {
    ASSERT_EQ(read_idle(addr, out), Status::Ok);
    EXPECT_EQ(out, page(seed++));  // whole page: data and spare
    EXPECT_EQ(a.page_state(addr), PageState::Programmed);
  }
  ASSERT_EQ(read_idle({0, 0, 0, 2}, out), Status::Ok);  // neighbour untouched
  EXPECT_EQ(out, kErased);
  EXPECT_EQ(a.stored_pages(), 4u);  // sparse: only programmed pages are held
  EXPECT_EQ(a.counters().programs, 4u);
}

TEST_F(NandArrayTest, ProgramCopiesTheCallersBuffer) {
  std::vector<uint8_t> d = page(1);
  const std::vector<uint8_t> original = d;
  ASSERT_EQ(prog({0, 0, 0, 0}, d), Status::Ok);
  d[0] ^= 0xFF;
  ASSERT_EQ(read_idle({0, 0, 0, 0}, out), Status::Ok);
  EXPECT_EQ(out, original);
}

TEST_F(NandArrayTest, ProgramOnProgrammedPageIsNotErased) {
  ASSERT_EQ(prog({0, 1, 2, 0}, page(1)), Status::Ok);
  const auto before = snapshot(a);
  EXPECT_EQ(prog({0, 1, 2, 0}, page(2)), Status::NotErased);
  EXPECT_TRUE(snapshot(a) == before);
  ASSERT_EQ(read_idle({0, 1, 2, 0}, out), Status::Ok);
  EXPECT_EQ(out, page(1));
}

TEST_F(NandArrayTest, ProgramOrderIsIncreasingWithSkipsAllowed) {
  ASSERT_EQ(prog({0, 0, 1, 0}, page(1)), Status::Ok);
  ASSERT_EQ(prog({0, 0, 1, 3}, page(2)), Status::Ok);  // skipping upwards is allowed
  const auto before = snapshot(a);
  EXPECT_EQ(prog({0, 0, 1, 2}, page(3)), Status::ProgramOrder);  // erased, but below page 3
  EXPECT_EQ(prog({0, 0, 1, 1}, page(3)), Status::ProgramOrder);
  EXPECT_TRUE(snapshot(a) == before);
  EXPECT_EQ(prog({0, 0, 1, 4}, page(4)), Status::Ok);
  // Order is per block: other blocks start from page 0 whatever this block holds.
  EXPECT_EQ(prog({0, 0, 2, 0}, page(5)), Status::Ok);
  EXPECT_EQ(prog({0, 1, 1, 0}, page(6)), Status::Ok);
}

TEST_F(NandArrayTest, ProgramLengthMismatchAndNullData) {
  const auto d = page(1);
  const auto before = snapshot(a);
  EXPECT_EQ(a.program({0, 0, 0, 0}, d.data(), d.size() - 1), Status::LengthMismatch);
  EXPECT_EQ(a.program({0, 0, 0, 0}, d.data(), 64), Status::LengthMismatch);  // data only, no spare
  std::vector<uint8_t> longer(d.size() + 1, 0);
  EXPECT_EQ(a.program({0, 0, 0, 0}, longer.data(), longer.size()), Status::LengthMismatch);
  EXPECT_EQ(a.program({0, 0, 0, 0}, nullptr, d.size()), Status::LengthMismatch);
  EXPECT_TRUE(snapshot(a) == before);
  EXPECT_EQ(a.status(0, 0, 0).last_status, Status::LengthMismatch);
  EXPECT_EQ(a.status(0, 0, 0).last_op, Op::Program);
}

TEST_F(NandArrayTest, EraseRestoresFFBumpsPeAndResetsCounters) {
  const Address p0{1, 2, 5, 0};
  const Address p1{1, 2, 5, 1};
  ASSERT_EQ(prog(p0, page(1)), Status::Ok);
  ASSERT_EQ(prog(p1, page(2)), Status::Ok);
  ASSERT_EQ(prog({1, 2, 6, 0}, page(3)), Status::Ok);  // neighbour block
  ASSERT_EQ(read_idle(p0, out), Status::Ok);
  ASSERT_EQ(read_idle(p1, out), Status::Ok);
  EXPECT_EQ(a.block_reads_since_erase(1, 2, 5), 2u);
  EXPECT_EQ(a.pe_cycles(1, 2, 5), 0u);

  ASSERT_EQ(a.erase(1, 2, 5), Status::Ok);
  EXPECT_EQ(a.pe_cycles(1, 2, 5), 1u);
  EXPECT_EQ(a.block_reads_since_erase(1, 2, 5), 0u);
  EXPECT_EQ(a.page_read_count(p0), 1u);  // lifetime per-page count is not reset
  EXPECT_EQ(a.stored_pages(), 1u);      // storage freed
  for (const auto& addr : {p0, p1}) {
    ASSERT_EQ(read_idle(addr, out), Status::Ok);
    EXPECT_EQ(out, kErased);
    EXPECT_EQ(a.page_state(addr), PageState::Erased);
  }
  ASSERT_EQ(read_idle({1, 2, 6, 0}, out), Status::Ok);
  EXPECT_EQ(out, page(3));
  EXPECT_EQ(a.pe_cycles(1, 2, 6), 0u);
  // The program pointer is reset: page 0 is programmable again.
  EXPECT_EQ(prog(p0, page(4)), Status::Ok);
  ASSERT_EQ(read_idle(p0, out), Status::Ok);
  EXPECT_EQ(out, page(4));
  EXPECT_EQ(a.counters().erases, 1u);
}

TEST(NandArrayEndurance, BlockWearsOutAtTheLimit) {
  NandConfig c = tiny_config();
  c.endurance_pe_cycles = 5;
  NandArray a(c);
  const auto d = random_page(a.page_bytes(), 1);
  for (uint32_t i = 1; i < 5; ++i) {
    ASSERT_EQ(a.program({0, 1, 3, 0}, d.data(), d.size()), Status::Ok);
    ASSERT_EQ(a.erase(0, 1, 3), Status::Ok) << "erase " << i;
    EXPECT_EQ(a.pe_cycles(0, 1, 3), i);
    EXPECT_FALSE(a.is_bad(0, 1, 3));
  }
  ASSERT_EQ(a.program({0, 1, 3, 0}, d.data(), d.size()), Status::Ok);
  EXPECT_EQ(a.erase(0, 1, 3), Status::WornOut);  // the 5th erase reaches the limit
  EXPECT_EQ(a.pe_cycles(0, 1, 3), 5u);
  EXPECT_TRUE(a.is_bad(0, 1, 3));
  EXPECT_TRUE(a.is_worn_out(0, 1, 3));
  EXPECT_EQ(a.counters().erases, 5u);
  std::vector<uint8_t> o;
  EXPECT_EQ(a.peek({0, 1, 3, 0}, o), Status::Ok);
  EXPECT_EQ(o, std::vector<uint8_t>(a.page_bytes(), 0xFF));  // the wearing erase did erase

  const auto before = snapshot(a);
  EXPECT_EQ(a.program({0, 1, 3, 0}, d.data(), d.size()), Status::WornOut);
  EXPECT_EQ(a.erase(0, 1, 3), Status::WornOut);
  EXPECT_EQ(a.read({0, 1, 3, 0}, 0, o), Status::WornOut);
  EXPECT_EQ(a.mark_bad(0, 1, 3), Status::Ok);  // stays worn out
  EXPECT_TRUE(snapshot(a) == before);
  EXPECT_EQ(a.read({0, 1, 3, 0}, 0, o), Status::WornOut);
  // Other blocks are unaffected.
  EXPECT_EQ(a.erase(0, 1, 2), Status::Ok);
  EXPECT_EQ(a.program({0, 1, 4, 0}, d.data(), d.size()), Status::Ok);
}

TEST(NandArrayBadBlocks, FactoryBadBlocksFromConfig) {
  NandConfig c = tiny_config();
  c.bad_blocks = {{0, 1, 2}, {1, 3, 7}};
  NandArray a(c);
  EXPECT_TRUE(a.is_bad(0, 1, 2));
  EXPECT_TRUE(a.is_bad(1, 3, 7));
  EXPECT_FALSE(a.is_worn_out(0, 1, 2));
  EXPECT_FALSE(a.is_bad(0, 1, 1));
  EXPECT_FALSE(a.is_bad(0, 0, 2));
  EXPECT_FALSE(a.is_bad(9, 9, 9));
  const auto d = random_page(a.page_bytes(), 1);
  std::vector<uint8_t> o = {1, 2, 3};
  const auto before = snapshot(a);
  EXPECT_EQ(a.read({0, 1, 2, 0}, 0, o), Status::BadBlock);
  EXPECT_EQ(o, (std::vector<uint8_t>{1, 2, 3}));  // output untouched on failure
  EXPECT_EQ(a.program({0, 1, 2, 0}, d.data(), d.size()), Status::BadBlock);
  EXPECT_EQ(a.erase(1, 3, 7), Status::BadBlock);
  EXPECT_TRUE(snapshot(a) == before);
  EXPECT_EQ(a.status(1, 3, 0).last_status, Status::BadBlock);
  EXPECT_EQ(a.status(1, 3, 0).last_op, Op::Erase);
  EXPECT_EQ(a.program({0, 1, 1, 0}, d.data(), d.size()), Status::Ok);
  EXPECT_EQ(a.erase(0, 1, 3), Status::Ok);
}

TEST_F(NandArrayTest, GrownBadBlockViaMarkBad) {
  const auto d = page(1);
  ASSERT_EQ(prog({0, 2, 4, 0}, d), Status::Ok);
  EXPECT_EQ(a.mark_bad(0, 2, 4), Status::Ok);
  EXPECT_TRUE(a.is_bad(0, 2, 4));
  EXPECT_FALSE(a.is_worn_out(0, 2, 4));
  EXPECT_EQ(read_idle({0, 2, 4, 0}, out), Status::BadBlock);
  EXPECT_EQ(prog({0, 2, 4, 1}, d), Status::BadBlock);
  EXPECT_EQ(a.erase(0, 2, 4), Status::BadBlock);
  EXPECT_EQ(a.mark_bad(0, 2, 8), Status::AddressOutOfRange);
  EXPECT_EQ(a.mark_bad(2, 0, 0), Status::AddressOutOfRange);
  EXPECT_EQ(read_idle({0, 2, 5, 0}, out), Status::Ok);
}

TEST_F(NandArrayTest, AddressOutOfRangeEverywhereWithoutSideEffects) {
  const auto d = page(1);
  ASSERT_EQ(prog({0, 0, 0, 0}, d), Status::Ok);
  const auto before = snapshot(a);
  const Address bad[] = {{2, 0, 0, 0},
                         {0, 4, 0, 0},
                         {0, 0, 8, 0},
                         {0, 0, 0, 16},
                         {UINT32_MAX, UINT32_MAX, UINT32_MAX, UINT32_MAX}};
  std::vector<uint8_t> o = {7};
  std::vector<std::vector<uint8_t>> mo;
  for (const auto& addr : bad) {
    EXPECT_EQ(a.read(addr, 0, o), Status::AddressOutOfRange);
    EXPECT_EQ(a.program(addr, d.data(), d.size(), 0), Status::AddressOutOfRange);
    if (addr.page < 16) {
      EXPECT_EQ(a.erase(addr.die, addr.plane, addr.block, 0), Status::AddressOutOfRange);
    }
    EXPECT_EQ(a.multi_plane_read({addr}, 0, mo), Status::AddressOutOfRange);
    EXPECT_EQ(a.inject_stuck_bit(addr, 0, true), Status::AddressOutOfRange);
    EXPECT_EQ(a.page_state(addr), PageState::OutOfRange);
    EXPECT_EQ(a.peek(addr, o), Status::AddressOutOfRange);
    EXPECT_EQ(a.rber(addr), 0.0);
    EXPECT_EQ(a.page_read_count(addr), 0u);
  }
  EXPECT_EQ(o, std::vector<uint8_t>{7});
  EXPECT_TRUE(mo.empty());
  // Retry step beyond read_retry_steps is an out-of-range read level.
  EXPECT_EQ(a.read({0, 0, 0, 0}, 0, o, nullptr, a.config().read_retry_steps + 1), Status::AddressOutOfRange);
  EXPECT_EQ(a.multi_plane_read({{0, 0, 0, 0}}, 0, mo, nullptr, a.config().read_retry_steps + 1),
            Status::AddressOutOfRange);
  // Bit index past the page.
  EXPECT_EQ(a.inject_stuck_bit({0, 0, 0, 0}, static_cast<uint32_t>(a.page_bytes() * 8), true),
            Status::AddressOutOfRange);
  EXPECT_TRUE(snapshot(a) == before);
  EXPECT_EQ(a.plane_busy_until_ns(2, 0), 0u);
  EXPECT_EQ(a.status(2, 0, 0).last_status, Status::AddressOutOfRange);
}

TEST_F(NandArrayTest, OutOfRangePageOnValidPlaneDoesNotTouchThatPlane) {
  const auto before = snapshot(a);
  EXPECT_EQ(a.read({0, 1, 0, 16}, 0, out), Status::AddressOutOfRange);
  EXPECT_EQ(a.erase(0, 1, 8, 0), Status::AddressOutOfRange);
  EXPECT_TRUE(snapshot(a) == before);
  EXPECT_EQ(a.status(0, 1, 0).last_status, Status::AddressOutOfRange);
  EXPECT_TRUE(a.status(0, 1, 0).ready);
}

TEST_F(NandArrayTest, PlaneBusyTimingForReadProgramErase) {
  const uint64_t tr = a.config().t_read_ns;
  const uint64_t tp = a.config().t_prog_ns;
  const uint64_t te = a.config().t_erase_ns;
  const Address p{0, 1, 0, 0};
  ReadInfo info;
  ASSERT_EQ(a.read(p, 1000, out, &info), Status::Ok);
  EXPECT_EQ(info.ready_at_ns, 1000 + tr);
  EXPECT_EQ(a.plane_busy_until_ns(0, 1), 1000 + tr);
  EXPECT_FALSE(a.status(0, 1, 1000 + tr - 1).ready);
  EXPECT_TRUE(a.status(0, 1, 1000 + tr).ready);

  const auto before = snapshot(a);
  std::vector<uint8_t> o = {9};
  EXPECT_EQ(a.read(p, 1000 + tr - 1, o), Status::PlaneBusy);
  EXPECT_EQ(a.read({0, 1, 5, 3}, 1000, o), Status::PlaneBusy);  // any block of the plane
  EXPECT_EQ(prog({0, 1, 1, 0}, page(1), 1000 + tr - 1), Status::PlaneBusy);
  EXPECT_EQ(a.erase(0, 1, 1, 1000), Status::PlaneBusy);
  EXPECT_TRUE(snapshot(a) == before);
  EXPECT_EQ(o, std::vector<uint8_t>{9});
  EXPECT_EQ(a.status(0, 1, 0).last_op, Op::Read);  // a rejected (busy) request is not recorded
  EXPECT_EQ(a.status(0, 1, 0).last_status, Status::Ok);
  // Other planes and dies are independent.
  EXPECT_EQ(a.read({0, 0, 0, 0}, 1000, out), Status::Ok);
  EXPECT_EQ(a.read({1, 1, 0, 0}, 1000, out), Status::Ok);

  // Exactly at busy_until the plane accepts the next operation.
  uint64_t t = 1000 + tr;
  ASSERT_EQ(prog({0, 1, 1, 0}, page(1), t), Status::Ok);
  EXPECT_EQ(a.plane_busy_until_ns(0, 1), t + tp);
  EXPECT_EQ(a.read(p, t + tp - 1, out), Status::PlaneBusy);
  t += tp;
  ASSERT_EQ(a.erase(0, 1, 1, t), Status::Ok);
  EXPECT_EQ(a.plane_busy_until_ns(0, 1), t + te);
  EXPECT_EQ(a.read(p, t + te - 1, out), Status::PlaneBusy);
  EXPECT_EQ(a.read(p, t + te, out), Status::Ok);
  EXPECT_EQ(a.status(0, 1, t + te).last_op, Op::Read);
}

TEST_F(NandArrayTest, BackToBackCacheReadsAtBusyUntil) {
  const uint64_t tr = a.config().t_read_ns;
  uint64_t t = 0;
  for (uint32_t pg = 0; pg < 16; ++pg) {
    ReadInfo info;
    ASSERT_EQ(a.read({0, 2, 3, pg}, t, out, &info), Status::Ok) << "page " << pg;
    EXPECT_EQ(info.ready_at_ns, t + tr);
    t = a.plane_busy_until_ns(0, 2);
  }
  EXPECT_EQ(t, 16 * tr);
  EXPECT_EQ(a.counters().page_reads, 16u);
  EXPECT_EQ(a.counters().bytes_sensed, 16u * a.page_bytes());
}

TEST_F(NandArrayTest, UntimedOperationsDoNotTouchBusyTime) {
  ASSERT_EQ(prog({0, 0, 0, 0}, page(1)), Status::Ok);  // default now = kUntimed
  ASSERT_EQ(prog({0, 0, 0, 1}, page(2)), Status::Ok);
  ASSERT_EQ(a.erase(0, 0, 1), Status::Ok);
  EXPECT_EQ(a.plane_busy_until_ns(0, 0), 0u);
  ReadInfo info;
  ASSERT_EQ(a.read({0, 0, 0, 0}, 5000, out, &info), Status::Ok);
  ASSERT_EQ(prog({0, 0, 0, 2}, page(3)), Status::Ok);  // untimed even while the plane is busy
  EXPECT_EQ(a.plane_busy_until_ns(0, 0), 5000 + a.config().t_read_ns);
  ASSERT_EQ(a.read({0, 0, 0, 1}, kUntimed, out, &info), Status::Ok);
  EXPECT_EQ(info.ready_at_ns, 0u);
  EXPECT_EQ(out, page(2));
}

TEST_F(NandArrayTest, StatusReportsReadyAndLastOperation) {
  PlaneStatus s = a.status(0, 3, 0);
  EXPECT_TRUE(s.ready);
  EXPECT_EQ(s.last_op, Op::None);
  ASSERT_EQ(prog({0, 3, 0, 1}, page(1), 100), Status::Ok);
  s = a.status(0, 3, 100);
  EXPECT_FALSE(s.ready);
  EXPECT_EQ(s.busy_until_ns, 100 + a.config().t_prog_ns);
  EXPECT_EQ(s.last_op, Op::Program);
  EXPECT_EQ(s.last_status, Status::Ok);
  const uint64_t t = s.busy_until_ns;
  EXPECT_EQ(prog({0, 3, 0, 0}, page(2), t), Status::ProgramOrder);
  s = a.status(0, 3, t);
  EXPECT_TRUE(s.ready);  // a failed request does not make the plane busy
  EXPECT_EQ(s.last_status, Status::ProgramOrder);
  EXPECT_EQ(s.busy_until_ns, t);
}

TEST_F(NandArrayTest, MultiPlaneReadSensesAllPlanesInOneTr) {
  const std::vector<Address> addrs = {{1, 0, 2, 5}, {1, 1, 3, 5}, {1, 3, 7, 5}};  // blocks may differ
  ASSERT_EQ(prog({1, 0, 2, 5}, page(10)), Status::Ok);
  ASSERT_EQ(prog({1, 3, 7, 5}, page(13)), Status::Ok);
  std::vector<std::vector<uint8_t>> mo;
  std::vector<ReadInfo> infos;
  ASSERT_EQ(a.multi_plane_read(addrs, 500, mo, &infos), Status::Ok);
  ASSERT_EQ(mo.size(), 3u);
  ASSERT_EQ(infos.size(), 3u);
  EXPECT_EQ(mo[0], page(10));
  EXPECT_EQ(mo[1], kErased);
  EXPECT_EQ(mo[2], page(13));
  for (const auto& i : infos) EXPECT_EQ(i.ready_at_ns, 500 + a.config().t_read_ns);
  for (uint32_t p : {0u, 1u, 3u}) {
    EXPECT_EQ(a.plane_busy_until_ns(1, p), 500 + a.config().t_read_ns);
    EXPECT_EQ(a.status(1, p, 500).last_op, Op::MultiPlaneRead);
  }
  EXPECT_EQ(a.plane_busy_until_ns(1, 2), 0u);  // plane not in the command
  EXPECT_EQ(a.counters().page_reads, 3u);
  EXPECT_EQ(a.counters().multi_plane_reads, 1u);
  EXPECT_EQ(a.counters().bytes_sensed, 3u * a.page_bytes());
  EXPECT_EQ(a.block_reads_since_erase(1, 1, 3), 1u);
  // A single-plane multi-plane read is legal.
  ASSERT_EQ(a.multi_plane_read({{1, 2, 0, 0}}, 500, mo), Status::Ok);
  EXPECT_EQ(mo.size(), 1u);
}

TEST_F(NandArrayTest, MultiPlaneConflictsAndAtomicity) {
  ASSERT_EQ(prog({0, 0, 0, 0}, page(1)), Status::Ok);
  ASSERT_EQ(a.mark_bad(0, 2, 1), Status::Ok);
  ASSERT_EQ(a.read({0, 3, 0, 0}, 0, out), Status::Ok);  // plane 3 busy until tR
  const uint64_t t = 1;
  const auto before = snapshot(a);
  std::vector<std::vector<uint8_t>> mo = {{42}};
  std::vector<ReadInfo> infos;
  struct Case {
    std::vector<Address> addrs;
    Status expected;
  };
  const Case cases[] = {
      {{}, Status::MultiPlaneConflict},
      {{{0, 0, 0, 0}, {1, 1, 0, 0}}, Status::MultiPlaneConflict},  // different dies
      {{{0, 0, 0, 0}, {0, 0, 1, 0}}, Status::MultiPlaneConflict},  // same plane twice
      {{{0, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 0, 0}}, Status::MultiPlaneConflict},
      {{{0, 0, 0, 0}, {0, 1, 0, 1}}, Status::MultiPlaneConflict},  // different page index
      {{{0, 0, 0, 0}, {0, 1, 0, 16}}, Status::AddressOutOfRange},
      {{{0, 0, 0, 0}, {0, 2, 1, 0}}, Status::BadBlock},   // one plane fails: nothing read
      {{{0, 0, 0, 0}, {0, 3, 0, 0}}, Status::PlaneBusy},  // one plane busy: nothing read
  };
  for (const auto& c : cases) {
    EXPECT_EQ(a.multi_plane_read(c.addrs, t, mo, &infos), c.expected) << to_string(c.expected);
    EXPECT_EQ(mo, (std::vector<std::vector<uint8_t>>{{42}}));
    EXPECT_TRUE(infos.empty());
  }
  EXPECT_TRUE(snapshot(a) == before);
  EXPECT_EQ(a.status(0, 0, t).last_status, Status::BadBlock);  // last accepted-but-failed request
  EXPECT_EQ(a.status(0, 0, t).last_op, Op::MultiPlaneRead);
  EXPECT_EQ(a.status(0, 3, t).last_op, Op::Read);  // busy plane keeps its running operation
}

TEST_F(NandArrayTest, CountersCountSuccessfulOperationsOnly) {
  ASSERT_EQ(prog({0, 0, 0, 0}, page(1)), Status::Ok);
  ASSERT_EQ(prog({0, 0, 0, 0}, page(1)), Status::NotErased);
  ASSERT_EQ(read_idle({0, 0, 0, 0}, out), Status::Ok);
  ASSERT_EQ(read_idle({0, 0, 0, 0}, out), Status::Ok);
  ASSERT_EQ(a.erase(0, 0, 0), Status::Ok);
  ASSERT_EQ(a.erase(0, 0, 9), Status::AddressOutOfRange);
  const Counters& c = a.counters();
  EXPECT_EQ(c.programs, 1u);
  EXPECT_EQ(c.page_reads, 2u);
  EXPECT_EQ(c.erases, 1u);
  EXPECT_EQ(c.bytes_sensed, 2u * a.page_bytes());
  EXPECT_EQ(c.bits_flipped, 0u);
  EXPECT_EQ(a.page_read_count({0, 0, 0, 0}), 2u);
  a.reset_counters();
  EXPECT_EQ(a.counters().programs, 0u);
  EXPECT_EQ(a.counters().page_reads, 0u);
  EXPECT_EQ(a.page_read_count({0, 0, 0, 0}), 2u);  // per-page counts are not counters
}

TEST_F(NandArrayTest, StuckBitsAreForcedOnReadOnly) {
  const Address p{0, 1, 1, 0};
  std::vector<uint8_t> d(a.page_bytes(), 0x00);
  d[5] = 0xA5;
  ASSERT_EQ(prog(p, d), Status::Ok);
  // bit 0 = LSB of byte 0; bit 43 = bit 3 of byte 5; last bit = MSB of the last spare byte.
  const uint32_t last = static_cast<uint32_t>(a.page_bytes() * 8 - 1);
  ASSERT_EQ(a.inject_stuck_bit(p, 0, true), Status::Ok);
  ASSERT_EQ(a.inject_stuck_bit(p, 43, true), Status::Ok);
  ASSERT_EQ(a.inject_stuck_bit(p, 40, false), Status::Ok);  // bit 0 of 0xA5 -> 0xA4
  ASSERT_EQ(a.inject_stuck_bit(p, last, true), Status::Ok);
  ReadInfo info;
  ASSERT_EQ(a.read(p, 0, out, &info), Status::Ok);
  std::vector<uint8_t> expected = d;
  expected[0] = 0x01;
  expected[5] = 0xAC;  // 0xA5 | 0x08 & ~0x01
  expected.back() = 0x80;
  EXPECT_EQ(out, expected);
  EXPECT_EQ(info.stuck_bits, 4u);
  std::vector<uint8_t> clean;
  ASSERT_EQ(a.peek(p, clean), Status::Ok);
  EXPECT_EQ(clean, d);  // stored page unchanged
  // Re-injecting replaces the value; other pages are unaffected.
  ASSERT_EQ(a.inject_stuck_bit(p, 0, false), Status::Ok);
  ASSERT_EQ(read_idle(p, out), Status::Ok);
  EXPECT_EQ(out[0], 0x00);
  ASSERT_EQ(read_idle({0, 1, 1, 1}, out), Status::Ok);
  EXPECT_EQ(out, kErased);
  // Stuck bits survive erase (a physical defect).
  ASSERT_EQ(a.erase(0, 1, 1), Status::Ok);
  ASSERT_EQ(read_idle(p, out), Status::Ok);
  std::vector<uint8_t> erased_expected = kErased;
  erased_expected[0] = 0xFE;  // bit 0 stuck at 0 (re-injected above)
  erased_expected[5] = 0xFE;  // bit 40 stuck at 0; bits 43 and the last are stuck at 1 = erased
  EXPECT_EQ(out, erased_expected);
  a.clear_stuck_bits();
  ASSERT_EQ(read_idle(p, out), Status::Ok);
  EXPECT_EQ(out, kErased);
}

TEST_F(NandArrayTest, StuckBitsApplyAfterRandomFlips) {
  const Address p{0, 0, 0, 0};
  a.set_fixed_rber(0.5);  // every read flips about half the bits
  for (uint32_t bit = 0; bit < a.page_bytes() * 8; bit += 7) {
    ASSERT_EQ(a.inject_stuck_bit(p, bit, bit % 2 == 0), Status::Ok);
  }
  for (int r = 0; r < 20; ++r) {
    ReadInfo info;
    ASSERT_EQ(read_idle(p, out), Status::Ok);
    for (uint32_t bit = 0; bit < a.page_bytes() * 8; bit += 7) {
      ASSERT_EQ((out[bit / 8] >> (bit % 8)) & 1, bit % 2 == 0 ? 1 : 0) << "read " << r << " bit " << bit;
    }
  }
  EXPECT_GT(a.counters().bits_flipped, 20u * 100);
}

TEST_F(NandArrayTest, ProceduralSourceSuppliesUnprogrammedPages) {
  const Address p0{0, 0, 0, 0};
  const Address pre{0, 0, 1, 0};
  ASSERT_EQ(prog(pre, page(77)), Status::Ok);  // programmed before the install: kept
  ASSERT_EQ(a.erase(0, 0, 2), Status::Ok);     // erased before the install: gets the image
  std::vector<Address> calls;
  a.set_procedural_source([&calls](const Address& addr, uint8_t* pg, size_t len) {
    calls.push_back(addr);
    for (size_t i = 0; i < len; ++i) {
      EXPECT_EQ(pg[i], 0xFF);  // pre-filled
      pg[i] = static_cast<uint8_t>(addr.die * 64 + addr.plane * 16 + addr.block * 4 + addr.page + i);
    }
  });
  EXPECT_TRUE(a.has_procedural_source());
  auto expected_page = [&](const Address& addr) {
    std::vector<uint8_t> v(a.page_bytes());
    for (size_t i = 0; i < v.size(); ++i) {
      v[i] = static_cast<uint8_t>(addr.die * 64 + addr.plane * 16 + addr.block * 4 + addr.page + i);
    }
    return v;
  };
  ASSERT_EQ(read_idle(p0, out), Status::Ok);
  EXPECT_EQ(out, expected_page(p0));
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_TRUE(calls[0] == p0);
  ASSERT_EQ(read_idle({1, 3, 7, 15}, out), Status::Ok);
  EXPECT_EQ(out, expected_page({1, 3, 7, 15}));
  ASSERT_EQ(read_idle({0, 0, 2, 3}, out), Status::Ok);
  EXPECT_EQ(out, expected_page({0, 0, 2, 3}));
  EXPECT_EQ(a.page_state(p0), PageState::Procedural);
  // Explicitly programmed pages take precedence; the rest of that block is procedural.
  ASSERT_EQ(read_idle(pre, out), Status::Ok);
  EXPECT_EQ(out, page(77));
  EXPECT_EQ(a.page_state(pre), PageState::Programmed);
  ASSERT_EQ(read_idle({0, 0, 1, 1}, out), Status::Ok);
  EXPECT_EQ(out, expected_page({0, 0, 1, 1}));
  // No memory used for procedural pages.
  EXPECT_EQ(a.stored_pages(), 1u);
  // Procedural pages hold data: program is refused until the block is erased.
  const auto before = snapshot(a);
  EXPECT_EQ(prog(p0, page(1)), Status::NotErased);
  EXPECT_EQ(prog({0, 0, 1, 1}, page(1)), Status::NotErased);
  EXPECT_TRUE(snapshot(a) == before);
  // Erase: the block reads 0xFF (not the image) and is programmable in order.
  ASSERT_EQ(a.erase(0, 0, 0), Status::Ok);
  EXPECT_EQ(a.page_state(p0), PageState::Erased);
  ASSERT_EQ(read_idle({0, 0, 0, 5}, out), Status::Ok);
  EXPECT_EQ(out, kErased);
  ASSERT_EQ(prog(p0, page(2)), Status::Ok);
  ASSERT_EQ(read_idle(p0, out), Status::Ok);
  EXPECT_EQ(out, page(2));
  ASSERT_EQ(read_idle({0, 0, 0, 1}, out), Status::Ok);
  EXPECT_EQ(out, kErased);
  // Other blocks still procedural.
  ASSERT_EQ(read_idle({0, 1, 0, 0}, out), Status::Ok);
  EXPECT_EQ(out, expected_page({0, 1, 0, 0}));
  // Re-installing applies the image again to every non-programmed page, erased block included.
  a.fill_procedural_seeded(5);
  ASSERT_EQ(read_idle({0, 0, 0, 1}, out), Status::Ok);
  std::vector<uint8_t> seeded(a.page_bytes());
  NandArray::seeded_page_contents(5, {0, 0, 0, 1}, seeded.data(), seeded.size());
  EXPECT_EQ(out, seeded);
  ASSERT_EQ(read_idle(p0, out), Status::Ok);
  EXPECT_EQ(out, page(2));
  // Removing the source: every non-stored page is erased again and programmable.
  a.set_procedural_source(nullptr);
  EXPECT_FALSE(a.has_procedural_source());
  ASSERT_EQ(read_idle({0, 1, 0, 0}, out), Status::Ok);
  EXPECT_EQ(out, kErased);
  EXPECT_EQ(a.page_state({0, 1, 0, 0}), PageState::Erased);
  EXPECT_EQ(prog({0, 1, 0, 0}, page(3)), Status::Ok);
  EXPECT_EQ(prog({0, 0, 0, 1}, page(4)), Status::Ok);
}

TEST(NandArrayProcedural, SeededContentsAreDeterministicAndAddressDependent) {
  NandConfig c = NandConfig::from_json_file(test::config_path("default.json"));
  c.errors.base_rber = 0;
  NandArray a(c);  // the real die: 9.3M pages, 168 GB of image, no memory
  a.fill_procedural_seeded(2024);
  const Address addrs[] = {{0, 0, 0, 0}, {0, 0, 0, 1}, {0, 1, 0, 0}, {0, 3, 503, 2303}};
  std::vector<std::vector<uint8_t>> seen;
  for (const auto& addr : addrs) {
    std::vector<uint8_t> o;
    ASSERT_EQ(a.read(addr, kUntimed, o), Status::Ok);
    std::vector<uint8_t> ref(a.page_bytes());
    NandArray::seeded_page_contents(2024, addr, ref.data(), ref.size());
    EXPECT_EQ(o, ref);
    for (const auto& s : seen) EXPECT_NE(o, s);
    seen.push_back(o);
    // About half the bits set: it is random-looking, not constant.
    const uint64_t ones = test::bit_diff(o, std::vector<uint8_t>(o.size(), 0));
    EXPECT_NEAR(static_cast<double>(ones), o.size() * 4.0, 5 * std::sqrt(o.size() * 2.0));
  }
  std::vector<uint8_t> other(a.page_bytes());
  NandArray::seeded_page_contents(2025, addrs[0], other.data(), other.size());
  EXPECT_NE(other, seen[0]);
  EXPECT_EQ(a.stored_pages(), 0u);
  // Golden: the generator is fixed (splitmix64 stream, little-endian), so images are portable.
  std::vector<uint8_t> first(16);
  NandArray::seeded_page_contents(0, Address{}, first.data(), first.size());
  const uint64_t h = hash_combine(hash_combine(hash_combine(hash_combine(hash_combine(0x50524f43ULL, 0), 0), 0), 0), 0);
  SplitMix64 g(h);
  uint64_t w = g.next();
  for (int i = 0; i < 8; ++i) EXPECT_EQ(first[i], static_cast<uint8_t>(w >> (8 * i)));
  w = g.next();
  for (int i = 0; i < 8; ++i) EXPECT_EQ(first[8 + i], static_cast<uint8_t>(w >> (8 * i)));
  // A length that is not a multiple of 8 is filled completely.
  std::vector<uint8_t> odd(13, 0xFF), odd_ref(16);
  NandArray::seeded_page_contents(0, Address{}, odd.data(), odd.size());
  EXPECT_TRUE(std::equal(odd.begin(), odd.end(), first.begin()));
}

TEST_F(NandArrayTest, ReadFlipsNeverModifyTheStoredPage) {
  const Address p{0, 0, 0, 0};
  ASSERT_EQ(prog(p, page(1)), Status::Ok);
  a.set_fixed_rber(1e-2);
  ReadInfo info;
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(read_idle(p, out), Status::Ok);
    ASSERT_EQ(a.read(p, a.plane_busy_until_ns(0, 0), out, &info), Status::Ok);
    EXPECT_EQ(test::bit_diff(out, page(1)), info.bit_errors);
  }
  std::vector<uint8_t> clean;
  ASSERT_EQ(a.peek(p, clean), Status::Ok);
  EXPECT_EQ(clean, page(1));
  a.set_fixed_rber(-1);
  EXPECT_FALSE(a.fixed_rber().has_value());
  ASSERT_EQ(read_idle(p, out), Status::Ok);
  EXPECT_EQ(out, page(1));
}

}  // namespace
}  // namespace ifc::nand
