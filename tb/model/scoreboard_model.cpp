// SPDX-License-Identifier: Apache-2.0
#include "model/scoreboard_model.hpp"

namespace ifc::model {

uint32_t sb_accumulate(Dtype dtype, uint32_t acc, uint32_t psum) {
  if (dtype == Dtype::kBf16) return fp32_add(acc, psum);
  return acc + psum;  // int32 two's complement, wraps (unsigned arithmetic is modulo 2^32)
}

ScoreboardModel::ScoreboardModel(uint32_t window)
    : window_(window), present_(window, false), slot_(window) {}

void ScoreboardModel::start(uint32_t rows, uint32_t segs_per_row, Dtype dtype) {
  if (busy_) {
    ++violations_;
    return;
  }
  rows_ = rows;
  segs_ = segs_per_row;
  dtype_ = dtype;
  commit_ = 0;
  row_ = 0;
  s_ = 0;
  present_.assign(window_, false);
  const bool empty = rows == 0 || segs_per_row == 0;
  busy_ = !empty;
  done_ = empty;
}

bool ScoreboardModel::push(const SbPsum& ps, std::vector<SbRow>& out) {
  const uint64_t total = uint64_t{rows_} * segs_;
  const uint32_t idx = ps.g % window_;
  if (!busy_ || ps.g < commit_ || ps.g >= commit_ + window_ || ps.g >= total || present_[idx]) {
    ++violations_;
    return false;
  }
  present_[idx] = true;
  slot_[idx] = ps;
  drain(out);
  return true;
}

void ScoreboardModel::drain(std::vector<SbRow>& out) {
  while (busy_ && present_[commit_ % window_]) {
    const uint32_t idx = static_cast<uint32_t>(commit_ % window_);
    const SbPsum& ps = slot_[idx];
    present_[idx] = false;
    if (s_ == 0) {
      acc_ = 0;  // +0.0 or int 0
      acc_fail_ = false;
    }
    if (ps.fail) {
      acc_fail_ = true;
    } else {
      acc_ = sb_accumulate(dtype_, acc_, ps.value);
    }
    ++commit_;
    if (++s_ == segs_) {
      out.push_back(SbRow{row_, acc_fail_ ? 0u : acc_, acc_fail_});
      s_ = 0;
      if (++row_ == rows_) {
        busy_ = false;
        done_ = true;
      }
    }
  }
}

std::vector<SbRow> scoreboard_rows(uint32_t rows, uint32_t segs_per_row, Dtype dtype,
                                   const std::vector<SbPsum>& arrivals, uint32_t window) {
  ScoreboardModel m(window);
  m.start(rows, segs_per_row, dtype);
  std::vector<SbRow> out;
  for (const auto& ps : arrivals) m.push(ps, out);
  return out;
}

}  // namespace ifc::model
