// ifc-llm: the `ifc llm` subcommand alone, without the Verilated core, so that `make reproduce`
// builds in seconds from a fresh clone. `ifc-llm llm ...` == `ifc llm ...`.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "ifc/cli_common.hpp"

namespace ifc::cli {
void write_json(const std::string& path, const nlohmann::json& j) {
  std::filesystem::path p(path);
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
  std::ofstream f(path);
  if (!f) throw CLI::RuntimeError(fmt::format("cannot write '{}'", path), 2);
  f << j.dump(2) << "\n";
}
}  // namespace ifc::cli

int main(int argc, char** argv) {
  CLI::App app{"openifc system simulator (the `llm` subcommand of build/ifc, without the RTL)"};
  app.require_subcommand(1);
  ifc::cli::add_llm_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    fmt::print(stderr, "ifc-llm: error: {}\n", e.what());
    return 2;
  }
  return 0;
}
