// Scenario runner shared by `ifc llm` and the tests: loads the configs by name, applies overrides
// ("flash.rber=1e-3", "scheduler=static") to the system JSON, runs the simulator.
#pragma once

#include <map>
#include <string>

#include "llm/llm_sim.hpp"

namespace ifc::llm {

struct Paths {
  std::string models_dir, systems_dir, calibration;
};

/// Applies "a.b.c=value" overrides to a JSON object (value parsed as JSON, else taken as a string).
/// An override of a key the system file does not have is allowed only where the parser knows it;
/// the strict parser then rejects a misspelt key with the list of allowed keys.
void apply_overrides(nlohmann::json& j, const std::map<std::string, std::string>& set);

SystemConfig load_system(const std::string& name_or_path, const std::string& systems_dir,
                         const std::map<std::string, std::string>& set);

RunResult run_scenario(const Paths& p, const std::string& model, const std::string& system, uint64_t context,
                       uint64_t decode, const std::map<std::string, std::string>& set = {});

}  // namespace ifc::llm
