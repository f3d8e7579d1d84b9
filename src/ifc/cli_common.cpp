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

}  // namespace ifc::cli
