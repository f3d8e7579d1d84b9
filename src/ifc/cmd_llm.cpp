// `ifc llm`: the system simulator (src/llm). Whole-model decode of a Hugging Face style model on
// an NVLLM / IFC / SSD-like / A800 out-of-core system, calibrated from the RTL (make calibrate).
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <fstream>
#include <map>

#include "ifc/cli_common.hpp"
#include "llm/runner.hpp"

namespace ifc::cli {

namespace {

void print_run(const llm::RunResult& r) {
  const auto b = r.per_token_time();
  const auto e = r.per_token_energy();
  const double tok = r.decode ? r.decode_s() / double(r.decode) : 0;
  fmt::print("openifc llm: {} on {}, context {}, decode {}\n", r.model, r.system, r.context, r.decode);
  fmt::print("  throughput        {:.3f} tokens/s   ({:.3f} ms per token)\n", r.tokens_per_s(), tok * 1e3);
  fmt::print("  per token         flash GEMV {:.3f} ms | attention {:.3f} ms | transfers {:.3f} ms | scheduler {:.3f} ms"
             " | KV programs {:.3f} ms\n",
             b.flash_gemv_s * 1e3, b.attention_s * 1e3, b.transfer_s * 1e3, b.scheduler_s * 1e3, b.kv_program_s * 1e3);
  fmt::print("  prefill           {:.3f} s   (prompt of {} tokens, batched over the weights)\n", r.prefill_s, r.context);
  fmt::print("  end to end        {:.3f} s   (prefill + {} decoded tokens)\n", r.end_to_end_s(), r.decode);
  fmt::print("  energy per token  {:.3f} mJ: data movement {:.3f} (flash->logic {:.3f}, channel {:.3f}, DRAM {:.3f}, "
             "PCIe {:.3f}, SSD {:.3f}, HBM {:.3f}), compute {:.3f}, NAND sensing {:.3f}\n",
             e.total() * 1e3, e.data_movement() * 1e3, e.flash_to_logic_J * 1e3, e.channel_J * 1e3, e.dram_J * 1e3,
             e.link_J * 1e3, e.storage_J * 1e3, e.hbm_J * 1e3, e.compute() * 1e3, e.sense_J * 1e3);
  fmt::print("  calibration       RBER {:g}, {} ECC: die utilisation {:.2f}%, {:.4f} corrections per segment\n",
             r.calib.rber, llm::to_string(r.calib.mode), 100 * r.calib.utilization, r.calib.corrected_per_segment);
  fmt::print("  weights / KV      {:.2f} GB / {:.3f} GB\n", r.weight_bytes / 1e9, r.kv_cache_bytes / 1e9);
  fmt::print("  capacity          {}\n", r.capacity.oom ? "OUT OF MEMORY: " + r.capacity.oom_reason : std::string("fits"));
  if (r.lifetime.applies)
    fmt::print("  KV endurance      {:.3g} tokens ({:.3g} days) with fixed mapping, {:.3g} tokens ({:.3g} days) with wear "
               "levelling ({:.0f} P/E, sessions of {:.0f} tokens)\n",
               r.lifetime.tokens_no_wl, r.lifetime.days_no_wl, r.lifetime.tokens_wl, r.lifetime.days_wl,
               r.lifetime.endurance_pe_cycles, r.lifetime.session_tokens);
  for (const auto& n : r.notes) fmt::print("  note              {}\n", n);
}

}  // namespace

void add_llm_command(CLI::App& app) {
  struct Opts {
    std::string model, system, json, scenarios;
    std::string models_dir = IFC_SOURCE_DIR "/configs/models";
    std::string systems_dir = IFC_SOURCE_DIR "/configs/systems";
    std::string calibration = IFC_SOURCE_DIR "/configs/calibration/default.json";
    uint64_t context = 512, decode = 128;
    std::vector<std::string> set;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand("llm", "System simulator: whole-model decode on NVLLM and the baselines (docs/system_sim.md)");
  cmd->add_option("--model", o->model, "Model: a name under configs/models/<name>/config.json, or a config.json path/directory");
  cmd->add_option("--system", o->system, "System: a name under configs/systems/<name>.json, or a JSON path");
  cmd->add_option("--context", o->context, "Prompt tokens already in the KV cache (prefilled first)")->check(CLI::Range(uint64_t(0), uint64_t(1) << 24));
  cmd->add_option("--decode", o->decode, "Tokens to decode")->check(CLI::Range(uint64_t(1), uint64_t(1) << 24));
  cmd->add_option("--json", o->json, "Write the results as JSON");
  cmd->add_option("--set", o->set, "Override a system parameter: key.path=value (repeatable), e.g. flash.rber=1e-3 scheduler=static");
  cmd->add_option("--calibration", o->calibration, "Calibration file (written by make calibrate)")->check(CLI::ExistingFile);
  cmd->add_option("--models-dir", o->models_dir, "Directory of model configs");
  cmd->add_option("--systems-dir", o->systems_dir, "Directory of system configs");
  cmd->add_option("--scenarios", o->scenarios,
                  "Batch: a JSON array of {model, system, context, decode, set:{k:v}}; writes an array to --json")
      ->check(CLI::ExistingFile);
  cmd->callback([o] {
    const llm::Paths paths{o->models_dir, o->systems_dir, o->calibration};
    try {
      if (!o->scenarios.empty()) {
        std::ifstream f(o->scenarios);
        const auto list = nlohmann::json::parse(f, nullptr, true, true);
        if (!list.is_array()) throw CLI::ValidationError("--scenarios", "must hold a JSON array");
        nlohmann::json out = nlohmann::json::array();
        for (const auto& s : list) {
          std::map<std::string, std::string> set;
          if (s.contains("set"))
            for (auto it = s.at("set").begin(); it != s.at("set").end(); ++it)
              set[it.key()] = it.value().is_string() ? it.value().get<std::string>() : it.value().dump();
          auto r = llm::run_scenario(paths, s.at("model").get<std::string>(), s.at("system").get<std::string>(),
                                     s.value("context", uint64_t(512)), s.value("decode", uint64_t(128)), set);
          auto j = r.to_json();
          if (s.contains("id")) j["id"] = s.at("id");
          if (s.contains("set")) j["set"] = s.at("set");
          out.push_back(j);
        }
        fmt::print("openifc llm: {} scenarios\n", out.size());
        if (!o->json.empty()) write_json(o->json, out);
        return;
      }
      if (o->model.empty() || o->system.empty()) throw CLI::ValidationError("llm", "give --model and --system (or --scenarios)");
      const auto r = llm::run_scenario(paths, o->model, o->system, o->context, o->decode, parse_sets(o->set));
      print_run(r);
      if (!o->json.empty()) write_json(o->json, r.to_json());
    } catch (const llm::ConfigError& e) {
      // CLI11 does not print a RuntimeError: say what is wrong here.
      fmt::print(stderr, "ifc llm: configuration error: {}\n", e.what());
      throw CLI::RuntimeError(2);
    } catch (const nlohmann::json::exception& e) {
      fmt::print(stderr, "ifc llm: scenarios: {}\n", e.what());
      throw CLI::RuntimeError(2);
    }
  });
}

}  // namespace ifc::cli
