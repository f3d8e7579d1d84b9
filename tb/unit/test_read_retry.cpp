// ifc_read_retry against its bit-true model (tb/model/read_retry_model.hpp): every NAND command
// (plane mask, page, column segment, read level) and every re-read segment (data beats, metadata
// {rem, err, erased, dirty, s, g}, step) is compared with the model, in request order.
// Constrained-random requests (any g, s, step 1..15, any base page) with random gaps, random
// command acceptance, a random tR before the beats return (with random gaps between beats),
// segments that are clean codewords, codewords with 1..t+4 bit errors, near-erased or random, a
// random page error flag, and random backpressure on the output. Also checked: one retry read in
// flight at a time, at most two segments between command and output (the FIFO), the command
// latency of an idle unit, idle_o at the end, and no RTL assertion (queue overflow, beats taken).
// Seeds are printed; IFC_SEED overrides them.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <random>
#include <vector>

#include "Vifc_read_retry.h"
#include "common/bits.hpp"
#include "common/rtl_fixture.hpp"
#include "common/seed.hpp"
#include "model/bch.hpp"
#include "model/read_retry_model.hpp"

namespace ifc::tb {
namespace {

using model::ReadRetryModel;
using model::RetryCommand;
using model::RetryRequest;
using model::RetrySegment;

constexpr unsigned kPlanes = IFC_TB_RETRY_PLANES;
constexpr unsigned kSegsPerPage = IFC_TB_RETRY_SEGS_PER_PAGE;
constexpr unsigned kDepth = IFC_TB_RETRY_DEPTH;
constexpr unsigned kBond = IFC_RTL_BOND_BYTES;
constexpr unsigned kSegBytes = IFC_RTL_SEG_PAYLOAD_BYTES + IFC_RTL_SEG_SLOT_BYTES;
constexpr unsigned kBeats = kSegBytes / kBond;
constexpr unsigned kParityBits = IFC_RTL_ECC_PARITY_BITS;
constexpr unsigned kParityBytes = (kParityBits + 7) / 8;
constexpr unsigned kT = IFC_RTL_ECC_T;
static_assert(kBond <= 8, "beats are read as one 64-bit word");

const model::BchCode& code() {
  static const model::BchCode c(IFC_RTL_ECC_M, kT, (kSegBytes - kParityBytes) * 8);
  return c;
}

/// Environment of one run.
struct Traffic {
  double p_req = 0.3;       ///< probability a queued request is offered in a cycle
  double p_cmd = 0.5;       ///< nand_cmd_ready probability
  unsigned max_tr = 60;     ///< tR: 1..max_tr cycles from command to the first beat
  double p_beat = 0.8;      ///< probability a beat is delivered in a cycle once the data is ready
  double p_out = 0.6;       ///< out_ready probability
};

class ReadRetry : public RtlFixture<Vifc_read_retry> {
 protected:
  ReadRetry() : model_(kPlanes, kSegsPerPage, code(), kT) {}

  std::vector<uint8_t> random_segment() {
    std::vector<uint8_t> b(kSegBytes);
    const unsigned kind = unsigned(rng_() % 8);
    if (kind == 0) {  // random bytes: dirty, not a codeword
      for (auto& x : b) x = uint8_t(rng_());
      return b;
    }
    if (kind == 1) {  // erased page with a few zero bits (0..t+2)
      std::fill(b.begin(), b.end(), 0xFF);
      const unsigned zeros = unsigned(rng_() % (kT + 3));
      for (unsigned i = 0; i < zeros; ++i) {
        const unsigned bit = unsigned(rng_() % (kSegBytes * 8));
        b[bit / 8] &= uint8_t(~(1u << (bit % 8)));
      }
      return b;
    }
    for (unsigned i = 0; i < kSegBytes - kParityBytes; ++i) b[i] = uint8_t(rng_());
    code().encode(b.data(), b.data() + kSegBytes - kParityBytes);
    const unsigned flips = kind <= 3 ? 0 : unsigned(1 + rng_() % (kT + 4));  // clean or 1..t+4 errors
    for (unsigned i = 0; i < flips; ++i) {
      const unsigned bit = unsigned(rng_() % code().n_bits());  // codeword bits (parity padding stays)
      b[bit / 8] ^= uint8_t(1u << (bit % 8));
    }
    return b;
  }

  RetryRequest random_request() {
    RetryRequest r;
    switch (rng_() % 4) {
      case 0: r.g = uint32_t(rng_()); break;                           // anywhere in 32 bits
      case 1: r.g = uint32_t(rng_() % (kPlanes * kSegsPerPage * 4)); break;  // the first pages
      default: r.g = uint32_t(rng_() % 100000); break;
    }
    r.s = uint16_t(rng_());
    r.step = uint8_t(1 + rng_() % 15);
    return r;
  }

  /// Runs `n` random requests under traffic `tr` and checks everything against the model.
  void run(unsigned n, const Traffic& tr, uint64_t seed) {
    rng_.seed(seed);
    std::bernoulli_distribution b_req(tr.p_req), b_cmd(tr.p_cmd), b_beat(tr.p_beat), b_out(tr.p_out);
    base_page_ = uint32_t(rng_());
    std::deque<RetryRequest> to_send;
    for (unsigned i = 0; i < n; ++i) to_send.push_back(random_request());
    std::deque<RetryRequest> sent;         // accepted requests, in order
    std::deque<RetrySegment> expect_out;   // model outputs of the commands issued so far
    std::vector<uint8_t> nand_seg;         // the segment the NAND is returning
    bool nand_err = false;
    bool returning = false;
    uint64_t ready_at = 0;
    unsigned beat_in = 0, beat_out = 0;
    unsigned cmds = 0, outs = 0;
    auto& t = top();
    t.base_page_i = base_page_;
    t.req_valid_i = 0;
    t.nand_cmd_ready_i = 0;
    t.nand_valid_i = 0;
    t.out_ready_i = 0;
    sim().on_drive([&] {
      t.req_valid_i = 0;
      // The unit's queue never overflows: the dispatcher offers a request only while it has space.
      if (!to_send.empty() && t.req_ready_o && b_req(rng_)) {
        t.req_valid_i = 1;
        t.req_g_i = to_send.front().g;
        t.req_s_i = to_send.front().s;
        t.req_step_i = to_send.front().step;
      }
      t.nand_cmd_ready_i = !returning && b_cmd(rng_);
      t.nand_valid_i = 0;
      if (returning && sim().cycles() >= ready_at && b_beat(rng_)) {
        t.nand_valid_i = 1;
        t.nand_data_i = load_le(&nand_seg[beat_in * kBond], kBond);
        t.nand_last_i = beat_in + 1 == kBeats;
        t.nand_err_i = nand_err;
      }
      t.out_ready_i = b_out(rng_);
    });
    // After the inputs settle, before the edge: the transfers of this cycle.
    sim().on_sample([&] {
      const bool req_fire = t.req_valid_i && t.req_ready_o;
      const bool cmd_valid = t.nand_cmd_valid_o;
      const bool out_fire = t.out_valid_o && t.out_ready_i;
      if (cmd_valid) {
        ASSERT_FALSE(returning) << "a second retry read while one is in flight";
        ASSERT_LT(cmds, sent.size()) << "a command without a request";
        const RetryCommand want = model_.command(sent[cmds], base_page_);
        const RetryCommand got{uint32_t(t.nand_cmd_plane_mask_o), uint32_t(t.nand_cmd_page_o),
                               uint16_t(t.nand_cmd_seg_o), uint8_t(t.nand_cmd_step_o)};
        ASSERT_EQ(got, want) << "command " << cmds << " (g " << sent[cmds].g << "): mask " << got.plane_mask
                             << " page " << got.page << " seg " << got.seg << " step " << unsigned(got.step)
                             << ", model mask " << want.plane_mask << " page " << want.page << " seg " << want.seg;
        if (t.nand_cmd_ready_i) {
          nand_seg = random_segment();
          nand_err = rng_() % 16 == 0;
          expect_out.push_back(model_.output(sent[cmds], nand_seg, nand_err));
          returning = true;
          ready_at = sim().cycles() + 1 + rng_() % tr.max_tr;
          beat_in = 0;
          ++cmds;
          ASSERT_LE(cmds - outs, ReadRetryModel::kFifoSegs) << "more segments in flight than the FIFO holds";
        }
      }
      if (t.nand_valid_i && ++beat_in == kBeats) returning = false;
      if (out_fire) {
        ASSERT_FALSE(expect_out.empty()) << "an output segment without a command";
        const RetrySegment& e = expect_out.front();
        EXPECT_EQ(get_bits(t.out_data_o, 0, kBond * 8), load_le(&e.bytes[beat_out * kBond], kBond))
            << "segment " << outs << " beat " << beat_out;
        EXPECT_EQ(get_bits(t.out_meta_o, 0, 32), e.g) << "segment " << outs;
        EXPECT_EQ(get_bits(t.out_meta_o, 32, 16), e.s) << "segment " << outs;
        EXPECT_EQ(get_bit(t.out_meta_o, 48), e.dirty) << "segment " << outs;
        EXPECT_EQ(get_bit(t.out_meta_o, 49), e.erased) << "segment " << outs;
        EXPECT_EQ(get_bit(t.out_meta_o, 50), e.err) << "segment " << outs;
        for (unsigned w = 0; w < e.rem.size(); ++w) {
          const unsigned width = std::min(64u, kParityBits - 64 * w);
          EXPECT_EQ(get_bits(t.out_meta_o, 51 + 64 * w, width), e.rem[w]) << "segment " << outs << " rem word " << w;
        }
        EXPECT_EQ(unsigned(t.out_step_o), unsigned(e.step)) << "segment " << outs;
        if (++beat_out == kBeats) {
          beat_out = 0;
          ++outs;
          n_dirty_ += e.dirty;
          n_erased_ += e.erased;
          expect_out.pop_front();
        }
      }
      if (req_fire) {
        sent.push_back(to_send.front());
        to_send.pop_front();
      }
    });
    sim().reset();
    const double per_seg = 60 + 2.0 * tr.max_tr + 2.0 * kBeats * (1 / tr.p_beat + 1 / tr.p_out) + 2 / tr.p_cmd;
    const uint64_t bound = sim().cycles() + 200 + uint64_t(n * per_seg);
    while (outs < n && sim().cycles() < bound && !HasFatalFailure()) sim().cycle();
    if (HasFatalFailure()) return;
    EXPECT_EQ(outs, n) << "segments lost or stuck (" << cmds << " commands)";
    t.req_valid_i = 0;
    t.nand_cmd_ready_i = 0;
    sim().cycle(2);
    EXPECT_TRUE(t.idle_o) << "not idle after the last segment";
  }

  ReadRetryModel model_;
  std::mt19937_64 rng_;
  uint32_t base_page_ = 0;
  uint64_t n_dirty_ = 0, n_erased_ = 0;
};

TEST_F(ReadRetry, RandomRequestsMatchTheModel) {
  run(300, Traffic{}, test_seed("retry_random", 1));
  EXPECT_GT(n_dirty_, 0u);
  EXPECT_GT(n_erased_, 0u);
}

TEST_F(ReadRetry, BurstOfRequestsFillsTheQueueAndBackpressureHoldsTheFifo) {
  // Requests as fast as the queue takes them, a slow reader: the queue fills (req_ready drops),
  // the FIFO fills and the unit stops issuing commands until a segment leaves.
  Traffic tr;
  tr.p_req = 1.0;
  tr.p_cmd = 1.0;
  tr.max_tr = 4;
  tr.p_beat = 1.0;
  tr.p_out = 0.05;
  run(3 * kDepth, tr, test_seed("retry_burst", 2));
}

TEST_F(ReadRetry, CommandOfAnIdleUnitComesAfterTheDivision) {
  // One request into an idle unit: the command is presented kCmdLatency cycles after the cycle that
  // accepted the request (queue, pop, 32 division cycles), and matches the model.
  rng_.seed(test_seed("retry_latency", 3));
  auto& t = top();
  t.req_valid_i = 0;
  t.nand_cmd_ready_i = 0;
  t.nand_valid_i = 0;
  t.out_ready_i = 1;
  base_page_ = 1000;
  t.base_page_i = base_page_;
  sim().reset();
  const RetryRequest r{uint32_t(kPlanes * kSegsPerPage * 7 + kPlanes * 5 + (kPlanes - 1)), 3, 2};
  t.req_valid_i = 1;
  t.req_g_i = r.g;
  t.req_s_i = r.s;
  t.req_step_i = r.step;
  ASSERT_TRUE(t.req_ready_o);
  sim().cycle();
  t.req_valid_i = 0;
  unsigned wait = 0;
  while (!t.nand_cmd_valid_o && wait < 100) {
    sim().cycle();
    ++wait;
  }
  EXPECT_EQ(wait + 1, ReadRetryModel::kCmdLatency);  // the accepting cycle + wait edges
  const RetryCommand want = model_.command(r, base_page_);
  EXPECT_EQ(want.page, base_page_ + 7u);
  EXPECT_EQ(want.seg, 5u);
  EXPECT_EQ(want.plane_mask, 1u << (kPlanes - 1));
  EXPECT_EQ(uint32_t(t.nand_cmd_plane_mask_o), want.plane_mask);
  EXPECT_EQ(uint32_t(t.nand_cmd_page_o), want.page);
  EXPECT_EQ(unsigned(t.nand_cmd_seg_o), unsigned(want.seg));
  EXPECT_EQ(unsigned(t.nand_cmd_step_o), 2u);
  EXPECT_FALSE(t.idle_o);
}

}  // namespace
}  // namespace ifc::tb
