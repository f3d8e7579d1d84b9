// Deterministic random numbers and math for the NAND model.
//
// Everything here is hand-written on purpose: the bit flips of the NAND model must be identical on
// any machine and with any standard library, so nothing depends on <random>'s distributions or on
// libm (whose log/exp/pow may differ in the last ulp between FMA and non-FMA code paths).
// det_log / det_exp use only IEEE-754 +, -, *, / and exact frexp/ldexp, and the library is built
// with -ffp-contract=off, so their results are bit-identical everywhere.
#pragma once

#include <cstdint>

namespace ifc::nand {

/// The splitmix64 output function (Steele, Lea, Flood 2014; Stafford's "Mix13"): a bijective,
/// well-avalanched 64-bit mixer.
constexpr uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// Folds `value` into the running hash `h` (order-sensitive). Used to derive per-read RNG seeds
/// from (seed, die, plane, block, page, read counter, retry step).
constexpr uint64_t hash_combine(uint64_t h, uint64_t value) {
  return mix64(h ^ mix64(value + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2)));
}

/// splitmix64 generator (reference: https://prng.di.unimi.it/splitmix64.c).
class SplitMix64 {
 public:
  /// Starts the sequence from `seed`.
  explicit constexpr SplitMix64(uint64_t seed) : state_(seed) {}
  /// Returns the next 64-bit value.
  constexpr uint64_t next() {
    state_ += 0x9e3779b97f4a7c15ULL;
    return mix64(state_);
  }

 private:
  uint64_t state_;
};

/// xoshiro256** 1.0 generator (Blackman & Vigna, reference: https://prng.di.unimi.it/xoshiro256starstar.c).
class Xoshiro256StarStar {
 public:
  /// Seeds the four state words from a splitmix64 sequence started at `seed` (as the authors advise).
  explicit Xoshiro256StarStar(uint64_t seed) {
    SplitMix64 sm(seed);
    for (auto& w : s_) w = sm.next();
  }
  /// Seeds the state words directly (for reference-vector tests). The state must not be all zero.
  Xoshiro256StarStar(uint64_t s0, uint64_t s1, uint64_t s2, uint64_t s3) : s_{s0, s1, s2, s3} {}

  /// Returns the next 64-bit value.
  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// Returns a uniform double in (0, 1] with 53 random bits (never 0, so its log is finite).
  double next_unit_open0() { return static_cast<double>((next() >> 11) + 1) * 0x1.0p-53; }

 private:
  static constexpr uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

/// Natural logarithm of x > 0, deterministic (basic IEEE operations only), |error| < 2 ulp.
/// Returns -inf for x == 0 and NaN for x < 0 or NaN.
double det_log(double x);

/// log(1 + x) for x > -1, accurate for small |x| (used for log(1 - rber)), deterministic.
double det_log1p(double x);

/// e^x, deterministic, |error| < 2 ulp for |x| < 700; saturates to 0 / +inf outside.
double det_exp(double x);

/// x^y for x >= 0 (0^0 = 1, 0^y = 0 for y > 0), deterministic: det_exp(y * det_log(x)).
double det_pow(double x, double y);

}  // namespace ifc::nand
