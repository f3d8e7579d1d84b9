// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <stdexcept>
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

TEST(SegmentFormat, SlotLayoutCrcOff) {
  const SegmentCodec codec(SegmentFormat{});
  EXPECT_EQ(codec.bch().parity_bits(), 96u);
  EXPECT_EQ(codec.bch().k_bits(), 2048u);
  std::mt19937_64 rng(test::test_seed());
  const auto payload = test::random_bytes(rng, 256);
  std::vector<uint8_t> slot(16, 0);
  codec.encode_segment(payload.data(), slot.data());
  const auto parity = codec.bch().encode(payload.data());
  EXPECT_TRUE(std::equal(parity.begin(), parity.end(), slot.begin()));
  EXPECT_EQ(std::vector<uint8_t>(slot.begin() + 12, slot.end()), std::vector<uint8_t>(4, 0xFF));
}

TEST(SegmentFormat, SlotLayoutCrcOn) {
  SegmentFormat fmt;
  fmt.crc = true;
  const SegmentCodec codec(fmt);
  EXPECT_EQ(codec.bch().k_bits(), 2048u + 32u);
  EXPECT_EQ(codec.crc_offset(), 12u);
  std::mt19937_64 rng(test::test_seed());
  auto payload = test::random_bytes(rng, 256);
  std::vector<uint8_t> slot(16, 0);
  codec.encode_segment(payload.data(), slot.data());
  const uint32_t crc = crc32c(payload.data(), payload.size());
  EXPECT_EQ(slot[12], crc & 0xFF);
  EXPECT_EQ(slot[13], (crc >> 8) & 0xFF);
  EXPECT_EQ(slot[14], (crc >> 16) & 0xFF);
  EXPECT_EQ(slot[15], crc >> 24);
  std::vector<uint8_t> msg = payload;
  msg.insert(msg.end(), slot.begin() + 12, slot.end());
  const auto parity = codec.bch().encode(msg.data());
  EXPECT_TRUE(std::equal(parity.begin(), parity.end(), slot.begin()));
  // An error in the CRC field is corrected by the BCH (it protects the CRC).
  for (uint32_t i : {2048u, 2048u + 31u}) {
    std::vector<uint8_t> s = slot;
    flip(codec, payload.data(), s.data(), i);
    EXPECT_EQ(codec.locate(i).byte, 12u + (i - 2048u) / 8);
    const auto r = codec.decode_segment(payload.data(), s.data());
    EXPECT_EQ(r.outcome, SegmentOutcome::Corrected);
    EXPECT_EQ(r.flipped_bits, std::vector<uint32_t>{i});
    EXPECT_EQ(r.payload, payload);
  }
}

TEST(SegmentFormat, FillerBitsAreOnesAndUnprotected) {
  SegmentFormat fmt;
  fmt.t = 5;  // 60 parity bits: 7.5 bytes, bytes 8..11 are filler
  const SegmentCodec codec(fmt);
  ASSERT_EQ(codec.bch().parity_bits(), 60u);
  std::mt19937_64 rng(test::test_seed());
  const auto payload = test::random_bytes(rng, 256);
  std::vector<uint8_t> slot(16, 0);
  codec.encode_segment(payload.data(), slot.data());
  EXPECT_EQ(slot[7] >> 4, 0xF);
  for (int b = 8; b < 16; ++b) EXPECT_EQ(slot[b], 0xFF) << b;
  slot[7] ^= 0x30;  // flips in filler bits are ignored
  slot[9] = 0;
  const auto r = codec.decode_segment(payload.data(), slot.data());
  EXPECT_EQ(r.outcome, SegmentOutcome::Clean);
  EXPECT_EQ(r.payload, payload);
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
// the policy (only codewords with <= 2t zero bits are exposed). Small code where such a codeword exists:
// m=8, t=2, 8-byte payload, found by BCH-decoding the all-ones word.
TEST(SegmentErased, CleanCodewordWithFewZerosIsCleanNotErased) {
  SegmentFormat fmt;
  fmt.payload_bytes = 8;
  fmt.m = 8;
  fmt.t = 2;
  const SegmentCodec codec(fmt);
  std::vector<uint8_t> payload(8, 0xFF), parity(codec.bch().parity_bytes(), 0xFF);
  const auto d = codec.bch().decode(payload.data(), parity.data());
  ASSERT_EQ(d.outcome, BchCode::DecodeResult::Outcome::Corrected);
  std::vector<uint8_t> slot(fmt.slot_bytes);
  codec.encode_segment(payload.data(), slot.data());
  const uint32_t zeros = codec.count_zero_bits(payload.data(), slot.data());
  ASSERT_EQ(zeros, static_cast<uint32_t>(d.n_errors));
  ASSERT_LE(zeros, fmt.t);
  const auto r = codec.decode_segment(payload.data(), slot.data());
  EXPECT_EQ(r.outcome, SegmentOutcome::Clean);
  EXPECT_EQ(r.payload, payload);
  // Now one of its zero bits flips to 1: dirty with < t zeros -> Erased (documented limitation).
  const SegmentBitLocation loc = codec.locate(d.flipped_bits[0]);
  (loc.in_slot ? slot : payload)[loc.byte] ^= static_cast<uint8_t>(1u << loc.bit);
  EXPECT_EQ(codec.decode_segment(payload.data(), slot.data()).outcome, SegmentOutcome::Erased);
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

// A deliberately weak BCH (2-byte payload, m=6, t=2) miscorrects often; without the CRC those are
// silent, with the CRC every one of them becomes CrcMismatch.
TEST(SegmentCrc, TurnsMiscorrectionIntoCrcMismatch) {
  std::mt19937_64 rng(test::test_seed());
  SegmentFormat weak;
  weak.payload_bytes = 2;
  weak.m = 6;
  weak.t = 2;
  weak.slot_bytes = 6;
  const SegmentCodec no_crc(weak);
  weak.crc = true;
  const SegmentCodec with_crc(weak);
  ASSERT_EQ(with_crc.bch().n_bits(), 16u + 32u + 12u);
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
