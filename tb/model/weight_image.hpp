// The weight packer: lays a GEMV weight matrix into the NAND image with ECC parity, following the
// deterministic layout of docs/core.md, either programmed page by page or as a procedural source
// (the page is built from the matrix on demand, so a large matrix needs no image in memory).
#pragma once

#include <cstdint>
#include <vector>

#include "model/numerics.hpp"
#include "model/segment_format.hpp"
#include "nand/nand_array.hpp"

namespace ifc::model {

/// "int8", "bf16" or "int4".
const char* to_string(Dtype d);

/// Geometry of the layout (the core configuration).
struct WeightLayout {
  uint32_t planes = 4;
  uint32_t page_data_bytes = 16384;
  uint32_t page_spare_bytes = 1664;
  uint32_t seg_payload_bytes = 256;
  uint32_t seg_slot_bytes = 16;
  uint32_t base_page = 0;  ///< first linear page index (within each plane)

  uint32_t segs_per_page() const { return page_data_bytes / seg_payload_bytes; }
  uint32_t elems_per_seg(Dtype d) const { return seg_payload_bytes * 8 / dtype_weight_bits(d); }
  uint32_t segs_per_row(Dtype d, uint32_t k) const { return (k + elems_per_seg(d) - 1) / elems_per_seg(d); }
  /// Pages each plane holds for R rows (a multi-plane read per page index).
  uint32_t pages_per_plane(Dtype d, uint32_t rows, uint32_t k) const;
};

/// A packed matrix: R rows x K columns of `dtype`, row-major bytes as in the .npy (INT4: K/2 bytes a
/// row, low nibble first; BF16: 2 bytes little-endian per element).
class WeightImage {
 public:
  WeightImage(const WeightLayout& lay, const SegmentFormat& fmt, Dtype dtype, uint32_t rows, uint32_t k,
              std::vector<uint8_t> matrix);

  /// Builds the page (data + spare, with parity) of page index `i` (relative to base) of `plane`.
  void build_page(uint32_t i, uint32_t plane, uint8_t* page) const;
  /// Programs every page into `nand` (die 0), erasing nothing; returns the first failing status.
  nand::Status program(nand::NandArray& nand) const;
  /// Installs the image as the procedural source of `nand` (pages outside the image read erased).
  void install_procedural(nand::NandArray& nand) const;

  const WeightLayout& layout() const { return lay_; }
  Dtype dtype() const { return dtype_; }
  uint32_t rows() const { return rows_; }
  uint32_t k() const { return k_; }
  uint32_t segs_per_row() const { return lay_.segs_per_row(dtype_, k_); }
  uint32_t pages_per_plane() const { return lay_.pages_per_plane(dtype_, rows_, k_); }
  const std::vector<uint8_t>& matrix() const { return matrix_; }
  /// The payload bytes of segment (r, s), zero-padded past K.
  void segment_payload(uint32_t r, uint32_t s, uint8_t* out) const;

 private:
  WeightLayout lay_;
  SegmentCodec codec_;
  Dtype dtype_;
  uint32_t rows_, k_;
  std::vector<uint8_t> matrix_;
  size_t row_bytes_;
};

}  // namespace ifc::model
