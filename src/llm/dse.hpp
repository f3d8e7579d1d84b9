// Design-space exploration of KVNAND (arXiv 2512.03608): for each model and context, sweep the
// variants (discrete / compact), the weight / KV placement (how many channels hold the KV cache in the
// discrete variant) and the KV pages' cell mode (configs/nand/*.json), and pick the fastest design that
// fits (capacity model), against the DRAM-equipped IFC baseline. `ifc dse kvnand` prints it.
#pragma once

#include <string>
#include <vector>

#include "llm/runner.hpp"

namespace ifc::llm {

struct DseOptions {
  std::vector<std::string> models = {"llama-7b", "llama-70b"};
  std::vector<uint64_t> contexts = {128, 1024, 10240, 102400};
  uint64_t decode = 128;
  std::string baseline = "dram-ifc";
  std::string discrete = "kvnand-discrete";  ///< system file of the discrete variant (its kv_channels is swept)
  std::string compact = "kvnand-compact";
  std::vector<uint32_t> kv_channels = {4, 8, 12, 16, 20, 24, 28};
  std::vector<std::string> kv_nand = {"slc", "default"};  ///< configs/nand names: SLC-mode or TLC KV pages
  std::map<std::string, std::string> set;                ///< extra overrides applied to every design
};

struct DsePoint {
  std::string design;  ///< e.g. "discrete/kv_channels=8/slc"
  std::string system;
  std::map<std::string, std::string> set;
  RunResult run;
};

struct DseCell {
  std::string model;
  uint64_t context = 0;
  RunResult baseline;
  std::vector<DsePoint> points;
  int best = -1;  ///< index into points of the fastest design that fits; -1 if none fits
  double speedup() const;  ///< best over the baseline (0 if either is out of memory)
};

std::vector<DseCell> dse_kvnand(const Paths& p, const DseOptions& o);
nlohmann::json to_json(const DseCell& c);

}  // namespace ifc::llm
