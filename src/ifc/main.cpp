// ifc: the openifc command line (CLI11). `ifc --help`, `ifc <subcommand> --help`.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <stdexcept>

#include "ifc/cli_common.hpp"

int main(int argc, char** argv) {
  CLI::App app{"openifc: in-flash computing for LLM inference (NVLLM / KVNAND), cycle-exact RTL + NAND model"};
  app.require_subcommand(1);
  ifc::cli::add_read_command(app);
  ifc::cli::add_gemv_command(app);
  ifc::cli::add_llm_command(app);
  ifc::cli::add_dse_command(app);
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
