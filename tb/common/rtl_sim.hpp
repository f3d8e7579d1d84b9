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
// One eval per cycle (opt-in, set_single_eval; the benchmarks use it): drive hooks -> sample hooks
//              -> rising edge -> eval. Exact only for a top whose sampled outputs are all registered
//              (no output depends combinationally on an input): the sample hooks then read the
//              outputs the previous edge's eval left, which is what the eval after the drive hooks
//              would show. The one eval computes the input region with the new inputs and then the
//              edge (Verilator 5.006: input-combinational region first, then the clocked regions),
//              so the state sequence is the same as with two evals. Verilator finds the edge by
//              comparing clk_i with the value it saw at the previous eval, so the caller supplies
//              `mark_clock_low`, which tells the model it saw the clock low (for ifc_core:
//              rootp->__Vtrigrprev__TOP__clk_i = 0; tb/common/core_driver.cpp). It saves the
//              clock-low eval (the input region and the trigger tests), 3-4% of a GEMV's time.
//              Assertions are off in this mode: Verilator 5.006 copies the operands of concurrent
//              assertions at the start of each eval (the preponed sample), and without the
//              clock-low eval the internal signals among them that depend on inputs would be
//              those of the previous cycle (false failures; the design's behaviour is unchanged).
//              The benchmark build has no assertions anyway; a test (Core.SingleEvalHarness...)
//              checks the mode against two evals with assertions on. Ignored while tracing (the
//              waveform keeps both clock levels).
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

  /// One eval per cycle from now on (see the header; only for tops with registered outputs).
  void set_single_eval(std::function<void(V&)> mark_clock_low) {
    mark_low_ = std::move(mark_clock_low);
    ctx_->assertOn(false);
  }

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
    if (mark_low_ && !tracing()) {
      for (uint64_t i = 0; i < n; ++i) {
        for (auto& h : drive_) h();
        for (auto& h : sample_) h();
        top_->clk_i = 1;
        mark_low_(*top_);
        top_->eval();
        ctx_->timeInc(2);
        top_->clk_i = 0;
        ++cycles_;
      }
      return;
    }
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
  std::function<void(V&)> mark_low_;
  uint64_t cycles_ = 0;
};

}  // namespace ifc::tb
