// Inputs shared by the GEMV benchmarks (bench_gemv, rel_slice): their command line, a random INT8
// GEMV in the layout the RTL was elaborated with (with its reference), the die at a fixed RBER and
// the count of silently wrong rows.
#pragma once

#include <fmt/format.h>

#include <memory>
#include <nlohmann/json.hpp>
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

/// The command line of the GEMV benchmarks: <out.json> [rows] [cols] [rber,rber,...].
struct GemvArgs {
  std::string out;
  uint32_t rows;
  uint32_t cols;
  std::vector<double> rbers;
};

/// argv over the defaults `d`.
inline GemvArgs parse_gemv_args(int argc, char** argv, GemvArgs d) {
  if (argc > 1) d.out = argv[1];
  if (argc > 2) d.rows = uint32_t(std::stoul(argv[2]));
  if (argc > 3) d.cols = uint32_t(std::stoul(argv[3]));
  if (argc > 4) d.rbers = parse_doubles(argv[4]);
  return d;
}

/// The JSON every GEMV benchmark opens with: its name, the matrix, the core configuration.
inline nlohmann::json bench_header(const char* name, uint32_t rows, uint32_t cols, const char* what = "") {
  nlohmann::json j;
  j["benchmark"] = name;
  j["matrix"] = fmt::format("{} x {} int8{}", rows, cols, what);
  j["core_config"] = IFC_CORE_CONFIG_PATH;
  j["segment_crc"] = IFC_RTL_SEG_CRC != 0;
  return j;
}

/// The default die at a fixed RBER (0 means no errors at all, not the die's model), holding `img`.
inline std::unique_ptr<nand::NandArray> die_at_rber(double rber, const model::WeightImage& img) {
  auto nand = std::make_unique<nand::NandArray>(nand::NandConfig{});
  nand->set_fixed_rber(rber);
  img.install_procedural(*nand);
  return nand;
}

/// Rows that did not fail but differ from the reference (silent corruptions; 0 if not completed).
inline uint64_t silent_rows(const tb::GemvRunResult& r, const std::vector<uint32_t>& ref) {
  uint64_t n = 0;
  for (size_t i = 0; r.completed && i < ref.size(); ++i)
    if (!r.failed[i] && r.values[i] != ref[i]) ++n;
  return n;
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
