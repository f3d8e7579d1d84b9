// Progress lines for long runs (GEMV over big matrices, benchmarks): shown on a terminal, quiet
// in CI and in logs. A run shows progress when stderr is a TTY and neither CI (any value but
// "false"/"0", as GitHub Actions, GitLab and .ci/run set it) nor IFC_NO_PROGRESS is set.
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace ifc::tb {

inline bool progress_wanted() {
  const char* ci = std::getenv("CI");
  if (ci && std::strcmp(ci, "false") != 0 && std::strcmp(ci, "0") != 0 && ci[0] != '\0') return false;
  if (std::getenv("IFC_NO_PROGRESS")) return false;
  return isatty(2) != 0;
}

/// One self-overwriting stderr line, refreshed at most every 0.5 s, with done/total, the rate
/// and the time left. Nothing at all when !progress_wanted() or !enabled.
class ProgressLine {
 public:
  ProgressLine(const char* what, double total, bool enabled)
      : what_(what), total_(total), on_(enabled && progress_wanted()), t0_(Clock::now()), last_(t0_) {}
  ~ProgressLine() { clear(); }
  bool on() const { return on_; }
  /// done: units finished (rows); extra: a second figure for the line (simulated M cycles).
  void update(double done, double extra) {
    if (!on_) return;
    const auto now = Clock::now();
    if (now - last_ < std::chrono::milliseconds(500)) return;
    last_ = now;
    const double s = std::chrono::duration<double>(now - t0_).count();
    const double frac = total_ > 0 ? done / total_ : 0;
    char eta[32] = "?";
    if (frac > 0.001) std::snprintf(eta, sizeof eta, "%.0f s", s * (1 - frac) / frac);
    std::fprintf(stderr, "\r  %s: %.0f / %.0f (%.0f%%), %.2f M cycles, %.0f s elapsed, ~%s left   ", what_, done,
                 total_, 100 * frac, extra / 1e6, s, eta);
    std::fflush(stderr);
    shown_ = true;
  }
  void clear() {
    if (shown_) std::fprintf(stderr, "\r%100s\r", "");
    shown_ = false;
  }

 private:
  using Clock = std::chrono::steady_clock;
  const char* what_;
  double total_;
  bool on_, shown_ = false;
  Clock::time_point t0_, last_;
};

}  // namespace ifc::tb
