// Unit tests of the system simulator's analytic parts (src/llm): byte counts per layer checked by
// hand, roofline limits, page-granular flash timing, monotonic behaviour in the context length,
// the scheduler's ordering, calibration interpolation, and configuration errors.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>

#include "llm/runner.hpp"
#include "llm_test_util.hpp"

using namespace ifc::llm;
using namespace ifc::llm::test;
using nlohmann::json;

namespace {

/// One die on one channel, 4 planes, 16 KiB pages, tR 30 us, 1 GB/s channel; no prefetch.
json tiny_system() {
  return {{"name", "tiny"},
          {"kind", "ifc"},
          {"flash",
           {{"channels", 1}, {"chips_per_channel", 1}, {"dies_per_chip", 1}, {"planes_per_die", 4}, {"ifc_planes_per_die", 4},
            {"page_data_bytes", 16384}, {"tR_us", 30}, {"channel_MTps", 1000}, {"channel_width_bytes", 1},
            {"ecc_mode", "out_of_order"}, {"prefetch", false}, {"logic_clock_MHz", 200}, {"macs_per_cycle", 16}, {"rber", 0}}},
          {"npu", {{"peak_TOPS", 2}, {"dram_GBps", 40}}},
          {"placement", {{"attention_proj", "flash"}, {"lm_head", "flash"}}},
          {"scheduler", "none"},
          {"datatypes", {{"weight_bytes", 1}, {"act_bytes", 1}, {"result_bytes", 4}, {"kv_bytes", 2}}},
          {"energy", {{"nand_sense_pJ_per_bit", 10}, {"channel_pJ_per_bit", 4}, {"dram_pJ_per_bit", 5}}}};
}

}  // namespace

// ---- byte counts per layer, by hand -------------------------------------------------------------
TEST(LlmModel, Llama7bCountsByHand) {
  const auto m = model("llama-7b");
  EXPECT_EQ(m.head_dim(), 128u);
  EXPECT_EQ(m.attn_qkv_params(), 3ull * 4096 * 4096);            // 50,331,648
  EXPECT_EQ(m.attn_o_params(), 4096ull * 4096);                  // 16,777,216
  EXPECT_EQ(m.ffn_params(), 3ull * 4096 * 11008);                // gate, up, down: 135,266,304
  EXPECT_EQ(m.decode_params(), 32ull * (67108864 + 135266304) + 32000ull * 4096);  // 6,607,077,376
  EXPECT_EQ(m.kv_elems_per_token_layer(), 2ull * 4096);          // K and V
}

TEST(LlmModel, Opt67bIsNotGated) {
  const auto m = model("opt-6.7b");
  EXPECT_EQ(m.ffn_kind, FfnKind::kStandard);
  EXPECT_EQ(m.ffn_params(), 2ull * 4096 * 16384);                // fc1, fc2: 134,217,728
}

TEST(LlmModel, Llama70bGqaCountsByHand) {
  const auto m = model("llama-70b");
  EXPECT_EQ(m.kv_dim(), 8u * 128);                               // 8 KV heads of 128
  EXPECT_EQ(m.attn_qkv_params(), 8192ull * (8192 + 2 * 1024));    // 83,886,080
  EXPECT_EQ(m.kv_elems_per_token_layer(), 2048u);
  // About 69 B parameters read per token (the embedding is a lookup).
  EXPECT_NEAR(double(m.decode_params()) / 1e9, 68.7, 0.2);
}

TEST(LlmModel, EveryShippedModelAndSystemLoads) {
  const Calibration c = Calibration::load(kPaths.calibration);
  for (const auto& e : std::filesystem::directory_iterator(kPaths.models_dir))
    for (const auto& s : std::filesystem::directory_iterator(kPaths.systems_dir)) {
      const auto r = run_scenario(kPaths, e.path().string(), s.path().string(), 64, 4);
      EXPECT_GT(r.tokens_per_s(), 0) << e.path() << " " << s.path();
      EXPECT_TRUE(std::isfinite(r.end_to_end_s()));
    }
}

// ---- roofline and page-granular timing ----------------------------------------------------------
TEST(LlmRoofline, DieBandwidthIsSensingTimesUtilisation) {
  Simulator sim(model("llama-7b"), SystemConfig::from_json(tiny_system(), "tiny"), flat_calibration(0.9));
  EXPECT_NEAR(sim.die_gemv_Bps(), 0.9 * 4 * 16384 / 30e-6, 1.0);  // 1.966 GB/s
}

TEST(LlmRoofline, DieBandwidthIsCappedByTheMacs) {
  auto j = tiny_system();
  j["flash"]["macs_per_cycle"] = 1;  // 1 INT8 MAC x 200 MHz = 200 MB/s < 2.18 GB/s sensing
  Simulator sim(model("llama-7b"), SystemConfig::from_json(j, "tiny"), flat_calibration(1.0));
  EXPECT_DOUBLE_EQ(sim.die_gemv_Bps(), 200e6);
}

TEST(LlmRoofline, FlashGemvByHand) {
  Simulator sim(model("llama-7b"), SystemConfig::from_json(tiny_system(), "tiny"), flat_calibration(1.0));
  Traffic t;
  // 1024 x 128 INT8 = 128 KiB = two 4-plane pages: fill tR + 2 tR, then the 128 B activation in
  // and 1024 x 4 B results out over the 1 GB/s channel.
  const double s = sim.flash_gemv_s(1024, 128, 1.0, &t);
  EXPECT_NEAR(s, 3 * 30e-6 + 128e-9 + 4096e-9, 1e-12);
  EXPECT_DOUBLE_EQ(t.flash_sensed, 131072);
  EXPECT_DOUBLE_EQ(t.channel, 128 + 4096);
  EXPECT_DOUBLE_EQ(t.flash_macs, 131072);
  // One byte more rounds up to a third page without prefetch.
  Traffic t2;
  EXPECT_NEAR(sim.flash_gemv_s(1, 131073, 1.0, &t2) - 131073e-9 - 4e-9, 4 * 30e-6, 1e-12);
}

TEST(LlmRoofline, PrefetchRemovesFillAndRounding) {
  auto j = tiny_system();
  j["flash"]["prefetch"] = true;
  Simulator sim(model("llama-7b"), SystemConfig::from_json(j, "tiny"), flat_calibration(1.0));
  EXPECT_NEAR(sim.flash_gemv_s(1024, 96, 1.0, nullptr), 1.5 * 30e-6 + 96e-9 + 4096e-9, 1e-12);
}

TEST(LlmRoofline, TilingFinishesFlashAndNpuTogether) {
  auto j = tiny_system();
  j["flash"]["prefetch"] = true;
  j["npu_tiling"] = true;
  Simulator sim(model("llama-7b"), SystemConfig::from_json(j, "tiny"), flat_calibration(1.0));
  const double die = 4 * 16384 / 30e-6, ch = 1e9;
  const double W = 4096.0 * 4096;
  const double expect = W / (die + ch);  // both sides together
  EXPECT_NEAR(sim.flash_gemv_s(4096, 4096, 1.0, nullptr), expect + 4096e-9 + 4096 * 4e-9, 1e-9);
}

TEST(LlmRoofline, GpuOffloadIsBoundByTheLink) {
  const auto r = run_scenario(kPaths, "opt-30b", "a800-offload", 16, 8);
  const auto s = SystemConfig::load("a800-offload", kPaths.systems_dir);
  const double stream = std::min(s.gpu.link_GBps, s.gpu.storage_GBps) * 1e9;
  const double bound = stream / double(model("opt-30b").decode_params());
  EXPECT_LT(r.tokens_per_s(), bound);
  EXPECT_GT(r.tokens_per_s(), 0.95 * bound);  // the per-layer overhead is small
}

// ---- traffic per token, by hand -----------------------------------------------------------------
TEST(LlmTraffic, KvAndWeightsPerToken) {
  // Everything in flash; the NPU reads the KV cache: 32 layers x c x 2 x 4096 x 2 B.
  Simulator sim(model("llama-7b"), SystemConfig::from_json(tiny_system(), "tiny"), flat_calibration(1.0));
  const uint64_t c = 1000;
  const auto r = sim.decode_token(c);
  EXPECT_DOUBLE_EQ(r.traffic.dram, 32.0 * c * 2 * 4096 * 2);
  EXPECT_DOUBLE_EQ(r.traffic.flash_macs, double(model("llama-7b").decode_params()));
  // Without prefetch every GEMV rounds up to whole 64 KiB units: sensed >= weights.
  EXPECT_GE(r.traffic.flash_sensed, double(model("llama-7b").decode_params()));
  // Energy: the DRAM bytes at 5 pJ/bit.
  EXPECT_NEAR(r.energy.dram_J, r.traffic.dram * 8 * 5e-12, 1e-12);
}

// ---- behaviour in the context length ------------------------------------------------------------
TEST(LlmContext, ThroughputFallsAndKvAwareSchedulerHelps) {
  const auto m = model("llama-7b");
  const auto c = Calibration::load(kPaths.calibration);
  std::map<std::string, Simulator> sims;
  for (const char* sch : {"kv_aware", "static", "none"})
    sims.emplace(sch, Simulator(m, load_system("nvllm", kPaths.systems_dir, {{"scheduler", sch}}), c));
  double prev_kv = 1e30, prev_alpha = -1;
  for (uint64_t ctx : {0, 128, 512, 1024, 2048, 4096, 8192}) {
    const auto kv = sims.at("kv_aware").decode_token(ctx);
    const auto st = sims.at("static").decode_token(ctx);
    const auto no = sims.at("none").decode_token(ctx);
    EXPECT_LE(kv.time.total(), prev_kv * (1 + 1e-12)) << "context " << ctx;  // monotonic: never faster
    EXPECT_GE(kv.alpha, prev_alpha - 1e-9) << "the scheduler moves more into flash as the cache grows";
    EXPECT_LE(kv.time.total(), st.time.total() * (1 + 1e-9)) << ctx;
    EXPECT_LE(st.time.total(), no.time.total() * (1 + 1e-9)) << ctx;
    prev_kv = kv.time.total() < prev_kv ? prev_kv : kv.time.total();
    prev_alpha = kv.alpha;
    EXPECT_GE(kv.time.total(), sims.at("kv_aware").decode_token(ctx / 2).time.total());
  }
}

TEST(LlmContext, EverySystemIsMonotonicInContext) {
  for (const char* s : {"nvllm", "dram-ifc", "cambricon-llm-l", "aif", "a800-offload"}) {
    Simulator sim(model("opt-13b"), SystemConfig::load(s, kPaths.systems_dir), Calibration::load(kPaths.calibration));
    double prev = 0;
    for (uint64_t ctx = 0; ctx <= 4096; ctx += 256) {
      const double t = sim.decode_token(ctx).time.total();
      EXPECT_GE(t, prev) << s << " context " << ctx;
      prev = t;
    }
  }
}

TEST(LlmContext, RunSumsTheTokens) {
  Simulator sim(model("llama-7b"), SystemConfig::load("nvllm", kPaths.systems_dir), Calibration::load(kPaths.calibration));
  const auto r = sim.run(100, 3);
  const double sum = sim.decode_token(100).time.total() + sim.decode_token(101).time.total() + sim.decode_token(102).time.total();
  EXPECT_NEAR(r.decode_s(), sum, 1e-12);
  EXPECT_NEAR(r.end_to_end_s(), r.prefill_s + sum, 1e-12);
  EXPECT_GT(r.prefill_s, 0);
}

// ---- calibration ---------------------------------------------------------------------------------
TEST(LlmCalibration, LogLinearInterpolation) {
  json j = {{"die", {{"planes", 4}, {"page_data_bytes", 16384}, {"tR_us", 30}, {"seg_payload_bytes", 256}}},
            {"points",
             {{{"rber", 1e-5}, {"mode", "in_order"}, {"utilization", 0.9}, {"corrected_per_segment", 0.01}, {"uncorrectable_per_segment", 0}},
              {{"rber", 1e-3}, {"mode", "in_order"}, {"utilization", 0.1}, {"corrected_per_segment", 0.5}, {"uncorrectable_per_segment", 0}}}}};
  const auto c = Calibration::from_json(j, "t");
  EXPECT_NEAR(c.at(1e-4, EccMode::kInOrder).utilization, 0.5, 1e-12);  // half way in log(RBER)
  EXPECT_DOUBLE_EQ(c.at(1e-7, EccMode::kInOrder).utilization, 0.9);    // clamped
  EXPECT_DOUBLE_EQ(c.at(1e-2, EccMode::kInOrder).utilization, 0.1);
  EXPECT_NE(error_of([&] { c.at(1e-4, EccMode::kOutOfOrder); }).find("no calibration points"), std::string::npos);
}

TEST(LlmCalibration, ShippedFileComesFromTheScript) {
  std::ifstream f(kPaths.calibration);
  const auto j = json::parse(f);
  EXPECT_EQ(j.at("generated_by"), "scripts/calibrate.py");
  EXPECT_FALSE(j.at("runs").empty());
  const auto c = Calibration::load(kPaths.calibration);
  // Out-of-order never loses to in-order (the point of the ERDPE).
  for (double r : {0.0, 1e-5, 1e-4, 1e-3})
    EXPECT_GE(c.at(r, EccMode::kOutOfOrder).utilization, c.at(r, EccMode::kInOrder).utilization - 0.01) << r;
}

// ---- configuration errors name the key and the allowed values ------------------------------------
TEST(LlmConfigErrors, UnknownSystemKeyListsAllowedKeys) {
  auto j = tiny_system();
  j["flash"]["tR_ms"] = 0.03;
  const auto e = error_of([&] { SystemConfig::from_json(j, "sys.json"); });
  EXPECT_NE(e.find("unknown key 'flash.tR_ms'"), std::string::npos) << e;
  EXPECT_NE(e.find("tR_us"), std::string::npos) << e;
}

TEST(LlmConfigErrors, BadEnumListsAllowedValues) {
  auto j = tiny_system();
  j["scheduler"] = "kv-aware";
  const auto e = error_of([&] { SystemConfig::from_json(j, "sys.json"); });
  EXPECT_NE(e.find("'scheduler'"), std::string::npos) << e;
  EXPECT_NE(e.find("kv_aware, static, none"), std::string::npos) << e;
  j = tiny_system();
  j["flash"]["ecc_mode"] = "ooo";
  EXPECT_NE(error_of([&] { SystemConfig::from_json(j, "s"); }).find("out_of_order, in_order, none"), std::string::npos);
}

TEST(LlmConfigErrors, WrongTypeAndRange) {
  auto j = tiny_system();
  j["flash"]["tR_us"] = "30";
  EXPECT_NE(error_of([&] { SystemConfig::from_json(j, "s"); }).find("'flash.tR_us' must be a number"), std::string::npos);
  j = tiny_system();
  j["flash"]["rber"] = 0.7;
  EXPECT_NE(error_of([&] { SystemConfig::from_json(j, "s"); }).find("out of range"), std::string::npos);
}

TEST(LlmConfigErrors, ModelMissingKeyAndBadFfnKind) {
  json m = {{"model_type", "llama"}, {"intermediate_size", 11008}, {"num_hidden_layers", 32},
            {"num_attention_heads", 32}, {"vocab_size", 32000}};
  EXPECT_NE(error_of([&] { ModelConfig::from_json(m, "m.json"); }).find("missing key 'hidden_size'"), std::string::npos);
  m["hidden_size"] = 4096;
  m["ffn_kind"] = "swiglu";
  const auto e = error_of([&] { ModelConfig::from_json(m, "m.json"); });
  EXPECT_NE(e.find("'ffn_kind'"), std::string::npos) << e;
  EXPECT_NE(e.find("gated, standard"), std::string::npos) << e;
  m.erase("ffn_kind");
  m["model_type"] = "mamba";
  EXPECT_NE(error_of([&] { ModelConfig::from_json(m, "m.json"); }).find("llama"), std::string::npos);
  m["model_type"] = "llama";
  m["num_key_value_heads"] = 5;  // 32 heads are not a multiple of 5
  EXPECT_NE(error_of([&] { ModelConfig::from_json(m, "m.json"); }).find("num_key_value_heads"), std::string::npos);
}

TEST(LlmConfigErrors, UnknownNamesListTheKnownOnes) {
  const auto e = error_of([&] { ModelConfig::load("llama-8b", kPaths.models_dir); });
  EXPECT_NE(e.find("llama-70b"), std::string::npos) << e;
  EXPECT_NE(error_of([&] { SystemConfig::load("nvllm2", kPaths.systems_dir); }).find("nvllm"), std::string::npos);
  EXPECT_NE(error_of([&] { load_system("nvllm", kPaths.systems_dir, {{"flash.rbr", "1e-3"}}); }).find("unknown key 'flash.rbr'"),
            std::string::npos);
}

TEST(LlmConfigErrors, DroppedInHuggingFaceConfigWorks) {
  // An OPT config as Hugging Face ships it: ffn_dim instead of intermediate_size, no KV heads.
  const auto dir = std::filesystem::temp_directory_path() / "ifc_llm_test_model";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "config.json") << R"({"model_type": "opt", "hidden_size": 2048, "ffn_dim": 8192,
     "num_hidden_layers": 24, "num_attention_heads": 32, "vocab_size": 50272, "max_position_embeddings": 2048,
     "torch_dtype": "float16", "do_layer_norm_before": true})";
  const auto m = ModelConfig::load(dir.string(), kPaths.models_dir);
  EXPECT_EQ(m.intermediate_size, 8192u);
  EXPECT_EQ(m.num_key_value_heads, 32u);
  EXPECT_EQ(m.ffn_kind, FfnKind::kStandard);
  std::filesystem::remove_all(dir);
}
