// KvAppendModel: the bit-true model of rtl/ifc_kv_append.sv (the KVNAND KV-cache write path,
// docs/kvnand.md). It keeps, per group slot, the open K and V stripes (the SRAM write buffer), the
// allocator of the KV region and the mapping table, and returns the pages a KV_APPEND programs, in
// the order the RTL streams them (K stripe planes 0..P-1, then V stripe planes 0..P-1).
//
// A stripe is laid out as a GEMV weight matrix of TokensPerStripe rows (tokens) x D bf16 columns
// (model::WeightImage at base page 0), so its pages are WeightImage::build_page(0, plane).
#pragma once

#include <cstdint>
#include <vector>

#include "model/segment_format.hpp"
#include "model/weight_image.hpp"

namespace ifc::model {

/// One page program: plane, linear page index, data + spare bytes.
struct KvProgram {
  uint32_t plane;
  uint32_t page;
  std::vector<uint8_t> bytes;
};

class KvAppendModel {
 public:
  /// Error codes (rtl/ifc_pkg.sv).
  static constexpr uint8_t kOk = 0, kErrDtype = 2, kErrShape = 3, kErrActLength = 6, kErrToken = 10,
                           kErrFull = 11, kErrGroup = 12;

  KvAppendModel(const WeightLayout& lay, const SegmentFormat& fmt, uint32_t groups, uint32_t max_runs,
                uint32_t pages_per_plane);

  /// Sets the KV region's base (CSR 24 write): pages [base, pages_per_plane) split into 2 x groups
  /// equal stream regions (stream 2 x slot + kv), each filled in ascending order from its start.
  void set_base(uint32_t base);
  uint32_t base() const { return base_; }
  uint32_t region_pages() const { return region_; }
  /// Next free page index of stream (slot, kv).
  uint32_t alloc(uint32_t group, uint32_t kv) const { return alloc_[2 * group + kv]; }

  /// Tokens per stripe at D elements a row (Planes * SegsPerPage / (D / ElemsPerSeg)), 0 if D is invalid.
  uint32_t tokens_per_stripe(uint32_t d) const;

  /// One KV_APPEND (dtype 1 = bf16; K and V rows of d bf16 values each). Returns the error code
  /// and appends the programmed pages to `out`. A failed command changes no state.
  uint8_t append(uint8_t dtype, uint32_t d, uint32_t group, uint32_t token, const std::vector<uint16_t>& k_row,
                 const std::vector<uint16_t>& v_row, std::vector<KvProgram>& out);

  /// Mapping-table entry (slot, kv, run): the page index, or UINT32_MAX if never written.
  uint32_t map(uint32_t group, uint32_t kv, uint32_t run) const;
  /// (2 * slot + kv) * max_runs + run: the CSR 25 index of an entry.
  uint32_t map_index(uint32_t group, uint32_t kv, uint32_t run) const { return (2 * group + kv) * max_runs_ + run; }

  uint64_t pages_programmed() const { return pages_; }
  uint64_t tokens_appended() const { return tokens_; }

 private:
  struct Stream {
    uint32_t next_token = 0;
    uint32_t d = 0;
    std::vector<uint8_t> rows[2];  // K, V: bf16 row-major bytes of the open stripe's tokens
  };
  WeightLayout lay_;
  SegmentFormat fmt_;
  uint32_t groups_, max_runs_, pages_per_plane_;
  uint32_t base_ = 0, region_ = 0;
  std::vector<uint32_t> alloc_;
  uint64_t pages_ = 0, tokens_ = 0;
  std::vector<Stream> streams_;
  std::vector<uint32_t> map_;
};

}  // namespace ifc::model
