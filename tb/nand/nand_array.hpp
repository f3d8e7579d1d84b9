// Behavioural model of a NAND flash array (DESIGN.md, "The NAND-array behavioural model").
//
// Geometry dies x planes x blocks x pages; a page is page_data_bytes + page_spare_bytes and every
// read or program moves a whole page. Timing is per plane: an operation at now_ns makes its plane
// busy until now_ns + tR / tPROG / tBERS, and the plane accepts its next operation at exactly that
// time (back-to-back cache reads). Raw bit errors are injected on reads only (never into the stored
// page) by a seeded, machine-independent RBER model.
//
// Page contents, in order of precedence:
//   1. a page programmed (explicitly, with program()) since its block's last erase: the stored bytes;
//   2. otherwise, if a procedural source is installed and the block has not been erased since the
//      source was installed: the source's bytes (the page counts as programmed: it holds an image);
//   3. otherwise: erased, all 0xFF.
// Hence: installing a source (re)applies the image to every page not explicitly programmed
// (including blocks erased before the install); erasing a block removes both its stored pages and
// its procedural contents until the next install; programming a procedural page returns NotErased
// (erase the block first); removing the source (an empty function) makes every non-stored page
// erased (0xFF, programmable in page order).
//
// Bit numbering (stuck bits, flip positions): bit i of a page is bit (i % 8) of byte (i / 8), LSB
// first (bit 0 = 0x01 of byte 0); data bytes come first (bits 0 .. 8*data-1), then the spare area.
//
// Not thread-safe. Operations never throw (unless a user procedural source throws or memory runs
// out) and never modify anything but their own target on a failed request.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "nand/nand_config.hpp"

namespace ifc::nand {

/// A page address. Fields are zero-based and range-checked by every operation.
struct Address {
  uint32_t die = 0;
  uint32_t plane = 0;
  uint32_t block = 0;
  uint32_t page = 0;
  /// Field-wise equality.
  bool operator==(const Address& o) const {
    return die == o.die && plane == o.plane && block == o.block && page == o.page;
  }
};

/// Result of every operation (a NAND READ STATUS in spirit).
enum class Status {
  Ok,                  ///< done
  AddressOutOfRange,   ///< die/plane/block/page, bit index or retry step outside the geometry
  BadBlock,            ///< factory bad block, or marked bad with mark_bad()
  NotErased,           ///< program on a page that holds data (programmed or procedural)
  ProgramOrder,        ///< program on an erased page below the block's highest programmed page
  WornOut,             ///< the block reached endurance_pe_cycles (a grown bad block)
  PlaneBusy,           ///< the plane is still busy: now_ns < plane_busy_until_ns()
  MultiPlaneConflict,  ///< multi-plane rules violated (die, distinct planes, page index, empty)
  LengthMismatch,      ///< program length != page_bytes(), or a null data pointer
};

/// Returns the enumerator's name, e.g. "PlaneBusy".
const char* to_string(Status status);

/// The kind of operation last accepted by a plane.
enum class Op { None, Read, MultiPlaneRead, Program, Erase };

/// Returns the enumerator's name, e.g. "MultiPlaneRead".
const char* to_string(Op op);

/// What a page holds (see the precedence rules at the top of this file).
enum class PageState { Erased, Programmed, Procedural, OutOfRange };

/// Returns the enumerator's name, e.g. "Procedural".
const char* to_string(PageState state);

/// Side information of a successful read.
struct ReadInfo {
  uint64_t ready_at_ns = 0;  ///< now_ns + tR: when the page is in the page buffer (0 if untimed)
  uint32_t bit_errors = 0;   ///< random flips injected by this read (before stuck bits)
  double rber_used = 0.0;    ///< the RBER this read used (after retry_factor^step and clamping)
  uint32_t stuck_bits = 0;   ///< stuck-bit positions forced on this page (whether or not they differed)
};

/// READ STATUS of one plane.
struct PlaneStatus {
  bool ready = true;                 ///< now_ns >= busy_until_ns
  uint64_t busy_until_ns = 0;        ///< end of the last accepted operation
  Op last_op = Op::None;             ///< last accepted request (PlaneBusy requests are not accepted)
  Status last_status = Status::Ok;   ///< its outcome (Ok, or why it failed)
};

/// Array-wide counters of successful operations.
struct Counters {
  uint64_t page_reads = 0;         ///< pages sensed (a multi-plane read of n planes counts n)
  uint64_t multi_plane_reads = 0;  ///< multi_plane_read() commands
  uint64_t programs = 0;           ///< pages programmed
  uint64_t erases = 0;             ///< blocks erased (including the one that wears a block out)
  uint64_t bits_flipped = 0;       ///< random flips injected (sum of ReadInfo::bit_errors)
  uint64_t bytes_sensed = 0;       ///< page_reads x page_bytes()
};

/// Supplies the contents of a page that is not explicitly programmed (see top of file). Called with
/// `page` pre-filled with 0xFF and len == page_bytes(); it must be deterministic in its address.
using ProceduralSource = std::function<void(const Address& addr, uint8_t* page, size_t len)>;

/// Pass as now_ns to program()/erase()/read() for an untimed (set-up) operation: no busy check and
/// the plane's busy time is not changed. Everything else (data, counters, wear) is as usual.
inline constexpr uint64_t kUntimed = ~uint64_t{0};

/// The NAND array model.
class NandArray {
 public:
  /// Builds an array in the factory state: all pages erased, P/E 0, factory bad blocks from the
  /// config. Throws ConfigError if cfg.validate() fails.
  explicit NandArray(NandConfig cfg);

  /// The configuration the array was built from.
  const NandConfig& config() const { return cfg_; }
  /// Bytes per page (data + spare).
  size_t page_bytes() const { return page_bytes_; }
  /// True if every field of `addr` is inside the geometry.
  bool in_range(const Address& addr) const;

  /// Senses one page at time now_ns into `out` (resized to page_bytes()). The plane is busy until
  /// now_ns + tR. Errors: AddressOutOfRange (also retry_step > read_retry_steps), PlaneBusy,
  /// BadBlock, WornOut. On failure `out`, counters and state are untouched.
  Status read(const Address& addr, uint64_t now_ns, std::vector<uint8_t>& out, ReadInfo* info = nullptr,
              uint32_t retry_step = 0);

  /// Multi-plane read: all addresses on one die, distinct planes, the same page index (blocks may
  /// differ); else MultiPlaneConflict (also for an empty list). All planes sense in parallel in one
  /// tR. Atomic: if any address fails nothing is read, and the first failing status is returned
  /// (checks in order: range, conflict, busy, bad/worn). `out` (and `*info`) get one entry per address.
  Status multi_plane_read(const std::vector<Address>& addrs, uint64_t now_ns,
                          std::vector<std::vector<uint8_t>>& out, std::vector<ReadInfo>* info = nullptr,
                          uint32_t retry_step = 0);

  /// Programs one page (len must be page_bytes()). The plane is busy for tPROG. Errors:
  /// AddressOutOfRange, LengthMismatch (also data == nullptr), PlaneBusy, BadBlock, WornOut,
  /// NotErased (page holds data), ProgramOrder (an erased page below the block's highest programmed
  /// page; skipping pages upwards is allowed). Default now_ns = kUntimed (set-up, no timing).
  Status program(const Address& addr, const uint8_t* data, size_t len, uint64_t now_ns = kUntimed);

  /// Erases a block: every page reads 0xFF (stored and procedural contents gone), P/E + 1, its
  /// read-disturb counter and program pointer reset. Busy for tBERS. When the P/E count reaches
  /// endurance_pe_cycles the erase still happens but the block becomes a grown bad block and
  /// WornOut is returned. Errors: AddressOutOfRange, PlaneBusy, BadBlock, WornOut.
  Status erase(uint32_t die, uint32_t plane, uint32_t block, uint64_t now_ns = kUntimed);

  /// The error-free contents of a page (what a read at RBER 0 without stuck bits would return),
  /// ignoring bad blocks and timing and changing no counter: for checkers and golden models.
  /// Returns AddressOutOfRange or Ok.
  Status peek(const Address& addr, std::vector<uint8_t>& out) const;

  /// Whether a page is erased, explicitly programmed or procedural (OutOfRange if not in range).
  PageState page_state(const Address& addr) const;

  /// READ STATUS of a plane at time now_ns (last_status AddressOutOfRange for a bad die/plane).
  PlaneStatus status(uint32_t die, uint32_t plane, uint64_t now_ns) const;

  /// Time at which the plane accepts its next operation (0 for a bad die/plane).
  uint64_t plane_busy_until_ns(uint32_t die, uint32_t plane) const;

  /// Marks a block bad (grown bad block). Returns AddressOutOfRange or Ok. Its data is kept but
  /// every later operation on it returns BadBlock (WornOut if it was already worn out).
  Status mark_bad(uint32_t die, uint32_t plane, uint32_t block);
  /// True for a factory, marked or worn-out block (false if out of range).
  bool is_bad(uint32_t die, uint32_t plane, uint32_t block) const;
  /// True if the block reached its endurance limit (false if out of range).
  bool is_worn_out(uint32_t die, uint32_t plane, uint32_t block) const;
  /// P/E cycles (erases) of a block (0 if out of range).
  uint32_t pe_cycles(uint32_t die, uint32_t plane, uint32_t block) const;
  /// Successful page reads of a block since its last erase (the read-disturb count; 0 if out of range).
  uint64_t block_reads_since_erase(uint32_t die, uint32_t plane, uint32_t block) const;
  /// Successful reads of a page over the array's lifetime (never reset; part of the flip RNG seed).
  uint64_t page_read_count(const Address& addr) const;

  /// The RBER the next read of `addr` at `retry_step` would use (0 if out of range).
  double rber(const Address& addr, uint32_t retry_step = 0) const;
  /// Overrides the RBER model with a fixed rate (the CLI's --rber); retry_factor^step and the
  /// [0, 0.5] clamp still apply. A negative or NaN value clears the override.
  void set_fixed_rber(double rber);
  /// The fixed RBER override, if set.
  std::optional<double> fixed_rber() const { return fixed_rber_; }
  /// Sets the retention time (hours since programming, the same for every page; negative/NaN -> 0).
  void set_retention_hours(double hours);
  /// The retention time in hours.
  double retention_hours() const { return retention_hours_; }

  /// Forces bit `bit_index` (see bit numbering above) of a page to `value` on every read, after the
  /// random flips. The stored page is not changed; peek() ignores stuck bits. Injecting the same
  /// bit again replaces its value. Returns AddressOutOfRange (address or bit_index) or Ok.
  Status inject_stuck_bit(const Address& addr, uint32_t bit_index, bool value);
  /// Removes every stuck bit.
  void clear_stuck_bits();

  /// Installs (or, with an empty function, removes) the procedural source; see the top of this
  /// file for exactly how it interacts with program and erase.
  void set_procedural_source(ProceduralSource source);
  /// True if a procedural source is installed.
  bool has_procedural_source() const { return static_cast<bool>(source_); }
  /// Installs a source whose pages are seeded_page_contents(seed, addr).
  void fill_procedural_seeded(uint64_t seed);
  /// Pseudo-random page bytes from hash(seed, die, plane, block, page): a splitmix64 stream,
  /// little-endian 8 bytes per output. Machine-independent; usable by golden models.
  static void seeded_page_contents(uint64_t seed, const Address& addr, uint8_t* page, size_t len);

  /// Counters of successful operations.
  const Counters& counters() const { return counters_; }
  /// Zeroes the counters (not the per-block/per-page wear and read counts).
  void reset_counters() { counters_ = Counters{}; }
  /// Number of explicitly programmed pages held in memory.
  size_t stored_pages() const { return pages_.size(); }

 private:
  enum class BadReason : uint8_t { None, Factory, Marked, WornOut };
  struct BlockState {
    uint64_t reads_since_erase = 0;
    uint32_t pe_cycles = 0;
    uint32_t next_page = 0;   // 1 + highest explicitly programmed page since the last erase
    BadReason bad = BadReason::None;
    bool procedural = false;  // holds the procedural image (not erased since the source install)
  };
  struct PlaneState {
    uint64_t busy_until_ns = 0;
    Op last_op = Op::None;
    Status last_status = Status::Ok;
  };

  uint64_t block_index(uint32_t die, uint32_t plane, uint32_t block) const;
  uint64_t page_key(const Address& a) const;
  bool block_in_range(uint32_t die, uint32_t plane, uint32_t block) const;
  PlaneState* plane_state(uint32_t die, uint32_t plane);
  static bool is_busy(const PlaneState& p, uint64_t now_ns);
  static Status block_health(const BlockState& b);
  double rber_for(const BlockState& b, uint32_t retry_step) const;
  void load_page(const Address& a, const BlockState& b, uint8_t* dst) const;
  // Senses one already-validated page into dst: contents, flips, stuck bits, counters.
  void sense(const Address& a, uint32_t retry_step, std::vector<uint8_t>& dst, ReadInfo& info);

  NandConfig cfg_;
  size_t page_bytes_ = 0;
  std::vector<BlockState> blocks_;
  std::vector<PlaneState> planes_;
  std::unordered_map<uint64_t, std::vector<uint8_t>> pages_;  // explicitly programmed pages
  std::unordered_map<uint64_t, uint64_t> page_reads_;          // lifetime read count per page
  std::unordered_map<uint64_t, std::vector<std::pair<uint32_t, bool>>> stuck_;
  ProceduralSource source_;
  std::optional<double> fixed_rber_;
  double retention_hours_ = 0.0;
  Counters counters_;
};

}  // namespace ifc::nand
