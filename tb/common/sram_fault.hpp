// Soft-error injection into the behavioural SRAM macros (ifc_sram_1r1w's mem_q, public to the
// Verilated model): flips one stored bit of one instance, found by its hierarchical scope name.
// Only for tests; the RTL is unchanged in synthesis.
#pragma once

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "verilated.h"
#include "verilated_syms.h"

namespace ifc::tb {

/// One SRAM instance's storage.
struct SramView {
  std::string scope;
  uint64_t* words = nullptr;  ///< Width <= 64 (QData / IData words); see width_bytes
  unsigned width_bytes = 0;
  unsigned depth = 0;
};

/// Every ifc_sram_1r1w instance whose scope name contains `part` (e.g. "u_page_buffer.u_latch").
inline std::vector<SramView> find_srams(VerilatedContext& ctx, const std::string& part) {
  std::vector<SramView> out;
  const VerilatedScopeNameMap* m = ctx.scopeNameMap();
  if (!m) return out;
  for (const auto& kv : *m) {
    const std::string name = kv.first;
    if (name.find(part) == std::string::npos) continue;
    VerilatedVar* v = kv.second->varFind("mem_q");
    if (!v) continue;
    SramView s;
    s.scope = name;
    s.words = static_cast<uint64_t*>(v->datap());
    const unsigned bits = unsigned(v->packed().elements());
    if (bits > 64) continue;  // wide macros (activation buffers) are not covered by this hook
    s.width_bytes = bits > 32 ? 8 : bits > 16 ? 4 : bits > 8 ? 2 : 1;
    s.depth = unsigned(v->unpacked().elements());
    out.push_back(s);
  }
  return out;
}

/// Flips bit `bit` of word `addr` of an SRAM.
inline void flip_sram_bit(const SramView& s, unsigned addr, unsigned bit) {
  if (addr >= s.depth || bit >= 8 * s.width_bytes) throw std::out_of_range("flip_sram_bit");
  uint8_t* p = reinterpret_cast<uint8_t*>(s.words) + size_t(addr) * s.width_bytes + bit / 8;
  *p ^= uint8_t(1u << (bit % 8));
}

}  // namespace ifc::tb
