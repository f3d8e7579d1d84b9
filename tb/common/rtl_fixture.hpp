// RtlFixture<V>: GoogleTest fixture owning an RtlSim<V>. With IFC_TRACE=1 each test writes
// build/waves/<Suite>.<Test>.fst (IFC_WAVE_DIR overrides the directory). TearDown fails the test
// when any assertion fired.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "common/rtl_sim.hpp"

namespace ifc::tb {

/// Directory for test waveforms.
inline std::string wave_dir() {
  const char* env = std::getenv("IFC_WAVE_DIR");
  return env ? std::string(env) : std::string(IFC_DEFAULT_WAVE_DIR);
}

template <class V>
class RtlFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string path;
    if (trace_requested()) {
      const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
      std::string name = std::string(info->test_suite_name()) + "." + info->name();
      for (auto& c : name) if (c == '/') c = '_';
      path = wave_dir() + "/" + name + ".fst";
    }
    sim_ = std::make_unique<RtlSim<V>>(path);
    if (!path.empty()) std::printf("[wave] %s\n", path.c_str());
  }
  void TearDown() override {
    EXPECT_FALSE(sim_->error()) << "an RTL assertion fired (see the log above)";
    sim_.reset();
  }
  RtlSim<V>& sim() { return *sim_; }
  V& top() { return sim_->top(); }

  std::unique_ptr<RtlSim<V>> sim_;
};

}  // namespace ifc::tb
