// SPDX-License-Identifier: Apache-2.0
#include "model/crc32c.hpp"

#include <array>

namespace ifc::model {

namespace {

constexpr uint32_t kPolyReflected = 0x82F63B78u;

// Slicing-by-4 tables: t[0] is the classic byte table, t[s][v] advances t[s-1][v] by one zero byte.
struct Tables {
  std::array<std::array<uint32_t, 256>, 4> t{};
  constexpr Tables() {
    for (uint32_t v = 0; v < 256; ++v) {
      uint32_t c = v;
      for (int b = 0; b < 8; ++b) c = (c >> 1) ^ ((c & 1u) ? kPolyReflected : 0u);
      t[0][v] = c;
    }
    for (uint32_t v = 0; v < 256; ++v) {
      for (int s = 1; s < 4; ++s) t[s][v] = (t[s - 1][v] >> 8) ^ t[0][t[s - 1][v] & 0xFFu];
    }
  }
};

constexpr Tables kTables{};

uint32_t update(uint32_t state, const uint8_t* p, size_t len) {
  const auto& t = kTables.t;
  while (len >= 4) {
    state ^= uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
    state = t[3][state & 0xFFu] ^ t[2][(state >> 8) & 0xFFu] ^ t[1][(state >> 16) & 0xFFu] ^ t[0][state >> 24];
    p += 4;
    len -= 4;
  }
  while (len--) state = (state >> 8) ^ t[0][(state ^ *p++) & 0xFFu];
  return state;
}

}  // namespace

uint32_t crc32c(const void* data, size_t len) { return crc32c_extend(0, data, len); }

uint32_t crc32c_extend(uint32_t crc, const void* data, size_t len) {
  return ~update(~crc, static_cast<const uint8_t*>(data), len);
}

}  // namespace ifc::model
