// ifc_fp32_add (combinational) bit-exact against ifc::model::fp32_add: every pair of edge values,
// every edge value against random operands, and a million random pairs from the adder stress mix
// (close exponents, cancellation, RNE ties at every gap, huge gaps, overflow, FTZ threshold, NaN).
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <random>

#include "Vifc_fp32_add.h"
#include "common/seed.hpp"
#include "model/numerics.hpp"
#include "verilated.h"

namespace ifc::tb {
namespace {

class Fp32AddRtl : public ::testing::Test {
 protected:
  void SetUp() override {
    ctx_ = std::make_unique<VerilatedContext>();
    ctx_->fatalOnError(false);
    top_ = std::make_unique<Vifc_fp32_add>(ctx_.get(), "top");
  }
  void TearDown() override {
    EXPECT_FALSE(ctx_->gotError());
    top_->final();
    top_.reset();
  }
  uint32_t add(uint32_t a, uint32_t b) {
    top_->en_i = 1;
    top_->a_i = a;
    top_->b_i = b;
    top_->eval();
    return top_->sum_o;
  }
  /// Checks one pair both ways round; returns false (and records a failure) on a mismatch.
  bool check(uint32_t a, uint32_t b) {
    const uint32_t want = model::fp32_add(a, b);
    const uint32_t got = add(a, b), got_ba = add(b, a);
    if (got != want || got_ba != want) {
      ADD_FAILURE() << std::hex << "0x" << a << " + 0x" << b << ": rtl 0x" << got << " / 0x" << got_ba
                    << " (swapped), model 0x" << want;
      return false;
    }
    return true;
  }
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Vifc_fp32_add> top_;
};

// Operand isolation: with en_i low the output is 0 whatever the operands, and raising en_i again
// gives the sum (the adder keeps no state).
TEST_F(Fp32AddRtl, DisabledOutputsZero) {
  std::mt19937_64 rng(test_seed("fp32_add_disabled", 14));
  for (int i = 0; i < 1000; ++i) {
    const uint32_t a = uint32_t(rng()), b = uint32_t(rng());
    top_->en_i = 0;
    top_->a_i = a;
    top_->b_i = b;
    top_->eval();
    ASSERT_EQ(top_->sum_o, 0u) << std::hex << a << " + " << b;
    ASSERT_EQ(add(a, b), model::fp32_add(a, b)) << std::hex << a << " + " << b;
  }
}

TEST_F(Fp32AddRtl, AllEdgePairs) {
  const auto& e = model::fp32_edge_values();
  for (uint32_t a : e)
    for (uint32_t b : e) ASSERT_TRUE(check(a, b));
}

TEST_F(Fp32AddRtl, EdgeValuesAgainstRandomOperands) {
  std::mt19937_64 rng(test_seed("fp32_add_edges", 11));
  for (uint32_t a : model::fp32_edge_values())
    for (int i = 0; i < 2000; ++i) ASSERT_TRUE(check(a, static_cast<uint32_t>(rng())));
}

TEST_F(Fp32AddRtl, EveryExponentGapWithTies) {
  // Fixed significands, every gap 0..40 and every sign pairing, the shifted-out bits an exact tie,
  // just below and just above it: the guard / round / sticky logic and both tie directions.
  std::mt19937_64 rng(test_seed("fp32_add_gaps", 12));
  for (int rep = 0; rep < 200; ++rep) {
    const uint32_t ea = 30 + static_cast<uint32_t>(rng() % 200);
    const uint32_t fa = static_cast<uint32_t>(rng()) & 0x7FFFFFu;
    for (uint32_t d = 0; d <= 40; ++d) {
      for (int pick = 0; pick < 4; ++pick) {
        uint32_t fb = static_cast<uint32_t>(rng()) & 0x7FFFFFu;
        if (d >= 1 && d <= 24) {
          const uint32_t mask = (1u << d) - 1, tie = 1u << (d - 1);
          const uint32_t low = pick == 0 ? tie : pick == 1 ? tie - 1 : pick == 2 ? ((tie + 1) & mask) : 0;
          fb = ((((1u << 23) | fb) & ~mask) | low) & 0x7FFFFFu;
        }
        for (uint32_t s = 0; s < 4; ++s) {
          const uint32_t a = ((s & 1) << 31) | (ea << 23) | fa;
          const uint32_t b = ((s >> 1) << 31) | ((ea - d) << 23) | fb;
          ASSERT_TRUE(check(a, b));
        }
      }
    }
  }
}

TEST_F(Fp32AddRtl, MillionRandomPairs) {
  std::mt19937_64 rng(test_seed("fp32_add_random", 13));
  uint64_t mismatches = 0;
  for (int i = 0; i < 1'000'000; ++i) {
    uint32_t a, b;
    model::random_fp32_add_pair(rng, a, b);
    if (!check(a, b) && ++mismatches > 10) FAIL() << "too many mismatches";
  }
}

}  // namespace
}  // namespace ifc::tb
