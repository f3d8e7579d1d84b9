// System tests: the NAND model through ifc_core, every result checked bit for bit against the
// reference GEMV. Random shapes, all dtypes, random RBER up to the correction limit, random
// backpressure on res, in-order vs out-of-order, uncorrectable segments, malformed descriptors.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <tuple>

#include "common/core_driver.hpp"
#include "common/rtl_fixture.hpp"
#include "common/seed.hpp"
#include "system/gemv_fixtures.hpp"

namespace ifc::tb {
namespace {

struct Case {
  model::Dtype dt;
  uint32_t rows, k;
  double rber;
  bool inorder;
  double res_ready;
  uint64_t seed;
};

class Core : public RtlFixture<Vifc_core> {
 protected:
  GemvRunResult run_case(RtlSim<Vifc_core>& s, const Case& c, std::vector<uint32_t>* ref_out = nullptr,
                         bool single_eval = false) {
    std::mt19937_64 rng(c.seed);
    std::vector<uint8_t> w;
    model::ActVector act;
    random_inputs(c.dt, c.rows, c.k, rng, w, act);
    nand::NandArray nand(fast_die(c.seed));
    if (c.rber > 0) nand.set_fixed_rber(c.rber);
    const model::WeightImage img(rtl_weight_layout(static_cast<uint32_t>(rng() % 64)), rtl_segment_format(), c.dt,
                                 c.rows, c.k, std::move(w));
    img.install_procedural(nand);
    const auto ref = model::reference_gemv(img, act, IFC_RTL_PE_MACS);
    GemvRunOptions o;
    o.inorder = c.inorder;
    o.res_ready_prob = c.res_ready;
    o.seed = c.seed;
    o.single_eval = single_eval;
    const auto r = run_gemv(s, nand, img, act, o);
    EXPECT_TRUE(r.completed);
    EXPECT_EQ(r.act_status, 0);
    EXPECT_EQ(r.gemv_status, 0);
    EXPECT_TRUE(r.rows_in_order);
    EXPECT_FALSE(r.assertion_failed);
    if (r.completed && r.gemv_status == 0) {
      for (uint32_t i = 0; i < c.rows; ++i) {
        if (r.failed[i]) continue;
        EXPECT_EQ(r.values[i], ref[i]) << "row " << i << " of " << c.rows << "x" << c.k << " " << to_string(c.dt);
      }
    }
    if (ref_out) *ref_out = ref;
    return r;
  }
};

TEST_F(Core, Int8GemvIsBitExact) {
  const auto r = run_case(sim(), {model::Dtype::kInt8, 12, 700, 0.0, false, 1.0, test_seed("int8", 1)});
  EXPECT_TRUE(r.failed_rows.empty());
  // Every segment is read once and is clean or corrected: the die's base RBER (1e-5) may flip a
  // bit (one segment with 512 B segments at this seed).
  EXPECT_EQ(r.clean + r.corrected, uint64_t(12) * ((700 + IFC_RTL_SEG_PAYLOAD_BYTES - 1) / IFC_RTL_SEG_PAYLOAD_BYTES))
      << "uncorrectable " << r.uncorrectable << ", erased " << r.erased;
  EXPECT_EQ(r.uncorrectable + r.erased, 0u);
}

TEST_F(Core, Bf16GemvIsBitExact) {
  const auto r = run_case(sim(), {model::Dtype::kBf16, 9, 333, 0.0, false, 1.0, test_seed("bf16", 2)});
  EXPECT_TRUE(r.failed_rows.empty());
}

TEST_F(Core, Int4GemvIsBitExact) {
  const auto r = run_case(sim(), {model::Dtype::kInt4, 7, 1030, 0.0, false, 1.0, test_seed("int4", 3)});
  EXPECT_TRUE(r.failed_rows.empty());
}

TEST_F(Core, Bf16BitIdenticalWithAndWithoutErrorsAndInOrder) {
  const uint64_t seed = test_seed("bf16_identical", 4);
  Case c{model::Dtype::kBf16, 16, 600, 0.0, false, 1.0, seed};
  const auto clean = run_case(sim(), c);
  c.rber = 5e-4;
  RtlSim<Vifc_core> s2;
  const auto ooo = run_case(s2, c);
  c.inorder = true;
  RtlSim<Vifc_core> s3;
  const auto ino = run_case(s3, c);
  EXPECT_GT(ooo.corrected, 0u);
  EXPECT_GT(ino.corrected, 0u);
  ASSERT_TRUE(ooo.failed_rows.empty());
  ASSERT_TRUE(ino.failed_rows.empty());
  EXPECT_EQ(clean.values, ooo.values);
  EXPECT_EQ(clean.values, ino.values);
  EXPECT_FALSE(s2.error());
  EXPECT_FALSE(s3.error());
}

// The benchmarks' one-eval-per-cycle harness (RtlSim::set_single_eval) gives the same cycle-by-cycle
// behaviour as the tests' two evals: same cycle count, results, corrections, stalls and result
// timing, with corrected segments, random result backpressure and both modes.
TEST_F(Core, SingleEvalHarnessMatchesTwoEvals) {
  for (bool inorder : {false, true}) {
    const Case c{model::Dtype::kInt8, 24, 1500, 5e-4, inorder, 0.7, test_seed("single_eval", 11) + inorder};
    RtlSim<Vifc_core> two, one;
    const auto a = run_case(two, c);
    const auto b = run_case(one, c, nullptr, true);
    // what one run observed: cycles, results, segment outcomes, stall counters
    const auto seen = [](const GemvRunResult& r) {
      return std::make_tuple(r.cycles, r.values, r.failed, r.clean, r.corrected, r.uncorrectable, r.stall_window,
                             r.stall_lanes, r.stall_corrector, r.stall_inorder, r.pages_issued);
    };
    EXPECT_GT(a.corrected, 0u);
    EXPECT_EQ(seen(a), seen(b)) << (inorder ? "in-order" : "out-of-order");
    EXPECT_EQ(two.cycles(), one.cycles());
  }
}

TEST_F(Core, MiscorrectionIsCaughtByTheSegmentCrc) {
  // Segment g = 5 (row 2, slice 1) is made to read as c + z + w: z = x^s g(x) is a low-weight
  // codeword and w flips back 1..t of z's bits, so the BCH "corrects" it to the wrong codeword c + z
  // (a miscorrection beyond t). With the segment CRC (configuration key seg_crc) the corrector
  // catches it and only row 2 fails; without it the row silently gets a wrong value.
  DamagedGemv d("miscorrection", 15, 8);
  auto& rng = d.rng;
  const auto fmt = rtl_segment_format();
  const uint32_t seg_bits = (fmt.payload_bytes + fmt.slot_bytes) * 8;
  const model::BchCode code(fmt.m, fmt.t, seg_bits - IFC_RTL_ECC_PARITY_BITS);
  const auto& gen = code.generator();
  // z in the payload (shift >= the slot bits), so the data really changes.
  const uint32_t lo = fmt.slot_bytes * 8, hi = seg_bits - uint32_t(gen.size());
  const uint32_t shift = lo + uint32_t(rng() % (hi - lo + 1));
  std::vector<uint32_t> zbits;  // stream bits
  for (uint32_t i = 0; i < gen.size(); ++i)
    if (gen[i]) zbits.push_back(seg_bits - 1 - (i + shift));
  std::shuffle(zbits.begin(), zbits.end(), rng);
  const unsigned keep = 1 + unsigned(rng() % fmt.t);  // bits of z left unflipped (<= t from c + z)
  d.invert_stream_bits(5, std::vector<uint32_t>(zbits.begin() + keep, zbits.end()));
  const auto ref = d.reference();
  const auto r = d.run(sim());
  expect_rows_exact_except(r, ref, 2);
  EXPECT_EQ(r.gemv_status, 0);
  EXPECT_FALSE(r.assertion_failed);
  if (IFC_RTL_SEG_CRC) {
    EXPECT_EQ(r.failed_rows, std::vector<uint32_t>{2});
    EXPECT_EQ(r.uncorrectable, 1u);
  } else {
    EXPECT_TRUE(r.failed_rows.empty()) << "without the CRC a miscorrection is silent";
    EXPECT_EQ(r.corrected, 1u);
  }
}

TEST_F(Core, UncorrectableSegmentFailsOnlyItsRow) {
  DamagedGemv d("uncorrectable", 5, 10);
  // Segment g = 7 (row 3, slice 1): force 3t of its payload bits to the wrong value (stuck bits)
  // so the BCH cannot correct it.
  std::vector<uint32_t> bits;
  for (unsigned i = 0; i < 3 * IFC_RTL_ECC_T; ++i) bits.push_back(17 * i + 3);
  d.invert_stream_bits(7, bits);
  const auto ref = d.reference();
  const auto r = d.run(sim());
  expect_rows_exact_except(r, ref, 3);
  EXPECT_EQ(r.gemv_status, 0);
  EXPECT_EQ(r.failed_rows, std::vector<uint32_t>{3});
  EXPECT_EQ(r.uncorrectable, 1u);
}

class CoreRandom : public Core, public ::testing::WithParamInterface<int> {};

TEST_P(CoreRandom, RandomShapesDtypesErrorsAndBackpressure) {
  const uint64_t seed = test_seed("core_random", 100 + GetParam());
  std::mt19937_64 rng(seed);
  Case c;
  c.dt = static_cast<model::Dtype>(rng() % 3);
  c.rows = 1 + rng() % 24;
  c.k = 1 + rng() % 1500;
  if (c.dt == model::Dtype::kInt4 && c.k % 2) ++c.k;
  const double rbers[] = {0.0, 1e-5, 1e-4, 3e-4};
  c.rber = rbers[rng() % 4];
  c.inorder = rng() % 3 == 0;
  c.res_ready = rng() % 2 ? 1.0 : std::uniform_real_distribution<double>(0.1, 1.0)(rng);
  c.seed = rng();
  std::printf("case: %s %u x %u rber %g %s res_ready %.2f\n", to_string(c.dt), c.rows, c.k, c.rber,
              c.inorder ? "in-order" : "out-of-order", c.res_ready);
  const auto r = run_case(sim(), c);
  EXPECT_TRUE(r.failed_rows.empty());
}

INSTANTIATE_TEST_SUITE_P(Seeds, CoreRandom, ::testing::Range(0, 12));

TEST_F(Core, MalformedDescriptorsGetErrorCodesAndTheNextCommandWorks) {
  nand::NandArray nand(fast_die(9));
  CoreDriver drv(sim(), 9);
  NandCosim<Vifc_core> cosim(sim(), nand, rtl_cosim_params());
  sim().reset();
  auto expect_status = [&](uint8_t code, const char* what) {
    ASSERT_TRUE(drv.wait_status(200000)) << what << ": no status (hang)";
    const ResWord st = drv.results().back();
    EXPECT_TRUE(st.is_status) << what;
    EXPECT_EQ(st.error, code) << what << ": got " << core::error_name(st.error);
    drv.results().clear();
  };
  model::ActVector act(300, 1);
  drv.push_cmd({0x7E, 0, false, 0, 0, 0, 0});
  expect_status(1, "garbage opcode");
  drv.push_cmd({core::kOpGemv, 0, false, 4, 300, 0, 0});
  expect_status(5, "GEMV before any activation");
  drv.push_cmd({core::kOpLoadAct, 2, false, 300, 0, 0, 0});
  drv.push_act(act, false);
  expect_status(2, "activation dtype int4");
  drv.push_cmd({core::kOpLoadAct, 0, false, 0, 0, 0, 0});
  drv.push_act(act, false);
  expect_status(3, "activation K = 0");
  drv.push_cmd({core::kOpLoadAct, 0, false, 300, 0, 0, 0});
  drv.push_act(act, false, -3);
  expect_status(6, "activation stream ends early");
  drv.push_cmd({core::kOpLoadAct, 0, false, 300, 0, 0, 0});
  drv.push_act(act, false, 5);
  expect_status(6, "activation stream too long");
  drv.push_cmd({core::kOpLoadAct, 0, false, 300, 0, 0, 0});
  drv.push_act(act, false);
  expect_status(0, "valid activation");
  drv.push_cmd({core::kOpGemv, 3, false, 4, 300, 0, 0});
  expect_status(2, "GEMV dtype 3");
  drv.push_cmd({core::kOpGemv, 0, false, 0, 300, 0, 0});
  expect_status(3, "rows = 0");
  drv.push_cmd({core::kOpGemv, 0, false, 4, 40000, 0, 0});
  expect_status(3, "K past the activation buffer");
  drv.push_cmd({core::kOpGemv, 0, false, 4, 299, 0, 0});
  expect_status(5, "K differs from the loaded activation");
  drv.push_cmd({core::kOpGemv, 1, false, 4, 300, 0, 0});
  expect_status(5, "bf16 GEMV on an int8 activation");
  drv.push_cmd({core::kOpGemv, 0, false, 4, 300, 0xFFFFFFF0u, 0});
  expect_status(4, "base page past the array");
  drv.push_cmd({core::kOpGemv, 0, false, 1u << 29, 300, 1000000, 0});
  expect_status(4, "weights run past the array");
  // ... and a valid GEMV still works (erased pages read as all-ones int8 = -1 weights).
  drv.push_cmd({core::kOpGemv, 0, false, 4, 300, 100, 0});
  ASSERT_TRUE(drv.wait_status(2000000));
  ASSERT_EQ(drv.results().size(), 5u);
  EXPECT_EQ(drv.results().back().error, 0);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(drv.results()[i].row, uint32_t(i));
    EXPECT_EQ(int32_t(drv.results()[i].value), -300) << "erased weights are -1, activations 1";
  }
  EXPECT_EQ(drv.csr(core::kErased), 4u * ((300 + IFC_RTL_SEG_PAYLOAD_BYTES - 1) / IFC_RTL_SEG_PAYLOAD_BYTES));
}

}  // namespace
}  // namespace ifc::tb
