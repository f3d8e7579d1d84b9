// Configuration parsing of the system simulator: models (Hugging Face config.json), systems
// (configs/systems/*.json) and the calibration file. Errors name the file, the key and the
// allowed values.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "llm/llm_sim.hpp"

namespace ifc::llm {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

json read_json_file(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw ConfigError(fmt::format("{}: cannot open", path));
  try {
    return json::parse(f, nullptr, true, /*ignore_comments=*/true);
  } catch (const json::parse_error& e) {
    throw ConfigError(fmt::format("{}: not valid JSON: {}", path, e.what()));
  }
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
  return s;
}

/// Strict reader of one JSON object: every key it does not know is an error that lists the keys
/// it does know. Keys beginning with '_' are comments ("_source", "_assumption", "_doc").
class Obj {
 public:
  Obj(const json& j, std::string origin, std::string path, bool strict = true)
      : j_(j), origin_(std::move(origin)), path_(std::move(path)), strict_(strict) {
    if (!j_.is_object()) throw ConfigError(fmt::format("{}: '{}' must be a JSON object", origin_, where()));
  }

  bool has(const std::string& k) {
    known_.push_back(k);
    return j_.contains(k);
  }

  double num(const std::string& k, double def, double lo, double hi, bool required = false) {
    if (!has(k)) {
      if (required) throw ConfigError(fmt::format("{}: missing key '{}'", origin_, key(k)));
      return def;
    }
    const json& v = j_.at(k);
    if (!v.is_number())
      throw ConfigError(fmt::format("{}: key '{}' must be a number, got {}", origin_, key(k), v.dump()));
    const double x = v.get<double>();
    if (!(x >= lo && x <= hi))
      throw ConfigError(fmt::format("{}: key '{}' = {} is out of range [{}, {}]", origin_, key(k), x, lo, hi));
    return x;
  }

  uint64_t integer(const std::string& k, uint64_t def, uint64_t lo, uint64_t hi, bool required = false) {
    const double x = num(k, double(def), double(lo), double(hi), required);
    if (x != std::floor(x)) throw ConfigError(fmt::format("{}: key '{}' = {} must be an integer", origin_, key(k), x));
    return uint64_t(x);
  }

  bool boolean(const std::string& k, bool def) {
    if (!has(k)) return def;
    const json& v = j_.at(k);
    if (!v.is_boolean())
      throw ConfigError(fmt::format("{}: key '{}' must be true or false, got {}", origin_, key(k), v.dump()));
    return v.get<bool>();
  }

  std::string str(const std::string& k, const std::string& def, bool required = false) {
    if (!has(k)) {
      if (required) throw ConfigError(fmt::format("{}: missing key '{}'", origin_, key(k)));
      return def;
    }
    const json& v = j_.at(k);
    if (!v.is_string()) throw ConfigError(fmt::format("{}: key '{}' must be a string, got {}", origin_, key(k), v.dump()));
    return v.get<std::string>();
  }

  /// A string that must be one of `allowed`.
  template <class E>
  E choice(const std::string& k, E def, const std::vector<std::pair<std::string, E>>& allowed) {
    if (!has(k)) return def;
    const json& v = j_.at(k);
    std::vector<std::string> names;
    for (const auto& a : allowed) names.push_back(a.first);
    if (v.is_string())
      for (const auto& a : allowed)
        if (a.first == v.get<std::string>()) return a.second;
    throw ConfigError(
        fmt::format("{}: key '{}' = {} is not one of the allowed values: {}", origin_, key(k), v.dump(), join(names)));
  }

  Obj sub(const std::string& k) {
    known_.push_back(k);
    static const json kEmpty = json::object();
    return Obj(j_.contains(k) ? j_.at(k) : kEmpty, origin_, key(k), strict_);
  }

  /// Rejects the keys nobody asked for (strict objects only).
  void finish() const {
    if (!strict_) return;
    for (auto it = j_.begin(); it != j_.end(); ++it) {
      const std::string& k = it.key();
      if (!k.empty() && k[0] == '_') continue;
      if (std::find(known_.begin(), known_.end(), k) == known_.end())
        throw ConfigError(fmt::format("{}: unknown key '{}'; allowed keys: {}", origin_, key(k), join(known_)));
    }
  }

 private:
  std::string where() const { return path_.empty() ? "(top level)" : path_; }
  std::string key(const std::string& k) const { return path_.empty() ? k : path_ + "." + k; }
  const json& j_;
  std::string origin_, path_;
  bool strict_;
  std::vector<std::string> known_;
};

/// Resolves a configuration given as a path or as a name under `dir` (<dir>/<name>.json or
/// <dir>/<name>/config.json).
std::string resolve(const std::string& name_or_path, const std::string& dir, const char* what) {
  std::vector<std::string> tried;
  auto try_path = [&](const fs::path& p) -> bool {
    tried.push_back(p.string());
    return fs::is_regular_file(p);
  };
  if (fs::is_directory(name_or_path) && try_path(fs::path(name_or_path) / "config.json"))
    return (fs::path(name_or_path) / "config.json").string();
  if (try_path(name_or_path)) return name_or_path;
  if (try_path(fs::path(dir) / name_or_path / "config.json")) return (fs::path(dir) / name_or_path / "config.json").string();
  if (try_path(fs::path(dir) / (name_or_path + ".json"))) return (fs::path(dir) / (name_or_path + ".json")).string();
  std::vector<std::string> names;
  if (fs::is_directory(dir))
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.is_directory() && fs::is_regular_file(e.path() / "config.json")) names.push_back(e.path().filename().string());
      else if (e.path().extension() == ".json") names.push_back(e.path().stem().string());
    }
  std::sort(names.begin(), names.end());
  throw ConfigError(fmt::format("no {} '{}' (tried {}); known {}s: {}", what, name_or_path, join(tried), what,
                                names.empty() ? "none" : join(names)));
}

}  // namespace

// ------------------------------------------------------------------------------------------------
ModelConfig ModelConfig::from_json(const json& j, const std::string& origin) {
  // Hugging Face configs carry many more keys than we need: not strict.
  Obj o(j, origin, "", /*strict=*/false);
  ModelConfig m;
  m.name = o.str("_name_or_path", fs::path(origin).parent_path().filename().string());
  m.model_type = o.str("model_type", "", true);
  m.hidden_size = o.integer("hidden_size", 0, 1, 1u << 20, true);
  // OPT's own config.json calls the FFN width ffn_dim.
  if (o.has("intermediate_size")) m.intermediate_size = o.integer("intermediate_size", 0, 1, 1u << 22, true);
  else if (o.has("ffn_dim")) m.intermediate_size = o.integer("ffn_dim", 0, 1, 1u << 22, true);
  else throw ConfigError(fmt::format("{}: missing key 'intermediate_size' (or OPT's 'ffn_dim')", origin));
  m.num_hidden_layers = o.integer("num_hidden_layers", 0, 1, 4096, true);
  m.num_attention_heads = o.integer("num_attention_heads", 0, 1, 4096, true);
  m.num_key_value_heads = o.integer("num_key_value_heads", m.num_attention_heads, 1, 4096);
  m.vocab_size = o.integer("vocab_size", 0, 1, 1u << 24, true);
  m.max_position_embeddings = o.integer("max_position_embeddings", 2048, 1, 1u << 24);
  if (m.hidden_size % m.num_attention_heads)
    throw ConfigError(fmt::format("{}: hidden_size {} is not a multiple of num_attention_heads {}", origin,
                                  m.hidden_size, m.num_attention_heads));
  if (m.num_attention_heads % m.num_key_value_heads)
    throw ConfigError(fmt::format("{}: num_attention_heads {} is not a multiple of num_key_value_heads {}", origin,
                                  m.num_attention_heads, m.num_key_value_heads));
  static const std::vector<std::pair<std::string, FfnKind>> kTypes = {
      {"llama", FfnKind::kGated}, {"mistral", FfnKind::kGated}, {"qwen2", FfnKind::kGated},
      {"gemma", FfnKind::kGated}, {"opt", FfnKind::kStandard}, {"gpt2", FfnKind::kStandard},
      {"gpt_neox", FfnKind::kStandard}, {"falcon", FfnKind::kStandard}};
  if (o.has("ffn_kind")) {
    m.ffn_kind = o.choice<FfnKind>("ffn_kind", FfnKind::kStandard, {{"gated", FfnKind::kGated}, {"standard", FfnKind::kStandard}});
  } else {
    m.ffn_kind = o.choice<FfnKind>("model_type", FfnKind::kStandard, kTypes);
  }
  return m;
}

ModelConfig ModelConfig::load(const std::string& name_or_path, const std::string& models_dir) {
  const std::string path = resolve(name_or_path, models_dir, "model");
  auto m = from_json(read_json_file(path), path);
  if (m.name.empty()) m.name = name_or_path;
  return m;
}

// ------------------------------------------------------------------------------------------------
SystemConfig SystemConfig::from_json(const json& j, const std::string& origin) {
  Obj o(j, origin, "");
  SystemConfig s;
  // configs/nand/<name>.json next to configs/systems/ (names in "flash.nand" and "kv.nand"; paths also work).
  const std::string nand_dir = (fs::path(origin).parent_path() / ".." / "nand").lexically_normal().string();
  s.name = o.str("name", "", true);
  s.kind = o.choice<SystemKind>("kind", SystemKind::kIfc, {{"ifc", SystemKind::kIfc}, {"gpu_offload", SystemKind::kGpuOffload}});
  {
    Obj f = o.sub("flash");
    auto& F = s.flash;
    F.channels = uint32_t(f.integer("channels", 0, 0, 1024));
    F.chips_per_channel = uint32_t(f.integer("chips_per_channel", 0, 0, 1024));
    F.dies_per_chip = uint32_t(f.integer("dies_per_chip", 0, 0, 64));
    F.planes_per_die = uint32_t(f.integer("planes_per_die", 4, 1, 16));
    F.ifc_planes_per_die = uint32_t(f.integer("ifc_planes_per_die", F.planes_per_die, 1, 16));
    if (F.ifc_planes_per_die > F.planes_per_die)
      throw ConfigError(fmt::format("{}: flash.ifc_planes_per_die {} exceeds flash.planes_per_die {}", origin,
                                    F.ifc_planes_per_die, F.planes_per_die));
    F.page_data_bytes = f.integer("page_data_bytes", 16384, 512, 1u << 20);
    F.tR_us = f.num("tR_us", 30, 0.1, 1000);
    F.tR_scale = f.num("tR_scale", 1.0, 0.01, 10);
    F.channel_MTps = f.num("channel_MTps", 1000, 1, 1e5);
    F.channel_width_bytes = uint32_t(f.integer("channel_width_bytes", 1, 1, 64));
    F.ecc_mode = f.choice<EccMode>("ecc_mode", EccMode::kOutOfOrder,
                                   {{"out_of_order", EccMode::kOutOfOrder}, {"in_order", EccMode::kInOrder}, {"none", EccMode::kNone}});
    F.prefetch = f.boolean("prefetch", true);
    F.logic_clock_MHz = f.num("logic_clock_MHz", 200, 1, 1e4);
    F.macs_per_cycle = uint32_t(f.integer("macs_per_cycle", 16, 1, 1u << 20));
    F.rber = f.num("rber", 1e-4, 0, 0.5);
    if (f.has("nand")) s.weight_nand = NandParams::load(f.str("nand", ""), nand_dir);
    f.finish();
  }
  {
    Obj n = o.sub("npu");
    s.npu.peak_TOPS = n.num("peak_TOPS", 2, 1e-6, 1e6);
    s.npu.dram_GBps = n.num("dram_GBps", 40, 1e-6, 1e6);
    s.npu.dram_capacity_GB = n.num("dram_capacity_GB", 16, 0, 1e6);
    n.finish();
  }
  {
    Obj g = o.sub("gpu");
    s.gpu.peak_TOPS = g.num("peak_TOPS", 624, 1e-6, 1e6);
    s.gpu.compute_efficiency = g.num("compute_efficiency", 0.5, 1e-3, 1);
    s.gpu.hbm_GBps = g.num("hbm_GBps", 2039, 1e-3, 1e6);
    s.gpu.hbm_capacity_GB = g.num("hbm_capacity_GB", 80, 0, 1e6);
    s.gpu.storage_GBps = g.num("storage_GBps", 7, 1e-3, 1e6);
    s.gpu.link_GBps = g.num("link_GBps", 25, 1e-3, 1e6);
    s.gpu.overhead_us_per_layer = g.num("overhead_us_per_layer", 50, 0, 1e6);
    g.finish();
  }
  {
    Obj p = o.sub("placement");
    const std::vector<std::pair<std::string, Place>> places = {{"flash", Place::kFlash}, {"npu", Place::kNpu}};
    s.attention_proj = p.choice<Place>("attention_proj", Place::kNpu, places);
    s.lm_head = p.choice<Place>("lm_head", Place::kFlash, places);
    s.ffn = p.choice<Place>("ffn", Place::kFlash, {{"flash", Place::kFlash}});
    p.finish();
  }
  s.scheduler = o.choice<Scheduler>("scheduler", Scheduler::kNone,
                                    {{"kv_aware", Scheduler::kKvAware}, {"static", Scheduler::kStatic}, {"none", Scheduler::kNone}});
  s.npu_tiling = o.boolean("npu_tiling", false);
  {
    Obj d = o.sub("datatypes");
    s.weight_bytes = d.num("weight_bytes", 1, 0.5, 4);
    s.act_bytes = d.num("act_bytes", 1, 0.5, 4);
    s.result_bytes = d.num("result_bytes", 4, 1, 8);
    s.kv_bytes = d.num("kv_bytes", 2, 0.5, 4);
    d.finish();
  }
  {
    Obj v = o.sub("overheads");
    s.scheduler_us_per_layer = v.num("scheduler_us_per_layer", 0, 0, 1e6);
    s.sync_us_per_gemv = v.num("sync_us_per_gemv", 0, 0, 1e6);
    v.finish();
  }
  {
    Obj e = o.sub("energy");
    auto& E = s.energy;
    E.nand_sense_pJ_per_bit = e.num("nand_sense_pJ_per_bit", 0, 0, 1e6);
    E.flash_to_logic_pJ_per_bit = e.num("flash_to_logic_pJ_per_bit", 0, 0, 1e6);
    E.channel_pJ_per_bit = e.num("channel_pJ_per_bit", 0, 0, 1e6);
    E.dram_pJ_per_bit = e.num("dram_pJ_per_bit", 0, 0, 1e6);
    E.link_pJ_per_bit = e.num("link_pJ_per_bit", 0, 0, 1e6);
    E.storage_pJ_per_bit = e.num("storage_pJ_per_bit", 0, 0, 1e6);
    E.hbm_pJ_per_bit = e.num("hbm_pJ_per_bit", 0, 0, 1e6);
    E.flash_mac_pJ = e.num("flash_mac_pJ", 0, 0, 1e6);
    E.npu_mac_pJ = e.num("npu_mac_pJ", 0, 0, 1e6);
    E.gpu_mac_pJ = e.num("gpu_mac_pJ", 0, 0, 1e6);
    E.ecc_check_pJ_per_bit = e.num("ecc_check_pJ_per_bit", 0, 0, 1e6);
    E.ecc_correct_pJ_per_segment = e.num("ecc_correct_pJ_per_segment", 0, 0, 1e9);
    E.nand_program_mW = e.num("nand_program_mW", 0, 0, 1e6);
    e.finish();
  }
  {
    Obj k = o.sub("kv");
    auto& K = s.kv;
    K.place = k.choice<KvPlace>("cache", KvPlace::kDram, {{"dram", KvPlace::kDram}, {"flash", KvPlace::kFlash}});
    K.variant = k.choice<KvVariant>("variant", KvVariant::kCompact, {{"discrete", KvVariant::kDiscrete}, {"compact", KvVariant::kCompact}});
    K.kv_channels = uint32_t(k.integer("kv_channels", 0, 0, 1024));
    if (k.has("nand")) K.nand = NandParams::load(k.str("nand", ""), nand_dir);
    K.rber = k.num("rber", K.nand.base_rber, 0, 0.5);
    K.head_group_parallel = k.boolean("head_group_parallel", true);
    K.macs_per_cycle = uint32_t(k.integer("macs_per_cycle", 16, 1, 1u << 20));
    K.softmax_per_cycle = k.num("softmax_per_cycle", 4, 1e-3, 1e6);
    K.write_buffer_pages_per_die = uint32_t(k.integer("write_buffer_pages_per_die", 16, 1, 1u << 20));
    K.partial_bytes = k.num("partial_bytes", 4, 1, 8);
    K.flush_open_pages_at_session_end = k.boolean("flush_open_pages_at_session_end", true);
    K.tokens_per_day = k.num("tokens_per_day", 0, 0, 1e12);
    k.finish();
    if (K.place == KvPlace::kFlash) {
      if (s.attention_proj != Place::kFlash || s.lm_head != Place::kFlash)
        throw ConfigError(fmt::format("{}: kv.cache = \"flash\" (KVNAND, no DRAM) needs placement.attention_proj and "
                                      "placement.lm_head = \"flash\"",
                                      origin));
      if (K.variant == KvVariant::kDiscrete && (K.kv_channels == 0 || K.kv_channels >= s.flash.channels))
        throw ConfigError(fmt::format("{}: key 'kv.kv_channels' = {} must be in [1, flash.channels - 1 = {}] for the "
                                      "discrete variant",
                                      origin, K.kv_channels, s.flash.channels > 0 ? s.flash.channels - 1 : 0));
      if (K.variant == KvVariant::kCompact && K.kv_channels != 0)
        throw ConfigError(fmt::format("{}: key 'kv.kv_channels' applies to the discrete variant only (kv.variant = "
                                      "\"compact\" puts weights and KV on every die)",
                                      origin));
    }
  }
  o.finish();
  if (s.kind == SystemKind::kIfc && s.flash.dies() == 0)
    throw ConfigError(fmt::format("{}: an 'ifc' system needs flash.channels, flash.chips_per_channel and "
                                  "flash.dies_per_chip (all > 0)",
                                  origin));
  return s;
}

SystemConfig SystemConfig::load(const std::string& name_or_path, const std::string& systems_dir) {
  const std::string path = resolve(name_or_path, systems_dir, "system");
  return from_json(read_json_file(path), path);
}

// ------------------------------------------------------------------------------------------------
Calibration Calibration::from_json(const json& j, const std::string& origin) {
  Obj o(j, origin, "");
  Calibration c;
  c.origin = origin;
  {
    Obj d = o.sub("die");
    c.die_planes = d.num("planes", 4, 1, 64, true);
    c.page_data_bytes = d.num("page_data_bytes", 16384, 1, 1 << 20, true);
    c.tR_us = d.num("tR_us", 30, 0.01, 1e4, true);
    c.seg_payload_bytes = d.num("seg_payload_bytes", 256, 1, 1 << 20, true);
    d.finish();
  }
  o.has("points");
  if (!j.contains("points") || !j.at("points").is_array() || j.at("points").empty())
    throw ConfigError(fmt::format("{}: 'points' must be a non-empty array", origin));
  for (size_t i = 0; i < j.at("points").size(); ++i) {
    Obj p(j.at("points")[i], origin, fmt::format("points[{}]", i), /*strict=*/false);
    CalibrationPoint cp;
    cp.rber = p.num("rber", 0, 0, 0.5, true);
    cp.mode = p.choice<EccMode>("mode", EccMode::kOutOfOrder, {{"out_of_order", EccMode::kOutOfOrder}, {"in_order", EccMode::kInOrder}});
    cp.utilization = p.num("utilization", 1, 1e-6, 1.5, true);
    cp.corrected_per_segment = p.num("corrected_per_segment", 0, 0, 1, true);
    cp.uncorrectable_per_segment = p.num("uncorrectable_per_segment", 0, 0, 1, true);
    cp.stall_cycles_per_segment = p.num("stall_cycles_per_segment", 0, 0, 1e9);
    c.points.push_back(cp);
  }
  // Everything else (generator, runs, provenance) is free-form and ignored here.
  return c;
}

Calibration Calibration::load(const std::string& path) {
  Calibration c = from_json(read_json_file(path), path);
  c.load_kv((fs::path(path).parent_path() / "kv.json").string());
  return c;
}

void Calibration::load_kv(const std::string& path) {
  if (!fs::is_regular_file(path)) return;
  const json j = read_json_file(path);
  const std::string regen = "regenerate it with `make calibrate-kv` (bench_kv on the current RTL, scripts/calibrate_kv.py), "
                            "or remove it to time attention from the GEMV calibration";
  if (!j.contains("head_group_parallel") || !j.at("head_group_parallel").is_object() ||
      !j.at("head_group_parallel").contains("per_context") || !j.at("head_group_parallel").at("per_context").is_array() ||
      j.at("head_group_parallel").at("per_context").empty())
    throw ConfigError(fmt::format("{}: missing key 'head_group_parallel.per_context' (the KVNAND RTL benchmark's group slots "
                                  "one ATTN at a time against one ATTN_MULTI, bench_kv); {}",
                                  path, regen));
  // One group's ATTN: y = s / u + t_cmd tR over the contexts (least squares in s, the sensing time of its K and V
  // pages on this calibration's die); ATTN_MULTI of g groups: g s / u + (t_cmd + (g - 1) t_grp) tR.
  struct Pt {
    double s, one, multi, g;
  };
  std::vector<Pt> pts;
  const json& arr = j.at("head_group_parallel").at("per_context");
  for (size_t i = 0; i < arr.size(); ++i) {
    Obj p(arr[i], path, fmt::format("head_group_parallel.per_context[{}]", i), /*strict=*/false);
    const double ctx = double(p.integer("context", 0, 1, 1u << 30, true));
    const double g = double(p.integer("groups", 0, 2, 1024, true));
    const double d = double(p.integer("d", 0, 1, 1u << 20, true));
    const double one = p.num("one_at_a_time_us", 0, 1e-9, 1e12, true);
    const double multi = p.num("attn_multi_us", 0, 1e-9, 1e12, true);
    if (!p.boolean("bit_exact", false))
      throw ConfigError(fmt::format("{}: head_group_parallel.per_context[{}] (context {}) is not bit_exact: the benchmark's "
                                    "outputs differ from the reference, its times do not calibrate anything; {}",
                                    path, i, ctx, regen));
    const double tpp = std::floor(page_data_bytes / (d * 2));  // BF16 K (or V) rows of one group per page
    if (tpp < 1)
      throw ConfigError(fmt::format("{}: head_group_parallel.per_context[{}]: d = {} does not fit a page of {} B", path, i, d,
                                    page_data_bytes));
    pts.push_back({std::ceil(2 * std::ceil(ctx / tpp) / die_planes) * tR_us, one / g, multi, g});
  }
  double sx = 0, sy = 0;
  for (const auto& q : pts) sx += q.s, sy += q.one;
  const double mx = sx / double(pts.size()), my = sy / double(pts.size());
  double sxy = 0, sxx = 0;
  for (const auto& q : pts) sxy += (q.s - mx) * (q.one - my), sxx += (q.s - mx) * (q.s - mx);
  if (pts.size() < 2 || sxx <= 0)
    throw ConfigError(fmt::format("{}: head_group_parallel.per_context needs at least two contexts with different page "
                                  "counts to separate the streaming rate from the per-command cost; {}",
                                  path, regen));
  const double slope = sxy / sxx;  // us of ATTN per us of sensing
  if (!(slope >= 1 / 1.5))
    throw ConfigError(fmt::format("{}: head_group_parallel.per_context gives a streaming utilisation of {:.3g} (ATTN time "
                                  "per sensing time {:.3g}), outside (0, 1.5]; {}",
                                  path, 1 / slope, slope, regen));
  const double o = my - slope * mx;
  double om = 0;
  for (const auto& q : pts) om += (q.multi - q.g * q.s * slope - o) / (q.g - 1);
  kv_stream_utilization = 1 / slope;
  kv_command_tR = o / tR_us;
  kv_extra_group_tR = om / double(pts.size()) / tR_us;
  kv_contexts = pts.size();
  kv_provenance = j.contains("provenance") ? j.at("provenance").dump() : "";
  kv_measured = true;
  kv_origin = path;
}

CalibrationPoint Calibration::at(double rber, EccMode mode) const {
  if (mode == EccMode::kNone) {
    rber = 0;
    mode = EccMode::kOutOfOrder;
  }
  std::vector<CalibrationPoint> pts;
  for (const auto& p : points)
    if (p.mode == mode) pts.push_back(p);
  if (pts.empty())
    throw ConfigError(fmt::format("{}: no calibration points for ECC mode '{}'", origin, to_string(mode)));
  std::sort(pts.begin(), pts.end(), [](const auto& a, const auto& b) { return a.rber < b.rber; });
  if (rber <= pts.front().rber) return pts.front();
  if (rber >= pts.back().rber) return pts.back();
  size_t i = 1;
  while (pts[i].rber < rber) ++i;
  const auto& a = pts[i - 1];
  const auto& b = pts[i];
  // Log-linear in RBER between non-zero points; linear from an RBER-0 point.
  double w;
  if (a.rber > 0) w = (std::log(rber) - std::log(a.rber)) / (std::log(b.rber) - std::log(a.rber));
  else w = (rber - a.rber) / (b.rber - a.rber);
  auto lerp = [w](double x, double y) { return x + w * (y - x); };
  CalibrationPoint r;
  r.rber = rber;
  r.mode = mode;
  r.utilization = lerp(a.utilization, b.utilization);
  r.corrected_per_segment = lerp(a.corrected_per_segment, b.corrected_per_segment);
  r.uncorrectable_per_segment = lerp(a.uncorrectable_per_segment, b.uncorrectable_per_segment);
  r.stall_cycles_per_segment = lerp(a.stall_cycles_per_segment, b.stall_cycles_per_segment);
  return r;
}

std::string to_string(EccMode m) {
  switch (m) {
    case EccMode::kOutOfOrder: return "out_of_order";
    case EccMode::kInOrder: return "in_order";
    case EccMode::kNone: return "none";
  }
  return "?";
}

std::string to_string(Scheduler s) {
  switch (s) {
    case Scheduler::kKvAware: return "kv_aware";
    case Scheduler::kStatic: return "static";
    case Scheduler::kNone: return "none";
  }
  return "?";
}

}  // namespace ifc::llm
