// One decode step of one attention head group through the RTL pieces that exist (docs/kvnand.md):
// K and V appended token by token through ifc_core into the NAND model, q . K^T by the core's GEMV
// path over the K stripe read back from flash (also at RBER 2e-4), then the Verilated ifc_softmax
// and ifc_pv_lane on those scores. The output is compared bit for bit with the C++ reference chain
// (reference_gemv -> softmax_ref -> pv_ref) and against double-precision attention.
// Not yet in the core: the ATTN command that chains these on the die. V is fed to the p.V lane from
// the host's copy, which the test first checks is byte-identical to the programmed V pages.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "Vifc_pv_lane.h"
#include "Vifc_softmax.h"
#include "common/core_driver.hpp"
#include "common/kv_data.hpp"
#include "common/rtl_sim.hpp"
#include "common/seed.hpp"
#include "model/kv_model.hpp"
#include "model/softmax_model.hpp"

namespace ifc::tb {
namespace {

constexpr uint32_t kD = 128;  // one KV head of head dim 128 per group slot

std::vector<uint16_t> run_softmax(const std::vector<uint32_t>& s) {
  RtlSim<Vifc_softmax> sim;
  auto& t = sim.top();
  t.in_valid_i = 0;
  t.out_ready_i = 1;
  sim.reset(4);
  std::vector<uint16_t> p;
  size_t next = 0;
  for (int guard = 0; guard < 100000 && p.size() < s.size(); ++guard) {
    t.in_valid_i = next < s.size();
    if (t.in_valid_i) {
      t.in_score_i = s[next];
      t.in_last_i = next + 1 == s.size();
    }
    t.eval();
    if (t.in_valid_i && t.in_ready_o) ++next;
    if (t.out_valid_o) p.push_back(t.out_p_o);
    sim.cycle();
  }
  EXPECT_FALSE(sim.error());
  return p;
}

std::vector<uint32_t> run_pv(const std::vector<uint16_t>& p, const std::vector<model::ActVector>& v) {
  RtlSim<Vifc_pv_lane> sim;
  auto& t = sim.top();
  t.start_i = 0;
  t.tok_valid_i = 0;
  t.v_valid_i = 0;
  t.out_ready_i = 1;
  sim.reset(4);
  t.start_i = 1;
  t.d_i = kD;
  sim.cycle();
  t.start_i = 0;
  std::vector<uint32_t> out;
  size_t tok = 0, beat = 0;
  bool p_sent = false;
  for (int guard = 0; guard < 1000000 && out.size() < kD; ++guard) {
    t.tok_valid_i = tok < p.size() && !p_sent;
    t.tok_p_i = tok < p.size() ? p[tok] : 0;
    t.tok_last_i = tok + 1 == p.size();
    t.v_valid_i = tok < p.size() && p_sent;
    if (t.v_valid_i) {
      uint64_t w = 0;
      for (unsigned e = 0; e < 4; ++e) w |= uint64_t(v[tok][beat * 4 + e]) << (16 * e);
      t.v_data_i = w;
    }
    t.eval();
    if (t.tok_valid_i && t.tok_ready_o) p_sent = true;
    if (t.v_valid_i && t.v_ready_o && ++beat == kD / 4) {
      beat = 0;
      p_sent = false;
      ++tok;
    }
    if (t.out_valid_o) out.push_back(t.out_data_o);
    sim.cycle();
  }
  EXPECT_FALSE(sim.error());
  return out;
}

class Attention : public ::testing::TestWithParam<double> {};

TEST_P(Attention, DecodeStepMatchesTheReferenceChainBitForBit) {
  const double rber = GetParam();
  const uint64_t seed = test_seed("Attention.DecodeStep", 17 + uint64_t(rber * 1e6));
  std::mt19937_64 rng(seed);
  nand::NandConfig cfg;
  cfg.t_read_ns = 3000;
  cfg.t_prog_ns = 20000;  // shortened (the benchmark uses the real tPROG)
  cfg.seed = seed;
  nand::NandArray nand(cfg);
  RtlSim<Vifc_core> core;
  NandCosim<Vifc_core> cosim(core, nand, rtl_cosim_params());
  CoreDriver drv(core, seed);
  core.reset(4);
  core.cycle();
  drv.csr_write(core::kKvBase, 10);
  model::KvAppendModel m(rtl_weight_layout(0), rtl_segment_format(), 2, 16, 504 * 2304);  // default.json pages_per_plane
  m.set_base(10);
  const uint32_t tokens = m.tokens_per_stripe(kD);  // one full stripe: every token is in flash

  std::vector<model::ActVector> keys, values;
  std::vector<model::KvProgram> want;
  for (uint32_t t = 0; t < tokens; ++t) {
    keys.push_back(normal_bf16(rng, kD, 1.0f));
    values.push_back(normal_bf16(rng, kD, 1.0f));
    ASSERT_EQ(m.append(1, kD, 0, t, keys.back(), values.back(), want), 0);
    drv.push_kv_append(0, t, keys.back(), values.back());
    ASSERT_TRUE(drv.wait_status(2000000));
    ASSERT_EQ(drv.results().back().error, 0);
    drv.results().clear();
  }
  core.cycle(10000);
  ASSERT_EQ(want.size(), 2u * IFC_RTL_PLANES);
  for (const auto& p : want) {  // the V the host feeds below is the V in flash
    std::vector<uint8_t> got;
    ASSERT_EQ(nand.peek(nand::Address{0, p.plane, p.page / cfg.pages_per_block, p.page % cfg.pages_per_block}, got),
              nand::Status::Ok);
    ASSERT_TRUE(got == p.bytes);
  }

  // q, pre-scaled by 1/sqrt(d) on the host (bf16), and q . K^T on the die.
  auto q = normal_bf16(rng, kD, 1.0f / std::sqrt(float(kD)));
  if (rber > 0) nand.set_fixed_rber(rber);
  drv.push_cmd({core::kOpLoadAct, 1, false, kD, 0, 0, 0});
  drv.push_act(q, true);
  ASSERT_TRUE(drv.wait_status(100000));
  drv.results().clear();
  const uint32_t kpage = m.map(0, 0, 0);
  drv.push_cmd({core::kOpGemv, 1, false, tokens, kD, kpage, 0});
  ASSERT_TRUE(drv.wait_status(2000000));
  ASSERT_EQ(drv.results().size(), tokens + 1);
  ASSERT_EQ(drv.results().back().error, 0);
  std::vector<uint32_t> scores;
  for (uint32_t t = 0; t < tokens; ++t) {
    ASSERT_FALSE(drv.results()[t].failed);
    scores.push_back(drv.results()[t].value);
  }
  EXPECT_FALSE(core.error());

  const model::WeightImage kimg(rtl_weight_layout(kpage), rtl_segment_format(), model::Dtype::kBf16, tokens, kD,
                                bf16_row_bytes(keys, 0, tokens));
  const auto ref_scores = model::reference_gemv(kimg, q, IFC_RTL_PE_MACS);
  ASSERT_EQ(scores, ref_scores);

  const auto p = run_softmax(scores);
  const auto ref_p = model::softmax_ref(ref_scores).p;
  ASSERT_EQ(p, ref_p);
  const auto out = run_pv(p, values);
  const auto ref_out = model::pv_ref(ref_p, values);
  ASSERT_EQ(out, ref_out);

  // Against double-precision attention softmax(q K^T) V with the same bf16 q, K, V.
  std::vector<double> s(tokens), w(tokens);
  double mx = -INFINITY, sum = 0;
  for (uint32_t t = 0; t < tokens; ++t) {
    s[t] = 0;
    for (uint32_t i = 0; i < kD; ++i) s[t] += double(model::bf16_to_float(q[i])) * model::bf16_to_float(keys[t][i]);
    mx = std::max(mx, s[t]);
  }
  for (uint32_t t = 0; t < tokens; ++t) sum += (w[t] = std::exp(s[t] - mx));
  double max_err = 0, max_abs = 0;
  for (uint32_t i = 0; i < kD; ++i) {
    double o = 0;
    for (uint32_t t = 0; t < tokens; ++t) o += w[t] / sum * model::bf16_to_float(values[t][i]);
    max_err = std::max(max_err, std::fabs(double(model::fp32_from_bits(out[i])) - o));
    max_abs = std::max(max_abs, std::fabs(o));
  }
  std::printf("  %u tokens, D = %u, RBER %g: %llu raw bit errors corrected; attention output max |error| vs "
              "double %.3e (max |out| %.3e)\n", tokens, kD, rber,
              static_cast<unsigned long long>(cosim.stats().bit_errors), max_err, max_abs);
  EXPECT_LT(max_err, 4e-3 * max_abs + 1e-3);  // bf16 probabilities (2^-8) dominate
}

INSTANTIATE_TEST_SUITE_P(Rber, Attention, ::testing::Values(0.0, 2e-4));

}  // namespace
}  // namespace ifc::tb
