// System tests of the ATTN command (opcode 0x04, docs/kvnand.md): a multi-token decode of one
// attention layer with two head groups (group slots), K and V appended token by token through
// KV_APPEND into the NAND model (real program path), and an ATTN after many of the tokens. Each
// ATTN runs the head group end to end on the die: q.K^T over the K stripes (GEMV path), softmax,
// p.V over the V stripes (reorder buffer -> p.V lane), with the open stripe's tokens served from
// the write buffer. Every output word is compared bit for bit with the C++ reference chain
// (reference_gemv -> softmax_ref -> pv_ref), also at RBER within the correction limit and with
// random backpressure on res; the last output of each slot also against double-precision attention.
// Malformed ATTN descriptors get their error codes and the next command still works.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <ostream>
#include <random>
#include <set>

#include "common/attn_ref.hpp"
#include "common/core_driver.hpp"
#include "common/kv_data.hpp"
#include "common/rtl_fixture.hpp"
#include "common/seed.hpp"
#include "model/kv_model.hpp"
#include "model/softmax_model.hpp"

namespace ifc::tb {
namespace {

constexpr uint32_t kGroups = 2, kMaxRuns = 16;     // ifc_pkg DEF_KV_GROUPS / DEF_KV_MAX_RUNS
constexpr uint32_t kPagesPerPlane = IFC_RTL_PAGES_PER_PLANE;  // the core config's pages_per_plane
constexpr uint32_t kSegElems = rtl_kv_seg_elems();            // D of one segment (128 at 256 B segments)

/// Max |out - softmax(q K^T) V| in double precision, and max |o|.
std::pair<double, double> error_vs_double(const std::vector<model::ActVector>& keys,
                                          const std::vector<model::ActVector>& values, const model::ActVector& q,
                                          const std::vector<uint32_t>& out, uint32_t t, uint32_t d) {
  std::vector<double> s(t), w(t);
  double mx = -INFINITY, sum = 0;
  for (uint32_t u = 0; u < t; ++u) {
    s[u] = 0;
    for (uint32_t i = 0; i < d; ++i) s[u] += double(model::bf16_to_float(q[i])) * model::bf16_to_float(keys[u][i]);
    mx = std::max(mx, s[u]);
  }
  for (uint32_t u = 0; u < t; ++u) sum += (w[u] = std::exp(s[u] - mx));
  double max_err = 0, max_abs = 0;
  for (uint32_t i = 0; i < d; ++i) {
    double o = 0;
    for (uint32_t u = 0; u < t; ++u) o += w[u] / sum * model::bf16_to_float(values[u][i]);
    max_err = std::max(max_err, std::fabs(double(model::fp32_from_bits(out[i])) - o));
    max_abs = std::max(max_abs, std::fabs(o));
  }
  return {max_err, max_abs};
}

struct AttnCase {
  uint32_t segs[kGroups];  // segments per K / V row of each slot (D = segs x kSegElems); 0: 1, 2 or 4 by the seed
  uint32_t tokens;      // tokens decoded
  double rber;          // RBER of every read
  double ready_prob;    // res_ready_i probability
  uint64_t seed;
};

/// The case's name in test listings (ctest -N): its shape on this core (D 0: drawn by the seed).
void PrintTo(const AttnCase& c, std::ostream* os) {
  for (uint32_t g = 0; g < kGroups; ++g) {
    *os << (g ? "_" : "D");
    if (c.segs[g]) *os << c.segs[g] * kSegElems;
    else *os << "seeded";
  }
  *os << "_T" << c.tokens << "_rber" << c.rber
      << "_ready" << c.ready_prob << "_seed" << c.seed;
}

class AttnCore : public RtlFixture<Vifc_core>, public ::testing::WithParamInterface<AttnCase> {
 protected:
  std::unique_ptr<nand::NandArray> nand_;
  std::unique_ptr<NandCosim<Vifc_core>> cosim_;
  std::unique_ptr<CoreDriver> drv_;

  /// The die (tR 3 us, tPROG shortened to 20 us: the benchmark uses the real ones), its
  /// co-simulation and the host driver; the core out of reset.
  CoreDriver& bring_up(uint64_t seed, double ready_prob = 1.0) {
    nand::NandConfig cfg;
    cfg.t_read_ns = 3000;
    cfg.t_prog_ns = 20000;
    cfg.seed = seed;
    nand_ = std::make_unique<nand::NandArray>(cfg);
    cosim_ = std::make_unique<NandCosim<Vifc_core>>(sim(), *nand_, rtl_cosim_params());
    drv_ = std::make_unique<CoreDriver>(sim(), seed, ready_prob);
    sim().reset(4);
    sim().cycle();
    return *drv_;
  }

  /// The token counts on both sides of every stripe boundary of a D-element slot up to `tokens`
  /// (where an ATTN crosses from programmed stripes into the open one). Fails the test, rather than
  /// looping forever, for a D that has no legal KV row on this core (no whole token per stripe).
  static void insert_stripe_edges(std::set<uint32_t>& when, const model::KvAppendModel& m, uint32_t d, uint32_t g,
                                  uint32_t tokens) {
    const uint32_t tps = m.tokens_per_stripe(d);
    ASSERT_GT(tps, 0u) << "D = " << d << " (slot " << g << ") is no legal KV row on this core";
    for (uint32_t b = tps; b <= tokens; b += tps)
      for (uint32_t n : {b - 1, b, b + 1}) when.insert(n);
  }

  /// The decode cases' set-up: D of each slot (segs x kSegElems; segs 0: 1, 2 or 4, drawn), the die,
  /// a random KV base page (core and model), the case's RBER; returns the append model.
  model::KvAppendModel decode_setup(const AttnCase& c, uint64_t seed, std::mt19937_64& rng, uint32_t (&d)[kGroups]) {
    for (uint32_t g = 0; g < kGroups; ++g) d[g] = (c.segs[g] ? c.segs[g] : (1u << (rng() % 3))) * kSegElems;
    CoreDriver& drv = bring_up(seed, c.ready_prob);
    const uint32_t base = 20 + uint32_t(rng() % 16);
    drv.csr_write(core::kKvBase, base);
    model::KvAppendModel m(rtl_weight_layout(0), rtl_segment_format(), kGroups, kMaxRuns, kPagesPerPlane);
    m.set_base(base);
    if (c.rber > 0) nand_->set_fixed_rber(c.rber);
    return m;
  }

  /// Appends token t of every slot (random K and V rows of D = d[g]) to the model and through the core.
  void append_all(CoreDriver& drv, std::mt19937_64& rng, model::KvAppendModel& m, uint32_t t, const uint32_t (&d)[kGroups],
                  std::vector<model::ActVector> (&keys)[kGroups], std::vector<model::ActVector> (&values)[kGroups],
                  std::vector<model::KvProgram>& want) {
    for (uint32_t g = 0; g < kGroups; ++g) {
      keys[g].push_back(normal_bf16(rng, d[g]));
      values[g].push_back(normal_bf16(rng, d[g]));
      ASSERT_EQ(m.append(1, d[g], g, t, keys[g].back(), values[g].back(), want), 0);
      drv.push_kv_append(g, t, keys[g].back(), values[g].back());
      ASSERT_TRUE(drv.wait_status(2000000));
      ASSERT_EQ(drv.results().back().error, 0) << core::error_name(drv.results().back().error);
      drv.results().clear();
    }
  }

  /// Appends `n` random tokens of D = d to `slot` through KV_APPEND (each must succeed).
  void append(CoreDriver& drv, std::mt19937_64& rng, uint32_t slot, uint32_t n, uint32_t d,
              std::vector<model::ActVector>& keys, std::vector<model::ActVector>& values) {
    for (uint32_t i = 0; i < n; ++i) {
      keys.push_back(normal_bf16(rng, d));
      values.push_back(normal_bf16(rng, d));
      drv.push_kv_append(slot, uint32_t(keys.size() - 1), keys.back(), values.back());
      ASSERT_TRUE(drv.wait_status(2000000));
      ASSERT_EQ(drv.results().back().error, 0) << core::error_name(drv.results().back().error);
      drv.results().clear();
    }
  }

  /// After a command that read the flash: its counters (CSR 3 bytes sensed, 13 pages issued, 16
  /// retry reads) against the NAND model's own counts since `before`, so every page of every phase
  /// counts exactly once (the sequencer senses the next phase's pages while the current one
  /// drains). The open-stripe pages the write buffer served are issued but never reach the NAND:
  /// CSR 31 [15:0] counts them (Planes per read command), from `open_before`.
  void expect_command_counters(CoreDriver& drv, const CosimStats& before, uint32_t open_before, const char* what) {
    const CosimStats& now = cosim_->stats();
    EXPECT_EQ(drv.csr(core::kBytesSensed), now.bytes_sensed - before.bytes_sensed) << what;
    const uint32_t open_cmds = ((drv.csr(core::kAttnOpenPages) - open_before) & 0xFFFF) / IFC_RTL_PLANES;
    EXPECT_EQ(drv.csr(core::kPagesIssued), now.commands - before.commands + open_cmds) << what;
    EXPECT_EQ(drv.csr(core::kRetryReads), now.retry_reads - before.retry_reads) << what;
  }

  /// Loads q (BF16) and runs ATTN over `t` tokens of `slot`; returns the status and fills `out`.
  uint8_t attn(CoreDriver& drv, const model::ActVector& q, uint32_t slot, uint32_t t, std::vector<uint32_t>& out,
               bool& failed) {
    drv.push_cmd({core::kOpLoadAct, 1, false, uint32_t(q.size()), 0, 0, 0});
    drv.push_act(q, true);
    EXPECT_TRUE(drv.wait_status(200000));
    EXPECT_EQ(drv.results().back().error, 0);
    drv.results().clear();
    drv.push_cmd({core::kOpAttn, 1, false, t, slot, 0, 0});
    EXPECT_TRUE(drv.wait_status(20000000)) << "ATTN slot " << slot << " over " << t << " tokens hung";
    out.clear();
    failed = false;
    const auto& res = drv.results();
    for (size_t i = 0; i + 1 < res.size(); ++i) {
      EXPECT_FALSE(res[i].is_status);
      EXPECT_EQ(res[i].row, i) << "outputs out of element order";
      failed = failed || res[i].failed;
      out.push_back(res[i].value);
    }
    const uint8_t err = res.empty() ? 0xFF : res.back().error;
    EXPECT_EQ(res.empty() ? 0 : res.back().opcode, core::kOpAttn);
    drv.results().clear();
    return err;
  }

  /// Loads q of every slot in `mask` (concatenated in slot order, BF16) and runs one ATTN_MULTI over
  /// `t` tokens of each; fills out[slot] from the words tagged with that slot (res bits [61:54]),
  /// checks that the slots come in ascending order, each in element order. `q_len` != 0 loads a q of
  /// that many elements instead (malformed cases). Returns the status word.
  ResWord attn_multi(CoreDriver& drv, const std::vector<model::ActVector>& q, uint32_t mask, uint32_t t,
                     std::vector<uint32_t> (&out)[kGroups], bool (&failed)[kGroups], uint8_t dtype = 1) {
    model::ActVector cat;
    for (uint32_t g = 0; g < kGroups; ++g)
      if ((mask >> g) & 1) cat.insert(cat.end(), q[g].begin(), q[g].end());
    if (cat.empty()) cat = q[0];
    drv.push_cmd({core::kOpLoadAct, 1, false, uint32_t(cat.size()), 0, 0, 0});
    drv.push_act(cat, true);
    EXPECT_TRUE(drv.wait_status(200000));
    EXPECT_EQ(drv.results().back().error, 0);
    drv.results().clear();
    drv.push_cmd({core::kOpAttnMulti, dtype, false, t, mask, 0, 0});
    EXPECT_TRUE(drv.wait_status(40000000)) << "ATTN_MULTI mask " << mask << " over " << t << " tokens hung";
    const auto& res = drv.results();
    int last_slot = -1;
    for (uint32_t g = 0; g < kGroups; ++g) {
      out[g].clear();
      failed[g] = false;
    }
    for (size_t i = 0; i + 1 < res.size(); ++i) {
      EXPECT_FALSE(res[i].is_status);
      const uint32_t slot = res[i].row >> 22, elem = res[i].row & 0x3FFFFF;
      EXPECT_LT(slot, kGroups);
      EXPECT_TRUE((mask >> slot) & 1) << "an output of slot " << slot << ", not in the mask";
      EXPECT_GE(int(slot), last_slot) << "slots out of order";
      last_slot = int(slot);
      if (slot >= kGroups) continue;
      EXPECT_EQ(elem, out[slot].size()) << "outputs of slot " << slot << " out of element order";
      failed[slot] = failed[slot] || res[i].failed;
      out[slot].push_back(res[i].value);
    }
    EXPECT_FALSE(res.empty());
    const ResWord st = res.empty() ? ResWord{} : res.back();
    EXPECT_TRUE(st.is_status);
    EXPECT_EQ(st.opcode, core::kOpAttnMulti);
    drv.results().clear();
    return st;
  }
};

TEST_P(AttnCore, DecodeLayerAttentionIsBitExactTokenByToken) {
  const AttnCase c = GetParam();
  const uint64_t seed = test_seed("AttnCore.Decode", c.seed);
  std::mt19937_64 rng(seed);
  uint32_t d[kGroups];
  model::KvAppendModel m = decode_setup(c, seed, rng, d);
  CoreDriver& drv = *drv_;

  // ATTN after these token counts: the first tokens, both sides of every stripe boundary, the
  // end, and a random sample in between.
  std::set<uint32_t> when[kGroups];
  for (uint32_t g = 0; g < kGroups; ++g) {
    for (uint32_t n : {1u, 2u, 5u, c.tokens}) when[g].insert(n);
    ASSERT_NO_FATAL_FAILURE(insert_stripe_edges(when[g], m, d[g], g, c.tokens));
    for (int i = 0; i < 4; ++i) when[g].insert(1 + uint32_t(rng() % c.tokens));
  }

  std::vector<model::ActVector> keys[kGroups], values[kGroups];
  std::vector<model::KvProgram> want;
  uint32_t attns = 0, open_attns = 0;
  std::vector<uint32_t> out;
  for (uint32_t t = 0; t < c.tokens; ++t) {
    append_all(drv, rng, m, t, d, keys, values, want);
    ASSERT_FALSE(HasFatalFailure());
    for (uint32_t g = 0; g < kGroups; ++g) {
      const uint32_t n = t + 1;
      if (!when[g].count(n)) continue;
      // Usually the whole context; sometimes a prefix (a shorter window of the same sequence).
      const uint32_t tt = (rng() % 5 == 0) ? 1 + uint32_t(rng() % n) : n;
      const auto q = normal_bf16(rng, d[g], 1.0f / std::sqrt(float(d[g])));
      bool failed = false;
      const uint32_t open_before = drv.csr(core::kAttnOpenPages);  // [15:0]: open-stripe pages
      const uint8_t err = attn(drv, q, g, tt, out, failed);
      ASSERT_EQ(err, 0) << core::error_name(err) << " (slot " << g << ", " << tt << " tokens)";
      ASSERT_FALSE(failed);
      ASSERT_EQ(out, reference_attention(keys[g], values[g], q, tt, d[g]))
          << "slot " << g << " D " << d[g] << " tokens " << tt << " of " << n;
      // The open stripe is served from the write buffer (both streams, every plane) exactly when
      // the ATTN reaches into it.
      const uint32_t tps = m.tokens_per_stripe(d[g]);
      const bool open = tt > (n / tps) * tps;
      EXPECT_EQ(((drv.csr(core::kAttnOpenPages) - open_before) & 0xFFFF), open ? 2u * IFC_RTL_PLANES : 0u);
      ++attns;
      open_attns += open;
      if (n == c.tokens && tt == n) {
        const auto [err_d, max_abs] = error_vs_double(keys[g], values[g], q, out, tt, d[g]);
        std::printf("  slot %u: D = %u, %u tokens: output max |error| vs double %.3e (max |out| %.3e)\n", g, d[g],
                    tt, err_d, max_abs);
        EXPECT_LT(err_d, 4e-3 * max_abs + 1e-3);  // bf16 probabilities (2^-8) dominate
      }
    }
  }
  EXPECT_FALSE(sim().error());
  const uint64_t flips = cosim_->stats().bit_errors;
  if (c.rber >= 1e-4) {
    EXPECT_GT(flips, 100u) << "hardly any bit errors: the RBER case tests nothing";
  }
  std::printf("  D = %u / %u, %u tokens, RBER %g, res ready %.2f: %u ATTN commands bit-exact (%u reaching the "
              "open stripe), %llu pages programmed, %llu raw bit errors corrected\n",
              d[0], d[1], c.tokens, c.rber, c.ready_prob, attns, open_attns,
              static_cast<unsigned long long>(m.pages_programmed()), static_cast<unsigned long long>(flips));
}

// D = {128, 512}, {256, 1024} and drawn from {128, 256, 512} at the default 256 B segments.
INSTANTIATE_TEST_SUITE_P(Decode, AttnCore,
                         ::testing::Values(AttnCase{{1, 4}, 300, 0.0, 1.0, 1},
                                           AttnCase{{2, 8}, 140, 2e-4, 0.6, 2},
                                           AttnCase{{0, 0}, 200, 1e-4, 0.8, 3}));

// ATTN_MULTI (0x05): both group slots in one command, the next phase's reads launched while the
// current one drains (docs/kvnand.md, head-group parallelism). Every slot's outputs bit-exact with
// the reference chain (and so with the one-group ATTN, which is checked directly at the end), at
// RBER within the correction limit and with res backpressure; also masks of one slot and prefixes.
class AttnMulti : public AttnCore {};

TEST_P(AttnMulti, MultiGroupDecodeIsBitExact) {
  const AttnCase c = GetParam();
  const uint64_t seed = test_seed("AttnCore.MultiGroup", c.seed);
  std::mt19937_64 rng(seed);
  uint32_t d[kGroups];
  model::KvAppendModel m = decode_setup(c, seed, rng, d);
  CoreDriver& drv = *drv_;
  std::set<uint32_t> when;
  for (uint32_t n : {1u, 3u, c.tokens}) when.insert(n);
  for (uint32_t g = 0; g < kGroups; ++g) {
    ASSERT_NO_FATAL_FAILURE(insert_stripe_edges(when, m, d[g], g, c.tokens));
  }
  for (int i = 0; i < 3; ++i) when.insert(1 + uint32_t(rng() % c.tokens));
  std::vector<model::ActVector> keys[kGroups], values[kGroups];
  std::vector<model::KvProgram> want;
  std::vector<uint32_t> out[kGroups];
  bool failed[kGroups];
  uint32_t cmds = 0, groups_checked = 0;
  for (uint32_t t = 0; t < c.tokens; ++t) {
    append_all(drv, rng, m, t, d, keys, values, want);
    ASSERT_FALSE(HasFatalFailure());
    const uint32_t n = t + 1;
    if (!when.count(n)) continue;
    const uint32_t tt = (rng() % 5 == 0) ? 1 + uint32_t(rng() % n) : n;
    const uint32_t mask = (rng() % 6 == 0) ? 1u + uint32_t(rng() % 2) : 3u;
    std::vector<model::ActVector> q(kGroups);
    for (uint32_t g = 0; g < kGroups; ++g) q[g] = normal_bf16(rng, d[g], 1.0f / std::sqrt(float(d[g])));
    const CosimStats before = cosim_->stats();
    const uint32_t open_before = drv.csr(core::kAttnOpenPages);
    const ResWord st = attn_multi(drv, q, mask, tt, out, failed);
    ASSERT_EQ(st.error, 0) << core::error_name(st.error) << " (mask " << mask << ", " << tt << " tokens)";
    EXPECT_EQ(uint32_t(st.raw), 0u) << "failed rows";
    expect_command_counters(drv, before, open_before, "ATTN_MULTI counters");
    for (uint32_t g = 0; g < kGroups; ++g) {
      if (!((mask >> g) & 1)) {
        EXPECT_TRUE(out[g].empty());
        continue;
      }
      EXPECT_FALSE(failed[g]);
      ASSERT_EQ(out[g], reference_attention(keys[g], values[g], q[g], tt, d[g]))
          << "slot " << g << " D " << d[g] << " tokens " << tt << " of " << n << " mask " << mask;
      ++groups_checked;
    }
    ++cmds;
    if (n == c.tokens) {  // the one-group ATTN of each slot gives the same words
      for (uint32_t g = 0; g < kGroups; ++g) {
        if (!((mask >> g) & 1)) continue;
        std::vector<uint32_t> one;
        bool f1 = false;
        const CosimStats before1 = cosim_->stats();
        const uint32_t open_before1 = drv.csr(core::kAttnOpenPages);
        ASSERT_EQ(attn(drv, q[g], g, tt, one, f1), 0);
        EXPECT_EQ(one, out[g]) << "ATTN_MULTI and ATTN differ, slot " << g;
        expect_command_counters(drv, before1, open_before1, "ATTN counters");
      }
    }
  }
  // Then a host-sequenced q.K^T GEMV over the programmed K stripes of the slot with the most of
  // them: bit-exact, and its counters show that GEMV alone.
  uint32_t gs = 0, runs = 0;
  for (uint32_t g = 0; g < kGroups; ++g) {
    const uint32_t stripes = c.tokens / m.tokens_per_stripe(d[g]);
    if (stripes > runs) {
      gs = g;
      runs = stripes;
    }
  }
  if (runs > 0) {
    const uint32_t page = m.map(gs, 0, 0), rows_n = runs * m.tokens_per_stripe(d[gs]);
    const auto q = normal_bf16(rng, d[gs]);
    drv.push_cmd({core::kOpLoadAct, 1, false, d[gs], 0, 0, 0});
    drv.push_act(q, true);
    ASSERT_TRUE(drv.wait_status(200000));
    drv.results().clear();
    const CosimStats before = cosim_->stats();
    drv.push_cmd({core::kOpGemv, 1, false, rows_n, d[gs], page, 0});
    ASSERT_TRUE(drv.wait_status(4000000));
    const model::WeightImage img(rtl_weight_layout(page), rtl_segment_format(), model::Dtype::kBf16, rows_n, d[gs],
                                 bf16_row_bytes(keys[gs], 0, rows_n));
    const auto ref = model::reference_gemv(img, q, IFC_RTL_PE_MACS);
    const auto& res = drv.results();
    ASSERT_EQ(res.size(), rows_n + 1);
    ASSERT_EQ(res.back().error, 0) << core::error_name(res.back().error);
    for (uint32_t t = 0; t < rows_n; ++t) EXPECT_EQ(res[t].value, ref[t]) << "GEMV row " << t;
    drv.results().clear();
    expect_command_counters(drv, before, drv.csr(core::kAttnOpenPages), "GEMV counters");
    EXPECT_EQ(uint64_t(drv.csr(core::kBytesSensed)), uint64_t(runs) * IFC_RTL_PLANES * nand_->page_bytes());
  }
  EXPECT_FALSE(sim().error());
  if (c.rber >= 1e-4) {
    EXPECT_GT(cosim_->stats().bit_errors, 100u);
  }
  std::printf("  D = %u / %u, %u tokens, RBER %g, res ready %.2f: %u ATTN_MULTI commands, %u slot outputs "
              "bit-exact, %llu raw bit errors corrected\n",
              d[0], d[1], c.tokens, c.rber, c.ready_prob, cmds, groups_checked,
              static_cast<unsigned long long>(cosim_->stats().bit_errors));
}

// D = {128, 256} and drawn from {128, 256, 512} at the default 256 B segments.
INSTANTIATE_TEST_SUITE_P(Multi, AttnMulti,
                         ::testing::Values(AttnCase{{1, 2}, 270, 1e-4, 0.7, 21},
                                           AttnCase{{0, 0}, 150, 2e-4, 0.6, 22}));

TEST_F(AttnCore, MalformedAttnMultiGetsItsErrorAndTheNextCommandWorks) {
  const uint64_t seed = test_seed("AttnCore.MalformedMulti", 23);
  std::mt19937_64 rng(seed);
  CoreDriver& drv = bring_up(seed);
  constexpr uint32_t kD0 = kSegElems, kD1 = 2 * kSegElems;  // 128 and 256 at 256 B segments
  std::vector<model::ActVector> keys[kGroups], values[kGroups];
  append(drv, rng, 0, 4, kD0, keys[0], values[0]);
  ASSERT_FALSE(HasFatalFailure());
  std::vector<model::ActVector> q = {normal_bf16(rng, kD0, 0.1f), normal_bf16(rng, kD1, 0.1f)};
  std::vector<uint32_t> out[kGroups];
  bool failed[kGroups];
  auto code = [&](uint32_t mask, uint32_t t, uint8_t dtype = 1) {
    const ResWord st = attn_multi(drv, q, mask, t, out, failed, dtype);
    for (uint32_t g = 0; g < kGroups; ++g) EXPECT_TRUE(out[g].empty()) << "an output before the status";
    return st.error;
  };
  EXPECT_EQ(code(0, 1), core::kErrAttnMask);           // empty mask
  EXPECT_EQ(code(4, 1), core::kErrAttnMask);           // slot 2 >= KvGroups
  EXPECT_EQ(code(0x80000001u, 1), core::kErrAttnMask); // slot 31
  EXPECT_EQ(code(3, 1), core::kErrAttnGroup);          // slot 1 holds no sequence
  EXPECT_EQ(code(1, 0), core::kErrAttnTokens);         // zero tokens
  EXPECT_EQ(code(1, 5), core::kErrAttnTokens);         // more than appended
  EXPECT_EQ(code(1, 2, 0), 2);                         // dtype INT8
  append(drv, rng, 1, 2, kD1, keys[1], values[1]);
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(code(3, 3), core::kErrAttnTokens);         // slot 1 has only 2 tokens
  // q of slot 0 only, for both slots: K = 128, not 128 + 256
  {
    drv.push_cmd({core::kOpLoadAct, 1, false, kD0, 0, 0, 0});
    drv.push_act(q[0], true);
    ASSERT_TRUE(drv.wait_status(200000));
    drv.results().clear();
    drv.push_cmd({core::kOpAttnMulti, 1, false, 2, 3, 0, 0});
    ASSERT_TRUE(drv.wait_status(1000));
    EXPECT_EQ(drv.results().back().error, core::kErrAttnQlen);
    EXPECT_EQ(drv.results().size(), 1u);
    drv.results().clear();
  }
  // q loaded as INT8 of the right length
  {
    model::ActVector q8(kD0 + kD1, 1);
    drv.push_cmd({core::kOpLoadAct, 0, false, kD0 + kD1, 0, 0, 0});
    drv.push_act(q8, false);
    ASSERT_TRUE(drv.wait_status(200000));
    drv.results().clear();
    drv.push_cmd({core::kOpAttnMulti, 1, false, 2, 3, 0, 0});
    ASSERT_TRUE(drv.wait_status(1000));
    EXPECT_EQ(drv.results().back().error, core::kErrAttnQlen);
    drv.results().clear();
  }
  // And the next ATTN_MULTI works, bit-exact, and then a one-group ATTN.
  const ResWord st = attn_multi(drv, q, 3, 2, out, failed);
  EXPECT_EQ(st.error, 0) << core::error_name(st.error);
  EXPECT_EQ(out[0], reference_attention(keys[0], values[0], q[0], 2, kD0));
  EXPECT_EQ(out[1], reference_attention(keys[1], values[1], q[1], 2, kD1));
  std::vector<uint32_t> one;
  bool f1 = false;
  EXPECT_EQ(attn(drv, q[1], 1, 2, one, f1), 0);
  EXPECT_EQ(one, out[1]);
  EXPECT_EQ(drv.csr(core::kLastError), 0u);
}

// A NAND that stops answering at the second slot's K read: slot 0's outputs are out (bit-exact),
// the watchdog counts slot 1's D outputs failed, and the next ATTN_MULTI is bit-exact.
TEST_F(AttnCore, WatchdogInTheSecondSlotOfAnAttnMulti) {
  const uint64_t seed = test_seed("AttnCore.WatchdogMulti", 24);
  std::mt19937_64 rng(seed);
  CoreDriver& drv = bring_up(seed);
  constexpr uint32_t kD = kSegElems, kTokens = rtl_kv_stripe_segs();  // one full stripe per stream: one NAND read a
                                                                       // phase (D 128, 256 tokens at 256 B)
  std::vector<model::ActVector> keys[kGroups], values[kGroups];
  for (uint32_t g = 0; g < kGroups; ++g) append(drv, rng, g, kTokens, kD, keys[g], values[g]);
  ASSERT_FALSE(HasFatalFailure());
  sim().cycle(10000);
  drv.csr_write(core::kWatchdogCycles, 20000);
  std::vector<model::ActVector> q = {normal_bf16(rng, kD, 0.1f), normal_bf16(rng, kD, 0.1f)};
  std::vector<uint32_t> out[kGroups];
  bool failed[kGroups];
  const auto& cs = cosim_->stats();
  cosim_->hang_after(cs.commands + cs.retry_reads + cs.hung_commands + 2);  // K0, V0 answer; K1 hangs
  const ResWord st = attn_multi(drv, q, 3, kTokens, out, failed);
  EXPECT_EQ(st.error, core::kErrWatchdog) << core::error_name(st.error);
  EXPECT_EQ(uint32_t(st.raw), kD) << "slot 1's outputs counted failed";
  EXPECT_EQ(out[0], reference_attention(keys[0], values[0], q[0], kTokens, kD));
  EXPECT_FALSE(failed[0]);
  EXPECT_TRUE(out[1].empty());
  cosim_->hang_after(UINT64_MAX);
  sim().cycle(30000);
  const ResWord st2 = attn_multi(drv, q, 3, kTokens, out, failed);
  EXPECT_EQ(st2.error, 0) << core::error_name(st2.error);
  for (uint32_t g = 0; g < kGroups; ++g)
    EXPECT_EQ(out[g], reference_attention(keys[g], values[g], q[g], kTokens, kD)) << "slot " << g;
}

TEST_F(AttnCore, MalformedAttnGetsItsErrorAndTheNextCommandWorks) {
  const uint64_t seed = test_seed("AttnCore.Malformed", 11);
  std::mt19937_64 rng(seed);
  CoreDriver& drv = bring_up(seed);
  constexpr uint32_t kD = kSegElems;  // 128 at 256 B segments
  std::vector<model::ActVector> keys, values;
  append(drv, rng, 0, 3, kD, keys, values);
  ASSERT_FALSE(HasFatalFailure());
  const auto q = normal_bf16(rng, kD, 0.1f);
  std::vector<uint32_t> out;
  bool failed = false;
  EXPECT_EQ(attn(drv, q, 5, 1, out, failed), core::kErrAttnGroup);   // slot out of range
  EXPECT_EQ(attn(drv, q, 1, 1, out, failed), core::kErrAttnGroup);   // slot 1 holds no sequence
  EXPECT_EQ(attn(drv, q, 0, 0, out, failed), core::kErrAttnTokens);  // zero tokens
  EXPECT_EQ(attn(drv, q, 0, 4, out, failed), core::kErrAttnTokens);  // more than appended
  EXPECT_TRUE(out.empty());
  const auto q256 = normal_bf16(rng, 2 * kD, 0.1f);
  EXPECT_EQ(attn(drv, q256, 0, 3, out, failed), 5);                    // q is not of the slot's D
  drv.push_cmd({core::kOpLoadAct, 1, false, kD, 0, 0, 0});
  drv.push_act(q, true);
  ASSERT_TRUE(drv.wait_status(200000));
  drv.results().clear();
  drv.push_cmd({core::kOpAttn, 0, false, 3, 0, 0, 0});                 // dtype INT8
  ASSERT_TRUE(drv.wait_status(1000));
  EXPECT_EQ(drv.results().back().error, 2);
  drv.results().clear();
  // D past the p.V accumulator (AttnMaxD = 8192): slot 1 with one token of D = 16384.
  std::vector<model::ActVector> big_k, big_v;
  append(drv, rng, 1, 1, 16384, big_k, big_v);
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(attn(drv, q, 1, 1, out, failed), core::kErrAttnLimit);
  // And the next ATTN works, bit-exact.
  EXPECT_EQ(attn(drv, q, 0, 3, out, failed), 0);
  EXPECT_FALSE(failed);
  EXPECT_EQ(out, reference_attention(keys, values, q, 3, kD));
  EXPECT_EQ(drv.csr(core::kLastError), 0u);
}

// A NAND that stops answering during the q.K^T phase, then during the p.V phase: the watchdog ends
// the ATTN with WATCHDOG (every output counted failed), the datapath, the softmax, the reorder
// buffer, the p.V lane and the write-buffer reader are flushed, and the next ATTN is bit-exact.
TEST_F(AttnCore, WatchdogEndsAHungAttnAndTheNextOneWorks) {
  const uint64_t seed = test_seed("AttnCore.Watchdog", 13);
  std::mt19937_64 rng(seed);
  CoreDriver& drv = bring_up(seed);
  NandCosim<Vifc_core>& cosim = *cosim_;
  // One stripe in flash, 44 tokens in the open stripe (D 128, 300 tokens at 256 B segments).
  constexpr uint32_t kD = kSegElems, kTokens = rtl_kv_stripe_segs() + 44;
  std::vector<model::ActVector> keys, values;
  append(drv, rng, 0, kTokens, kD, keys, values);
  ASSERT_FALSE(HasFatalFailure());
  sim().cycle(10000);
  drv.csr_write(core::kWatchdogCycles, 20000);
  std::vector<uint32_t> out;
  bool failed = false;
  for (uint64_t hang_at : {0u, 1u}) {  // the K page read, then the V page read
    const auto& st = cosim.stats();
    cosim.hang_after(st.commands + st.retry_reads + st.hung_commands + hang_at);
    const auto q = normal_bf16(rng, kD, 0.1f);
    drv.push_cmd({core::kOpLoadAct, 1, false, kD, 0, 0, 0});
    drv.push_act(q, true);
    ASSERT_TRUE(drv.wait_status(200000));
    drv.results().clear();
    drv.push_cmd({core::kOpAttn, 1, false, kTokens, 0, 0, 0});
    ASSERT_TRUE(drv.wait_status(2000000)) << "the watchdog did not fire";
    const ResWord stw = drv.results().back();
    EXPECT_EQ(stw.error, core::kErrWatchdog) << core::error_name(stw.error);
    EXPECT_EQ(drv.results().size(), 1u) << "no output before the p.V lane has every token";
    EXPECT_EQ(uint32_t(stw.raw), kD) << "every output counted failed";
    EXPECT_EQ(drv.csr(core::kStatus), 0u);
    drv.results().clear();
    cosim.hang_after(UINT64_MAX);
    sim().cycle(30000);  // whatever the reset NAND interface still had in flight is gone
    EXPECT_EQ(attn(drv, q, 0, kTokens, out, failed), 0);
    EXPECT_FALSE(failed);
    EXPECT_EQ(out, reference_attention(keys, values, q, kTokens, kD)) << "hang at command +" << hang_at;
  }
  EXPECT_EQ(drv.csr(core::kWatchdogEvents), 2u);
}

}  // namespace
}  // namespace ifc::tb
