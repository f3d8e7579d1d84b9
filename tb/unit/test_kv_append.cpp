// ifc_kv_append (the KV-cache write path) against ifc::model::KvAppendModel: every programmed page
// (plane, page index, data + spare bytes incl. BCH parity and CRC-32C), the mapping table, the
// allocator limit, the counters and every error code, with random stalls on both streams.
#include <gtest/gtest.h>

#include <deque>
#include <random>

#include "Vifc_kv_append.h"
#include "common/bits.hpp"
#include "common/rtl_fixture.hpp"
#include "common/rtl_params.hpp"
#include "common/seed.hpp"
#include "model/kv_model.hpp"
#include "model/segment_format.hpp"

namespace ifc::tb {
namespace {

constexpr uint32_t kGroups = 2, kMaxRuns = 16;  // ifc_pkg DEF_KV_GROUPS / DEF_KV_MAX_RUNS
constexpr uint32_t kPageBytes = IFC_RTL_PAGE_DATA_BYTES + IFC_RTL_PAGE_SPARE_BYTES;
constexpr uint32_t kBond = IFC_RTL_BOND_BYTES;

class KvAppend : public RtlFixture<Vifc_kv_append> {
 protected:
  std::mt19937_64 rng{1};
  double in_prob = 1.0, prg_prob = 1.0;
  std::vector<model::KvProgram> programs;  // pages seen on nand_prg_*
  std::vector<uint8_t> cur;                // page being received
  int cur_plane = -1;
  uint32_t cur_page = 0;
  uint64_t prg_beats_checked = 0;

  void start_sim(uint64_t seed) {
    rng.seed(seed);
    auto& t = top();
    t.start_i = 0;
    t.in_valid_i = 0;
    t.nand_prg_ready_i = 0;
    t.base_we_i = 0;
    t.map_re_i = 0;
    sim().reset(4);
  }

  /// One cycle: samples a program beat if it transfers.
  void step() {
    auto& t = top();
    std::bernoulli_distribution rdy(prg_prob);
    t.nand_prg_ready_i = rdy(rng);
    t.eval();
    if (t.nand_prg_valid_o && t.nand_prg_ready_i) {
      if (cur.empty()) {
        cur_plane = t.nand_prg_plane_o;
        cur_page = t.nand_prg_page_o;
      }
      EXPECT_EQ(int(t.nand_prg_plane_o), cur_plane);
      EXPECT_EQ(t.nand_prg_page_o, cur_page);
      for (unsigned b = 0; b < kBond; ++b) cur.push_back(uint8_t(get_bits(t.nand_prg_data_o, b * 8, 8)));
      const bool last = t.nand_prg_last_o;
      EXPECT_EQ(last, cur.size() == kPageBytes) << "page beats " << cur.size() / kBond;
      if (last || cur.size() >= kPageBytes) {
        programs.push_back({uint32_t(cur_plane), cur_page, cur});
        cur.clear();
      }
    }
    sim().cycle();
  }

  void set_base(uint32_t base) {
    auto& t = top();
    t.base_we_i = 1;
    t.base_i = base;
    step();
    t.base_we_i = 0;
  }

  uint32_t read_map(uint32_t idx) {
    auto& t = top();
    t.map_re_i = 1;
    t.map_idx_i = idx;
    step();
    t.map_re_i = 0;
    t.eval();
    return t.map_rdata_o;
  }

  /// Runs one append; `beat_delta` adds (> 0) or drops (< 0) beats. Returns err_o at done_o.
  uint8_t append(uint8_t dtype, uint32_t d, uint32_t group, uint32_t token, const std::vector<uint16_t>& k,
                 const std::vector<uint16_t>& v, int beat_delta = 0) {
    auto& t = top();
    std::vector<uint64_t> beats;
    std::vector<uint16_t> all(k);
    all.insert(all.end(), v.begin(), v.end());
    for (size_t i = 0; i < all.size(); i += 4) {
      uint64_t w = 0;
      for (size_t j = 0; j < 4 && i + j < all.size(); ++j) w |= uint64_t(all[i + j]) << (16 * j);
      beats.push_back(w);
    }
    if (beat_delta > 0) for (int i = 0; i < beat_delta; ++i) beats.push_back(rng());
    if (beat_delta < 0) beats.resize(beats.size() - size_t(-beat_delta));
    EXPECT_TRUE(t.idle_o);
    t.start_i = 1;
    t.dtype_i = dtype;
    t.d_i = d;
    t.group_i = group;
    t.token_i = token;
    step();
    t.start_i = 0;
    size_t next = 0;
    std::bernoulli_distribution vld(in_prob);
    for (uint64_t guard = 0; guard < 2000000; ++guard) {
      t.in_valid_i = next < beats.size() && vld(rng);
      if (t.in_valid_i) {
        t.in_data_i = beats[next];
        t.in_last_i = next + 1 == beats.size();
      }
      t.eval();
      const bool fire = t.in_valid_i && t.in_ready_o;
      if (t.done_o) {
        const uint8_t e = t.err_o;
        t.in_valid_i = 0;
        step();
        EXPECT_EQ(next, beats.size()) << "done before the stream's last beat";
        return e;
      }
      step();
      if (fire) ++next;
    }
    ADD_FAILURE() << "no done_o";
    return 0xFF;
  }

  static std::vector<uint16_t> row(std::mt19937_64& r, uint32_t d) {
    std::vector<uint16_t> x(d);
    for (auto& e : x) e = uint16_t(r());
    return x;
  }

  void expect_programs_match(const std::vector<model::KvProgram>& want) {
    ASSERT_EQ(programs.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(programs[i].plane, want[i].plane) << "program " << i;
      EXPECT_EQ(programs[i].page, want[i].page) << "program " << i;
      EXPECT_TRUE(programs[i].bytes == want[i].bytes) << "program " << i << " (plane " << want[i].plane
                                                        << ", page " << want[i].page << ") bytes differ";
    }
  }
};

TEST_F(KvAppend, RandomAppendsProgramTheModelsPagesAndMapping) {
  const uint64_t seed = test_seed("KvAppend.Random", 11);
  start_sim(seed);
  in_prob = 0.8;
  prg_prob = 0.7;
  model::KvAppendModel m(rtl_weight_layout(), rtl_segment_format(), kGroups, kMaxRuns, IFC_TB_KV_PAGES);
  std::mt19937_64 r(seed);
  set_base(2);
  m.set_base(2);
  // group 0: D = 2048 (16 tokens a stripe), group 1: D = 4096 (8 tokens a stripe), interleaved as
  // in decoding; pages 2..11 give each of the 4 streams a 2-page region: after 2 stripe pairs a
  // group's next completing append gets ERR_KV_FULL.
  const uint32_t d[2] = {2048, 4096};
  uint32_t tok[2] = {0, 0};
  std::vector<model::KvProgram> want;
  bool full_g[2] = {false, false};
  unsigned full = 0;
  for (int step_i = 0; step_i < 400 && !(full_g[0] && full_g[1]); ++step_i) {
    const uint32_t g = uint32_t(r() % 2);
    const auto k = row(r, d[g]), v = row(r, d[g]);
    const uint8_t e_model = m.append(1, d[g], g, tok[g], k, v, want);
    const uint8_t e = append(1, d[g], g, tok[g], k, v);
    ASSERT_EQ(e, e_model) << "token " << tok[g] << " of group " << g;
    if (e == model::KvAppendModel::kOk) ++tok[g];
    if (e == model::KvAppendModel::kErrFull) {
      ++full;
      full_g[g] = true;
    }
  }
  for (int i = 0; i < 20; ++i) step();
  EXPECT_TRUE(full_g[0] && full_g[1]) << "a region never filled (" << full << " KV_FULL)";
  EXPECT_EQ(m.region_pages(), 2u);
  expect_programs_match(want);
  EXPECT_EQ(top().perf_pages_o, m.pages_programmed());
  EXPECT_EQ(top().perf_tokens_o, m.tokens_appended());
  EXPECT_EQ(top().base_o, m.base());
  EXPECT_EQ(top().region_o, m.region_pages());
  unsigned mapped = 0;
  for (uint32_t g = 0; g < kGroups; ++g) {
    for (uint32_t kv = 0; kv < 2; ++kv) {
      for (uint32_t run = 0; run < kMaxRuns; ++run) {
        if (m.map(g, kv, run) == UINT32_MAX) continue;
        ++mapped;
        EXPECT_EQ(read_map(m.map_index(g, kv, run)), m.map(g, kv, run)) << g << "," << kv << "," << run;
      }
    }
  }
  EXPECT_EQ(mapped, 8u);  // 2 stripe pairs per group slot
}

TEST_F(KvAppend, ProgrammedPagesDecodeCleanAndHoldTheRows) {
  // Independent of the model: the programmed K page decodes Clean with the golden codec and holds
  // the rows in the GEMV layout (token t, segment s -> plane (t*S+s) % P, slot (t*S+s) / P).
  start_sim(test_seed("KvAppend.Decode", 5));
  std::mt19937_64 r(5);
  const uint32_t d = 8192, S = d / 128, tps = IFC_RTL_PLANES * (IFC_RTL_PAGE_DATA_BYTES / 256) / S;
  std::vector<std::vector<uint16_t>> ks;
  for (uint32_t t = 0; t < tps; ++t) {
    ks.push_back(row(r, d));
    ASSERT_EQ(append(1, d, 0, t, ks.back(), row(r, d)), 0);
  }
  ASSERT_EQ(programs.size(), 2u * IFC_RTL_PLANES);
  const model::SegmentCodec codec(rtl_segment_format());
  for (uint32_t pl = 0; pl < IFC_RTL_PLANES; ++pl) {
    const auto& pg = programs[pl].bytes;
    for (uint32_t j = 0; j < IFC_RTL_PAGE_DATA_BYTES / 256; ++j) {
      const auto res = codec.decode_page_segment(pg.data(), IFC_RTL_PAGE_DATA_BYTES, pg.data() + IFC_RTL_PAGE_DATA_BYTES,
                                                 IFC_RTL_PAGE_SPARE_BYTES, j);
      ASSERT_EQ(res.outcome, model::SegmentOutcome::Clean) << "plane " << pl << " segment " << j;
      const uint32_t n = j * IFC_RTL_PLANES + pl, t = n / S, s = n % S;
      for (uint32_t e = 0; e < 128; ++e)
        ASSERT_EQ(uint16_t(res.payload[2 * e] | (res.payload[2 * e + 1] << 8)), ks[t][s * 128 + e]);
    }
  }
}

TEST_F(KvAppend, MalformedAppendsGetTheirErrorCodes) {
  start_sim(test_seed("KvAppend.Errors", 3));
  std::mt19937_64 r(3);
  const auto k = row(r, 2048), v = row(r, 2048);
  EXPECT_EQ(append(0, 2048, 0, 0, k, v), 2);                              // INT8: ERR_DTYPE
  EXPECT_EQ(append(1, 100, 0, 0, row(r, 100), row(r, 100)), 3);           // D not whole segments
  EXPECT_EQ(append(1, 384, 0, 0, row(r, 384), row(r, 384)), 3);           // 3 segments a row
  EXPECT_EQ(append(1, 2048, 2, 0, k, v), 12);                             // group slot 2
  EXPECT_EQ(append(1, 2048, 0, 0, k, v), 0);
  EXPECT_EQ(append(1, 2048, 0, 2, k, v), 10);                             // token 2 after token 0
  EXPECT_EQ(append(1, 4096, 0, 1, row(r, 4096), row(r, 4096)), 10);       // D changed mid-stream
  EXPECT_EQ(append(1, 2048, 0, 1, k, v, -1), 6);                          // one beat short
  EXPECT_EQ(append(1, 2048, 0, 1, k, v, 3), 6);                           // three beats long
  EXPECT_EQ(append(1, 2048, 0, 1, k, v), 0);                              // the retry works
  EXPECT_EQ(append(1, 2048, 0, 16 * kMaxRuns, k, v), 10);
  EXPECT_EQ(top().perf_tokens_o, 2u);
  EXPECT_TRUE(programs.empty());
}

}  // namespace
}  // namespace ifc::tb
