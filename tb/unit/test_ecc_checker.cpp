// ifc_ecc_checker against the golden BCH codec: the remainder of every segment, the dirty and
// erased tags, data passed through unchanged, full rate with no bubbles, random backpressure.
#include <gtest/gtest.h>

#include <deque>
#include <random>

#include "Vifc_ecc_checker.h"
#include "common/bits.hpp"
#include "common/rtl_fixture.hpp"
#include "common/seed.hpp"
#include "model/bch.hpp"

namespace ifc::tb {
namespace {

constexpr unsigned kBond = IFC_RTL_BOND_BYTES;
constexpr unsigned kSegBytes = IFC_RTL_SEG_PAYLOAD_BYTES + IFC_RTL_SEG_SLOT_BYTES;
constexpr unsigned kBeats = kSegBytes / kBond;
constexpr unsigned kParityBits = IFC_RTL_ECC_PARITY_BITS;
constexpr unsigned kParityBytes = kParityBits / 8;
constexpr unsigned kT = IFC_RTL_ECC_T;

/// The segment codeword: the whole segment (payload + slot) in stream order, parity last.
const model::BchCode& code() {
  static const model::BchCode c(IFC_RTL_ECC_M, kT, (kSegBytes - kParityBytes) * 8);
  return c;
}

struct Seg {
  std::vector<uint8_t> bytes;
  uint16_t tag;
};

Seg random_codeword(std::mt19937_64& rng, uint16_t tag) {
  Seg s{std::vector<uint8_t>(kSegBytes), tag};
  for (unsigned i = 0; i < kSegBytes - kParityBytes; ++i) s.bytes[i] = static_cast<uint8_t>(rng());
  code().encode(s.bytes.data(), s.bytes.data() + kSegBytes - kParityBytes);
  return s;
}

void flip_random_bits(std::mt19937_64& rng, Seg& s, unsigned n) {
  std::vector<unsigned> pos(kSegBytes * 8);
  for (unsigned i = 0; i < pos.size(); ++i) pos[i] = i;
  std::shuffle(pos.begin(), pos.end(), rng);
  for (unsigned i = 0; i < n; ++i) s.bytes[pos[i] / 8] ^= static_cast<uint8_t>(1u << (pos[i] % 8));
}

unsigned zero_bits(const Seg& s) {
  unsigned z = 0;
  for (uint8_t b : s.bytes) z += 8 - __builtin_popcount(b);
  return z;
}

class EccChecker : public RtlFixture<Vifc_ecc_checker> {
 protected:
  /// Streams `segs` through the checker with input valid probability `pv` and output ready
  /// probability `pr`, checking every output beat against the codec. Returns the cycles taken.
  uint64_t run(const std::vector<Seg>& segs, double pv, double pr, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::bernoulli_distribution bv(pv), br(pr);
    size_t in_seg = 0, in_beat = 0, out_seg = 0, out_beat = 0;
    bool holding = false;
    auto& t = top();
    sim().on_drive([&] {
      if (!holding) {
        const bool v = in_seg < segs.size() && (pv >= 1.0 || bv(rng));
        t.in_valid_i = v;
        if (v) {
          set_bits(t.in_data_i, 0, kBond * 8, load_le(&segs[in_seg].bytes[in_beat * kBond], kBond));
          t.in_last_i = in_beat + 1 == kBeats;
          t.in_side_i = segs[in_seg].tag;
        }
      }
      t.out_ready_i = pr >= 1.0 || br(rng);
    });
    sim().on_sample([&] {
      holding = t.in_valid_i && !t.in_ready_o;  // valid/ready: hold the beat until taken
      if (t.in_valid_i && t.in_ready_o && ++in_beat == kBeats) {
        in_beat = 0;
        ++in_seg;
      }
      if (t.out_valid_o && t.out_ready_i) {
        ASSERT_LT(out_seg, segs.size()) << "more output than input";
        const Seg& s = segs[out_seg];
        EXPECT_EQ(get_bits(t.out_data_o, 0, kBond * 8), load_le(&s.bytes[out_beat * kBond], kBond))
            << "segment " << out_seg << " beat " << out_beat;
        EXPECT_EQ(t.out_side_o, s.tag);
        const bool last = out_beat + 1 == kBeats;
        EXPECT_EQ(bool(t.out_last_o), last);
        if (last) {
          const auto rem = code().remainder(s.bytes.data(), s.bytes.data() + kSegBytes - kParityBytes);
          bool nonzero = false;
          for (unsigned w = 0; w < rem.size(); ++w) {
            const unsigned width = std::min(64u, kParityBits - 64 * w);
            EXPECT_EQ(get_bits(t.out_rem_o, 64 * w, width), rem[w]) << "remainder word " << w << " seg " << out_seg;
            nonzero |= rem[w] != 0;
          }
          EXPECT_EQ(bool(t.out_dirty_o), nonzero) << "seg " << out_seg;
          EXPECT_EQ(bool(t.out_erased_o), zero_bits(s) <= kT) << "seg " << out_seg;
          n_dirty_ += t.out_dirty_o ? 1 : 0;
          n_erased_ += t.out_erased_o ? 1 : 0;
          out_beat = 0;
          ++out_seg;
        } else {
          ++out_beat;
        }
      }
    });
    sim().reset();
    const uint64_t c0 = sim().cycles();
    const uint64_t bound = 100 + segs.size() * kBeats * 50;
    while (out_seg < segs.size() && sim().cycles() - c0 < bound) sim().cycle();
    EXPECT_EQ(out_seg, segs.size()) << "segments lost or stuck";
    return sim().cycles() - c0;
  }
  uint64_t n_dirty_ = 0;
  uint64_t n_erased_ = 0;
};

TEST_F(EccChecker, CleanSegmentsAtFullRateWithoutBubbles) {
  std::mt19937_64 rng(test_seed("checker_clean", 1));
  std::vector<Seg> segs;
  for (unsigned i = 0; i < 64; ++i) segs.push_back(random_codeword(rng, static_cast<uint16_t>(i)));
  const uint64_t cycles = run(segs, 1.0, 1.0, 7);
  EXPECT_EQ(n_dirty_, 0u);
  // One beat per cycle plus the one-cycle pipeline latency: BondBytes bytes per cycle.
  EXPECT_EQ(cycles, segs.size() * kBeats + 1);
}

TEST_F(EccChecker, EverySingleBitErrorPositionIsDirty) {
  std::mt19937_64 rng(test_seed("checker_single", 2));
  const Seg base = random_codeword(rng, 0);
  std::vector<Seg> segs;
  for (unsigned bit = 0; bit < kSegBytes * 8; ++bit) {
    Seg s = base;
    s.tag = static_cast<uint16_t>(bit);
    s.bytes[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    segs.push_back(std::move(s));
  }
  run(segs, 1.0, 1.0, 3);
  EXPECT_EQ(n_dirty_, segs.size());
}

TEST_F(EccChecker, RandomErrorPatternsUnderRandomBackpressure) {
  std::mt19937_64 rng(test_seed("checker_random", 3));
  std::vector<Seg> segs;
  for (unsigned i = 0; i < 300; ++i) {
    Seg s = random_codeword(rng, static_cast<uint16_t>(i));
    flip_random_bits(rng, s, static_cast<unsigned>(rng() % (2 * kT + 4)));
    segs.push_back(std::move(s));
  }
  run(segs, 0.7, 0.6, rng());
}

TEST_F(EccChecker, ErasedSegmentsAreTagged) {
  // All-ones (erased) segments with 0..t+2 zero bits: erased iff at most t zeros; an erased
  // segment is not a codeword, so it is also dirty. The all-zero word is a codeword (clean).
  std::mt19937_64 rng(test_seed("checker_erased", 4));
  std::vector<Seg> segs;
  for (unsigned z = 0; z <= kT + 2; ++z) {
    Seg s{std::vector<uint8_t>(kSegBytes, 0xFF), static_cast<uint16_t>(z)};
    std::vector<uint8_t> inv(kSegBytes, 0);
    Seg flips{inv, 0};
    flip_random_bits(rng, flips, z);
    for (unsigned i = 0; i < kSegBytes; ++i) s.bytes[i] ^= flips.bytes[i];
    segs.push_back(std::move(s));
  }
  segs.push_back(Seg{std::vector<uint8_t>(kSegBytes, 0x00), 999});
  run(segs, 1.0, 1.0, 5);
  EXPECT_EQ(n_erased_, kT + 1);
}

}  // namespace
}  // namespace ifc::tb
