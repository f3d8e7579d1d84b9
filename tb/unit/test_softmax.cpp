// ifc_softmax against ifc::model::softmax_ref (bit for bit) and against double precision (the
// documented error bound), over random score vectors of many scales and lengths, and edge inputs
// (ties, a dominant score, -inf, +inf, NaN, subnormals, huge magnitudes), with random stalls.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "Vifc_softmax.h"
#include "common/rtl_fixture.hpp"
#include "common/seed.hpp"
#include "model/numerics.hpp"
#include "model/softmax_model.hpp"

namespace ifc::tb {
namespace {

constexpr double kRelBound = 4.0e-3;               // bf16 rounding (u = 2^-8 = 3.9e-3) + the fixed-point path
constexpr double kAbsBound = 1.0 / (1 << 22);       // Q24 grain: truncations and flushed tails

uint32_t fbits(float f) { return model::fp32_bits(f); }

/// Max relative error (over p_ref >= 2^-10) and max absolute error of `p` against double softmax.
std::pair<double, double> error_vs_double(const std::vector<uint32_t>& s, const std::vector<uint16_t>& p) {
  double mx = -INFINITY;
  for (uint32_t x : s) mx = std::max(mx, double(model::fp32_from_bits(x)));
  double sum = 0;
  for (uint32_t x : s) sum += std::exp(double(model::fp32_from_bits(x)) - mx);
  double rel = 0, abs_e = 0;
  for (size_t t = 0; t < s.size(); ++t) {
    const double ref = std::exp(double(model::fp32_from_bits(s[t])) - mx) / sum;
    const double got = double(model::bf16_to_float(p[t]));
    abs_e = std::max(abs_e, std::fabs(got - ref));
    if (ref >= 1.0 / (1 << 10)) rel = std::max(rel, std::fabs(got - ref) / ref);
    EXPECT_LE(std::fabs(got - ref), kRelBound * ref + kAbsBound) << "t " << t << " of " << s.size();
  }
  return {rel, abs_e};
}

class Softmax : public RtlFixture<Vifc_softmax> {
 protected:
  std::mt19937_64 rng{1};
  double in_prob = 1.0, out_prob = 1.0;

  void start(uint64_t seed) {
    rng.seed(seed);
    top().in_valid_i = 0;
    top().out_ready_i = 0;
    sim().reset(4);
  }

  std::vector<uint16_t> run(const std::vector<uint32_t>& s) {
    auto& t = top();
    std::vector<uint16_t> out;
    size_t next = 0;
    std::bernoulli_distribution iv(in_prob), orr(out_prob);
    for (uint64_t guard = 0; guard < 100000 + 8 * s.size(); ++guard) {
      t.in_valid_i = next < s.size() && iv(rng);
      if (t.in_valid_i) {
        t.in_score_i = s[next];
        t.in_last_i = next + 1 == s.size();
      }
      t.out_ready_i = orr(rng);
      t.eval();
      if (t.in_valid_i && t.in_ready_o) ++next;
      if (t.out_valid_o && t.out_ready_i) {
        out.push_back(t.out_p_o);
        EXPECT_EQ(bool(t.out_last_o), out.size() == s.size());
        if (t.out_last_o) {
          sim().cycle();
          t.in_valid_i = 0;
          return out;
        }
      }
      sim().cycle();
    }
    ADD_FAILURE() << "no last probability";
    return out;
  }

  void check(const std::vector<uint32_t>& s, bool vs_double = true) {
    const auto ref = model::softmax_ref(s);
    const auto got = run(s);
    ASSERT_EQ(got.size(), s.size());
    for (size_t i = 0; i < s.size(); ++i) ASSERT_EQ(got[i], ref.p[i]) << "score " << i << " of " << s.size();
    EXPECT_EQ(top().sum_o, ref.sum);
    if (vs_double) error_vs_double(s, got);
  }
};

TEST_F(Softmax, RandomVectorsAreBitExactAndWithinTheErrorBound) {
  const uint64_t seed = test_seed("Softmax.Random", 21);
  start(seed);
  in_prob = 0.8;
  out_prob = 0.7;
  std::mt19937_64 r(seed);
  const double scales[] = {0.01, 0.3, 1.0, 3.0, 10.0, 40.0};
  for (int v = 0; v < 40; ++v) {
    const uint32_t n = v < 2 ? 4096 : 1 + uint32_t(r() % 700);
    std::normal_distribution<float> nd(float(r() % 200) - 100.0f, float(scales[r() % 6]));
    std::vector<uint32_t> s(n);
    for (auto& x : s) x = fbits(nd(r));
    check(s);
  }
}

TEST_F(Softmax, EdgeInputs) {
  start(test_seed("Softmax.Edge", 4));
  const uint32_t ninf = 0xFF800000, pinf = 0x7F800000, nan = 0x7FC00000;
  check({fbits(1.5f)});                                               // one score: p = 1
  EXPECT_EQ(model::softmax_ref({fbits(1.5f)}).p[0], 0x3F80);
  check(std::vector<uint32_t>(1000, fbits(-7.25f)));                  // ties: uniform 1/1000
  check({fbits(0.0f), fbits(100.0f), fbits(-100.0f), fbits(99.0f)});  // dominant pair, vanishing tail
  check({fbits(3.0f), ninf, fbits(2.0f), ninf});                      // -inf -> 0
  check({0x00000001, 0x80000001, fbits(0.0f), fbits(-0.0f)});         // subnormals are 0: uniform
  check({fbits(1e9f), fbits(1e9f + 64.0f), fbits(-1e9f)});            // large magnitudes, exact in Q31.16
  // Non-finite and saturated scores: bit-exact with the model, defined results.
  check({nan, fbits(1.0f), fbits(2.0f)}, false);                      // NaN -> p = 0
  EXPECT_EQ(model::softmax_ref({nan, fbits(1.0f)}).p[0], 0);
  check({pinf, fbits(1.0f), fbits(3e38f)}, false);                    // +inf and 3e38 saturate: tie
  check({ninf, ninf}, false);                                         // all -inf: uniform
  EXPECT_EQ(model::softmax_ref({ninf, ninf}).p[0], 0x3F00);
}

TEST(SoftmaxModel, ErrorBoundOverManyVectors) {
  // The model alone (no RTL), over many vectors: the measured worst case is printed for docs/kvnand.md.
  const uint64_t seed = test_seed("SoftmaxModel.Bound", 8);
  std::mt19937_64 r(seed);
  double rel = 0, abs_e = 0;
  for (int v = 0; v < 2000; ++v) {
    const uint32_t n = 1 + uint32_t(r() % 2048);
    std::normal_distribution<float> nd(0.0f, float(std::ldexp(1.0, int(r() % 12) - 4)));
    std::vector<uint32_t> s(n);
    for (auto& x : s) x = fbits(nd(r));
    const auto [re, ae] = error_vs_double(s, model::softmax_ref(s).p);
    rel = std::max(rel, re);
    abs_e = std::max(abs_e, ae);
  }
  std::printf("  softmax vs double over 2000 vectors: max relative error %.3e (p >= 2^-10), max absolute %.3e\n",
              rel, abs_e);
  EXPECT_LE(rel, kRelBound);
  EXPECT_GT(rel, 1e-4);  // the bf16 rounding must show: a zero error would mean the check is vacuous
}

}  // namespace
}  // namespace ifc::tb
