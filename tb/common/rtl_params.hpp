// The parameters the Verilated models were elaborated with (compile definitions IFC_RTL_* from the
// core configuration, sim/CMakeLists.txt), as the C++ side's structures.
#pragma once

#include "common/nand_cosim.hpp"
#include "common/segment_sink.hpp"
#include "model/segment_format.hpp"
#include "model/weight_image.hpp"

namespace ifc::tb {

/// The core parameters the Verilated read path was elaborated with (sim/CMakeLists.txt).
inline CosimParams rtl_cosim_params() {
  CosimParams p;
  p.planes = IFC_RTL_PLANES;
  p.bond_bytes = IFC_RTL_BOND_BYTES;
  p.page_data_bytes = IFC_RTL_PAGE_DATA_BYTES;
  p.page_spare_bytes = IFC_RTL_PAGE_SPARE_BYTES;
  p.logic_clock_mhz = IFC_RTL_LOGIC_CLOCK_MHZ;
  p.seg_payload_bytes = IFC_RTL_SEG_PAYLOAD_BYTES;
  p.seg_slot_bytes = IFC_RTL_SEG_SLOT_BYTES;
  return p;
}

/// The weight layout the RTL was elaborated with, at `base_page`.
inline model::WeightLayout rtl_weight_layout(uint32_t base_page = 0) {
  model::WeightLayout l;
  l.planes = IFC_RTL_PLANES;
  l.page_data_bytes = IFC_RTL_PAGE_DATA_BYTES;
  l.page_spare_bytes = IFC_RTL_PAGE_SPARE_BYTES;
  l.seg_payload_bytes = IFC_RTL_SEG_PAYLOAD_BYTES;
  l.seg_slot_bytes = IFC_RTL_SEG_SLOT_BYTES;
  l.base_page = base_page;
  return l;
}

#ifdef IFC_RTL_SEG_CRC
/// The segment format the RTL was elaborated with (libraries that define IFC_RTL_SEG_CRC).
inline model::SegmentFormat rtl_segment_format() {
  model::SegmentFormat f;
  f.payload_bytes = IFC_RTL_SEG_PAYLOAD_BYTES;
  f.slot_bytes = IFC_RTL_SEG_SLOT_BYTES;
  f.m = IFC_RTL_ECC_M;
  f.t = IFC_RTL_ECC_T;
  f.crc = IFC_RTL_SEG_CRC != 0;
  return f;
}
#endif

/// BF16 elements of one K / V segment on the core under test (docs/kvnand.md): a legal KV row of D
/// elements is a power-of-two number S = D / rtl_kv_seg_elems() of segments, S <= rtl_kv_stripe_segs().
/// The system tests write D as S x rtl_kv_seg_elems() so they run on any segment size (128 at the
/// default 256 B segments, 256 with 512 B).
constexpr uint32_t rtl_kv_seg_elems() { return IFC_RTL_SEG_PAYLOAD_BYTES / 2; }

/// Segments of one KV stripe (one page on every plane): tokens per stripe = this / S.
constexpr uint32_t rtl_kv_stripe_segs() { return IFC_RTL_PLANES * (IFC_RTL_PAGE_DATA_BYTES / IFC_RTL_SEG_PAYLOAD_BYTES); }

inline SegLayout rtl_seg_layout() {
  SegLayout l;
  l.bond_bytes = IFC_RTL_BOND_BYTES;
  l.page_data_bytes = IFC_RTL_PAGE_DATA_BYTES;
  l.page_spare_bytes = IFC_RTL_PAGE_SPARE_BYTES;
  l.seg_payload_bytes = IFC_RTL_SEG_PAYLOAD_BYTES;
  l.seg_slot_bytes = IFC_RTL_SEG_SLOT_BYTES;
  return l;
}

}  // namespace ifc::tb
