// The parameters the Verilated models were elaborated with (compile definitions IFC_RTL_* from the
// core configuration, sim/CMakeLists.txt), as the C++ side's structures.
#pragma once

#include "common/nand_cosim.hpp"
#include "common/segment_sink.hpp"

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
