// SPDX-License-Identifier: Apache-2.0
#include "model/segment_format.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "model/crc32c.hpp"

namespace ifc::model {

namespace {

BchCode make_bch(const SegmentFormat& fmt) {
  if (fmt.payload_bytes == 0) throw std::invalid_argument("SegmentFormat: payload_bytes must be > 0");
  // The whole segment (payload + slot) is one codeword with the parity at its end: the message is
  // the payload and the first slot_bytes - parity_bytes slot bytes.
  const BchCode probe(fmt.m, fmt.t, 1);
  if (probe.parity_bits() % 8 != 0) {
    throw std::invalid_argument("SegmentFormat: m=" + std::to_string(fmt.m) + ", t=" + std::to_string(fmt.t) +
                                " gives " + std::to_string(probe.parity_bits()) +
                                " parity bits; the segment format needs a multiple of 8 (the codeword fills the "
                                "segment exactly)");
  }
  const uint64_t pb = probe.parity_bytes();
  if (pb + SegmentCodec::kCrcBytes > fmt.slot_bytes) {
    throw std::invalid_argument("SegmentFormat: " + std::to_string(pb) + " parity bytes (m=" + std::to_string(fmt.m) +
                                ", t=" + std::to_string(fmt.t) + ") + " + std::to_string(SegmentCodec::kCrcBytes) +
                                " CRC bytes do not fit a " + std::to_string(fmt.slot_bytes) + "-byte slot");
  }
  const uint64_t k_bits = 8ull * (uint64_t{fmt.payload_bytes} + fmt.slot_bytes - pb);
  if (k_bits > UINT32_MAX) throw std::invalid_argument("SegmentFormat: payload_bytes too large");
  return BchCode(fmt.m, fmt.t, static_cast<uint32_t>(k_bits));
}

}  // namespace

const char* to_string(SegmentOutcome outcome) {
  switch (outcome) {
    case SegmentOutcome::Clean: return "Clean";
    case SegmentOutcome::Corrected: return "Corrected";
    case SegmentOutcome::Uncorrectable: return "Uncorrectable";
    case SegmentOutcome::CrcMismatch: return "CrcMismatch";
    case SegmentOutcome::Erased: return "Erased";
  }
  return "?";
}

SegmentCodec::SegmentCodec(const SegmentFormat& fmt) : fmt_(fmt), bch_(make_bch(fmt)) {}

std::vector<uint8_t> SegmentCodec::message(const uint8_t* payload, const uint8_t* slot) const {
  std::vector<uint8_t> msg(payload, payload + fmt_.payload_bytes);
  msg.insert(msg.end(), slot, slot + parity_offset());
  return msg;
}

void SegmentCodec::encode_segment(const uint8_t* payload, uint8_t* slot) const {
  std::fill(slot, slot + fmt_.slot_bytes, uint8_t{0xFF});
  if (fmt_.crc) {
    const uint32_t crc = crc32c(payload, fmt_.payload_bytes);
    for (uint32_t b = 0; b < kCrcBytes; ++b) slot[crc_offset() + b] = static_cast<uint8_t>(crc >> (8 * b));
  }
  const std::vector<uint8_t> msg = message(payload, slot);
  bch_.encode(msg.data(), slot + parity_offset());
}

uint32_t SegmentCodec::count_zero_bits(const uint8_t* payload, const uint8_t* slot) const {
  uint32_t zeros = 0;
  for (uint32_t i = 0; i < fmt_.payload_bytes; ++i) zeros += 8u - static_cast<uint32_t>(__builtin_popcount(payload[i]));
  for (uint32_t i = 0; i < fmt_.slot_bytes; ++i) zeros += 8u - static_cast<uint32_t>(__builtin_popcount(slot[i]));
  return zeros;
}

SegmentDecodeResult SegmentCodec::decode_segment(const uint8_t* payload, const uint8_t* slot) const {
  SegmentDecodeResult res;
  const uint32_t pl = fmt_.payload_bytes;
  // BCH message (payload || CRC field || filler) and parity, copied so the inputs stay untouched.
  std::vector<uint8_t> msg = message(payload, slot);
  std::vector<uint8_t> parity(slot + parity_offset(), slot + fmt_.slot_bytes);

  if (bch_.is_codeword(msg.data(), parity.data())) {
    res.outcome = SegmentOutcome::Clean;
  } else {
    const uint32_t zeros = count_zero_bits(payload, slot);
    if (zeros <= fmt_.t) {
      res.outcome = SegmentOutcome::Erased;
      res.n_errors = static_cast<int>(zeros);
      res.payload.assign(pl, 0xFF);
      return res;
    }
    BchCode::DecodeResult d = bch_.decode(msg.data(), parity.data());
    if (d.outcome == BchCode::DecodeResult::Outcome::Uncorrectable) {
      res.outcome = SegmentOutcome::Uncorrectable;
      res.n_errors = -1;
      res.payload.assign(payload, payload + pl);
      return res;
    }
    res.outcome = SegmentOutcome::Corrected;
    res.n_errors = d.n_errors;
    res.flipped_bits = std::move(d.flipped_bits);
  }

  if (fmt_.crc) {
    uint32_t stored = 0;
    for (uint32_t b = 0; b < kCrcBytes; ++b) stored |= uint32_t{msg[pl + crc_offset() + b]} << (8 * b);
    if (crc32c(msg.data(), pl) != stored) {
      res.outcome = SegmentOutcome::CrcMismatch;
      res.payload.assign(payload, payload + pl);
      return res;
    }
  }
  msg.resize(pl);
  res.payload = std::move(msg);
  return res;
}

void SegmentCodec::encode_page(const uint8_t* page_data, size_t data_bytes, uint8_t* spare, size_t spare_bytes) const {
  const size_t segs = segments_per_page(data_bytes);
  if (segs * fmt_.slot_bytes > spare_bytes) {
    throw std::invalid_argument("SegmentCodec::encode_page: " + std::to_string(segs) + " slots of " +
                                std::to_string(fmt_.slot_bytes) + " B do not fit " + std::to_string(spare_bytes) +
                                " spare bytes");
  }
  std::fill(spare, spare + spare_bytes, uint8_t{0xFF});
  for (size_t s = 0; s < segs; ++s) encode_segment(page_data + s * fmt_.payload_bytes, spare + s * fmt_.slot_bytes);
}

SegmentDecodeResult SegmentCodec::decode_page_segment(const uint8_t* page_data, size_t data_bytes, const uint8_t* spare,
                                                      size_t spare_bytes, size_t segment) const {
  if (segment >= segments_per_page(data_bytes) || (segment + 1) * fmt_.slot_bytes > spare_bytes) {
    throw std::out_of_range("SegmentCodec::decode_page_segment: segment " + std::to_string(segment) +
                            " is not on the page");
  }
  return decode_segment(page_data + segment * fmt_.payload_bytes, spare + segment * fmt_.slot_bytes);
}

SegmentBitLocation SegmentCodec::locate(uint32_t stream_bit) const {
  if (stream_bit >= bch_.n_bits()) {
    throw std::out_of_range("SegmentCodec::locate: stream bit " + std::to_string(stream_bit) + " >= n");
  }
  const uint32_t payload_bits = 8 * fmt_.payload_bytes;
  if (stream_bit < payload_bits) return {false, stream_bit / 8, stream_bit % 8};
  const uint32_t c = stream_bit - payload_bits;  // the slot streams in byte order, parity last
  return {true, c / 8, c % 8};
}

void encode_page(const SegmentFormat& fmt, const uint8_t* page_data, size_t data_bytes, uint8_t* spare,
                 size_t spare_bytes) {
  SegmentCodec(fmt).encode_page(page_data, data_bytes, spare, spare_bytes);
}

SegmentDecodeResult decode_segment(const SegmentFormat& fmt, const uint8_t* payload, const uint8_t* slot) {
  return SegmentCodec(fmt).decode_segment(payload, slot);
}

}  // namespace ifc::model
