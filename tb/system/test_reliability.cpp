// Reliability tests of ifc_core (issue 9): read-retry, the watchdog, fault injection and command
// fuzzing. Every outcome is defined: a result is bit-exact against the reference, or its row is
// reported failed, or the command returns an error code. Never silently wrong, never a hang.
//
// IFC_FUZZ_N sets the number of fuzzed commands of Reliability.CommandFuzz (default 400 in
// `make test`; `make reliability` runs 10^4).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <random>

#include "common/core_driver.hpp"
#include "common/rtl_fixture.hpp"
#include "common/seed.hpp"
#include "common/sram_fault.hpp"
#include "system/gemv_fixtures.hpp"

namespace ifc::tb {
namespace {

class Reliability : public RtlFixture<Vifc_core> {
 protected:
  /// Checks every row that did not fail against the reference and returns the number that failed.
  static size_t check_rows(const GemvRunResult& r, const std::vector<uint32_t>& ref) {
    EXPECT_TRUE(r.completed);
    EXPECT_TRUE(r.rows_in_order);
    EXPECT_FALSE(r.assertion_failed);
    if (!r.completed) return ref.size();
    for (size_t i = 0; i < ref.size(); ++i) {
      if (!r.failed[i]) {
        EXPECT_EQ(r.values[i], ref[i]) << "row " << i << " silently wrong";
      }
    }
    return r.failed_rows.size();
  }
};

/// Status word fields (rtl/ifc_core.sv): failed rows in the low 32 bits.
uint32_t status_failed_rows(const ResWord& w) { return uint32_t(w.raw); }

TEST_F(Reliability, ReadRetryRecoversUncorrectableSegmentsBitExact) {
  if (IFC_RTL_RETRY_MAX < 3) GTEST_SKIP() << "needs read_retry_max >= 3";
  // RBER 4e-3: about 45% of the 272 B codewords hold more than t = 8 errors at step 0; each retry
  // step halves the RBER (configs/nand/default.json), so step 1 leaves ~3.5% and step 2 ~0.05%.
  const uint32_t rows = 64;
  DamagedGemv d("retry_recovers", 21, rows);
  d.nand.set_fixed_rber(4e-3);
  const auto ref = d.reference();
  const auto r = d.run(sim());
  EXPECT_EQ(check_rows(r, ref), 0u) << "a row failed although retries were left";
  EXPECT_EQ(r.gemv_status, 0);
  EXPECT_GT(r.retry_reads, 10u);
  EXPECT_GT(r.retry_recovered, 10u);
  EXPECT_EQ(r.retry_exhausted, 0u);
  EXPECT_EQ(r.uncorrectable, 0u);
  // Every segment is accounted for exactly once at its final disposition.
  EXPECT_EQ(r.clean + r.corrected + r.erased + r.uncorrectable + r.read_errors, uint64_t(rows) * 2);
  std::printf("retry reads %llu, recovered %llu, cycles %llu\n", (unsigned long long)r.retry_reads,
              (unsigned long long)r.retry_recovered, (unsigned long long)r.cycles);
}

TEST_F(Reliability, StuckBitsWithinTheCorrectionLimitAreCorrected) {
  DamagedGemv d("stuck_bits", 22, 10);
  // No random flips besides the stuck bits: the die's base RBER (1e-5) flips a bit of a second
  // segment at this seed with 512 B segments (20 codewords of 4,288 bits), which would count twice.
  d.nand.set_fixed_rber(0.0);
  const auto fmt = rtl_segment_format();
  const uint32_t codeword_bits = (fmt.payload_bytes + fmt.slot_bytes) * 8;  // 2,176 at 256 B segments
  std::vector<uint32_t> bits;
  for (unsigned i = 0; i < IFC_RTL_ECC_T; ++i) bits.push_back(uint32_t(d.rng() % codeword_bits));
  std::sort(bits.begin(), bits.end());
  bits.erase(std::unique(bits.begin(), bits.end()), bits.end());
  d.invert_stream_bits(5, bits);
  const auto ref = d.reference();
  const auto r = d.run(sim());
  EXPECT_EQ(check_rows(r, ref), 0u);
  EXPECT_EQ(r.corrected, 1u);
  EXPECT_EQ(r.retry_reads, 0u);
}

TEST_F(Reliability, BurstFillingAWholeSegmentFailsOnlyItsRowAfterEveryRetry) {
  // Every bit of segment g = 7 (row 3, slice 1; payload and slot) reads inverted on every read at
  // every read level (stuck): no retry can help, so the row fails after RetryMax re-reads.
  DamagedGemv d("burst", 23, 10);
  const auto fmt = rtl_segment_format();
  std::vector<uint32_t> bits((fmt.payload_bytes + fmt.slot_bytes) * 8);
  for (uint32_t i = 0; i < bits.size(); ++i) bits[i] = i;
  d.invert_stream_bits(7, bits);
  const auto ref = d.reference();
  const auto r = d.run(sim());
  check_rows(r, ref);
  EXPECT_EQ(r.gemv_status, 0);
  EXPECT_EQ(r.failed_rows, std::vector<uint32_t>{3});
  EXPECT_EQ(r.uncorrectable, 1u);
  EXPECT_EQ(r.retry_reads, uint64_t(IFC_RTL_RETRY_MAX));
  EXPECT_EQ(r.retry_exhausted, IFC_RTL_RETRY_MAX > 0 ? 1u : 0u);
}

/// A GEMV on a die whose commands stop answering from command `hang_from` on: the watchdog turns
/// it into error WATCHDOG, the core is idle again, and the same GEMV then runs bit-exact.
void hung_nand_case(RtlSim<Vifc_core>& sim, uint64_t seed, uint32_t rows, uint64_t hang_from, bool damage) {
  DamagedGemv d(seed, rows, kTwoSegs);
  if (damage) {  // segment 7 uncorrectable: its retry reads are the commands that hang
    std::vector<uint32_t> bits;
    for (unsigned i = 0; i < 3 * IFC_RTL_ECC_T; ++i) bits.push_back(17 * i + 3);
    d.invert_stream_bits(7, bits);
  }
  const auto ref = d.reference();
  CoreDriver drv(sim, seed);
  NandCosim<Vifc_core> cosim(sim, d.nand, rtl_cosim_params());
  sim.reset();
  const uint32_t timeout = 20000;
  drv.csr_write(core::kWatchdogCycles, timeout);
  EXPECT_EQ(drv.csr(core::kWatchdogCycles), timeout);
  drv.push_cmd({core::kOpLoadAct, 0, false, d.img.k(), 0, 0, 0});
  drv.push_act(d.act, false);
  ASSERT_TRUE(drv.wait_status(100000));
  ASSERT_EQ(drv.results().back().error, 0);
  drv.results().clear();

  cosim.hang_after(hang_from);
  drv.push_cmd({core::kOpGemv, 0, false, rows, d.img.k(), 0, 0});
  ASSERT_TRUE(drv.wait_status(50ull * timeout)) << "the watchdog did not fire";
  const ResWord st = drv.results().back();
  EXPECT_EQ(st.error, core::kErrWatchdog) << core::error_name(st.error);
  const size_t delivered = drv.results().size() - 1;
  EXPECT_LT(delivered, rows);
  size_t failed_delivered = 0;
  for (size_t i = 0; i < delivered; ++i) {
    const ResWord& w = drv.results()[i];
    EXPECT_EQ(w.row, i);
    if (w.failed) {
      ++failed_delivered;
    } else {
      EXPECT_EQ(w.value, ref[i]) << "row " << i;
    }
  }
  EXPECT_EQ(status_failed_rows(st), rows - delivered + failed_delivered);
  EXPECT_EQ(drv.csr(core::kWatchdogEvents), 1u);
  EXPECT_EQ(drv.csr(core::kLastError), core::kErrWatchdog);
  EXPECT_EQ(drv.csr(core::kStatus), 0u) << "core not idle after the watchdog";
  EXPECT_GE(cosim.stats().nand_resets, 1u);
  drv.results().clear();

  // The die answers again: the next command works, on the activation loaded before.
  cosim.hang_after(UINT64_MAX);
  drv.push_cmd({core::kOpGemv, 0, false, rows, d.img.k(), 0, 0});
  ASSERT_TRUE(drv.wait_status(4000000));
  ASSERT_EQ(drv.results().size(), size_t(rows) + 1);
  EXPECT_EQ(drv.results().back().error, 0);
  for (uint32_t i = 0; i < rows; ++i) {
    const ResWord& w = drv.results()[i];
    EXPECT_EQ(w.row, i);
    if (damage && i == 3) {
      EXPECT_TRUE(w.failed);
      continue;
    }
    EXPECT_FALSE(w.failed) << "row " << i;
    EXPECT_EQ(w.value, ref[i]) << "row " << i;
  }
  EXPECT_FALSE(sim.error());
}

TEST_F(Reliability, HungPageReadBecomesWatchdogErrorAndTheNextCommandWorks) {
  // 400 rows x 2 segments = 4 multi-plane page reads; the third and fourth never answer.
  hung_nand_case(sim(), test_seed("hung_page", 24), 400, 2, false);
}

TEST_F(Reliability, HungRetryReadBecomesWatchdogErrorAndTheNextCommandWorks) {
  if (IFC_RTL_RETRY_MAX == 0) GTEST_SKIP() << "needs read-retry";
  // One page read (command 0) answers; the retry read of the uncorrectable segment (command 1) hangs.
  hung_nand_case(sim(), test_seed("hung_retry", 25), 10, 1, true);
}

TEST_F(Reliability, PageBufferSramFlipsInFlightAreCorrectedNeverSilent) {
  // Soft errors in the page-buffer latches (ifc_sram_1r1w behind every plane lane) while pages are
  // in flight: every 64 cycles one random bit of one random plane's latch flips. The latches sit
  // before the ECC checker, so a flip in live data is a bit error like the array's own: corrected
  // (or, past t, the row fails). Never silently wrong.
  const uint32_t rows = 512;  // 1024 segments = 4 multi-plane pages
  DamagedGemv d("sram_flips", 27, rows);
  auto& rng = d.rng;
  const auto ref = d.reference();
  CoreDriver drv(sim(), d.seed);
  NandCosim<Vifc_core> cosim(sim(), d.nand, rtl_cosim_params());
  sim().reset();
  const auto srams = find_srams(sim().ctx(), "u_page_buffer.u_latch");
  ASSERT_EQ(srams.size(), size_t(IFC_RTL_PLANES)) << "page-buffer latches not found in the model's scopes";
  drv.push_cmd({core::kOpLoadAct, 0, false, d.img.k(), 0, 0, 0});
  drv.push_act(d.act, false);
  ASSERT_TRUE(drv.wait_status(100000));
  drv.results().clear();
  drv.push_cmd({core::kOpGemv, 0, false, rows, d.img.k(), 0, 0});
  uint64_t flips = 0;
  for (uint64_t c = 0; c < 4000000 && (drv.results().empty() || !drv.results().back().is_status); c += 64) {
    sim().cycle(64);
    const SramView& s = srams[rng() % srams.size()];
    flip_sram_bit(s, unsigned(rng() % s.depth), unsigned(rng() % (8 * s.width_bytes)));
    ++flips;
  }
  ASSERT_FALSE(drv.results().empty());
  ASSERT_TRUE(drv.results().back().is_status) << "no status (hang)";
  EXPECT_EQ(drv.results().back().error, 0);
  ASSERT_EQ(drv.results().size(), size_t(rows) + 1);
  uint32_t failed = 0;
  for (uint32_t i = 0; i < rows; ++i) {
    const ResWord& w = drv.results()[i];
    EXPECT_EQ(w.row, i);
    if (w.failed) {
      ++failed;
    } else {
      EXPECT_EQ(w.value, ref[i]) << "row " << i << " silently wrong";
    }
  }
  const uint32_t corrected = drv.csr(core::kCorrected);
  std::printf("%llu latch bit flips: %u segments corrected, %u rows failed\n", (unsigned long long)flips, corrected,
              failed);
  EXPECT_GT(corrected, 0u) << "no flip reached live data: the test did not test anything";
  EXPECT_FALSE(sim().error());
}

// ---- command fuzzing -------------------------------------------------------------------------

/// The host's model of the core's command decode (rtl/ifc_core.sv, docs/host_interface.md).
struct DecodeModel {
  bool act_valid = false;
  uint32_t act_k = 0;
  bool act_bf16 = false;

  /// Error code of a LOAD_ACT with `beats` beats (the last one flagged); updates the state.
  uint8_t load_act(uint8_t dtype, uint32_t k, size_t beats) {
    if (dtype != 0 && dtype != 1) return 2;
    if (k == 0 || k > IFC_RTL_ACT_MAX_K) return 3;
    act_valid = false;
    const size_t per = dtype == 1 ? 4 : 8;
    if (beats != (k + per - 1) / per) return 6;
    act_valid = true;
    act_k = k;
    act_bf16 = dtype == 1;
    return 0;
  }
  /// Error code of a GEMV.
  uint8_t gemv(uint8_t dtype, uint32_t rows, uint32_t k, uint32_t base) const {
    if (dtype == 3) return 2;
    if (rows == 0 || rows >= 0x40000000u || k == 0 || k > IFC_RTL_ACT_MAX_K) return 3;
    if (!act_valid || act_k != k || (dtype == 1) != act_bf16) return 5;
    // dtype 0..2 is model::Dtype's encoding (INT8, BF16, INT4); 3 was refused above.
    const uint64_t spr = rtl_weight_layout().segs_per_row(model::Dtype(dtype), k);
    const uint64_t nsegs = uint64_t(rows) * spr;
    const uint64_t segs_per_page = uint64_t(IFC_RTL_PLANES) * (IFC_RTL_PAGE_DATA_BYTES / IFC_RTL_SEG_PAYLOAD_BYTES);
    if (base >= IFC_RTL_PAGES_PER_PLANE || nsegs >= (1ull << 32) ||
        nsegs > (uint64_t(IFC_RTL_PAGES_PER_PLANE) - base) * segs_per_page)
      return 4;
    return 0;
  }
};

uint64_t fuzz_count() {
  if (const char* env = std::getenv("IFC_FUZZ_N")) return std::strtoull(env, nullptr, 0);
  return 400;
}

TEST_F(Reliability, CommandFuzz) {
  const uint64_t seed = test_seed("command_fuzz", 26);
  const uint64_t n = fuzz_count();
  std::mt19937_64 rng(seed);
  // One int8 image of R0 x K0 at base page B0; every GEMV the decode accepts reads it.
  const uint32_t r0 = 24, k0 = 300, b0 = 7;
  std::vector<uint8_t> w;
  model::ActVector act0;
  random_inputs(model::Dtype::kInt8, r0, k0, rng, w, act0);
  const model::WeightImage img(rtl_weight_layout(b0), rtl_segment_format(), model::Dtype::kInt8, r0, k0, std::move(w));
  nand::NandArray nand(fast_die(seed));
  nand.set_fixed_rber(1e-4);
  img.install_procedural(nand);
  CoreDriver drv(sim(), seed, 0.7);
  NandCosim<Vifc_core> cosim(sim(), nand, rtl_cosim_params());
  sim().reset();

  DecodeModel dm;
  std::vector<uint32_t> ref;  // reference of the loaded activation (when it is act0-like, int8, K0)
  uint64_t n_ok = 0, n_err = 0, n_gemv_ok = 0, rows_checked = 0, rows_failed = 0;
  uint64_t by_code[16] = {};
  auto pick = [&](unsigned pct) { return rng() % 100 < pct; };
  for (uint64_t it = 0; it < n && !HasFatalFailure(); ++it) {
    const unsigned kind = unsigned(rng() % 100);
    uint8_t expect = 0;
    uint8_t opcode = 0;
    uint32_t exp_rows = 0;
    std::string what;
    if (kind >= 10 && kind < 15) {  // ATTN / ATTN_MULTI: no sequence is appended, so every one is refused
      opcode = rng() % 2 ? core::kOpAttn : core::kOpAttnMulti;
      const uint8_t dtype = pick(70) ? 1 : uint8_t(rng() % 4);
      const uint32_t t = uint32_t(rng() % 8 == 0 ? rng() : rng() % 5000);
      uint32_t slot = uint32_t(rng() % 4);  // ATTN: a slot; ATTN_MULTI: a mask
      if (pick(10)) slot = uint32_t(rng());
      drv.push_cmd({opcode, dtype, bool(rng() % 2), t, slot, uint32_t(rng()), uint32_t(rng() & 0x1FFFFF)});
      if (dtype != 1) expect = 2;
      else if (opcode == core::kOpAttnMulti && (slot == 0 || (slot >> 2) != 0)) expect = core::kErrAttnMask;  // 2 slots
      else expect = core::kErrAttnGroup;  // a slot past KvGroups, or holding no sequence
      what = fmt::format("{} dtype {} T {} slot/mask {:#x}", opcode == core::kOpAttn ? "ATTN" : "ATTN_MULTI", dtype, t,
                         slot);
    } else if (kind < 15) {  // garbage opcode (0x03..0x05 belong to the KV cache, 0x06..0x07 are reserved)
      opcode = rng() % 8 == 0 ? 0x00 : uint8_t(0x10 + rng() % 0xF0);
      Descriptor dsc{opcode, uint8_t(rng() % 4), bool(rng() % 2), uint32_t(rng()), uint32_t(rng()), uint32_t(rng()),
                     uint32_t(rng() & 0x1FFFFF)};
      drv.push_cmd(dsc);
      expect = 1;
      what = fmt::format("opcode {:#x}", opcode);
    } else if (kind < 50) {  // LOAD_ACT: dtype, K and stream length mutated
      opcode = core::kOpLoadAct;
      const uint8_t dtype = pick(80) ? 0 : pick(50) ? 1 : uint8_t(2 + rng() % 2);
      uint32_t k = k0;
      if (pick(30)) {
        const unsigned c = unsigned(rng() % 4);
        k = c == 0 ? 0 : c == 1 ? uint32_t(1 + rng() % 2000) : c == 2 ? uint32_t(IFC_RTL_ACT_MAX_K + 1 + rng() % 100)
                                                             : uint32_t(rng());
      }
      const bool bf16 = dtype == 1;
      const size_t per = bf16 ? 4 : 8;
      const bool in_range = k != 0 && k <= IFC_RTL_ACT_MAX_K;
      model::ActVector act(in_range ? k : 3 * per);
      if (k == k0 && dtype == 0) {
        act = act0;
      } else {
        for (auto& a : act) a = bf16 ? uint16_t(rng()) : uint16_t(int16_t(int8_t(rng())));
      }
      int extra = 0;
      const unsigned s = unsigned(rng() % 10);
      if (s < 2) extra = -int(1 + rng() % 4);
      else if (s < 4) extra = int(1 + rng() % 4);
      const size_t nominal = (act.size() + per - 1) / per;
      size_t beats = nominal;
      if (extra > 0) beats += size_t(extra);
      else if (extra < 0) beats = nominal > size_t(-extra) ? nominal - size_t(-extra) : 1;
      drv.push_cmd({opcode, dtype, false, k, 0, 0, uint32_t(rng() & 0x1FFFFF)});
      drv.push_act(act, bf16, extra);
      expect = dm.load_act(dtype, k, in_range ? beats : 0);
      if (!in_range) expect = dtype != 0 && dtype != 1 ? 2 : 3;
      if (expect == 0) {
        if (k == k0 && dtype == 0 && act == act0) ref = model::reference_gemv(img, act0, IFC_RTL_PE_MACS);
        else ref.clear();
      }
      what = fmt::format("LOAD_ACT dtype {} K {} beats {} of {}", dtype, k, beats, nominal);
    } else {  // GEMV: one flaw at a time, or none
      opcode = core::kOpGemv;
      uint8_t dtype = 0;
      uint32_t rows = 1 + uint32_t(rng() % r0), k = k0, base = b0;
      switch (rng() % 20) {  // 10 flaws, or none
        case 0: dtype = 3; break;
        case 1: rows = 0; break;
        case 2: rows = 0x40000000u | uint32_t(rng()); break;
        case 3: k = 0; break;
        case 4: k = uint32_t(IFC_RTL_ACT_MAX_K + 1 + rng() % 1000); break;
        case 5: k = (dm.act_valid ? dm.act_k : k0) + 1 + uint32_t(rng() % 100); break;  // not the loaded K
        case 6: dtype = dm.act_bf16 ? 0 : 1; break;  // the other activation dtype
        case 7: dtype = 2; k = (dm.act_valid ? dm.act_k : k0) + 2; break;  // int4, not the loaded K
        case 8: base = uint32_t(IFC_RTL_PAGES_PER_PLANE + rng() % 1000000); break;
        case 9: rows = 1u << 29; base = IFC_RTL_PAGES_PER_PLANE - 1000; break;
        default: break;
      }
      const bool inorder = rng() % 4 == 0;
      drv.push_cmd({opcode, dtype, inorder, rows, k, base, uint32_t(rng() & 0x1FFFFF)});
      expect = dm.gemv(dtype, rows, k, base);
      if (expect == 0) {
        // The decode accepts only GEMVs of the installed image on its own activation.
        ASSERT_TRUE(dtype == 0 && k == k0 && base == b0 && rows <= r0 && !ref.empty())
            << "fuzzer bug: an accepted GEMV it cannot check";
        exp_rows = rows;
      }
      what = fmt::format("GEMV dtype {} rows {} K {} base {} {}", dtype, rows, k, base, inorder ? "in-order" : "");
    }
    ASSERT_TRUE(drv.wait_status(2000000)) << "command " << it << " (" << what << "): no status, hang";
    auto& res = drv.results();
    const ResWord st = res.back();
    ASSERT_TRUE(st.is_status);
    EXPECT_EQ(st.error, expect) << "command " << it << " (" << what << "): got " << core::error_name(st.error);
    EXPECT_EQ(st.opcode, opcode) << "command " << it;
    ++by_code[st.error & 15];
    if (st.error == 0) ++n_ok;
    else ++n_err;
    ASSERT_EQ(res.size(), size_t(exp_rows) + 1) << "command " << it << " (" << what << ")";
    if (exp_rows) {
      ++n_gemv_ok;
      for (uint32_t i = 0; i < exp_rows; ++i) {
        EXPECT_EQ(res[i].row, i) << "command " << it;
        ++rows_checked;
        if (res[i].failed) {
          ++rows_failed;
          continue;
        }
        EXPECT_EQ(res[i].value, ref[i]) << "command " << it << " row " << i << " silently wrong";
      }
      EXPECT_EQ(status_failed_rows(st), 0u + uint32_t(std::count_if(res.begin(), res.end() - 1,
                                                                    [](const ResWord& x) { return x.failed; })));
    }
    res.clear();
    ASSERT_FALSE(sim().error()) << "an assertion fired at command " << it << " (" << what << ")";
  }
  std::printf("fuzz: %llu commands: %llu ok (%llu GEMVs, %llu rows checked, %llu failed), %llu errors;"
              " codes:", (unsigned long long)n, (unsigned long long)n_ok, (unsigned long long)n_gemv_ok,
              (unsigned long long)rows_checked, (unsigned long long)rows_failed, (unsigned long long)n_err);
  for (int c = 0; c < 16; ++c)
    if (by_code[c]) std::printf(" %d:%llu", c, (unsigned long long)by_code[c]);
  std::printf("\n");
  EXPECT_GT(n_gemv_ok, n / 20);
}

}  // namespace
}  // namespace ifc::tb
