// Shared helpers for the NAND model tests.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/seed.hpp"
#include "nand/nand_array.hpp"
#include "nand/nand_rng.hpp"

namespace ifc::nand::test {

/// Path of a shipped config file, e.g. config_path("small.json").
inline std::string config_path(const std::string& file) { return std::string(IFC_NAND_CONFIG_DIR) + "/" + file; }

/// A small, error-free array config for functional tests: 2 dies x 4 planes x 8 blocks x 16 pages,
/// small pages (64 + 8 B) so that whole-array snapshots are cheap, RBER 0.
inline NandConfig tiny_config() {
  NandConfig c;
  c.name = "tiny";
  c.dies = 2;
  c.planes_per_die = 4;
  c.blocks_per_plane = 8;
  c.pages_per_block = 16;
  c.page_data_bytes = 64;
  c.page_spare_bytes = 8;
  c.t_read_ns = 2000;
  c.t_prog_ns = 20000;
  c.t_erase_ns = 100000;
  c.endurance_pe_cycles = 3000;
  c.errors.base_rber = 0.0;
  return c;
}

/// Deterministic pseudo-random page contents for tests.
inline std::vector<uint8_t> random_page(size_t len, uint64_t seed) {
  std::vector<uint8_t> v(len);
  SplitMix64 g(seed);
  for (auto& b : v) b = static_cast<uint8_t>(g.next());
  return v;
}

/// Number of differing bits between two equal-length buffers.
inline uint64_t bit_diff(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  uint64_t n = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) n += static_cast<uint64_t>(__builtin_popcount(a[i] ^ b[i]));
  return n;
}

/// Everything observable about an array, to prove that a failed request changed nothing.
struct Snapshot {
  std::vector<std::vector<uint8_t>> pages;
  std::vector<int> page_states;
  std::vector<uint64_t> page_reads;
  std::vector<uint64_t> block_words;  // pe, reads since erase, bad, worn per block
  std::vector<uint64_t> busy;
  uint64_t counters[6] = {};
  size_t stored = 0;

  bool operator==(const Snapshot& o) const {
    return pages == o.pages && page_states == o.page_states && page_reads == o.page_reads &&
           block_words == o.block_words && busy == o.busy && stored == o.stored &&
           std::equal(std::begin(counters), std::end(counters), std::begin(o.counters));
  }
};

/// Captures a Snapshot of every page, block, plane and counter.
inline Snapshot snapshot(const NandArray& a) {
  const NandConfig& c = a.config();
  Snapshot s;
  for (uint32_t d = 0; d < c.dies; ++d) {
    for (uint32_t p = 0; p < c.planes_per_die; ++p) {
      s.busy.push_back(a.plane_busy_until_ns(d, p));
      for (uint32_t b = 0; b < c.blocks_per_plane; ++b) {
        s.block_words.push_back(a.pe_cycles(d, p, b));
        s.block_words.push_back(a.block_reads_since_erase(d, p, b));
        s.block_words.push_back(a.is_bad(d, p, b));
        s.block_words.push_back(a.is_worn_out(d, p, b));
        for (uint32_t g = 0; g < c.pages_per_block; ++g) {
          const Address addr{d, p, b, g};
          std::vector<uint8_t> v;
          EXPECT_EQ(a.peek(addr, v), Status::Ok);
          s.pages.push_back(std::move(v));
          s.page_states.push_back(static_cast<int>(a.page_state(addr)));
          s.page_reads.push_back(a.page_read_count(addr));
        }
      }
    }
  }
  const Counters& k = a.counters();
  const uint64_t cs[6] = {k.page_reads, k.multi_plane_reads, k.programs, k.erases, k.bits_flipped, k.bytes_sensed};
  std::copy(std::begin(cs), std::end(cs), std::begin(s.counters));
  s.stored = a.stored_pages();
  return s;
}

/// Binomial 5-sigma check: `flips` out of `bits` trials is consistent with rate p.
inline void expect_rate_within_5_sigma(uint64_t flips, double bits, double p, const std::string& what) {
  const double mean = bits * p;
  const double sigma = std::sqrt(bits * p * (1.0 - p));
  EXPECT_NEAR(static_cast<double>(flips), mean, 5.0 * sigma)
      << what << ": measured rate " << static_cast<double>(flips) / bits << " vs configured " << p;
}

}  // namespace ifc::nand::test
