// SPDX-License-Identifier: Apache-2.0
/// \file prefetch_model.hpp
/// \brief Cycle-exact, bit-true model of rtl/ifc_prefetch_seq.sv (the deterministic prefetch
/// sequencer).
///
/// Behaviour (the RTL's module comment, docs/core.md):
/// - start (while idle) with base page B and nsegs N: the sequencer issues multi-plane cache reads
///   (all planes, cache bit set) of pages B, B+1, ... one per accepted command, until the pages
///   read cover N segments (each page index holds Planes * SegsPerPage segments), i.e.
///   pages_needed(N) = ceil(N / (Planes * SegsPerPage)) commands; N = 0 issues none.
/// - A command is offered (valid) whenever busy and every plane has a free latch (sense_ready all
///   ones): nothing else throttles it. sense_start = the command is accepted.
/// - pages_issued counts the commands of the current (or last) GEMV.
#pragma once

#include <cstdint>

namespace ifc::model {

struct PrefetchIn {
  bool start = false;
  uint32_t base_page = 0;
  uint32_t nsegs = 0;
  uint64_t sense_ready = 0;  ///< bit p: plane p has a free latch
  bool cmd_ready = false;
};

struct PrefetchOut {
  bool cmd_valid = false;
  uint32_t page = 0;         ///< meaningful while cmd_valid
  uint64_t plane_mask = 0;
  bool cache = true;
  bool sense_start = false;
  bool busy = false;
  uint32_t pages_issued = 0;
};

class PrefetchModel {
 public:
  PrefetchModel(unsigned planes, unsigned segs_per_page);

  /// Commands a GEMV of `nsegs` segments needs.
  uint64_t pages_needed(uint64_t nsegs) const;

  void reset();
  PrefetchOut outputs(const PrefetchIn& in) const;
  /// Rising edge. Returns false if start came while busy (a protocol violation: ignored).
  bool step(const PrefetchIn& in);

 private:
  unsigned planes_;
  uint32_t per_page_;  ///< segments per page index (all planes)
  bool busy_ = false;
  uint32_t page_ = 0;
  uint32_t nsegs_ = 0;
  uint64_t covered_ = 0;  ///< segments covered by the pages issued
  uint32_t issued_ = 0;
};

}  // namespace ifc::model
