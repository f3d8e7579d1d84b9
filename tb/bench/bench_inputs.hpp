// Inputs shared by the GEMV benchmarks (bench_gemv, rel_slice): the RBER list argument and a random
// INT8 GEMV in the layout the RTL was elaborated with, with its reference.
#pragma once

#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "common/core_driver.hpp"

namespace ifc::bench {

/// "a,b,c" -> {a, b, c}.
inline std::vector<double> parse_doubles(const std::string& s) {
  std::vector<double> v;
  std::stringstream ss(s);
  for (std::string tok; std::getline(ss, tok, ',');) v.push_back(std::stod(tok));
  return v;
}

/// A random rows x cols INT8 matrix at base page 0, a random activation and the reference result.
struct Int8Gemv {
  model::ActVector act;
  model::WeightImage img;
  std::vector<uint32_t> ref;
  Int8Gemv(uint32_t rows, uint32_t cols, uint64_t seed) : img(make(rows, cols, seed, act)) {
    ref = model::reference_gemv(img, act, IFC_RTL_PE_MACS);
  }

 private:
  static model::WeightImage make(uint32_t rows, uint32_t cols, uint64_t seed, model::ActVector& act) {
    std::mt19937_64 rng(seed);
    std::vector<uint8_t> w(size_t(rows) * cols);
    for (auto& b : w) b = uint8_t(rng());
    act.resize(cols);
    for (auto& a : act) a = uint16_t(int16_t(int8_t(rng())));
    return model::WeightImage(tb::rtl_weight_layout(0), tb::rtl_segment_format(), model::Dtype::kInt8, rows, cols,
                              std::move(w));
  }
};

}  // namespace ifc::bench
