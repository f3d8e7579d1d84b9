// Test seeds: printed, and overridable with the IFC_SEED environment variable.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace ifc::tb {

/// Returns the seed for a random test: IFC_SEED if set, else `fallback` (tests use fixed defaults
/// so CI is reproducible; pass IFC_SEED=random for a time-based seed). The seed is printed, with
/// the line to reproduce it.
inline uint64_t test_seed(const char* what, uint64_t fallback) {
  uint64_t seed = fallback;
  if (const char* env = std::getenv("IFC_SEED")) {
    if (std::string(env) == "random") {
      seed = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    } else {
      seed = std::strtoull(env, nullptr, 0);
    }
  }
  std::printf("[seed] %s: %llu   (reproduce with IFC_SEED=%llu)\n", what,
              static_cast<unsigned long long>(seed), static_cast<unsigned long long>(seed));
  return seed;
}

}  // namespace ifc::tb
