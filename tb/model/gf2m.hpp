// SPDX-License-Identifier: Apache-2.0
/// \file gf2m.hpp
/// \brief GF(2^m) arithmetic with log/antilog tables (golden model for the ECC RTL).
///
/// Elements are polynomials over GF(2) in the polynomial basis, stored as the integer whose
/// bit i is the coefficient of z^i (so element 0x0002 is the primitive element alpha = z).
/// Multiplication is modulo a primitive polynomial p(z) of degree m, written the same way
/// (bit m set; e.g. z^12 + z^6 + z^4 + z + 1 = 0x1053).
///
/// Supported field sizes: m = 4..16. m = 4 exists only for the textbook (15, k) codes.
#pragma once

#include <cstdint>
#include <vector>

namespace ifc::model {

/// GF(2^m) with log/antilog tables. Immutable after construction, so const use is thread-safe.
class Gf2m {
 public:
  static constexpr unsigned kMinM = 4;   ///< Smallest supported m.
  static constexpr unsigned kMaxM = 16;  ///< Largest supported m.

  /// Default primitive polynomial for m (kMinM..kMaxM), bit i = coefficient of z^i:
  ///   m=4  0x13     z^4+z+1            m=11 0x805    z^11+z^2+1
  ///   m=5  0x25     z^5+z^2+1          m=12 0x1053   z^12+z^6+z^4+z+1
  ///   m=6  0x43     z^6+z+1            m=13 0x201B   z^13+z^4+z^3+z+1
  ///   m=7  0x89     z^7+z^3+1          m=14 0x4443   z^14+z^10+z^6+z+1
  ///   m=8  0x11D    z^8+z^4+z^3+z^2+1  m=15 0x8003   z^15+z+1
  ///   m=9  0x211    z^9+z^4+1          m=16 0x1100B  z^16+z^12+z^3+z+1
  ///   m=10 0x409    z^10+z^3+1
  /// Throws std::invalid_argument for m outside kMinM..kMaxM.
  static uint32_t default_primitive_poly(unsigned m);

  /// Builds the field. prim_poly = 0 selects default_primitive_poly(m).
  /// Throws std::invalid_argument if m is out of range, prim_poly does not have degree m,
  /// or prim_poly is not primitive (alpha's multiplicative order is not 2^m - 1).
  explicit Gf2m(unsigned m, uint32_t prim_poly = 0);

  unsigned m() const { return m_; }             ///< Extension degree.
  uint32_t poly() const { return poly_; }       ///< Primitive polynomial (bit m set).
  uint32_t size() const { return order_ + 1; }  ///< Number of elements, 2^m.
  uint32_t order() const { return order_; }     ///< Multiplicative group order N = 2^m - 1.

  /// Addition (= subtraction): XOR.
  static uint16_t add(uint16_t a, uint16_t b) { return static_cast<uint16_t>(a ^ b); }

  /// alpha^e for any integer e (reduced modulo N; negative e allowed).
  uint16_t exp(int64_t e) const { return exp_[static_cast<uint32_t>(mod_order(e))]; }

  /// Discrete log: the e in [0, N) with alpha^e = a. Throws std::domain_error for a = 0.
  uint32_t log(uint16_t a) const;

  /// Product a*b.
  uint16_t mul(uint16_t a, uint16_t b) const {
    if (a == 0 || b == 0) return 0;
    return exp_[log_[a] + log_[b]];  // exp_ is doubled, no reduction needed
  }

  /// Multiplicative inverse. Throws std::domain_error for a = 0.
  uint16_t inv(uint16_t a) const;

  /// Quotient a/b. Throws std::domain_error for b = 0.
  uint16_t div(uint16_t a, uint16_t b) const;

  /// a^e for any integer e (a^0 = 1, including 0^0). Throws std::domain_error for a = 0, e < 0.
  uint16_t pow(uint16_t a, int64_t e) const;

  /// e mod N in [0, N).
  uint32_t mod_order(int64_t e) const {
    int64_t r = e % static_cast<int64_t>(order_);
    return static_cast<uint32_t>(r < 0 ? r + order_ : r);
  }

  /// Raw tables for hot loops: exp_table()[i] = alpha^i for i in [0, 2N) (doubled);
  /// log_table()[a] = log(a) for a != 0 (log_table()[0] is meaningless).
  const std::vector<uint16_t>& exp_table() const { return exp_; }
  const std::vector<uint16_t>& log_table() const { return log_; }

 private:
  unsigned m_;
  uint32_t poly_;
  uint32_t order_;
  std::vector<uint16_t> exp_;  // size 2N
  std::vector<uint16_t> log_;  // size N+1
};

}  // namespace ifc::model
