#include "model/weight_image.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>

namespace ifc::model {

const char* to_string(Dtype d) {
  switch (d) {
    case Dtype::kInt8: return "int8";
    case Dtype::kBf16: return "bf16";
    case Dtype::kInt4: return "int4";
  }
  return "?";
}


uint32_t WeightLayout::pages_per_plane(Dtype d, uint32_t rows, uint32_t k) const {
  const uint64_t n = uint64_t(rows) * segs_per_row(d, k);
  const uint64_t per_page = uint64_t(planes) * segs_per_page();
  return static_cast<uint32_t>((n + per_page - 1) / per_page);
}

WeightImage::WeightImage(const WeightLayout& lay, const SegmentFormat& fmt, Dtype dtype, uint32_t rows, uint32_t k,
                         std::vector<uint8_t> matrix)
    : lay_(lay), codec_(fmt), dtype_(dtype), rows_(rows), k_(k), matrix_(std::move(matrix)) {
  if (fmt.payload_bytes != lay.seg_payload_bytes || fmt.slot_bytes != lay.seg_slot_bytes)
    throw std::invalid_argument("WeightImage: segment format and layout disagree on the segment size");
  if (dtype == Dtype::kInt4 && k % 2 != 0) throw std::invalid_argument("WeightImage: INT4 needs an even K");
  row_bytes_ = size_t(k) * dtype_weight_bits(dtype) / 8;
  if (matrix_.size() != size_t(rows) * row_bytes_)
    throw std::invalid_argument("WeightImage: matrix has " + std::to_string(matrix_.size()) + " bytes, expected " +
                                std::to_string(size_t(rows) * row_bytes_) + " (" + std::to_string(rows) + " x " +
                                std::to_string(k) + " " + to_string(dtype) + ")");
}

void WeightImage::segment_payload(uint32_t r, uint32_t s, uint8_t* out) const {
  const size_t pay = lay_.seg_payload_bytes;
  std::memset(out, 0, pay);
  const size_t off = size_t(s) * pay;
  if (off >= row_bytes_) return;
  const size_t n = std::min(pay, row_bytes_ - off);
  std::memcpy(out, &matrix_[size_t(r) * row_bytes_ + off], n);
}

void WeightImage::build_page(uint32_t i, uint32_t plane, uint8_t* page) const {
  const uint32_t spp = lay_.segs_per_page();
  const uint64_t n = uint64_t(rows_) * segs_per_row();
  const uint32_t s_per_row = segs_per_row();
  for (uint32_t j = 0; j < spp; ++j) {
    const uint64_t g = (uint64_t(i) * spp + j) * lay_.planes + plane;
    uint8_t* p = page + size_t(j) * lay_.seg_payload_bytes;
    if (g < n) {
      segment_payload(static_cast<uint32_t>(g / s_per_row), static_cast<uint32_t>(g % s_per_row), p);
    } else {
      std::memset(p, 0, lay_.seg_payload_bytes);  // past the matrix: zero segments (never used)
    }
  }
  codec_.encode_page(page, lay_.page_data_bytes, page + lay_.page_data_bytes, lay_.page_spare_bytes);
}

nand::Status WeightImage::program(nand::NandArray& nand) const {
  const auto& cfg = nand.config();
  std::vector<uint8_t> page(cfg.page_bytes());
  for (uint32_t i = 0; i < pages_per_plane(); ++i) {
    const uint32_t lin = lay_.base_page + i;
    for (uint32_t pl = 0; pl < lay_.planes; ++pl) {
      build_page(i, pl, page.data());
      const nand::Address a{0, pl, lin / cfg.pages_per_block, lin % cfg.pages_per_block};
      const auto st = nand.program(a, page.data(), page.size());
      if (st != nand::Status::Ok) return st;
    }
  }
  return nand::Status::Ok;
}

void WeightImage::install_procedural(nand::NandArray& nand) const {
  const uint32_t ppb = nand.config().pages_per_block;
  const uint32_t pages = pages_per_plane();
  nand.set_procedural_source([this, ppb, pages](const nand::Address& a, uint8_t* page, size_t) {
    const uint32_t lin = a.block * ppb + a.page;
    if (a.die != 0 || lin < lay_.base_page || lin - lay_.base_page >= pages || a.plane >= lay_.planes) return;
    build_page(lin - lay_.base_page, a.plane, page);
  });
}

}  // namespace ifc::model
