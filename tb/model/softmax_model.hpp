// Bit-true model of rtl/ifc_softmax.sv: max-subtracted softmax of FP32 scores to bf16
// probabilities, through integer fixed point (the numerics are in the RTL header and
// docs/kvnand.md "Softmax"). Every step is exact integer arithmetic, so this model and the RTL agree
// bit for bit whatever the order.
#pragma once

#include <cstdint>
#include <vector>

namespace ifc::model {

/// FP32 bits -> signed Q31.16, magnitude truncated toward zero; subnormals 0; +-inf and |x| >= 2^31
/// saturate to +-(2^47 - 1); NaN -> -(2^47 - 1).
int64_t softmax_fx(uint32_t fp32);
/// Q24 exponential 2^((d / 2^16) * log2 e) of d <= 0 (Q16): base-2 range reduction, 65-entry
/// table + linear interpolation; 0 below d = -32.
uint32_t softmax_exp_q24(int64_t d);
/// Q24 value (<= 2^24) -> bf16 bits, round to nearest even; 0 -> +0.
uint16_t q24_to_bf16(uint32_t p24);

struct SoftmaxResult {
  std::vector<uint16_t> p;  ///< bf16 probabilities
  uint64_t sum = 0;         ///< sum of the Q24 exponentials
};
/// The softmax of `scores` (FP32 bits, 1 .. 4096 of them).
SoftmaxResult softmax_ref(const std::vector<uint32_t>& scores);

}  // namespace ifc::model

namespace ifc::model {

/// p . V in the order of rtl/ifc_pv_lane.sv: out[i] = fp32_add(... fp32_add(+0, p[0] V[0][i]) ...,
/// p[T-1] V[T-1][i]), products bf16 x bf16 exact in FP32. v[t] is token t's row of d bf16 values.
std::vector<uint32_t> pv_ref(const std::vector<uint16_t>& p, const std::vector<std::vector<uint16_t>>& v);

}  // namespace ifc::model
