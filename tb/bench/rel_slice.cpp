// Cycle-exact slice of the reliability campaign (issue 9, `make reliability`): GEMVs through the
// Verilated ifc_core on the default die at RBERs from 0 to past the correction limit. Per RBER:
// segment outcomes from the core's CSRs, read-retry reads / recovered / exhausted segments, failed
// rows, bit-exactness of every row that did not fail (silent corruption: must be 0), and the cycle
// count relative to RBER 0 (the bandwidth cost of errors and retries).
//   rel_slice <out.json> [rows] [cols] [rber,rber,...]
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
      bench::parse_gemv_args(argc, argv, {"build/reliability/slice.json", 64, 4096, {0.0, 1e-4, 1e-3, 1.5e-3, 2e-3, 3e-3}});
  const bench::Int8Gemv g(rows, cols, 9);
  nlohmann::json j = bench::bench_header("rel_slice", rows, cols);
  j["read_retry_max"] = IFC_RTL_RETRY_MAX;
  j["runs"] = nlohmann::json::array();
  uint64_t base_cycles = 0;
  for (double rber : rbers) {
    const auto nand = bench::die_at_rber(rber, g.img);
    tb::RtlSim<Vifc_core> sim;
    tb::GemvRunOptions o;
    o.seed = 3;
    o.max_cycles = 50000000;  // retries serialise tR each: far above the size-derived bound; the watchdog ends a hang
    const auto r = tb::run_gemv(sim, *nand, g.img, g.act, o);
    const uint64_t silent = bench::silent_rows(r, g.ref);
    if (base_cycles == 0) base_cycles = r.cycles;
    const uint64_t segs = uint64_t(rows) * g.img.segs_per_row();
    fmt::print("RBER {:8.1e}: {} segs: clean {} corrected {} unc {} | retry reads {} recovered {} exhausted {} | "
               "failed rows {} silent {} | cycles {} ({:.2f}x), NAND utilization {:.3f}{}\n",
               rber, segs, r.clean, r.corrected, r.uncorrectable, r.retry_reads, r.retry_recovered, r.retry_exhausted,
               r.failed_rows.size(), silent, r.cycles, double(r.cycles) / double(base_cycles), r.nand_bw_utilization,
               r.assertion_failed ? " ASSERTION" : "");
    j["runs"].push_back({{"rber", rber},
                         {"segments", segs},
                         {"completed", r.completed},
                         {"status", r.gemv_status},
                         {"clean", r.clean},
                         {"corrected", r.corrected},
                         {"erased", r.erased},
                         {"uncorrectable", r.uncorrectable},
                         {"retry_reads", r.retry_reads},
                         {"retry_recovered", r.retry_recovered},
                         {"retry_exhausted", r.retry_exhausted},
                         {"retry_busy_cycles", r.retry_busy},
                         {"rows", rows},
                         {"failed_rows", r.failed_rows.size()},
                         {"silent_rows", silent},
                         {"cycles", r.cycles},
                         {"cycles_vs_rber0", double(r.cycles) / double(base_cycles)},
                         {"nand_bw_utilization", r.nand_bw_utilization},
                         {"assertion_failed", r.assertion_failed}});
    std::ofstream(out) << j.dump(2) << "\n";
    if (!r.completed || silent || r.assertion_failed) return 1;
  }
  fmt::print("saved {}\n", out);
  return 0;
}
