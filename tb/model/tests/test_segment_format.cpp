// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/crc32c.hpp"
#include "model/segment_format.hpp"
#include "test_util.hpp"

namespace ifc::model {
namespace {

constexpr size_t kPageData = 16384;  // DESIGN.md default page
constexpr size_t kPageSpare = 1664;

// Flips BCH stream bit i of a segment (payload + slot) through SegmentCodec::locate().
void flip(const SegmentCodec& codec, uint8_t* payload, uint8_t* slot, uint32_t i) {
  const SegmentBitLocation loc = codec.locate(i);
  (loc.in_slot ? slot : payload)[loc.byte] ^= static_cast<uint8_t>(1u << loc.bit);
}

// Independent of locate()/message(): the segment as it streams out of the page buffer (payload, then
// slot bytes 0..S-1, each byte LSB first; stream bit i = coefficient of x^(n-1-i)) reduced modulo
// g(x) by schoolbook division. True iff that stream is a BCH codeword.
bool stream_is_codeword(const SegmentCodec& codec, const std::vector<uint8_t>& payload,
                        const std::vector<uint8_t>& slot) {
  std::vector<uint8_t> bytes = payload;
  bytes.insert(bytes.end(), slot.begin(), slot.end());
  const uint32_t n = codec.bch().n_bits();
  EXPECT_EQ(8 * bytes.size(), n) << "the codeword must fill payload + slot exactly";
  test::BinPoly poly(n, 0);
  for (uint32_t i = 0; i < n && i / 8 < bytes.size(); ++i) poly[n - 1 - i] = (bytes[i / 8] >> (i % 8)) & 1;
  const test::BinPoly rem = test::binpoly_mod(poly, codec.bch().generator());
  return std::all_of(rem.begin(), rem.end(), [](uint8_t c) { return c == 0; });
}

// Checks every documented property of an encoded slot (see "## Layout" in segment_format.hpp):
// CRC field at [0, 4) (CRC-32C LE, or 0xFF x4), filler 0xFF at [4, S - p/8), parity at [S - p/8, S)
// equal to the BCH parity of payload || slot[0, S - p/8), the whole stream a codeword, and locate()
// mapping stream bit i to payload byte i/8 (i < 8P) or slot byte (i-8P)/8, bit i%8.
void check_layout(const SegmentCodec& codec, const std::vector<uint8_t>& payload, const std::vector<uint8_t>& slot) {
  const SegmentFormat& fmt = codec.format();
  const uint32_t P = fmt.payload_bytes, S = fmt.slot_bytes;
  const uint32_t p = codec.bch().parity_bits();
  ASSERT_EQ(p % 8, 0u);
  ASSERT_EQ(payload.size(), P);
  ASSERT_EQ(slot.size(), S);
  const uint32_t po = S - p / 8;
  EXPECT_EQ(codec.crc_offset(), 0u);
  EXPECT_EQ(codec.parity_offset(), po);
  EXPECT_EQ(codec.bch().k_bits(), 8 * (P + S) - p);
  EXPECT_EQ(codec.bch().n_bits(), 8 * (P + S));
  // CRC field.
  std::vector<uint8_t> crc_field(4, 0xFF);
  if (fmt.crc) {
    const uint32_t crc = crc32c(payload.data(), payload.size());
    for (int b = 0; b < 4; ++b) crc_field[b] = static_cast<uint8_t>(crc >> (8 * b));
  }
  EXPECT_EQ(std::vector<uint8_t>(slot.begin(), slot.begin() + 4), crc_field);
  // Filler.
  for (uint32_t b = 4; b < po; ++b) EXPECT_EQ(slot[b], 0xFF) << "filler byte " << b;
  // Message and parity.
  std::vector<uint8_t> msg = payload;
  msg.insert(msg.end(), crc_field.begin(), crc_field.end());
  msg.resize(P + po, 0xFF);
  EXPECT_EQ(codec.message(payload.data(), slot.data()), msg);
  ASSERT_EQ(codec.bch().message_bytes(), msg.size());
  EXPECT_EQ(codec.bch().encode(msg.data()), std::vector<uint8_t>(slot.begin() + po, slot.end()));
  EXPECT_TRUE(codec.bch().is_codeword(msg.data(), slot.data() + po));
  EXPECT_TRUE(stream_is_codeword(codec, payload, slot));
  // locate() for every stream bit.
  const uint32_t n = codec.bch().n_bits();
  for (uint32_t i = 0; i < n; ++i) {
    const SegmentBitLocation loc = codec.locate(i);
    const bool in_slot = i >= 8 * P;
    ASSERT_EQ(loc.in_slot, in_slot) << i;
    ASSERT_EQ(loc.byte, in_slot ? (i - 8 * P) / 8 : i / 8) << i;
    ASSERT_EQ(loc.bit, i % 8) << i;
  }
  EXPECT_THROW(codec.locate(n), std::out_of_range);
}

// Flipping stream bit i alone is corrected back to exactly that bit, payload intact.
void expect_single_flip_corrected(const SegmentCodec& codec, const std::vector<uint8_t>& payload,
                                  const std::vector<uint8_t>& slot, uint32_t i) {
  auto p = payload;
  auto s = slot;
  flip(codec, p.data(), s.data(), i);
  const auto r = codec.decode_segment(p.data(), s.data());
  EXPECT_EQ(r.outcome, SegmentOutcome::Corrected) << "stream bit " << i;
  EXPECT_EQ(r.n_errors, 1) << "stream bit " << i;
  EXPECT_EQ(r.flipped_bits, std::vector<uint32_t>{i});
  EXPECT_EQ(r.payload, payload) << "stream bit " << i;
}

// what() of the std::invalid_argument the constructor throws, or "" if it accepts the format.
std::string format_error(const SegmentFormat& fmt) {
  try {
    SegmentCodec codec(fmt);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(SegmentFormat, SlotLayoutCrcOff) {
  const SegmentCodec codec(SegmentFormat{});
  EXPECT_EQ(codec.bch().parity_bits(), 96u);
  EXPECT_EQ(codec.bch().k_bits(), 2080u);  // 256 payload + 4 CRC-field bytes; no filler
  EXPECT_EQ(codec.bch().n_bits(), 2176u);  // (256 + 16) * 8: the codeword is the whole segment
  EXPECT_EQ(codec.crc_offset(), 0u);
  EXPECT_EQ(codec.parity_offset(), 4u);
  std::mt19937_64 rng(test::test_seed());
  const auto payload = test::random_bytes(rng, 256);
  std::vector<uint8_t> slot(16, 0);
  codec.encode_segment(payload.data(), slot.data());
  check_layout(codec, payload, slot);
  EXPECT_EQ(std::vector<uint8_t>(slot.begin(), slot.begin() + 4), std::vector<uint8_t>(4, 0xFF));
  std::vector<uint8_t> msg = payload;
  msg.insert(msg.end(), 4, 0xFF);
  const auto parity = codec.bch().encode(msg.data());
  ASSERT_EQ(parity.size(), 12u);
  EXPECT_TRUE(std::equal(parity.begin(), parity.end(), slot.begin() + 4));
  EXPECT_EQ(codec.decode_segment(payload.data(), slot.data()).outcome, SegmentOutcome::Clean);
  // Boundaries of the stream: last payload bit, the (unused) CRC field, first and last parity bit.
  EXPECT_EQ(codec.locate(2047).in_slot, false);
  EXPECT_EQ(codec.locate(2048).byte, 0u);
  EXPECT_EQ(codec.locate(2080).byte, 4u);
  EXPECT_EQ(codec.locate(2175).byte, 15u);
  EXPECT_EQ(codec.locate(2175).bit, 7u);
  // With the CRC off the 0xFF CRC field is still part of the message: an error there is corrected.
  for (uint32_t i : {0u, 2047u, 2048u, 2048u + 17u, 2048u + 31u, 2080u, 2175u})
    expect_single_flip_corrected(codec, payload, slot, i);
}

TEST(SegmentFormat, SlotLayoutCrcOn) {
  SegmentFormat fmt;
  fmt.crc = true;
  const SegmentCodec codec(fmt);
  EXPECT_EQ(codec.bch().k_bits(), 2080u);  // the CRC field is in the message whether or not the CRC is on
  EXPECT_EQ(codec.bch().n_bits(), 2176u);
  EXPECT_EQ(codec.crc_offset(), 0u);
  EXPECT_EQ(codec.parity_offset(), 4u);
  std::mt19937_64 rng(test::test_seed());
  auto payload = test::random_bytes(rng, 256);
  std::vector<uint8_t> slot(16, 0);
  codec.encode_segment(payload.data(), slot.data());
  check_layout(codec, payload, slot);
  const uint32_t crc = crc32c(payload.data(), payload.size());
  EXPECT_EQ(slot[0], crc & 0xFF);
  EXPECT_EQ(slot[1], (crc >> 8) & 0xFF);
  EXPECT_EQ(slot[2], (crc >> 16) & 0xFF);
  EXPECT_EQ(slot[3], crc >> 24);
  std::vector<uint8_t> msg = payload;
  msg.insert(msg.end(), slot.begin(), slot.begin() + 4);
  const auto parity = codec.bch().encode(msg.data());
  EXPECT_TRUE(std::equal(parity.begin(), parity.end(), slot.begin() + 4));
  EXPECT_EQ(codec.decode_segment(payload.data(), slot.data()).outcome, SegmentOutcome::Clean);
  // An error in the CRC field is corrected by the BCH (it protects the CRC).
  for (uint32_t i : {2048u, 2048u + 9u, 2048u + 31u}) {
    EXPECT_TRUE(codec.locate(i).in_slot);
    EXPECT_EQ(codec.locate(i).byte, (i - 2048u) / 8);
    expect_single_flip_corrected(codec, payload, slot, i);
  }
  for (uint32_t i : {5u, 2047u, 2080u, 2175u}) expect_single_flip_corrected(codec, payload, slot, i);

  // A wrong CRC field under a consistent BCH parity: BCH Clean, then CrcMismatch (the CRC is read
  // from slot[0, 4)).
  auto bad = slot;
  bad[1] ^= 0x40;
  codec.bch().encode(codec.message(payload.data(), bad.data()).data(), bad.data() + codec.parity_offset());
  ASSERT_TRUE(stream_is_codeword(codec, payload, bad));
  auto r = codec.decode_segment(payload.data(), bad.data());
  EXPECT_EQ(r.outcome, SegmentOutcome::CrcMismatch);
  EXPECT_EQ(r.n_errors, 0);
  EXPECT_TRUE(r.flipped_bits.empty());
  EXPECT_EQ(r.payload, payload);
  // Same plus one payload error: the BCH corrects it, the CRC still disagrees; payload is as read.
  auto rp = payload;
  flip(codec, rp.data(), bad.data(), 100);
  r = codec.decode_segment(rp.data(), bad.data());
  EXPECT_EQ(r.outcome, SegmentOutcome::CrcMismatch);
  EXPECT_EQ(r.n_errors, 1);
  EXPECT_EQ(r.flipped_bits, std::vector<uint32_t>{100});
  EXPECT_EQ(r.payload, rp);
  // The CRC-on and CRC-off slots of one payload differ in the CRC field and hence in the parity.
  std::vector<uint8_t> off_slot(16);
  SegmentCodec(SegmentFormat{}).encode_segment(payload.data(), off_slot.data());
  EXPECT_NE(std::vector<uint8_t>(off_slot.begin() + 4, off_slot.end()),
            std::vector<uint8_t>(slot.begin() + 4, slot.end()));
}

// A format with filler: t = 4 gives 48 parity bits = 6 bytes, so slot bytes 4..9 are filler. The
// filler is written 0xFF and, being part of the BCH message, is protected like the payload.
TEST(SegmentFormat, FillerIsOnesAndProtected) {
  std::mt19937_64 rng(test::test_seed());
  for (bool crc : {false, true}) {
    SegmentFormat fmt;
    fmt.t = 4;
    fmt.crc = crc;
    const SegmentCodec codec(fmt);
    ASSERT_EQ(codec.bch().parity_bits(), 48u);
    ASSERT_EQ(codec.parity_offset(), 10u);
    EXPECT_EQ(codec.bch().k_bits(), 8u * (256 + 10));
    EXPECT_EQ(codec.bch().n_bits(), 8u * (256 + 16));
    const auto payload = test::random_bytes(rng, 256);
    std::vector<uint8_t> slot(16, 0);
    codec.encode_segment(payload.data(), slot.data());
    check_layout(codec, payload, slot);
    for (int b = 4; b < 10; ++b) EXPECT_EQ(slot[b], 0xFF) << b;
    EXPECT_EQ(codec.decode_segment(payload.data(), slot.data()).outcome, SegmentOutcome::Clean);

    const uint32_t filler_first = 8 * 256 + 32, filler_end = 8 * 256 + 80;  // stream bits of slot bytes 4..9
    EXPECT_EQ(codec.locate(filler_first).byte, 4u);
    EXPECT_EQ(codec.locate(filler_end - 1).byte, 9u);
    EXPECT_EQ(codec.locate(filler_end).byte, 10u);  // first parity bit
    // Every single filler-bit error is seen and corrected.
    for (uint32_t i = filler_first; i < filler_end; ++i) expect_single_flip_corrected(codec, payload, slot, i);
    // Two flips in slot byte 7 (bits 4, 5): corrected, reported at their stream positions.
    {
      auto s = slot;
      s[7] ^= 0x30;
      const auto r = codec.decode_segment(payload.data(), s.data());
      EXPECT_EQ(r.outcome, SegmentOutcome::Corrected);
      EXPECT_EQ(r.flipped_bits, (std::vector<uint32_t>{8 * 256 + 56 + 4, 8 * 256 + 56 + 5}));
      EXPECT_EQ(r.payload, payload);
    }
    // t random filler errors: corrected.
    for (int trial = 0; trial < 50; ++trial) {
      auto p = payload;
      auto s = slot;
      std::vector<uint32_t> bits = test::distinct_positions(rng, filler_end - filler_first, fmt.t);
      for (auto& b : bits) {
        b += filler_first;
        flip(codec, p.data(), s.data(), b);
      }
      ASSERT_EQ(p, payload);
      std::sort(bits.begin(), bits.end());
      const auto r = codec.decode_segment(payload.data(), s.data());
      ASSERT_EQ(r.outcome, SegmentOutcome::Corrected);
      ASSERT_EQ(r.n_errors, static_cast<int>(fmt.t));
      ASSERT_EQ(r.flipped_bits, bits);
      ASSERT_EQ(r.payload, payload);
    }
    // A zeroed filler byte (8 errors > t) is no longer ignored: it is not a codeword.
    {
      auto s = slot;
      s[9] = 0;
      const auto r = codec.decode_segment(payload.data(), s.data());
      EXPECT_NE(r.outcome, SegmentOutcome::Clean);
      EXPECT_NE(r.outcome, SegmentOutcome::Erased);
      if (crc && r.outcome == SegmentOutcome::Corrected) {
        EXPECT_EQ(r.payload, payload);  // with the CRC on, a miscorrected payload is never trusted
      }
    }
  }
  // A bigger slot gives filler with the default code too: S = 24 -> filler bytes 4..11.
  SegmentFormat fmt;
  fmt.slot_bytes = 24;
  const SegmentCodec codec(fmt);
  EXPECT_EQ(codec.parity_offset(), 12u);
  EXPECT_EQ(codec.bch().n_bits(), 8u * (256 + 24));
  const auto payload = test::random_bytes(rng, 256);
  std::vector<uint8_t> slot(24, 0);
  codec.encode_segment(payload.data(), slot.data());
  check_layout(codec, payload, slot);
  for (uint32_t i : {8u * 256 + 32, 8u * 256 + 95}) expect_single_flip_corrected(codec, payload, slot, i);
}

// The codeword fills the segment exactly, so the parity must be whole bytes.
TEST(SegmentFormat, RejectsParityNotMultipleOf8) {
  SegmentFormat fmt;
  fmt.t = 5;  // m = 12: 60 parity bits
  std::string err = format_error(fmt);
  EXPECT_NE(err.find("60 parity bits"), std::string::npos) << err;
  EXPECT_NE(err.find("multiple of 8"), std::string::npos) << err;
  fmt.slot_bytes = 64;  // not a slot-size problem
  err = format_error(fmt);
  EXPECT_NE(err.find("multiple of 8"), std::string::npos) << err;
  fmt.t = 7;  // 84 bits
  err = format_error(fmt);
  EXPECT_NE(err.find("84 parity bits"), std::string::npos) << err;
  // m = 6, t = 5: a short cyclotomic coset gives 27 parity bits.
  fmt = SegmentFormat{};
  fmt.payload_bytes = 2;
  fmt.slot_bytes = 8;
  fmt.m = 6;
  fmt.t = 5;
  err = format_error(fmt);
  EXPECT_NE(err.find("27 parity bits"), std::string::npos) << err;
  fmt.t = 2;  // 12 bits (the old weak test code)
  err = format_error(fmt);
  EXPECT_NE(err.find("12 parity bits"), std::string::npos) << err;
  // Whole-byte widths are accepted.
  for (uint32_t t : {2u, 4u, 6u, 8u}) {
    fmt = SegmentFormat{};
    fmt.t = t;
    EXPECT_EQ(format_error(fmt), "") << "t=" << t;
  }
  fmt = SegmentFormat{};
  fmt.payload_bytes = 16;
  fmt.slot_bytes = 6;
  fmt.m = 8;
  fmt.t = 2;  // 16 bits
  EXPECT_EQ(format_error(fmt), "");
  // A slot too small for parity + CRC field says so.
  fmt = SegmentFormat{};
  fmt.t = 10;
  err = format_error(fmt);
  EXPECT_NE(err.find("do not fit a 16-byte slot"), std::string::npos) << err;
}

TEST(SegmentFormat, ValidatesFormat) {
  SegmentFormat fmt;
  fmt.t = 10;  // 120 bits = 15 bytes + 4 CRC bytes > 16
  EXPECT_THROW(SegmentCodec{fmt}, std::invalid_argument);
  fmt.slot_bytes = 19;
  EXPECT_NO_THROW(SegmentCodec{fmt});
  fmt = SegmentFormat{};
  fmt.payload_bytes = 1024;  // 8192 bits > 2^13 - 1 for m = 13
  fmt.m = 13;
  EXPECT_THROW(SegmentCodec{fmt}, std::invalid_argument);
  fmt.m = 14;  // 112 parity bits = 14 bytes + 4 > 16
  EXPECT_THROW(SegmentCodec{fmt}, std::invalid_argument);
  fmt.slot_bytes = 18;
  EXPECT_NO_THROW(SegmentCodec{fmt});
  fmt = SegmentFormat{};
  fmt.payload_bytes = 0;
  EXPECT_THROW(SegmentCodec{fmt}, std::invalid_argument);
  fmt = SegmentFormat{};
  fmt.payload_bytes = 128;
  fmt.t = 2;
  EXPECT_NO_THROW(SegmentCodec{fmt});
}

TEST(SegmentFormat, PageRoundTrip) {
  std::mt19937_64 rng(test::test_seed());
  for (bool crc : {false, true}) {
    SegmentFormat fmt;
    fmt.crc = crc;
    const SegmentCodec codec(fmt);
    auto data = test::random_bytes(rng, kPageData);
    std::vector<uint8_t> spare(kPageSpare, 0x00);
    codec.encode_page(data.data(), data.size(), spare.data(), spare.size());
    ASSERT_EQ(codec.segments_per_page(kPageData), 64u);
    for (size_t b = 64 * 16; b < kPageSpare; ++b) ASSERT_EQ(spare[b], 0xFF) << b;
    for (size_t s = 0; s < 64; ++s) {
      std::vector<uint8_t> slot(16);
      codec.encode_segment(data.data() + 256 * s, slot.data());
      ASSERT_TRUE(std::equal(slot.begin(), slot.end(), spare.begin() + 16 * static_cast<long>(s))) << s;
    }
    // Inject up to t errors in every segment (payload and slot), decode each.
    const auto clean_data = data;
    std::vector<int> n_err(64);
    for (size_t s = 0; s < 64; ++s) {
      n_err[s] = static_cast<int>(rng() % (fmt.t + 1));
      for (uint32_t i : test::distinct_positions(rng, codec.bch().n_bits(), static_cast<uint32_t>(n_err[s])))
        flip(codec, data.data() + 256 * s, spare.data() + 16 * s, i);
    }
    for (size_t s = 0; s < 64; ++s) {
      const auto r = codec.decode_page_segment(data.data(), data.size(), spare.data(), spare.size(), s);
      ASSERT_EQ(r.outcome, n_err[s] ? SegmentOutcome::Corrected : SegmentOutcome::Clean) << s;
      ASSERT_EQ(r.n_errors, n_err[s]);
      ASSERT_TRUE(std::equal(r.payload.begin(), r.payload.end(), clean_data.begin() + 256 * static_cast<long>(s)));
    }
    EXPECT_THROW(codec.decode_page_segment(data.data(), data.size(), spare.data(), spare.size(), 64),
                 std::out_of_range);
    std::vector<uint8_t> small_spare(64 * 16 - 1);
    EXPECT_THROW(codec.encode_page(data.data(), data.size(), small_spare.data(), small_spare.size()),
                 std::invalid_argument);
  }
  // Free-function forms.
  std::vector<uint8_t> data(kPageData, 0x5A), spare(kPageSpare);
  encode_page(SegmentFormat{}, data.data(), data.size(), spare.data(), spare.size());
  EXPECT_EQ(decode_segment(SegmentFormat{}, data.data() + 256, spare.data() + 16).outcome, SegmentOutcome::Clean);
}

// ---------------------------------------------------------------------------------------------
// Erased-segment policy
// ---------------------------------------------------------------------------------------------

TEST(SegmentErased, AllOnesIsErasedNotCleanNorUncorrectable) {
  for (bool crc : {false, true}) {
    for (uint32_t t : {2u, 4u, 8u, 16u}) {
      SegmentFormat fmt;
      fmt.crc = crc;
      fmt.t = t;
      fmt.slot_bytes = t == 16 ? 28 : 16;
      const SegmentCodec codec(fmt);
      std::vector<uint8_t> payload(256, 0xFF), slot(fmt.slot_bytes, 0xFF);
      // An all-ones word is not a codeword of these codes, so plain BCH would not call it Clean.
      std::vector<uint8_t> msg(codec.bch().message_bytes(), 0xFF), par(codec.bch().parity_bytes(), 0xFF);
      ASSERT_FALSE(codec.bch().is_codeword(msg.data(), par.data())) << "t=" << t;
      const auto r = codec.decode_segment(payload.data(), slot.data());
      EXPECT_EQ(r.outcome, SegmentOutcome::Erased) << "t=" << t << " crc=" << crc;
      EXPECT_EQ(r.n_errors, 0);
      EXPECT_EQ(r.payload, std::vector<uint8_t>(256, 0xFF));
    }
  }
}

TEST(SegmentErased, UpToTZeroBitsIsErasedMoreIsNot) {
  std::mt19937_64 rng(test::test_seed());
  for (bool crc : {false, true}) {
    SegmentFormat fmt;
    fmt.crc = crc;
    const SegmentCodec codec(fmt);
    const uint32_t total_bits = 8 * (fmt.payload_bytes + fmt.slot_bytes);
    for (int trial = 0; trial < 2000; ++trial) {
      const uint32_t zeros = 1 + static_cast<uint32_t>(rng() % (2 * fmt.t + 8));
      std::vector<uint8_t> payload(fmt.payload_bytes, 0xFF), slot(fmt.slot_bytes, 0xFF);
      for (uint32_t b : test::distinct_positions(rng, total_bits, zeros)) {
        uint8_t* p = b < 8 * fmt.payload_bytes ? &payload[b / 8] : &slot[b / 8 - fmt.payload_bytes];
        *p &= static_cast<uint8_t>(~(1u << (b % 8)));
      }
      ASSERT_EQ(codec.count_zero_bits(payload.data(), slot.data()), zeros);
      const auto r = codec.decode_segment(payload.data(), slot.data());
      if (zeros <= fmt.t) {
        ASSERT_EQ(r.outcome, SegmentOutcome::Erased) << zeros << " zeros";
        ASSERT_EQ(r.n_errors, static_cast<int>(zeros));
        ASSERT_EQ(r.payload, std::vector<uint8_t>(fmt.payload_bytes, 0xFF));
      } else {
        ASSERT_NE(r.outcome, SegmentOutcome::Erased) << zeros << " zeros";
        ASSERT_NE(r.outcome, SegmentOutcome::Clean) << zeros << " zeros";
      }
    }
  }
}

// Programmed data that happens to be all 0xFF is data, not an erased segment.
TEST(SegmentErased, ProgrammedAllOnesPayloadIsData) {
  std::mt19937_64 rng(test::test_seed());
  for (bool crc : {false, true}) {
    SegmentFormat fmt;
    fmt.crc = crc;
    const SegmentCodec codec(fmt);
    std::vector<uint8_t> payload(256, 0xFF), slot(16);
    codec.encode_segment(payload.data(), slot.data());
    const uint32_t zeros = codec.count_zero_bits(payload.data(), slot.data());
    EXPECT_GT(zeros, 2 * fmt.t) << "the all-0xFF codeword is within 2t of the erased word";
    EXPECT_EQ(codec.decode_segment(payload.data(), slot.data()).outcome, SegmentOutcome::Clean);
    for (uint32_t i : test::distinct_positions(rng, codec.bch().n_bits(), fmt.t))
      flip(codec, payload.data(), slot.data(), i);
    const auto r = codec.decode_segment(payload.data(), slot.data());
    EXPECT_EQ(r.outcome, SegmentOutcome::Corrected);
    EXPECT_EQ(r.payload, std::vector<uint8_t>(256, 0xFF));
  }
}

// The Clean test comes before the erased test: a programmed codeword with <= t zero bits reads
// Clean, not Erased. With one bit error it reads Erased (all 0xFF), which is the documented price of
// the policy (only codewords with <= 2t zero bits are exposed). Small code where such a codeword exists
// with its zeros outside the CRC field/filler (which encode_segment always writes 0xFF, crc off):
// m=8, t=2, 8-byte payload, 6-byte slot (CRC field + 2 parity bytes, no filler), n = 112, found by
// BCH-decoding the all-ones word (its nearest codeword has one zero in the payload, one in the parity).
TEST(SegmentErased, CleanCodewordWithFewZerosIsCleanNotErased) {
  SegmentFormat fmt;
  fmt.payload_bytes = 8;
  fmt.slot_bytes = 6;
  fmt.m = 8;
  fmt.t = 2;
  const SegmentCodec codec(fmt);
  ASSERT_EQ(codec.bch().n_bits(), 112u);
  ASSERT_EQ(codec.parity_offset(), 4u);
  std::vector<uint8_t> msg(codec.bch().message_bytes(), 0xFF), parity(codec.bch().parity_bytes(), 0xFF);
  ASSERT_EQ(msg.size(), 12u);
  const auto d = codec.bch().decode(msg.data(), parity.data());
  ASSERT_EQ(d.outcome, BchCode::DecodeResult::Outcome::Corrected);
  ASSERT_EQ(d.n_errors, 2);
  // The decoder left the CRC field as written (0xFF), so encode_segment() can produce this codeword.
  ASSERT_EQ(std::vector<uint8_t>(msg.begin() + 8, msg.end()), std::vector<uint8_t>(4, 0xFF));
  const std::vector<uint8_t> payload(msg.begin(), msg.begin() + 8);
  std::vector<uint8_t> slot(fmt.slot_bytes);
  codec.encode_segment(payload.data(), slot.data());
  check_layout(codec, payload, slot);
  EXPECT_EQ(std::vector<uint8_t>(slot.begin() + 4, slot.end()), parity);
  // Its zero bits are exactly the bits the decoder flipped.
  for (uint32_t i = 0; i < codec.bch().n_bits(); ++i) {
    const SegmentBitLocation loc = codec.locate(i);
    const bool zero = !(((loc.in_slot ? slot : payload)[loc.byte] >> loc.bit) & 1);
    EXPECT_EQ(zero, std::count(d.flipped_bits.begin(), d.flipped_bits.end(), i) == 1) << i;
  }
  EXPECT_FALSE(codec.locate(d.flipped_bits[0]).in_slot);  // one zero in the payload ...
  EXPECT_GE(codec.locate(d.flipped_bits[1]).byte, codec.parity_offset());  // ... one in the parity
  const uint32_t zeros = codec.count_zero_bits(payload.data(), slot.data());
  ASSERT_EQ(zeros, static_cast<uint32_t>(d.n_errors));
  ASSERT_LE(zeros, fmt.t);
  auto r = codec.decode_segment(payload.data(), slot.data());
  EXPECT_EQ(r.outcome, SegmentOutcome::Clean);
  EXPECT_EQ(r.payload, payload);
  // Now one of its zero bits flips to 1: dirty with < t zeros -> Erased (documented limitation),
  // whichever of the two zeros (payload or parity) it is.
  for (uint32_t i : d.flipped_bits) {
    auto p = payload;
    auto s = slot;
    flip(codec, p.data(), s.data(), i);
    ASSERT_EQ(codec.count_zero_bits(p.data(), s.data()), 1u);
    r = codec.decode_segment(p.data(), s.data());
    EXPECT_EQ(r.outcome, SegmentOutcome::Erased) << i;
    EXPECT_EQ(r.n_errors, 1);
    EXPECT_EQ(r.payload, std::vector<uint8_t>(8, 0xFF));
  }
}

// ---------------------------------------------------------------------------------------------
// CRC catches BCH miscorrection
// ---------------------------------------------------------------------------------------------

struct OutcomeCounts {
  uint64_t counts[5] = {};
  uint64_t silent = 0;  // Clean/Corrected/Erased with a payload different from the one written
};

OutcomeCounts run_beyond_t(const SegmentCodec& codec, uint32_t weight, uint64_t n_trials, std::mt19937_64& rng) {
  OutcomeCounts oc;
  const auto& fmt = codec.format();
  for (uint64_t trial = 0; trial < n_trials; ++trial) {
    const auto payload = test::random_bytes(rng, fmt.payload_bytes);
    std::vector<uint8_t> slot(fmt.slot_bytes);
    codec.encode_segment(payload.data(), slot.data());
    auto rp = payload;
    for (uint32_t i : test::distinct_positions(rng, codec.bch().n_bits(), weight))
      flip(codec, rp.data(), slot.data(), i);
    const auto r = codec.decode_segment(rp.data(), slot.data());
    ++oc.counts[static_cast<int>(r.outcome)];
    const bool trusted = r.outcome == SegmentOutcome::Clean || r.outcome == SegmentOutcome::Corrected ||
                         r.outcome == SegmentOutcome::Erased;
    if (trusted && r.payload != payload) ++oc.silent;
  }
  return oc;
}

void print_counts(const char* label, uint32_t weight, const OutcomeCounts& oc) {
  std::printf("    %-28s w=%2u  Corrected %6llu  Uncorrectable %6llu  CrcMismatch %6llu  Erased %llu  silent %llu\n",
              label, weight, static_cast<unsigned long long>(oc.counts[1]),
              static_cast<unsigned long long>(oc.counts[2]), static_cast<unsigned long long>(oc.counts[3]),
              static_cast<unsigned long long>(oc.counts[4]), static_cast<unsigned long long>(oc.silent));
}

// A deliberately weak BCH (16-byte payload, m=8, t=2: 16 parity bits, 8-byte slot = CRC field +
// 2 filler bytes + 2 parity bytes, n = 192 of 255) miscorrects often; without the CRC those are
// silent, with the CRC every one of them becomes CrcMismatch.
TEST(SegmentCrc, TurnsMiscorrectionIntoCrcMismatch) {
  std::mt19937_64 rng(test::test_seed());
  SegmentFormat weak;
  weak.payload_bytes = 16;
  weak.m = 8;
  weak.t = 2;
  weak.slot_bytes = 8;
  const SegmentCodec no_crc(weak);
  weak.crc = true;
  const SegmentCodec with_crc(weak);
  for (const SegmentCodec* c : {&no_crc, &with_crc}) {
    ASSERT_EQ(c->bch().parity_bits(), 16u);
    ASSERT_EQ(c->bch().k_bits(), 8u * (16 + 8) - 16);  // payload + CRC field + filler
    ASSERT_EQ(c->bch().n_bits(), 8u * (16 + 8));
    ASSERT_EQ(c->parity_offset(), 6u);
  }
  uint64_t silent_without = 0, mismatches = 0;
  for (uint32_t w = weak.t + 1; w <= 2 * weak.t; ++w) {
    const OutcomeCounts a = run_beyond_t(no_crc, w, test::trials(3000), rng);
    const OutcomeCounts b = run_beyond_t(with_crc, w, test::trials(3000), rng);
    print_counts("weak code, CRC off", w, a);
    print_counts("weak code, CRC on", w, b);
    silent_without += a.silent;
    mismatches += b.counts[static_cast<int>(SegmentOutcome::CrcMismatch)];
    EXPECT_EQ(b.silent, 0u) << "silent miscorrection with the CRC on, weight " << w;
  }
  EXPECT_GT(silent_without, 0u);  // the weak code does miscorrect, so the CRC path is exercised
  EXPECT_GT(mismatches, 0u);
}

TEST(SegmentCrc, DefaultFormatBeyondTNeverSilent) {
  std::mt19937_64 rng(test::test_seed());
  SegmentFormat fmt;
  fmt.crc = true;
  const SegmentCodec codec(fmt);
  for (uint32_t w = fmt.t + 1; w <= 2 * fmt.t; ++w) {
    const OutcomeCounts oc = run_beyond_t(codec, w, test::trials(2000), rng);
    print_counts("default + CRC", w, oc);
    EXPECT_EQ(oc.silent, 0u) << "weight " << w;
    EXPECT_EQ(oc.counts[static_cast<int>(SegmentOutcome::Clean)], 0u);
  }
  std::fflush(stdout);
}

TEST(SegmentFormat, OutcomeNames) {
  EXPECT_STREQ(to_string(SegmentOutcome::Clean), "Clean");
  EXPECT_STREQ(to_string(SegmentOutcome::Corrected), "Corrected");
  EXPECT_STREQ(to_string(SegmentOutcome::Uncorrectable), "Uncorrectable");
  EXPECT_STREQ(to_string(SegmentOutcome::CrcMismatch), "CrcMismatch");
  EXPECT_STREQ(to_string(SegmentOutcome::Erased), "Erased");
}

}  // namespace
}  // namespace ifc::model
