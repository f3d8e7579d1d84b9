// SPDX-License-Identifier: Apache-2.0
/// \file seg_fifo_model.hpp
/// \brief Cycle-exact, bit-true model of rtl/ifc_seg_fifo.sv (the per-plane segment FIFO).
///
/// Behaviour (the RTL's module comment):
/// - Whole segments of `seg_beats` beats are written beat by beat; the metadata comes with the last
///   beat. A segment occupies one of `segs` slots from its first written beat until its last beat
///   has been read. wr_ready = inside a segment, or a free slot.
/// - The read side sees a segment only once it is complete. Reading is first-word-fall-through over
///   a 1-cycle SRAM: an output register (valid, beat index, metadata) is loaded ("fetch") whenever
///   it is empty or being read, from the segment being fetched or, if none, the oldest complete
///   segment that was complete before this edge. A segment's first beat is readable 2 cycles after
///   its last beat was written.
/// - pop = a segment's last beat is read (the credit return); empty = no slot occupied.
///
/// Use: each cycle, outputs(rd_ready) gives what the RTL shows (before the edge), then
/// step(inputs) applies the rising edge.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <vector>

namespace ifc::model {

/// Up to 256 bits of metadata, 64-bit words, little-endian.
using MetaBits = std::array<uint64_t, 4>;

struct SegFifoIn {
  bool wr_valid = false;
  uint64_t wr_data = 0;
  bool wr_last = false;
  MetaBits wr_meta{};
  bool rd_ready = false;
};

struct SegFifoOut {
  bool wr_ready = false;
  bool rd_valid = false;
  uint64_t rd_data = 0;   ///< meaningful while rd_valid
  bool rd_first = false;  ///< meaningful while rd_valid
  bool rd_last = false;   ///< meaningful while rd_valid
  unsigned rd_beat = 0;   ///< meaningful while rd_valid
  MetaBits rd_meta{};     ///< meaningful while rd_valid
  bool pop = false;
  bool empty = true;
};

class SegFifoModel {
 public:
  SegFifoModel(unsigned seg_beats, unsigned segs);

  /// Asynchronous reset (storage keeps its contents in the RTL, but nothing stored is visible).
  void reset();
  /// The outputs in the current cycle, given the reader's rd_ready.
  SegFifoOut outputs(bool rd_ready) const;
  /// Rising edge. Returns false on a write-side protocol violation (a write without space or a
  /// last flag off the segment boundary): the RTL asserts on both; the model then ignores the write.
  bool step(const SegFifoIn& in);

  unsigned occupied() const { return occupied_; }
  unsigned complete() const { return static_cast<unsigned>(complete_.size()); }

 private:
  struct Seg {
    std::vector<uint64_t> beats;
    MetaBits meta{};
  };
  bool wr_ready() const { return wbeat_ != 0 || occupied_ < segs_; }

  unsigned seg_beats_;
  unsigned segs_;
  // write side
  Seg writing_;
  unsigned wbeat_ = 0;
  unsigned occupied_ = 0;      ///< slots: segments started or complete and not yet fully read
  std::deque<Seg> complete_;   ///< complete segments whose fetch has not started
  // fetch side
  bool fetching_ = false;
  Seg cur_;
  unsigned next_beat_ = 0;
  // output register
  bool ov_ = false;
  uint64_t odata_ = 0;
  unsigned obeat_ = 0;
  MetaBits ometa_{};
};

}  // namespace ifc::model
