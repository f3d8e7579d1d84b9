// `ifc read`: a multi-plane sequential read of N pages through the RTL page buffers, driven by the
// NAND model, every byte checked; prints the achieved bandwidth against the NAND limit.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "common/read_path_bench.hpp"
#include "ifc/cli_common.hpp"

namespace ifc::cli {

void add_read_command(CLI::App& app) {
  struct Opts {
    uint32_t pages = 64;
    uint32_t start = 0;
    std::string nand_config = IFC_SOURCE_DIR "/configs/nand/default.json";
    bool no_cache = false;
    double rber = -1.0;
    uint64_t seed = 1;
    double ready = 1.0;
    std::string trace;
    std::string json;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand("read", "Multi-plane sequential read of N pages through the RTL page buffers");
  cmd->add_option("--pages", o->pages, "Pages to read from every plane")->check(CLI::Range(1u, 1u << 20));
  cmd->add_option("--start", o->start, "First linear page index within each plane");
  cmd->add_option("--nand-config", o->nand_config, "NAND die configuration (JSON)")->check(CLI::ExistingFile);
  cmd->add_flag("--no-cache", o->no_cache, "Plain page read (no cache read): sensing and drain serialise");
  cmd->add_option("--rber", o->rber, "Fixed raw bit error rate (default: the die's error model)")
      ->check(CLI::Range(0.0, 0.5));
  cmd->add_option("--seed", o->seed, "Seed of the procedural page image and the consumer");
  cmd->add_option("--ready", o->ready, "Probability the consumer is ready in a cycle (backpressure)")
      ->check(CLI::Range(0.01, 1.0));
  cmd->add_option("--trace", o->trace, "Write an FST waveform to this path");
  cmd->add_option("--json", o->json, "Write the statistics as JSON to this path");
  cmd->callback([o] {
    auto cfg = nand::NandConfig::from_json_file(o->nand_config);
    nand::NandArray nand(cfg);
    nand.fill_procedural_seeded(o->seed);
    if (o->rber >= 0) nand.set_fixed_rber(o->rber);
    tb::RtlSim<Vifc_read_path> sim(o->trace);
    tb::ReadRunOptions ro;
    ro.start_page = o->start;
    ro.num_pages = o->pages;
    ro.cache = !o->no_cache;
    ro.seed = o->seed;
    ro.ready_prob = o->ready;
    const auto p = tb::rtl_cosim_params();
    fmt::print("openifc read: {} pages x {} planes of {}+{} B from '{}' (tR {:.1f} us), {} MHz logic, "
               "{} B/cycle per plane, {}\n",
               o->pages, p.planes, p.page_data_bytes, p.page_spare_bytes, cfg.name, cfg.t_read_ns / 1000.0,
               p.logic_clock_mhz, p.bond_bytes, ro.cache ? "cache read" : "plain read (no cache)");
    const auto r = tb::run_sequential_read(sim, nand, ro);
    const bool ok = r.completed && r.sink.mismatches == 0 && !r.assertion_failed;
    fmt::print("  data drained      {:>12} B   ({} plane pages, {} checked beats, {} mismatches)\n",
               r.sink.payload_bytes, r.sink.pages, r.sink.beats, r.sink.mismatches);
    fmt::print("  simulated         {:>12} cycles = {:.3f} ms\n", r.cycles, r.elapsed_ns / 1e6);
    fmt::print("  NAND limit        {:>12.3f} GB/s  (planes x page bytes / tR)\n", r.limit_gbps);
    fmt::print("  achieved          {:>12.3f} GB/s  = {:.2f}% of the limit end to end, {:.2f}% in steady state\n",
               r.achieved_gbps, 100.0 * r.utilization, 100.0 * r.steady_utilization);
    fmt::print("  raw bit errors    {:>12}      (passed through raw; ECC is downstream)\n", r.nand.bit_errors);
    fmt::print("  simulation speed  {:>12.0f} cycles/s ({:.2f} s wall)\n", r.sim_cycles_per_s, r.seconds);
    if (!o->trace.empty()) fmt::print("  waveform          {}   (gtkwave {} sim/waves/read_path.gtkw)\n", o->trace, o->trace);
    for (const auto& e : r.sink.errors) fmt::print(stderr, "  MISMATCH {}\n", e);
    if (!o->json.empty()) {
      nlohmann::json j = {{"benchmark", "read_path"},
                          {"pages_per_plane", o->pages},
                          {"planes", p.planes},
                          {"cache_read", ro.cache},
                          {"nand_config", cfg.name},
                          {"t_read_ns", cfg.t_read_ns},
                          {"logic_clock_mhz", p.logic_clock_mhz},
                          {"bond_bytes", p.bond_bytes},
                          {"cycles", r.cycles},
                          {"simulated_ns", r.elapsed_ns},
                          {"bytes_sensed", r.nand.bytes_sensed},
                          {"payload_bytes", r.sink.payload_bytes},
                          {"limit_gbps", r.limit_gbps},
                          {"achieved_gbps", r.achieved_gbps},
                          {"nand_bw_utilization", r.utilization},
                          {"steady_state_utilization", r.steady_utilization},
                          {"raw_bit_errors", r.nand.bit_errors},
                          {"mismatches", r.sink.mismatches},
                          {"sim_cycles_per_s", r.sim_cycles_per_s},
                          {"wall_s", r.seconds},
                          {"ok", ok}};
      write_json(o->json, j);
    }
    if (!ok) throw CLI::RuntimeError("read path check failed", 1);
  });
}

}  // namespace ifc::cli
