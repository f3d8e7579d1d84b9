// openifc system simulator: whole-model decode of a Hugging Face style LLM on NVLLM, the
// DRAM-equipped IFC baseline, SSD-like in-flash compute (Cambricon-LLM, AiF) and A800 out-of-core.
//
// Analytic (roofline + page-granular flash timing) model, calibrated from the cycle-exact RTL:
// per-die GEMV utilisation, ECC corrections and stall behaviour come from a calibration file
// written by scripts/calibrate.py (`make calibrate`). Nothing here depends on the Verilated models.
// docs/system_sim.md describes the model, its assumptions and the reproduction of the papers.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace ifc::llm {

/// A configuration error: names the file, the key and (where it applies) the allowed values.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// ---------------------------------------------------------------------------------------------
// Model (Hugging Face config.json fields)
// ---------------------------------------------------------------------------------------------
enum class FfnKind { kStandard, kGated };

struct ModelConfig {
  std::string name;
  std::string model_type;
  FfnKind ffn_kind = FfnKind::kStandard;
  uint64_t hidden_size = 0;
  uint64_t intermediate_size = 0;
  uint64_t num_hidden_layers = 0;
  uint64_t num_attention_heads = 0;
  uint64_t num_key_value_heads = 0;
  uint64_t vocab_size = 0;
  uint64_t max_position_embeddings = 0;

  uint64_t head_dim() const { return hidden_size / num_attention_heads; }
  uint64_t kv_dim() const { return head_dim() * num_key_value_heads; }
  /// Parameters (elements) per decoder layer, by part.
  uint64_t attn_qkv_params() const { return hidden_size * (hidden_size + 2 * kv_dim()); }
  uint64_t attn_o_params() const { return hidden_size * hidden_size; }
  uint64_t attn_params() const { return attn_qkv_params() + attn_o_params(); }
  uint64_t ffn_params() const {
    return (ffn_kind == FfnKind::kGated ? 3 : 2) * hidden_size * intermediate_size;
  }
  uint64_t lm_head_params() const { return vocab_size * hidden_size; }
  /// Weights read per decoded token (all layers + LM head; the embedding is a row lookup).
  uint64_t decode_params() const {
    return num_hidden_layers * (attn_params() + ffn_params()) + lm_head_params();
  }
  /// KV-cache elements one token adds to one layer (K and V).
  uint64_t kv_elems_per_token_layer() const { return 2 * kv_dim(); }

  static ModelConfig from_json(const nlohmann::json& j, const std::string& origin);
  /// `name_or_path`: a directory holding config.json, a .json file, or a name under
  /// `models_dir` (configs/models/<name>/config.json).
  static ModelConfig load(const std::string& name_or_path, const std::string& models_dir);
};

// ---------------------------------------------------------------------------------------------
// System
// ---------------------------------------------------------------------------------------------
enum class SystemKind { kIfc, kGpuOffload };
enum class EccMode { kOutOfOrder, kInOrder, kNone };
enum class Place { kFlash, kNpu };
enum class Scheduler { kKvAware, kStatic, kNone };

struct FlashConfig {
  uint32_t channels = 0, chips_per_channel = 0, dies_per_chip = 0;
  uint32_t planes_per_die = 4;
  uint32_t ifc_planes_per_die = 4;     ///< planes whose pages feed the in-flash compute together
  uint64_t page_data_bytes = 16384;
  double tR_us = 30;
  double tR_scale = 1.0;               ///< AiF charge-recycling read: effective tR = tR_us x tR_scale
  double channel_MTps = 1000;
  uint32_t channel_width_bytes = 1;
  EccMode ecc_mode = EccMode::kOutOfOrder;
  bool prefetch = true;                ///< deterministic prefetch hides the first tR of every GEMV
  double logic_clock_MHz = 200;
  uint32_t macs_per_cycle = 16;
  double rber = 1e-4;
  uint64_t dies() const { return uint64_t(channels) * chips_per_channel * dies_per_chip; }
  double channel_Bps() const { return channel_MTps * 1e6 * channel_width_bytes; }
};

struct NpuConfig {
  double peak_TOPS = 2;
  double dram_GBps = 40;
  double dram_capacity_GB = 16;
};

struct GpuConfig {
  double peak_TOPS = 624;
  double compute_efficiency = 0.5;
  double hbm_GBps = 2039;
  double hbm_capacity_GB = 80;
  double storage_GBps = 7;
  double link_GBps = 25;
  double overhead_us_per_layer = 50;
};

struct EnergyConfig {
  double nand_sense_pJ_per_bit = 0;       ///< array read (sensing), not data movement
  double flash_to_logic_pJ_per_bit = 0;   ///< page buffer -> compute (W2W bond or on-die bus)
  double channel_pJ_per_bit = 0;          ///< flash channel I/O (ONFI / Toggle)
  double dram_pJ_per_bit = 0;             ///< NPU DRAM (LPDDR5X)
  double link_pJ_per_bit = 0;             ///< host link (PCIe)
  double storage_pJ_per_bit = 0;          ///< SSD read (out-of-core baseline)
  double hbm_pJ_per_bit = 0;              ///< GPU HBM
  double flash_mac_pJ = 0;                ///< one INT8 MAC on the flash logic die
  double npu_mac_pJ = 0;                  ///< one MAC on the NPU (incl. its SRAM)
  double gpu_mac_pJ = 0;                  ///< one MAC on the GPU
  double ecc_check_pJ_per_bit = 0;        ///< line-rate syndrome / remainder check
  double ecc_correct_pJ_per_segment = 0;  ///< one BM + Chien correction
  double nand_program_mW = 0;             ///< array power while a plane programs (x tPROG = energy per page)
};

/// Where the KV cache lives. kDram: on the NPU's DRAM, attention on the NPU (NVLLM, DRAM-equipped IFC).
/// kFlash: KVNAND, DRAM-free: the KV cache in compute-enabled flash, attention in flash.
enum class KvPlace { kDram, kFlash };
/// KVNAND variants (docs/kvnand_system.md). kDiscrete: the KV cache on dedicated dies (kv.kv_channels of
/// the flash channels, in the cell mode of kv.nand); the weights on the other channels. kCompact: every die
/// holds weights and KV blocks (the KV blocks in kv.nand's cell mode).
enum class KvVariant { kDiscrete, kCompact };

/// The NAND geometry, timing and endurance that the system simulator takes from a configs/nand/*.json
/// file, read through the NAND model's own loader (tb/nand NandConfig), so that both use one set of numbers.
struct NandParams {
  std::string origin = "(NandConfig defaults = configs/nand/default.json)";
  std::string cell_type = "TLC";
  uint32_t planes_per_die = 4, blocks_per_plane = 504, pages_per_block = 2304;
  uint64_t page_data_bytes = 16384;
  double tR_us = 30, tPROG_us = 1900, tBERS_us = 15000;
  uint32_t endurance_pe_cycles = 3000;
  double base_rber = 1e-5;
  double die_bytes() const { return double(planes_per_die) * blocks_per_plane * pages_per_block * double(page_data_bytes); }
  /// Loads configs/nand/<name>.json (`name` may also be a path) through ifc::nand::NandConfig.
  static NandParams load(const std::string& name_or_path, const std::string& nand_dir);
};

/// The KV cache and in-flash attention (KVNAND). Only read when kv_cache is "flash".
struct KvConfig {
  KvPlace place = KvPlace::kDram;
  KvVariant variant = KvVariant::kCompact;
  uint32_t kv_channels = 0;                ///< discrete: channels (with all their dies) that hold the KV cache
  NandParams nand;                         ///< cell mode / timing / endurance of the KV pages
  double rber = 1e-7;                      ///< operating RBER of the KV pages (default: the nand file's base_rber)
  bool head_group_parallel = true;         ///< head groups computed concurrently on disjoint planes / dies
  uint32_t macs_per_cycle = 16;            ///< q.K^T / p.V MACs per logic cycle per die (FP16/BF16 KV)
  double softmax_per_cycle = 4;            ///< exp + accumulate per logic cycle per die
  uint32_t write_buffer_pages_per_die = 16;///< SRAM open-page buffers per die (one per open (layer, group, K|V) page)
  double partial_bytes = 4;                ///< per element of a die's partial attention output (FP32)
  bool flush_open_pages_at_session_end = true;  ///< endurance: the open pages are programmed when a session ends
  double tokens_per_day = 0;               ///< endurance: KV tokens written per day (prompt + generated)
};

struct SystemConfig {
  std::string name;
  SystemKind kind = SystemKind::kIfc;
  FlashConfig flash;
  NpuConfig npu;
  GpuConfig gpu;
  Place ffn = Place::kFlash, attention_proj = Place::kNpu, lm_head = Place::kFlash;
  Scheduler scheduler = Scheduler::kKvAware;
  bool npu_tiling = false;           ///< Cambricon-LLM hardware tiling: the NPU takes a share of each flash GEMV over the channels
  double weight_bytes = 1;           ///< INT8
  double act_bytes = 1;              ///< activation element sent to the flash dies
  double result_bytes = 4;           ///< int32 partial result per row
  double kv_bytes = 2;               ///< FP16 KV-cache element
  double scheduler_us_per_layer = 0;
  double sync_us_per_gemv = 0;
  EnergyConfig energy;
  NandParams weight_nand;            ///< geometry of the dies holding the weights (capacity model)
  KvConfig kv;

  static SystemConfig from_json(const nlohmann::json& j, const std::string& origin);
  static SystemConfig load(const std::string& name_or_path, const std::string& systems_dir);
};

// ---------------------------------------------------------------------------------------------
// Calibration (written by scripts/calibrate.py from `ifc gemv` runs)
// ---------------------------------------------------------------------------------------------
struct CalibrationPoint {
  double rber = 0;
  EccMode mode = EccMode::kOutOfOrder;
  double utilization = 1;                ///< steady-state NAND bandwidth utilisation of one die
  double corrected_per_segment = 0;
  double uncorrectable_per_segment = 0;
  double stall_cycles_per_segment = 0;
};

struct Calibration {
  std::string origin;
  double die_planes = 4;
  double page_data_bytes = 16384;
  double tR_us = 30;
  double seg_payload_bytes = 256;
  std::vector<CalibrationPoint> points;
  /// In-flash attention measured by the KVNAND RTL benchmark (configs/calibration/kv.json, a copy of
  /// build/bench/kv.json with its provenance, written by scripts/calibrate_kv.py) when that file exists.
  /// From its `head_group_parallel.per_context` figures (g group slots on one die at several contexts,
  /// one ATTN per group against one ATTN_MULTI): one group's ATTN takes s / u + t_cmd tR, where s is
  /// the sensing time of its K and V pages (ceil(2 pages / planes) x tR on the `die` above), u the
  /// streaming utilisation and t_cmd the fixed cost of a command in units of tR (least squares over
  /// the contexts); each further group in one ATTN_MULTI adds its own s / u and t_grp tR (the mean of
  /// the residuals). Without
  /// the file (kv_measured false) attention pages are assumed to stream like GEMV pages (q.K^T and p.V
  /// are GEMV-shaped): u = the calibrated GEMV utilisation at the KV pages' RBER, t_cmd = t_grp = 0.
  bool kv_measured = false;
  std::string kv_origin;
  std::string kv_provenance;             ///< kv.json's `provenance` (commit and command of the benchmark run), as JSON
  double kv_stream_utilization = 0;      ///< u: fraction of a die's sensing bandwidth one group's K and V pages stream at
  double kv_command_tR = 0;              ///< t_cmd: fixed cost of one attention command on a die
  double kv_extra_group_tR = 0;          ///< t_grp: fixed cost of each further group that shares the die's ATTN_MULTI
  size_t kv_contexts = 0;                ///< contexts fitted
  /// Reads `path` if it exists (no-op otherwise); a file without the head-group figures is an error.
  void load_kv(const std::string& path);

  /// Interpolated (log-linear in RBER) point for `mode` at `rber`. kNone uses the
  /// out-of-order curve at RBER 0 (an ECC-free datapath never stalls on a correction).
  CalibrationPoint at(double rber, EccMode mode) const;
  static Calibration from_json(const nlohmann::json& j, const std::string& origin);
  static Calibration load(const std::string& path);
};

// ---------------------------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------------------------
struct Breakdown {
  double flash_gemv_s = 0;   ///< GEMVs computed in flash (incl. the NPU's tiled share)
  double attention_s = 0;    ///< attention block on the NPU / GPU (projections there + KV), or in flash (KVNAND)
  double transfer_s = 0;     ///< activations / results over channels, weights over PCIe
  double scheduler_s = 0;    ///< scheduler decisions and per-GEMV synchronisation
  double kv_program_s = 0;   ///< KVNAND: KV page programs that the reads could not hide
  double total() const { return flash_gemv_s + attention_s + transfer_s + scheduler_s + kv_program_s; }
  Breakdown scaled(double f) const;
  Breakdown& operator+=(const Breakdown& o);
};

struct Energy {
  // data movement
  double flash_to_logic_J = 0, channel_J = 0, dram_J = 0, link_J = 0, storage_J = 0, hbm_J = 0;
  // array read and compute
  double sense_J = 0, mac_J = 0, ecc_J = 0;
  double program_J = 0;       ///< NAND programs of KV pages (KVNAND)
  double data_movement() const { return flash_to_logic_J + channel_J + dram_J + link_J + storage_J + hbm_J; }
  double compute() const { return mac_J + ecc_J; }
  double total() const { return data_movement() + compute() + sense_J + program_J; }
  Energy& operator+=(const Energy& o);
  Energy scaled(double f) const;
};

/// Bytes moved per token, by medium (the energy model's inputs; checked by hand in the tests).
struct Traffic {
  double flash_sensed = 0, flash_to_logic = 0, channel = 0, dram = 0, link = 0, storage = 0, hbm = 0;
  double flash_macs = 0, npu_macs = 0, gpu_macs = 0, segments_sensed = 0;
  double pages_programmed = 0;  ///< KV pages programmed (KVNAND), on average per token
  Traffic& operator+=(const Traffic& o);
};

struct TokenResult {
  uint64_t context = 0;       ///< tokens already in the KV cache
  Breakdown time;
  Traffic traffic;
  Energy energy;
  double alpha = 0;           ///< share of the attention projections the scheduler put in flash
};

/// What the run needs against what the system has (bytes; pages per die for the write buffer). A run
/// that needs more than a memory holds is out of memory (`oom`), with the memory named in `oom_reason`.
struct Capacity {
  double dram_need = 0, dram_have = 0;                 ///< KV cache in NPU DRAM
  double weight_flash_need = 0, weight_flash_have = 0; ///< weights on the dies that hold them
  double kv_flash_need = 0, kv_flash_have = 0;         ///< KV cache in flash (KVNAND), in its cell mode
  double write_buffer_need = 0, write_buffer_have = 0; ///< open KV pages per die against the SRAM buffers
  bool oom = false;
  std::string oom_reason;
  nlohmann::json to_json() const;
};

/// KV-page endurance (KVNAND): lifetime with fixed page mapping and with wear levelling.
struct Lifetime {
  bool applies = false;              ///< only with the KV cache in flash
  double session_tokens = 0;         ///< tokens written to the KV cache per session (context + decode)
  double pages_per_session = 0;      ///< KV pages programmed per session
  double region_pages = 0;           ///< pages of the KV region (all KV blocks, in the KV cell mode)
  double endurance_pe_cycles = 0;
  double tokens_no_wl = 0, tokens_wl = 0;
  double days_no_wl = 0, days_wl = 0;  ///< at kv.tokens_per_day (0 if that is 0)
  nlohmann::json to_json() const;
};

/// Lifetime in tokens of a KV region under a stream of sessions (the formula the NAND model checks in
/// tb/llm): `streams` append streams (layer x head group x K|V), `tokens_per_page` tokens per page,
/// `session_tokens` per session, blocks of `endurance` P/E cycles. Fixed mapping (no wear levelling):
/// every session re-programs the same blocks, one P/E each, so the region lasts `endurance` sessions.
/// Wear levelling (log-structured over `region_pages` pages, whole sessions invalidated at once, write
/// amplification 1): endurance x region_pages pages are programmed in total.
double kv_lifetime_tokens(double streams, double tokens_per_page, double session_tokens, double endurance,
                          double region_pages, bool wear_levelling, bool flush_open_pages);

struct RunResult {
  std::string model, system;
  uint64_t context = 0, decode = 0;
  double prefill_s = 0;
  Energy prefill_energy;
  Breakdown decode_time;      ///< summed over the decoded tokens
  Energy decode_energy;       ///< summed over the decoded tokens
  double decode_s() const { return decode_time.total(); }
  double tokens_per_s() const { return decode ? double(decode) / decode_s() : 0; }
  double end_to_end_s() const { return prefill_s + decode_s(); }
  Breakdown per_token_time() const;
  Energy per_token_energy() const { return decode_energy.scaled(decode ? 1.0 / double(decode) : 0); }
  double kv_cache_bytes = 0;  ///< at the end of the run
  double weight_bytes = 0;
  CalibrationPoint calib;
  nlohmann::json kv_calibration;  ///< KVNAND: Simulator::KvDieTiming (null without the KV cache in flash)
  Capacity capacity;
  Lifetime lifetime;
  std::vector<std::string> notes;
  nlohmann::json to_json() const;
};

class Simulator {
 public:
  Simulator(ModelConfig m, SystemConfig s, Calibration c);
  /// Decode one token with `context` tokens in the KV cache.
  TokenResult decode_token(uint64_t context) const;
  /// Prefill of `prompt` tokens (one batched pass over the weights).
  double prefill_s(uint64_t prompt, Energy* e = nullptr) const;
  /// Prefill `context` tokens, then decode `decode` tokens (contexts context .. context+decode-1).
  RunResult run(uint64_t context, uint64_t decode) const;

  /// Per-die in-flash GEMV bandwidth (B/s) from the calibration.
  double die_gemv_Bps() const;
  /// KVNAND: time (s) of one layer's attention in flash with `context` tokens in the KV cache (q.K^T,
  /// softmax, p.V over the K and V pages, the open pages from SRAM, the partials combined), plus the
  /// append of the new token's K and V; adds the bytes moved to `t`.
  double flash_attention_s(uint64_t context, Traffic* t, double* transfer_s = nullptr) const;
  /// KVNAND: plane-busy time per token per KV die of programming the KV pages (amortised).
  double kv_program_s_per_token() const;
  /// Tokens of one head group's K (or V) that one page holds.
  uint64_t kv_tokens_per_page() const;
  /// Dies / channels holding the weights, and the dies holding the KV cache.
  double weight_dies() const;
  double kv_dies() const;
  double kv_channels() const;
  Capacity capacity(uint64_t tokens) const;
  Lifetime lifetime(uint64_t session_tokens) const;
  /// Time (s) of one GEMV of `rows` x `cols` weights in flash, with the share `share` of its
  /// rows (0..1); adds the bytes moved to `t`.
  double flash_gemv_s(double rows, double cols, double share, Traffic* t) const;
  const ModelConfig& model() const { return m_; }
  const SystemConfig& system() const { return s_; }
  const CalibrationPoint& calib() const { return cp_; }
  /// KVNAND: the per-die attention timing in use (from kv.json, or the GEMV-derived default).
  struct KvDieTiming {
    bool measured = false;
    std::string origin;
    std::string provenance;  ///< kv.json's provenance block (JSON text), "" if none
    double stream_utilization = 1, command_tR = 0, extra_group_tR = 0;
    nlohmann::json to_json() const;
  };
  KvDieTiming kv_die_timing() const;

 private:
  Energy energy_of(const Traffic& t) const;
  TokenResult decode_ifc(uint64_t context) const;
  TokenResult decode_gpu(uint64_t context) const;
  double kvnand_prefill_attention_s(double prompt, Traffic* t) const;
  ModelConfig m_;
  SystemConfig s_;
  Calibration c_;
  FlashConfig wf_;          ///< the flash that holds the weights (a discrete KVNAND gives kv_channels to the KV)
  CalibrationPoint cp_;
  CalibrationPoint cp_kv_;   ///< at the KV pages' RBER (KVNAND)
};

std::string to_string(EccMode m);
std::string to_string(Scheduler s);
std::string to_string(KvVariant v);

}  // namespace ifc::llm
