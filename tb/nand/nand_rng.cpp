// Deterministic math for the NAND model (see nand_rng.hpp). Built with -ffp-contract=off.
#include "nand/nand_rng.hpp"

#include <cmath>
#include <limits>

namespace ifc::nand {
namespace {

constexpr double kLn2Hi = 6.93147180369123816490e-01;  // fdlibm split of ln 2: hi has 32 bits
constexpr double kLn2Lo = 1.90821492927058770002e-10;
constexpr double kSqrtHalf = 0.70710678118654752440;

/// 2 * atanh(s) = log((1 + s) / (1 - s)) by its odd series; |s| <= 0.172 here, 12 terms reach
/// below 1e-19 relative.
double two_atanh_series(double s) {
  const double s2 = s * s;
  double term = s;
  double sum = 0.0;
  for (int k = 0; k < 14; ++k) {
    sum += term / static_cast<double>(2 * k + 1);
    term *= s2;
  }
  return 2.0 * sum;
}

}  // namespace

double det_log(double x) {
  if (std::isnan(x) || x < 0.0) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0.0) return -std::numeric_limits<double>::infinity();
  if (std::isinf(x)) return x;
  int e = 0;
  double m = std::frexp(x, &e);  // exact: x = m * 2^e, m in [0.5, 1)
  if (m < kSqrtHalf) {
    m *= 2.0;  // exact
    e -= 1;
  }
  const double f = m - 1.0;  // exact (Sterbenz), f in [-0.293, 0.415)
  const double s = f / (2.0 + f);
  const double ed = static_cast<double>(e);
  return ed * kLn2Hi + (two_atanh_series(s) + ed * kLn2Lo);
}

double det_log1p(double x) {
  if (std::isnan(x) || x < -1.0) return std::numeric_limits<double>::quiet_NaN();
  if (x == -1.0) return -std::numeric_limits<double>::infinity();
  if (x > -0.25 && x < 0.25) return two_atanh_series(x / (2.0 + x));
  return det_log(1.0 + x);
}

double det_exp(double x) {
  if (std::isnan(x)) return x;
  if (x > 709.0) return std::numeric_limits<double>::infinity();
  if (x < -745.0) return 0.0;
  // x = k ln2 + r, |r| <= ln2 / 2; e^r by its Taylor series to 25 terms (0.35^25 / 25! << 1 ulp).
  const double k = std::floor(x / (kLn2Hi + kLn2Lo) + 0.5);
  const double r = (x - k * kLn2Hi) - k * kLn2Lo;
  // Horner form of 1 + r (1 + r/2 (1 + r/3 (...))), innermost term first.
  double sum = 1.0;
  for (int n = 25; n >= 1; --n) sum = 1.0 + sum * r / static_cast<double>(n);
  return std::ldexp(sum, static_cast<int>(k));
}

double det_pow(double x, double y) {
  if (std::isnan(x) || std::isnan(y) || x < 0.0) return std::numeric_limits<double>::quiet_NaN();
  if (y == 0.0) return 1.0;
  if (x == 0.0) return y > 0.0 ? 0.0 : std::numeric_limits<double>::infinity();
  if (y == 1.0) return x;
  return det_exp(y * det_log(x));
}

}  // namespace ifc::nand
