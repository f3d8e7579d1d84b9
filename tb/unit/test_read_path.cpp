// Page buffers and plane lanes (ifc_read_path) against the NAND model: every byte delivered in
// order, no loss under random backpressure and credit delays, cache read overlapping, errors.
#include <gtest/gtest.h>

#include <random>

#include "common/read_path_bench.hpp"
#include "common/rtl_fixture.hpp"
#include "common/seed.hpp"

namespace ifc::tb {
namespace {

/// The default die with a short tR and a procedural image, so a test reads many pages quickly.
nand::NandConfig test_die(double t_read_ns = 12000.0) {
  auto cfg = nand::NandConfig::from_json_file(IFC_SOURCE_DIR "/configs/nand/default.json");
  cfg.t_read_ns = t_read_ns;
  return cfg;
}

class ReadPath : public RtlFixture<Vifc_read_path> {
 protected:
  void expect_clean(const ReadRunResult& r) {
    EXPECT_TRUE(r.completed) << "read did not finish: " << r.sink.pages << " plane pages drained";
    EXPECT_EQ(r.sink.mismatches, 0u);
    for (const auto& e : r.sink.errors) ADD_FAILURE() << e;
    EXPECT_FALSE(r.assertion_failed);
  }
};

TEST_F(ReadPath, SequentialReadDeliversEveryByteInOrder) {
  nand::NandArray nand(test_die());
  nand.fill_procedural_seeded(test_seed("image", 11));
  ReadRunOptions o;
  o.num_pages = 6;
  o.start_page = 100;
  const auto r = run_sequential_read(sim(), nand, o);
  expect_clean(r);
  EXPECT_EQ(r.sink.pages, 6u * IFC_RTL_PLANES);
  EXPECT_EQ(r.sink.payload_bytes, 6ull * IFC_RTL_PLANES * IFC_RTL_PAGE_DATA_BYTES);
  EXPECT_EQ(r.nand.commands, 6u);
  EXPECT_EQ(r.sink.stall_cycles, 0u);
}

TEST_F(ReadPath, RawBitErrorsPassThroughUnchanged) {
  // The page buffer moves raw sensed data: with RBER 1e-3 the stream must equal the noisy page the
  // array delivered, bit for bit (correction is the ECC's job).
  nand::NandArray nand(test_die());
  nand.fill_procedural_seeded(test_seed("image", 12));
  nand.set_fixed_rber(1e-3);
  ReadRunOptions o;
  o.num_pages = 3;
  const auto r = run_sequential_read(sim(), nand, o);
  expect_clean(r);
  EXPECT_GT(r.nand.bit_errors, 100u);
}

TEST_F(ReadPath, ReadErrorMarksOnlyThatPlanesPage) {
  auto cfg = test_die();
  nand::NandArray nand(cfg);
  nand.fill_procedural_seeded(5);
  // Linear page L of a plane is block L / pages_per_block: make block 1 of plane 2 bad.
  nand.mark_bad(0, 2, 1);
  ReadRunOptions o;
  o.start_page = cfg.pages_per_block - 1;  // last page of block 0, then first pages of block 1
  o.num_pages = 3;
  const auto r = run_sequential_read(sim(), nand, o);
  expect_clean(r);
  EXPECT_EQ(r.sink.err_pages, 2u);  // plane 2, pages in block 1
  EXPECT_EQ(r.nand.read_errors, 2u);
}

TEST_F(ReadPath, AddressPastTheArrayIsAnErrorNotAHang) {
  auto cfg = test_die();
  nand::NandArray nand(cfg);
  const uint32_t pages_per_plane = cfg.blocks_per_plane * cfg.pages_per_block;
  ReadRunOptions o;
  o.start_page = pages_per_plane - 1;
  o.num_pages = 2;
  const auto r = run_sequential_read(sim(), nand, o);
  expect_clean(r);
  EXPECT_EQ(r.sink.err_pages, uint64_t(IFC_RTL_PLANES));  // the second page of every plane
}

TEST_F(ReadPath, CacheReadOverlapsSensingWithDrain) {
  // tR shorter than the drain would make the two indistinguishable; use tR > drain. With cache read
  // the page interval is ~tR; without it, tR + drain.
  nand::NandArray nand(test_die(12000.0));
  nand.fill_procedural_seeded(3);
  ReadRunOptions o;
  o.num_pages = 8;
  o.cache = true;
  const auto on = run_sequential_read(sim(), nand, o);
  expect_clean(on);
  const double drain = double(IFC_RTL_PAGE_DATA_BYTES) / IFC_RTL_BOND_BYTES *
                       (IFC_RTL_SEG_PAYLOAD_BYTES + IFC_RTL_SEG_SLOT_BYTES) / IFC_RTL_SEG_PAYLOAD_BYTES;
  const double t_read = double(on.t_read_cycles);
  const auto& d = on.sink.page_done_cycles;
  ASSERT_GE(d.size(), 8u);
  const double interval_on = double(d.back() - d[1]) / double(d.size() - 2);
  EXPECT_LT(interval_on, t_read + 8) << "cache read: a page every tR";
  EXPECT_GE(interval_on, t_read);

  RtlSim<Vifc_read_path> sim_off;
  nand::NandArray nand_off(test_die(12000.0));
  nand_off.fill_procedural_seeded(3);
  o.cache = false;
  const auto off = run_sequential_read(sim_off, nand_off, o);
  expect_clean(off);
  const auto& e = off.sink.page_done_cycles;
  ASSERT_GE(e.size(), 8u);
  const double interval_off = double(e.back() - e[1]) / double(e.size() - 2);
  EXPECT_GE(interval_off, t_read + drain) << "plain read: sense and drain serialise";
  EXPECT_LT(interval_off, t_read + drain + 16);
}

TEST_F(ReadPath, CreditsLimitSegmentsInFlight) {
  // Credits are returned only after a long delay: the stream must pause (not drop) and the whole
  // read still arrive intact.
  nand::NandArray nand(test_die(4000.0));
  nand.fill_procedural_seeded(9);
  ReadRunOptions o;
  o.num_pages = 2;
  o.credit_delay_max = 400;
  o.seed = test_seed("credits", 21);
  const auto r = run_sequential_read(sim(), nand, o);
  expect_clean(r);
  EXPECT_EQ(r.sink.pages, 2u * IFC_RTL_PLANES);
}

class ReadPathRandom : public ReadPath, public ::testing::WithParamInterface<int> {};

TEST_P(ReadPathRandom, ConstrainedRandomBackpressureLosesNothing) {
  const uint64_t seed = test_seed("read_path_random", 1000 + GetParam());
  std::mt19937_64 rng(seed);
  auto cfg = test_die(std::uniform_real_distribution<double>(2000.0, 20000.0)(rng));
  nand::NandArray nand(cfg);
  nand.fill_procedural_seeded(rng());
  if (rng() % 2) nand.set_fixed_rber(1e-4);
  ReadRunOptions o;
  o.seed = rng();
  o.num_pages = 1 + rng() % 4;
  o.start_page = static_cast<uint32_t>(rng() % (cfg.blocks_per_plane * cfg.pages_per_block - 8));
  o.cache = rng() % 4 != 0;
  o.ready_prob = std::uniform_real_distribution<double>(0.2, 1.0)(rng);
  o.credit_delay_max = rng() % 3 == 0 ? 0 : static_cast<unsigned>(rng() % 100);
  std::printf("pages %u start %u cache %d ready %.2f credit_delay %u tR %llu ns\n", o.num_pages, o.start_page,
              int(o.cache), o.ready_prob, o.credit_delay_max,
              static_cast<unsigned long long>(cfg.t_read_ns));
  const auto r = run_sequential_read(sim(), nand, o);
  expect_clean(r);
  EXPECT_EQ(r.sink.pages, uint64_t(o.num_pages) * IFC_RTL_PLANES);
  if (o.ready_prob < 1.0) {
    EXPECT_GT(r.sink.stall_cycles, 0u);
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, ReadPathRandom, ::testing::Range(0, 8));

}  // namespace
}  // namespace ifc::tb
