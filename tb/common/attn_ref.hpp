// The reference of the ATTN command (docs/kvnand.md): q.K^T of the first t tokens with the GEMV
// numerics (model::reference_gemv, rows = tokens), model::softmax_ref, model::pv_ref. Shared by
// the ATTN system test and the KV benchmark.
#pragma once

#include <cstdint>
#include <vector>

#include "common/kv_data.hpp"
#include "common/rtl_params.hpp"
#include "model/gemv_ref.hpp"
#include "model/softmax_model.hpp"
#include "model/weight_image.hpp"

namespace ifc::tb {

inline std::vector<uint32_t> reference_attention(const std::vector<model::ActVector>& keys,
                                                 const std::vector<model::ActVector>& values,
                                                 const model::ActVector& q, uint32_t t, uint32_t d) {
  const model::WeightImage img(rtl_weight_layout(0), rtl_segment_format(), model::Dtype::kBf16, t, d,
                               bf16_row_bytes(keys, 0, t));
  const auto scores = model::reference_gemv(img, q, IFC_RTL_PE_MACS);
  const auto p = model::softmax_ref(scores).p;
  return model::pv_ref(p, std::vector<model::ActVector>(values.begin(), values.begin() + t));
}

}  // namespace ifc::tb
