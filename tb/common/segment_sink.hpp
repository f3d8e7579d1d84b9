// SegmentSink<V>: the consumer of the per-plane segment streams of ifc_read_path.
//
// It applies (optionally random) backpressure on out_ready_i, returns one whole-segment credit on
// seg_credit_i after a segment's last beat has been taken (optionally after a random delay), and
// checks every beat against the page the NAND model sensed: the bytes at the segment's payload or
// spare-slot offset, the segment index, the page tag, the last flags and the error flag.
#pragma once

#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "common/bits.hpp"
#include "common/rtl_sim.hpp"

namespace ifc::tb {

/// Segment layout of the read-out stream (the core configuration).
struct SegLayout {
  unsigned bond_bytes = 8;
  unsigned page_data_bytes = 16384;
  unsigned page_spare_bytes = 1664;
  unsigned seg_payload_bytes = 256;
  unsigned seg_slot_bytes = 16;
  unsigned num_segs() const { return page_data_bytes / seg_payload_bytes; }
  unsigned pay_beats() const { return seg_payload_bytes / bond_bytes; }
  unsigned seg_beats() const { return (seg_payload_bytes + seg_slot_bytes) / bond_bytes; }
  unsigned seg_w() const {
    unsigned w = 0;
    while ((1u << w) < num_segs()) ++w;
    return w == 0 ? 1 : w;
  }
  /// Byte offset within the page (data + spare) of beat `beat` of segment `seg`.
  unsigned byte_offset(unsigned seg, unsigned beat) const {
    if (beat < pay_beats()) return seg * seg_payload_bytes + beat * bond_bytes;
    return page_data_bytes + seg * seg_slot_bytes + (beat - pay_beats()) * bond_bytes;
  }
};

struct SinkStats {
  uint64_t beats = 0;
  uint64_t payload_bytes = 0;  ///< page data bytes delivered (segment payloads)
  uint64_t segments = 0;
  uint64_t pages = 0;          ///< plane pages completely drained
  uint64_t err_pages = 0;
  uint64_t mismatches = 0;
  uint64_t stall_cycles = 0;   ///< cycles with out_valid_o && !out_ready_i (consumer backpressure)
  uint64_t last_page_cycle = 0;
  std::vector<uint64_t> page_done_cycles;  ///< cycle at which each plane-0 page finished draining
  std::vector<std::string> errors;         ///< first few mismatch descriptions
};

template <class V>
class SegmentSink {
 public:
  /// `ready_prob` is the probability that out_ready_i is high in a cycle; `credit_delay_max` is
  /// the largest random delay (cycles) before a credit is returned.
  SegmentSink(RtlSim<V>& sim, const SegLayout& lay, unsigned planes, uint64_t seed, double ready_prob = 1.0,
              unsigned credit_delay_max = 0)
      : sim_(sim), lay_(lay), planes_(planes), rng_(seed), ready_prob_(ready_prob),
        credit_delay_max_(credit_delay_max), st_(planes) {
    sim_.on_drive([this] { drive(); });
    sim_.on_sample([this] { sample(); });
  }

  /// Records a page the model sensed for `plane` (called from NandCosim::on_sensed).
  void expect(unsigned plane, uint32_t page, const std::vector<uint8_t>& bytes, bool err) {
    st_[plane].expected.push_back(Expected{page, bytes, err});
  }

  void set_ready_prob(double p) { ready_prob_ = p; }
  const SinkStats& stats() const { return stats_; }
  /// Pages expected but not yet drained, over all planes.
  size_t outstanding() const {
    size_t n = 0;
    for (const auto& s : st_) n += s.expected.size();
    return n;
  }

 private:
  struct Expected {
    uint32_t page;
    std::vector<uint8_t> bytes;
    bool err;
  };
  struct PlaneState {
    std::deque<Expected> expected;
    unsigned seg = 0;
    unsigned beat = 0;
    std::deque<uint64_t> credit_due;  // cycles at which credits are returned
  };

  void fail(const std::string& msg) {
    ++stats_.mismatches;
    if (stats_.errors.size() < 16) stats_.errors.push_back(msg);
  }

  void drive() {
    V& top = sim_.top();
    std::bernoulli_distribution rdy(ready_prob_);
    const uint64_t now = sim_.cycles();
    for (unsigned pl = 0; pl < planes_; ++pl) {
      set_bit(top.out_ready_i, pl, ready_prob_ >= 1.0 ? true : rdy(rng_));
      auto& cd = st_[pl].credit_due;
      const bool credit = !cd.empty() && cd.front() <= now;
      if (credit) cd.pop_front();
      set_bit(top.seg_credit_i, pl, credit);
    }
  }

  void sample() {
    V& top = sim_.top();
    const uint64_t now = sim_.cycles();
    std::uniform_int_distribution<unsigned> delay(0, credit_delay_max_);
    const unsigned bw = lay_.bond_bytes * 8;
    for (unsigned pl = 0; pl < planes_; ++pl) {
      const bool valid = get_bit(top.out_valid_o, pl);
      const bool ready = get_bit(top.out_ready_i, pl);
      if (valid && !ready) ++stats_.stall_cycles;
      if (!(valid && ready)) continue;
      PlaneState& ps = st_[pl];
      ++stats_.beats;
      if (ps.expected.empty()) {
        fail(fmt::format("plane {}: beat delivered but no page was sensed", pl));
        continue;
      }
      const Expected& ex = ps.expected.front();
      const uint64_t data = get_bits(top.out_data_o, pl * bw, bw);
      const unsigned seg = static_cast<unsigned>(get_bits(top.out_seg_o, pl * lay_.seg_w(), lay_.seg_w()));
      const uint32_t tag = static_cast<uint32_t>(get_bits(top.out_tag_o, pl * 32, 32));
      const bool slot = get_bit(top.out_slot_o, pl);
      const bool seg_last = get_bit(top.out_seg_last_o, pl);
      const bool page_last = get_bit(top.out_page_last_o, pl);
      const bool err = get_bit(top.out_err_o, pl);
      const unsigned off = lay_.byte_offset(ps.seg, ps.beat);
      const uint64_t want = load_le(&ex.bytes[off], lay_.bond_bytes);
      const bool want_slot = ps.beat >= lay_.pay_beats();
      const bool want_seg_last = ps.beat + 1 == lay_.seg_beats();
      const bool want_page_last = want_seg_last && ps.seg + 1 == lay_.num_segs();
      if (data != want || seg != ps.seg || tag != ex.page || slot != want_slot || seg_last != want_seg_last ||
          page_last != want_page_last || err != ex.err) {
        fail(fmt::format("plane {} page {} seg {} beat {} (cycle {}): got data {:016x} seg {} tag {} slot {} "
                         "last {}/{} err {}; want {:016x} seg {} tag {} slot {} last {}/{} err {}",
                         pl, ex.page, ps.seg, ps.beat, now, data, seg, tag, slot, seg_last, page_last, err, want,
                         ps.seg, ex.page, want_slot, want_seg_last, want_page_last, ex.err));
      }
      if (!want_slot) stats_.payload_bytes += lay_.bond_bytes;
      if (++ps.beat == lay_.seg_beats()) {
        ps.beat = 0;
        ++stats_.segments;
        ps.credit_due.push_back(now + 1 + (credit_delay_max_ ? delay(rng_) : 0));
        if (++ps.seg == lay_.num_segs()) {
          ps.seg = 0;
          ++stats_.pages;
          if (ex.err) ++stats_.err_pages;
          stats_.last_page_cycle = now;
          if (pl == 0) stats_.page_done_cycles.push_back(now);
          ps.expected.pop_front();
        }
      }
    }
  }

  RtlSim<V>& sim_;
  SegLayout lay_;
  unsigned planes_;
  std::mt19937_64 rng_;
  double ready_prob_;
  unsigned credit_delay_max_;
  std::vector<PlaneState> st_;
  SinkStats stats_;
};

}  // namespace ifc::tb
