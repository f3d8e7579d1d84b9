// ECC benchmark: the line-rate checker's throughput (Verilated RTL) and, on the default segment,
// the share of dirty / uncorrectable segments and the error-count distribution at RBER 1e-5, 1e-4
// and 1e-3 (NAND model reads of a BCH-encoded image, decoded by the golden codec).
//   bench_ecc <out.json> [segments per RBER]
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "Vifc_ecc_checker.h"
#include "common/bits.hpp"
#include "common/rtl_sim.hpp"
#include "model/segment_format.hpp"
#include "nand/nand_array.hpp"

using namespace ifc;

namespace {

constexpr unsigned kBond = IFC_RTL_BOND_BYTES;
constexpr unsigned kSegBytes = IFC_RTL_SEG_PAYLOAD_BYTES + IFC_RTL_SEG_SLOT_BYTES;
constexpr unsigned kBeats = kSegBytes / kBond;

nlohmann::json checker_throughput(unsigned segments) {
  tb::RtlSim<Vifc_ecc_checker> sim;
  auto& t = sim.top();
  std::mt19937_64 rng(1);
  uint64_t beats_in = 0, beats_out = 0, dirty = 0;
  sim.on_drive([&] {
    t.in_valid_i = beats_in < uint64_t(segments) * kBeats;
    tb::set_bits(t.in_data_i, 0, kBond * 8, rng());
    t.in_last_i = (beats_in % kBeats) == kBeats - 1;
    t.in_side_i = 0;
    t.out_ready_i = 1;
  });
  sim.on_sample([&] {
    if (t.in_valid_i && t.in_ready_o) ++beats_in;
    if (t.out_valid_o && t.out_ready_i) {
      ++beats_out;
      if (t.out_last_o && t.out_dirty_o) ++dirty;
    }
  });
  sim.reset();
  const uint64_t c0 = sim.cycles();
  const auto w0 = std::chrono::steady_clock::now();
  while (beats_out < uint64_t(segments) * kBeats) sim.cycle();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
  const uint64_t cycles = sim.cycles() - c0;
  const double bpc = double(beats_out * kBond) / double(cycles - 1);  // minus the 1-cycle latency
  fmt::print("checker: {} segments, {} beats in {} cycles: {:.3f} bytes/cycle (bond width {} B), {:.2f} M cycles/s\n",
             segments, beats_out, cycles, bpc, kBond, double(cycles) / wall / 1e6);
  return {{"segments", segments},     {"cycles", cycles},   {"bytes_per_cycle", bpc},
          {"bond_bytes", kBond},      {"random_dirty", dirty}, {"sim_cycles_per_s", double(cycles) / wall}};
}

nlohmann::json dirty_share(double rber, unsigned segments) {
  model::SegmentFormat fmt;
  fmt.payload_bytes = IFC_RTL_SEG_PAYLOAD_BYTES;
  fmt.slot_bytes = IFC_RTL_SEG_SLOT_BYTES;
  fmt.m = IFC_RTL_ECC_M;
  fmt.t = IFC_RTL_ECC_T;
  const model::SegmentCodec codec(fmt);
  nand::NandConfig cfg;  // the default die
  nand::NandArray nand(cfg);
  const size_t data = cfg.page_data_bytes, spare = cfg.page_spare_bytes;
  nand.set_procedural_source([&](const nand::Address& a, uint8_t* page, size_t len) {
    nand::NandArray::seeded_page_contents(7, a, page, len);
    codec.encode_page(page, data, page + data, spare);
  });
  nand.set_fixed_rber(rber);
  const size_t segs_per_page = codec.segments_per_page(data);
  std::map<std::string, uint64_t> outcomes;
  std::map<int, uint64_t> hist;
  uint64_t n = 0;
  std::vector<uint8_t> buf;
  for (uint32_t page = 0; n < segments; ++page) {
    const nand::Address a{0, page % cfg.planes_per_die, (page / cfg.planes_per_die) / cfg.pages_per_block,
                          (page / cfg.planes_per_die) % cfg.pages_per_block};
    if (nand.read(a, nand::kUntimed, buf) != nand::Status::Ok) throw std::runtime_error("read failed");
    for (size_t s = 0; s < segs_per_page && n < segments; ++s, ++n) {
      const auto r = codec.decode_page_segment(buf.data(), data, buf.data() + data, spare, s);
      ++outcomes[model::to_string(r.outcome)];
      ++hist[r.n_errors];
    }
  }
  const double nbits = 8.0 * kSegBytes;
  const double analytic_dirty = 1.0 - std::pow(1.0 - rber, nbits);
  const double dirty = double(n - outcomes["Clean"]) / double(n);
  nlohmann::json h = nlohmann::json::object();
  for (auto& [k, v] : hist) h[std::to_string(k)] = v;
  fmt::print("RBER {:.0e}: {} segments: dirty {:.2f}% (analytic 1-(1-p)^{} = {:.2f}%), corrected {}, uncorrectable {}\n",
             rber, n, 100 * dirty, int(nbits), 100 * analytic_dirty, outcomes["Corrected"], outcomes["Uncorrectable"]);
  return {{"rber", rber},
          {"segments", n},
          {"dirty_share", dirty},
          {"dirty_share_analytic", analytic_dirty},
          {"clean", outcomes["Clean"]},
          {"corrected", outcomes["Corrected"]},
          {"uncorrectable", outcomes["Uncorrectable"]},
          {"erased", outcomes["Erased"]},
          {"error_histogram", h}};
}

}  // namespace

int main(int argc, char** argv) {
  const std::string out = argc > 1 ? argv[1] : "build/bench/ecc.json";
  const unsigned segs = argc > 2 ? static_cast<unsigned>(std::stoul(argv[2])) : 100000;
  nlohmann::json j;
  j["benchmark"] = "ecc";
  j["segment_bytes"] = kSegBytes;
  j["ecc_m"] = IFC_RTL_ECC_M;
  j["ecc_t"] = IFC_RTL_ECC_T;
  j["checker"] = checker_throughput(4000);
  j["rber"] = nlohmann::json::array();
  for (double r : {1e-5, 1e-4, 1e-3}) j["rber"].push_back(dirty_share(r, segs));
  std::ofstream(out) << j.dump(2) << "\n";
  fmt::print("saved {}\n", out);
  return 0;
}
