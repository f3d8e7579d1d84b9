#include "model/gemv_ref.hpp"

#include <stdexcept>

#include "model/numerics.hpp"

namespace ifc::model {

namespace {

int32_t sext4(uint8_t nib) { return (nib & 0x8) ? int32_t(nib) - 16 : int32_t(nib); }

uint32_t tree_sum(std::vector<uint32_t>& v) {
  // Pairwise adder tree: level 0 adds (v0+v1), (v2+v3), ...; then adjacent sums; ...
  while (v.size() > 1) {
    std::vector<uint32_t> next;
    for (size_t i = 0; i + 1 < v.size(); i += 2) next.push_back(fp32_add(v[i], v[i + 1]));
    if (v.size() % 2) next.push_back(v.back());
    v.swap(next);
  }
  return v[0];
}

}  // namespace

uint32_t reference_segment(const WeightImage& w, const ActVector& act, uint32_t r, uint32_t s, unsigned macs) {
  const auto& lay = w.layout();
  const uint32_t e = lay.elems_per_seg(w.dtype());
  std::vector<uint8_t> pay(lay.seg_payload_bytes);
  w.segment_payload(r, s, pay.data());
  auto a_at = [&](uint64_t idx) -> uint16_t { return idx < act.size() ? act[idx] : uint16_t{0}; };
  const uint64_t a0 = uint64_t(s) * e;
  switch (w.dtype()) {
    case Dtype::kInt8: {
      uint32_t acc = 0;
      for (uint32_t i = 0; i < e; ++i)
        acc += uint32_t(int32_t(int8_t(pay[i])) * int32_t(int16_t(a_at(a0 + i))));
      return acc;
    }
    case Dtype::kInt4: {
      uint32_t acc = 0;
      for (uint32_t i = 0; i < e; ++i) {
        const uint8_t nib = (i % 2 == 0) ? (pay[i / 2] & 0xF) : (pay[i / 2] >> 4);
        acc += uint32_t(sext4(nib) * int32_t(int16_t(a_at(a0 + i))));
      }
      return acc;
    }
    case Dtype::kBf16: {
      uint32_t acc = 0;  // +0.0
      for (uint32_t c = 0; c < e; c += macs) {
        std::vector<uint32_t> prods;
        for (uint32_t j = 0; j < macs; ++j) {
          const uint32_t i = c + j;
          const uint16_t wv = i < e ? uint16_t(pay[2 * i] | (pay[2 * i + 1] << 8)) : 0;
          prods.push_back(bf16_mul_fp32(wv, a_at(a0 + i)));
        }
        acc = fp32_add(acc, tree_sum(prods));
      }
      return acc;
    }
  }
  throw std::logic_error("reference_segment: bad dtype");
}

std::vector<uint32_t> reference_gemv(const WeightImage& w, const ActVector& act, unsigned macs) {
  std::vector<uint32_t> y(w.rows());
  const uint32_t spr = w.segs_per_row();
  for (uint32_t r = 0; r < w.rows(); ++r) {
    uint32_t row = 0;
    for (uint32_t s = 0; s < spr; ++s) {
      const uint32_t ps = reference_segment(w, act, r, s, macs);
      row = w.dtype() == Dtype::kBf16 ? fp32_add(row, ps) : row + ps;
    }
    y[r] = row;
  }
  return y;
}

}  // namespace ifc::model
