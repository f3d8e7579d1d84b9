// The system simulator's timing and energy model (docs/system_sim.md, "Model").
#include "llm/llm_sim.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace ifc::llm {

Breakdown& Breakdown::operator+=(const Breakdown& o) {
  flash_gemv_s += o.flash_gemv_s;
  attention_s += o.attention_s;
  transfer_s += o.transfer_s;
  scheduler_s += o.scheduler_s;
  kv_program_s += o.kv_program_s;
  return *this;
}

Breakdown Breakdown::scaled(double f) const {
  Breakdown b = *this;
  for (double* x : {&b.flash_gemv_s, &b.attention_s, &b.transfer_s, &b.scheduler_s, &b.kv_program_s}) *x *= f;
  return b;
}

Energy& Energy::operator+=(const Energy& o) {
  flash_to_logic_J += o.flash_to_logic_J;
  channel_J += o.channel_J;
  dram_J += o.dram_J;
  link_J += o.link_J;
  storage_J += o.storage_J;
  hbm_J += o.hbm_J;
  sense_J += o.sense_J;
  mac_J += o.mac_J;
  ecc_J += o.ecc_J;
  program_J += o.program_J;
  return *this;
}

Energy Energy::scaled(double f) const {
  Energy e = *this;
  for (double* x : {&e.flash_to_logic_J, &e.channel_J, &e.dram_J, &e.link_J, &e.storage_J, &e.hbm_J, &e.sense_J,
                    &e.mac_J, &e.ecc_J, &e.program_J})
    *x *= f;
  return e;
}

Traffic& Traffic::operator+=(const Traffic& o) {
  flash_sensed += o.flash_sensed;
  flash_to_logic += o.flash_to_logic;
  channel += o.channel;
  dram += o.dram;
  link += o.link;
  storage += o.storage;
  hbm += o.hbm;
  flash_macs += o.flash_macs;
  npu_macs += o.npu_macs;
  gpu_macs += o.gpu_macs;
  segments_sensed += o.segments_sensed;
  pages_programmed += o.pages_programmed;
  return *this;
}

Breakdown RunResult::per_token_time() const { return decode_time.scaled(decode ? 1.0 / double(decode) : 0.0); }

Simulator::Simulator(ModelConfig m, SystemConfig s, Calibration c) : m_(std::move(m)), s_(std::move(s)), c_(std::move(c)) {
  cp_ = c_.at(s_.flash.rber, s_.flash.ecc_mode);
  wf_ = s_.flash;
  if (s_.kv.place == KvPlace::kFlash) {
    cp_kv_ = c_.at(s_.kv.rber, s_.flash.ecc_mode);
    if (s_.kv.variant == KvVariant::kDiscrete) wf_.channels = s_.flash.channels - s_.kv.kv_channels;
    if (kv_tokens_per_page() == 0)
      throw ConfigError(fmt::format("{}: a KV page of {} B cannot hold one token of one head group ({} x {} B)", s_.name,
                                    s_.kv.nand.page_data_bytes, m_.head_dim(), s_.kv_bytes));
  }
}

double Simulator::die_gemv_Bps() const {
  const auto& F = wf_;
  // The calibration measures one 4-plane die of the RTL; a die with other parameters keeps the
  // measured utilisation (the fraction of the sensing bandwidth the datapath sustains).
  const double sense_Bps = double(F.ifc_planes_per_die) * double(F.page_data_bytes) / (F.tR_us * F.tR_scale * 1e-6);
  const double mac_Bps = double(F.macs_per_cycle) * F.logic_clock_MHz * 1e6 * s_.weight_bytes;
  return std::min(sense_Bps * cp_.utilization, mac_Bps);
}

double Simulator::flash_gemv_s(double rows, double cols, double share, Traffic* t) const {
  const auto& F = wf_;
  const double W = rows * cols * s_.weight_bytes * share;
  if (W <= 0) return 0;
  const double N = double(F.dies());
  const double C = double(F.channels);
  const double ch_Bps = F.channel_Bps();
  const double die_Bps = die_gemv_Bps();
  // Cambricon-LLM hardware tiling: the NPU reads a share of the weights over the channels at the
  // same time, so that both sides finish together.
  const double f_npu = s_.npu_tiling ? C * ch_Bps / (N * die_Bps + C * ch_Bps) : 0.0;
  const double W_flash = W * (1 - f_npu);
  const double unit = double(F.ifc_planes_per_die) * double(F.page_data_bytes);
  double units = W_flash / N / unit;
  double fill_s = 0;
  if (!F.prefetch) {
    // Without a deterministic prefetch every die starts the GEMV with a full tR, and a die reads
    // whole multi-plane pages of this matrix only.
    units = std::ceil(units - 1e-9);
    fill_s = F.tR_us * F.tR_scale * 1e-6;
  }
  const double t_dies = units * unit / die_Bps + fill_s;
  const double t_npu_share = f_npu > 0 ? W * f_npu / (C * ch_Bps) : 0.0;
  const double compute_s = std::max(t_dies, t_npu_share);
  // Activation broadcast (each channel carries the whole vector to its dies) and result gather.
  const double in_s = cols * s_.act_bytes / ch_Bps;
  const double out_s = rows * share * s_.result_bytes / (C * ch_Bps);
  if (t) {
    const double sensed = units * unit * N + W * f_npu;
    t->flash_sensed += sensed;
    t->flash_to_logic += units * unit * N;
    t->channel += C * cols * s_.act_bytes + rows * share * s_.result_bytes + W * f_npu;
    t->flash_macs += W_flash / s_.weight_bytes;
    t->npu_macs += W * f_npu / s_.weight_bytes;
    t->segments_sensed += sensed / c_.seg_payload_bytes;
  }
  return compute_s + in_s + out_s;
}

Energy Simulator::energy_of(const Traffic& t) const {
  const auto& E = s_.energy;
  constexpr double pJ = 1e-12;
  Energy e;
  e.sense_J = t.flash_sensed * 8 * E.nand_sense_pJ_per_bit * pJ;
  e.flash_to_logic_J = t.flash_to_logic * 8 * E.flash_to_logic_pJ_per_bit * pJ;
  e.channel_J = t.channel * 8 * E.channel_pJ_per_bit * pJ;
  e.dram_J = t.dram * 8 * E.dram_pJ_per_bit * pJ;
  e.link_J = t.link * 8 * E.link_pJ_per_bit * pJ;
  e.storage_J = t.storage * 8 * E.storage_pJ_per_bit * pJ;
  e.hbm_J = t.hbm * 8 * E.hbm_pJ_per_bit * pJ;
  e.mac_J = (t.flash_macs * E.flash_mac_pJ + t.npu_macs * E.npu_mac_pJ + t.gpu_macs * E.gpu_mac_pJ) * pJ;
  e.program_J = t.pages_programmed * E.nand_program_mW * 1e-3 * s_.kv.nand.tPROG_us * 1e-6;
  e.ecc_J = (t.flash_to_logic * 8 * E.ecc_check_pJ_per_bit +
             t.segments_sensed * cp_.corrected_per_segment * E.ecc_correct_pJ_per_segment) *
            pJ;
  return e;
}

TokenResult Simulator::decode_token(uint64_t context) const {
  return s_.kind == SystemKind::kGpuOffload ? decode_gpu(context) : decode_ifc(context);
}

TokenResult Simulator::decode_ifc(uint64_t c) const {
  TokenResult r;
  r.context = c;
  const double h = double(m_.hidden_size);
  const double L = double(m_.num_hidden_layers);
  const double qkv_rows = h + 2.0 * double(m_.kv_dim());
  const double kv_read = double(c) * double(m_.kv_elems_per_token_layer()) * s_.kv_bytes;  // per layer
  const double att_macs = 2.0 * double(c) * h;  // q.K^T and p.V over all query heads, per layer
  const double npu_Bps = s_.npu.dram_GBps * 1e9;
  const double npu_macps = s_.npu.peak_TOPS * 1e12 / 2;
  const double Wa = double(m_.attn_params()) * s_.weight_bytes;

  Breakdown layer;
  Traffic lt;
  int gemvs = 0;
  // ---- attention block
  if (s_.attention_proj == Place::kNpu) {
    // The NPU computes the projections from DRAM and the attention over the KV cache; the
    // scheduler moves the share alpha of the projection rows to the flash dies (the weights
    // are also in flash), run concurrently with the NPU's part.
    auto t_npu = [&](double a) {
      return std::max(((1 - a) * Wa + kv_read) / npu_Bps, ((1 - a) * Wa / s_.weight_bytes + att_macs) / npu_macps);
    };
    auto t_flash = [&](double a, Traffic* t) {
      return flash_gemv_s(qkv_rows, h, a, t) + flash_gemv_s(h, h, a, t);
    };
    auto best_alpha = [&](double kv, double macs) {
      // max(t_npu, t_flash) is minimised where they cross; t_npu falls and t_flash rises in a.
      auto tn = [&](double a) {
        return std::max(((1 - a) * Wa + kv) / npu_Bps, ((1 - a) * Wa / s_.weight_bytes + macs) / npu_macps);
      };
      double lo = 0, hi = 1;
      if (tn(1) >= t_flash(1, nullptr)) return 1.0;
      for (int i = 0; i < 60; ++i) {
        const double mid = 0.5 * (lo + hi);
        if (tn(mid) > t_flash(mid, nullptr)) lo = mid;
        else hi = mid;
      }
      return hi;
    };
    double a = 0;
    if (s_.scheduler == Scheduler::kKvAware) a = best_alpha(kv_read, att_macs);
    else if (s_.scheduler == Scheduler::kStatic) a = best_alpha(0, 0);  // tuned once, for an empty cache
    r.alpha = a;
    const double tn = t_npu(a);
    const double tf = a > 0 ? t_flash(a, &lt) : 0.0;
    if (a > 0) gemvs += 2;
    layer.attention_s += std::max(tn, tf);
    lt.dram += (1 - a) * Wa + kv_read;
    lt.npu_macs += (1 - a) * Wa / s_.weight_bytes + att_macs;
  } else {
    Traffic g;
    const double tq = flash_gemv_s(qkv_rows, h, 1, &g);
    const double to = flash_gemv_s(h, h, 1, &g);
    gemvs += 2;
    lt += g;
    layer.flash_gemv_s += tq + to;
    if (s_.kv.place == KvPlace::kFlash) {
      // KVNAND: attention on the flash dies over the K and V pages; no DRAM.
      double x = 0;
      layer.attention_s += flash_attention_s(c, &lt, &x) - x;
      layer.transfer_s += x;
    } else {
      layer.attention_s += std::max(kv_read / npu_Bps, att_macs / npu_macps);
      lt.dram += kv_read;
      lt.npu_macs += att_macs;
    }
  }
  // ---- FFN: always in flash
  const double f = double(m_.intermediate_size);
  if (m_.ffn_kind == FfnKind::kGated) {
    layer.flash_gemv_s += flash_gemv_s(2 * f, h, 1, &lt);  // gate and up share their input: one pass
    layer.flash_gemv_s += flash_gemv_s(h, f, 1, &lt);      // down
  } else {
    layer.flash_gemv_s += flash_gemv_s(f, h, 1, &lt);
    layer.flash_gemv_s += flash_gemv_s(h, f, 1, &lt);
  }
  gemvs += 2;
  layer.scheduler_s += (s_.scheduler != Scheduler::kNone ? s_.scheduler_us_per_layer * 1e-6 : 0.0) +
                       gemvs * s_.sync_us_per_gemv * 1e-6;

  // Move the channel transfers of the flash GEMVs out of flash_gemv_s into transfer_s: recompute
  // them (they are linear in the shapes).
  auto xfer = [&](double rows, double cols, double share) {
    return cols * s_.act_bytes / wf_.channel_Bps() + rows * share * s_.result_bytes / (double(wf_.channels) * wf_.channel_Bps());
  };
  double layer_xfer = 0;
  if (s_.attention_proj == Place::kFlash) layer_xfer += xfer(qkv_rows, h, 1) + xfer(h, h, 1);
  layer_xfer += m_.ffn_kind == FfnKind::kGated ? xfer(2 * f, h, 1) + xfer(h, f, 1) : xfer(f, h, 1) + xfer(h, f, 1);
  layer.flash_gemv_s -= layer_xfer;
  layer.transfer_s += layer_xfer;

  r.time.flash_gemv_s = layer.flash_gemv_s * L;
  r.time.attention_s = layer.attention_s * L;
  r.time.transfer_s = layer.transfer_s * L;
  r.time.scheduler_s = layer.scheduler_s * L;
  Traffic tot;
  for (int i = 0; i < int(m_.num_hidden_layers); ++i) tot += lt;  // exact, no rounding of the scale
  // ---- LM head
  const double V = double(m_.vocab_size);
  if (s_.lm_head == Place::kFlash) {
    const double t = flash_gemv_s(V, h, 1, &tot);
    const double x = xfer(V, h, 1);
    r.time.flash_gemv_s += t - x;
    r.time.transfer_s += x;
  } else {
    const double W = V * h * s_.weight_bytes;
    r.time.attention_s += std::max(W / npu_Bps, V * h / npu_macps);
    tot.dram += W;
    tot.npu_macs += V * h;
  }
  if (s_.kv.place == KvPlace::kFlash) {
    // KV page programs: in the compact variant they stall the dies that also read the weights; the
    // discrete variant's KV dies program while the weight dies compute (hidden up to that time).
    const double prog = kv_program_s_per_token();
    const double weights = r.time.flash_gemv_s + r.time.transfer_s;
    r.time.kv_program_s = s_.kv.variant == KvVariant::kCompact ? prog : std::max(0.0, prog - weights);
  }
  r.traffic = tot;
  r.energy = energy_of(tot);
  return r;
}

TokenResult Simulator::decode_gpu(uint64_t c) const {
  TokenResult r;
  r.context = c;
  const auto& G = s_.gpu;
  const double L = double(m_.num_hidden_layers);
  const double W = double(m_.decode_params()) * s_.weight_bytes;
  const double kv = L * double(c) * double(m_.kv_elems_per_token_layer()) * s_.kv_bytes;
  const double macs = double(m_.decode_params()) + L * 2.0 * double(c) * double(m_.hidden_size);
  // Out-of-core: every weight is streamed from the SSD over PCIe into HBM for every token
  // (double-buffered, so the stream overlaps the compute of the previous layer).
  const double stream_Bps = std::min(G.storage_GBps, G.link_GBps) * 1e9;
  const double t_stream = W / stream_Bps;
  const double t_comp = 2 * macs / (G.peak_TOPS * 1e12 * G.compute_efficiency) + (2 * W + kv) / (G.hbm_GBps * 1e9);
  r.time.transfer_s = t_stream;
  r.time.attention_s = std::max(0.0, t_comp - t_stream);
  r.time.scheduler_s = L * G.overhead_us_per_layer * 1e-6;
  r.traffic.storage = W;
  r.traffic.link = W;
  r.traffic.hbm = 2 * W + kv;
  r.traffic.gpu_macs = macs;
  r.energy = energy_of(r.traffic);
  return r;
}

double Simulator::prefill_s(uint64_t P, Energy* energy) const {
  if (P == 0) return 0;
  const double p = double(P);
  const double h = double(m_.hidden_size);
  const double L = double(m_.num_hidden_layers);
  const double params_layer = double(m_.attn_params() + m_.ffn_params());
  // Causal self-attention over the prompt: q.K^T and p.V, about P^2/2 pairs per head dimension.
  const double att_macs_layer = 2.0 * (p * p / 2) * h;
  Traffic t;
  double total = 0;
  if (s_.kind == SystemKind::kGpuOffload) {
    const auto& G = s_.gpu;
    const double W = double(m_.decode_params()) * s_.weight_bytes;
    const double macs = p * double(m_.decode_params()) + L * att_macs_layer;
    const double t_stream = W / (std::min(G.storage_GBps, G.link_GBps) * 1e9);
    const double t_comp = 2 * macs / (G.peak_TOPS * 1e12 * G.compute_efficiency);
    total = std::max(t_stream, t_comp) + L * G.overhead_us_per_layer * 1e-6;
    t.storage = W;
    t.link = W;
    t.hbm = 2 * W + L * p * double(m_.kv_elems_per_token_layer()) * s_.kv_bytes;
    t.gpu_macs = macs;
  } else {
    const auto& F = wf_;
    const double N = double(F.dies());
    const double ch_Bps = F.channel_Bps();
    const double die_macps = double(F.macs_per_cycle) * F.logic_clock_MHz * 1e6;
    const double npu_macps = s_.npu.peak_TOPS * 1e12 / 2;
    const double npu_Bps = s_.npu.dram_GBps * 1e9;
    // A flash GEMM over the prompt: each weight page is sensed once and used for all P tokens,
    // so a die is bound by its MACs; activations in and results out go over the channels.
    auto flash_gemm = [&](double rows, double cols, double share) {
      const double W = rows * cols * s_.weight_bytes * share;
      const double read = W / N / die_gemv_Bps();
      const double mac = (W / s_.weight_bytes) * p / N / die_macps;
      t.flash_sensed += W;
      t.flash_to_logic += W;
      t.flash_macs += W / s_.weight_bytes * p;
      t.channel += double(F.channels) * p * cols * s_.act_bytes + p * rows * share * s_.result_bytes;
      return std::max(read, mac) + p * cols * s_.act_bytes / ch_Bps +
             p * rows * share * s_.result_bytes / (double(F.channels) * ch_Bps);
    };
    double layer = 0;
    const double qkv_rows = h + 2.0 * double(m_.kv_dim());
    const double Wa_macs = double(m_.attn_params()) * p;
    if (s_.attention_proj == Place::kNpu) {
      // The projections split between the NPU and the flash dies in proportion to their MACs
      // (no split without a scheduler).
      const double a = s_.scheduler == Scheduler::kNone ? 0.0 : N * die_macps / (N * die_macps + npu_macps);
      const double tn = std::max((1 - a) * double(m_.attn_params()) * s_.weight_bytes / npu_Bps, (1 - a) * Wa_macs / npu_macps);
      double tf = 0;
      if (a > 0) tf = flash_gemm(qkv_rows, h, a) + flash_gemm(h, h, a);
      layer += std::max(tn, tf);
      t.dram += (1 - a) * double(m_.attn_params()) * s_.weight_bytes;
      t.npu_macs += (1 - a) * Wa_macs;
    } else {
      layer += flash_gemm(qkv_rows, h, 1) + flash_gemm(h, h, 1);
    }
    if (s_.kv.place == KvPlace::kDram) {
      const double kv_w = p * double(m_.kv_elems_per_token_layer()) * s_.kv_bytes;
      layer += std::max((kv_w + kv_w * p / 2) / npu_Bps, att_macs_layer / npu_macps);
      t.dram += kv_w + kv_w * p / 2;
      t.npu_macs += att_macs_layer;
    }
    const double f = double(m_.intermediate_size);
    if (m_.ffn_kind == FfnKind::kGated) layer += flash_gemm(2 * f, h, 1) + flash_gemm(h, f, 1);
    else layer += flash_gemm(f, h, 1) + flash_gemm(h, f, 1);
    // flash_gemm accumulated the traffic of one layer; scale it to all layers.
    Traffic all;
    for (int i = 0; i < int(m_.num_hidden_layers); ++i) all += t;
    t = all;
    total = layer * L;
    (void)params_layer;
    if (s_.kv.place == KvPlace::kFlash) total += kvnand_prefill_attention_s(p, &t);  // all layers
    // LM head for the last prompt token only.
    total += flash_gemv_s(double(m_.vocab_size), h, 1, &t);
  }
  if (energy) *energy = energy_of(t);
  return total;
}

RunResult Simulator::run(uint64_t context, uint64_t decode) const {
  RunResult rr;
  rr.model = m_.name;
  rr.system = s_.name;
  rr.context = context;
  rr.decode = decode;
  rr.calib = cp_;
  if (s_.kind == SystemKind::kIfc && s_.kv.place == KvPlace::kFlash) rr.kv_calibration = kv_die_timing().to_json();
  rr.prefill_s = prefill_s(context, &rr.prefill_energy);
  // Every token for runs up to 4096 tokens (exact). Longer runs sample the middle of each stride:
  // exact where the cost is affine in the context, an approximation where the scheduler's share
  // changes within a stride.
  const uint64_t stride = decode > 4096 ? decode / 1024 : 1;
  for (uint64_t i = 0; i < decode; i += stride) {
    const uint64_t n = std::min<uint64_t>(stride, decode - i);
    const auto tr = decode_token(context + i + (n - 1) / 2);
    rr.decode_time += tr.time.scaled(double(n));
    rr.decode_energy += tr.energy.scaled(double(n));
  }
  rr.weight_bytes = double(m_.decode_params()) * s_.weight_bytes;
  rr.kv_cache_bytes = double(m_.num_hidden_layers) * double(context + decode) * double(m_.kv_elems_per_token_layer()) * s_.kv_bytes;
  rr.capacity = capacity(context + decode);
  if (rr.capacity.oom) rr.notes.push_back("out of memory: " + rr.capacity.oom_reason);
  rr.lifetime = lifetime(context + decode);
  if (context + decode > m_.max_position_embeddings)
    rr.notes.push_back(fmt::format("context + decode = {} exceeds the model's max_position_embeddings {}",
                                   context + decode, m_.max_position_embeddings));
  return rr;
}

nlohmann::json RunResult::to_json() const {
  const Breakdown b = per_token_time();
  const Energy e = per_token_energy();
  nlohmann::json j = {
      {"model", model},
      {"system", system},
      {"context", context},
      {"decode", decode},
      {"tokens_per_s", tokens_per_s()},
      {"per_token_latency_s", decode ? decode_s() / double(decode) : 0.0},
      {"per_token_breakdown_s",
       {{"flash_gemv", b.flash_gemv_s}, {"attention", b.attention_s}, {"transfers", b.transfer_s}, {"scheduler", b.scheduler_s},
        {"kv_program", b.kv_program_s}}},
      {"prefill_s", prefill_s},
      {"decode_s", decode_s()},
      {"end_to_end_s", end_to_end_s()},
      {"energy_per_token_J",
       {{"total", e.total()},
        {"data_movement", e.data_movement()},
        {"compute", e.compute()},
        {"nand_sense", e.sense_J},
        {"flash_to_logic", e.flash_to_logic_J},
        {"channel", e.channel_J},
        {"dram", e.dram_J},
        {"link", e.link_J},
        {"storage", e.storage_J},
        {"hbm", e.hbm_J},
        {"mac", e.mac_J},
        {"ecc", e.ecc_J},
        {"kv_program", e.program_J}}},
      {"prefill_energy_J", prefill_energy.total()},
      {"weight_bytes", weight_bytes},
      {"kv_cache_bytes", kv_cache_bytes},
      {"calibration",
       {{"rber", calib.rber},
        {"ecc_mode", to_string(calib.mode)},
        {"die_utilization", calib.utilization},
        {"corrected_per_segment", calib.corrected_per_segment},
        {"uncorrectable_per_segment", calib.uncorrectable_per_segment},
        {"kv_attention", kv_calibration}}},
      {"oom", capacity.oom},
      {"capacity", capacity.to_json()},
      {"lifetime", lifetime.to_json()},
      {"notes", notes}};
  return j;
}

}  // namespace ifc::llm
