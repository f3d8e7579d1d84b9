// `ifc gemv`: runs a GEMV on the Verilated ifc_core against the NAND model and checks it against
// the bit-exact C++ reference (DESIGN.md "Host interface and CLI contract").
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>
#include <random>

#include "common/core_driver.hpp"
#include "ifc/cli_common.hpp"
#include "model/npy.hpp"

namespace ifc::cli {

namespace {

model::Dtype parse_dtype(const std::string& s) {
  if (s == "int8") return model::Dtype::kInt8;
  if (s == "bf16") return model::Dtype::kBf16;
  if (s == "int4") return model::Dtype::kInt4;
  throw CLI::ValidationError("--dtype", "'" + s + "' is not one of int8, bf16, int4");
}

uint16_t float_to_bf16(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return uint16_t((u + 0x7FFF + ((u >> 16) & 1)) >> 16);  // RNE
}

}  // namespace

/// Random inputs: INT8/INT4 uniform; BF16 values ~ N(0, 1) (weights) and N(0, 1) (activations).
void random_gemv_inputs(model::Dtype dt, uint32_t rows, uint32_t k, uint64_t seed, std::vector<uint8_t>& w,
                        model::ActVector& act) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> nd(0.0f, 1.0f);
  const size_t row_bytes = size_t(k) * model::dtype_weight_bits(dt) / 8;
  w.resize(size_t(rows) * row_bytes);
  act.resize(k);
  if (dt == model::Dtype::kBf16) {
    for (size_t i = 0; i < w.size(); i += 2) {
      const uint16_t b = float_to_bf16(nd(rng));
      w[i] = uint8_t(b);
      w[i + 1] = uint8_t(b >> 8);
    }
    for (auto& a : act) a = float_to_bf16(nd(rng));
  } else {
    for (auto& b : w) b = uint8_t(rng());
    for (auto& a : act) a = uint16_t(int16_t(int8_t(rng())));
  }
}

void add_gemv_command(CLI::App& app) {
  struct Opts {
    std::string weights, act, out, dtype = "int8", nand_config = IFC_SOURCE_DIR "/configs/nand/default.json";
    std::string json, trace;
    uint32_t rows = 0, cols = 0, base_page = 0;
    bool random = false, inorder = false, program = false;
    double rber = -1.0, res_ready = 1.0;
    uint64_t seed = 1;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand("gemv", "Run a GEMV on the cycle-exact core and check it bit for bit");
  cmd->add_option("--weights", o->weights, "Weight matrix .npy: int8 '<i1' (R,K), bf16 '<u2' (R,K), int4 '<i1' (R,K/2)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--act", o->act, "Activation vector .npy: int8 '<i1' (K) or bf16 '<u2' (K)")->check(CLI::ExistingFile);
  cmd->add_option("--out", o->out, "Write the result vector .npy ('<i4' for int8/int4, '<f4' for bf16)");
  cmd->add_option("--rows", o->rows, "Rows R (with --random)")->check(CLI::Range(1u, (1u << 30) - 1));
  cmd->add_option("--cols", o->cols, "Columns K (with --random)")->check(CLI::Range(1u, 32768u));
  cmd->add_flag("--random", o->random, "Generate random weights and activations (seeded)");
  cmd->add_option("--dtype", o->dtype, "int8 | bf16 | int4");
  cmd->add_option("--rber", o->rber, "Fixed raw bit error rate of the NAND model")->check(CLI::Range(0.0, 0.5));
  cmd->add_option("--seed", o->seed, "Seed of the random inputs and the NAND error model");
  cmd->add_option("--config", o->nand_config, "NAND die configuration (JSON)")->check(CLI::ExistingFile);
  cmd->add_option("--json", o->json, "Write statistics as JSON");
  cmd->add_option("--trace", o->trace, "Write an FST waveform");
  cmd->add_flag("--in-order", o->inorder, "In-order baseline: stall on every dirty segment until it is corrected");
  cmd->add_option("--base-page", o->base_page, "First linear page of the weights in every plane");
  cmd->add_option("--res-ready", o->res_ready, "Probability the host accepts a result word per cycle")
      ->check(CLI::Range(0.01, 1.0));
  cmd->add_flag("--program", o->program, "Program the weight pages into the NAND model (default: procedural image)");
  cmd->callback([o] {
    const model::Dtype dt = parse_dtype(o->dtype);
    std::vector<uint8_t> wbytes;
    model::ActVector act;
    uint32_t rows = o->rows, k = o->cols;
    if (o->random) {
      if (!rows || !k) throw CLI::ValidationError("--random", "needs --rows and --cols");
      if (dt == model::Dtype::kInt4 && k % 2) throw CLI::ValidationError("--cols", "INT4 needs an even K");
      random_gemv_inputs(dt, rows, k, o->seed, wbytes, act);
    } else {
      if (o->weights.empty() || o->act.empty())
        throw CLI::ValidationError("gemv", "give --weights and --act, or --random --rows R --cols K");
      const auto w = model::read_npy(o->weights);
      const auto a = model::read_npy(o->act);
      const std::string want_w = dt == model::Dtype::kBf16 ? "<u2" : "<i1";
      const std::string want_a = dt == model::Dtype::kBf16 ? "<u2" : "<i1";
      if (w.descr != want_w || w.shape.size() != 2)
        throw CLI::ValidationError("--weights", fmt::format("{}: need a 2-D '{}' array for {}, got {}-D '{}'",
                                                            o->weights, want_w, o->dtype, w.shape.size(), w.descr));
      if (a.descr != want_a || a.shape.size() != 1)
        throw CLI::ValidationError("--act", fmt::format("{}: need a 1-D '{}' array for {}, got {}-D '{}'", o->act,
                                                        want_a, o->dtype, a.shape.size(), a.descr));
      rows = uint32_t(w.shape[0]);
      k = uint32_t(dt == model::Dtype::kInt4 ? w.shape[1] * 2 : w.shape[1]);
      if (a.shape[0] != k)
        throw CLI::ValidationError("--act", fmt::format("has {} elements; the weights have K = {}", a.shape[0], k));
      wbytes = w.data;
      act.resize(k);
      for (uint32_t i = 0; i < k; ++i)
        act[i] = dt == model::Dtype::kBf16 ? uint16_t(a.data[2 * i] | (a.data[2 * i + 1] << 8))
                                          : uint16_t(int16_t(int8_t(a.data[i])));
    }
    auto cfg = nand::NandConfig::from_json_file(o->nand_config);
    cfg.seed = o->seed;
    nand::NandArray nand(cfg);
    if (o->rber >= 0) nand.set_fixed_rber(o->rber);
    const model::WeightImage img(tb::rtl_weight_layout(o->base_page), tb::rtl_segment_format(), dt, rows, k,
                                 std::move(wbytes));
    if (o->program) {
      const auto st = img.program(nand);
      if (st != nand::Status::Ok) throw CLI::RuntimeError(fmt::format("programming the weights failed: {}", nand::to_string(st)), 2);
    } else {
      img.install_procedural(nand);
    }
    const auto ref = model::reference_gemv(img, act, IFC_RTL_PE_MACS);
    tb::RtlSim<Vifc_core> sim(o->trace);
    tb::GemvRunOptions ro;
    ro.inorder = o->inorder;
    ro.seed = o->seed;
    ro.res_ready_prob = o->res_ready;
    ro.progress = true;
    fmt::print("openifc gemv: {} x {} {} on '{}' ({} planes, tR {:.0f} us, RBER {}), {}\n", rows, k, o->dtype,
               cfg.name, IFC_RTL_PLANES, cfg.t_read_ns / 1000.0,
               o->rber >= 0 ? fmt::format("{:g}", o->rber) : std::string("model"),
               o->inorder ? "in-order" : "out-of-order");
    const auto r = tb::run_gemv(sim, nand, img, act, ro);
    uint64_t mismatches = 0;
    if (r.completed && r.gemv_status == 0) {
      for (uint32_t i = 0; i < rows; ++i)
        if (!r.failed[i] && r.values[i] != ref[i]) ++mismatches;
    }
    const bool bit_exact = r.completed && r.gemv_status == 0 && mismatches == 0 && r.rows_in_order;
    fmt::print("  status            act: {} / gemv: {}\n", tb::core::error_name(r.act_status),
               r.completed ? tb::core::error_name(r.gemv_status) : "did not complete");
    fmt::print("  cycles            {} ({:.3f} ms simulated)\n", r.cycles, r.simulated_ns / 1e6);
    fmt::print("  NAND utilization  {:.2f}%   (weight bytes / (elapsed x planes x page bytes / tR))\n",
               100 * r.nand_bw_utilization);
    fmt::print("  segments          clean {}  corrected {}  uncorrectable {}  erased {}  read errors {}\n", r.clean,
               r.corrected, r.uncorrectable, r.erased, r.read_errors);
    fmt::print("  stall cycles      window {}  lanes {}  corrector {}  in-order {}\n", r.stall_window, r.stall_lanes,
               r.stall_corrector, r.stall_inorder);
    fmt::print("  failed rows       {}\n", r.failed_rows.size());
    fmt::print("  bit-exact         {} ({} mismatching rows)\n", bit_exact ? "yes" : "NO", mismatches);
    fmt::print("  simulation speed  {:.2f} M cycles/s ({:.1f} s wall), {:.2f} M cycles per CPU second\n",
               r.sim_cycles_per_s / 1e6, r.wall_s, r.sim_cycles_per_cpu_s / 1e6);
    if (!o->trace.empty()) {
      // GTKWave 3.3.118 shows FSM state names (the save file's filters) on VCD only (docs/first_hour.md).
      fmt::print("  waveform          {}  (every signal: gtkwave {} sim/waves/core.gtkw)\n", o->trace, o->trace);
      fmt::print("                    states by name: python3 scripts/wave_subset.py {0} sim/waves/core.gtkw {0}.vcd"
                 " && gtkwave {0}.vcd sim/waves/core.gtkw\n", o->trace);
    }
    if (!o->out.empty() && r.completed) {
      model::NpyArray y;
      y.descr = dt == model::Dtype::kBf16 ? "<f4" : "<i4";
      y.shape = {rows};
      y.data.resize(size_t(rows) * 4);
      std::memcpy(y.data.data(), r.values.data(), y.data.size());
      model::write_npy(o->out, y);
    }
    if (!o->json.empty()) {
      nlohmann::json j = {{"rows", rows},
                          {"cols", k},
                          {"dtype", o->dtype},
                          {"rber", o->rber},
                          {"in_order", o->inorder},
                          {"cycles", r.cycles},
                          {"simulated_ns", r.simulated_ns},
                          {"bytes_sensed", r.bytes_sensed},
                          {"weight_bytes", r.weight_bytes},
                          {"nand_bw_utilization", r.nand_bw_utilization},
                          {"clean", r.clean},
                          {"corrected", r.corrected},
                          {"uncorrectable", r.uncorrectable},
                          {"erased", r.erased},
                          {"read_errors", r.read_errors},
                          {"failed_rows", r.failed_rows},
                          {"stall_cycles", {{"window", r.stall_window}, {"lanes", r.stall_lanes},
                                            {"corrector", r.stall_corrector}, {"in_order", r.stall_inorder}}},
                          {"raw_bit_errors", r.raw_bit_errors},
                          {"pages_issued", r.pages_issued},
                          {"wall_clock_s", r.wall_s},
                          {"sim_cycles_per_s", r.sim_cycles_per_s},
                          {"cpu_s", r.cpu_s},
                          {"sim_cycles_per_cpu_s", r.sim_cycles_per_cpu_s},
                          {"mismatching_rows", mismatches},
                          {"bit_exact", bit_exact},
                          {"status", r.completed ? tb::core::error_name(r.gemv_status) : "incomplete"}};
      write_json(o->json, j);
    }
    if (!r.completed)
      throw CLI::RuntimeError(
          fmt::format("the core did not finish the GEMV within its cycle bound (a hang): re-run with --trace "
                      "build/waves/gemv.fst and open it with `gtkwave build/waves/gemv.fst sim/waves/core.gtkw` "
                      "(seed {})", o->seed), 1);
    if (r.act_status != 0 || r.gemv_status != 0)
      throw CLI::RuntimeError(
          fmt::format("the core rejected the command: activation load {}, GEMV {} (error codes: rtl/ifc_pkg.sv, "
                      "docs/host_interface.md; the shape or address is outside this core configuration)",
                      tb::core::error_name(r.act_status), tb::core::error_name(r.gemv_status)), 1);
    if (!bit_exact)
      throw CLI::RuntimeError(
          fmt::format("the result differs from the reference ({} rows{}): a bug; re-run with --trace "
                      "build/waves/gemv.fst and compare the rows with the reference (seed {})", mismatches,
                      r.rows_in_order ? "" : ", rows out of order", o->seed), 1);
    if (!r.failed_rows.empty())
      throw CLI::RuntimeError(
          fmt::format("{} rows failed (a segment was uncorrectable): lower --rber, or build a core with a "
                      "stronger ECC, e.g. make build CORE=configs/core/rber1e-3.json BUILD=build-e (ecc_t 12)",
                      r.failed_rows.size()), 1);
  });
}

}  // namespace ifc::cli
