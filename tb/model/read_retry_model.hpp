// SPDX-License-Identifier: Apache-2.0
/// \file read_retry_model.hpp
/// \brief Bit-true, transaction-level model of rtl/ifc_read_retry.sv (the read-retry unit).
///
/// Behaviour (the RTL's module comment):
/// - Requests {g, s, step} are served one at a time, in the order they were accepted.
/// - Each becomes one single-plane NAND command: plane g % Planes (a one-hot mask), page
///   base + (g / Planes) / SegsPerPage, column segment (g / Planes) % SegsPerPage, read level step.
/// - A request accepted by an idle unit with a free FIFO slot is presented as a command
///   kCmdLatency cycles later (the accepting cycle is cycle 0; one cycle in the queue, one to pop
///   it, 32 to divide g by Planes). A request leaves the queue only when the unit is idle and its
///   2-segment output FIFO has a free slot.
/// - The segment the NAND returns passes through unchanged, with the metadata of a plane FIFO:
///   {rem, err, erased, dirty, s, g} (the line-rate checker's verdict on the segment as received:
///   BCH remainder, dirty = remainder != 0, erased = at most EccT zero bits, err = the NAND's page
///   error flag) and the request's step.
#pragma once

#include <cstdint>
#include <vector>

#include "model/bch.hpp"

namespace ifc::model {

struct RetryRequest {
  uint32_t g = 0;
  uint16_t s = 0;
  uint8_t step = 0;  ///< 1..15
};

struct RetryCommand {
  uint32_t plane_mask = 0;
  uint32_t page = 0;
  uint16_t seg = 0;
  uint8_t step = 0;
  bool operator==(const RetryCommand& o) const {
    return plane_mask == o.plane_mask && page == o.page && seg == o.seg && step == o.step;
  }
};

/// The re-read segment as the unit hands it to the dispatcher.
struct RetrySegment {
  std::vector<uint8_t> bytes;  ///< payload + slot, stream order (unchanged)
  uint32_t g = 0;
  uint16_t s = 0;
  uint8_t step = 0;
  bool dirty = false, erased = false, err = false;
  BchCode::Remainder rem{};
};

class ReadRetryModel {
 public:
  /// Cycles from a request's accepting cycle (idle unit) to the first cycle of nand_cmd_valid.
  static constexpr unsigned kCmdLatency = 34;
  /// Segments the output FIFO holds (a request is served only with a free slot).
  static constexpr unsigned kFifoSegs = 2;

  /// `code`: the segment codeword (payload + slot, parity last), `ecc_t`: the erased threshold.
  ReadRetryModel(unsigned planes, unsigned segs_per_page, const BchCode& code, unsigned ecc_t);

  /// The NAND command of request `r` in a GEMV at base page `base_page`.
  RetryCommand command(const RetryRequest& r, uint32_t base_page) const;
  /// What the unit outputs for request `r` when the NAND returned `bytes` with page error `err`.
  RetrySegment output(const RetryRequest& r, const std::vector<uint8_t>& bytes, bool err) const;

 private:
  unsigned planes_, segs_per_page_, ecc_t_;
  const BchCode& code_;
};

}  // namespace ifc::model
