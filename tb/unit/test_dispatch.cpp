// ifc_dispatch against its transaction-level, bit-true model (tb/model/dispatch_model.hpp) and,
// cycle by cycle, against the rules of its module comment.
//
// Transaction level (the model): every segment ends exactly once where the classification table
// sends it -- a lane (descriptor tag g, activation element, PayBeats payload beats: raw, all ones
// when erased, the corrector's data when corrected), a corrector port (all SegBeats beats, tag
// {s, g}, remainder), the fail channel, or a drop -- and the counters (clean, erased, corrected,
// uncorrectable, read errors) match.
// Every cycle: valid/ready stability of every output (descriptors, beats, corrector input, fail);
// beats only on a bound lane, contiguous and in order, beat_last on the PayBeats-th; no loss, no
// duplicates; each binding (lane, corrector port, fail, drop) is the one the documented rules
// predict from the previous cycle's heads: window (g < limit_i), in-order mode (g == next in g
// order), at most one lane binding per cycle (corrector outputs first, then planes 0..P-1, lowest
// free lane), each free ready corrector port takes the first eligible dirty plane head, one FAIL
// per cycle; and the four stall counters equal the documented stall conditions summed over cycles.
// Stimulus: random GEMVs (size, dtype, dirty / erased / read-error / uncorrectable rates, g spread
// over planes like the core or at random, drop segments past nsegs), random source gaps, random
// backpressure on every ready, an out-of-order corrector emulation per port and a scoreboard
// emulation that raises limit_i as results return. Directed: in-order mode with dirty heads, window
// limit reached, uncorrectable segments, erased segments, read errors, lane starvation, corrector
// starvation, nsegs 0 / 1. Runs in the core's configuration and a small one (prefix small.).
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <map>
#include <random>
#include <vector>

#include "Vifc_dispatch.h"
#include "common/bits.hpp"
#include "common/rtl_fixture.hpp"
#include "common/seed.hpp"
#include "model/dispatch_model.hpp"

namespace ifc::tb {
namespace {

using model::DispAction;
using model::DispatchModel;
using model::DispCounters;
using model::DispExpect;
using model::DispMeta;
using model::DispRoute;

constexpr unsigned kP = IFC_TB_DISP_PLANES;
constexpr unsigned kL = IFC_TB_DISP_LANES;
constexpr unsigned kNC = IFC_TB_DISP_CORR_PORTS;
constexpr unsigned kBW = IFC_TB_DISP_BEAT_W;
constexpr unsigned kSB = IFC_TB_DISP_SEG_BEATS;
constexpr unsigned kPB = IFC_TB_DISP_PAY_BEATS;
constexpr unsigned kRemW = IFC_TB_DISP_REM_W;
constexpr unsigned kMetaW = 51 + kRemW;
constexpr unsigned kNS = kP + kNC;
constexpr unsigned kTagW = 52;  // corrector tag {retry step[3:0], s[15:0], g[31:0]}
static_assert(kBW <= 64 && kRemW <= 128, "test limits");
constexpr int kNone = -1;

template <class T>
void set_wide(T& sig, unsigned lsb, unsigned width, const uint64_t* words) {
  for (unsigned k = 0; k * 64 < width; ++k) set_bits(sig, lsb + 64 * k, std::min(64u, width - 64 * k), words[k]);
}
template <class T>
bool eq_wide(const T& sig, unsigned lsb, unsigned width, const uint64_t* words) {
  for (unsigned k = 0; k * 64 < width; ++k)
    if (get_bits(sig, lsb + 64 * k, std::min(64u, width - 64 * k)) != words[k]) return false;
  return true;
}

struct Seg {
  DispMeta meta;
  uint64_t rem[2] = {0, 0};
  std::vector<uint64_t> beats;  ///< SegBeats raw beats
  bool unc = false;             ///< corrector verdict (dirty segments)
  std::vector<uint64_t> corr;   ///< corrector output beats
};

struct GemvSpec {
  uint32_t nsegs = 200;
  unsigned dtype = 0;
  bool inorder = false;
  double p_dirty = 0.2, p_erased = 0.05, p_rerr = 0.03, p_unc = 0.2;
  unsigned drops = 3;          ///< segments past nsegs at plane tails
  bool random_planes = false;  ///< g on a random plane (else plane g % P, as in the core)
};

struct Traffic {
  double p_src = 0.85, p_cout = 0.85, p_cin = 0.7, p_seg_ready = 0.6, p_beat_ready = 0.75, p_fail_ready = 0.6;
  unsigned corr_lat_min = 3, corr_lat_max = 60;
  unsigned result_lat_max = 20;  ///< lane result latency (scoreboard) after the last beat
  uint32_t window = 32;
  bool fixed_limit = false;
  uint32_t limit = 0;
};

/// One binding decision.
struct Bind {
  int src = kNone;
  int sink = kNone;  ///< lane or corrector port
  uint32_t g = 0;
};

class Dispatch : public RtlFixture<Vifc_dispatch> {
 protected:
  void SetUp() override {
    RtlFixture<Vifc_dispatch>::SetUp();
    auto& t = top();
    t.clear_i = 0;
    t.cnt_clear_i = 0;
    t.inorder_i = 0;
    t.dtype_i = 0;
    t.nsegs_i = 0;
    t.limit_i = 0;
    t.src_valid_i = 0;
    t.cin_ready_i = 0;
    t.cout_valid_i = 0;
    t.cout_unc_i = 0;
    t.seg_ready_i = 0;
    t.beat_ready_i = 0;
    t.fail_ready_i = 0;
    t.rty_valid_i = 0;
    t.rq_ready_i = 1;
    sim().on_drive([this] { drive(); });
    sim().on_sample([this] { sample(); });
    sim().reset();
  }

  // --- GEMV set-up ------------------------------------------------------------------------------
  Seg make_seg(uint32_t g, const GemvSpec& sp) {
    Seg s;
    s.meta.g = g;
    s.meta.s = static_cast<uint16_t>(rng_());
    s.meta.dirty = std::bernoulli_distribution(sp.p_dirty)(rng_);
    s.meta.erased = std::bernoulli_distribution(sp.p_erased)(rng_);
    s.meta.read_err = std::bernoulli_distribution(sp.p_rerr)(rng_);
    s.rem[0] = rng_() & low_mask(std::min(64u, kRemW));
    s.rem[1] = kRemW > 64 ? rng_() & low_mask(kRemW - 64) : 0;
    for (unsigned b = 0; b < kSB; ++b) s.beats.push_back(rng_() & low_mask(kBW));
    s.unc = std::bernoulli_distribution(sp.p_unc)(rng_);
    if (s.unc) {
      s.corr = s.beats;  // the corrector passes raw data through when uncorrectable
    } else {
      for (unsigned b = 0; b < kSB; ++b) s.corr.push_back(rng_() & low_mask(kBW));
    }
    return s;
  }

  /// Loads a GEMV (the dispatcher must be idle): clear_i pulse, sources filled. `new_command`
  /// false: the GEMV is a further phase of the same command (an ATTN's V phase), so cnt_clear_i
  /// stays low and the counters add up over the phases.
  void load(const GemvSpec& sp, const std::vector<Seg>* fixed = nullptr, bool new_command = true) {
    sp_ = sp;
    new_cmd_ = new_command;
    segs_.clear();
    if (fixed) {
      segs_ = *fixed;
    } else {
      for (uint32_t g = 0; g < sp.nsegs + sp.drops; ++g) segs_.push_back(make_seg(g, sp));
    }
    model_.clear(sp.nsegs, sp.dtype);
    for (unsigned p = 0; p < kP; ++p) q_[p].clear();
    for (size_t id = 0; id < segs_.size(); ++id) {
      const Seg& s = segs_[id];
      const unsigned p = fixed_plane_.empty() ? (sp.random_planes ? static_cast<unsigned>(rng_() % kP) : s.meta.g % kP)
                                              : fixed_plane_[id];
      q_[p].push_back(id);
      model_.add(s.meta, s.beats, s.unc, s.corr);
      id_of_g_[s.meta.g] = id;
    }
    delivered_.assign(segs_.size(), 0);
    done_.assign(sp.nsegs, 0);
    commit_ = 0;
    results_.clear();
    clear_pending_ = true;
  }

  bool all_done() const {
    for (unsigned p = 0; p < kP; ++p)
      if (!q_[p].empty()) return false;
    for (unsigned c = 0; c < kNC; ++c)
      if (out_id_[c] != kNone || !pend_[c].empty() || cin_g_[c] != kNone) return false;
    return commit_ == sp_.nsegs && !clear_pending_;
  }

  void run(uint64_t max_cycles) {
    const uint64_t end = sim().cycles() + max_cycles;
    while (!all_done() && sim().cycles() < end) {
      sim().cycle();
      if (HasFatalFailure()) return;
    }
    ASSERT_TRUE(all_done()) << "dispatch stuck at commit " << commit_ << " of " << sp_.nsegs;
    sim().cycle(3);
    ASSERT_FALSE(HasFatalFailure());
    check_end();
  }

  void check_end() {
    auto& t = top();
    EXPECT_TRUE(t.idle_o);
    for (size_t id = 0; id < segs_.size(); ++id) {
      const DispExpect* e = model_.find(segs_[id].meta.g);
      ASSERT_NE(e, nullptr);
      EXPECT_EQ(delivered_[id], e->route == DispRoute::kDrop ? 0 : 1) << "g " << e->g;
    }
    const DispCounters& c = model_.counters();
    if (new_cmd_) cmd_ = DispCounters{};  // the command's counters: the sum over its GEMVs
    cmd_.clean += c.clean;
    cmd_.erased += c.erased;
    cmd_.corrected += c.corrected;
    cmd_.uncorrectable += c.uncorrectable;
    cmd_.read_err += c.read_err;
    EXPECT_EQ(t.cnt_clean_o, cmd_.clean);
    EXPECT_EQ(t.cnt_erased_o, cmd_.erased);
    EXPECT_EQ(t.cnt_corrected_o, cmd_.corrected);
    EXPECT_EQ(t.cnt_uncorrectable_o, cmd_.uncorrectable);
    EXPECT_EQ(t.cnt_read_err_o, cmd_.read_err);
    totals_.clean += c.clean;
    totals_.erased += c.erased;
    totals_.corrected += c.corrected;
    totals_.uncorrectable += c.uncorrectable;
    totals_.read_err += c.read_err;
  }

  // --- stimulus ---------------------------------------------------------------------------------
  void drive() {
    auto& t = top();
    const uint64_t now = sim().cycles();
    t.clear_i = 0;
    t.cnt_clear_i = 0;
    if (clear_pending_) {
      t.clear_i = 1;
      t.cnt_clear_i = new_cmd_;
      t.nsegs_i = sp_.nsegs;
      t.dtype_i = sp_.dtype;
      t.inorder_i = sp_.inorder;
    }
    // scoreboard: results return, the commit pointer advances
    for (auto it = results_.begin(); it != results_.end();) {
      if (it->first <= now) {
        done_[it->second] = 1;
        it = results_.erase(it);
      } else {
        ++it;
      }
    }
    while (commit_ < sp_.nsegs && done_[commit_]) ++commit_;
    t.limit_i = tr_.fixed_limit ? tr_.limit : commit_ + tr_.window;
    // planes
    for (unsigned p = 0; p < kP; ++p) {
      if (src_fired_[p]) set_bit(t.src_valid_i, p, false);
      src_fired_[p] = false;
      const bool v = get_bit(t.src_valid_i, p);
      if (!v && !q_[p].empty() && !clear_pending_ && std::bernoulli_distribution(tr_.p_src)(rng_)) {
        const Seg& s = segs_[q_[p].front()];
        set_bit(t.src_valid_i, p, true);
        set_bits(t.src_data_i, p * kBW, kBW, s.beats[pbeat_[p]]);
        const unsigned b = p * kMetaW;
        set_bits(t.src_meta_i, b, 32, s.meta.g);
        set_bits(t.src_meta_i, b + 32, 16, s.meta.s);
        set_bit(t.src_meta_i, b + 48, s.meta.dirty);
        set_bit(t.src_meta_i, b + 49, s.meta.erased);
        set_bit(t.src_meta_i, b + 50, s.meta.read_err);
        set_wide(t.src_meta_i, b + 51, kRemW, s.rem);
      } else if (!v) {  // garbage while not valid
        set_bits(t.src_data_i, p * kBW, kBW, rng_());
        const uint64_t junk[2] = {rng_(), rng_()};
        set_bits(t.src_meta_i, p * kMetaW, 51, rng_());
        set_wide(t.src_meta_i, p * kMetaW + 51, kRemW, junk);
      }
    }
    // corrector outputs (out of order: any segment whose latency has passed)
    for (unsigned c = 0; c < kNC; ++c) {
      if (out_id_[c] == kNone) {
        std::vector<size_t> ready;
        for (size_t k = 0; k < pend_[c].size(); ++k)
          if (pend_[c][k].first <= now) ready.push_back(k);
        if (!ready.empty()) {
          const size_t k = ready[rng_() % ready.size()];
          out_id_[c] = static_cast<int>(pend_[c][k].second);
          obeat_[c] = 0;
          pend_[c].erase(pend_[c].begin() + static_cast<std::ptrdiff_t>(k));
        }
      }
      if (cout_fired_[c]) set_bit(t.cout_valid_i, c, false);
      cout_fired_[c] = false;
      const bool v = get_bit(t.cout_valid_i, c);
      if (!v && out_id_[c] != kNone && std::bernoulli_distribution(tr_.p_cout)(rng_)) {
        const Seg& s = segs_[static_cast<size_t>(out_id_[c])];
        set_bit(t.cout_valid_i, c, true);
        set_bits(t.cout_data_i, c * kBW, kBW, s.corr[obeat_[c]]);
        set_bits(t.cout_tag_i, c * kTagW, 32, s.meta.g);
        set_bits(t.cout_tag_i, c * kTagW + 32, 16, s.meta.s);
        set_bits(t.cout_tag_i, c * kTagW + 48, 4, 0);  // retry step 0: no read-retry here (RetryMax 0)
        set_bit(t.cout_unc_i, c, s.unc);
      } else if (!v) {
        set_bits(t.cout_data_i, c * kBW, kBW, rng_());
        set_bits(t.cout_tag_i, c * kTagW, kTagW, rng_());
        set_bit(t.cout_unc_i, c, rng_() & 1);
      }
      set_bit(t.cin_ready_i, c, !starve_corr_ && std::bernoulli_distribution(tr_.p_cin)(rng_));
    }
    for (unsigned l = 0; l < kL; ++l) {
      const bool active = lane_g_[l] != kNone && lane_desc_taken_[l];
      set_bit(t.seg_ready_i, l, !active && !starve_lanes_ && std::bernoulli_distribution(tr_.p_seg_ready)(rng_));
      set_bit(t.beat_ready_i, l, active && std::bernoulli_distribution(tr_.p_beat_ready)(rng_));
    }
    t.fail_ready_i = std::bernoulli_distribution(tr_.p_fail_ready)(rng_);
    // The read-retry source and request channel (RetryMax = 0 in this build: never used; the
    // system tests cover retry through ifc_core).
    t.rty_valid_i = 0;
    t.rq_ready_i = 1;
  }

  // --- per-source view ----------------------------------------------------------------------------
  struct Head {
    bool head = false;
    uint32_t g = 0;
    DispAction act = DispAction::kDrop;
  };
  Head head_of(unsigned i) const {
    auto& t = const_cast<Dispatch*>(this)->top();
    Head h;
    if (i < kP) {
      if (!get_bit(t.src_valid_i, i) || bound_[i] || pbeat_[i] != 0) return h;
      const Seg& s = segs_[q_[i].front()];
      h.head = true;
      h.g = s.meta.g;
      h.act = model::dispatch_classify_plane(s.meta, sp_.nsegs);
    } else {
      const unsigned c = i - kP;
      if (!get_bit(t.cout_valid_i, c) || bound_[i] || obeat_[c] != 0) return h;
      const Seg& s = segs_[static_cast<size_t>(out_id_[c])];
      h.head = true;
      h.g = s.meta.g;
      h.act = model::dispatch_classify_corrector(s.unc);
    }
    return h;
  }

  // --- monitor ----------------------------------------------------------------------------------
  void sample() {
    if (HasFatalFailure()) return;
    auto& t = top();
    const uint64_t now = sim().cycles();
    const uint32_t limit = t.limit_i;
    SCOPED_TRACE(::testing::Message() << "cycle " << now);

    // A. valid/ready stability of every output stream (payload held while valid && !ready)
    for (unsigned l = 0; l < kL; ++l) {
      if (pv_seg_[l] && !pr_seg_[l]) {
        ASSERT_TRUE(get_bit(t.seg_valid_o, l)) << "seg_valid dropped, lane " << l;
        ASSERT_EQ(get_bits(t.seg_tag_o, 32 * l, 32), pseg_tag_[l]) << "seg_tag unstable, lane " << l;
        ASSERT_EQ(get_bits(t.seg_act_elem_o, 32 * l, 32), pseg_act_[l]) << "seg_act unstable, lane " << l;
      }
      if (pv_beat_[l] && !pr_beat_[l]) {
        ASSERT_TRUE(get_bit(t.beat_valid_o, l)) << "beat_valid dropped, lane " << l;
        ASSERT_EQ(get_bits(t.beat_data_o, kBW * l, kBW), pbeat_data_[l]) << "beat data unstable, lane " << l;
        ASSERT_EQ(get_bit(t.beat_last_o, l), pbeat_last_[l]) << "beat_last unstable, lane " << l;
      }
    }
    for (unsigned c = 0; c < kNC; ++c) {
      if (pv_cin_[c] && !pr_cin_[c]) {
        ASSERT_TRUE(get_bit(t.cin_valid_o, c)) << "cin_valid dropped, port " << c;
        ASSERT_EQ(get_bits(t.cin_data_o, kBW * c, kBW), pcin_data_[c]) << "cin data unstable, port " << c;
        ASSERT_EQ(get_bits(t.cin_tag_o, kTagW * c, kTagW), pcin_tag_[c]) << "cin tag unstable, port " << c;
        ASSERT_EQ(get_bit(t.cin_last_o, c), pcin_last_[c]);
      }
    }
    if (pv_fail_ && !pr_fail_) {
      ASSERT_TRUE(t.fail_valid_o) << "fail_valid dropped";
      ASSERT_EQ(t.fail_g_o, pfail_g_) << "fail_g unstable";
    }

    // B. the bindings made at the last edge are exactly the ones predicted from the last cycle
    for (unsigned l = 0; l < kL; ++l) {
      const bool fresh = get_bit(t.seg_valid_o, l) && !(pv_seg_[l] && !pr_seg_[l]);
      const bool predicted = pred_lane_.sink == static_cast<int>(l);
      ASSERT_EQ(fresh, predicted) << "lane " << l << " descriptor " << (fresh ? "unexpected" : "missing")
                                  << " (predicted g " << pred_lane_.g << ")";
      if (!fresh) continue;
      const uint32_t g = static_cast<uint32_t>(get_bits(t.seg_tag_o, 32 * l, 32));
      ASSERT_EQ(g, pred_lane_.g) << "lane " << l << ": wrong source bound";
      const DispExpect* e = model_.find(g);
      ASSERT_NE(e, nullptr) << "unknown g " << g;
      ASSERT_TRUE(e->route == DispRoute::kLaneClean || e->route == DispRoute::kLaneErased ||
                  e->route == DispRoute::kCorrLane) << "g " << g << " does not belong on a lane";
      ASSERT_EQ(pred_lane_.src >= static_cast<int>(kP), e->route == DispRoute::kCorrLane) << "g " << g;
      ASSERT_EQ(get_bits(t.seg_act_elem_o, 32 * l, 32), e->act_elem) << "act_elem of g " << g;
      ASSERT_LT(g, prev_limit_) << "window";
      if (sp_.inorder) {
        ASSERT_EQ(g, next_g_) << "in-order";
      }
      ASSERT_FALSE(lane_busy_[l]);
      const size_t id = id_of_g_.at(g);
      ASSERT_EQ(delivered_[id], 0) << "g " << g << " dispatched twice";
      delivered_[id] = 1;
      lane_busy_[l] = true;
      lane_g_[l] = static_cast<int>(g);
      lane_desc_taken_[l] = false;
      lane_beat_[l] = 0;
      bound_[static_cast<unsigned>(pred_lane_.src)] = true;
      ++next_g_;
      wait_corr_ = false;
      if (e->route == DispRoute::kLaneClean) ++cnt_.clean;
      if (e->route == DispRoute::kLaneErased) ++cnt_.erased;
      if (e->route == DispRoute::kCorrLane) ++cnt_.corrected;
    }
    for (unsigned c = 0; c < kNC; ++c) {
      if (pred_corr_[c].src == kNone) {
        if (!cbusy_[c]) {
          ASSERT_FALSE(get_bit(t.cin_valid_o, c)) << "cin_valid on an unbound port " << c;
        }
        continue;
      }
      ASSERT_TRUE(get_bit(t.cin_valid_o, c)) << "corrector port " << c << " not bound as predicted";
      const uint32_t g = static_cast<uint32_t>(get_bits(t.cin_tag_o, kTagW * c, 32));
      ASSERT_EQ(g, pred_corr_[c].g) << "corrector port " << c << ": wrong source";
      const DispExpect* e = model_.find(g);
      ASSERT_NE(e, nullptr);
      ASSERT_TRUE(e->route == DispRoute::kCorrLane || e->route == DispRoute::kCorrFail) << "g " << g;
      ASSERT_LT(g, prev_limit_) << "window";
      if (sp_.inorder) {
        ASSERT_EQ(g, next_g_) << "in-order";
        wait_corr_ = true;
      }
      cbusy_[c] = true;
      cin_g_[c] = static_cast<int>(g);
      cin_beat_[c] = 0;
      bound_[static_cast<unsigned>(pred_corr_[c].src)] = true;
    }
    {
      const bool fresh = t.fail_valid_o && !(pv_fail_ && !pr_fail_);
      ASSERT_EQ(fresh, pred_fail_.src != kNone) << "fail " << (fresh ? "unexpected" : "missing");
      if (fresh) {
        const uint32_t g = t.fail_g_o;
        ASSERT_EQ(g, pred_fail_.g) << "fail: wrong source";
        const DispExpect* e = model_.find(g);
        ASSERT_NE(e, nullptr);
        ASSERT_TRUE(e->route == DispRoute::kFailReadErr || e->route == DispRoute::kCorrFail) << "g " << g;
        ASSERT_EQ(pred_fail_.src >= static_cast<int>(kP), e->route == DispRoute::kCorrFail);
        ASSERT_LT(g, prev_limit_) << "window";
        if (sp_.inorder) {
          ASSERT_EQ(g, next_g_) << "in-order";
        }
        const size_t id = id_of_g_.at(g);
        ASSERT_EQ(delivered_[id], 0) << "g " << g << " dispatched twice";
        delivered_[id] = 1;
        bound_[static_cast<unsigned>(pred_fail_.src)] = true;
        ++next_g_;
        wait_corr_ = false;
        if (e->route == DispRoute::kFailReadErr) ++cnt_.read_err;
        if (e->route == DispRoute::kCorrFail) ++cnt_.uncorrectable;
      }
    }
    for (unsigned p = 0; p < kP; ++p) {
      if (!pred_drop_[p]) continue;
      ASSERT_TRUE(get_bit(t.src_ready_o, p)) << "plane " << p << ": DROP head not drained";
      bound_[p] = true;
    }
    // counters: visible the cycle after the binding
    ASSERT_EQ(t.cnt_clean_o, cnt_.clean);
    ASSERT_EQ(t.cnt_erased_o, cnt_.erased);
    ASSERT_EQ(t.cnt_corrected_o, cnt_.corrected);
    ASSERT_EQ(t.cnt_uncorrectable_o, cnt_.uncorrectable);
    ASSERT_EQ(t.cnt_read_err_o, cnt_.read_err);
    ASSERT_EQ(t.stall_window_o, st_win_) << "stall_window";
    ASSERT_EQ(t.stall_lanes_o, st_lanes_) << "stall_lanes";
    ASSERT_EQ(t.stall_corrector_o, st_corr_) << "stall_corrector";
    ASSERT_EQ(t.stall_inorder_o, st_ord_) << "stall_inorder";

    // C. this cycle's heads: stall conditions and the bindings to expect at the next cycle
    Head h[kNS];
    for (unsigned i = 0; i < kNS; ++i) h[i] = head_of(i);
    auto elig = [&](const Head& x) { return x.g < limit && (!sp_.inorder || x.g == next_g_); };
    bool win = false, want_corr = false;
    for (unsigned i = 0; i < kNS; ++i) {
      if (h[i].head && h[i].act != DispAction::kDrop && !(h[i].g < limit)) win = true;
      if (i < kP && h[i].head && elig(h[i]) && h[i].act == DispAction::kCorr) want_corr = true;
    }
    pred_lane_ = Bind{};
    int lane_src = kNone;
    for (unsigned k = 0; k < kNS && lane_src == kNone; ++k) {
      const unsigned i = k < kNC ? kP + k : k - kNC;  // corrector outputs first, then planes
      if (h[i].head && elig(h[i]) && h[i].act == DispAction::kLane) lane_src = static_cast<int>(i);
    }
    int free_lane = kNone;
    for (unsigned l = 0; l < kL && free_lane == kNone; ++l)
      if (!lane_busy_[l] && !get_bit(t.seg_valid_o, l)) free_lane = static_cast<int>(l);
    if (lane_src != kNone && free_lane != kNone) pred_lane_ = Bind{lane_src, free_lane, h[lane_src].g};
    bool any_port = false;
    bool taken[kP] = {};
    for (unsigned c = 0; c < kNC; ++c) {
      pred_corr_[c] = Bind{};
      if (cbusy_[c] || !get_bit(t.cin_ready_i, c)) continue;
      any_port = true;
      for (unsigned p = 0; p < kP; ++p) {
        if (!taken[p] && h[p].head && elig(h[p]) && h[p].act == DispAction::kCorr) {
          taken[p] = true;
          pred_corr_[c] = Bind{static_cast<int>(p), static_cast<int>(c), h[p].g};
          break;
        }
      }
    }
    pred_fail_ = Bind{};
    if (!t.fail_valid_o || t.fail_ready_i) {
      for (unsigned i = 0; i < kNS; ++i) {
        if (h[i].head && elig(h[i]) && h[i].act == DispAction::kFail) {
          pred_fail_ = Bind{static_cast<int>(i), 0, h[i].g};
          break;
        }
      }
    }
    for (unsigned p = 0; p < kP; ++p) pred_drop_[p] = h[p].head && h[p].act == DispAction::kDrop;
    st_win_ += win;
    st_lanes_ += lane_src != kNone && free_lane == kNone;
    st_corr_ += want_corr && !any_port;
    st_ord_ += wait_corr_;
    if (lane_src != kNone && free_lane == kNone) ++seen_lane_stalls_;
    if (win) ++seen_win_stalls_;

    // D. transfers at this edge
    for (unsigned l = 0; l < kL; ++l) {
      if (get_bit(t.seg_valid_o, l) && get_bit(t.seg_ready_i, l)) lane_desc_taken_[l] = true;
      if (get_bit(t.beat_valid_o, l)) {
        ASSERT_NE(lane_g_[l], kNone) << "beat on unbound lane " << l;
      }
      if (!(get_bit(t.beat_valid_o, l) && get_bit(t.beat_ready_i, l))) continue;
      const uint32_t g = static_cast<uint32_t>(lane_g_[l]);
      const DispExpect* e = model_.find(g);
      const unsigned k = lane_beat_[l]++;
      ASSERT_LT(k, kPB) << "lane " << l << " g " << g << ": too many beats";
      ASSERT_EQ(get_bits(t.beat_data_o, kBW * l, kBW), e->lane_beats[k]) << "lane " << l << " g " << g << " beat " << k;
      ASSERT_EQ(get_bit(t.beat_last_o, l), k == kPB - 1) << "beat_last, lane " << l << " beat " << k;
      if (k == kPB - 1) {
        lane_busy_[l] = false;
        lane_g_[l] = kNone;
        results_.emplace_back(now + rng_() % (tr_.result_lat_max + 1), g);
      }
    }
    for (unsigned c = 0; c < kNC; ++c) {
      if (!(get_bit(t.cin_valid_o, c) && get_bit(t.cin_ready_i, c))) continue;
      ASSERT_NE(cin_g_[c], kNone);
      const uint32_t g = static_cast<uint32_t>(cin_g_[c]);
      const DispExpect* e = model_.find(g);
      const size_t id = id_of_g_.at(g);
      const unsigned k = cin_beat_[c]++;
      ASSERT_EQ(get_bits(t.cin_data_o, kBW * c, kBW), e->cin_beats[k]) << "cin port " << c << " g " << g << " beat " << k;
      ASSERT_EQ(get_bit(t.cin_last_o, c), k == kSB - 1) << "cin_last";
      ASSERT_EQ(get_bits(t.cin_tag_o, kTagW * c, kTagW), e->cin_tag) << "cin_tag";
      ASSERT_TRUE(eq_wide(t.cin_rem_o, kRemW * c, kRemW, segs_[id].rem)) << "cin_rem of g " << g;
      if (k == kSB - 1) {
        cbusy_[c] = false;
        cin_g_[c] = kNone;
        pend_[c].emplace_back(now + tr_.corr_lat_min + rng_() % (tr_.corr_lat_max - tr_.corr_lat_min + 1), id);
      }
    }
    if (t.fail_valid_o && t.fail_ready_i) done_.at(t.fail_g_o) = 1;
    for (unsigned p = 0; p < kP; ++p) {
      if (!(get_bit(t.src_valid_i, p) && get_bit(t.src_ready_o, p))) continue;
      ASSERT_TRUE(bound_[p]) << "plane " << p << " beat taken while unbound";
      src_fired_[p] = true;  // the beat leaves at this edge; drive() offers the next
      if (++pbeat_[p] == kSB) {
        pbeat_[p] = 0;
        bound_[p] = false;
        q_[p].pop_front();
      }
    }
    for (unsigned c = 0; c < kNC; ++c) {
      if (!(get_bit(t.cout_valid_i, c) && get_bit(t.cout_ready_o, c))) continue;
      ASSERT_TRUE(bound_[kP + c]) << "corrector output " << c << " beat taken while unbound";
      cout_fired_[c] = true;
      if (++obeat_[c] == kSB) {
        obeat_[c] = 0;
        bound_[kP + c] = false;
        out_id_[c] = kNone;
      }
    }
    if (t.cnt_clear_i) {
      cnt_ = DispCounters{};
      st_win_ = st_lanes_ = st_corr_ = st_ord_ = 0;
    }
    if (t.clear_i) {
      next_g_ = 0;
      wait_corr_ = false;
      clear_pending_ = false;
    }

    // E. history for the stability checks
    for (unsigned l = 0; l < kL; ++l) {
      pv_seg_[l] = get_bit(t.seg_valid_o, l);
      pr_seg_[l] = get_bit(t.seg_ready_i, l);
      pseg_tag_[l] = get_bits(t.seg_tag_o, 32 * l, 32);
      pseg_act_[l] = get_bits(t.seg_act_elem_o, 32 * l, 32);
      pv_beat_[l] = get_bit(t.beat_valid_o, l);
      pr_beat_[l] = get_bit(t.beat_ready_i, l);
      pbeat_data_[l] = get_bits(t.beat_data_o, kBW * l, kBW);
      pbeat_last_[l] = get_bit(t.beat_last_o, l);
    }
    for (unsigned c = 0; c < kNC; ++c) {
      pv_cin_[c] = get_bit(t.cin_valid_o, c);
      pr_cin_[c] = get_bit(t.cin_ready_i, c);
      pcin_data_[c] = get_bits(t.cin_data_o, kBW * c, kBW);
      pcin_tag_[c] = get_bits(t.cin_tag_o, kTagW * c, kTagW);
      pcin_last_[c] = get_bit(t.cin_last_o, c);
    }
    pv_fail_ = t.fail_valid_o;
    pr_fail_ = t.fail_ready_i;
    pfail_g_ = t.fail_g_o;
    prev_limit_ = limit;
  }

  std::mt19937_64 rng_{1};
  GemvSpec sp_;
  Traffic tr_;
  DispatchModel model_{kSB, kPB, kBW};
  std::vector<Seg> segs_;
  std::vector<unsigned> fixed_plane_;  ///< directed tests: plane of each segment
  std::map<uint32_t, size_t> id_of_g_;
  std::vector<uint8_t> delivered_, done_;
  std::vector<std::pair<uint64_t, uint32_t>> results_;
  uint32_t commit_ = 0;
  bool clear_pending_ = false, new_cmd_ = true;
  bool starve_lanes_ = false, starve_corr_ = false;
  // sources
  std::deque<size_t> q_[kP];
  unsigned pbeat_[kP] = {};
  bool src_fired_[kP] = {}, cout_fired_[kNC] = {};
  bool bound_[kNS] = {};
  std::deque<std::pair<uint64_t, size_t>> pend_[kNC];
  int out_id_[kNC];
  unsigned obeat_[kNC] = {};
  // sinks
  int lane_g_[kL];
  bool lane_busy_[kL] = {}, lane_desc_taken_[kL] = {};
  unsigned lane_beat_[kL] = {};
  bool cbusy_[kNC] = {};
  int cin_g_[kNC];
  unsigned cin_beat_[kNC] = {};
  // predictions and the dispatcher's visible state
  Bind pred_lane_, pred_fail_, pred_corr_[kNC];
  bool pred_drop_[kP] = {};
  uint32_t next_g_ = 0;
  bool wait_corr_ = false;
  DispCounters cnt_, totals_, cmd_;
  uint32_t st_win_ = 0, st_lanes_ = 0, st_corr_ = 0, st_ord_ = 0;
  uint64_t seen_lane_stalls_ = 0, seen_win_stalls_ = 0;
  uint32_t prev_limit_ = 0;
  // history
  bool pv_seg_[kL] = {}, pr_seg_[kL] = {}, pv_beat_[kL] = {}, pr_beat_[kL] = {}, pbeat_last_[kL] = {};
  uint64_t pseg_tag_[kL] = {}, pseg_act_[kL] = {}, pbeat_data_[kL] = {};
  bool pv_cin_[kNC] = {}, pr_cin_[kNC] = {}, pcin_last_[kNC] = {};
  uint64_t pcin_data_[kNC] = {}, pcin_tag_[kNC] = {};
  bool pv_fail_ = false, pr_fail_ = false;
  uint64_t pfail_g_ = 0;

 public:
  Dispatch() {
    std::fill(std::begin(out_id_), std::end(out_id_), kNone);
    std::fill(std::begin(lane_g_), std::end(lane_g_), kNone);
    std::fill(std::begin(cin_g_), std::end(cin_g_), kNone);
  }
};

GemvSpec random_spec(std::mt19937_64& rng, bool inorder) {
  GemvSpec sp;
  sp.nsegs = 1 + static_cast<uint32_t>(rng() % 400);
  sp.dtype = static_cast<unsigned>(rng() % 4);
  sp.inorder = inorder;
  const double rate[] = {0.0, 0.05, 0.2, 0.6};
  sp.p_dirty = rate[rng() % 4];
  sp.p_erased = rate[rng() % 3];
  sp.p_rerr = rate[rng() % 3] / 2;
  sp.p_unc = rate[rng() % 4];
  sp.drops = static_cast<unsigned>(rng() % (2 * kP));
  sp.random_planes = rng() & 1;
  return sp;
}

Traffic random_traffic(std::mt19937_64& rng) {
  auto p = [&](double lo) { return lo + (1.0 - lo) * static_cast<double>(rng() % 101) / 100.0; };
  Traffic tr;
  tr.p_src = p(0.2);
  tr.p_cout = p(0.2);
  tr.p_cin = p(0.1);
  tr.p_seg_ready = p(0.1);
  tr.p_beat_ready = p(0.1);
  tr.p_fail_ready = p(0.1);
  tr.corr_lat_max = 1 + static_cast<unsigned>(rng() % 200);
  tr.corr_lat_min = static_cast<unsigned>(rng() % tr.corr_lat_max);
  tr.result_lat_max = static_cast<unsigned>(rng() % 40);
  tr.window = 1 + static_cast<uint32_t>(rng() % 64);
  return tr;
}

void print(unsigned i, const GemvSpec& sp, const Traffic& tr) {
  std::printf("[gemv %u] nsegs %u dtype %u inorder %d dirty %.2f erased %.2f rerr %.3f unc %.2f drops %u %s | "
              "window %u src %.2f cin %.2f cout %.2f seg %.2f beat %.2f fail %.2f corr_lat %u..%u\n",
              i, sp.nsegs, sp.dtype, sp.inorder, sp.p_dirty, sp.p_erased, sp.p_rerr, sp.p_unc, sp.drops,
              sp.random_planes ? "random planes" : "g%P", tr.window, tr.p_src, tr.p_cin, tr.p_cout,
              tr.p_seg_ready, tr.p_beat_ready, tr.p_fail_ready, tr.corr_lat_min, tr.corr_lat_max);
}

// --- constrained random ---------------------------------------------------------------------------

TEST_F(Dispatch, RandomOutOfOrder) {
  rng_.seed(test_seed("Dispatch.RandomOutOfOrder", 0xd15a0001));
  for (unsigned i = 0; i < 12; ++i) {
    tr_ = random_traffic(rng_);
    const GemvSpec sp = random_spec(rng_, false);
    print(i, sp, tr_);
    load(sp);
    ASSERT_NO_FATAL_FAILURE(run(2'000'000));
  }
  std::printf("[totals] clean %u erased %u corrected %u uncorrectable %u read_err %u; stalls seen: lanes %llu window %llu\n",
              totals_.clean, totals_.erased, totals_.corrected, totals_.uncorrectable, totals_.read_err,
              static_cast<unsigned long long>(seen_lane_stalls_), static_cast<unsigned long long>(seen_win_stalls_));
  EXPECT_GT(totals_.corrected, 0u);
  EXPECT_GT(totals_.uncorrectable, 0u);
  EXPECT_GT(totals_.erased, 0u);
  EXPECT_GT(totals_.read_err, 0u);
}

TEST_F(Dispatch, RandomInOrder) {
  rng_.seed(test_seed("Dispatch.RandomInOrder", 0xd15a0002));
  for (unsigned i = 0; i < 8; ++i) {
    tr_ = random_traffic(rng_);
    const GemvSpec sp = random_spec(rng_, true);
    print(i, sp, tr_);
    load(sp);
    ASSERT_NO_FATAL_FAILURE(run(2'000'000));
  }
  EXPECT_GT(totals_.corrected, 0u);
}

/// Full rate: every ready high, no gaps, a wide window.
TEST_F(Dispatch, RandomFullRate) {
  rng_.seed(test_seed("Dispatch.RandomFullRate", 0xd15a0003));
  tr_ = Traffic{1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1, 30, 5, 256, false, 0};
  for (unsigned i = 0; i < 4; ++i) {
    GemvSpec sp = random_spec(rng_, i % 2 == 1);
    sp.nsegs = 600;
    print(i, sp, tr_);
    load(sp);
    ASSERT_NO_FATAL_FAILURE(run(2'000'000));
  }
}

// --- directed -------------------------------------------------------------------------------------

/// In-order mode with a dirty head: everything behind it stalls (stall_inorder counts) until the
/// corrected segment comes back, then dispatch resumes in g order.
TEST_F(Dispatch, InOrderDirtyHead) {
  rng_.seed(test_seed("Dispatch.InOrderDirtyHead", 0xd15a0004));
  GemvSpec sp;
  sp.nsegs = 40;
  sp.inorder = true;
  sp.p_dirty = 0;
  sp.p_erased = 0;
  sp.p_rerr = 0;
  sp.p_unc = 0;
  sp.drops = 0;
  std::vector<Seg> segs;
  for (uint32_t g = 0; g < sp.nsegs; ++g) segs.push_back(make_seg(g, sp));
  segs[0].meta.dirty = true;   // the very first head
  segs[9].meta.dirty = true;
  segs[10].meta.dirty = true;  // back to back
  segs[25].meta.dirty = true;
  segs[25].unc = true;         // comes back uncorrectable: FAIL, then the order resumes
  segs[25].corr = segs[25].beats;
  tr_.corr_lat_min = 100;
  tr_.corr_lat_max = 100;
  tr_.window = 64;
  load(sp, &segs);
  ASSERT_NO_FATAL_FAILURE(run(100000));
  EXPECT_GE(top().stall_inorder_o, 4u * 100u) << "the dirty heads did not stall the stream";
  EXPECT_EQ(top().cnt_corrected_o, 3u);
  EXPECT_EQ(top().cnt_uncorrectable_o, 1u);
}

/// The window: with limit_i fixed below nsegs nothing at or past it is dispatched, stall_window
/// counts, and raising the limit lets the rest through.
TEST_F(Dispatch, WindowLimitReached) {
  rng_.seed(test_seed("Dispatch.WindowLimitReached", 0xd15a0005));
  GemvSpec sp;
  sp.nsegs = 60;
  sp.p_dirty = 0.2;
  sp.p_unc = 0.3;
  sp.drops = 0;
  tr_.fixed_limit = true;
  tr_.limit = 17;
  load(sp);
  sim().cycle(3000);
  ASSERT_FALSE(HasFatalFailure());
  for (size_t id = 0; id < segs_.size(); ++id)
    EXPECT_EQ(delivered_[id] != 0 || model_.find(segs_[id].meta.g)->route == DispRoute::kDrop,
              segs_[id].meta.g < 17 || model_.find(segs_[id].meta.g)->route == DispRoute::kDrop)
        << "g " << segs_[id].meta.g;
  EXPECT_GT(top().stall_window_o, 1000u);
  tr_.limit = 60;
  ASSERT_NO_FATAL_FAILURE(run(100000));
}

/// Read errors, erased segments (all-ones payload), uncorrectable corrector outputs, drops.
TEST_F(Dispatch, ClassificationTable) {
  rng_.seed(test_seed("Dispatch.ClassificationTable", 0xd15a0006));
  GemvSpec sp;
  sp.nsegs = 64;
  sp.drops = 6;
  std::vector<Seg> segs;
  for (uint32_t g = 0; g < sp.nsegs + sp.drops; ++g) {
    Seg s = make_seg(g, sp);
    const unsigned kind = g % 8;
    s.meta.dirty = kind == 1 || kind == 3 || kind == 5 || kind == 7;
    s.meta.erased = kind == 2 || kind == 3;             // erased, clean or dirty: LANE, all ones
    s.meta.read_err = kind == 4 || kind == 5 || kind == 6;  // read error wins over dirty / erased
    if (kind == 6) s.meta.erased = true;
    s.unc = kind == 7;                                  // dirty -> corrector -> uncorrectable
    if (s.unc) s.corr = s.beats;
    segs.push_back(s);
  }
  load(sp, &segs);
  ASSERT_NO_FATAL_FAILURE(run(100000));
  EXPECT_EQ(top().cnt_clean_o, 8u);
  EXPECT_EQ(top().cnt_erased_o, 16u);
  EXPECT_EQ(top().cnt_corrected_o, 8u);
  EXPECT_EQ(top().cnt_uncorrectable_o, 8u);
  EXPECT_EQ(top().cnt_read_err_o, 24u);
}

/// Lane starvation: no lane takes a descriptor for a long spell. The first 2*Planes segments are
/// dirty, so with every lane holding a plane's segment the corrected ones wait for a lane
/// (stall_lanes counts); then the lanes run and everything drains.
TEST_F(Dispatch, LaneStarvation) {
  rng_.seed(test_seed("Dispatch.LaneStarvation", 0xd15a0007));
  GemvSpec sp;
  sp.nsegs = 50;
  sp.p_rerr = 0;
  std::vector<Seg> segs;
  for (uint32_t g = 0; g < sp.nsegs + sp.drops; ++g) {
    Seg s = make_seg(g, sp);
    s.meta.dirty = g < 2 * kP;
    s.meta.erased = false;
    s.unc = false;
    segs.push_back(s);
  }
  tr_.corr_lat_min = 1;
  tr_.corr_lat_max = 10;
  starve_lanes_ = true;
  load(sp, &segs);
  sim().cycle(2000);
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_GT(top().stall_lanes_o, 1000u);
  starve_lanes_ = false;
  ASSERT_NO_FATAL_FAILURE(run(100000));
}

/// Corrector starvation: cin_ready low for a long spell (stall_corrector counts while a dirty head
/// waits), clean segments keep flowing out of order.
TEST_F(Dispatch, CorrectorStarvation) {
  rng_.seed(test_seed("Dispatch.CorrectorStarvation", 0xd15a0008));
  GemvSpec sp;
  sp.nsegs = 80;
  sp.p_dirty = 0.3;
  sp.p_unc = 0.0;
  tr_.window = 200;
  starve_corr_ = true;
  load(sp);
  sim().cycle(3000);
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_GT(top().stall_corrector_o, 1000u);
  EXPECT_GT(top().cnt_clean_o, 0u) << "clean segments did not overtake the dirty heads";
  starve_corr_ = false;
  ASSERT_NO_FATAL_FAILURE(run(100000));
}

/// nsegs 0 (everything is a DROP, the counters stay 0) and nsegs 1; back-to-back GEMVs (clear_i).
TEST_F(Dispatch, TinyGemvs) {
  rng_.seed(test_seed("Dispatch.TinyGemvs", 0xd15a0009));
  for (uint32_t n : {0u, 1u, 0u, 1u, 2u}) {
    GemvSpec sp;
    sp.nsegs = n;
    sp.drops = 2 * kP;
    sp.p_dirty = 0.5;
    load(sp);
    ASSERT_NO_FATAL_FAILURE(run(100000));
  }
}

/// The GEMVs of one command (an ATTN's phases: clear_i restarts the segment order, cnt_clear_i only
/// at the command): the counters add up over them, and restart at the next command.
TEST_F(Dispatch, CountersAddUpOverThePhasesOfOneCommand) {
  rng_.seed(test_seed("Dispatch.PhaseCounters", 0xd15a000a));
  for (int cmd = 0; cmd < 3; ++cmd) {
    for (int phase = 0; phase < 3; ++phase) {
      GemvSpec sp;
      sp.nsegs = 16 + uint32_t(rng_() % 48);
      sp.drops = uint32_t(rng_() % kP);
      sp.p_dirty = 0.3;
      load(sp, nullptr, phase == 0);
      ASSERT_NO_FATAL_FAILURE(run(200000));
    }
    EXPECT_GT(top().cnt_clean_o, model_.counters().clean) << "the counters did not add up over the phases";
  }
}

}  // namespace
}  // namespace ifc::tb
