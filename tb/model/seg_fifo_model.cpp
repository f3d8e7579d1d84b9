// SPDX-License-Identifier: Apache-2.0
#include "model/seg_fifo_model.hpp"

namespace ifc::model {

SegFifoModel::SegFifoModel(unsigned seg_beats, unsigned segs) : seg_beats_(seg_beats), segs_(segs) {
  reset();
}

void SegFifoModel::reset() {
  writing_ = Seg{};
  wbeat_ = 0;
  occupied_ = 0;
  complete_.clear();
  fetching_ = false;
  cur_ = Seg{};
  next_beat_ = 0;
  ov_ = false;
}

SegFifoOut SegFifoModel::outputs(bool rd_ready) const {
  SegFifoOut o;
  o.wr_ready = wr_ready();
  o.rd_valid = ov_;
  o.rd_data = odata_;
  o.rd_beat = obeat_;
  o.rd_first = obeat_ == 0;
  o.rd_last = obeat_ == seg_beats_ - 1;
  o.rd_meta = ometa_;
  o.pop = ov_ && rd_ready && o.rd_last;
  o.empty = occupied_ == 0;
  return o;
}

bool SegFifoModel::step(const SegFifoIn& in) {
  bool ok = true;
  const bool wfire = in.wr_valid && wr_ready();
  if (in.wr_valid && !wr_ready()) ok = false;
  const bool rfire = ov_ && in.rd_ready;
  // Decided on the state before the edge: a segment completing at this edge is not fetchable yet.
  const bool fetch = (!ov_ || in.rd_ready) && (fetching_ || !complete_.empty());
  const bool last_read = rfire && obeat_ == seg_beats_ - 1;

  if (rfire) ov_ = false;
  if (fetch) {
    if (!fetching_) {
      cur_ = std::move(complete_.front());
      complete_.pop_front();
      fetching_ = true;
      next_beat_ = 0;
    }
    ov_ = true;
    odata_ = cur_.beats[next_beat_];
    obeat_ = next_beat_;
    ometa_ = cur_.meta;
    if (++next_beat_ == seg_beats_) fetching_ = false;
  }
  if (wfire) {
    if ((wbeat_ == seg_beats_ - 1) != in.wr_last) ok = false;
    if (wbeat_ == 0) {
      ++occupied_;
      writing_ = Seg{};
    }
    writing_.beats.push_back(in.wr_data);
    ++wbeat_;
    if (in.wr_last) {
      writing_.meta = in.wr_meta;
      writing_.beats.resize(seg_beats_);  // a short segment (protocol violation) reads as zeros
      complete_.push_back(std::move(writing_));
      writing_ = Seg{};
      wbeat_ = 0;
    }
  }
  if (last_read) --occupied_;
  return ok;
}

}  // namespace ifc::model
