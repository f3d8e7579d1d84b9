#include "model/softmax_model.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ifc::model {

namespace {
constexpr int64_t kFxMax = (int64_t{1} << 47) - 1;
constexpr int64_t kLog2eQ30 = 1549082005;  // round(log2(e) * 2^30)

uint32_t exp2_tab(unsigned i) {
  // round(2^(i/64) * 2^23), i = 0 .. 64 (the RTL's constant table, generated the same way)
  return static_cast<uint32_t>(std::llround(std::ldexp(std::exp2(double(i) / 64.0), 23)));
}
}  // namespace

int64_t softmax_fx(uint32_t x) {
  const unsigned e = (x >> 23) & 0xFF;
  const int64_t m = int64_t((x & 0x7FFFFF) | 0x800000);
  if (e == 255 && (x & 0x7FFFFF) != 0) return -kFxMax;  // NaN
  int64_t mag = 0;
  if (e == 255 || e >= 158) mag = kFxMax;
  else if (e >= 134) mag = m << (e - 134);
  else if (e > 110) mag = m >> (134 - e);
  return (x >> 31) ? -mag : mag;
}

uint32_t softmax_exp_q24(int64_t d) {
  if (d < -2097152) return 0;
  const int64_t y = d * kLog2eQ30;
  const int64_t yq = y >> 30;  // floor (arithmetic shift)
  const uint32_t f = uint32_t(yq & 0xFFFF);
  const int64_t k = -(yq >> 16);
  const uint32_t i = f >> 10, r = f & 0x3FF;
  const uint32_t t0 = exp2_tab(i), t1 = exp2_tab(i + 1);
  const uint32_t interp = t0 + uint32_t((uint64_t(t1 - t0) * r) >> 10);
  if (k >= 26) return 0;
  return (interp << 1) >> k;
}

uint16_t q24_to_bf16(uint32_t p) {
  if (p == 0) return 0;
  unsigned msb = 31 - unsigned(__builtin_clz(p));
  unsigned ex = 103 + msb;
  uint32_t kept;
  if (msb <= 7) {
    kept = p << (7 - msb);
  } else {
    kept = p >> (msb - 7);
    const uint32_t rem = p & ((1u << (msb - 7)) - 1), half = 1u << (msb - 8);
    if (rem > half || (rem == half && (kept & 1))) ++kept;
    if (kept & 0x100) {
      kept >>= 1;
      ++ex;
    }
  }
  return uint16_t((ex << 7) | (kept & 0x7F));
}

SoftmaxResult softmax_ref(const std::vector<uint32_t>& scores) {
  if (scores.empty()) throw std::invalid_argument("softmax_ref: no scores");
  int64_t mx = softmax_fx(scores[0]);
  for (uint32_t s : scores) mx = std::max(mx, softmax_fx(s));
  std::vector<uint32_t> e(scores.size());
  SoftmaxResult r;
  for (size_t t = 0; t < scores.size(); ++t) {
    e[t] = softmax_exp_q24(softmax_fx(scores[t]) - mx);
    r.sum += e[t];
  }
  const uint64_t recip = (uint64_t{1} << 62) / r.sum;
  for (uint32_t et : e) r.p.push_back(q24_to_bf16(uint32_t((uint64_t(et) * recip) >> 38)));
  return r;
}

}  // namespace ifc::model

#include "model/numerics.hpp"

namespace ifc::model {

std::vector<uint32_t> pv_ref(const std::vector<uint16_t>& p, const std::vector<std::vector<uint16_t>>& v) {
  if (p.size() != v.size() || v.empty()) throw std::invalid_argument("pv_ref: one V row per probability");
  std::vector<uint32_t> out(v[0].size(), 0);
  for (size_t t = 0; t < p.size(); ++t) {
    for (size_t i = 0; i < out.size(); ++i) out[i] = fp32_add(out[i], bf16_mul_fp32(p[t], v[t][i]));
  }
  return out;
}

}  // namespace ifc::model
