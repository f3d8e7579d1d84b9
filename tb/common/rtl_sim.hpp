// RtlSim<V>: owns a Verilated model, its context and (on request) an FST trace, and steps the
// clock with drive / sample hooks. RtlFixture<V>: the GoogleTest fixture around it (s80x86 shape).
//
// One cycle:   drive hooks (set inputs)  -> eval  -> sample hooks (see the values that will be
//              clocked in: valid && ready here is a transfer at this edge) -> rising edge -> eval
//              -> falling edge (-> eval only while tracing).
// Two evals per cycle, not three: the RTL has no negedge-clock logic (rst_ni is the only negedge
// trigger), so an eval after the falling edge changes no state; the next cycle's first eval settles
// the inputs anyway. Each eval costs the input-combinational region and the assertion samples
// again, so skipping it saves about a sixth of the simulation time. With a trace open the falling
// edge is still evaluated, so the waveform is the same as before.
// Tracing:     IFC_TRACE=1 (tests) or an explicit path (CLI --trace) writes FST.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "verilated.h"
#if IFC_VM_TRACE
#include "verilated_fst_c.h"
#endif

namespace ifc::tb {

/// True when the IFC_TRACE environment variable asks for waveforms.
inline bool trace_requested() {
  const char* env = std::getenv("IFC_TRACE");
  return env != nullptr && std::string(env) != "0" && std::string(env) != "";
}

template <class V>
class RtlSim {
 public:
  using Hook = std::function<void()>;

  /// Builds the model. A non-empty `trace_path` writes an FST there (directories are created).
  explicit RtlSim(const std::string& trace_path = "", const std::string& name = "top")
      : ctx_(std::make_unique<VerilatedContext>()) {
    ctx_->fatalOnError(false);  // a failed assertion fails the test, not the process
    ctx_->randReset(2);         // matches --x-initial unique: randomise uninitialised state
    // IFC_VL_SEED=<n>: another random initial state (what +verilator+seed+<n> does on a command line)
    if (const char* vs = std::getenv("IFC_VL_SEED")) ctx_->randSeed(std::atoi(vs));
    top_ = std::make_unique<V>(ctx_.get(), name.c_str());
    if (!trace_path.empty()) open_trace(trace_path);
    top_->clk_i = 0;
    top_->rst_ni = 1;
    top_->eval();
  }

  ~RtlSim() {
    close_trace();
    // Verilator destroys a model's scopes through the thread's current context; make it ours, as
    // another RtlSim constructed later on this thread may already be gone.
    Verilated::threadContextp(ctx_.get());
    if (top_) top_->final();
    top_.reset();
  }

  RtlSim(const RtlSim&) = delete;
  RtlSim& operator=(const RtlSim&) = delete;

  V& top() { return *top_; }
  VerilatedContext& ctx() { return *ctx_; }

  /// Registers a hook run before each rising edge, to set inputs.
  void on_drive(Hook h) { drive_.push_back(std::move(h)); }
  /// Registers a hook run after the inputs settle and before the edge, to observe transfers.
  void on_sample(Hook h) { sample_.push_back(std::move(h)); }

  /// Holds rst_ni low for `n` cycles (hooks do not run), then releases it.
  void reset(unsigned n = 4) {
    Verilated::threadContextp(ctx_.get());
    top_->rst_ni = 0;
    top_->eval();  // assert the reset before the first edge: resets derived from it settle first
    for (unsigned i = 0; i < n; ++i) edge();
    top_->rst_ni = 1;
    top_->eval();
  }

  /// Advances `n` clock cycles, running the hooks each cycle.
  void cycle(uint64_t n = 1) {
    // Assertion failures are reported to the thread's current context: make it this model's, as
    // several RtlSims may share a thread.
    Verilated::threadContextp(ctx_.get());
    for (uint64_t i = 0; i < n; ++i) {
      for (auto& h : drive_) h();
      top_->eval();
      for (auto& h : sample_) h();
      edge();
      ++cycles_;
    }
  }

  /// Cycles simulated since construction (reset cycles excluded).
  uint64_t cycles() const { return cycles_; }
  /// True when an assertion or $error fired.
  bool error() const { return ctx_->gotError(); }
  bool tracing() const {
#if IFC_VM_TRACE
    return trace_ != nullptr;
#else
    return false;
#endif
  }
  const std::string& trace_path() const { return trace_path_; }

  void open_trace(const std::string& path) {
#if IFC_VM_TRACE
    std::filesystem::path p(path);
    if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
    ctx_->traceEverOn(true);
    trace_ = std::make_unique<VerilatedFstC>();
    top_->trace(trace_.get(), 99);
    trace_->open(path.c_str());
    trace_path_ = path;
#else
    (void)path;
#endif
  }

  void close_trace() {
#if IFC_VM_TRACE
    if (trace_) {
      trace_->close();
      trace_.reset();
    }
#endif
  }

 private:
  void edge() {
    top_->clk_i = 1;
    top_->eval();
    ctx_->timeInc(1);
    dump();
    top_->clk_i = 0;
    if (tracing()) top_->eval();
    ctx_->timeInc(1);
    dump();
  }
  void dump() {
#if IFC_VM_TRACE
    if (trace_) trace_->dump(ctx_->time());
#endif
  }

  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<V> top_;
#if IFC_VM_TRACE
  std::unique_ptr<VerilatedFstC> trace_;
#endif
  std::string trace_path_;
  std::vector<Hook> drive_;
  std::vector<Hook> sample_;
  uint64_t cycles_ = 0;
};

}  // namespace ifc::tb
