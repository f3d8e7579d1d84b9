// KVNAND design-space exploration (dse.hpp).
#include "llm/dse.hpp"

#include <fmt/format.h>

namespace ifc::llm {

double DseCell::speedup() const {
  if (best < 0 || baseline.capacity.oom) return 0;
  return points[size_t(best)].run.tokens_per_s() / baseline.tokens_per_s();
}

std::vector<DseCell> dse_kvnand(const Paths& p, const DseOptions& o) {
  const Calibration cal = Calibration::load(p.calibration);
  // The candidate designs: the compact variant per KV cell mode, the discrete variant per KV channel
  // count and cell mode.
  std::vector<DsePoint> designs;
  for (const auto& n : o.kv_nand) {
    DsePoint d{fmt::format("compact/{}", n), o.compact, o.set, {}};
    d.set["kv.nand"] = n;
    designs.push_back(d);
  }
  const SystemConfig disc = load_system(o.discrete, p.systems_dir, o.set);
  for (uint32_t ch : o.kv_channels) {
    if (ch == 0 || ch >= disc.flash.channels) continue;
    for (const auto& n : o.kv_nand) {
      DsePoint d{fmt::format("discrete/kv_channels={}/{}", ch, n), o.discrete, o.set, {}};
      d.set["kv.nand"] = n;
      d.set["kv.kv_channels"] = std::to_string(ch);
      designs.push_back(d);
    }
  }
  std::vector<DseCell> out;
  for (const auto& mname : o.models) {
    const ModelConfig m = ModelConfig::load(mname, p.models_dir);
    const Simulator base(m, load_system(o.baseline, p.systems_dir, o.set), cal);
    std::vector<Simulator> sims;
    for (const auto& d : designs) sims.emplace_back(m, load_system(d.system, p.systems_dir, d.set), cal);
    for (uint64_t c : o.contexts) {
      DseCell cell;
      cell.model = m.name;
      cell.context = c;
      cell.baseline = base.run(c, o.decode);
      for (size_t i = 0; i < designs.size(); ++i) {
        DsePoint pt = designs[i];
        pt.run = sims[i].run(c, o.decode);
        cell.points.push_back(pt);
      }
      // The optimum: the fastest design that fits; a tie goes to the longer wear-levelled lifetime.
      for (size_t i = 0; i < cell.points.size(); ++i) {
        const auto& r = cell.points[i].run;
        if (r.capacity.oom) continue;
        if (cell.best < 0) {
          cell.best = int(i);
          continue;
        }
        const auto& b = cell.points[size_t(cell.best)].run;
        const double tr = r.tokens_per_s(), tb = b.tokens_per_s();
        if (tr > tb * (1 + 1e-9) || (tr >= tb * (1 - 1e-9) && r.lifetime.tokens_wl > b.lifetime.tokens_wl)) cell.best = int(i);
      }
      out.push_back(std::move(cell));
    }
  }
  return out;
}

nlohmann::json to_json(const DseCell& c) {
  nlohmann::json pts = nlohmann::json::array();
  for (const auto& p : c.points) {
    auto j = p.run.to_json();
    j["design"] = p.design;
    j["set"] = p.set;
    pts.push_back(j);
  }
  return {{"model", c.model},
          {"context", c.context},
          {"baseline", c.baseline.to_json()},
          {"best", c.best >= 0 ? nlohmann::json(c.points[size_t(c.best)].design) : nlohmann::json(nullptr)},
          {"speedup_over_baseline", c.speedup()},
          {"points", pts}};
}

}  // namespace ifc::llm
