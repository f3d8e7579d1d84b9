// SPDX-License-Identifier: Apache-2.0
/// \file crc32c.hpp
/// \brief CRC-32C (Castagnoli), the optional per-segment check that catches BCH miscorrection.
///
/// Parameters (Rocksoft model, "CRC-32/ISCSI"): width 32, poly 0x1EDC6F41 (reflected 0x82F63B78),
/// init 0xFFFFFFFF, refin = refout = true, xorout 0xFFFFFFFF, check crc32c("123456789") = 0xE3069283.
/// Bytes are consumed in address order, each LSB first. When stored in a segment's spare slot the
/// CRC is written little-endian (byte 0 = crc & 0xFF).
#pragma once

#include <cstddef>
#include <cstdint>

namespace ifc::model {

/// CRC-32C of len bytes at data.
uint32_t crc32c(const void* data, size_t len);

/// Continues a finished CRC: crc32c_extend(crc32c(a), b) == crc32c(a || b).
uint32_t crc32c_extend(uint32_t crc, const void* data, size_t len);

}  // namespace ifc::model
