// The reference GEMV: y = W x, bit-exact with the RTL (docs/core.md "Numerics"): INT8 / INT4 in
// int32 (wrapping), BF16 with exact FP32 products, the lane's pairwise adder tree per cycle, cycle
// order within a segment, k-order across the segments of a row, all FP32 adds RNE with FTZ.
#pragma once

#include <cstdint>
#include <vector>

#include "model/weight_image.hpp"

namespace ifc::model {

/// Activation elements as the core stores them: INT8 sign-extended to 16 bits, BF16 raw bits.
using ActVector = std::vector<uint16_t>;

/// Partial sum of one segment (r, s) in the lane order (`macs` MACs per cycle, 2*macs for INT4).
uint32_t reference_segment(const WeightImage& w, const ActVector& act, uint32_t r, uint32_t s, unsigned macs);

/// The whole GEMV: one 32-bit result per row (int32 two's complement, or FP32 bits for BF16).
std::vector<uint32_t> reference_gemv(const WeightImage& w, const ActVector& act, unsigned macs);

}  // namespace ifc::model
