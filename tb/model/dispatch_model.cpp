// SPDX-License-Identifier: Apache-2.0
#include "model/dispatch_model.hpp"

#include <stdexcept>

namespace ifc::model {

DispAction dispatch_classify_plane(const DispMeta& m, uint32_t nsegs) {
  if (m.g >= nsegs) return DispAction::kDrop;
  if (m.read_err) return DispAction::kFail;
  if (m.dirty && !m.erased) return DispAction::kCorr;
  return DispAction::kLane;
}

DispAction dispatch_classify_corrector(bool uncorrectable) {
  return uncorrectable ? DispAction::kFail : DispAction::kLane;
}

uint32_t dispatch_act_elem(uint16_t s, unsigned dtype, uint32_t payload_bytes) {
  // Elements per segment: payload bytes / 2 (BF16), x 2 (INT4), x 1 (INT8), as ifc_dispatch's act_elem.
  const uint32_t per_seg = dtype == 1 ? payload_bytes / 2 : dtype == 2 ? payload_bytes * 2 : payload_bytes;
  return static_cast<uint32_t>(s) * per_seg;
}

DispatchModel::DispatchModel(unsigned seg_beats, unsigned pay_beats, unsigned beat_w)
    : seg_beats_(seg_beats), pay_beats_(pay_beats), beat_bytes_(beat_w / 8),
      ones_(beat_w >= 64 ? ~uint64_t{0} : ((uint64_t{1} << beat_w) - 1)) {}

void DispatchModel::clear(uint32_t nsegs, unsigned dtype) {
  nsegs_ = nsegs;
  dtype_ = dtype;
  seg_.clear();
  cnt_ = DispCounters{};
}

const DispExpect& DispatchModel::add(const DispMeta& meta, const std::vector<uint64_t>& beats, bool corr_unc,
                                     const std::vector<uint64_t>& corr_beats) {
  if (beats.size() != seg_beats_) throw std::invalid_argument("DispatchModel::add: beats");
  if (seg_.count(meta.g)) throw std::invalid_argument("DispatchModel::add: duplicate g");
  DispExpect e;
  e.g = meta.g;
  e.s = meta.s;
  e.act_elem = dispatch_act_elem(meta.s, dtype_, pay_beats_ * beat_bytes_);
  e.cin_tag = (uint64_t{meta.s} << 32) | meta.g;
  auto payload = [&](const std::vector<uint64_t>& src) {
    return std::vector<uint64_t>(src.begin(), src.begin() + pay_beats_);
  };
  switch (dispatch_classify_plane(meta, nsegs_)) {
    case DispAction::kDrop:
      e.route = DispRoute::kDrop;
      break;
    case DispAction::kFail:
      e.route = DispRoute::kFailReadErr;
      ++cnt_.read_err;
      break;
    case DispAction::kLane:
      if (meta.erased) {
        e.route = DispRoute::kLaneErased;
        e.lane_beats.assign(pay_beats_, ones_);
        ++cnt_.erased;
      } else {
        e.route = DispRoute::kLaneClean;
        e.lane_beats = payload(beats);
        ++cnt_.clean;
      }
      break;
    case DispAction::kCorr:
      if (corr_beats.size() != seg_beats_) throw std::invalid_argument("DispatchModel::add: corr_beats");
      e.cin_beats = beats;
      if (dispatch_classify_corrector(corr_unc) == DispAction::kFail) {
        e.route = DispRoute::kCorrFail;
        ++cnt_.uncorrectable;
      } else {
        e.route = DispRoute::kCorrLane;
        e.lane_beats = payload(corr_beats);
        ++cnt_.corrected;
      }
      break;
  }
  return seg_.emplace(meta.g, std::move(e)).first->second;
}

const DispExpect* DispatchModel::find(uint32_t g) const {
  const auto it = seg_.find(g);
  return it == seg_.end() ? nullptr : &it->second;
}

}  // namespace ifc::model
