// Shared helpers of the ifc CLI subcommands (build/ifc and build/ifc-llm).
#include "ifc/cli_common.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>

namespace ifc::cli {

void write_json(const std::string& path, const nlohmann::json& j) {
  std::filesystem::path p(path);
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
  std::ofstream f(path);
  if (!f) throw CLI::RuntimeError(fmt::format("cannot write '{}'", path), 2);
  f << j.dump(2) << "\n";
}

std::map<std::string, std::string> parse_sets(const std::vector<std::string>& v) {
  std::map<std::string, std::string> m;
  for (const auto& s : v) {
    const auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0) throw CLI::ValidationError("--set", "'" + s + "' is not key=value");
    m[s.substr(0, eq)] = s.substr(eq + 1);
  }
  return m;
}

}  // namespace ifc::cli
