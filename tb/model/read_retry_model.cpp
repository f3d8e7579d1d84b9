// SPDX-License-Identifier: Apache-2.0
#include "model/read_retry_model.hpp"

#include <stdexcept>

namespace ifc::model {

ReadRetryModel::ReadRetryModel(unsigned planes, unsigned segs_per_page, const BchCode& code, unsigned ecc_t)
    : planes_(planes), segs_per_page_(segs_per_page), ecc_t_(ecc_t), code_(code) {
  if (planes == 0 || planes > 16) throw std::invalid_argument("ReadRetryModel: planes must be 1..16");
  if (segs_per_page == 0 || (segs_per_page & (segs_per_page - 1)) != 0)
    throw std::invalid_argument("ReadRetryModel: segs_per_page must be a power of two");
}

RetryCommand ReadRetryModel::command(const RetryRequest& r, uint32_t base_page) const {
  const uint32_t q = r.g / planes_;
  RetryCommand c;
  c.plane_mask = 1u << (r.g % planes_);
  c.page = base_page + q / segs_per_page_;  // 32-bit wrap, as the RTL's adder
  c.seg = uint16_t(q % segs_per_page_);
  c.step = uint8_t(r.step & 0xF);
  return c;
}

RetrySegment ReadRetryModel::output(const RetryRequest& r, const std::vector<uint8_t>& bytes, bool err) const {
  const size_t parity_bytes = code_.parity_bytes();
  if (bytes.size() != code_.message_bytes() + parity_bytes)
    throw std::invalid_argument("ReadRetryModel::output: not one segment codeword");
  RetrySegment o;
  o.bytes = bytes;
  o.g = r.g;
  o.s = r.s;
  o.step = uint8_t(r.step & 0xF);
  o.err = err;
  o.rem = code_.remainder(bytes.data(), bytes.data() + bytes.size() - parity_bytes);
  for (uint64_t w : o.rem) o.dirty |= w != 0;
  unsigned zeros = 0;
  for (uint8_t b : bytes) zeros += 8 - unsigned(__builtin_popcount(b));
  o.erased = zeros <= ecc_t_;
  return o;
}

}  // namespace ifc::model
