#include "llm/runner.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>

namespace ifc::llm {

namespace fs = std::filesystem;

void apply_overrides(nlohmann::json& j, const std::map<std::string, std::string>& set) {
  for (const auto& [path, value] : set) {
    nlohmann::json* node = &j;
    size_t pos = 0;
    while (true) {
      const size_t dot = path.find('.', pos);
      const std::string k = path.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
      if (k.empty()) throw ConfigError(fmt::format("override '{}': empty key", path));
      if (dot == std::string::npos) {
        nlohmann::json v;
        try {
          v = nlohmann::json::parse(value);
        } catch (const nlohmann::json::parse_error&) {
          v = value;
        }
        (*node)[k] = v;
        break;
      }
      if (!node->contains(k)) (*node)[k] = nlohmann::json::object();
      node = &(*node)[k];
      if (!node->is_object()) throw ConfigError(fmt::format("override '{}': '{}' is not an object", path, k));
      pos = dot + 1;
    }
  }
}

SystemConfig load_system(const std::string& name_or_path, const std::string& systems_dir,
                         const std::map<std::string, std::string>& set) {
  if (set.empty()) return SystemConfig::load(name_or_path, systems_dir);
  std::string path = name_or_path;
  if (!fs::is_regular_file(path)) path = (fs::path(systems_dir) / (name_or_path + ".json")).string();
  if (!fs::is_regular_file(path)) return SystemConfig::load(name_or_path, systems_dir);  // its error lists the names
  std::ifstream f(path);
  nlohmann::json j = nlohmann::json::parse(f, nullptr, true, true);
  apply_overrides(j, set);
  return SystemConfig::from_json(j, path);
}

RunResult run_scenario(const Paths& p, const std::string& model, const std::string& system, uint64_t context,
                       uint64_t decode, const std::map<std::string, std::string>& set) {
  Simulator sim(ModelConfig::load(model, p.models_dir), load_system(system, p.systems_dir, set),
                Calibration::load(p.calibration));
  return sim.run(context, decode);
}

}  // namespace ifc::llm
