// NandCosim<V>: connects the C++ NAND-array model to a Verilated top's NAND ports, cycle by cycle.
//
// Ports used (ifc_read_path and ifc_core share them):
//   nand_cmd_valid_o, nand_cmd_ready_i, nand_cmd_plane_mask_o, nand_cmd_page_o, nand_cmd_cache_o
//   nand_dat_valid_i[P], nand_dat_data_i[P*W], nand_dat_last_i[P], nand_dat_err_i[P]
//
// Timing: the NAND timing (ns) is converted to cycles at the configured logic clock:
// tR_cycles = ceil(tR_ns * f_MHz / 1000). A read accepted in cycle c senses for tR; its PageBeats
// beats stream into the plane's data latch so that the last beat is presented in cycle c + tR_cycles
// (the latch fills while the array senses; the page is ready exactly tR after the command). If a
// page is longer than tR in beats, its first beat comes in cycle c + 1 and it completes later.
//
// Address mapping: the RTL's linear page index L of a plane is (block, page) = (L / pages_per_block,
// L % pages_per_block) on die 0 of the model. A multi-plane read that the model rejects (bad block,
// address past the array) is retried plane by plane so each failing plane is reported on its own:
// that plane's page is delivered as all ones with nand_dat_err_i on the last beat.
//
// Read-retry and watchdog (ifc_core only; detected at compile time, so ifc_read_path works as is):
//   nand_cmd_step_o != 0 is a retry read: the one page in the mask is sensed at that read-level step
//   (NandArray::read's retry_step: RBER x retry_factor^step) and only segment nand_cmd_seg_o is
//   transferred (payload, then its spare slot: SegBeats beats) on the retry channel nand_rty_*, its
//   last beat tR after the command, as a plane page. A retry step the die does not have, or a failed
//   read, delivers all ones with nand_rty_err_i on the last beat.
//   nand_rst_o (the core's NAND interface reset) discards every transfer in flight.
//   Fault hook hang_after(n): every command from the n-th on is accepted but never answers.
//
// Program path (tops with a nand_prg_* port, i.e. ifc_core's KV cache): nand_prg_ready_i is high
// while the addressed plane is free; the beats of one page (data + spare) are collected and, at
// nand_prg_last_o, NandArray::program() runs at that cycle's time (the plane is then busy for
// tPROG, and reads of it wait). Program outcomes are counted in CosimStats. With a nand_prg_fail_i
// input (ifc_core), a program whose status is not Ok is reported by a one-cycle pulse on it in the
// next cycle. Fault hook fail_program(n): the n-th program (0-based) is not performed (the page
// stays erased) and reports a failure (a program-status fail of the die).
#pragma once

#include <cmath>
#include <cstdint>
#include <deque>
#include <functional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "common/bits.hpp"
#include "common/rtl_sim.hpp"
#include "nand/nand_array.hpp"

namespace ifc::tb {

/// The logic-side view the co-simulation needs (from the core configuration).
struct CosimParams {
  unsigned planes = 4;
  unsigned bond_bytes = 8;
  unsigned page_data_bytes = 16384;
  unsigned page_spare_bytes = 1664;
  double logic_clock_mhz = 200.0;
  unsigned seg_payload_bytes = 256;  ///< retry reads transfer one segment: payload ...
  unsigned seg_slot_bytes = 16;      ///< ... and its spare slot
};

/// Whether a Verilated top has the read-retry / watchdog NAND ports (ifc_core does).
template <class V, class = void>
struct HasRetryPorts : std::false_type {};
template <class V>
struct HasRetryPorts<V, std::void_t<decltype(std::declval<V&>().nand_cmd_step_o),
                                    decltype(std::declval<V&>().nand_rty_valid_i),
                                    decltype(std::declval<V&>().nand_rst_o)>> : std::true_type {};

/// Statistics of the NAND side of a co-simulation.
struct CosimStats {
  uint64_t commands = 0;          ///< multi-plane read commands accepted
  uint64_t pages_sensed = 0;      ///< plane pages sensed (commands x planes in the mask)
  uint64_t bytes_sensed = 0;      ///< data + spare bytes delivered into the latches
  uint64_t read_errors = 0;       ///< plane pages delivered with nand_dat_err_i
  uint64_t bit_errors = 0;        ///< raw bit flips injected by the model
  uint64_t retry_reads = 0;       ///< single-segment retry reads accepted
  uint64_t retry_bytes = 0;       ///< bytes transferred by them
  uint64_t hung_commands = 0;     ///< commands swallowed by the hang fault
  uint64_t nand_resets = 0;       ///< nand_rst_o pulses seen
  uint64_t first_cmd_cycle = UINT64_MAX;
  uint64_t last_cmd_cycle = 0;
  uint64_t programs = 0;          ///< pages programmed (nand_prg_*)
  uint64_t program_errors = 0;    ///< programs the model refused (status != Ok) or of the wrong length
  uint64_t last_program_cycle = 0;
};

/// Whether the top has the NAND program port (nand_prg_*).
template <class T, class = void>
struct HasProgramPort : std::false_type {};
template <class T>
struct HasProgramPort<T, std::void_t<decltype(std::declval<T&>().nand_prg_valid_o)>> : std::true_type {};

/// Whether the top has the program status input (nand_prg_fail_i).
template <class T, class = void>
struct HasProgramFailPort : std::false_type {};
template <class T>
struct HasProgramFailPort<T, std::void_t<decltype(std::declval<T&>().nand_prg_fail_i)>> : std::true_type {};

template <class V>
class NandCosim {
 public:
  /// Called for every plane page the model senses: (plane, linear page, bytes, error status).
  using SensedFn = std::function<void(unsigned, uint32_t, const std::vector<uint8_t>&, nand::Status)>;

  NandCosim(RtlSim<V>& sim, nand::NandArray& nand, const CosimParams& p)
      : sim_(sim), nand_(nand), p_(p), planes_(p.planes) {
    const auto& cfg = nand_.config();
    if (cfg.page_data_bytes != p.page_data_bytes || cfg.page_spare_bytes != p.page_spare_bytes) {
      throw std::invalid_argument(fmt::format(
          "NAND config '{}' has {}+{} B pages but the RTL was built for {}+{} B pages; "
          "use a NAND config that matches the core configuration",
          cfg.name, cfg.page_data_bytes, cfg.page_spare_bytes, p.page_data_bytes, p.page_spare_bytes));
    }
    if (cfg.planes_per_die < p.planes) {
      throw std::invalid_argument(fmt::format("NAND config '{}' has {} planes per die; the RTL has {}",
                                              cfg.name, cfg.planes_per_die, p.planes));
    }
    page_bytes_ = p.page_data_bytes + p.page_spare_bytes;
    page_beats_ = page_bytes_ / p.bond_bytes;
    seg_beats_ = (p.seg_payload_bytes + p.seg_slot_bytes) / p.bond_bytes;
    period_ns_ = 1000.0 / p.logic_clock_mhz;
    t_read_cycles_ = static_cast<uint64_t>(std::ceil(cfg.t_read_ns / period_ns_ - 1e-9));
    sim_.on_drive([this] { drive(); });
    sim_.on_sample([this] { sample(); });
  }

  /// Installs the observer of sensed pages (the reference side of a checker).
  void on_sensed(SensedFn fn) { sensed_fn_ = std::move(fn); }
  /// Forces nand_cmd_ready_i low (a stalled NAND interface), for tests.
  void set_cmd_stall(bool stall) { stall_ = stall; }
  /// Fault hook: the command with index `n` (0-based, counting every accepted command) and every
  /// later one are accepted but never deliver data (the die hangs). UINT64_MAX: no hang.
  void hang_after(uint64_t n) { hang_from_ = n; }
  /// Fault hook: program number `n` (0-based, counting every page programmed) fails. UINT64_MAX: none.
  void fail_program(uint64_t n) { fail_prg_at_ = n; }

  uint64_t t_read_cycles() const { return t_read_cycles_; }
  unsigned page_beats() const { return page_beats_; }
  double period_ns() const { return period_ns_; }
  const CosimStats& stats() const { return stats_; }

 private:
  struct Pending {
    uint32_t page;
    std::vector<uint8_t> data;
    bool err;
    uint64_t start_cycle;  // cycle of the first beat
    unsigned next_beat = 0;
  };

  uint64_t now() const { return sim_.cycles(); }
  uint64_t now_ns() const { return static_cast<uint64_t>(std::llround(static_cast<double>(now()) * period_ns_)); }

  bool planes_free(uint64_t t_ns) const {
    for (unsigned pl = 0; pl < planes_; ++pl)
      if (nand_.plane_busy_until_ns(0, pl) > t_ns) return false;
    return true;
  }

  void drive() {
    V& top = sim_.top();
    top.nand_cmd_ready_i = (!stall_ && planes_free(now_ns())) ? 1 : 0;
    if constexpr (HasProgramPort<V>::value) {
      const unsigned pl = top.nand_prg_plane_o;
      top.nand_prg_ready_i = (!stall_ && pl < planes_ && nand_.plane_busy_until_ns(0, pl) <= now_ns()) ? 1 : 0;
    }
    if constexpr (HasProgramFailPort<V>::value) top.nand_prg_fail_i = prg_fail_next_ ? 1 : 0;
    if constexpr (HasRetryPorts<V>::value) {
      bool valid = false;
      if (!rty_.empty()) {
        Pending& pg = rty_.front();
        if (now() >= pg.start_cycle + pg.next_beat) {
          valid = true;
          top.nand_rty_data_i = load_le(&pg.data[size_t(pg.next_beat) * p_.bond_bytes], p_.bond_bytes);
          top.nand_rty_last_i = pg.next_beat + 1 == seg_beats_;
          top.nand_rty_err_i = pg.err && pg.next_beat + 1 == seg_beats_;
        }
      }
      top.nand_rty_valid_i = valid;
      if (!valid) {
        top.nand_rty_last_i = 0;
        top.nand_rty_err_i = 0;
      }
    }
    for (unsigned pl = 0; pl < planes_; ++pl) {
      bool valid = false;
      if (!queue_[pl].empty()) {
        Pending& pg = queue_[pl].front();
        if (now() >= pg.start_cycle + pg.next_beat) {
          valid = true;
          const uint64_t beat = load_le(&pg.data[size_t(pg.next_beat) * p_.bond_bytes], p_.bond_bytes);
          set_bits(top.nand_dat_data_i, pl * p_.bond_bytes * 8, p_.bond_bytes * 8, beat);
          set_bit(top.nand_dat_last_i, pl, pg.next_beat + 1 == page_beats_);
          set_bit(top.nand_dat_err_i, pl, pg.err && pg.next_beat + 1 == page_beats_);
        }
      }
      set_bit(top.nand_dat_valid_i, pl, valid);
      if (!valid) {
        set_bit(top.nand_dat_last_i, pl, false);
        set_bit(top.nand_dat_err_i, pl, false);
      }
    }
  }

  void sample() {
    V& top = sim_.top();
    prg_fail_next_ = false;  // the status pulse lasts one cycle
    // Beats presented this cycle are taken (no ready on the sense side).
    for (unsigned pl = 0; pl < planes_; ++pl) {
      if (!get_bit(top.nand_dat_valid_i, pl)) continue;
      Pending& pg = queue_[pl].front();
      if (++pg.next_beat == page_beats_) queue_[pl].pop_front();
    }
    if constexpr (HasProgramPort<V>::value) {
      if (top.nand_prg_valid_o && top.nand_prg_ready_i) program_beat(top);
    }
    if constexpr (HasRetryPorts<V>::value) {
      if (top.nand_rty_valid_i && ++rty_.front().next_beat == seg_beats_) rty_.pop_front();
      if (top.nand_rst_o) {  // the NAND interface reset aborts every transfer
        for (unsigned pl = 0; pl < planes_; ++pl) queue_[pl].clear();
        rty_.clear();
        ++stats_.nand_resets;
        return;
      }
    }
    if (top.nand_cmd_valid_o && top.nand_cmd_ready_i) {
      if (accepted_++ >= hang_from_) {
        ++stats_.hung_commands;
        return;
      }
      if constexpr (HasRetryPorts<V>::value) {
        if (top.nand_cmd_step_o != 0) {
          issue_retry(top);
          return;
        }
      }
      issue(top);
    }
  }

  void issue_retry(V& top) {
    const auto& cfg = nand_.config();
    const uint32_t linear = static_cast<uint32_t>(top.nand_cmd_page_o);
    const uint64_t mask = get_bits(top.nand_cmd_plane_mask_o, 0, planes_);
    const uint32_t step = top.nand_cmd_step_o, seg = top.nand_cmd_seg_o;
    unsigned pl = 0;
    while (pl < planes_ && !((mask >> pl) & 1)) ++pl;
    if (pl == planes_ || (mask & (mask - 1)) != 0)
      throw std::logic_error(fmt::format("retry read with plane mask {:#x}: exactly one plane expected", mask));
    std::vector<uint8_t> page;
    nand::ReadInfo info;
    const nand::Status st =
        nand_.read(nand::Address{0, pl, linear / cfg.pages_per_block, linear % cfg.pages_per_block}, now_ns(),
                   page, &info, step);
    Pending pg;
    pg.page = linear;
    pg.err = st != nand::Status::Ok || (seg + 1) * p_.seg_payload_bytes > p_.page_data_bytes;
    pg.data.assign(size_t(seg_beats_) * p_.bond_bytes, 0xFF);
    if (!pg.err) {
      std::copy_n(&page[size_t(seg) * p_.seg_payload_bytes], p_.seg_payload_bytes, pg.data.begin());
      std::copy_n(&page[p_.page_data_bytes + size_t(seg) * p_.seg_slot_bytes], p_.seg_slot_bytes,
                  pg.data.begin() + p_.seg_payload_bytes);
      stats_.bit_errors += info.bit_errors;
    } else {
      ++stats_.read_errors;
    }
    const uint64_t done = now() + t_read_cycles_;
    uint64_t start = std::max<uint64_t>(done + 1 >= seg_beats_ ? done + 1 - seg_beats_ : 0, now() + 1);
    if (!rty_.empty()) start = std::max<uint64_t>(start, rty_.back().start_cycle + seg_beats_);
    pg.start_cycle = start;
    ++stats_.commands;
    ++stats_.retry_reads;
    ++stats_.pages_sensed;
    stats_.retry_bytes += pg.data.size();
    stats_.last_cmd_cycle = now();
    rty_.push_back(std::move(pg));
  }

  void program_beat(V& top) {
    const uint64_t beat = get_bits(top.nand_prg_data_o, 0, p_.bond_bytes * 8);
    for (unsigned b = 0; b < p_.bond_bytes; ++b) prg_buf_.push_back(uint8_t(beat >> (8 * b)));
    if (!top.nand_prg_last_o) return;
    const auto& cfg = nand_.config();
    const uint32_t linear = top.nand_prg_page_o;
    const nand::Address a{0, unsigned(top.nand_prg_plane_o), linear / cfg.pages_per_block, linear % cfg.pages_per_block};
    const bool injected = stats_.programs == fail_prg_at_;
    const nand::Status st = injected ? nand::Status::WornOut  // as a block that wears out at this program
                            : prg_buf_.size() == page_bytes_ ? nand_.program(a, prg_buf_.data(), prg_buf_.size(), now_ns())
                                                             : nand::Status::LengthMismatch;
    ++stats_.programs;
    if (st != nand::Status::Ok) {
      ++stats_.program_errors;
      prg_fail_next_ = true;
    }
    stats_.last_program_cycle = now();
    prg_buf_.clear();
  }

  void issue(V& top) {
    const auto& cfg = nand_.config();
    const uint32_t linear = static_cast<uint32_t>(top.nand_cmd_page_o);
    const uint64_t mask = get_bits(top.nand_cmd_plane_mask_o, 0, planes_);
    std::vector<nand::Address> addrs;
    std::vector<unsigned> planes;
    for (unsigned pl = 0; pl < planes_; ++pl) {
      if (!((mask >> pl) & 1)) continue;
      addrs.push_back(nand::Address{0, pl, linear / cfg.pages_per_block, linear % cfg.pages_per_block});
      planes.push_back(pl);
    }
    const uint64_t t_ns = now_ns();
    std::vector<std::vector<uint8_t>> data;
    std::vector<nand::ReadInfo> info;
    std::vector<nand::Status> status(addrs.size(), nand::Status::Ok);
    if (nand_.multi_plane_read(addrs, t_ns, data, &info) != nand::Status::Ok) {
      data.assign(addrs.size(), {});
      info.assign(addrs.size(), {});
      for (size_t i = 0; i < addrs.size(); ++i) status[i] = nand_.read(addrs[i], t_ns, data[i], &info[i]);
    }
    ++stats_.commands;
    if (stats_.first_cmd_cycle == UINT64_MAX) stats_.first_cmd_cycle = now();
    stats_.last_cmd_cycle = now();
    const uint64_t done = now() + t_read_cycles_;
    for (size_t i = 0; i < addrs.size(); ++i) {
      const unsigned pl = planes[i];
      Pending pg;
      pg.page = linear;
      pg.err = status[i] != nand::Status::Ok;
      if (pg.err) {
        pg.data.assign(page_bytes_, 0xFF);
        ++stats_.read_errors;
      } else {
        pg.data = std::move(data[i]);
        stats_.bit_errors += info[i].bit_errors;
      }
      uint64_t start = done + 1 >= page_beats_ ? done + 1 - page_beats_ : 0;
      start = std::max<uint64_t>(start, now() + 1);
      if (!queue_[pl].empty()) {
        const Pending& prev = queue_[pl].back();
        start = std::max<uint64_t>(start, prev.start_cycle + page_beats_);
      }
      pg.start_cycle = start;
      ++stats_.pages_sensed;
      stats_.bytes_sensed += page_bytes_;
      if (sensed_fn_) sensed_fn_(pl, linear, pg.data, status[i]);
      queue_[pl].push_back(std::move(pg));
    }
  }

  RtlSim<V>& sim_;
  nand::NandArray& nand_;
  CosimParams p_;
  unsigned planes_;
  unsigned page_bytes_ = 0;
  unsigned page_beats_ = 0;
  unsigned seg_beats_ = 0;
  uint64_t accepted_ = 0;
  uint64_t hang_from_ = UINT64_MAX;
  uint64_t fail_prg_at_ = UINT64_MAX;
  bool prg_fail_next_ = false;
  std::deque<Pending> rty_;
  double period_ns_ = 5.0;
  uint64_t t_read_cycles_ = 0;
  bool stall_ = false;
  std::deque<Pending> queue_[16];
  std::vector<uint8_t> prg_buf_;  // page being programmed
  SensedFn sensed_fn_;
  CosimStats stats_;
};

}  // namespace ifc::tb
