// bench_ecc_corrector [out.json]: ifc_ecc_corrector cycles per segment as a function of the number of
// bit errors (0..T+1), for the ChienPar this executable's Verilated library was built with.
//
//   latency    last input beat accepted -> first output beat, one segment alone in the corrector
//   engine     engine-busy cycles per segment (start .. result taken), one segment alone
//   stream     steady-state cycles per segment for a back-to-back stream of such segments, both
//              ports at full rate, all NumEngines engines sharing the load (completion interval)
// Every segment is also checked against the codec (the harness); a mismatch fails the run.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "common/seed.hpp"
#include "ecc_corrector_harness.hpp"

using namespace ifc::tb;

namespace {

struct Row {
  unsigned errors = 0;
  double lat_avg = 0, lat_min = 1e18, lat_max = 0;
  double engine_avg = 0;
  double stream_cps = 0;
  double unc_frac = 0;
};

bool report_errors(const CorrectorHarness<>& h, const RtlSim<Vifc_ecc_corrector>& sim) {
  for (const auto& e : h.errors()) std::fprintf(stderr, "MISMATCH: %s\n", e.c_str());
  if (sim.error()) std::fprintf(stderr, "an RTL assertion fired\n");
  return h.errors().empty() && !sim.error();
}

}  // namespace

int main(int argc, char** argv) {
  const uint64_t seed = test_seed("bench_ecc_corrector", 4242);
  std::mt19937_64 rng(seed);
  const unsigned iso = 40, stream = 120;
  std::vector<Row> rows;
  bool ok = true;
  for (unsigned e = 0; e <= kCorrT + 1; ++e) {
    Row r;
    r.errors = e;
    // Isolated segments.
    {
      RtlSim<Vifc_ecc_corrector> sim;
      sim.reset();
      CorrectorHarness<> h(sim, rng());
      uint64_t unc = 0;
      for (unsigned i = 0; i < iso; ++i) {
        auto s = make_segment(rng, random_positions(rng, e), i);
        finish_segment(s);
        unc += s.outcome == Outcome::Uncorrectable;
        h.submit(std::move(s));
        if (!h.run(5000)) ok = false;
        sim.cycle(4);  // let the engine return to idle
      }
      ok = report_errors(h, sim) && ok;
      for (const auto& s : h.segments()) {
        const double lat = double(s.first_out_cycle - s.last_in_cycle);
        r.lat_avg += lat / iso;
        r.lat_min = std::min(r.lat_min, lat);
        r.lat_max = std::max(r.lat_max, lat);
      }
      r.engine_avg = double(h.stats().busy_engine_cycles) / iso;
      r.unc_frac = double(unc) / iso;
    }
    // Back-to-back stream.
    {
      RtlSim<Vifc_ecc_corrector> sim;
      sim.reset();
      CorrectorHarness<> h(sim, rng());
      for (unsigned i = 0; i < stream; ++i) {
        auto s = make_segment(rng, random_positions(rng, e), i);
        finish_segment(s);
        h.submit(std::move(s));
      }
      if (!h.run(stream * 1000)) ok = false;
      ok = report_errors(h, sim) && ok;
      std::vector<uint64_t> done;
      for (const auto& s : h.segments()) done.push_back(s.last_out_cycle);
      std::sort(done.begin(), done.end());
      // Skip the pipeline fill: the interval over the second half.
      const size_t a = done.size() / 2;
      r.stream_cps = double(done.back() - done[a]) / double(done.size() - 1 - a);
    }
    rows.push_back(r);
  }

  std::printf("ifc_ecc_corrector: M=%u T=%u n=%u bits, NumEngines=%u, ChienPar=%u, SyndPar=%u, Slots=%u\n",
              IFC_RTL_ECC_M, kCorrT, kCorrCodeBits, kCorrEngines, kCorrChienPar, IFC_RTL_ECC_CORR_SYND_PAR,
              kCorrSlots);
  std::printf("%7s %12s %9s %9s %14s %16s %9s\n", "errors", "latency avg", "min", "max", "engine cyc/seg",
              "stream cyc/seg", "unc frac");
  for (const auto& r : rows) {
    std::printf("%7u %12.1f %9.0f %9.0f %14.1f %16.1f %9.2f\n", r.errors, r.lat_avg, r.lat_min, r.lat_max,
                r.engine_avg, r.stream_cps, r.unc_frac);
  }

  if (argc > 1) {
    nlohmann::json j;
    j["block"] = "ifc_ecc_corrector";
    j["seed"] = seed;
    j["m"] = IFC_RTL_ECC_M;
    j["t"] = kCorrT;
    j["code_bits"] = kCorrCodeBits;
    j["num_engines"] = kCorrEngines;
    j["chien_par"] = kCorrChienPar;
    j["synd_par"] = IFC_RTL_ECC_CORR_SYND_PAR;
    j["slots"] = kCorrSlots;
    j["isolated_segments_per_point"] = iso;
    j["stream_segments_per_point"] = stream;
    for (const auto& r : rows) {
      j["rows"].push_back({{"errors", r.errors},
                           {"latency_avg_cycles", r.lat_avg},
                           {"latency_min_cycles", r.lat_min},
                           {"latency_max_cycles", r.lat_max},
                           {"engine_cycles_per_segment", r.engine_avg},
                           {"stream_cycles_per_segment", r.stream_cps},
                           {"uncorrectable_fraction", r.unc_frac}});
    }
    std::ofstream(argv[1]) << j.dump(2) << "\n";
    std::printf("wrote %s\n", argv[1]);
  }
  if (!ok) std::fprintf(stderr, "bench_ecc_corrector: FAILED (mismatch against the codec or a timeout)\n");
  return ok ? 0 : 1;
}
