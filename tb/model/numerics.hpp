// SPDX-License-Identifier: Apache-2.0
/// \file numerics.hpp
/// \brief Bit-true numerics of the GEMV datapath (DESIGN.md "Numerics", docs/core.md): the C++ twin
/// of rtl/ifc_fp32_add.sv and of the PE-lane arithmetic (rtl/ifc_pe_lane.sv).
///
/// ## Datatypes (the 2-bit `dtype` code of the RTL)
///   0 INT8: int8 weight x int8 activation, int32 two's-complement sums (wrap modulo 2^32).
///   1 BF16: bf16 weight (2 B, little-endian) x bf16 activation, exact FP32 product, FP32 RNE adds.
///   2 INT4: int4 weights, two per byte (low nibble first) x int8 activation, int32 sums.
/// Activations are the 16-bit elements of the activation buffer. For INT8 / INT4 the activation is
/// the low byte of the element as int8 (the host writes it sign-extended; the upper byte is ignored).
///
/// ## FP32 rules (all of them apply to fp32_add and bf16_mul_fp32)
///   - FTZ/DAZ: a subnormal input is read as a zero of the same sign; a result whose exact value is
///     non-zero with magnitude < 2^-126 becomes a zero with the sign of that exact value.
///     (Sums of normal numbers that land below 2^-126 are exact, and bf16 products are exact before
///     the range check, so "before rounding" and "after rounding" tininess agree here.)
///   - Round to nearest, ties to even. Overflow (|rounded| >= 2^128) gives +-inf.
///   - Any NaN result, from a NaN input or from an invalid operation (inf - inf, inf x 0), is the
///     canonical quiet NaN 0x7FC00000 (sign bit clear).
///   - Infinities otherwise propagate with IEEE signs (inf + finite = inf, inf x finite non-zero).
///   - Zeros: x + (-x) = +0; (+0) + (-0) = +0; (-0) + (-0) = -0 (IEEE RNE rules); a product with a
///     zero (or flushed) factor is a zero with sign = XOR of the signs.
///
/// ## Summation order (docs/core.md, normative; the RTL implements exactly this)
///   psum of a segment: acc = +0.0; for each lane cycle c (Macs elements, 2*Macs for INT4, in element
///   order): acc = acc + tree(c), where tree adds the products pairwise: level 0 (p0+p1), (p2+p3), ...;
///   level 1 adds adjacent level-0 sums; ... Elements past n_elems in the last cycle count as weight 0
///   and activation 0 (a +0 product).
///   Row: row = +0.0; row = row + psum(s), s = 0..S-1 (row_reduce). INT8/INT4 wrap modulo 2^32.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

namespace ifc::model {

/// The RTL `dtype` code.
enum class Dtype : uint8_t { kInt8 = 0, kBf16 = 1, kInt4 = 2 };

/// Bits per weight element.
unsigned dtype_weight_bits(Dtype dt);
/// Elements a lane with `macs` MACs consumes per cycle (2*macs for INT4).
unsigned elems_per_cycle(Dtype dt, unsigned macs);

inline constexpr uint32_t kFp32CanonicalNaN = 0x7FC00000u;
inline constexpr uint32_t kFp32PosInf = 0x7F800000u;
inline constexpr uint16_t kBf16CanonicalNaN = 0x7FC0u;

// --- bit views ----------------------------------------------------------------------------------
inline float fp32_from_bits(uint32_t b) { float f; std::memcpy(&f, &b, 4); return f; }
inline uint32_t fp32_bits(float f) { uint32_t b; std::memcpy(&b, &f, 4); return b; }
inline bool fp32_is_nan(uint32_t x) { return (x & 0x7FFFFFFFu) > 0x7F800000u; }
inline bool fp32_is_inf(uint32_t x) { return (x & 0x7FFFFFFFu) == 0x7F800000u; }
inline bool fp32_is_subnormal(uint32_t x) { return (x & 0x7F800000u) == 0 && (x & 0x007FFFFFu) != 0; }
/// Flush a subnormal to the zero of its sign (DAZ/FTZ); anything else unchanged.
inline uint32_t fp32_ftz(uint32_t x) { return (x & 0x7F800000u) == 0 ? (x & 0x80000000u) : x; }

// --- bf16 helpers -------------------------------------------------------------------------------
/// bf16 bits -> the FP32 bits of the same value (exact; subnormals stay subnormal, NaN payload kept).
inline uint32_t bf16_to_fp32_bits(uint16_t h) { return static_cast<uint32_t>(h) << 16; }
inline float bf16_to_float(uint16_t h) { return fp32_from_bits(bf16_to_fp32_bits(h)); }
inline bool bf16_is_nan(uint16_t h) { return (h & 0x7FFFu) > 0x7F80u; }
inline bool bf16_is_inf(uint16_t h) { return (h & 0x7FFFu) == 0x7F80u; }
inline bool bf16_is_subnormal(uint16_t h) { return (h & 0x7F80u) == 0 && (h & 0x007Fu) != 0; }
/// FP32 -> bf16, round to nearest even (IEEE, no FTZ; NaN -> canonical bf16 NaN). For test data and
/// host-side conversion; the datapath never rounds to bf16.
uint16_t fp32_to_bf16_rne(uint32_t f);
inline uint16_t float_to_bf16(float f) { return fp32_to_bf16_rne(fp32_bits(f)); }

// --- the arithmetic of the datapath -------------------------------------------------------------
/// FP32 a + b: soft-float, RNE, FTZ/DAZ, canonical NaN (the rules above). Twin of ifc_fp32_add.
uint32_t fp32_add(uint32_t a, uint32_t b);
/// bf16 a x bf16 b as FP32 bits: exact (16 significant bits fit in FP32) unless it overflows (+-inf)
/// or lands below 2^-126 (flushed to +-0); FTZ inputs, inf x 0 -> 0x7FC00000.
uint32_t bf16_mul_fp32(uint16_t a, uint16_t b);

/// Partial sum of one segment, exactly in the lane's order. `weights` holds the segment payload
/// (INT8: n bytes; BF16: 2n bytes, little-endian; INT4: ceil(n/2) bytes, low nibble first), `act` the
/// n activation elements of the segment's k-slice (act[e] is element s*E + e of the buffer), `macs`
/// the lane's MACs (a power of two). Returns the int32 sum as two's-complement bits (INT8/INT4) or
/// the FP32 bits (BF16). Throws std::invalid_argument for a bad dtype or macs.
uint32_t segment_psum(Dtype dt, const uint8_t* weights, size_t n_elems, const uint16_t* act, unsigned macs);
inline uint32_t segment_psum(Dtype dt, const uint8_t* weights, size_t n_elems, const int16_t* act,
                             unsigned macs) {
  return segment_psum(dt, weights, n_elems, reinterpret_cast<const uint16_t*>(act), macs);
}
/// Integer view of an INT8/INT4 psum or row.
inline int32_t as_int32(uint32_t bits) { return static_cast<int32_t>(bits); }

/// Row value from its segments' psums in k-order: +0.0 (or 0), then += psum[s] in order.
uint32_t row_reduce(Dtype dt, const uint32_t* psums, size_t n);
inline uint32_t row_reduce(Dtype dt, const std::vector<uint32_t>& psums) {
  return row_reduce(dt, psums.data(), psums.size());
}

// --- test-vector generators (shared by the model and RTL tests) ---------------------------------
/// FP32 edge values: zeros of both signs, subnormals (min, max, others), min normal, one, values
/// near 1, max finite, infinities, quiet and signalling NaNs of both signs.
const std::vector<uint32_t>& fp32_edge_values();
/// bf16 edge values (the same classes).
const std::vector<uint16_t>& bf16_edge_values();
/// A random FP32 operand pair from a mix of classes that stress an adder: uniform bit patterns,
/// close exponents with either sign (cancellation, carries into a new exponent), exponent gaps around
/// the significand width with exact RNE ties, huge gaps, values near overflow and near the FTZ
/// threshold, and edge values against random ones.
void random_fp32_add_pair(std::mt19937_64& rng, uint32_t& a, uint32_t& b);
/// A random bf16: mostly finite values of moderate magnitude, with specials (zeros, subnormals,
/// infinities, NaNs) and extreme exponents in proportion `special_rate`.
uint16_t random_bf16(std::mt19937_64& rng, double special_rate);

}  // namespace ifc::model
