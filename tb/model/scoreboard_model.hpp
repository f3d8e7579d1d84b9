// SPDX-License-Identifier: Apache-2.0
/// \file scoreboard_model.hpp
/// \brief Behavioural (untimed, bit-true) model of rtl/ifc_scoreboard.sv: given the partial sums in
/// their arrival order, the rows the scoreboard emits (index, value, failed), in emission order.
///
/// Semantics (docs/core.md "ifc_scoreboard"; the RTL's hazard table):
/// - A GEMV of `rows` x `segs_per_row` segments, g = r * segs_per_row + s. Partial sums arrive in any
///   order, each at most once, each inside the window [commit, commit + window).
/// - Commit walks g = 0, 1, ... and takes every present entry in order; per row
///     acc = +0.0 (INT: 0) at s = 0;  acc = acc + psum(s), s = 0 .. S-1 (k-order)
///   with fp32_add (dtype BF16, tb/model/numerics.hpp) or int32 wrap-around (INT8, INT4).
/// - A row is failed if any of its segments came with fail; the failed segment's value never enters
///   the sum and a failed row is emitted with value 0.
/// - Rows come out in increasing index, each exactly once.
/// - Protocol violations (psum while idle, outside the window, duplicate, g >= rows*segs) are
///   dropped, as the RTL does, and counted in violations().
///
/// The model is untimed: it commits as soon as the commit entry is present, so its commit pointer
/// runs ahead of (or level with) the RTL's and its window check is never stricter than the RTL's.
#pragma once

#include <cstdint>
#include <vector>

#include "model/numerics.hpp"

namespace ifc::model {

/// One partial sum from a PE lane.
struct SbPsum {
  uint32_t g = 0;      ///< global segment index
  uint32_t value = 0;  ///< int32 or FP32 bits
  bool fail = false;   ///< uncorrectable segment: the row fails, the value is ignored
};

/// One emitted row.
struct SbRow {
  uint32_t idx = 0;
  uint32_t value = 0;
  bool failed = false;
  bool operator==(const SbRow& o) const { return idx == o.idx && value == o.value && failed == o.failed; }
  bool operator!=(const SbRow& o) const { return !(*this == o); }
};

/// The row accumulation step: acc + psum in the GEMV's datatype.
uint32_t sb_accumulate(Dtype dtype, uint32_t acc, uint32_t psum);

class ScoreboardModel {
 public:
  /// `window`: slots tracked past the commit point (the RTL parameter Window, a power of two).
  explicit ScoreboardModel(uint32_t window = 128);

  /// Starts a GEMV (ignored, and counted as a violation, while busy). rows or segs_per_row = 0 is
  /// an empty GEMV: done at once.
  void start(uint32_t rows, uint32_t segs_per_row, Dtype dtype);

  /// A partial sum arrives. Commits every entry that became committable and appends the completed
  /// rows to `out`. Returns false if the psum was a protocol violation (dropped).
  bool push(const SbPsum& ps, std::vector<SbRow>& out);

  bool busy() const { return busy_; }
  bool done() const { return done_; }
  uint64_t commit() const { return commit_; }
  uint64_t limit() const { return busy_ ? commit_ + window_ : window_; }
  uint64_t violations() const { return violations_; }

 private:
  void drain(std::vector<SbRow>& out);

  uint32_t window_;
  bool busy_ = false;
  bool done_ = false;
  uint32_t rows_ = 0;
  uint32_t segs_ = 0;
  Dtype dtype_ = Dtype::kInt8;
  uint64_t commit_ = 0;  ///< next g to commit
  uint32_t row_ = 0;     ///< row of commit_
  uint32_t s_ = 0;       ///< k-slice of commit_
  uint32_t acc_ = 0;
  bool acc_fail_ = false;
  std::vector<bool> present_;   ///< per slot (g mod window)
  std::vector<SbPsum> slot_;
  uint64_t violations_ = 0;
};

/// The rows of one GEMV whose partial sums arrive in `arrivals` order (a whole GEMV; violations
/// are dropped). Equivalent to a fresh ScoreboardModel: start, then push every arrival.
std::vector<SbRow> scoreboard_rows(uint32_t rows, uint32_t segs_per_row, Dtype dtype,
                                   const std::vector<SbPsum>& arrivals, uint32_t window = 128);

}  // namespace ifc::model
