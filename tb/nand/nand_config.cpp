// NandConfig: JSON loading, validation and serialisation.
#include "nand/nand_config.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace ifc::nand {
namespace {

using nlohmann::json;

struct UintRange {
  uint64_t lo;
  uint64_t hi;
};

// The allowed ranges, one place for both JSON parsing and validate().
constexpr UintRange kDiesRange{1, 16};
constexpr UintRange kPlanesRange{1, 16};
constexpr UintRange kBlocksRange{1, 16384};
constexpr UintRange kPagesRange{1, 16384};
constexpr UintRange kPageDataRange{16, 65536};
constexpr UintRange kPageSpareRange{0, 16384};
constexpr UintRange kTimeRange{1, 10'000'000'000ULL};
constexpr UintRange kEnduranceRange{1, 10'000'000};
constexpr UintRange kRetryRange{0, 64};
constexpr UintRange kSeedRange{0, std::numeric_limits<uint64_t>::max()};
constexpr UintRange kU32Range{0, std::numeric_limits<uint32_t>::max()};

const std::vector<std::string> kTopKeys = {
    "name",           "cell_type",        "dies",      "planes_per_die", "blocks_per_plane",
    "pages_per_block", "page_data_bytes", "page_spare_bytes", "t_read_ns", "t_prog_ns",
    "t_erase_ns",     "endurance_pe_cycles", "bad_blocks", "errors",     "read_retry_steps",
    "seed"};
const std::vector<std::string> kErrorKeys = {"base_rber",       "pe_coeff",           "pe_exponent",
                                             "retention_coeff", "read_disturb_coeff", "retry_factor"};
const std::vector<std::string> kBlockKeys = {"die", "plane", "block"};

bool is_comment(const std::string& key) { return !key.empty() && key[0] == '_'; }

[[noreturn]] void fail(const std::string& origin, const std::string& key, const std::string& value,
                       const std::string& allowed) {
  throw ConfigError(fmt::format("{}: key '{}' = {}: {}", origin, key, value, allowed));
}

std::string int_allowed(UintRange r) { return fmt::format("must be an integer in {}..{}", r.lo, r.hi); }

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

[[noreturn]] void unknown_key(const std::string& origin, const std::string& prefix, const std::string& key,
                              const std::vector<std::string>& allowed) {
  std::string best;
  size_t best_d = 4;  // suggest only close matches
  for (const auto& a : allowed) {
    const size_t d = edit_distance(key, a);
    if (d < best_d) {
      best_d = d;
      best = a;
    }
  }
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  throw ConfigError(fmt::format("{}: unknown key '{}{}'{} (allowed: {}; keys beginning with '_' are comments)",
                                origin, prefix, key,
                                best.empty() ? std::string() : fmt::format(" (did you mean '{}{}'?)", prefix, best),
                                list));
}

uint64_t parse_uint(const json& v, const std::string& origin, const std::string& key, UintRange r) {
  uint64_t x = 0;
  if (v.is_number_unsigned()) {
    x = v.get<uint64_t>();
  } else if (v.is_number_float()) {
    const double d = v.get<double>();
    // Accept integral floats such as 3e4; 2^64 itself is out of range.
    if (!(std::isfinite(d) && d >= 0.0 && d < 18446744073709551616.0 && std::floor(d) == d)) {
      fail(origin, key, v.dump(), int_allowed(r));
    }
    x = static_cast<uint64_t>(d);
  } else {
    fail(origin, key, v.dump(), int_allowed(r));
  }
  if (x < r.lo || x > r.hi) fail(origin, key, v.dump(), int_allowed(r));
  return x;
}

uint32_t parse_u32(const json& v, const std::string& origin, const std::string& key, UintRange r) {
  return static_cast<uint32_t>(parse_uint(v, origin, key, r));
}

double parse_double(const json& v, const std::string& origin, const std::string& key) {
  if (!v.is_number()) fail(origin, key, v.dump(), "must be a number");
  return v.get<double>();  // range checked by validate()
}

std::string parse_string(const json& v, const std::string& origin, const std::string& key) {
  if (!v.is_string()) fail(origin, key, v.dump(), "must be a string");
  return v.get<std::string>();
}

void check_uint(uint64_t x, const std::string& origin, const std::string& key, UintRange r) {
  if (x < r.lo || x > r.hi) fail(origin, key, std::to_string(x), int_allowed(r));
}

std::string fmt_double(double d) { return json(d).dump(); }

/// Checks lo <= x <= hi (or lo < x when lo_open), finite.
void check_double(double x, const std::string& origin, const std::string& key, double lo, double hi,
                  bool lo_open = false) {
  const bool ok = std::isfinite(x) && (lo_open ? x > lo : x >= lo) && x <= hi;
  if (!ok) {
    fail(origin, key, fmt_double(x),
         fmt::format("must be a number in {}{}, {}]", lo_open ? "(" : "[", fmt_double(lo), fmt_double(hi)));
  }
}

CellType parse_cell_type(const json& v, const std::string& origin, const std::string& key) {
  const std::string allowed = "must be one of \"SLC\", \"MLC\", \"TLC\", \"QLC\"";
  if (!v.is_string()) fail(origin, key, v.dump(), allowed);
  const std::string s = v.get<std::string>();
  if (s == "SLC") return CellType::SLC;
  if (s == "MLC") return CellType::MLC;
  if (s == "TLC") return CellType::TLC;
  if (s == "QLC") return CellType::QLC;
  fail(origin, key, v.dump(), allowed);
}

RberModel parse_errors(const json& j, const std::string& origin, RberModel e) {
  if (!j.is_object()) fail(origin, "errors", j.dump(), "must be an object with keys base_rber, pe_coeff, ...");
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    const std::string full = "errors." + k;
    if (is_comment(k)) continue;
    if (k == "base_rber") e.base_rber = parse_double(it.value(), origin, full);
    else if (k == "pe_coeff") e.pe_coeff = parse_double(it.value(), origin, full);
    else if (k == "pe_exponent") e.pe_exponent = parse_double(it.value(), origin, full);
    else if (k == "retention_coeff") e.retention_coeff = parse_double(it.value(), origin, full);
    else if (k == "read_disturb_coeff") e.read_disturb_coeff = parse_double(it.value(), origin, full);
    else if (k == "retry_factor") e.retry_factor = parse_double(it.value(), origin, full);
    else unknown_key(origin, "errors.", k, kErrorKeys);
  }
  return e;
}

std::vector<BlockAddress> parse_bad_blocks(const json& j, const std::string& origin) {
  if (!j.is_array()) {
    fail(origin, "bad_blocks", j.dump(), "must be an array of {\"die\", \"plane\", \"block\"} objects");
  }
  std::vector<BlockAddress> out;
  for (size_t i = 0; i < j.size(); ++i) {
    const json& b = j[i];
    const std::string key = fmt::format("bad_blocks[{}]", i);
    if (!b.is_object()) fail(origin, key, b.dump(), "must be an object {\"die\", \"plane\", \"block\"}");
    for (const auto& f : kBlockKeys) {
      if (!b.contains(f)) fail(origin, key, b.dump(), fmt::format("missing key '{}' (needs die, plane, block)", f));
    }
    BlockAddress a;
    for (auto it = b.begin(); it != b.end(); ++it) {
      const std::string& k = it.key();
      if (is_comment(k)) continue;
      const std::string full = key + "." + k;
      if (k == "die") a.die = parse_u32(it.value(), origin, full, kU32Range);
      else if (k == "plane") a.plane = parse_u32(it.value(), origin, full, kU32Range);
      else if (k == "block") a.block = parse_u32(it.value(), origin, full, kU32Range);
      else unknown_key(origin, key + ".", k, kBlockKeys);
    }
    out.push_back(a);
  }
  return out;
}

}  // namespace

const char* to_string(CellType type) {
  switch (type) {
    case CellType::SLC: return "SLC";
    case CellType::MLC: return "MLC";
    case CellType::TLC: return "TLC";
    case CellType::QLC: return "QLC";
  }
  return "?";
}

uint32_t bits_per_cell(CellType type) {
  switch (type) {
    case CellType::SLC: return 1;
    case CellType::MLC: return 2;
    case CellType::TLC: return 3;
    case CellType::QLC: return 4;
  }
  return 0;
}

bool RberModel::operator==(const RberModel& o) const {
  return base_rber == o.base_rber && pe_coeff == o.pe_coeff && pe_exponent == o.pe_exponent &&
         retention_coeff == o.retention_coeff && read_disturb_coeff == o.read_disturb_coeff &&
         retry_factor == o.retry_factor;
}

bool NandConfig::operator==(const NandConfig& o) const {
  return name == o.name && cell_type == o.cell_type && dies == o.dies && planes_per_die == o.planes_per_die &&
         blocks_per_plane == o.blocks_per_plane && pages_per_block == o.pages_per_block &&
         page_data_bytes == o.page_data_bytes && page_spare_bytes == o.page_spare_bytes &&
         t_read_ns == o.t_read_ns && t_prog_ns == o.t_prog_ns && t_erase_ns == o.t_erase_ns &&
         endurance_pe_cycles == o.endurance_pe_cycles && bad_blocks == o.bad_blocks && errors == o.errors &&
         read_retry_steps == o.read_retry_steps && seed == o.seed;
}

void NandConfig::validate(const std::string& origin) const {
  if (name.empty()) fail(origin, "name", "\"\"", "must be a non-empty string");
  if (bits_per_cell(cell_type) == 0) {
    fail(origin, "cell_type", std::to_string(static_cast<int>(cell_type)), "must be SLC, MLC, TLC or QLC");
  }
  check_uint(dies, origin, "dies", kDiesRange);
  check_uint(planes_per_die, origin, "planes_per_die", kPlanesRange);
  check_uint(blocks_per_plane, origin, "blocks_per_plane", kBlocksRange);
  check_uint(pages_per_block, origin, "pages_per_block", kPagesRange);
  check_uint(page_data_bytes, origin, "page_data_bytes", kPageDataRange);
  check_uint(page_spare_bytes, origin, "page_spare_bytes", kPageSpareRange);
  check_uint(t_read_ns, origin, "t_read_ns", kTimeRange);
  check_uint(t_prog_ns, origin, "t_prog_ns", kTimeRange);
  check_uint(t_erase_ns, origin, "t_erase_ns", kTimeRange);
  check_uint(endurance_pe_cycles, origin, "endurance_pe_cycles", kEnduranceRange);
  check_uint(read_retry_steps, origin, "read_retry_steps", kRetryRange);
  for (size_t i = 0; i < bad_blocks.size(); ++i) {
    const BlockAddress& b = bad_blocks[i];
    const std::string key = fmt::format("bad_blocks[{}]", i);
    auto check_index = [&](uint32_t v, const char* field, uint32_t count, const char* count_key) {
      if (v >= count) {
        fail(origin, key + "." + field, std::to_string(v),
             fmt::format("must be an integer in 0..{} ({} = {})", count - 1, count_key, count));
      }
    };
    check_index(b.die, "die", dies, "dies");
    check_index(b.plane, "plane", planes_per_die, "planes_per_die");
    check_index(b.block, "block", blocks_per_plane, "blocks_per_plane");
  }
  constexpr double kBig = 1e12;
  check_double(errors.base_rber, origin, "errors.base_rber", 0.0, 0.5);
  check_double(errors.pe_coeff, origin, "errors.pe_coeff", 0.0, kBig);
  check_double(errors.pe_exponent, origin, "errors.pe_exponent", 0.0, 4.0);
  check_double(errors.retention_coeff, origin, "errors.retention_coeff", 0.0, kBig);
  check_double(errors.read_disturb_coeff, origin, "errors.read_disturb_coeff", 0.0, kBig);
  check_double(errors.retry_factor, origin, "errors.retry_factor", 0.0, 1.0, /*lo_open=*/true);
}

NandConfig NandConfig::from_json(const json& j, const std::string& origin) {
  if (!j.is_object()) throw ConfigError(fmt::format("{}: the top level must be a JSON object", origin));
  NandConfig c;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    const json& v = it.value();
    if (is_comment(k)) continue;
    if (k == "name") c.name = parse_string(v, origin, k);
    else if (k == "cell_type") c.cell_type = parse_cell_type(v, origin, k);
    else if (k == "dies") c.dies = parse_u32(v, origin, k, kDiesRange);
    else if (k == "planes_per_die") c.planes_per_die = parse_u32(v, origin, k, kPlanesRange);
    else if (k == "blocks_per_plane") c.blocks_per_plane = parse_u32(v, origin, k, kBlocksRange);
    else if (k == "pages_per_block") c.pages_per_block = parse_u32(v, origin, k, kPagesRange);
    else if (k == "page_data_bytes") c.page_data_bytes = parse_u32(v, origin, k, kPageDataRange);
    else if (k == "page_spare_bytes") c.page_spare_bytes = parse_u32(v, origin, k, kPageSpareRange);
    else if (k == "t_read_ns") c.t_read_ns = parse_uint(v, origin, k, kTimeRange);
    else if (k == "t_prog_ns") c.t_prog_ns = parse_uint(v, origin, k, kTimeRange);
    else if (k == "t_erase_ns") c.t_erase_ns = parse_uint(v, origin, k, kTimeRange);
    else if (k == "endurance_pe_cycles") c.endurance_pe_cycles = parse_u32(v, origin, k, kEnduranceRange);
    else if (k == "bad_blocks") c.bad_blocks = parse_bad_blocks(v, origin);
    else if (k == "errors") c.errors = parse_errors(v, origin, c.errors);
    else if (k == "read_retry_steps") c.read_retry_steps = parse_u32(v, origin, k, kRetryRange);
    else if (k == "seed") c.seed = parse_uint(v, origin, k, kSeedRange);
    else unknown_key(origin, "", k, kTopKeys);
  }
  c.validate(origin);
  return c;
}

NandConfig NandConfig::from_json_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError(fmt::format("{}: cannot open config file ({})", path, std::strerror(errno)));
  json j;
  try {
    j = json::parse(in, /*cb=*/nullptr, /*allow_exceptions=*/true, /*ignore_comments=*/false);
  } catch (const json::exception& e) {
    throw ConfigError(fmt::format("{}: invalid JSON: {}", path, e.what()));
  }
  return from_json(j, path);
}

json NandConfig::to_json() const {
  json bb = json::array();
  for (const auto& b : bad_blocks) bb.push_back({{"die", b.die}, {"plane", b.plane}, {"block", b.block}});
  return json{{"name", name},
              {"cell_type", to_string(cell_type)},
              {"dies", dies},
              {"planes_per_die", planes_per_die},
              {"blocks_per_plane", blocks_per_plane},
              {"pages_per_block", pages_per_block},
              {"page_data_bytes", page_data_bytes},
              {"page_spare_bytes", page_spare_bytes},
              {"t_read_ns", t_read_ns},
              {"t_prog_ns", t_prog_ns},
              {"t_erase_ns", t_erase_ns},
              {"endurance_pe_cycles", endurance_pe_cycles},
              {"bad_blocks", bb},
              {"errors",
               {{"base_rber", errors.base_rber},
                {"pe_coeff", errors.pe_coeff},
                {"pe_exponent", errors.pe_exponent},
                {"retention_coeff", errors.retention_coeff},
                {"read_disturb_coeff", errors.read_disturb_coeff},
                {"retry_factor", errors.retry_factor}}},
              {"read_retry_steps", read_retry_steps},
              {"seed", seed}};
}

}  // namespace ifc::nand
