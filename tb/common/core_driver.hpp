// Host-side driver of ifc_core: commands, activation loads, result collection (with optional random
// backpressure on res), CSR reads, and the whole GEMV flow against the NAND model. Shared by the
// system tests, the `ifc gemv` command and the benchmark.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "Vifc_core.h"
#include "common/bits.hpp"
#include "common/nand_cosim.hpp"
#include "common/rtl_params.hpp"
#include "common/rtl_sim.hpp"
#include "model/gemv_ref.hpp"
#include "model/weight_image.hpp"

namespace ifc::tb {

/// ifc_pkg opcodes, error codes and CSR addresses (rtl/ifc_pkg.sv, rtl/ifc_core.sv).
namespace core {
constexpr uint8_t kOpGemv = 0x01, kOpLoadAct = 0x02, kOpKvAppend = 0x03, kOpAttn = 0x04, kOpAttnMulti = 0x05;
enum Csr : uint8_t {
  kStatus = 0, kLastError, kCycles, kBytesSensed, kClean, kCorrected, kUncorrectable, kErased, kReadErrors,
  kStallWindow, kStallLanes, kStallCorrector, kStallInorder, kPagesIssued, kFailedRows, kControl,
  // read-retry and watchdog (16..22)
  kRetryReads, kRetryRecovered, kRetryExhausted, kWatchdogEvents, kRetryMax, kWatchdogCycles, kRetryBusy,
  // KV cache (24..29)
  kKvBase = 24, kKvMapIndex, kKvMapPage, kKvPages, kKvTokens, kKvStall, kKvRegion,
  // 31: {KV programs failed [31:16], ATTN open-stripe plane pages served from the write buffer [15:0]}
  kAttnOpenPages
};
constexpr uint8_t kErrWatchdog = 7;
constexpr uint8_t kErrAttnGroup = 13, kErrAttnTokens = 14, kErrAttnLimit = 15;
constexpr uint8_t kErrAttnMask = 8, kErrAttnQlen = 9;  // ATTN_MULTI (0x05)
const char* error_name(uint8_t code);
}  // namespace core

/// A 128-bit descriptor.
struct Descriptor {
  uint8_t opcode = 0;
  uint8_t dtype = 0;
  bool inorder = false;
  uint32_t rows_or_k = 0;  ///< rows (GEMV) or K (LOAD_ACT)
  uint32_t k = 0;          ///< K (GEMV)
  uint32_t base_page = 0;  ///< GEMV
  uint32_t raw_high_bits = 0;  ///< bits [31:11] of word 0 (must be ignored by the core), for fuzzing
};

/// One word of the res stream.
struct ResWord {
  bool is_status;
  bool failed;
  uint32_t row;
  uint32_t value;
  uint8_t error;
  uint8_t opcode;
  uint64_t raw;
  uint64_t cycle;
};

class CoreDriver {
 public:
  CoreDriver(RtlSim<Vifc_core>& sim, uint64_t seed, double res_ready_prob = 1.0)
      : sim_(sim), rng_(seed), ready_prob_(res_ready_prob) {
    sim_.on_drive([this] { drive(); });
    sim_.on_sample([this] { sample(); });
  }

  void push_cmd(const Descriptor& d) { cmds_.push_back(d); }
  /// Queues an activation stream: elements packed 8 x int8 (low byte of each value) or 4 x bf16 per
  /// beat, `last` on the final beat. `extra_beats` > 0 appends beats, < 0 drops them (fuzzing).
  void push_act(const model::ActVector& act, bool bf16, int extra_beats = 0, bool omit_last = false);
  void set_ready_prob(double p) { ready_prob_ = p; }
  /// Queues a KV_APPEND of group slot `group`, token `token`: K and V rows of d bf16 values each.
  void push_kv_append(uint32_t group, uint32_t token, const model::ActVector& k, const model::ActVector& v);

  std::deque<ResWord>& results() { return res_; }
  /// Runs until a status word has been received (or `max_cycles`); returns false on timeout.
  bool wait_status(uint64_t max_cycles);
  /// Reads a CSR (combinational read port).
  uint32_t csr(uint8_t addr);
  /// Writes a CSR: runs one clock cycle (all hooks) with csr_we_i set.
  void csr_write(uint8_t addr, uint32_t value);
  bool idle() const { return cmds_.empty() && acts_.empty(); }

 private:
  struct ActBeat {
    uint64_t data;
    bool last;
  };
  void drive();
  void sample();

  RtlSim<Vifc_core>& sim_;
  std::mt19937_64 rng_;
  double ready_prob_;
  std::deque<Descriptor> cmds_;
  std::deque<ActBeat> acts_;
  std::deque<ResWord> res_;
  size_t statuses_ = 0;
  struct CsrWrite {
    uint8_t addr;
    uint32_t value;
  };
  std::optional<CsrWrite> csr_wr_;  ///< a CSR write for the next cycle
};

struct GemvRunOptions {
  bool inorder = false;
  double res_ready_prob = 1.0;
  uint64_t seed = 1;
  uint64_t max_cycles = 0;  ///< 0: derived from the size (never hangs)
  bool progress = false;    ///< print progress on stderr
  uint64_t hang_after = UINT64_MAX;  ///< fault: NAND commands from this index on never answer
  uint32_t watchdog_cycles = 0;      ///< 0: the core's default; else written to CSR 21 first
  bool single_eval = false;          ///< one eval per cycle (RtlSim::set_single_eval; same cycles)
};

struct GemvRunResult {
  bool completed = false;
  uint8_t act_status = 0xFF, gemv_status = 0xFF;
  std::vector<uint32_t> values;
  std::vector<uint8_t> failed;
  std::vector<uint32_t> failed_rows;
  bool rows_in_order = true;
  uint64_t cycles = 0;  ///< GEMV command accepted .. status word
  double simulated_ns = 0;
  double wall_s = 0;
  double sim_cycles_per_s = 0;      ///< simulated cycles per wall-clock second
  double cpu_s = 0;                 ///< CPU time of the simulating thread
  double sim_cycles_per_cpu_s = 0;  ///< simulated cycles per CPU second (one core, load-independent)
  uint64_t bytes_sensed = 0, clean = 0, corrected = 0, uncorrectable = 0, erased = 0, read_errors = 0;
  uint64_t stall_window = 0, stall_lanes = 0, stall_corrector = 0, stall_inorder = 0, pages_issued = 0;
  uint64_t raw_bit_errors = 0;
  uint64_t retry_reads = 0, retry_recovered = 0, retry_exhausted = 0, retry_busy = 0, watchdog_events = 0;
  uint64_t nand_commands = 0;
  double weight_bytes = 0;
  double nand_bw_utilization = 0;
  bool assertion_failed = false;
  std::vector<std::vector<uint8_t>> sensed;  ///< filled only when record_sensed is set
};

/// Loads the activation, runs the GEMV of `w` (already in `nand`) and collects the rows.
GemvRunResult run_gemv(RtlSim<Vifc_core>& sim, nand::NandArray& nand, const model::WeightImage& w,
                       const model::ActVector& act, const GemvRunOptions& o);

// rtl_weight_layout() and rtl_segment_format() are in common/rtl_params.hpp.

}  // namespace ifc::tb
