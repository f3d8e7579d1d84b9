// ReadPathRun: a whole multi-plane sequential read through Vifc_read_path, driven by the NAND model
// and drained by a checking SegmentSink. Shared by the unit tests, the `ifc read` demo and the
// benchmark, so all three measure the same thing.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "Vifc_read_path.h"
#include "common/nand_cosim.hpp"
#include "common/rtl_params.hpp"
#include "common/rtl_sim.hpp"
#include "common/segment_sink.hpp"
#include "nand/nand_array.hpp"

namespace ifc::tb {

struct ReadRunOptions {
  uint32_t start_page = 0;
  uint32_t num_pages = 16;
  bool cache = true;
  double ready_prob = 1.0;
  unsigned credit_delay_max = 0;
  uint64_t seed = 1;
  uint64_t max_cycles = 0;  ///< 0: a bound derived from the read (never hangs)
};

struct ReadRunResult {
  bool completed = false;     ///< every sensed page was drained before the cycle bound
  uint64_t cycles = 0;        ///< from the command to the last beat of the last page
  double seconds = 0.0;       ///< wall-clock time of the simulation
  double sim_cycles_per_s = 0.0;
  double elapsed_ns = 0.0;
  double achieved_gbps = 0.0;  ///< page data bytes drained / elapsed ns (GB/s = bytes/ns)
  double limit_gbps = 0.0;     ///< planes x page data bytes / tR
  double utilization = 0.0;    ///< achieved / limit
  double steady_utilization = 0.0;  ///< page-completion interval in steady state vs tR
  uint64_t t_read_cycles = 0;
  CosimStats nand;
  SinkStats sink;
  bool assertion_failed = false;
};

/// Runs one sequential read on a fresh model. `sim` must be freshly constructed.
inline ReadRunResult run_sequential_read(RtlSim<Vifc_read_path>& sim, nand::NandArray& nand,
                                         const ReadRunOptions& o) {
  const CosimParams cp = rtl_cosim_params();
  NandCosim<Vifc_read_path> cosim(sim, nand, cp);
  SegmentSink<Vifc_read_path> sink(sim, rtl_seg_layout(), cp.planes, o.seed, o.ready_prob, o.credit_delay_max);
  cosim.on_sensed([&](unsigned pl, uint32_t page, const std::vector<uint8_t>& bytes, nand::Status st) {
    sink.expect(pl, page, bytes, st != nand::Status::Ok);
  });
  bool cmd_pending = true;
  auto& top = sim.top();
  sim.on_drive([&] {
    top.cmd_valid_i = cmd_pending;
    top.cmd_start_page_i = o.start_page;
    top.cmd_num_pages_i = o.num_pages;
    top.cmd_cache_i = o.cache;
  });
  sim.on_sample([&] {
    if (top.cmd_valid_i && top.cmd_ready_o) cmd_pending = false;
  });
  sim.reset(4);

  const uint64_t page_beats = cosim.page_beats();
  const double slow = o.ready_prob > 0.05 ? 1.0 / o.ready_prob : 20.0;
  const uint64_t bound = o.max_cycles ? o.max_cycles
                                      : 1000 + uint64_t(o.num_pages + 2) *
                                                   uint64_t((cosim.t_read_cycles() + page_beats * slow + o.credit_delay_max * 64) * 2);
  const auto t0 = std::chrono::steady_clock::now();
  const uint64_t c0 = sim.cycles();
  const uint64_t want_pages = uint64_t(o.num_pages) * cp.planes;
  while (sim.cycles() - c0 < bound) {
    sim.cycle(256);
    if (!cmd_pending && sink.stats().pages >= want_pages && sink.outstanding() == 0) break;
  }
  const auto t1 = std::chrono::steady_clock::now();

  ReadRunResult r;
  r.completed = sink.stats().pages >= want_pages && sink.outstanding() == 0;
  r.nand = cosim.stats();
  r.sink = sink.stats();
  r.t_read_cycles = cosim.t_read_cycles();
  r.seconds = std::chrono::duration<double>(t1 - t0).count();
  r.sim_cycles_per_s = r.seconds > 0 ? double(sim.cycles() - c0) / r.seconds : 0.0;
  r.cycles = r.sink.last_page_cycle >= c0 ? r.sink.last_page_cycle + 1 - c0 : 0;
  r.elapsed_ns = double(r.cycles) * cosim.period_ns();
  r.achieved_gbps = r.elapsed_ns > 0 ? double(r.sink.payload_bytes) / r.elapsed_ns : 0.0;
  r.limit_gbps = double(cp.planes) * cp.page_data_bytes / nand.config().t_read_ns;
  r.utilization = r.limit_gbps > 0 ? r.achieved_gbps / r.limit_gbps : 0.0;
  const auto& d = r.sink.page_done_cycles;
  if (d.size() >= 3) {
    const double interval = double(d.back() - d[1]) / double(d.size() - 2);
    r.steady_utilization = nand.config().t_read_ns / (interval * cosim.period_ns());
  }
  r.assertion_failed = sim.error();
  return r;
}

}  // namespace ifc::tb
