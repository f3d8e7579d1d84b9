// RBER sweep of the reliability campaign (issue 9, `make reliability`): bit-true models driven by
// the NAND error model.
//
// For each RBER: pages of a BCH + CRC-32C encoded image (the default segment format, configs/core)
// are read from the NAND model (nand::NandArray, fixed RBER, seeded flips) and every segment is
// decoded by the golden codec (model::SegmentCodec, the reference the RTL checker + corrector match
// bit for bit). Against the error-free payload each segment is one of
//   clean | corrected | erased | uncorrectable | crc_caught (the BCH miscorrected, the CRC caught it)
//   | silent_crc (the BCH and the CRC both passed a wrong payload: silent corruption with the CRC on)
// and without the CRC the BCH-level classes are clean | corrected | uncorrectable | miscorrected
// (crc_caught + silent_crc: silently wrong). Then read-retry as ifc_read_retry does it: a segment
// that fails (uncorrectable or CRC mismatch) is re-read at read-level step 1, 2, ... retry_max
// (each step multiplies the RBER by the die's retry_factor) until it decodes. Rows of
// `segs_per_row` consecutive segments (default 16: a LLaMA-7B FFN row, K = 4096 int8) fail when any
// of their segments fails, with and without retry.
//
//   rel_sweep <out.json> [segments per RBER] [segs per row] [retry_max] [rber,rber,...]
// Points above RBER 2e-3 (every segment dirty, most uncorrectable: the slow decodes) use a fifth
// of the segments. The points run on two threads.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "bench/bench_inputs.hpp"
#include "model/segment_format.hpp"
#include "nand/nand_array.hpp"

using namespace ifc;

namespace {

constexpr uint64_t kImageSeed = 11;

struct Counts {
  uint64_t segments = 0, clean = 0, corrected = 0, erased = 0, uncorrectable = 0, crc_caught = 0, silent_crc = 0;
  uint64_t retry_reads = 0, failed_after_retry = 0, silent_after_retry = 0;
  std::vector<uint64_t> recovered_at_step;  // [k]: segments that first decode at retry step k
  uint64_t rows = 0, rows_failed_no_retry = 0, rows_failed_retry = 0, rows_silent_no_crc = 0, rows_silent_crc = 0;
};

enum class Cls { Ok, Fail, Silent };

/// Class of one decode (CRC on) against the true payload.
Cls classify(const model::SegmentDecodeResult& r, const uint8_t* truth, size_t n, Counts* c) {
  using O = model::SegmentOutcome;
  const bool good = std::memcmp(r.payload.data(), truth, n) == 0;
  switch (r.outcome) {
    case O::Clean:
    case O::Corrected:
    case O::Erased:
      if (!good) {
        if (c) ++c->silent_crc;
        return Cls::Silent;
      }
      if (c) ++(r.outcome == O::Clean ? c->clean : r.outcome == O::Corrected ? c->corrected : c->erased);
      return Cls::Ok;
    case O::Uncorrectable:
      if (c) ++c->uncorrectable;
      return Cls::Fail;
    case O::CrcMismatch:
      if (c) ++c->crc_caught;
      return Cls::Fail;
  }
  return Cls::Fail;
}

nlohmann::json sweep_point(const model::SegmentCodec& codec, double rber, uint64_t segments, unsigned spr,
                           unsigned retry_max) {
  nand::NandConfig cfg;  // the default die (configs/nand/default.json values)
  nand::NandArray nand(cfg);
  const size_t data = cfg.page_data_bytes, spare = cfg.page_spare_bytes;
  auto truth_page = [&](const nand::Address& a, uint8_t* page, size_t len) {
    nand::NandArray::seeded_page_contents(kImageSeed, a, page, len);
    codec.encode_page(page, data, page + data, spare);
  };
  nand.set_procedural_source(truth_page);
  nand.set_fixed_rber(rber);
  const size_t segs_per_page = codec.segments_per_page(data);
  const size_t pay = codec.format().payload_bytes;
  Counts c;
  c.recovered_at_step.assign(retry_max + 1, 0);
  std::vector<uint8_t> buf, truth(cfg.page_bytes());
  // Re-reads of the current page, one per retry step, shared by its failing segments: at a fixed
  // RBER the segments of a page see independent flips, so each segment's statistics are those of
  // the RTL's one re-read per segment, at a fraction of the model time.
  std::vector<std::vector<uint8_t>> rbuf(retry_max + 1);
  bool row_fail0 = false, row_fail = false, row_silent_nocrc = false, row_silent = false;
  unsigned in_row = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (uint32_t page = 0; c.segments < segments; ++page) {
    const nand::Address a{0, page % cfg.planes_per_die, (page / cfg.planes_per_die) / cfg.pages_per_block,
                          (page / cfg.planes_per_die) % cfg.pages_per_block};
    if (nand.read(a, nand::kUntimed, buf) != nand::Status::Ok) throw std::runtime_error("read failed");
    truth_page(a, truth.data(), truth.size());
    for (auto& b : rbuf) b.clear();
    for (size_t s = 0; s < segs_per_page && c.segments < segments; ++s) {
      ++c.segments;
      const uint8_t* want = &truth[s * pay];
      const auto r0 = codec.decode_page_segment(buf.data(), data, buf.data() + data, spare, s);
      Cls cls = classify(r0, want, pay, &c);
      const bool fail0 = cls == Cls::Fail;
      // without the CRC, a CRC-caught miscorrection is a silently wrong segment the core passes on
      if (cls == Cls::Silent || r0.outcome == model::SegmentOutcome::CrcMismatch) row_silent_nocrc = true;
      if (fail0) row_fail0 = true;
      unsigned step = 0;
      while (cls == Cls::Fail && step < retry_max) {
        ++step;
        ++c.retry_reads;
        auto& rb = rbuf[step];
        if (rb.empty() && nand.read(a, nand::kUntimed, rb, nullptr, step) != nand::Status::Ok)
          throw std::runtime_error("retry read failed");
        cls = classify(codec.decode_page_segment(rb.data(), data, rb.data() + data, spare, s), want, pay, nullptr);
      }
      if (cls == Cls::Ok) ++c.recovered_at_step[step];
      if (cls == Cls::Fail) {
        ++c.failed_after_retry;
        row_fail = true;
      }
      if (cls == Cls::Silent) {
        ++c.silent_after_retry;
        row_silent = true;
      }
      if (++in_row == spr) {
        ++c.rows;
        if (row_fail0) ++c.rows_failed_no_retry;
        if (row_fail) ++c.rows_failed_retry;
        if (row_silent_nocrc) ++c.rows_silent_no_crc;
        if (row_silent) ++c.rows_silent_crc;
        row_fail0 = row_fail = row_silent_nocrc = row_silent = false;
        in_row = 0;
      }
    }
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double n = double(c.segments);
  const uint64_t miscorrected = c.crc_caught + c.silent_crc;
  fmt::print("RBER {:8.1e}: {} segs: clean {:.4f} corrected {:.4f} unc {:.2e} miscorr {:.2e} (CRC caught {}, silent {}) | "
             "retry: {} reads, failed {:.2e} | rows x{}: failed {:.2e} -> {:.2e} with retry | {:.1f} s\n",
             rber, c.segments, c.clean / n, c.corrected / n, c.uncorrectable / n, miscorrected / n, c.crc_caught,
             c.silent_crc, c.retry_reads, c.failed_after_retry / n, spr, double(c.rows_failed_no_retry) / double(c.rows),
             double(c.rows_failed_retry) / double(c.rows), wall);
  nlohmann::json j = {
      {"rber", rber},
      {"segments", c.segments},
      {"with_crc",
       {{"clean", c.clean},
        {"corrected", c.corrected},
        {"erased", c.erased},
        {"uncorrectable", c.uncorrectable},
        {"miscorrected_caught_by_crc", c.crc_caught},
        {"silent", c.silent_crc}}},
      {"without_crc",
       {{"clean", c.clean},
        {"corrected", c.corrected},
        {"erased", c.erased},
        {"uncorrectable", c.uncorrectable},
        {"miscorrected_silent", miscorrected}}},
      {"retry",
       {{"retry_max", retry_max},
        {"retry_reads", c.retry_reads},
        {"retry_reads_per_segment", double(c.retry_reads) / n},
        {"recovered_at_step", c.recovered_at_step},
        {"failed", c.failed_after_retry},
        {"silent", c.silent_after_retry}}},
      {"rows",
       {{"segs_per_row", spr},
        {"rows", c.rows},
        {"failed_no_retry", c.rows_failed_no_retry},
        {"failed_with_retry", c.rows_failed_retry},
        {"silent_without_crc", c.rows_silent_no_crc},
        {"silent_with_crc", c.rows_silent_crc}}},
      {"wall_s", wall}};
  return j;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string out = argc > 1 ? argv[1] : "build/reliability/sweep.json";
  const uint64_t segs = argc > 2 ? std::stoull(argv[2]) : 1000000;
  const unsigned spr = argc > 3 ? unsigned(std::stoul(argv[3])) : 16;
  const unsigned retry_max = argc > 4 ? unsigned(std::stoul(argv[4])) : IFC_RTL_RETRY_MAX;
  std::vector<double> rbers = {0, 1e-5, 1e-4, 3e-4, 6e-4, 1e-3, 1.5e-3, 2e-3, 3e-3, 4e-3, 5e-3, 6e-3, 8e-3, 1e-2,
                               1.5e-2, 2e-2, 3e-2, 5e-2};
  if (argc > 5) rbers = bench::parse_doubles(argv[5]);
  model::SegmentFormat fmt = tb::rtl_segment_format();
  fmt.crc = true;  // the sweep measures with and without the CRC from one CRC-encoded image
  const model::SegmentCodec codec(fmt);
  nlohmann::json j;
  j["benchmark"] = "rel_sweep";
  j["segment_payload_bytes"] = fmt.payload_bytes;
  j["segment_slot_bytes"] = fmt.slot_bytes;
  j["ecc_m"] = fmt.m;
  j["ecc_t"] = fmt.t;
  j["retry_factor"] = nand::NandConfig{}.errors.retry_factor;
  std::vector<nlohmann::json> pts(rbers.size());
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i; (i = next++) < rbers.size();)
      pts[i] = sweep_point(codec, rbers[i], rbers[i] > 2e-3 ? std::max<uint64_t>(segs / 5, 1) : segs, spr, retry_max);
  };
  std::thread t2(worker);
  worker();
  t2.join();
  j["points"] = pts;
  std::ofstream(out) << j.dump(2) << "\n";
  fmt::print("saved {}\n", out);
  return 0;
}
