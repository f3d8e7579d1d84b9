// Unit tests of the KVNAND parts of the system simulator (src/llm/kvnand.cpp, dse.cpp): the in-flash
// attention timed by hand, head-group parallelism, KV programs, the capacity model (OOM), the KV-page
// endurance formula checked against the NAND model (tb/nand) wearing blocks out, the configuration
// errors of the kv section and the design-space exploration.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>

#include "llm/dse.hpp"
#include "llm/runner.hpp"
#include "llm_test_util.hpp"
#include "nand/nand_array.hpp"
#include "nand/nand_config.hpp"

using namespace ifc::llm;
using namespace ifc::llm::test;
using nlohmann::json;

namespace {

const std::string kNand = kRoot + "/configs/nand";

/// One die on one channel (1 GB/s), weights and KV on it (compact), SLC-mode KV pages (tR 20 us).
json tiny_kvnand() {
  return {{"name", "tiny-kvnand"},
          {"kind", "ifc"},
          {"flash",
           {{"channels", 1}, {"chips_per_channel", 1}, {"dies_per_chip", 1}, {"planes_per_die", 4}, {"page_data_bytes", 16384},
            {"tR_us", 30}, {"channel_MTps", 1000}, {"channel_width_bytes", 1}, {"ecc_mode", "out_of_order"}, {"prefetch", true},
            {"logic_clock_MHz", 200}, {"macs_per_cycle", 16}, {"rber", 0}}},
          {"npu", {{"dram_capacity_GB", 0}}},
          {"placement", {{"attention_proj", "flash"}, {"lm_head", "flash"}}},
          {"datatypes", {{"weight_bytes", 1}, {"act_bytes", 1}, {"result_bytes", 4}, {"kv_bytes", 2}}},
          {"energy", {{"nand_program_mW", 100}}},
          {"kv",
           {{"cache", "flash"}, {"variant", "compact"}, {"nand", kNand + "/slc.json"}, {"rber", 0}, {"macs_per_cycle", 16},
            {"softmax_per_cycle", 4}, {"write_buffer_pages_per_die", 4096}, {"partial_bytes", 4}}}};
}

}  // namespace

// ---- configuration ------------------------------------------------------------------------------
TEST(KvnandConfig, ShippedVariantsAreDramFreeWithSlcKvPagesFromTheNandModel) {
  const auto slc = ifc::nand::NandConfig::from_json_file(kNand + "/slc.json");
  for (const char* name : {"kvnand-discrete", "kvnand-compact"}) {
    const auto s = SystemConfig::load(name, kPaths.systems_dir);
    EXPECT_EQ(s.kv.place, KvPlace::kFlash) << name;
    EXPECT_EQ(s.npu.dram_capacity_GB, 0) << name;
    EXPECT_EQ(s.attention_proj, Place::kFlash);
    // The KV pages' parameters are the NAND model's, read through its own loader.
    EXPECT_EQ(s.kv.nand.cell_type, "SLC");
    EXPECT_EQ(s.kv.nand.endurance_pe_cycles, slc.endurance_pe_cycles);
    EXPECT_EQ(s.kv.nand.pages_per_block, slc.pages_per_block);
    EXPECT_DOUBLE_EQ(s.kv.nand.tPROG_us, double(slc.t_prog_ns) / 1000);
    EXPECT_DOUBLE_EQ(s.kv.nand.tR_us, double(slc.t_read_ns) / 1000);
    EXPECT_DOUBLE_EQ(s.kv.rber, slc.errors.base_rber);  // a fresh SLC-mode block
  }
  EXPECT_EQ(SystemConfig::load("kvnand-discrete", kPaths.systems_dir).kv.variant, KvVariant::kDiscrete);
  EXPECT_EQ(SystemConfig::load("kvnand-compact", kPaths.systems_dir).kv.variant, KvVariant::kCompact);
}

TEST(KvnandConfig, NandParamsDefaultsAreTheDefaultDie) {
  const NandParams d;
  const NandParams f = NandParams::load("default", kNand);
  EXPECT_EQ(d.cell_type, f.cell_type);
  EXPECT_EQ(d.planes_per_die, f.planes_per_die);
  EXPECT_EQ(d.blocks_per_plane, f.blocks_per_plane);
  EXPECT_EQ(d.pages_per_block, f.pages_per_block);
  EXPECT_EQ(d.page_data_bytes, f.page_data_bytes);
  EXPECT_DOUBLE_EQ(d.tR_us, f.tR_us);
  EXPECT_DOUBLE_EQ(d.tPROG_us, f.tPROG_us);
  EXPECT_EQ(d.endurance_pe_cycles, f.endurance_pe_cycles);
  EXPECT_DOUBLE_EQ(d.base_rber, f.base_rber);
}

TEST(KvnandConfig, ErrorsNameTheKeyAndTheAllowedValues) {
  json j = tiny_kvnand();
  j["kv"]["cache"] = "hbm";
  auto e = error_of([&] { SystemConfig::from_json(j, "s.json"); });
  EXPECT_NE(e.find("'kv.cache'"), std::string::npos) << e;
  EXPECT_NE(e.find("dram, flash"), std::string::npos) << e;

  j = tiny_kvnand();
  j["kv"]["variant"] = "hybrid";
  e = error_of([&] { SystemConfig::from_json(j, "s.json"); });
  EXPECT_NE(e.find("'kv.variant'"), std::string::npos) << e;
  EXPECT_NE(e.find("discrete, compact"), std::string::npos) << e;

  j = tiny_kvnand();
  j["kv"]["head_group_paralel"] = true;
  e = error_of([&] { SystemConfig::from_json(j, "s.json"); });
  EXPECT_NE(e.find("unknown key 'kv.head_group_paralel'"), std::string::npos) << e;
  EXPECT_NE(e.find("head_group_parallel"), std::string::npos) << e;

  j = tiny_kvnand();
  j["kv"]["nand"] = "plc";
  e = error_of([&] { SystemConfig::from_json(j, kPaths.systems_dir + "/x.json"); });
  EXPECT_NE(e.find("no NAND configuration 'plc'"), std::string::npos) << e;
  EXPECT_NE(e.find("slc"), std::string::npos) << e;  // the known names

  j = tiny_kvnand();
  j["kv"]["variant"] = "discrete";  // one channel: nothing left for the weights
  j["kv"]["kv_channels"] = 1;
  e = error_of([&] { SystemConfig::from_json(j, "s.json"); });
  EXPECT_NE(e.find("'kv.kv_channels' = 1 must be in [1, flash.channels - 1 = 0]"), std::string::npos) << e;

  j = tiny_kvnand();
  j["kv"]["kv_channels"] = 1;
  e = error_of([&] { SystemConfig::from_json(j, "s.json"); });
  EXPECT_NE(e.find("applies to the discrete variant only"), std::string::npos) << e;

  j = tiny_kvnand();
  j["placement"]["attention_proj"] = "npu";
  e = error_of([&] { SystemConfig::from_json(j, "s.json"); });
  EXPECT_NE(e.find("needs placement.attention_proj"), std::string::npos) << e;

  j = tiny_kvnand();
  j["kv"]["softmax_per_cycle"] = "fast";
  e = error_of([&] { SystemConfig::from_json(j, "s.json"); });
  EXPECT_NE(e.find("'kv.softmax_per_cycle' must be a number"), std::string::npos) << e;
}

// ---- in-flash attention, by hand ----------------------------------------------------------------
TEST(KvnandAttention, OneLayerByHand) {
  // LLaMA-7B (MHA: 32 groups of 1 query head, d = 128), FP16 KV: 16384 / 256 = 64 tokens per page.
  Simulator sim(model("llama-7b"), SystemConfig::from_json(tiny_kvnand(), "tiny"), flat_calibration(1.0));
  ASSERT_EQ(sim.kv_tokens_per_page(), 64u);
  const uint64_t c = 4 * 64 + 10;  // 4 full pages and 10 tokens in the open page per stream
  Traffic t;
  double x = 0;
  const double got = sim.flash_attention_s(c, &t, &x);
  // One die: 32 x 4 = 128 K pages and 128 V pages, 4 per multi-plane read of tR 20 us (SLC): 64 reads =
  // 1280 us. MACs: (256 pages x 8192 + 2 x 32 groups x 10 open tokens x 128) / (16 x 200 MHz) = 681 us;
  // exps (128 x 64 + 32 x 10) / (4 x 200 MHz) = 10.6 us: sensing-bound.
  const double t_att = 64 * 20e-6;
  const double t_q = 4096.0 * 2 / 1e9;
  const double t_part = 32.0 * 1 * 1 * 130 * 4 / 1e9;  // 32 groups, 1 die, 1 query head, (128 + 2) FP32
  const double t_app = 2.0 * 4096 * 2 / 1e9;
  EXPECT_NEAR(got, t_att + t_q + t_part + t_app, 1e-12);
  EXPECT_NEAR(x, t_q + t_part + t_app, 1e-15);
  EXPECT_DOUBLE_EQ(t.flash_sensed, 2.0 * 32 * 4 * 16384);
  EXPECT_DOUBLE_EQ(t.flash_macs, 2.0 * double(c) * 4096);
  EXPECT_DOUBLE_EQ(t.pages_programmed, 2.0 * 32 / 64);
  EXPECT_EQ(t.dram, 0);
}

TEST(KvnandAttention, GqaSharesEachKByteOverTheGroupsQueriesAndBecomesMacBound) {
  // LLaMA-70B: 8 groups of 8 query heads, 4 full pages + 10 open tokens per stream. 64 K and V pages on
  // one die: sensing 16 x 20 us = 320 us; MACs (64 x 8192 + 2 x 8 x 10 x 128) x 8 / 3.2e9 = 1362 us.
  Simulator sim(model("llama-70b"), SystemConfig::from_json(tiny_kvnand(), "tiny"), flat_calibration(1.0));
  double x = 0;
  const double got = sim.flash_attention_s(4 * 64 + 10, nullptr, &x) - x;
  EXPECT_NEAR(got, (64.0 * 8192 + 2.0 * 8 * 10 * 128) * 8 / 3.2e9, 1e-12);
}

TEST(KvnandAttention, HeadGroupParallelismOverDies) {
  // 512 dies (kvnand-compact): at 128 tokens a stream has 2 pages. All 32 groups at once: 64 K pages over
  // 512 dies, one multi-plane read senses a die's K and V page. One group at a time: 32 such commands.
  const auto m = model("llama-7b");
  const auto c = flat_calibration(1.0);
  Simulator par(m, load_system("kvnand-compact", kPaths.systems_dir, {}), c);
  Simulator seq(m, load_system("kvnand-compact", kPaths.systems_dir, {{"kv.head_group_parallel", "false"}}), c);
  double xp = 0, xs = 0;
  const double tp = par.flash_attention_s(128, nullptr, &xp) - xp;
  const double ts = seq.flash_attention_s(128, nullptr, &xs) - xs;
  EXPECT_NEAR(tp, 20e-6, 1e-12);
  EXPECT_NEAR(ts / tp, 32.0, 1e-9);
  // The gain shrinks once every die holds several pages of every group.
  const double r10k = (seq.flash_attention_s(10240, nullptr, &xs) - xs) / (par.flash_attention_s(10240, nullptr, &xp) - xp);
  EXPECT_GT(r10k, 1.0);
  EXPECT_LT(r10k, 32.0);
}

TEST(KvnandAttention, KvProgramsStallTheCompactDiesAndHideInTheDiscreteVariant) {
  const auto m = model("llama-7b");
  const auto c = flat_calibration(1.0);
  Simulator comp(m, load_system("kvnand-compact", kPaths.systems_dir, {}), c);
  // 2 x 32 groups x 32 layers / 64 tokens per page = 32 pages per token over 512 dies, tPROG 200 us (SLC).
  EXPECT_NEAR(comp.kv_program_s_per_token(), 32.0 / 512 * 200e-6, 1e-15);
  EXPECT_NEAR(comp.decode_token(1000).time.kv_program_s, comp.kv_program_s_per_token(), 1e-15);
  Simulator disc(m, load_system("kvnand-discrete", kPaths.systems_dir, {}), c);
  EXPECT_EQ(disc.decode_token(1000).time.kv_program_s, 0);  // 128 KV dies program while the weight dies compute
  // Program energy: pages x power x tPROG.
  const auto r = comp.decode_token(1000);
  EXPECT_NEAR(r.energy.program_J, 32 * 82.5e-3 * 200e-6, 1e-12);
  EXPECT_EQ(r.traffic.dram, 0);
}

TEST(KvnandAttention, EveryKvnandSystemIsMonotonicInContext) {
  for (const char* s : {"kvnand-discrete", "kvnand-compact"})
    for (const char* mn : {"llama-7b", "llama-70b"}) {
      Simulator sim(model(mn), SystemConfig::load(s, kPaths.systems_dir), Calibration::load(kPaths.calibration));
      double prev = 0;
      for (uint64_t ctx = 0; ctx <= 16384; ctx += 512) {
        const double t = sim.decode_token(ctx).time.total();
        EXPECT_GE(t, prev) << s << " " << mn << " context " << ctx;
        prev = t;
      }
    }
}

namespace {

/// A head-group benchmark file (the keys of bench_kv's `head_group_parallel`) for the flat calibration's
/// die (4 planes, 16 KiB pages, tR 30 us): 2 groups of D = 128 (64 tokens per page), streaming
/// utilisation 0.8, 45 us (1.5 tR) per command, 15 us (0.5 tR) per further group in one ATTN_MULTI.
/// 256 tokens: 4 K + 4 V pages = 2 tR = 60 us of sensing, one group 60 / 0.8 + 45 = 120 us, two
/// one at a time 240 us, ATTN_MULTI 2 x 75 + 45 + 15 = 210 us; 1024 tokens: 240 us of sensing, 345 /
/// 690 / 660 us.
json hand_kv_bench() {
  return {{"benchmark", "kv"},
          {"provenance", {{"commit", "hand"}}},
          {"attention", {{"utilization", 0.25}}},  // the q.K^T GEMV figure: not what times a die any more
          {"head_group_parallel",
           {{"per_context",
             {{{"context", 256}, {"groups", 2}, {"d", 128}, {"one_at_a_time_us", 240.0}, {"attn_multi_us", 210.0}, {"bit_exact", true}},
              {{"context", 1024}, {"groups", 2}, {"d", 128}, {"one_at_a_time_us", 690.0}, {"attn_multi_us", 660.0}, {"bit_exact", true}}}}}}};
}

/// The flat calibration with `kv` as the kv.json beside it, loaded the way Calibration::load finds it.
Calibration with_kv_json(const json& kv) {
  const auto dir = std::filesystem::temp_directory_path() / fmt::format("kvsys_cal_{}", ::getpid());
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "kv.json") << kv.dump();
  Calibration c = flat_calibration(1.0);
  try {
    c.load_kv((dir / "kv.json").string());
  } catch (...) {
    std::filesystem::remove_all(dir);
    throw;
  }
  std::filesystem::remove_all(dir);
  return c;
}

}  // namespace

TEST(KvnandAttention, HeadGroupBenchmarkFitsTheStreamingRateAndTheCommandCosts) {
  const auto c = with_kv_json(hand_kv_bench());
  EXPECT_TRUE(c.kv_measured);
  EXPECT_EQ(c.kv_contexts, 2u);
  EXPECT_NEAR(c.kv_stream_utilization, 0.8, 1e-12);
  EXPECT_NEAR(c.kv_command_tR, 1.5, 1e-12);
  EXPECT_NEAR(c.kv_extra_group_tR, 0.5, 1e-12);
  EXPECT_NE(c.kv_provenance.find("hand"), std::string::npos);
}

TEST(KvnandAttention, TwoGroupsSharingADieAreTimedFromTheHeadGroupCalibration) {
  // LLaMA-7B (32 groups) on 16 dies of SLC-mode KV pages (tR 20 us), 64 tokens = one full page per
  // stream: the 32 groups' 32 K pages over 16 dies, so every die holds 2 groups' K and V pages (4 pages,
  // one multi-plane read). Groups in parallel (one ATTN_MULTI per die): 20 / 0.8 + (1.5 + 0.5) x 20 = 65 us.
  // One group at a time: 32 commands of one page pair per die, 20 / 0.8 + 1.5 x 20 = 55 us each.
  // MACs 4 x 8192 / 3.2e9 = 10 us and exps 128 / 0.8e9 stay below the sensing.
  json sys = tiny_kvnand();
  sys["flash"]["dies_per_chip"] = 16;
  const auto m = model("llama-7b");
  const auto cal = with_kv_json(hand_kv_bench());
  Simulator par(m, SystemConfig::from_json(sys, "tiny16"), cal);
  sys["kv"]["head_group_parallel"] = false;
  Simulator seq(m, SystemConfig::from_json(sys, "tiny16"), cal);
  double x = 0;
  EXPECT_NEAR(par.flash_attention_s(64, nullptr, &x) - x, 65e-6, 1e-12);
  EXPECT_NEAR(seq.flash_attention_s(64, nullptr, &x) - x, 32 * 55e-6, 1e-12);
  // Without the file the same die is timed from the GEMV calibration (utilisation 1, no command cost):
  // one read of 20 us, and 32 x 20 us one group at a time.
  Simulator gemv(m, SystemConfig::from_json(tiny_kvnand(), "tiny"), flat_calibration(1.0));
  sys["kv"]["head_group_parallel"] = true;
  Simulator par_gemv(m, SystemConfig::from_json(sys, "tiny16"), flat_calibration(1.0));
  EXPECT_NEAR(par_gemv.flash_attention_s(64, nullptr, &x) - x, 20e-6, 1e-12);
  // The run reports which timing it used.
  const auto j = par.run(64, 1).to_json();
  EXPECT_EQ(j["calibration"]["kv_attention"]["measured"], true);
  EXPECT_NEAR(j["calibration"]["kv_attention"]["extra_group_tR"].get<double>(), 0.5, 1e-12);
  EXPECT_EQ(j["calibration"]["kv_attention"]["provenance"]["commit"], "hand");
  EXPECT_EQ(gemv.run(64, 1).to_json()["calibration"]["kv_attention"]["measured"], false);
}

TEST(KvnandAttention, KvCalibrationWithoutTheHeadGroupFiguresIsAnErrorThatSaysHowToRegenerateIt) {
  json old = {{"attention", {{"utilization", 0.5}}}};  // bench_kv before ATTN_MULTI
  auto e = error_of([&] { with_kv_json(old); });
  EXPECT_NE(e.find("missing key 'head_group_parallel.per_context'"), std::string::npos) << e;
  EXPECT_NE(e.find("make calibrate-kv"), std::string::npos) << e;
  json one = hand_kv_bench();
  one["head_group_parallel"]["per_context"].erase(1);
  e = error_of([&] { with_kv_json(one); });
  EXPECT_NE(e.find("at least two contexts"), std::string::npos) << e;
  json wrong = hand_kv_bench();
  wrong["head_group_parallel"]["per_context"][1]["bit_exact"] = false;
  e = error_of([&] { with_kv_json(wrong); });
  EXPECT_NE(e.find("per_context[1] (context 1024) is not bit_exact"), std::string::npos) << e;
  json missing = hand_kv_bench();
  missing["head_group_parallel"]["per_context"][0].erase("attn_multi_us");
  e = error_of([&] { with_kv_json(missing); });
  EXPECT_NE(e.find("missing key 'head_group_parallel.per_context[0].attn_multi_us'"), std::string::npos) << e;
}

TEST(KvnandAttention, ShippedKvCalibrationIsTheHeadGroupBenchmark) {
  // configs/calibration/kv.json is bench_kv's output with its provenance: every head-group context
  // bit-exact, and the fit inside the range a die can reach.
  const auto c = Calibration::load(kPaths.calibration);
  ASSERT_TRUE(c.kv_measured);
  EXPECT_GE(c.kv_contexts, 2u);
  EXPECT_GT(c.kv_stream_utilization, 0.3);
  EXPECT_LE(c.kv_stream_utilization, 1.0);
  EXPECT_GE(c.kv_command_tR, 0.0);
  EXPECT_NE(c.kv_provenance.find("commit"), std::string::npos);
}

// ---- capacity ------------------------------------------------------------------------------------
TEST(KvnandCapacity, DramRunsOutAt100kAndKvnandDoesNot) {
  const auto c = Calibration::load(kPaths.calibration);
  for (const char* mn : {"llama-7b", "llama-70b"}) {
    const auto m = model(mn);
    Simulator dram(m, SystemConfig::load("dram-ifc", kPaths.systems_dir), c);
    const auto at10k = dram.capacity(10240 + 128);
    EXPECT_FALSE(at10k.oom) << mn;
    const auto at100k = dram.capacity(102400 + 128);
    EXPECT_TRUE(at100k.oom) << mn;
    EXPECT_NE(at100k.oom_reason.find("NPU DRAM"), std::string::npos);
    // KV bytes = layers x tokens x 2 x kv_dim x 2 B.
    EXPECT_DOUBLE_EQ(at100k.dram_need, double(m.num_hidden_layers) * (102400 + 128) * 2.0 * double(m.kv_dim()) * 2);
    for (const char* s : {"kvnand-discrete", "kvnand-compact"}) {
      Simulator kv(m, SystemConfig::load(s, kPaths.systems_dir), c);
      const auto cap = kv.capacity(102400 + 128);
      EXPECT_FALSE(cap.oom) << mn << " " << s << ": " << cap.oom_reason;
      EXPECT_GE(cap.kv_flash_need, at100k.dram_need);  // whole pages
      EXPECT_EQ(cap.dram_need, 0);
    }
  }
}

TEST(KvnandCapacity, Llama13bKvCacheAt10kIsThePapersEightGigabytes) {
  // KVNAND's motivation (arXiv 2512.03608, as summarised in the public review of the paper): "a 13B
  // model needs ~8 GB KV memory at 10K context". Ours: 40 layers x 10,240 tokens x 2 x 5,120 x 2 B (FP16).
  const auto m = model("llama-13b");
  Simulator dram(m, SystemConfig::load("dram-ifc", kPaths.systems_dir), Calibration::load(kPaths.calibration));
  const auto cap = dram.capacity(10240);
  EXPECT_DOUBLE_EQ(cap.dram_need, 40.0 * 10240 * 2 * 5120 * 2);
  EXPECT_NEAR(cap.dram_need / 1e9, 8.0, 0.5);
  EXPECT_FALSE(cap.oom);  // 8.4 GB fits the baseline's 16 GB
}

TEST(KvnandCapacity, TooFewKvDiesOverflowTheWriteBuffer) {
  // One KV channel = 16 dies for 2 x 32 x 32 = 2048 open pages: 128 per die > 16 buffers.
  Simulator sim(model("llama-7b"), load_system("kvnand-discrete", kPaths.systems_dir, {{"kv.kv_channels", "1"}}),
                Calibration::load(kPaths.calibration));
  const auto cap = sim.capacity(1024);
  EXPECT_TRUE(cap.oom);
  EXPECT_EQ(cap.write_buffer_need, 128);
  EXPECT_NE(cap.oom_reason.find("write buffer"), std::string::npos) << cap.oom_reason;
}

TEST(KvnandCapacity, CompactKvRegionIsWhatTheWeightsLeave) {
  json j = tiny_kvnand();
  Simulator sim(model("llama-7b"), SystemConfig::from_json(j, "tiny"), flat_calibration(1.0));
  const auto cap = sim.capacity(100);
  const double wblock = 2304.0 * 16384;                                       // a TLC block of the weight die
  const double wblocks = std::ceil(double(model("llama-7b").decode_params()) / wblock);
  EXPECT_DOUBLE_EQ(cap.kv_flash_have, (4 * 504 - wblocks) * 768.0 * 16384);  // the rest in SLC mode
}

// ---- endurance -----------------------------------------------------------------------------------
TEST(KvnandEndurance, FormulaByHand) {
  // 4 streams, 4 tokens per page, sessions of 10 tokens (3 pages per stream, the open one flushed).
  EXPECT_DOUBLE_EQ(kv_lifetime_tokens(4, 4, 10, 12, 256, false, true), 12 * 10.0);
  EXPECT_DOUBLE_EQ(kv_lifetime_tokens(4, 4, 10, 12, 256, true, true), 12 * 256.0 / 12 * 10);
  EXPECT_DOUBLE_EQ(kv_lifetime_tokens(4, 4, 10, 12, 256, true, false), 12 * 256.0 / 8 * 10);
  EXPECT_TRUE(std::isinf(kv_lifetime_tokens(4, 4, 3, 12, 256, true, false)));  // nothing ever programmed
}

namespace {

/// Drives the NAND model (configs/nand/small.json, endurance lowered) with KV append sessions until a
/// block wears out; returns the tokens of the sessions that completed.
double nand_model_lifetime(bool wear_levelling, uint32_t endurance, uint32_t streams, uint32_t tpp, uint32_t session) {
  auto cfg = ifc::nand::NandConfig::from_json_file(kNand + "/small.json");
  cfg.endurance_pe_cycles = endurance;
  ifc::nand::NandArray a(cfg);
  const std::vector<uint8_t> data(a.page_bytes(), 0xA5);
  const uint32_t planes = cfg.planes_per_die, blocks = cfg.blocks_per_plane, ppb = cfg.pages_per_block;
  const uint32_t pages_per_stream = (session + tpp - 1) / tpp;
  std::vector<bool> used(planes * blocks, false);
  uint64_t cursor = 0;  // wear levelling: the log's next page over every block of the region
  double tokens = 0;
  using ifc::nand::Status;
  for (uint64_t s = 0;; ++s) {
    for (uint32_t k = 0; k < streams; ++k)
      for (uint32_t i = 0; i < pages_per_stream; ++i) {
        uint32_t blk, page;
        if (wear_levelling) {
          const uint64_t g = cursor++ % (uint64_t(planes) * blocks * ppb);
          blk = uint32_t(g / ppb);
          page = uint32_t(g % ppb);
        } else {
          blk = k;  // fixed mapping: stream k -> block k, page i
          page = i;
        }
        const uint32_t plane = blk % planes, block = blk / planes;
        // A block is erased before its first page is programmed again (its old pages are invalid).
        if (page == 0 && used[blk] && a.erase(0, plane, block) != Status::Ok) return tokens;
        used[blk] = true;
        if (a.program({0, plane, block, page}, data.data(), data.size()) != Status::Ok) return tokens;
      }
    tokens += session;
  }
}

}  // namespace

TEST(KvnandEndurance, FormulaMatchesTheNandModelWearingBlocksOut) {
  const auto small = ifc::nand::NandConfig::from_json_file(kNand + "/small.json");
  const double region = double(small.pages_total());
  const uint32_t E = 12, streams = 4, tpp = 4, session = 10;
  const double fixed = nand_model_lifetime(false, E, streams, tpp, session);
  const double wl = nand_model_lifetime(true, E, streams, tpp, session);
  EXPECT_DOUBLE_EQ(fixed, kv_lifetime_tokens(streams, tpp, session, E, region, false, true));
  EXPECT_NEAR(wl, kv_lifetime_tokens(streams, tpp, session, E, region, true, true), session);
  EXPECT_GT(wl, 10 * fixed);
}

TEST(KvnandEndurance, ShippedSystemsReportLifetimeInTokensAndDays) {
  const auto c = Calibration::load(kPaths.calibration);
  const auto m = model("llama-7b");
  Simulator slc(m, SystemConfig::load("kvnand-compact", kPaths.systems_dir), c);
  Simulator tlc(m, load_system("kvnand-compact", kPaths.systems_dir, {{"kv.nand", "default"}}), c);
  const auto a = slc.lifetime(2048), b = tlc.lifetime(2048);
  ASSERT_TRUE(a.applies);
  EXPECT_DOUBLE_EQ(a.tokens_no_wl, 50000.0 * 2048);  // SLC mode: 50000 P/E, one per session
  EXPECT_DOUBLE_EQ(b.tokens_no_wl, 3000.0 * 2048);   // TLC: 3000 P/E
  EXPECT_DOUBLE_EQ(a.days_no_wl, a.tokens_no_wl / 200000);
  EXPECT_GT(a.tokens_wl, a.tokens_no_wl);
  EXPECT_DOUBLE_EQ(a.pages_per_session, 2.0 * 32 * 32 * 32);  // 2048 streams x 32 pages
  EXPECT_FALSE(Simulator(m, SystemConfig::load("dram-ifc", kPaths.systems_dir), c).lifetime(2048).applies);
}

// ---- design-space exploration --------------------------------------------------------------------
TEST(KvnandDse, PicksTheFastestDesignThatFits) {
  DseOptions o;
  o.models = {"llama-7b"};
  o.contexts = {1024, 102400};
  o.decode = 4;
  o.kv_channels = {1, 8, 16};
  const auto cells = dse_kvnand(kPaths, o);
  ASSERT_EQ(cells.size(), 2u);
  for (const auto& cell : cells) {
    ASSERT_GE(cell.best, 0);
    ASSERT_EQ(cell.points.size(), 2u + 3 * 2);  // compact x {slc, tlc} + discrete x 3 splits x 2
    const auto& best = cell.points[size_t(cell.best)].run;
    EXPECT_FALSE(best.capacity.oom);
    for (const auto& p : cell.points)
      if (!p.run.capacity.oom) {
        EXPECT_LE(p.run.tokens_per_s(), best.tokens_per_s() * (1 + 1e-9)) << p.design;
      }
    // kv_channels = 1 overflows the write buffer: never chosen.
    EXPECT_EQ(cell.points[size_t(cell.best)].design.find("kv_channels=1/"), std::string::npos);
  }
  EXPECT_FALSE(cells[0].baseline.capacity.oom);
  EXPECT_GT(cells[0].speedup(), 1.0);
  EXPECT_TRUE(cells[1].baseline.capacity.oom);  // 100K: the DRAM-equipped baseline runs out of memory
  EXPECT_EQ(cells[1].speedup(), 0);
}

TEST(KvnandDse, SensitivityKnobsMoveOnlyTheirTerm) {
  // make reproduce section 11 labels flash.tR_scale = k as "the baseline's weight GEMVs k x slower" and
  // npu.dram_GBps as the baseline's KV read: check both on dram-ifc (sensing-bound, prefetched dies).
  const auto c = Calibration::load(kPaths.calibration);
  const auto m = model("llama-7b");
  const auto base = Simulator(m, SystemConfig::load("dram-ifc", kPaths.systems_dir), c).decode_token(10240).time;
  const auto slow = Simulator(m, load_system("dram-ifc", kPaths.systems_dir, {{"flash.tR_scale", "2.5"}}), c).decode_token(10240).time;
  const auto fast = Simulator(m, load_system("dram-ifc", kPaths.systems_dir, {{"npu.dram_GBps", "400"}}), c).decode_token(10240).time;
  EXPECT_NEAR(slow.flash_gemv_s, 2.5 * base.flash_gemv_s, 1e-12);
  EXPECT_DOUBLE_EQ(slow.attention_s, base.attention_s);
  EXPECT_DOUBLE_EQ(slow.transfer_s, base.transfer_s);
  EXPECT_DOUBLE_EQ(fast.flash_gemv_s, base.flash_gemv_s);
  EXPECT_NEAR(fast.attention_s, base.attention_s / 10, 1e-12);  // KV-read bound at 40 and at 400 GB/s
}

TEST(KvnandDse, SetAppliesToTheBaselineAndEveryDesign) {
  // `ifc dse kvnand --set datatypes.weight_bytes=2`: FP16 weights double every weight GEMV's bytes, so
  // the sensing-bound (prefetched) flash-GEMV term doubles exactly on the baseline and on every design;
  // the swept keys (kv.nand, kv.kv_channels) stay the design's own.
  DseOptions o;
  o.models = {"llama-7b"};
  o.contexts = {1024};
  o.decode = 2;
  o.kv_channels = {8};
  const auto int8 = dse_kvnand(kPaths, o);
  o.set = {{"datatypes.weight_bytes", "2"}, {"kv.nand", "default"}};
  const auto fp16 = dse_kvnand(kPaths, o);
  ASSERT_EQ(int8.size(), 1u);
  ASSERT_EQ(fp16.size(), 1u);
  auto gemv = [](const RunResult& r) { return r.per_token_time().flash_gemv_s; };
  EXPECT_NEAR(gemv(fp16[0].baseline), 2 * gemv(int8[0].baseline), 1e-12);
  ASSERT_EQ(fp16[0].points.size(), int8[0].points.size());
  for (size_t i = 0; i < fp16[0].points.size(); ++i) {
    EXPECT_NEAR(gemv(fp16[0].points[i].run), 2 * gemv(int8[0].points[i].run), 1e-12) << fp16[0].points[i].design;
    EXPECT_EQ(fp16[0].points[i].set.at("kv.nand"), int8[0].points[i].set.at("kv.nand")) << fp16[0].points[i].design;
  }
}
