// `ifc dse kvnand`: KVNAND design-space exploration (src/llm/dse.hpp, docs/kvnand_system.md). Sweeps
// the discrete / compact variants, the weight / KV channel split and the KV cell mode, prints the
// optimum per model and context against the DRAM-equipped IFC baseline.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cmath>

#include "ifc/cli_common.hpp"
#include "llm/dse.hpp"

namespace ifc::cli {

namespace {

std::string tok_s(const llm::RunResult& r) {
  return r.capacity.oom ? std::string("OOM") : fmt::format("{:.2f}", r.tokens_per_s());
}

std::string days(double d) { return std::isfinite(d) ? fmt::format("{:.3g}", d) : std::string("inf"); }

/// Per-token terms in ms: where the baseline's and the optimum's time goes (the measured explanation
/// of a speedup, docs/kvnand_system.md "Why the rows differ").
void print_terms(const char* label, const llm::RunResult& r) {
  if (r.capacity.oom) {
    fmt::print("    {:<9} out of memory: {}\n", label, r.capacity.oom_reason);
    return;
  }
  const auto b = r.per_token_time();
  fmt::print("    {:<9} {:>8.3f} ms/token = flash GEMV {:.3f} + attention {:.3f} + transfers {:.3f} + sync {:.3f} + KV "
             "programs {:.3f}\n",
             label, 1e3 * r.decode_s() / double(r.decode), 1e3 * b.flash_gemv_s, 1e3 * b.attention_s, 1e3 * b.transfer_s,
             1e3 * b.scheduler_s, 1e3 * b.kv_program_s);
}

void print_cells(const std::vector<llm::DseCell>& cells, bool all, bool terms) {
  fmt::print("{:<10} {:>8} | {:>10} | {:<28} {:>10} {:>8} | {:>12} {:>12}\n", "model", "context", "baseline",
             "optimum", "tok/s", "speedup", "days no WL", "days WL");
  for (const auto& c : cells) {
    if (c.best < 0) {
      fmt::print("{:<10} {:>8} | {:>10} | {:<28} {:>10} {:>8} |\n", c.model, c.context, tok_s(c.baseline),
                 "(no design fits)", "-", "-");
      continue;
    }
    const auto& b = c.points[size_t(c.best)];
    fmt::print("{:<10} {:>8} | {:>10} | {:<28} {:>10.2f} {:>8} | {:>12} {:>12}\n", c.model, c.context,
               tok_s(c.baseline), b.design, b.run.tokens_per_s(),
               c.baseline.capacity.oom ? std::string("(OOM)") : fmt::format("{:.2f}x", c.speedup()),
               days(b.run.lifetime.days_no_wl), days(b.run.lifetime.days_wl));
    if (terms) {
      print_terms("baseline", c.baseline);
      print_terms("optimum", b.run);
    }
    if (all)
      for (const auto& p : c.points)
        fmt::print("    {:<32} {:>10}  {}\n", p.design, tok_s(p.run), p.run.capacity.oom ? p.run.capacity.oom_reason : "");
  }
  if (!cells.empty() && !cells.front().baseline.capacity.oom)
    fmt::print("baseline: {}; days at kv.tokens_per_day of the design's system file\n", cells.front().baseline.system);
}

}  // namespace

void add_dse_command(CLI::App& app) {
  struct Opts {
    llm::DseOptions d;
    std::string json;
    bool all = false;
    bool terms = false;
    std::vector<std::string> set;
    std::string models_dir = IFC_SOURCE_DIR "/configs/models";
    std::string systems_dir = IFC_SOURCE_DIR "/configs/systems";
    std::string calibration = IFC_SOURCE_DIR "/configs/calibration/default.json";
  };
  auto o = std::make_shared<Opts>();
  auto* dse = app.add_subcommand("dse", "Design-space exploration");
  dse->require_subcommand(1);
  auto* cmd = dse->add_subcommand("kvnand",
                                  "KVNAND: sweep discrete/compact, the weight/KV channel split and the KV cell mode; print the "
                                  "optimum per model and context vs DRAM-equipped IFC (docs/kvnand_system.md)");
  cmd->add_option("--models", o->d.models, "Models (names under configs/models or config.json paths)")->capture_default_str()->delimiter(',');
  cmd->add_option("--contexts", o->d.contexts, "Contexts (tokens in the KV cache before decoding)")->capture_default_str()->delimiter(',');
  cmd->add_option("--decode", o->d.decode, "Tokens decoded per run")->capture_default_str()->check(CLI::Range(uint64_t(1), uint64_t(1) << 20));
  cmd->add_option("--baseline", o->d.baseline, "DRAM-equipped baseline system")->capture_default_str();
  cmd->add_option("--discrete", o->d.discrete, "System file of the discrete variant");
  cmd->add_option("--compact", o->d.compact, "System file of the compact variant");
  cmd->add_option("--kv-channels", o->d.kv_channels, "Discrete variant: KV channel counts to sweep")->capture_default_str()->delimiter(',');
  cmd->add_option("--kv-nand", o->d.kv_nand, "KV page cell modes to sweep (configs/nand names, e.g. slc,default)")->capture_default_str()->delimiter(',');
  cmd->add_flag("--all", o->all, "Print every design, not only the optimum");
  cmd->add_flag("--terms", o->terms, "Print the per-token time terms (ms) of the baseline and the optimum");
  cmd->add_option("--set", o->set,
                  "Override a parameter of every design and of the baseline: key.path=value (repeatable), e.g. "
                  "datatypes.weight_bytes=2");
  cmd->add_option("--json", o->json, "Write every design point as JSON");
  cmd->add_option("--calibration", o->calibration, "Calibration file (configs/calibration/kv.json beside it is read too)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--models-dir", o->models_dir, "Directory of model configs");
  cmd->add_option("--systems-dir", o->systems_dir, "Directory of system configs");
  cmd->callback([o] {
    try {
      o->d.set = parse_sets(o->set);
      const auto cells = llm::dse_kvnand({o->models_dir, o->systems_dir, o->calibration}, o->d);
      print_cells(cells, o->all, o->terms);
      if (!o->json.empty()) {
        nlohmann::json j = nlohmann::json::array();
        for (const auto& c : cells) j.push_back(llm::to_json(c));
        write_json(o->json, j);
      }
    } catch (const llm::ConfigError& e) {
      fmt::print(stderr, "ifc dse: configuration error: {}\n", e.what());
      throw CLI::RuntimeError(2);
    }
  });
}

}  // namespace ifc::cli
