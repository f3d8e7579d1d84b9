// SPDX-License-Identifier: Apache-2.0
#include "model/prefetch_model.hpp"

namespace ifc::model {

PrefetchModel::PrefetchModel(unsigned planes, unsigned segs_per_page)
    : planes_(planes), per_page_(planes * segs_per_page) {}

uint64_t PrefetchModel::pages_needed(uint64_t nsegs) const { return (nsegs + per_page_ - 1) / per_page_; }

void PrefetchModel::reset() {
  busy_ = false;
  covered_ = 0;
  issued_ = 0;
}

PrefetchOut PrefetchModel::outputs(const PrefetchIn& in) const {
  const uint64_t all = planes_ >= 64 ? ~uint64_t{0} : ((uint64_t{1} << planes_) - 1);
  PrefetchOut o;
  o.cmd_valid = busy_ && (in.sense_ready & all) == all;
  o.page = page_;
  o.plane_mask = all;
  o.cache = true;
  o.sense_start = o.cmd_valid && in.cmd_ready;
  o.busy = busy_;
  o.pages_issued = issued_;
  return o;
}

bool PrefetchModel::step(const PrefetchIn& in) {
  const bool fire = outputs(in).sense_start;
  if (in.start && busy_) return false;
  if (in.start) {
    page_ = in.base_page;
    nsegs_ = in.nsegs;
    covered_ = 0;
    issued_ = 0;
    busy_ = in.nsegs != 0;
  } else if (fire) {
    ++page_;  // wraps at 2^32 like the 32-bit page register
    covered_ += per_page_;
    ++issued_;
    busy_ = covered_ < nsegs_;
  }
  return true;
}

}  // namespace ifc::model
