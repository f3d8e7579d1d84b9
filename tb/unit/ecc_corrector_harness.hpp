// CorrectorHarness: drives Vifc_ecc_corrector with BCH segments built from the golden codec
// (tb/model/bch.hpp) and checks every output segment against BchCode::decode(). Shared by
// test_ecc_corrector and bench_ecc_corrector, so both measure the same thing.
//
// Input:  queued segments are streamed beat by beat with random valid gaps (a presented beat is
//         held until accepted: valid never depends on ready, the payload is stable).
// Output: random out_ready; each segment's beats must be contiguous, carry one tag, end with
//         out_last_o on beat SegBeats-1, and equal the codec's result (corrected data, or the raw
//         data with out_uncorrectable_o on every beat), out_nerr_o = the codec's bit count.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "Vifc_ecc_corrector.h"
#include "common/bits.hpp"
#include "common/rtl_sim.hpp"
#include "model/bch.hpp"
#include "model/crc32c.hpp"

namespace ifc::tb {

/// The code the Verilated corrector was elaborated for (sim/CMakeLists.txt).
constexpr unsigned kCorrBondBytes = IFC_RTL_BOND_BYTES;
constexpr unsigned kCorrSegBytes = IFC_RTL_SEG_PAYLOAD_BYTES + IFC_RTL_SEG_SLOT_BYTES;
constexpr unsigned kCorrSegBeats = kCorrSegBytes / kCorrBondBytes;
constexpr unsigned kCorrCodeBits = kCorrSegBytes * 8;
constexpr unsigned kCorrParityBits = IFC_RTL_ECC_PARITY_BITS;
constexpr unsigned kCorrKBits = kCorrCodeBits - kCorrParityBits;
constexpr unsigned kCorrT = IFC_RTL_ECC_T;
constexpr unsigned kCorrEngines = IFC_RTL_ECC_CORR_ENGINES;
constexpr unsigned kCorrChienPar = IFC_RTL_ECC_CORR_CHIEN_PAR;
constexpr unsigned kCorrSlots = IFC_RTL_ECC_CORR_SLOTS;
constexpr unsigned kCorrTagW = IFC_RTL_ECC_CORR_TAG_W;
#ifndef IFC_RTL_ECC_CORR_SEG_CRC
#define IFC_RTL_ECC_CORR_SEG_CRC 0
#endif
/// SegCrc: message bytes [Pay, Pay+4) hold CRC-32C(payload), little-endian (tb/model/segment_format.hpp),
/// and a Clean/Corrected decode whose CRC disagrees must come out uncorrectable.
constexpr bool kCorrCrc = IFC_RTL_ECC_CORR_SEG_CRC != 0;
constexpr unsigned kCorrPayBytes = IFC_RTL_SEG_PAYLOAD_BYTES;
static_assert(kCorrBondBytes <= 8, "the harness drives beats of at most 64 bits");
static_assert(kCorrKBits % 8 == 0, "message || parity must be byte aligned");
static_assert(kCorrTagW <= 32, "tags are uint32_t");

inline const model::BchCode& corr_code() {
  static const model::BchCode code(IFC_RTL_ECC_M, IFC_RTL_ECC_T, kCorrKBits);
  return code;
}

using Outcome = model::BchCode::DecodeResult::Outcome;

/// One segment: the received bytes (message || parity, with errors), its remainder, and the
/// codec's verdict.
struct CorrSegment {
  std::vector<uint8_t> sent;       ///< received word (kCorrSegBytes)
  std::vector<uint8_t> codeword;   ///< the codeword before the errors
  std::vector<uint32_t> flips;     ///< injected error positions (stream bits)
  model::BchCode::Remainder rem;
  uint32_t tag = 0;
  // The codec's result
  Outcome outcome = Outcome::Clean;
  std::vector<uint8_t> expect;     ///< expected output bytes
  int expect_nerr = 0;
  bool miscorrected = false;       ///< Corrected, but not to the original codeword
  bool crc_fail = false;           ///< kCorrCrc: the BCH said Clean/Corrected, the CRC disagreed
  bool unc_after_chien = false;    ///< Uncorrectable only after the Chien search (deg <= T, deg = L,
                                   ///< fewer roots than deg): the corrector's slowest path
  // Filled in by the harness
  uint64_t first_in_cycle = 0, last_in_cycle = 0, first_out_cycle = 0, last_out_cycle = 0;
  size_t submit_index = 0, complete_index = 0;
  bool done = false;
};

/// Writes CRC-32C(payload) into the CRC field (message bytes [Pay, Pay+4), little-endian).
inline void store_crc_field(uint8_t* seg) {
  const uint32_t c = model::crc32c(seg, kCorrPayBytes);
  for (unsigned i = 0; i < 4; ++i) seg[kCorrPayBytes + i] = static_cast<uint8_t>(c >> (8 * i));
}

/// True when the segment's CRC field matches CRC-32C of its payload.
inline bool crc_field_ok(const uint8_t* seg) {
  uint32_t f = 0;
  for (unsigned i = 0; i < 4; ++i) f |= uint32_t(seg[kCorrPayBytes + i]) << (8 * i);
  return f == model::crc32c(seg, kCorrPayBytes);
}

/// A segment from a random message with the given error positions (stream bits, distinct).
inline CorrSegment make_segment(std::mt19937_64& rng, const std::vector<uint32_t>& flips, uint32_t tag) {
  const auto& code = corr_code();
  CorrSegment s;
  s.codeword.resize(kCorrSegBytes);
  for (uint32_t i = 0; i < code.message_bytes(); ++i) s.codeword[i] = static_cast<uint8_t>(rng());
  if (kCorrCrc) store_crc_field(s.codeword.data());
  code.encode(s.codeword.data(), s.codeword.data() + code.message_bytes());
  s.sent = s.codeword;
  for (uint32_t b : flips) code.flip_stream_bit(s.sent.data(), s.sent.data() + code.message_bytes(), b);
  s.flips = flips;
  s.tag = tag;
  return s;
}

/// Fills in the remainder and the codec's verdict (call after editing `sent`).
inline void finish_segment(CorrSegment& s) {
  const auto& code = corr_code();
  const uint32_t mb = code.message_bytes();
  s.rem = code.remainder(s.sent.data(), s.sent.data() + mb);
  std::vector<uint8_t> dec = s.sent;
  const auto r = code.decode(dec.data(), dec.data() + mb);
  s.outcome = r.outcome;
  if (r.outcome == Outcome::Uncorrectable) {
    s.expect = s.sent;
    s.expect_nerr = 0;
    const auto loc = code.berlekamp_massey(code.syndromes_from_remainder(s.rem));
    s.unc_after_chien = loc.degree() <= static_cast<int>(code.t()) && loc.degree() == loc.complexity;
  } else {
    s.expect = dec;
    s.expect_nerr = r.n_errors;
    s.miscorrected = r.outcome == Outcome::Corrected && !s.codeword.empty() && dec != s.codeword;
    if (kCorrCrc && !crc_field_ok(dec.data())) {
      // A detected miscorrection (or a word whose CRC was never right): uncorrectable, raw data out.
      s.crc_fail = true;
      s.miscorrected = false;
      s.outcome = Outcome::Uncorrectable;
      s.expect = s.sent;
      s.expect_nerr = 0;
    }
  }
}

/// `count` distinct random stream positions.
inline std::vector<uint32_t> random_positions(std::mt19937_64& rng, unsigned count) {
  std::vector<uint32_t> pos;
  std::uniform_int_distribution<uint32_t> d(0, kCorrCodeBits - 1);
  while (pos.size() < count) {
    const uint32_t p = d(rng);
    if (std::find(pos.begin(), pos.end(), p) == pos.end()) pos.push_back(p);
  }
  return pos;
}

struct CorrStats {
  uint64_t segments = 0, clean = 0, corrected = 0, uncorrectable = 0, miscorrected = 0;
  uint64_t crc_fail = 0;              ///< of the uncorrectable ones: CRC mismatches (kCorrCrc)
  uint64_t unc_after_chien = 0;       ///< of the uncorrectable ones
  uint64_t out_of_order = 0;          ///< completions that overtook an earlier submission
  uint64_t out_of_order_diff_err = 0; ///< ... where the two segments' error counts differ
  uint64_t max_busy_engines = 0;
  uint64_t busy_engine_cycles = 0;    ///< sum over cycles of the number of busy engines
  uint64_t in_stall_cycles = 0;       ///< in_valid && !in_ready (buffer full)
  uint64_t cycles = 0;
};

template <class V = Vifc_ecc_corrector>
class CorrectorHarness {
 public:
  /// in_gap_prob: probability of an idle input cycle when a beat could be presented;
  /// out_ready_prob: probability of out_ready_i per cycle.
  CorrectorHarness(RtlSim<V>& sim, uint64_t seed, double in_gap_prob = 0.0, double out_ready_prob = 1.0)
      : sim_(sim), rng_(seed), in_gap_prob_(in_gap_prob), out_ready_prob_(out_ready_prob) {
    sim_.on_drive([this] { drive(); });
    sim_.on_sample([this] { sample(); });
  }

  void submit(CorrSegment s) {
    s.submit_index = segs_.size();
    segs_.push_back(std::move(s));
    queue_.push_back(segs_.size() - 1);
  }

  /// Runs until every submitted segment has come out (or max_cycles). Returns true when all did.
  bool run(uint64_t max_cycles) {
    const uint64_t stop = sim_.cycles() + max_cycles;
    while (completed_ < segs_.size() && sim_.cycles() < stop && !sim_.error()) sim_.cycle();
    stats_.cycles = sim_.cycles();
    return completed_ == segs_.size();
  }

  const std::vector<CorrSegment>& segments() const { return segs_; }
  const CorrStats& stats() const { return stats_; }
  const std::vector<std::string>& errors() const { return errors_; }
  size_t completed() const { return completed_; }

 private:
  void drive() {
    auto& top = sim_.top();
    std::uniform_real_distribution<double> u(0.0, 1.0);
    if (!holding_ && cur_in_ < queue_.size() && !(in_gap_prob_ > 0.0 && u(rng_) < in_gap_prob_)) holding_ = true;
    top.in_valid_i = holding_;
    if (holding_) {
      const CorrSegment& s = segs_[queue_[cur_in_]];
      top.in_data_i = load_le(s.sent.data() + in_beat_ * kCorrBondBytes, kCorrBondBytes);
      top.in_last_i = (in_beat_ == kCorrSegBeats - 1);
      top.in_tag_i = s.tag;
      for (unsigned w = 0; w < s.rem.size(); ++w) {
        const unsigned width = std::min(64u, kCorrParityBits - 64 * w);
        set_bits(top.in_rem_i, 64 * w, width, s.rem[w]);
      }
    }
    top.out_ready_i = out_ready_prob_ >= 1.0 || u(rng_) < out_ready_prob_;
  }

  void sample() {
    auto& top = sim_.top();
    const uint64_t cyc = sim_.cycles();
    unsigned busy = 0;
    for (unsigned e = 0; e < kCorrEngines; ++e) busy += (top.busy_o >> e) & 1u;
    stats_.busy_engine_cycles += busy;
    stats_.max_busy_engines = std::max<uint64_t>(stats_.max_busy_engines, busy);
    if (top.in_valid_i && !top.in_ready_o) ++stats_.in_stall_cycles;

    if (top.in_valid_i && top.in_ready_o) {
      CorrSegment& s = segs_[queue_[cur_in_]];
      if (in_beat_ == 0) s.first_in_cycle = cyc;
      holding_ = false;
      if (++in_beat_ == kCorrSegBeats) {
        s.last_in_cycle = cyc;
        in_flight_[s.tag] = queue_[cur_in_];
        in_beat_ = 0;
        ++cur_in_;
      }
    }

    if (top.out_valid_o && top.out_ready_i) {
      const uint32_t tag = static_cast<uint32_t>(top.out_tag_o);
      const bool unc = top.out_uncorrectable_o;
      const unsigned nerr = top.out_nerr_o;
      if (out_beat_ == 0) {
        out_tag_ = tag;
        out_unc_ = unc;
        out_nerr_ = nerr;
        out_bytes_.assign(kCorrSegBytes, 0);
        out_first_cycle_ = cyc;
      } else if (tag != out_tag_ || unc != out_unc_ || nerr != out_nerr_) {
        error(fmt::format("cycle {}: beat {} of tag {} carries tag {} unc {} nerr {} (segment not contiguous "
                          "or sideband not constant)", cyc, out_beat_, out_tag_, tag, unc, nerr));
      }
      store_le(out_bytes_.data() + out_beat_ * kCorrBondBytes, kCorrBondBytes, top.out_data_o);
      const bool last_expected = (out_beat_ == kCorrSegBeats - 1);
      if (bool(top.out_last_o) != last_expected) {
        error(fmt::format("cycle {}: tag {} beat {}: out_last_o = {}", cyc, out_tag_, out_beat_, top.out_last_o));
      }
      if (++out_beat_ == kCorrSegBeats) {
        out_beat_ = 0;
        finish_output(cyc);
      }
    }
  }

  void finish_output(uint64_t cyc) {
    auto it = in_flight_.find(out_tag_);
    if (it == in_flight_.end()) {
      error(fmt::format("cycle {}: segment with tag {} came out but is not in flight (duplicate or unknown)",
                        cyc, out_tag_));
      return;
    }
    CorrSegment& s = segs_[it->second];
    in_flight_.erase(it);
    s.done = true;
    s.first_out_cycle = out_first_cycle_;
    s.last_out_cycle = cyc;
    s.complete_index = completed_++;
    // Out-of-order: an earlier submission is still in flight.
    for (const auto& [tag, idx] : in_flight_) {
      if (segs_[idx].submit_index < s.submit_index) {
        ++stats_.out_of_order;
        if (segs_[idx].flips.size() != s.flips.size()) ++stats_.out_of_order_diff_err;
        break;
      }
    }
    ++stats_.segments;
    const bool want_unc = s.outcome == Outcome::Uncorrectable;
    if (want_unc) ++stats_.uncorrectable;
    else if (s.outcome == Outcome::Clean) ++stats_.clean;
    else ++stats_.corrected;
    if (s.miscorrected) ++stats_.miscorrected;
    if (s.crc_fail) ++stats_.crc_fail;
    if (s.unc_after_chien) ++stats_.unc_after_chien;
    if (out_unc_ != want_unc || int(out_nerr_) != s.expect_nerr || out_bytes_ != s.expect) {
      size_t diff_bits = 0;
      for (size_t i = 0; i < out_bytes_.size(); ++i) diff_bits += __builtin_popcount(out_bytes_[i] ^ s.expect[i]);
      std::string fl;
      for (uint32_t f : s.flips) fl += fmt::format("{} ", f);
      error(fmt::format("tag {}: RTL unc={} nerr={} vs codec unc={} nerr={}; {} data bits differ; flips: {}",
                        s.tag, out_unc_, out_nerr_, want_unc, s.expect_nerr, diff_bits, fl));
    }
  }

  void error(std::string msg) {
    if (errors_.size() < 20) errors_.push_back(std::move(msg));
    else if (errors_.size() == 20) errors_.push_back("... (more errors suppressed)");
  }

  RtlSim<V>& sim_;
  std::mt19937_64 rng_;
  double in_gap_prob_, out_ready_prob_;
  std::vector<CorrSegment> segs_;
  std::vector<size_t> queue_;        // submission order
  size_t cur_in_ = 0;                // next segment to stream in
  unsigned in_beat_ = 0;
  bool holding_ = false;
  std::map<uint32_t, size_t> in_flight_;  // tag -> segment (fully streamed in, not yet out)
  unsigned out_beat_ = 0;
  uint32_t out_tag_ = 0;
  bool out_unc_ = false;
  unsigned out_nerr_ = 0;
  uint64_t out_first_cycle_ = 0;
  std::vector<uint8_t> out_bytes_;
  size_t completed_ = 0;
  CorrStats stats_;
  std::vector<std::string> errors_;
};

}  // namespace ifc::tb
