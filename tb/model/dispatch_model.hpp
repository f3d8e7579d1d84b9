// SPDX-License-Identifier: Apache-2.0
/// \file dispatch_model.hpp
/// \brief Transaction-level, bit-true model of rtl/ifc_dispatch.sv: where every segment goes, with
/// which descriptor and data beats, and the classification counters.
///
/// The classification table (the RTL's module comment):
///
///   | head                                   | action |
///   |----------------------------------------|--------|
///   | plane, g >= nsegs (past the GEMV)      | DROP   |
///   | plane, NAND read error on its page     | FAIL   |
///   | plane, dirty and not erased            | CORR   |
///   | plane, clean or erased (erased: ones)  | LANE   |
///   | corrector, uncorrectable               | FAIL   |
///   | corrector, corrected                   | LANE   |
///
/// A LANE segment reaches one PE lane as a descriptor (tag g, activation element s * elements per
/// segment for the dtype) and its PayBeats payload beats (all ones when erased; the corrector's
/// data when corrected); its spare beats are dropped. A CORR segment streams all SegBeats beats to
/// one corrector port with tag {s, g} and its remainder. A FAIL segment is one g on the fail
/// channel. Counters: clean / erased (plane segments bound to a lane), corrected (corrector outputs
/// bound to a lane), uncorrectable (corrector FAILs), read_err (plane FAILs). The model is untimed:
/// the order and timing rules (window, in-order mode, one lane binding per cycle) are checked by
/// the test bench cycle by cycle.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

namespace ifc::model {

enum class DispAction : uint8_t { kDrop = 0, kFail = 1, kCorr = 2, kLane = 3 };

/// The metadata of a plane segment (src_meta_i: g[31:0], s[47:32], dirty[48], erased[49],
/// read error[50], remainder[51 +: RemW]).
struct DispMeta {
  uint32_t g = 0;
  uint16_t s = 0;
  bool dirty = false;
  bool erased = false;
  bool read_err = false;
};

DispAction dispatch_classify_plane(const DispMeta& m, uint32_t nsegs);
DispAction dispatch_classify_corrector(bool uncorrectable);
/// Activation element index of k-slice s: s * elements per segment (payload_bytes / 2 BF16,
/// payload_bytes * 2 INT4, payload_bytes otherwise), 32 bits.
uint32_t dispatch_act_elem(uint16_t s, unsigned dtype, uint32_t payload_bytes);

/// Where a segment ends.
enum class DispRoute : uint8_t {
  kDrop,          ///< discarded (g >= nsegs)
  kLaneClean,     ///< plane -> lane, raw payload
  kLaneErased,    ///< plane -> lane, all-ones payload
  kFailReadErr,   ///< plane -> fail channel
  kCorrLane,      ///< plane -> corrector -> lane, corrected payload
  kCorrFail,      ///< plane -> corrector -> fail channel (uncorrectable)
};

struct DispCounters {
  uint32_t clean = 0, erased = 0, corrected = 0, uncorrectable = 0, read_err = 0;
  bool operator==(const DispCounters& o) const {
    return clean == o.clean && erased == o.erased && corrected == o.corrected &&
           uncorrectable == o.uncorrectable && read_err == o.read_err;
  }
};

/// The expected fate of one plane segment.
struct DispExpect {
  DispRoute route = DispRoute::kDrop;
  uint32_t g = 0;
  uint16_t s = 0;
  uint32_t act_elem = 0;             ///< lane descriptor
  std::vector<uint64_t> lane_beats;  ///< PayBeats beats the lane receives (lane routes)
  std::vector<uint64_t> cin_beats;   ///< SegBeats beats the corrector receives (corrector routes)
  uint64_t cin_tag = 0;              ///< {s, g}
};

class DispatchModel {
 public:
  DispatchModel(unsigned seg_beats, unsigned pay_beats, unsigned beat_w);

  /// A new GEMV (clear_i): `nsegs` segments, datatype `dtype`; forgets all segments and counters.
  void clear(uint32_t nsegs, unsigned dtype);
  /// A plane segment: metadata and SegBeats raw beats; for a CORR segment, the corrector's verdict
  /// (uncorrectable) and its SegBeats output beats. Returns its expectation (g must be unique).
  const DispExpect& add(const DispMeta& meta, const std::vector<uint64_t>& beats, bool corr_unc = false,
                        const std::vector<uint64_t>& corr_beats = {});
  const DispExpect* find(uint32_t g) const;
  /// The counters once every segment added has been dispatched.
  const DispCounters& counters() const { return cnt_; }

 private:
  unsigned seg_beats_, pay_beats_, beat_bytes_;
  uint64_t ones_;
  uint32_t nsegs_ = 0;
  unsigned dtype_ = 0;
  std::map<uint32_t, DispExpect> seg_;
  DispCounters cnt_;
};

}  // namespace ifc::model
