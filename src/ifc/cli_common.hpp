// Shared helpers of the ifc CLI subcommands.
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace ifc::cli {

/// Writes `j` (pretty-printed) to `path`, creating its directory; throws CLI::RuntimeError on failure.
void write_json(const std::string& path, const nlohmann::json& j);

/// Parses repeated `--set key.path=value` options; throws CLI::ValidationError on a malformed one.
std::map<std::string, std::string> parse_sets(const std::vector<std::string>& v);

void add_read_command(CLI::App& app);
void add_gemv_command(CLI::App& app);
void add_llm_command(CLI::App& app);
void add_dse_command(CLI::App& app);

}  // namespace ifc::cli
