// SPDX-License-Identifier: Apache-2.0
// Shared helpers for the model tests: seeds (IFC_SEED), trial scaling (IFC_BCH_TRIALS), naive references.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "common/seed.hpp"

namespace ifc::model::test {

/// Seed for a random test, per the project convention (tb/common/seed.hpp): a fixed default per
/// test (FNV-1a of its name, so CI is reproducible), IFC_SEED=<n> to override, IFC_SEED=random for a
/// time-based one. Always printed with the line that reproduces it.
inline uint64_t test_seed() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string name = std::string(info->test_suite_name()) + "." + info->name();
  uint64_t fallback = 0xcbf29ce484222325ull;
  for (unsigned char c : name) fallback = (fallback ^ c) * 0x100000001b3ull;
  const uint64_t seed = ifc::tb::test_seed(name.c_str(), fallback);
  std::fflush(stdout);
  ::testing::Test::RecordProperty("IFC_SEED", std::to_string(seed));
  return seed;
}

/// Trial count scaled by IFC_BCH_TRIALS (a multiplier, default 1) for longer offline runs.
inline uint64_t trials(uint64_t base) {
  if (const char* env = std::getenv("IFC_BCH_TRIALS"); env != nullptr && *env != '\0') {
    const double f = std::strtod(env, nullptr);
    if (f > 0) return std::max<uint64_t>(1, static_cast<uint64_t>(static_cast<double>(base) * f));
  }
  return base;
}

/// w distinct values in [0, n), unsorted.
inline std::vector<uint32_t> distinct_positions(std::mt19937_64& rng, uint32_t n, uint32_t w) {
  std::vector<uint32_t> out;
  std::uniform_int_distribution<uint32_t> dist(0, n - 1);
  while (out.size() < w) {
    const uint32_t v = dist(rng);
    if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
  }
  return out;
}

inline std::vector<uint8_t> random_bytes(std::mt19937_64& rng, size_t len) {
  std::vector<uint8_t> out(len);
  for (auto& b : out) b = static_cast<uint8_t>(rng());
  return out;
}

/// Naive GF(2) polynomial, coefficient of x^d at index d.
using BinPoly = std::vector<uint8_t>;

/// a mod g over GF(2), by schoolbook long division (independent of the LFSR in BchCode).
inline BinPoly binpoly_mod(BinPoly a, const BinPoly& g) {
  size_t dg = g.size() - 1;
  while (dg > 0 && g[dg] == 0) --dg;
  for (size_t d = a.size(); d-- > dg;) {
    if (!a[d]) continue;
    for (size_t i = 0; i <= dg; ++i) a[d - dg + i] ^= g[i];
  }
  a.resize(dg);
  return a;
}

}  // namespace ifc::model::test
