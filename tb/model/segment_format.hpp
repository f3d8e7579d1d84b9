// SPDX-License-Identifier: Apache-2.0
/// \file segment_format.hpp
/// \brief On-flash segment format: payload in the page data area, BCH parity (+ optional CRC-32C)
/// in a fixed-size slot of the page's spare area, and the decode policy (incl. erased segments).
///
/// ## Layout (the whole segment is one BCH codeword, in stream order)
/// - Page data area: segments back to back; segment s is bytes [s*P, (s+1)*P), P = payload_bytes.
///   floor(data_bytes / P) segments per page; leftover data bytes (if P does not divide the page)
///   belong to no segment.
/// - Spare area: slot s is bytes [s*S, (s+1)*S) from spare offset 0, S = slot_bytes (16 by default).
///   Spare bytes after the last slot are written 0xFF.
/// - Within a slot (default S = 16, parity p = 96 bits = 12 bytes):
///     bytes [0, 4)              crc on:  CRC-32C of the payload, little-endian
///                               crc off: 0xFF 0xFF 0xFF 0xFF (the field is always reserved)
///     bytes [4, S - p/8)        filler, written 0xFF (none in the default format)
///     bytes [S - p/8, S)        BCH parity, parity bit j at (slot[S - p/8 + j/8] >> (j%8)) & 1
/// - The segment as it streams out of the page buffer (payload, then slot bytes 0..S-1, each byte
///   LSB first) IS the BCH codeword: message = payload || slot[0, S - p/8) (k = 8(P + S) - p bits),
///   parity last. So the line-rate checker divides every beat in arrival order with no reordering,
///   and the CRC (when on) and the filler are protected by the BCH like the payload. This needs
///   p % 8 == 0 (true for m = 12 with even t; the constructor checks it) and p/8 + 4 <= S.
///   Stream bit i is payload byte i/8 bit i%8 for i < 8P, else slot byte (i-8P)/8 bit i%8.
///   (This layout replaces an earlier draft that put the parity first and the CRC last, which
///   would have forced the checker to reorder the slot bytes.)
///
/// ## Decode policy (decode_segment)
///  1. BCH remainder == 0                                  -> Clean
///  2. else, zero bits in (payload + whole slot) <= t      -> Erased (data = all 0xFF)
///  3. else BCH correction                                 -> Corrected or Uncorrectable
///  4. crc on and outcome Clean/Corrected, but CRC-32C(payload) != CRC field  -> CrcMismatch
///
/// ## Erased-segment policy (why)
/// An erased (never programmed) page reads all ones, and an all-ones word is in general not a BCH
/// codeword, so a plain decoder would report erased pages (unwritten KV pages, unused tails) as
/// uncorrectable, or worse, "correct" a lightly disturbed erased page into a wrong codeword. Like NAND
/// controllers (e.g. Linux nand_check_erased_ecc_chunk(), threshold = ECC strength), a dirty segment
/// whose payload+slot holds at most t zero bits is reported as Erased: a defined outcome distinct
/// from Clean, with data all 0xFF and n_errors = the number of zero bits (bit flips). The checker can
/// compute this at line rate (a popcount beside the remainder LFSR). Step 1 comes first so that a
/// programmed segment that reads clean is never reported as Erased; a programmed segment is
/// misreported as Erased only if its codeword has at most 2t zero bits (t zeros + t flips).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "model/bch.hpp"

namespace ifc::model {

/// Segment format parameters (defaults from DESIGN.md: 256 B payload, GF(2^12), t = 8, 16 B slot).
struct SegmentFormat {
  uint32_t payload_bytes = 256;  ///< Payload bytes per segment (P).
  uint32_t slot_bytes = 16;      ///< Spare bytes per segment (S); needs parity_bits % 8 == 0 and parity_bits/8 + 4 <= S.
  uint32_t m = 12;               ///< BCH field degree.
  uint32_t t = 8;                ///< BCH correction capability (bits).
  bool crc = false;              ///< Store and check a CRC-32C of the payload.
};

/// Result class of decode_segment().
enum class SegmentOutcome {
  Clean,          ///< BCH codeword (and CRC matches, if on).
  Corrected,      ///< BCH corrected n_errors bits (and CRC matches, if on).
  Uncorrectable,  ///< BCH decoding failure (detected).
  CrcMismatch,    ///< BCH said Clean/Corrected but the CRC disagrees: detected miscorrection.
  Erased,         ///< Erased segment (<= t zero bits in payload + slot); data all 0xFF.
};

/// "Clean", "Corrected", "Uncorrectable", "CrcMismatch", "Erased".
const char* to_string(SegmentOutcome outcome);

/// Output of decode_segment().
struct SegmentDecodeResult {
  SegmentOutcome outcome = SegmentOutcome::Clean;
  /// Corrected: bits corrected. CrcMismatch: bits the BCH flipped (0 if it said Clean).
  /// Erased: zero bits seen. Clean: 0. Uncorrectable: -1.
  int n_errors = 0;
  /// BCH stream bits flipped (Corrected, CrcMismatch), ascending; map them with SegmentCodec::locate().
  std::vector<uint32_t> flipped_bits;
  /// Payload (P bytes): corrected for Clean/Corrected, all 0xFF for Erased, as read otherwise.
  std::vector<uint8_t> payload;
};

/// Physical location of a BCH stream bit of a segment.
struct SegmentBitLocation {
  bool in_slot;   ///< false: payload byte; true: spare-slot byte.
  uint32_t byte;  ///< Byte offset within the payload or the slot.
  unsigned bit;   ///< Bit within the byte (0 = LSB).
};

/// Encoder/decoder for one SegmentFormat. Immutable after construction: const methods are thread-safe.
class SegmentCodec {
 public:
  static constexpr uint32_t kCrcBytes = 4;  ///< CRC field size, at the start of the slot.

  /// Throws std::invalid_argument if the format is invalid (payload_bytes = 0, BCH does not fit
  /// GF(2^m), parity_bits % 8 != 0, or parity_bits/8 + 4 > slot_bytes).
  explicit SegmentCodec(const SegmentFormat& fmt);

  const SegmentFormat& format() const { return fmt_; }                 ///< The format.
  const BchCode& bch() const { return bch_; }                          ///< The underlying BCH code.
  uint32_t crc_offset() const { return 0; }                                       ///< CRC field offset in the slot.
  uint32_t parity_offset() const { return fmt_.slot_bytes - bch_.parity_bytes(); }  ///< Parity offset in the slot.
  /// The BCH message of a segment: payload || slot[0, parity_offset()).
  std::vector<uint8_t> message(const uint8_t* payload, const uint8_t* slot) const;

  /// floor(data_bytes / payload_bytes).
  size_t segments_per_page(size_t data_bytes) const { return data_bytes / fmt_.payload_bytes; }

  /// Writes the slot_bytes-byte slot for one payload (parity, filler, CRC or 0xFF).
  void encode_segment(const uint8_t* payload, uint8_t* slot) const;

  /// Decodes one segment as read (payload_bytes at payload, slot_bytes at slot); inputs unchanged.
  SegmentDecodeResult decode_segment(const uint8_t* payload, const uint8_t* slot) const;

  /// Fills every segment's slot of a page and writes 0xFF to the rest of the spare area.
  /// Throws std::invalid_argument if the slots do not fit in spare_bytes.
  void encode_page(const uint8_t* page_data, size_t data_bytes, uint8_t* spare, size_t spare_bytes) const;

  /// decode_segment() on segment `segment` of a page. Throws std::out_of_range for a bad index.
  SegmentDecodeResult decode_page_segment(const uint8_t* page_data, size_t data_bytes, const uint8_t* spare,
                                          size_t spare_bytes, size_t segment) const;

  /// Number of 0 bits in payload (payload_bytes) and slot (slot_bytes): the erased test statistic.
  uint32_t count_zero_bits(const uint8_t* payload, const uint8_t* slot) const;

  /// Where BCH stream bit i (0..n-1) lives. Throws std::out_of_range for i >= n.
  SegmentBitLocation locate(uint32_t stream_bit) const;

 private:
  SegmentFormat fmt_;
  BchCode bch_;
};

/// SegmentCodec(fmt).encode_page(...).
void encode_page(const SegmentFormat& fmt, const uint8_t* page_data, size_t data_bytes, uint8_t* spare,
                 size_t spare_bytes);

/// SegmentCodec(fmt).decode_segment(...). Builds the code tables on every call; keep a SegmentCodec
/// for repeated use.
SegmentDecodeResult decode_segment(const SegmentFormat& fmt, const uint8_t* payload, const uint8_t* slot);

}  // namespace ifc::model
