// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "model/crc32c.hpp"
#include "test_util.hpp"

namespace ifc::model {
namespace {

// Bit-serial reference straight from the parameters (reflected poly 0x82F63B78, init/xorout ~0).
uint32_t crc32c_bitwise(const uint8_t* p, size_t len) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < len; ++i) {
    c ^= p[i];
    for (int b = 0; b < 8; ++b) c = (c >> 1) ^ ((c & 1u) ? 0x82F63B78u : 0u);
  }
  return ~c;
}

TEST(Crc32c, CheckValue) {
  const char* s = "123456789";
  EXPECT_EQ(crc32c(s, std::strlen(s)), 0xE3069283u);
  EXPECT_EQ(crc32c(nullptr, 0), 0u);
  const uint8_t a = 'a';
  EXPECT_EQ(crc32c(&a, 1), 0xC1D04330u);
}

// RFC 3720 (iSCSI) appendix B.4 test vectors.
TEST(Crc32c, Rfc3720Vectors) {
  std::vector<uint8_t> buf(32, 0x00);
  EXPECT_EQ(crc32c(buf.data(), buf.size()), 0x8A9136AAu);
  std::fill(buf.begin(), buf.end(), 0xFF);
  EXPECT_EQ(crc32c(buf.data(), buf.size()), 0x62A8AB43u);
  for (int i = 0; i < 32; ++i) buf[i] = static_cast<uint8_t>(i);
  EXPECT_EQ(crc32c(buf.data(), buf.size()), 0x46DD794Eu);
  for (int i = 0; i < 32; ++i) buf[i] = static_cast<uint8_t>(31 - i);
  EXPECT_EQ(crc32c(buf.data(), buf.size()), 0x113FDB5Cu);
}

TEST(Crc32c, MatchesBitwiseAtEveryLengthAndAlignment) {
  std::mt19937_64 rng(test::test_seed());
  const auto data = test::random_bytes(rng, 1100);
  for (size_t off = 0; off < 8; ++off)
    for (size_t len = 0; len + off <= 300; ++len)
      ASSERT_EQ(crc32c(data.data() + off, len), crc32c_bitwise(data.data() + off, len)) << off << "+" << len;
  EXPECT_EQ(crc32c(data.data(), 1024), crc32c_bitwise(data.data(), 1024));
}

TEST(Crc32c, ExtendConcatenates) {
  std::mt19937_64 rng(test::test_seed());
  const auto data = test::random_bytes(rng, 600);
  for (size_t cut : {0u, 1u, 3u, 4u, 256u, 599u, 600u})
    EXPECT_EQ(crc32c_extend(crc32c(data.data(), cut), data.data() + cut, data.size() - cut),
              crc32c(data.data(), data.size()));
}

}  // namespace
}  // namespace ifc::model
