// Bit-slice access to Verilated port values of any width (CData/SData/IData/QData/VlWide<N>).
#pragma once

#include <cstdint>
#include <cstring>
#include <type_traits>

#include "verilated.h"

namespace ifc::tb {

/// The low `width` bits set (all 64 for width >= 64).
constexpr uint64_t low_mask(unsigned width) { return width >= 64 ? ~uint64_t{0} : ((uint64_t{1} << width) - 1); }

/// Reads `width` (<= 64) bits starting at bit `lsb` of a scalar port.
template <class T, std::enable_if_t<std::is_integral_v<T>, int> = 0>
inline uint64_t get_bits(const T& sig, unsigned lsb, unsigned width) {
  const uint64_t v = static_cast<uint64_t>(sig) >> lsb;
  return v & low_mask(width);
}

/// Reads `width` (<= 64) bits starting at bit `lsb` of a wide port.
template <std::size_t N>
inline uint64_t get_bits(const VlWide<N>& sig, unsigned lsb, unsigned width) {
  uint64_t v = 0;
  for (unsigned i = 0; i < width; ++i) {
    const unsigned b = lsb + i;
    v |= static_cast<uint64_t>((sig[b / 32] >> (b % 32)) & 1u) << i;
  }
  return v;
}

/// Writes `width` (<= 64) bits of `value` at bit `lsb` of a scalar port.
template <class T, std::enable_if_t<std::is_integral_v<T>, int> = 0>
inline void set_bits(T& sig, unsigned lsb, unsigned width, uint64_t value) {
  const uint64_t mask = low_mask(width) << lsb;
  const uint64_t cur = static_cast<uint64_t>(sig);
  sig = static_cast<T>((cur & ~mask) | ((value << lsb) & mask));
}

/// Writes `width` (<= 64) bits of `value` at bit `lsb` of a wide port.
template <std::size_t N>
inline void set_bits(VlWide<N>& sig, unsigned lsb, unsigned width, uint64_t value) {
  if (lsb % 32 == 0 && width % 32 == 0) {  // fast path: whole words
    for (unsigned w = 0; w < width / 32; ++w) sig[lsb / 32 + w] = static_cast<uint32_t>(value >> (32 * w));
    return;
  }
  for (unsigned i = 0; i < width; ++i) {
    const unsigned b = lsb + i;
    const uint32_t bit = static_cast<uint32_t>((value >> i) & 1u);
    sig[b / 32] = (sig[b / 32] & ~(1u << (b % 32))) | (bit << (b % 32));
  }
}

/// Reads one bit.
template <class T>
inline bool get_bit(const T& sig, unsigned bit) { return get_bits(sig, bit, 1) != 0; }

/// Writes one bit.
template <class T>
inline void set_bit(T& sig, unsigned bit, bool value) { set_bits(sig, bit, 1, value ? 1 : 0); }

/// Loads `bytes` (<= 8) little-endian bytes as a beat value.
inline uint64_t load_le(const uint8_t* p, unsigned bytes) {
  uint64_t v = 0;
  for (unsigned i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}

/// Stores a beat value as `bytes` (<= 8) little-endian bytes.
inline void store_le(uint8_t* p, unsigned bytes, uint64_t v) {
  for (unsigned i = 0; i < bytes; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

}  // namespace ifc::tb
