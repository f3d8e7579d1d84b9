// Test data for the KV-cache tests and benchmark: bf16 vectors drawn like real K, V and q, and
// the row-major bytes of bf16 rows (the layout model::WeightImage takes).
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "model/gemv_ref.hpp"
#include "model/numerics.hpp"

namespace ifc::tb {

/// n bf16 values of a normal(0, sigma) float, rounded to nearest even.
inline model::ActVector normal_bf16(std::mt19937_64& rng, uint32_t n, float sigma = 1.0f) {
  std::normal_distribution<float> nd(0.0f, sigma);
  model::ActVector v(n);
  for (auto& e : v) e = model::float_to_bf16(nd(rng));
  return v;
}

/// rows[first, last) as little-endian bf16 bytes, row after row.
inline std::vector<uint8_t> bf16_row_bytes(const std::vector<model::ActVector>& rows, size_t first, size_t last) {
  std::vector<uint8_t> b;
  for (size_t r = first; r < last; ++r) {
    for (uint16_t e : rows[r]) {
      b.push_back(uint8_t(e));
      b.push_back(uint8_t(e >> 8));
    }
  }
  return b;
}

}  // namespace ifc::tb
