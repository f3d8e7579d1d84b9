// System tests of the KV cache (KVNAND, docs/kvnand.md): a multi-token decode of one attention
// layer's K/V cache, appended token by token through ifc_core into the NAND model (KV_APPEND ->
// SRAM write buffer -> encoder -> NAND program), then q . K^T computed by the core's GEMV path over
// every programmed K stripe, compared bit for bit with the reference GEMV of the same rows, also
// with the pages read back at RBER within the correction limit. Every programmed page is compared
// byte for byte with the model (tb/model/kv_model).
#include <gtest/gtest.h>

#include <ostream>
#include <random>

#include "common/core_driver.hpp"
#include "common/kv_data.hpp"
#include "common/rtl_fixture.hpp"
#include "common/seed.hpp"
#include "model/kv_model.hpp"

namespace ifc::tb {
namespace {

constexpr uint32_t kGroups = 2, kMaxRuns = 16;  // ifc_pkg DEF_KV_GROUPS / DEF_KV_MAX_RUNS
constexpr uint32_t kPagesPerPlane = IFC_RTL_PAGES_PER_PLANE;  // the core config's pages_per_plane
constexpr uint32_t kSegElems = rtl_kv_seg_elems();            // D of one segment (128 at 256 B segments)

struct KvCase {
  uint32_t segs;    // segments per K / V row: D = segs x kSegElems (heads in the group x head dim)
  uint32_t tokens;  // tokens decoded per group slot
  double rber;      // RBER of the read-back
  uint64_t seed;
};

/// The case's name in test listings (ctest -N): its shape on this core, not the struct's bytes.
void PrintTo(const KvCase& c, std::ostream* os) {
  *os << "D" << c.segs * kSegElems << "_T" << c.tokens << "_rber" << c.rber << "_seed" << c.seed;
}

class KvCore : public RtlFixture<Vifc_core>, public ::testing::WithParamInterface<KvCase> {};

TEST_P(KvCore, DecodeAppendsTokenByTokenAndQkOverTheKPagesIsBitExact) {
  const KvCase c = GetParam();
  const uint64_t seed = test_seed("KvCore.Decode", c.seed);
  const uint32_t d = c.segs * kSegElems;
  std::mt19937_64 rng(seed);
  nand::NandConfig cfg;
  cfg.t_read_ns = 3000;
  cfg.t_prog_ns = 20000;  // shortened so the test is quick (the benchmark uses the real tPROG)
  cfg.seed = seed;
  nand::NandArray nand(cfg);
  NandCosim<Vifc_core> cosim(sim(), nand, rtl_cosim_params());
  CoreDriver drv(sim(), seed, 0.7);
  sim().reset(4);
  sim().cycle();  // the hooks drive every input before csr_write's clock edge

  const uint32_t base = 40 + uint32_t(rng() % 8);
  drv.csr_write(core::kKvBase, base);
  model::KvAppendModel m(rtl_weight_layout(0), rtl_segment_format(), kGroups, kMaxRuns, kPagesPerPlane);
  m.set_base(base);
  const uint32_t tps = m.tokens_per_stripe(d);
  ASSERT_GT(tps, 0u) << "D = " << d << " is no legal KV row on this core";

  // Decode: every token appends K and V of both group slots (one attention layer, two head groups).
  std::vector<model::ActVector> keys[kGroups];
  std::vector<model::KvProgram> want;
  for (uint32_t t = 0; t < c.tokens; ++t) {
    for (uint32_t g = 0; g < kGroups; ++g) {
      const auto k = normal_bf16(rng, d), v = normal_bf16(rng, d);
      keys[g].push_back(k);
      ASSERT_EQ(m.append(1, d, g, t, k, v, want), 0);
      drv.push_kv_append(g, t, k, v);
      ASSERT_TRUE(drv.wait_status(2000000)) << "token " << t << " group " << g;
      ASSERT_EQ(drv.results().size(), 1u);
      ASSERT_EQ(drv.results().back().error, 0) << core::error_name(drv.results().back().error);
      ASSERT_EQ(drv.results().back().opcode, core::kOpKvAppend);
      drv.results().clear();
    }
  }
  for (int i = 0; i < 8; ++i) sim().cycle(1000);  // the last programs complete (tPROG)
  EXPECT_EQ(cosim.stats().programs, m.pages_programmed());
  EXPECT_EQ(cosim.stats().program_errors, 0u);
  EXPECT_EQ(drv.csr(core::kKvPages), m.pages_programmed());
  EXPECT_EQ(drv.csr(core::kKvTokens), m.tokens_appended());
  EXPECT_EQ(drv.csr(core::kKvBase), m.base());
  EXPECT_EQ(drv.csr(core::kKvRegion), m.region_pages());
  for (const auto& p : want) {
    std::vector<uint8_t> got;
    ASSERT_EQ(nand.peek(nand::Address{0, p.plane, p.page / cfg.pages_per_block, p.page % cfg.pages_per_block}, got),
              nand::Status::Ok);
    EXPECT_TRUE(got == p.bytes) << "plane " << p.plane << " page " << p.page;
  }

  // Attention scores: q . K^T over each programmed K stripe of each group, by the GEMV path.
  if (c.rber > 0) nand.set_fixed_rber(c.rber);
  const uint32_t runs = c.tokens / tps;
  ASSERT_GT(runs, 0u);
  for (uint32_t g = 0; g < kGroups; ++g) {
    const auto q = normal_bf16(rng, d);
    drv.push_cmd({core::kOpLoadAct, 1, false, d, 0, 0, 0});
    drv.push_act(q, true);
    ASSERT_TRUE(drv.wait_status(200000));
    ASSERT_EQ(drv.results().back().error, 0);
    drv.results().clear();
    // The stream's stripes are contiguous pages: one GEMV over all of them (rows = every token in
    // a full stripe) is q . K^T for the programmed context.
    for (uint32_t run = 0; run < runs; ++run) {
      drv.csr_write(core::kKvMapIndex, m.map_index(g, 0, run));
      ASSERT_EQ(drv.csr(core::kKvMapPage), m.map(g, 0, run));
      ASSERT_EQ(m.map(g, 0, run), m.map(g, 0, 0) + run);
    }
    const uint32_t page = m.map(g, 0, 0), rows_n = runs * tps;
    const model::WeightImage img(rtl_weight_layout(page), rtl_segment_format(), model::Dtype::kBf16, rows_n, d,
                                 bf16_row_bytes(keys[g], 0, rows_n));
    const auto ref = model::reference_gemv(img, q, IFC_RTL_PE_MACS);
    drv.push_cmd({core::kOpGemv, 1, false, rows_n, d, page, 0});
    ASSERT_TRUE(drv.wait_status(4000000));
    const auto& res = drv.results();
    ASSERT_EQ(res.size(), rows_n + 1);
    ASSERT_EQ(res.back().error, 0) << core::error_name(res.back().error);
    for (uint32_t t = 0; t < rows_n; ++t) {
      ASSERT_FALSE(res[t].is_status);
      EXPECT_EQ(res[t].row, t);
      EXPECT_FALSE(res[t].failed) << "group " << g << " token " << t;
      EXPECT_EQ(res[t].value, ref[t]) << "group " << g << " token " << t;
    }
    drv.results().clear();
  }
  const uint64_t flips = cosim.stats().bit_errors;
  if (c.rber >= 1e-4) {
    EXPECT_GT(flips, 100u) << "hardly any bit errors: the RBER case tests nothing";
  }
  std::printf("  D=%u, %u tokens x %u groups, %u-token stripes: %llu pages programmed, %llu raw bit errors corrected\n",
              d, c.tokens, kGroups, tps, static_cast<unsigned long long>(m.pages_programmed()),
              static_cast<unsigned long long>(flips));
}

// D = 512, 512, 1024 and 128 at the default 256 B segments.
INSTANTIATE_TEST_SUITE_P(Decode, KvCore,
                         ::testing::Values(KvCase{4, 130, 0.0, 1}, KvCase{4, 130, 2e-4, 2},
                                           KvCase{8, 70, 1e-4, 3}, KvCase{1, 260, 0.0, 4}));

TEST_F(KvCore, MalformedKvAppendGetsAnErrorAndTheNextCommandWorks) {
  const uint64_t seed = test_seed("KvCore.Malformed", 9);
  std::mt19937_64 rng(seed);
  nand::NandArray nand(nand::NandConfig{});
  NandCosim<Vifc_core> cosim(sim(), nand, rtl_cosim_params());
  CoreDriver drv(sim(), seed);
  sim().reset(4);
  const auto k = normal_bf16(rng, 4 * kSegElems), v = normal_bf16(rng, 4 * kSegElems);  // D = 512 at 256 B
  drv.push_kv_append(5, 0, k, v);  // group slot 5
  drv.push_kv_append(0, 3, k, v);  // token 3 first
  drv.push_kv_append(0, 0, k, v);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(drv.wait_status(100000));
  ASSERT_EQ(drv.results().size(), 3u);
  EXPECT_EQ(drv.results()[0].error, 12);
  EXPECT_EQ(drv.results()[1].error, 10);
  EXPECT_EQ(drv.results()[2].error, 0);
  EXPECT_EQ(drv.csr(core::kLastError), 0u);
  EXPECT_EQ(drv.csr(core::kKvTokens), 1u);
}

// A NAND program that fails (fault injection: the die reports a failed program status for one page):
// the KV_APPEND that completed the stripe counts it in its status word (failed_rows = 1, error 0),
// CSR 31 [31:16] counts it since reset, and the following appends and stripe programs succeed.
TEST_F(KvCore, ProgramFailureIsReportedInTheStatusWordAndCsr) {
  const uint64_t seed = test_seed("KvCore.ProgramFail", 15);
  std::mt19937_64 rng(seed);
  nand::NandConfig cfg;
  cfg.t_prog_ns = 20000;
  nand::NandArray nand(cfg);
  NandCosim<Vifc_core> cosim(sim(), nand, rtl_cosim_params());
  CoreDriver drv(sim(), seed);
  sim().reset(4);
  sim().cycle();
  constexpr uint32_t kTps = 8, kD = kSegElems * rtl_kv_stripe_segs() / kTps;  // 8 tokens a stripe (D = 4096 at 256 B)
  const uint32_t fail_at = uint32_t(rng() % (2 * IFC_RTL_PLANES));  // one page of the first stripe pair
  cosim.fail_program(fail_at);
  std::vector<uint32_t> failed;
  for (uint32_t t = 0; t < 2 * kTps; ++t) {  // two stripe pairs
    drv.push_kv_append(0, t, normal_bf16(rng, kD), normal_bf16(rng, kD));
    ASSERT_TRUE(drv.wait_status(2000000));
    ASSERT_EQ(drv.results().back().error, 0) << core::error_name(drv.results().back().error);
    failed.push_back(uint32_t(drv.results().back().raw));
    drv.results().clear();
  }
  for (uint32_t t = 0; t < 2 * kTps; ++t) EXPECT_EQ(failed[t], t == kTps - 1 ? 1u : 0u) << "append " << t << " (page " << fail_at << " failed)";
  sim().cycle(10000);
  EXPECT_EQ(cosim.stats().programs, 4u * IFC_RTL_PLANES);
  EXPECT_EQ(cosim.stats().program_errors, 1u);
  EXPECT_EQ(drv.csr(core::kAttnOpenPages) >> 16, 1u);
  EXPECT_EQ(drv.csr(core::kKvPages), 4u * IFC_RTL_PLANES);
}

}  // namespace
}  // namespace ifc::tb
