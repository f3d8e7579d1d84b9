#include "model/kv_model.hpp"

#include <stdexcept>

namespace ifc::model {

KvAppendModel::KvAppendModel(const WeightLayout& lay, const SegmentFormat& fmt, uint32_t groups, uint32_t max_runs,
                             uint32_t pages_per_plane)
    : lay_(lay), fmt_(fmt), groups_(groups), max_runs_(max_runs), pages_per_plane_(pages_per_plane),
      streams_(groups), map_(size_t(2) * groups * max_runs, UINT32_MAX) {
  lay_.base_page = 0;
  set_base(0);
}

void KvAppendModel::set_base(uint32_t base) {
  const uint32_t streams = 2 * groups_;
  base_ = base;
  region_ = base < pages_per_plane_ ? (pages_per_plane_ - base) / streams : 0;
  alloc_.assign(streams, 0);
  for (uint32_t st = 0; st < streams; ++st) alloc_[st] = base + st * region_;
}

uint32_t KvAppendModel::tokens_per_stripe(uint32_t d) const {
  const uint32_t eps = lay_.seg_payload_bytes / 2;
  const uint32_t stripe = lay_.planes * lay_.segs_per_page();
  if (d == 0 || d % eps != 0) return 0;
  const uint32_t s = d / eps;
  if ((s & (s - 1)) != 0 || s > stripe) return 0;
  return stripe / s;
}

uint8_t KvAppendModel::append(uint8_t dtype, uint32_t d, uint32_t group, uint32_t token,
                              const std::vector<uint16_t>& k_row, const std::vector<uint16_t>& v_row,
                              std::vector<KvProgram>& out) {
  if (dtype != 1) return kErrDtype;
  const uint32_t tps = tokens_per_stripe(d);
  if (tps == 0) return kErrShape;
  if (group >= groups_) return kErrGroup;
  Stream& st = streams_[group];
  if (token != 0 && (token != st.next_token || d != st.d)) return kErrToken;
  const uint32_t pos = token % tps, run = token / tps;
  const bool completes = pos == tps - 1;
  const bool room = uint64_t(alloc_[2 * group]) < uint64_t(base_) + uint64_t(2 * group + 1) * region_ &&
                    uint64_t(alloc_[2 * group + 1]) < uint64_t(base_) + uint64_t(2 * group + 2) * region_;
  if (run >= max_runs_ || (completes && !room)) return kErrFull;
  if (k_row.size() != d || v_row.size() != d) return kErrActLength;

  st.d = d;
  st.next_token = token + 1;
  ++tokens_;
  const std::vector<uint16_t>* rows[2] = {&k_row, &v_row};
  for (int kv = 0; kv < 2; ++kv) {
    auto& buf = st.rows[kv];
    buf.resize(size_t(tps) * d * 2);
    for (uint32_t i = 0; i < d; ++i) {
      buf[(size_t(pos) * d + i) * 2] = uint8_t((*rows[kv])[i]);
      buf[(size_t(pos) * d + i) * 2 + 1] = uint8_t((*rows[kv])[i] >> 8);
    }
  }
  if (!completes) return kOk;
  for (uint32_t kv = 0; kv < 2; ++kv) {
    const WeightImage img(lay_, fmt_, Dtype::kBf16, tps, d, st.rows[kv]);
    for (uint32_t pl = 0; pl < lay_.planes; ++pl) {
      KvProgram p{pl, alloc_[2 * group + kv], std::vector<uint8_t>(size_t(lay_.page_data_bytes) + lay_.page_spare_bytes)};
      img.build_page(0, pl, p.bytes.data());
      out.push_back(std::move(p));
      ++pages_;
    }
    map_[map_index(group, kv, run)] = alloc_[2 * group + kv]++;
  }
  return kOk;
}

uint32_t KvAppendModel::map(uint32_t group, uint32_t kv, uint32_t run) const {
  if (group >= groups_ || kv > 1 || run >= max_runs_) throw std::out_of_range("KvAppendModel::map");
  return map_[map_index(group, kv, run)];
}

}  // namespace ifc::model
