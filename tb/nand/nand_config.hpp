// Configuration of the NAND-array behavioural model: geometry, timing, endurance, bad blocks and
// the RBER model. Loaded from JSON (configs/nand/*.json); the defaults are the real default die of
// DESIGN.md ("Default parameters").
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace ifc::nand {

/// Thrown for an invalid configuration. The message names the origin (file), the key, the bad
/// value and what is allowed, e.g.
/// `configs/nand/x.json: key 'planes_per_die' = 0: must be 1..16`.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Bits stored per cell. Informational for the model (timing and RBER come from the config).
enum class CellType { SLC, MLC, TLC, QLC };

/// Returns "SLC", "MLC", "TLC" or "QLC".
const char* to_string(CellType type);

/// Returns 1, 2, 3 or 4.
uint32_t bits_per_cell(CellType type);

/// A block address (used for the factory bad-block list).
struct BlockAddress {
  uint32_t die = 0;
  uint32_t plane = 0;
  uint32_t block = 0;
  /// Field-wise equality.
  bool operator==(const BlockAddress& o) const {
    return die == o.die && plane == o.plane && block == o.block;
  }
};

/// Parameters of the raw-bit-error-rate model. For a read of a page in block B at retry step s:
///   rber = base_rber
///        x (1 + pe_coeff x pe_cycles(B)^pe_exponent)
///        x (1 + retention_coeff x retention_hours)
///        x (1 + read_disturb_coeff x reads_of_B_since_its_last_erase)
///        x retry_factor^s,                                   clamped to [0, 0.5].
/// JSON object "errors"; units: retention_coeff is per hour, read_disturb_coeff per block read.
struct RberModel {
  double base_rber = 1e-5;          ///< fresh block, no retention, no disturb
  double pe_coeff = 1e-6;           ///< x pe^pe_exponent; 1e-6 x 3000^2 = 9: EOL block 10x fresh
  double pe_exponent = 2.0;         ///< power-law exponent in P/E cycles
  double retention_coeff = 1e-3;    ///< per hour of retention: 1 year (8760 h) is ~9.8x
  double read_disturb_coeff = 1e-6; ///< per read of the block since its last erase: 1M reads is 2x
  double retry_factor = 0.5;        ///< multiplies the RBER per read-retry step, in (0, 1]
  /// Field-wise equality.
  bool operator==(const RberModel& o) const;
};

/// Complete NAND model configuration. A default-constructed NandConfig is the real default die
/// of DESIGN.md (also shipped as configs/nand/default.json). Units are in the names.
struct NandConfig {
  std::string name = "default";            ///< free text, non-empty
  CellType cell_type = CellType::TLC;      ///< JSON "SLC" | "MLC" | "TLC" | "QLC"
  uint32_t dies = 1;                       ///< 1..16
  uint32_t planes_per_die = 4;             ///< 1..16
  uint32_t blocks_per_plane = 504;         ///< 1..16384
  uint32_t pages_per_block = 2304;         ///< 1..16384
  uint32_t page_data_bytes = 16384;        ///< 16..65536
  uint32_t page_spare_bytes = 1664;        ///< 0..16384
  uint64_t t_read_ns = 30000;              ///< tR, 1..10^10
  uint64_t t_prog_ns = 1900000;            ///< tPROG, 1..10^10
  uint64_t t_erase_ns = 15000000;          ///< tBERS, 1..10^10
  uint32_t endurance_pe_cycles = 3000;     ///< 1..10^7: a block wears out at this P/E count
  std::vector<BlockAddress> bad_blocks;    ///< factory bad blocks, each inside the geometry
  RberModel errors;                        ///< RBER model parameters
  uint32_t read_retry_steps = 7;           ///< max read-retry step (steps 0..this), 0..64
  uint64_t seed = 1;                       ///< seed of the bit-flip RNG, any uint64

  /// Bytes moved by one page read or program: page_data_bytes + page_spare_bytes.
  size_t page_bytes() const { return static_cast<size_t>(page_data_bytes) + page_spare_bytes; }
  /// Number of blocks in the array (dies x planes x blocks).
  uint64_t blocks_total() const {
    return static_cast<uint64_t>(dies) * planes_per_die * blocks_per_plane;
  }
  /// Number of pages in the array.
  uint64_t pages_total() const { return blocks_total() * pages_per_block; }

  /// Checks every field; throws ConfigError naming `origin`, the key, the value and the allowed range.
  void validate(const std::string& origin = "<config>") const;

  /// Loads and validates a JSON file. Missing keys keep their defaults (the default die); keys
  /// beginning with '_' are comments; any other unknown key is an error. Throws ConfigError (also
  /// for a missing/unreadable file or malformed JSON), with the file path in the message.
  static NandConfig from_json_file(const std::string& path);

  /// As from_json_file, from an already-parsed JSON object; `origin` prefixes error messages.
  static NandConfig from_json(const nlohmann::json& j, const std::string& origin = "<json>");

  /// Serialises every field (no comments); from_json(to_json()) == *this.
  nlohmann::json to_json() const;

  /// Field-wise equality.
  bool operator==(const NandConfig& o) const;
  /// Field-wise inequality.
  bool operator!=(const NandConfig& o) const { return !(*this == o); }
};

}  // namespace ifc::nand
