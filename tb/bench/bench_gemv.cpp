// GEMV benchmark: one LLaMA-7B FFN matrix (4096 x 11008, INT8) on the default die at RBER 0, 1e-5,
// 1e-4 and 1e-3, out-of-order and in-order side by side: NAND bandwidth utilization, stalls,
// segment statistics and simulation speed (the benchmark build: no tracing).
//   bench_gemv <out.json> [rows] [cols] [rber,rber,...]
// The core configuration is the one the build was elaborated with (IFC_CORE_CONFIG); `make bench`
// also runs the 1e-3 point on configs/core/rber1e-3.json (t = 12, more correctors).
#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "bench/bench_inputs.hpp"
#include "common/core_driver.hpp"

using namespace ifc;

int main(int argc, char** argv) {
  const auto [out, rows, cols, rbers] =
      bench::parse_gemv_args(argc, argv, {"build/bench/gemv.json", 4096, 11008, {0.0, 1e-5, 1e-4, 1e-3}});
  const bench::Int8Gemv g(rows, cols, 7);
  nlohmann::json j = bench::bench_header("gemv", rows, cols, " (LLaMA-7B FFN down_proj)");
  j["ecc_t"] = IFC_RTL_ECC_T;
  j["corrector_ports"] = IFC_RTL_CORR_PORTS;
  j["engines_per_port"] = IFC_RTL_CORRECTORS;
  j["lanes"] = IFC_RTL_PE_LANES;
  j["macs"] = IFC_RTL_PE_MACS;
  j["runs"] = nlohmann::json::array();
  fmt::print("{:>8} {:>12} {:>12} {:>10} {:>10} {:>8} {:>10} {:>10} {:>8}\n", "RBER", "mode", "utilization",
             "corrected", "uncorr", "failed", "Mcyc/s", "Mcyc/cpu-s", "exact");
  for (double rber : rbers) {
    for (bool inorder : {false, true}) {
      const auto nand = bench::die_at_rber(rber, g.img);
      tb::RtlSim<Vifc_core> sim;
      tb::GemvRunOptions o;
      o.inorder = inorder;
      o.progress = true;
      o.single_eval = true;
      const auto r = tb::run_gemv(sim, *nand, g.img, g.act, o);
      const uint64_t mism = bench::silent_rows(r, g.ref);
      const bool exact = r.completed && r.gemv_status == 0 && mism == 0;
      fmt::print("{:>8g} {:>12} {:>11.2f}% {:>10} {:>10} {:>8} {:>10.2f} {:>10.2f} {:>8}\n", rber,
                 inorder ? "in-order" : "out-of-order", 100 * r.nand_bw_utilization, r.corrected, r.uncorrectable,
                 r.failed_rows.size(), r.sim_cycles_per_s / 1e6, r.sim_cycles_per_cpu_s / 1e6, exact ? "yes" : "NO");
      std::fflush(stdout);
      j["runs"].push_back({{"rber", rber},
                           {"in_order", inorder},
                           {"cycles", r.cycles},
                           {"nand_bw_utilization", r.nand_bw_utilization},
                           {"clean", r.clean},
                           {"corrected", r.corrected},
                           {"uncorrectable", r.uncorrectable},
                           {"failed_rows", r.failed_rows.size()},
                           {"stall_cycles", {{"window", r.stall_window}, {"lanes", r.stall_lanes},
                                             {"corrector", r.stall_corrector}, {"in_order", r.stall_inorder}}},
                           {"sim_cycles_per_s", r.sim_cycles_per_s},
                           {"sim_cycles_per_cpu_s", r.sim_cycles_per_cpu_s},
                           {"wall_s", r.wall_s},
                           {"cpu_s", r.cpu_s},
                           {"bit_exact", exact}});
    }
  }
  std::ofstream(out) << j.dump(2) << "\n";
  fmt::print("saved {}\n", out);
  return 0;
}
