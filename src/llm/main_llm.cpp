// ifc-llm: the `ifc llm` and `ifc dse` subcommands alone, without the Verilated core, so that `make
// reproduce` builds in seconds from a fresh clone. `ifc-llm llm ...` == `ifc llm ...`.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "ifc/cli_common.hpp"

int main(int argc, char** argv) {
  CLI::App app{"openifc system simulator (the `llm` subcommand of build/ifc, without the RTL)"};
  app.require_subcommand(1);
  ifc::cli::add_llm_command(app);
  ifc::cli::add_dse_command(app);
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
