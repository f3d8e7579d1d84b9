// Shared inputs of the system tests (test_core, test_reliability): random matrices and
// activations, a fast die, and a GEMV whose segments can be damaged on purpose.
#pragma once

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "common/core_driver.hpp"
#include "common/seed.hpp"

namespace ifc::tb {

inline void random_inputs(model::Dtype dt, uint32_t rows, uint32_t k, std::mt19937_64& rng, std::vector<uint8_t>& w,
                   model::ActVector& act) {
  const size_t row_bytes = size_t(k) * model::dtype_weight_bits(dt) / 8;
  w.resize(size_t(rows) * row_bytes);
  act.resize(k);
  if (dt == model::Dtype::kBf16) {
    // Random bf16 with a moderate exponent range, occasionally zeros, subnormals and +-inf.
    auto rnd = [&]() -> uint16_t {
      const unsigned kind = rng() % 64;
      if (kind == 0) return uint16_t(rng() & 0x8000);                    // +-0
      if (kind == 1) return uint16_t((rng() & 0x8000) | (rng() & 0x7F));  // subnormal
      const uint16_t sign = uint16_t(rng() & 0x8000);
      const uint16_t exp = uint16_t(120 + rng() % 16);
      return uint16_t(sign | (exp << 7) | (rng() & 0x7F));
    };
    for (size_t i = 0; i < w.size(); i += 2) {
      const uint16_t b = rnd();
      w[i] = uint8_t(b);
      w[i + 1] = uint8_t(b >> 8);
    }
    for (auto& a : act) a = rnd();
  } else {
    for (auto& b : w) b = uint8_t(rng());
    for (auto& a : act) a = uint16_t(int16_t(int8_t(rng())));
  }
}

/// The default die with a short tR so that system tests run quickly.
inline nand::NandConfig fast_die(uint64_t seed) {
  nand::NandConfig cfg;
  cfg.t_read_ns = 3000;
  cfg.seed = seed;
  return cfg;
}

/// K of an INT8 row of exactly 2 segments (512 with 256 B segments): segment g is row g / 2.
constexpr uint32_t kTwoSegs = 2 * IFC_RTL_SEG_PAYLOAD_BYTES;

/// An INT8 GEMV (rows x k, 2 segments per row at k = kTwoSegs) installed in a fast die, for tests
/// that damage one segment on purpose: the setup they share (seed, generator, inputs, die,
/// reference, run).
struct DamagedGemv {
  uint64_t seed;
  std::mt19937_64 rng;  ///< the test's generator, after the inputs were drawn from it
  model::ActVector act;
  nand::NandArray nand;
  model::WeightImage img;
  /// The seed of `test` (printed; IFC_SEED overrides it, common/seed.hpp), default `default_seed`.
  DamagedGemv(const char* test, uint64_t default_seed, uint32_t rows, uint32_t k = kTwoSegs)
      : DamagedGemv(test_seed(test, default_seed), rows, k) {}
  DamagedGemv(uint64_t s, uint32_t rows, uint32_t k)
      : seed(s), rng(s), nand(fast_die(s)), img(make_image(rng, rows, k, act)) {
    img.install_procedural(nand);
  }
  std::vector<uint32_t> reference() const { return model::reference_gemv(img, act, IFC_RTL_PE_MACS); }
  GemvRunResult run(RtlSim<Vifc_core>& sim, const GemvRunOptions& o = GemvRunOptions{}) {
    return run_gemv(sim, nand, img, act, o);
  }
  static model::WeightImage make_image(std::mt19937_64& rng, uint32_t rows, uint32_t k, model::ActVector& act) {
    std::vector<uint8_t> w;
    random_inputs(model::Dtype::kInt8, rows, k, rng, w, act);
    return model::WeightImage(rtl_weight_layout(0), rtl_segment_format(), model::Dtype::kInt8, rows, k,
                              std::move(w));
  }
  /// Makes stream bits `bits` of segment g (payload, then slot; layout base page 0: plane g % P,
  /// segment slot g / P of page 0) read inverted on every read (stuck bits).
  void invert_stream_bits(uint32_t g, const std::vector<uint32_t>& bits) {
    const auto fmt = rtl_segment_format();
    const uint32_t plane = g % IFC_RTL_PLANES, slot = g / IFC_RTL_PLANES, pay_bits = fmt.payload_bytes * 8;
    std::vector<uint8_t> page(nand.page_bytes());
    img.build_page(0, plane, page.data());
    for (uint32_t i : bits) {
      const uint32_t bit = i < pay_bits ? slot * pay_bits + i
                                        : IFC_RTL_PAGE_DATA_BYTES * 8 + slot * fmt.slot_bytes * 8 + (i - pay_bits);
      const bool cur = (page[bit / 8] >> (bit % 8)) & 1;
      ASSERT_EQ(nand.inject_stuck_bit(nand::Address{0, plane, 0, 0}, bit, !cur), nand::Status::Ok);
    }
  }
};

/// Every row of a completed GEMV except `bad` equals the reference.
inline void expect_rows_exact_except(const GemvRunResult& r, const std::vector<uint32_t>& ref, uint32_t bad) {
  ASSERT_TRUE(r.completed);
  for (uint32_t i = 0; i < ref.size(); ++i) {
    if (i != bad) {
      EXPECT_EQ(r.values[i], ref[i]) << "row " << i;
    }
  }
}

}  // namespace ifc::tb
