// Helpers shared by the system simulator's unit tests (test_llm.cpp, test_kvnand.cpp).
#pragma once

#include <functional>
#include <string>

#include "llm/runner.hpp"

namespace ifc::llm::test {

inline const std::string kRoot = IFC_SOURCE_DIR;
inline const Paths kPaths{kRoot + "/configs/models", kRoot + "/configs/systems", kRoot + "/configs/calibration/default.json"};

/// A calibration with a flat utilisation `u` in both modes (hand-checkable timing).
inline Calibration flat_calibration(double u = 1.0, double corrected = 0.0) {
  nlohmann::json j = {
      {"die", {{"planes", 4}, {"page_data_bytes", 16384}, {"tR_us", 30}, {"seg_payload_bytes", 256}}},
      {"points",
       {{{"rber", 0}, {"mode", "out_of_order"}, {"utilization", u}, {"corrected_per_segment", corrected}, {"uncorrectable_per_segment", 0}},
        {{"rber", 0}, {"mode", "in_order"}, {"utilization", u}, {"corrected_per_segment", corrected}, {"uncorrectable_per_segment", 0}}}}};
  return Calibration::from_json(j, "flat");
}

inline ModelConfig model(const std::string& name) { return ModelConfig::load(name, kPaths.models_dir); }

/// The message of the ConfigError `f` throws ("" if it throws none).
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace ifc::llm::test
