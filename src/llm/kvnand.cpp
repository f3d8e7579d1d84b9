// KVNAND (arXiv 2512.03608) in the system simulator: the KV cache in compute-enabled flash with
// page-level mapping, attention (q.K^T, softmax, p.V) on the flash dies, head-group parallelism over
// planes and dies, KV page programs, the capacity model (what runs out of memory where) and the
// endurance of the KV pages with and without wear levelling. docs/kvnand_system.md.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>

#include "llm/llm_sim.hpp"
#include "nand/nand_config.hpp"

namespace ifc::llm {

namespace fs = std::filesystem;

NandParams NandParams::load(const std::string& name_or_path, const std::string& nand_dir) {
  std::string path = name_or_path;
  if (!fs::is_regular_file(path)) path = (fs::path(nand_dir) / (name_or_path + ".json")).string();
  if (!fs::is_regular_file(path)) {
    std::vector<std::string> names;
    if (fs::is_directory(nand_dir))
      for (const auto& e : fs::directory_iterator(nand_dir))
        if (e.path().extension() == ".json") names.push_back(e.path().stem().string());
    std::sort(names.begin(), names.end());
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    throw ConfigError(fmt::format("no NAND configuration '{}' (tried {}); known: {}", name_or_path, path,
                                  list.empty() ? "none" : list));
  }
  nand::NandConfig c;
  try {
    c = nand::NandConfig::from_json_file(path);
  } catch (const std::exception& e) {
    throw ConfigError(e.what());
  }
  NandParams p;
  p.origin = path;
  p.cell_type = nand::to_string(c.cell_type);
  p.planes_per_die = c.planes_per_die;
  p.blocks_per_plane = c.blocks_per_plane;
  p.pages_per_block = c.pages_per_block;
  p.page_data_bytes = c.page_data_bytes;
  p.tR_us = double(c.t_read_ns) * 1e-3;
  p.tPROG_us = double(c.t_prog_ns) * 1e-3;
  p.tBERS_us = double(c.t_erase_ns) * 1e-3;
  p.endurance_pe_cycles = c.endurance_pe_cycles;
  p.base_rber = c.errors.base_rber;
  return p;
}

std::string to_string(KvVariant v) { return v == KvVariant::kDiscrete ? "discrete" : "compact"; }

double kv_lifetime_tokens(double streams, double tokens_per_page, double session_tokens, double endurance,
                          double region_pages, bool wear_levelling, bool flush_open_pages) {
  const double per_stream = flush_open_pages ? std::ceil(session_tokens / tokens_per_page)
                                             : std::floor(session_tokens / tokens_per_page);
  const double pages_per_session = streams * per_stream;
  if (pages_per_session <= 0) return std::numeric_limits<double>::infinity();
  // Fixed mapping: (stream, page index) -> one physical page, so every session erases and re-programs
  // the same blocks: the blocks that hold the first tokens of a session wear one P/E per session.
  if (!wear_levelling) return endurance * session_tokens;
  // Log-structured over the whole region: each block is filled `endurance` times before it wears out.
  return endurance * region_pages / pages_per_session * session_tokens;
}

uint64_t Simulator::kv_tokens_per_page() const {
  const double entry = double(m_.head_dim()) * s_.kv_bytes;  // one head group's K (or V) of one token
  return uint64_t(std::floor(double(s_.kv.nand.page_data_bytes) / entry));
}

double Simulator::weight_dies() const { return double(wf_.dies()); }

double Simulator::kv_dies() const {
  const auto& F = s_.flash;
  if (s_.kv.variant == KvVariant::kDiscrete) return double(s_.kv.kv_channels) * F.chips_per_channel * F.dies_per_chip;
  return double(F.dies());
}

double Simulator::kv_channels() const {
  return s_.kv.variant == KvVariant::kDiscrete ? double(s_.kv.kv_channels) : double(s_.flash.channels);
}

Simulator::KvDieTiming Simulator::kv_die_timing() const {
  KvDieTiming k;
  if (c_.kv_measured) {
    k.measured = true;
    k.origin = c_.kv_origin;
    k.provenance = c_.kv_provenance;
    k.stream_utilization = c_.kv_stream_utilization;
    k.command_tR = c_.kv_command_tR;
    k.extra_group_tR = c_.kv_extra_group_tR;
  } else {
    k.origin = fmt::format("GEMV calibration {} at the KV pages' RBER {:g}", c_.origin, s_.kv.rber);
    k.stream_utilization = cp_kv_.utilization;
  }
  return k;
}

nlohmann::json Simulator::KvDieTiming::to_json() const {
  return {{"measured", measured},
          {"origin", origin},
          {"stream_utilization", stream_utilization},
          {"command_tR", command_tR},
          {"extra_group_tR", extra_group_tR},
          {"provenance", provenance.empty() ? nlohmann::json(nullptr) : nlohmann::json::parse(provenance)}};
}

double Simulator::flash_attention_s(uint64_t c, Traffic* t, double* transfer_s) const {
  const auto& K = s_.kv;
  const auto& F = s_.flash;
  const double G = double(m_.num_key_value_heads);                 // head groups (one KV head each)
  const double qpg = double(m_.num_attention_heads) / G;           // query heads per group
  const double d = double(m_.head_dim());
  const double e = s_.kv_bytes;
  const double h = double(m_.hidden_size);
  const double tpp = double(kv_tokens_per_page());
  const double np = std::floor(double(c) / tpp);                   // full (programmed) pages per stream
  const double open = double(c) - np * tpp;                        // tokens still in the SRAM open page
  const double Nd = kv_dies();
  const double P = double(K.nand.planes_per_die);
  const double page = double(K.nand.page_data_bytes);
  const double f = F.logic_clock_MHz * 1e6;
  const double macps = double(K.macs_per_cycle) * f;
  const double expps = K.softmax_per_cycle * f;
  const KvDieTiming kt = kv_die_timing();
  const double u = kt.stream_utilization;
  const double tR = K.nand.tR_us * 1e-6;
  // Page-level mapping stripes each stream's pages over the KV dies, and puts the K and the V page of
  // one (group, run of tokens) on different planes of one die, so that one multi-plane read senses both.
  // Head-group parallel: the groups run at once, so a die holds ceil(G np / Nd) K pages of the layer
  // and as many V pages. One group at a time (the RTL's one attention command per group): G sequential
  // commands of ceil(np / Nd) K and V pages per die.
  // Per die: sensing P pages per tR / u; a K or V byte feeds qpg MACs (the group's query heads share
  // it, GQA), so GQA can be MAC-bound; one exp per token and query head. The open pages (c mod tpp
  // tokens per stream) come from the SRAM write buffer, on the lanes of one die. Sensing, MACs and
  // exps pipeline page by page (online softmax: running max and sum, p.V rescaled), so the slowest of
  // the three sets the time; without prefetch the first tR is exposed.
  // Every command on a die also pays a fixed cost (kv.json: the first tR and the last drain of an
  // ATTN), and in the head-group parallel case the groups that share a die run as one ATTN_MULTI:
  // each further group adds extra_group_tR (kv.json: about 0, its first tR overlaps the previous
  // group's drain). The groups on the busiest die: every group covers min(np, Nd) dies.
  const double per_die = K.head_group_parallel ? std::ceil(G * np / Nd) : std::ceil(np / Nd);
  const double open_groups = K.head_group_parallel ? std::min(G, std::ceil(G / Nd) * (open > 0 ? 1.0 : 0.0)) : (open > 0 ? 1.0 : 0.0);
  const double commands = K.head_group_parallel ? 1.0 : G;
  const double groups_on_die =
      K.head_group_parallel ? std::min(G, std::max(std::ceil(G * std::min(np, Nd) / Nd), open_groups)) : 1.0;
  const double t_sense = std::ceil(2 * per_die / P) * tR / u;
  const double t_mac = (2 * per_die * page / e + 2 * open_groups * open * d) * qpg / macps;
  const double t_exp = (per_die * tpp + open_groups * open) * qpg / expps;
  const double fill = (np > 0 && !F.prefetch) ? tR : 0.0;
  const double t_cmd = (kt.command_tR + (groups_on_die - 1) * kt.extra_group_tR) * tR;
  const double t_att = (np > 0 || open > 0) ? commands * (std::max({t_sense, t_mac, t_exp}) + fill + t_cmd) : 0.0;
  // Partial softmax per die (local max, sum and p.V in FP32), combined by the controller.
  const double dies_per_group = std::min(Nd, std::ceil(np / P) + (open > 0 ? 1.0 : 0.0));
  const double partial = G * dies_per_group * qpg * (d + 2) * K.partial_bytes;
  const double ch = F.channel_Bps();
  const double C = kv_channels();
  const double t_q = h * e / ch;                                   // q broadcast on every KV channel
  const double t_part = partial / (C * ch);
  const double t_append = 2.0 * double(m_.kv_dim()) * e / (C * ch);  // the token's K and V into the buffers
  const double xfer = t_q + t_part + t_append;
  if (t) {
    const double sensed = 2 * G * np * page;
    t->flash_sensed += sensed;
    t->flash_to_logic += sensed;
    t->channel += C * h * e + partial + 2.0 * double(m_.kv_dim()) * e;
    t->flash_macs += 2.0 * double(c) * h;
    t->npu_macs += G * dies_per_group * qpg * (d + 2);            // the controller's combine
    t->segments_sensed += sensed / c_.seg_payload_bytes;
    t->pages_programmed += 2 * G / tpp;                             // amortised: a page per tpp tokens
  }
  if (transfer_s) *transfer_s = xfer;
  return t_att + xfer;
}

double Simulator::kv_program_s_per_token() const {
  // Pages filled per token (all layers), spread over the KV dies by the page-level mapping; a program
  // keeps one plane busy for tPROG, which stalls the die's multi-plane reads.
  const double pages = 2.0 * double(m_.num_key_value_heads) * double(m_.num_hidden_layers) / double(kv_tokens_per_page());
  return pages / kv_dies() * s_.kv.nand.tPROG_us * 1e-6;
}

double Simulator::kvnand_prefill_attention_s(double p, Traffic* t) const {
  // Causal attention over the prompt on the KV dies: each K / V page is sensed once and serves every
  // later query, so the dies are bound by their MACs (or the single pass over the pages); then the
  // prompt's KV pages are programmed (plane-parallel).
  const auto& K = s_.kv;
  const double h = double(m_.hidden_size);
  const double L = double(m_.num_hidden_layers);
  const double G = double(m_.num_key_value_heads);
  const double Nd = kv_dies();
  const double macs = 2.0 * (p * p / 2) * h;
  const double f = s_.flash.logic_clock_MHz * 1e6;
  const double kv_bytes = p * double(m_.kv_elems_per_token_layer()) * s_.kv_bytes;
  const double sense_Bps = double(K.nand.planes_per_die) * double(K.nand.page_data_bytes) / (K.nand.tR_us * 1e-6);
  const double t_att = std::max(macs / (Nd * double(K.macs_per_cycle) * f), kv_bytes / (Nd * sense_Bps));
  const double pages = 2 * G * std::ceil(p / double(kv_tokens_per_page()));
  const double t_prog = std::ceil(pages / (Nd * K.nand.planes_per_die)) * K.nand.tPROG_us * 1e-6;
  if (t) {
    t->flash_sensed += kv_bytes * L;
    t->flash_to_logic += kv_bytes * L;
    t->flash_macs += macs * L;
    t->channel += kv_bytes * L;  // the prompt's K and V into the write buffers
    t->pages_programmed += pages * L;
  }
  return (t_att + t_prog) * L;
}

Capacity Simulator::capacity(uint64_t tokens) const {
  Capacity cap;
  const double L = double(m_.num_hidden_layers);
  const double kv = L * double(tokens) * double(m_.kv_elems_per_token_layer()) * s_.kv_bytes;
  const double W = double(m_.decode_params()) * s_.weight_bytes;
  if (s_.kind != SystemKind::kIfc) return cap;  // the GPU baseline keeps the KV cache in 80 GB of HBM: not modelled here
  cap.weight_flash_need = W;
  cap.weight_flash_have = weight_dies() * s_.weight_nand.die_bytes();
  if (s_.kv.place == KvPlace::kDram) {
    cap.dram_need = kv;
    cap.dram_have = s_.npu.dram_capacity_GB * 1e9;
  } else {
    const auto& K = s_.kv;
    const double streams = 2.0 * double(m_.num_key_value_heads) * L;
    const double page = double(K.nand.page_data_bytes);
    cap.kv_flash_need = streams * std::ceil(double(tokens) / double(kv_tokens_per_page())) * page;
    if (K.variant == KvVariant::kDiscrete) {
      cap.kv_flash_have = kv_dies() * K.nand.die_bytes();
    } else {
      // Every die: the blocks the weights need (in the weight cell mode), the rest are KV blocks.
      const auto& Wn = s_.weight_nand;
      const double blocks = double(Wn.planes_per_die) * Wn.blocks_per_plane;
      const double wblock = double(Wn.pages_per_block) * double(Wn.page_data_bytes);
      const double wblocks = std::ceil(W / weight_dies() / wblock);
      cap.kv_flash_have = std::max(0.0, blocks - wblocks) * double(K.nand.pages_per_block) * page * kv_dies();
      cap.weight_flash_have = blocks * wblock * weight_dies();
    }
    cap.write_buffer_need = std::ceil(streams / kv_dies());
    cap.write_buffer_have = K.write_buffer_pages_per_die;
  }
  auto gb = [](double x) { return x / 1e9; };
  if (cap.weight_flash_need > cap.weight_flash_have) {
    cap.oom = true;
    cap.oom_reason = fmt::format("weights {:.1f} GB exceed the flash that holds them ({:.1f} GB)", gb(W), gb(cap.weight_flash_have));
  } else if (cap.dram_need > cap.dram_have) {
    cap.oom = true;
    cap.oom_reason = fmt::format("KV cache {:.1f} GB exceeds the NPU DRAM ({:.1f} GB)", gb(cap.dram_need), gb(cap.dram_have));
  } else if (cap.kv_flash_need > cap.kv_flash_have) {
    cap.oom = true;
    cap.oom_reason = fmt::format("KV cache {:.1f} GB exceeds the KV flash ({:.1f} GB in {} mode)", gb(cap.kv_flash_need),
                                 gb(cap.kv_flash_have), s_.kv.nand.cell_type);
  } else if (cap.write_buffer_need > cap.write_buffer_have) {
    cap.oom = true;
    cap.oom_reason = fmt::format("{:.0f} open KV pages per die exceed the {:.0f}-page SRAM write buffer",
                                 cap.write_buffer_need, cap.write_buffer_have);
  }
  return cap;
}

Lifetime Simulator::lifetime(uint64_t session_tokens) const {
  Lifetime lt;
  if (s_.kind != SystemKind::kIfc || s_.kv.place != KvPlace::kFlash) return lt;
  const auto& K = s_.kv;
  const double streams = 2.0 * double(m_.num_key_value_heads) * double(m_.num_hidden_layers);
  const double tpp = double(kv_tokens_per_page());
  lt.applies = true;
  lt.session_tokens = double(session_tokens);
  lt.pages_per_session = streams * (K.flush_open_pages_at_session_end ? std::ceil(lt.session_tokens / tpp)
                                                                      : std::floor(lt.session_tokens / tpp));
  lt.region_pages = capacity(session_tokens).kv_flash_have / double(K.nand.page_data_bytes);
  lt.endurance_pe_cycles = K.nand.endurance_pe_cycles;
  lt.tokens_no_wl = kv_lifetime_tokens(streams, tpp, lt.session_tokens, lt.endurance_pe_cycles, lt.region_pages, false,
                                       K.flush_open_pages_at_session_end);
  lt.tokens_wl = kv_lifetime_tokens(streams, tpp, lt.session_tokens, lt.endurance_pe_cycles, lt.region_pages, true,
                                    K.flush_open_pages_at_session_end);
  if (K.tokens_per_day > 0) {
    lt.days_no_wl = lt.tokens_no_wl / K.tokens_per_day;
    lt.days_wl = lt.tokens_wl / K.tokens_per_day;
  }
  return lt;
}

nlohmann::json Capacity::to_json() const {
  return {{"dram_need_bytes", dram_need},
          {"dram_have_bytes", dram_have},
          {"weight_flash_need_bytes", weight_flash_need},
          {"weight_flash_have_bytes", weight_flash_have},
          {"kv_flash_need_bytes", kv_flash_need},
          {"kv_flash_have_bytes", kv_flash_have},
          {"write_buffer_need_pages_per_die", write_buffer_need},
          {"write_buffer_have_pages_per_die", write_buffer_have},
          {"oom", oom},
          {"oom_reason", oom_reason}};
}

nlohmann::json Lifetime::to_json() const {
  if (!applies) return nullptr;
  auto fin = [](double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); };
  return {{"session_tokens", session_tokens},
          {"pages_per_session", pages_per_session},
          {"region_pages", region_pages},
          {"endurance_pe_cycles", endurance_pe_cycles},
          {"tokens_without_wear_levelling", fin(tokens_no_wl)},
          {"tokens_with_wear_levelling", fin(tokens_wl)},
          {"days_without_wear_levelling", fin(days_no_wl)},
          {"days_with_wear_levelling", fin(days_wl)}};
}

}  // namespace ifc::llm
