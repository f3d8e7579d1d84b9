// SPDX-License-Identifier: Apache-2.0
// Bit-true numerics of the GEMV datapath (see numerics.hpp).
#include "model/numerics.hpp"

#include <stdexcept>
#include <utility>

namespace ifc::model {

unsigned dtype_weight_bits(Dtype dt) {
  switch (dt) {
    case Dtype::kInt8: return 8;
    case Dtype::kBf16: return 16;
    case Dtype::kInt4: return 4;
  }
  throw std::invalid_argument("dtype_weight_bits: bad dtype");
}

unsigned elems_per_cycle(Dtype dt, unsigned macs) { return dt == Dtype::kInt4 ? 2 * macs : macs; }

uint16_t fp32_to_bf16_rne(uint32_t f) {
  if (fp32_is_nan(f)) return kBf16CanonicalNaN;
  const uint32_t lsb = (f >> 16) & 1u;
  return static_cast<uint16_t>((f + 0x7FFFu + lsb) >> 16);  // carries into the exponent / inf
}

uint32_t fp32_add(uint32_t a, uint32_t b) {
  if (fp32_is_nan(a) || fp32_is_nan(b)) return kFp32CanonicalNaN;
  a = fp32_ftz(a);
  b = fp32_ftz(b);
  const uint32_t sa = a >> 31, sb = b >> 31;
  const bool ia = fp32_is_inf(a), ib = fp32_is_inf(b);
  if (ia && ib) return sa == sb ? a : kFp32CanonicalNaN;
  if (ia) return a;
  if (ib) return b;
  uint32_t ma = a & 0x7FFFFFFFu, mb = b & 0x7FFFFFFFu;
  if (ma == 0 && mb == 0) return (sa & sb) << 31;  // +0 + -0 = +0, -0 + -0 = -0 (RNE)
  if (ma == 0) return b;
  if (mb == 0) return a;
  // |x| >= |y|
  uint32_t x = a, y = b;
  if (mb > ma) std::swap(x, y);
  const uint32_t sx = x >> 31;
  const bool sub = (x >> 31) != (y >> 31);
  const int ex = static_cast<int>((x >> 23) & 0xFF), ey = static_cast<int>((y >> 23) & 0xFF);
  const uint64_t mx = (1u << 23) | (x & 0x7FFFFFu), my = (1u << 23) | (y & 0x7FFFFFu);
  // Fixed point with 34 extra low bits: the value of X is mx * 2^(ex-150) and bit 57 has weight
  // 2^(ex-127). Alignment shifts of up to 34 are exact; beyond, the lost bits collapse into a
  // sticky bit at position 0, far below any rounding position used (>= 2^9).
  constexpr int kExtra = 34;
  const uint64_t X = mx << kExtra;
  const uint64_t Yfull = my << kExtra;
  const int d = ex - ey;
  uint64_t Y;
  if (d >= 63) {
    Y = 1;
  } else {
    Y = Yfull >> d;
    if ((Yfull & ((uint64_t{1} << d) - 1)) != 0) Y |= 1;
  }
  const uint64_t S = sub ? X - Y : X + Y;
  if (S == 0) return 0;  // exact cancellation: +0 under RNE
  const int p = 63 - __builtin_clzll(S);           // leading bit position
  int e = ex + (p - (23 + kExtra));                // biased exponent of the leading bit
  if (e <= 0) return sx << 31;                     // |sum| < 2^-126 (exact here): flush, sign kept
  const int sh = p - 23;                           // >= 10: keep 24 significant bits
  uint64_t q = S >> sh;
  const uint64_t rem = S & ((uint64_t{1} << sh) - 1);
  const uint64_t half = uint64_t{1} << (sh - 1);
  if (rem > half || (rem == half && (q & 1))) ++q;  // round to nearest, ties to even
  if (q == (uint64_t{1} << 24)) {
    q >>= 1;
    ++e;
  }
  if (e >= 255) return (sx << 31) | kFp32PosInf;
  return (sx << 31) | (static_cast<uint32_t>(e) << 23) | (static_cast<uint32_t>(q) & 0x7FFFFFu);
}

uint32_t bf16_mul_fp32(uint16_t a, uint16_t b) {
  if (bf16_is_nan(a) || bf16_is_nan(b)) return kFp32CanonicalNaN;
  const uint32_t s = static_cast<uint32_t>((a ^ b) >> 15) & 1u;
  const int ea = (a >> 7) & 0xFF, eb = (b >> 7) & 0xFF;
  const bool za = ea == 0, zb = eb == 0;  // zero or subnormal (flushed)
  const bool ia = bf16_is_inf(a), ib = bf16_is_inf(b);
  if ((ia && zb) || (ib && za)) return kFp32CanonicalNaN;
  if (ia || ib) return (s << 31) | kFp32PosInf;
  if (za || zb) return s << 31;
  const uint32_t p = ((0x80u | (a & 0x7Fu)) * (0x80u | (b & 0x7Fu)));  // [2^14, 2^16)
  int e = ea + eb - 127;
  uint32_t frac;
  if (p & 0x8000u) {
    ++e;
    frac = (p & 0x7FFFu) << 8;
  } else {
    frac = (p & 0x3FFFu) << 9;
  }
  if (e >= 255) return (s << 31) | kFp32PosInf;
  if (e <= 0) return s << 31;
  return (s << 31) | (static_cast<uint32_t>(e) << 23) | frac;
}

namespace {

/// Pairwise tree over v (size a power of two), in place: level 0 (v0+v1), (v2+v3), ...
uint32_t tree_sum(Dtype dt, std::vector<uint32_t>& v) {
  size_t n = v.size();
  while (n > 1) {
    for (size_t i = 0; i < n / 2; ++i) {
      v[i] = dt == Dtype::kBf16 ? fp32_add(v[2 * i], v[2 * i + 1]) : v[2 * i] + v[2 * i + 1];
    }
    n /= 2;
  }
  return v[0];
}

inline uint32_t acc_add(Dtype dt, uint32_t a, uint32_t b) { return dt == Dtype::kBf16 ? fp32_add(a, b) : a + b; }

}  // namespace

uint32_t segment_psum(Dtype dt, const uint8_t* weights, size_t n_elems, const uint16_t* act, unsigned macs) {
  if (dt != Dtype::kInt8 && dt != Dtype::kBf16 && dt != Dtype::kInt4) {
    throw std::invalid_argument("segment_psum: bad dtype");
  }
  if (macs == 0 || (macs & (macs - 1)) != 0) throw std::invalid_argument("segment_psum: macs must be a power of two");
  const size_t per = elems_per_cycle(dt, macs);
  std::vector<uint32_t> prod(per);
  uint32_t acc = 0;  // +0.0 or int 0
  for (size_t c0 = 0; c0 < n_elems; c0 += per) {
    for (size_t j = 0; j < per; ++j) {
      const size_t e = c0 + j;
      if (e >= n_elems) {
        prod[j] = 0;  // padded tail: weight 0 x activation 0 = +0
        continue;
      }
      switch (dt) {
        case Dtype::kInt8: {
          const int32_t w = static_cast<int8_t>(weights[e]);
          const int32_t x = static_cast<int8_t>(act[e] & 0xFF);
          prod[j] = static_cast<uint32_t>(w * x);
          break;
        }
        case Dtype::kInt4: {
          const unsigned nib = (weights[e / 2] >> (4 * (e % 2))) & 0xFu;
          const int32_t w = static_cast<int32_t>(nib ^ 8u) - 8;  // sign-extend 4 bits
          const int32_t x = static_cast<int8_t>(act[e] & 0xFF);
          prod[j] = static_cast<uint32_t>(w * x);
          break;
        }
        case Dtype::kBf16: {
          const uint16_t w = static_cast<uint16_t>(weights[2 * e] | (weights[2 * e + 1] << 8));
          prod[j] = bf16_mul_fp32(w, act[e]);
          break;
        }
      }
    }
    acc = acc_add(dt, acc, tree_sum(dt, prod));
  }
  return acc;
}

uint32_t row_reduce(Dtype dt, const uint32_t* psums, size_t n) {
  uint32_t row = 0;
  for (size_t s = 0; s < n; ++s) row = acc_add(dt, row, psums[s]);
  return row;
}

// --- test-vector generators ---------------------------------------------------------------------

const std::vector<uint32_t>& fp32_edge_values() {
  static const std::vector<uint32_t> v = [] {
    const uint32_t mags[] = {
        0x00000000u, 0x00000001u, 0x00000002u, 0x00400000u, 0x007FFFFFu,  // zero, subnormals
        0x00800000u, 0x00800001u, 0x00FFFFFFu, 0x01000000u, 0x01800000u,  // near min normal
        0x0C000000u, 0x33800000u, 0x34000000u, 0x3F000000u, 0x3F7FFFFFu,  // 2^-24, 2^-23, 0.5, 1-ulp
        0x3F800000u, 0x3F800001u, 0x3FFFFFFFu, 0x40000000u, 0x4B000000u,  // 1, 1+ulp, 2-ulp, 2, 2^23
        0x4B800000u, 0x7E800000u, 0x7F000000u, 0x7F7FFFFEu, 0x7F7FFFFFu,  // 2^24, near max
        0x7F800000u,                                                      // inf
        0x7F800001u, 0x7FBFFFFFu, 0x7FC00000u, 0x7FC00001u, 0x7FFFFFFFu,  // sNaN, qNaN
    };
    std::vector<uint32_t> out;
    for (uint32_t m : mags) {
      out.push_back(m);
      out.push_back(m | 0x80000000u);
    }
    return out;
  }();
  return v;
}

const std::vector<uint16_t>& bf16_edge_values() {
  static const std::vector<uint16_t> v = [] {
    const uint16_t mags[] = {0x0000, 0x0001, 0x0040, 0x007F, 0x0080, 0x0081, 0x00FF, 0x0100, 0x1F80,
                             0x2000, 0x3F00, 0x3F7F, 0x3F80, 0x3F81, 0x3FFF, 0x4000, 0x5F80, 0x6000,
                             0x7F00, 0x7F7E, 0x7F7F, 0x7F80, 0x7F81, 0x7FBF, 0x7FC0, 0x7FFF};
    std::vector<uint16_t> out;
    for (uint16_t m : mags) {
      out.push_back(m);
      out.push_back(static_cast<uint16_t>(m | 0x8000u));
    }
    return out;
  }();
  return v;
}

namespace {

uint32_t make_fp32(uint32_t s, uint32_t e, uint32_t f) { return (s << 31) | ((e & 0xFF) << 23) | (f & 0x7FFFFFu); }

/// A mantissa with a random number of trailing zeros (makes exact ties and short carries likely).
uint32_t random_frac(std::mt19937_64& rng) {
  uint32_t f = static_cast<uint32_t>(rng()) & 0x7FFFFFu;
  const unsigned tz = static_cast<unsigned>(rng() % 24);
  if (rng() % 2) f &= ~((1u << tz) - 1);
  if (rng() % 8 == 0) f = (rng() % 2) ? 0x7FFFFFu : 0;
  return f;
}

}  // namespace

void random_fp32_add_pair(std::mt19937_64& rng, uint32_t& a, uint32_t& b) {
  const auto& edges = fp32_edge_values();
  const unsigned cls = static_cast<unsigned>(rng() % 10);
  const uint32_t sa = static_cast<uint32_t>(rng() & 1), sb = static_cast<uint32_t>(rng() & 1);
  switch (cls) {
    case 0:  // uniform bit patterns
      a = static_cast<uint32_t>(rng());
      b = static_cast<uint32_t>(rng());
      break;
    case 1: case 2: {  // close exponents (cancellation, carry into the next binade)
      const uint32_t ea = 1 + static_cast<uint32_t>(rng() % 254);
      int eb = static_cast<int>(ea) + static_cast<int>(rng() % 5) - 2;
      if (eb < 1) eb = 1;
      if (eb > 254) eb = 254;
      a = make_fp32(sa, ea, random_frac(rng));
      b = make_fp32(sb, static_cast<uint32_t>(eb), (rng() % 4 == 0) ? (a & 0x7FFFFFu) ^ (rng() % 8) : random_frac(rng));
      break;
    }
    case 3: case 4: {  // gap 0..30 with an exact half-ulp tie (or near it) in the shifted-out bits
      const uint32_t ea = 1 + static_cast<uint32_t>(rng() % 254);
      const unsigned d = static_cast<unsigned>(rng() % 31);
      const int eb = static_cast<int>(ea) - static_cast<int>(d);
      a = make_fp32(sa, ea, random_frac(rng));
      if (eb < 1) {
        b = make_fp32(sb, 0, static_cast<uint32_t>(rng()));  // subnormal (flushed)
      } else {
        uint32_t fb = static_cast<uint32_t>(rng()) & 0x7FFFFFu;
        if (d >= 1 && d <= 24) {
          const uint32_t m = ((1u << 23) | fb);
          const uint32_t lowmask = (1u << d) - 1;
          const uint32_t tie = 1u << (d - 1);
          uint32_t low = tie;
          const unsigned pick = static_cast<unsigned>(rng() % 4);
          if (pick == 1) low = tie - 1;
          if (pick == 2) low = (tie + 1) & lowmask;
          if (pick == 3) low = static_cast<uint32_t>(rng()) & lowmask;
          fb = ((m & ~lowmask) | low) & 0x7FFFFFu;
        }
        b = make_fp32(sb, static_cast<uint32_t>(eb), fb);
      }
      break;
    }
    case 5: {  // huge gaps
      const uint32_t ea = 30 + static_cast<uint32_t>(rng() % 225);
      const uint32_t eb = 1 + static_cast<uint32_t>(rng() % (ea - 26));
      a = make_fp32(sa, ea, random_frac(rng));
      b = make_fp32(sb, eb, random_frac(rng));
      break;
    }
    case 6: {  // near overflow
      a = make_fp32(sa, 250 + static_cast<uint32_t>(rng() % 5), random_frac(rng));
      b = make_fp32((rng() % 4) ? sa : sb, 250 + static_cast<uint32_t>(rng() % 5), random_frac(rng));
      break;
    }
    case 7: {  // near the FTZ threshold (results that would be subnormal), subnormal inputs
      a = make_fp32(sa, static_cast<uint32_t>(rng() % 4), random_frac(rng));
      b = make_fp32((rng() % 4) ? sa ^ 1u : sb, static_cast<uint32_t>(rng() % 4), random_frac(rng));
      break;
    }
    case 8: {  // edge value against a random or edge value
      a = edges[rng() % edges.size()];
      b = (rng() % 2) ? edges[rng() % edges.size()] : make_fp32(sb, static_cast<uint32_t>(rng() % 256), random_frac(rng));
      break;
    }
    default: {  // x + (-x +- few ulps), exact cancellation
      a = make_fp32(sa, 1 + static_cast<uint32_t>(rng() % 254), random_frac(rng));
      b = (a ^ 0x80000000u);
      if (rng() % 2) b = (b & 0x80000000u) | ((b & 0x7FFFFFFFu) + static_cast<uint32_t>(rng() % 5) - 2);
      if (fp32_is_nan(b) || fp32_is_inf(b)) b = a ^ 0x80000000u;
      break;
    }
  }
  if (rng() % 2) std::swap(a, b);
}

uint16_t random_bf16(std::mt19937_64& rng, double special_rate) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const uint16_t s = static_cast<uint16_t>((rng() & 1) << 15);
  if (u(rng) < special_rate) {
    const unsigned k = static_cast<unsigned>(rng() % 4);
    if (k == 0) {
      const auto& e = bf16_edge_values();
      return e[rng() % e.size()];
    }
    if (k == 1) return static_cast<uint16_t>(rng());                                            // any pattern
    if (k == 2) return static_cast<uint16_t>(s | ((1 + rng() % 16) << 7) | (rng() & 0x7F));    // tiny
    return static_cast<uint16_t>(s | ((240 + rng() % 15) << 7) | (rng() & 0x7F));              // huge
  }
  // Moderate magnitudes (2^-20 .. 2^20): sums cancel and round, nothing overflows.
  return static_cast<uint16_t>(s | ((107 + rng() % 41) << 7) | (rng() & 0x7F));
}

}  // namespace ifc::model
