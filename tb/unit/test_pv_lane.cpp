// ifc_pv_lane (p . V, the second PE-lane mode) bit for bit against ifc::model::pv_ref: random
// probabilities (from the softmax model) and V rows, random lengths and stalls, and special values.
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "Vifc_pv_lane.h"
#include "common/bits.hpp"
#include "common/rtl_fixture.hpp"
#include "common/seed.hpp"
#include "model/numerics.hpp"
#include "model/softmax_model.hpp"

namespace ifc::tb {
namespace {

constexpr unsigned kMacs = IFC_TB_PV_MACS;  // bf16 of V a beat (sim/CMakeLists.txt: the core's 8)

class PvLane : public RtlFixture<Vifc_pv_lane> {
 protected:
  std::mt19937_64 rng{1};
  double tok_prob = 1.0, v_prob = 1.0, out_prob = 1.0;

  void start(uint64_t seed) {
    rng.seed(seed);
    top().start_i = 0;
    top().tok_valid_i = 0;
    top().v_valid_i = 0;
    top().out_ready_i = 0;
    sim().reset(4);
  }

  std::vector<uint32_t> run(const std::vector<uint16_t>& p, const std::vector<std::vector<uint16_t>>& v) {
    auto& t = top();
    const uint32_t d = uint32_t(v[0].size());
    t.start_i = 1;
    t.d_i = d;
    sim().cycle();
    t.start_i = 0;
    std::vector<uint32_t> out;
    size_t tok = 0, beat = 0;
    bool p_sent = false;
    std::bernoulli_distribution tp(tok_prob), vp(v_prob), op(out_prob);
    for (uint64_t guard = 0; guard < 100000 + 4 * p.size() * d; ++guard) {
      t.tok_valid_i = tok < p.size() && !p_sent && tp(rng);
      if (t.tok_valid_i) {
        t.tok_p_i = p[tok];
        t.tok_last_i = tok + 1 == p.size();
      }
      t.v_valid_i = tok < p.size() && p_sent && vp(rng);
      if (t.v_valid_i) {
        for (unsigned e = 0; e < kMacs; ++e) set_bits(t.v_data_i, 16 * e, 16, v[tok][beat * kMacs + e]);
      }
      t.out_ready_i = op(rng);
      t.eval();
      if (t.tok_valid_i && t.tok_ready_o) p_sent = true;
      if (t.v_valid_i && t.v_ready_o && ++beat == d / kMacs) {
        beat = 0;
        p_sent = false;
        ++tok;
      }
      if (t.out_valid_o && t.out_ready_i) {
        out.push_back(t.out_data_o);
        EXPECT_EQ(bool(t.out_last_o), out.size() == d);
        if (t.out_last_o) {
          sim().cycle();
          t.tok_valid_i = 0;
          t.v_valid_i = 0;
          return out;
        }
      }
      sim().cycle();
    }
    ADD_FAILURE() << "no last output";
    return out;
  }

  void check(const std::vector<uint16_t>& p, const std::vector<std::vector<uint16_t>>& v) {
    const auto ref = model::pv_ref(p, v);
    const auto got = run(p, v);
    ASSERT_EQ(got.size(), ref.size());
    for (size_t i = 0; i < ref.size(); ++i) ASSERT_EQ(got[i], ref[i]) << "element " << i << " of " << ref.size();
  }
};

uint16_t bf16_of(float f) { return model::float_to_bf16(f); }

TEST_F(PvLane, RandomAttentionRowsAreBitExact) {
  const uint64_t seed = test_seed("PvLane.Random", 31);
  start(seed);
  tok_prob = 0.8;
  v_prob = 0.8;
  out_prob = 0.7;
  std::mt19937_64 r(seed);
  std::normal_distribution<float> nd(0.0f, 1.0f);
  const uint32_t ds[] = {kMacs, 2 * kMacs, 128, 512, 1024};
  for (int c = 0; c < 24; ++c) {
    const uint32_t d = ds[r() % 5], n = 1 + uint32_t(r() % 300);
    std::vector<uint32_t> scores(n);
    for (auto& s : scores) s = model::fp32_bits(3.0f * nd(r));
    const auto p = model::softmax_ref(scores).p;  // real probabilities, as ifc_softmax makes them
    std::vector<std::vector<uint16_t>> v(n, std::vector<uint16_t>(d));
    for (auto& row : v)
      for (auto& e : row) e = bf16_of(nd(r));
    check(p, v);
  }
}

TEST_F(PvLane, SpecialValues) {
  start(test_seed("PvLane.Special", 2));
  const uint16_t inf = 0x7F80, ninf = 0xFF80, nan = 0x7FC1, sub = 0x0001, one = 0x3F80, big = 0x7F00;
  // 0 x inf -> NaN; inf + -inf -> NaN; subnormal V flushes; overflow to inf; signed zeros.
  check({one, 0x0000, one}, {{inf, one, sub, big, 0x8000, one, nan, 0x3F00},
                             {inf, one, one, big, 0x8000, ninf, one, 0x3F00},
                             {one, ninf, one, big, 0x8000, one, one, 0xBF00}});
  check({0x3F00, 0x3F00}, {{big, big, big, big, big, big, big, big}, {big, big, big, big, big, big, big, big}});
}

}  // namespace
}  // namespace ifc::tb
