// SPDX-License-Identifier: Apache-2.0
#include "model/gf2m.hpp"

#include <cstdio>
#include <stdexcept>
#include <string>

namespace ifc::model {

namespace {
std::string hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%X", v);
  return buf;
}
}  // namespace

uint32_t Gf2m::default_primitive_poly(unsigned m) {
  // Index m - kMinM. Standard primitive polynomials (Lin & Costello, Table 2.7 / Peterson).
  static constexpr uint32_t kTable[] = {
      0x13,     // m=4  z^4+z+1
      0x25,     // m=5  z^5+z^2+1
      0x43,     // m=6  z^6+z+1
      0x89,     // m=7  z^7+z^3+1
      0x11D,    // m=8  z^8+z^4+z^3+z^2+1
      0x211,    // m=9  z^9+z^4+1
      0x409,    // m=10 z^10+z^3+1
      0x805,    // m=11 z^11+z^2+1
      0x1053,   // m=12 z^12+z^6+z^4+z+1
      0x201B,   // m=13 z^13+z^4+z^3+z+1
      0x4443,   // m=14 z^14+z^10+z^6+z+1
      0x8003,   // m=15 z^15+z+1
      0x1100B,  // m=16 z^16+z^12+z^3+z+1
  };
  if (m < kMinM || m > kMaxM) {
    throw std::invalid_argument("Gf2m: m = " + std::to_string(m) + " is outside the supported range " +
                                std::to_string(kMinM) + ".." + std::to_string(kMaxM));
  }
  return kTable[m - kMinM];
}

Gf2m::Gf2m(unsigned m, uint32_t prim_poly) : m_(m), poly_(0), order_(0) {
  const uint32_t def = default_primitive_poly(m);  // also range-checks m
  poly_ = prim_poly == 0 ? def : prim_poly;
  if ((poly_ >> m) != 1u) {
    throw std::invalid_argument("Gf2m: polynomial " + hex(poly_) + " does not have degree m = " + std::to_string(m));
  }
  order_ = (1u << m) - 1u;
  exp_.assign(2 * static_cast<size_t>(order_), 0);
  log_.assign(static_cast<size_t>(order_) + 1, 0);
  uint32_t x = 1;
  for (uint32_t i = 0; i < order_; ++i) {
    if (i > 0 && x == 1) {
      throw std::invalid_argument("Gf2m: polynomial " + hex(poly_) + " is not primitive for m = " + std::to_string(m) +
                                  " (alpha has order " + std::to_string(i) + ")");
    }
    exp_[i] = static_cast<uint16_t>(x);
    log_[x] = static_cast<uint16_t>(i);
    x <<= 1;
    if (x & (1u << m)) x ^= poly_;
  }
  if (x != 1) {  // cannot happen for an irreducible poly with a nonzero constant term; guards x | p(x)
    throw std::invalid_argument("Gf2m: polynomial " + hex(poly_) + " is not primitive");
  }
  for (uint32_t i = order_; i < 2 * order_; ++i) exp_[i] = exp_[i - order_];
}

uint32_t Gf2m::log(uint16_t a) const {
  if (a == 0) throw std::domain_error("Gf2m::log(0) is undefined");
  return log_[a];
}

uint16_t Gf2m::inv(uint16_t a) const {
  if (a == 0) throw std::domain_error("Gf2m::inv(0) is undefined");
  return exp_[(order_ - log_[a]) % order_];
}

uint16_t Gf2m::div(uint16_t a, uint16_t b) const {
  if (b == 0) throw std::domain_error("Gf2m::div by 0");
  if (a == 0) return 0;
  return exp_[log_[a] + order_ - log_[b]];
}

uint16_t Gf2m::pow(uint16_t a, int64_t e) const {
  if (e == 0) return 1;
  if (a == 0) {
    if (e < 0) throw std::domain_error("Gf2m::pow(0, negative)");
    return 0;
  }
  // log(a) * e can overflow int64 only for absurd e; reduce e first.
  const int64_t er = static_cast<int64_t>(mod_order(e));
  return exp(static_cast<int64_t>(log_[a]) * er);
}

}  // namespace ifc::model
