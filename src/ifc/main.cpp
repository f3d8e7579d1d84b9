// ifc: the openifc command line (CLI11). `ifc --help`, `ifc <subcommand> --help`.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

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
  CLI::App app{"openifc: in-flash computing for LLM inference (NVLLM / KVNAND), cycle-exact RTL + NAND model"};
  app.require_subcommand(1);
  ifc::cli::add_read_command(app);
  ifc::cli::add_gemv_command(app);
  ifc::cli::add_llm_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    fmt::print(stderr, "ifc: error: {}\n", e.what());
    return 2;
  }
  return 0;
}
