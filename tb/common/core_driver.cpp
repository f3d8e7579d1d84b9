#include "common/core_driver.hpp"

#include <cstdio>
#include <ctime>

#include "Vifc_core___024root.h"
#include "common/progress.hpp"

namespace ifc::tb {

namespace {
/// CPU time of the calling thread (s): the simulation's own cost, independent of how many other
/// processes share the machine's cores (wall-clock speed on a loaded 2-core machine is not).
double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}
}  // namespace

namespace core {
const char* error_name(uint8_t code) {
  switch (code) {
    case 0: return "ok";
    case 1: return "bad opcode";
    case 2: return "bad dtype";
    case 3: return "shape out of range";
    case 4: return "address past the array";
    case 5: return "activation mismatch (K or dtype differ from the loaded activation)";
    case 6: return "activation stream length";
    case 7: return "watchdog (the NAND stopped answering)";
    case 8: return "ATTN_MULTI group mask empty or past the group slots";
    case 9: return "ATTN_MULTI q is not the BF16 concatenation of the slots' q (K != sum of D)";
    case 10: return "KV token out of order (or D changed)";
    case 11: return "KV region or mapping table full";
    case 12: return "KV group slot out of range";
    case 13: return "ATTN group slot out of range or empty";
    case 14: return "ATTN tokens zero or past the slot's sequence";
    case 15: return "ATTN tokens or D past the softmax / p.V buffers";
    default: return "unknown error";
  }
}
}  // namespace core

void CoreDriver::push_act(const model::ActVector& act, bool bf16, int extra_beats, bool omit_last) {
  const size_t per = bf16 ? 4 : 8;
  const size_t beats = (act.size() + per - 1) / per;
  std::vector<ActBeat> v;
  for (size_t b = 0; b < beats; ++b) {
    uint64_t d = 0;
    for (size_t j = 0; j < per; ++j) {
      const size_t i = b * per + j;
      const uint64_t e = i < act.size() ? act[i] : 0;
      d |= bf16 ? (e & 0xFFFF) << (16 * j) : (e & 0xFF) << (8 * j);
    }
    v.push_back({d, false});
  }
  if (extra_beats > 0) {
    for (int i = 0; i < extra_beats; ++i) v.push_back({rng_(), false});
  } else if (extra_beats < 0) {
    v.resize(v.size() > size_t(-extra_beats) ? v.size() - size_t(-extra_beats) : 1);
  }
  if (!omit_last) v.back().last = true;
  for (auto& b : v) acts_.push_back(b);
}

void CoreDriver::push_kv_append(uint32_t group, uint32_t token, const model::ActVector& k,
                                const model::ActVector& v) {
  model::ActVector kv(k);
  kv.insert(kv.end(), v.begin(), v.end());
  push_cmd({core::kOpKvAppend, 1, false, uint32_t(k.size()), group, token, 0});
  push_act(kv, true);
}

void CoreDriver::drive() {
  auto& t = sim_.top();
  t.cmd_valid_i = !cmds_.empty();
  if (!cmds_.empty()) {
    const Descriptor& d = cmds_.front();
    const uint32_t w0 = uint32_t(d.opcode) | (uint32_t(d.dtype & 3) << 8) | (uint32_t(d.inorder) << 10) |
                        (d.raw_high_bits << 11);
    t.cmd_data_i[0] = w0;
    t.cmd_data_i[1] = d.rows_or_k;
    t.cmd_data_i[2] = d.k;
    t.cmd_data_i[3] = d.base_page;
  }
  t.act_valid_i = !acts_.empty();
  if (!acts_.empty()) {
    t.act_data_i = acts_.front().data;
    t.act_last_i = acts_.front().last;
  }
  std::bernoulli_distribution rdy(ready_prob_);
  t.res_ready_i = ready_prob_ >= 1.0 ? 1 : rdy(rng_);
  t.csr_we_i = 0;
  if (csr_wr_) {
    t.csr_addr_i = csr_wr_->addr;
    t.csr_wdata_i = csr_wr_->value;
    t.csr_we_i = 1;
    csr_wr_.reset();
  }
}

void CoreDriver::sample() {
  auto& t = sim_.top();
  if (t.cmd_valid_i && t.cmd_ready_o) cmds_.pop_front();
  if (t.act_valid_i && t.act_ready_o) acts_.pop_front();
  if (t.res_valid_o && t.res_ready_i) {
    const uint64_t r = t.res_data_o;
    ResWord w;
    w.raw = r;
    w.is_status = (r >> 63) & 1;
    w.failed = (r >> 62) & 1;
    w.row = uint32_t((r >> 32) & 0x3FFFFFFF);
    w.value = uint32_t(r);
    w.error = uint8_t(r >> 48);
    w.opcode = uint8_t(r >> 40);
    w.cycle = sim_.cycles();
    res_.push_back(w);
    if (w.is_status) ++statuses_;
  }
}

bool CoreDriver::wait_status(uint64_t max_cycles) {
  const size_t want = statuses_ + 1;
  const uint64_t c0 = sim_.cycles();
  while (statuses_ < want) {
    if (sim_.cycles() - c0 >= max_cycles) return false;
    sim_.cycle();
  }
  return true;
}

uint32_t CoreDriver::csr(uint8_t addr) {
  auto& t = sim_.top();
  t.csr_addr_i = addr;
  t.eval();
  return t.csr_rdata_o;
}

void CoreDriver::csr_write(uint8_t addr, uint32_t value) {
  // One clock cycle with every hook running, so the other inputs are driven at the write's edge.
  csr_wr_ = CsrWrite{addr, value};
  sim_.cycle(1);
}

GemvRunResult run_gemv(RtlSim<Vifc_core>& sim, nand::NandArray& nand, const model::WeightImage& w,
                       const model::ActVector& act, const GemvRunOptions& o) {
  GemvRunResult r;
  const CosimParams cp = rtl_cosim_params();
  NandCosim<Vifc_core> cosim(sim, nand, cp);
  CoreDriver drv(sim, o.seed, o.res_ready_prob);
  cosim.hang_after(o.hang_after);
  // ifc_core's outputs are all registered (none is in Verilator's input-combinational region but
  // csr_rdata_o, which only CoreDriver::csr reads, with its own eval).
  if (o.single_eval) sim.set_single_eval([](Vifc_core& t) { t.rootp->__Vtrigrprev__TOP__clk_i = 0; });
  sim.reset(4);
  if (o.watchdog_cycles) drv.csr_write(core::kWatchdogCycles, o.watchdog_cycles);
  const bool bf16 = w.dtype() == model::Dtype::kBf16;

  // 1. activation
  drv.push_cmd({core::kOpLoadAct, uint8_t(bf16 ? 1 : 0), false, w.k(), 0, 0, 0});
  drv.push_act(act, bf16);
  if (!drv.wait_status(100000 + 4 * uint64_t(w.k()))) return r;
  r.act_status = drv.results().back().error;
  drv.results().clear();
  if (r.act_status != 0) {
    r.completed = true;
    return r;
  }

  // 2. GEMV
  const uint64_t pages = w.pages_per_plane();
  const double slow = o.res_ready_prob > 0.05 ? 1.0 / o.res_ready_prob : 20.0;
  const uint64_t bound = o.max_cycles ? o.max_cycles
                                      : 200000 + (pages + 2) * (cosim.t_read_cycles() + 20000) * 4 +
                                            uint64_t(w.rows() * 64 * slow);
  drv.push_cmd({core::kOpGemv, uint8_t(w.dtype()), o.inorder, w.rows(), w.k(), w.layout().base_page, 0});
  const uint64_t c0 = sim.cycles();
  const auto t0 = std::chrono::steady_clock::now();
  ProgressLine progress("gemv rows", w.rows(), o.progress);  // TTY only, quiet under CI (progress.hpp)
  const double cpu0 = thread_cpu_s();
  bool got_status = false;
  for (uint64_t n = 0; sim.cycles() - c0 < bound; ++n) {
    sim.cycle(64);
    if (!drv.results().empty() && drv.results().back().is_status) {
      got_status = true;
      break;
    }
    if (progress.on() && n % 64 == 0) progress.update(double(drv.results().size()), double(sim.cycles() - c0));
  }
  progress.clear();
  const auto t1 = std::chrono::steady_clock::now();
  r.wall_s = std::chrono::duration<double>(t1 - t0).count();
  r.cpu_s = thread_cpu_s() - cpu0;
  r.sim_cycles_per_s = r.wall_s > 0 ? double(sim.cycles() - c0) / r.wall_s : 0;
  r.sim_cycles_per_cpu_s = r.cpu_s > 0 ? double(sim.cycles() - c0) / r.cpu_s : 0;
  if (!got_status) return r;
  const ResWord st = drv.results().back();
  r.gemv_status = st.error;
  r.cycles = st.cycle - c0 + 1;
  r.simulated_ns = double(r.cycles) * cosim.period_ns();
  r.values.assign(w.rows(), 0);
  r.failed.assign(w.rows(), 0);
  uint32_t expect_row = 0;
  for (const auto& x : drv.results()) {
    if (x.is_status) break;
    if (x.row != expect_row || x.row >= w.rows()) {
      r.rows_in_order = false;
      continue;
    }
    r.values[x.row] = x.value;
    r.failed[x.row] = x.failed;
    if (x.failed) r.failed_rows.push_back(x.row);
    ++expect_row;
  }
  if (expect_row != w.rows() && st.error == 0) r.rows_in_order = false;
  r.completed = true;
  r.bytes_sensed = drv.csr(core::kBytesSensed);
  r.clean = drv.csr(core::kClean);
  r.corrected = drv.csr(core::kCorrected);
  r.uncorrectable = drv.csr(core::kUncorrectable);
  r.erased = drv.csr(core::kErased);
  r.read_errors = drv.csr(core::kReadErrors);
  r.stall_window = drv.csr(core::kStallWindow);
  r.stall_lanes = drv.csr(core::kStallLanes);
  r.stall_corrector = drv.csr(core::kStallCorrector);
  r.stall_inorder = drv.csr(core::kStallInorder);
  r.pages_issued = drv.csr(core::kPagesIssued);
  r.raw_bit_errors = cosim.stats().bit_errors;
  r.retry_reads = drv.csr(core::kRetryReads);
  r.retry_recovered = drv.csr(core::kRetryRecovered);
  r.retry_exhausted = drv.csr(core::kRetryExhausted);
  r.retry_busy = drv.csr(core::kRetryBusy);
  r.watchdog_events = drv.csr(core::kWatchdogEvents);
  r.nand_commands = cosim.stats().commands;
  r.weight_bytes = double(w.rows()) * w.k() * model::dtype_weight_bits(w.dtype()) / 8.0;
  const double limit_bytes_per_ns = double(cp.planes) * cp.page_data_bytes / double(nand.config().t_read_ns);
  r.nand_bw_utilization = r.simulated_ns > 0 ? r.weight_bytes / (r.simulated_ns * limit_bytes_per_ns) : 0;
  r.assertion_failed = sim.error();
  return r;
}

}  // namespace ifc::tb
