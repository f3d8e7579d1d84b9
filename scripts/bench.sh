#!/usr/bin/env bash
# Benchmarks. Each prints its figures and saves them as JSON under <build>/bench/.
#   read_path: a long multi-plane sequential read through the RTL page buffers on the default die.
#              Target: sustained bandwidth >= 99% of planes x page bytes / tR.
set -euo pipefail
build=${1:-build}
cd "$(dirname "$0")/.."
out="$build/bench"
mkdir -p "$out"

echo "== read_path: 256 pages per plane, default die, cache read"
"$build/ifc" read --pages 256 --json "$out/read_path.json"
echo "== read_path_plain: 32 pages per plane, plain page read (no cache), for comparison"
"$build/ifc" read --pages 32 --no-cache --json "$out/read_path_plain.json"

echo "== ecc: checker throughput; dirty / uncorrectable share at RBER 1e-5, 1e-4, 1e-3"
"$build/tb/bench/bench_ecc" "$out/ecc.json"
if [ -x "$build/tb/unit/bench_ecc_corrector" ]; then
  echo "== ecc_corrector: cycles per corrected segment against the number of errors"
  "$build/tb/unit/bench_ecc_corrector" "$out/ecc_corrector.json"
fi

echo "== gemv: LLaMA-7B FFN 4096 x 11008 INT8, RBER 0 / 1e-5 / 1e-4 / 1e-3, out-of-order vs in-order"
echo "   (GEMV_ROWS=<n> runs fewer rows; the full matrix takes several minutes)"
"$build/tb/bench/bench_gemv" "$out/gemv.json" "${GEMV_ROWS:-4096}" 11008
if [ -x "$build/rber1e-3/tb/bench/bench_gemv" ]; then
  echo "== gemv at RBER 1e-3 on configs/core/rber1e-3.json (t = 12, 4 corrector ports x 2 engines, Chien 32/cycle)"
  "$build/rber1e-3/tb/bench/bench_gemv" "$out/gemv_rber1e-3.json" "${GEMV_ROWS:-4096}" 11008 1e-3
fi

echo "== kv: KV append bandwidth (programs at the real tPROG) and q.K^T throughput vs context (docs/kvnand.md)"
"$build/tb/bench/bench_kv" "$out/kv.json"

python3 - "$out" <<'PY'
import json, sys, pathlib
out = pathlib.Path(sys.argv[1])
r = json.loads((out / "read_path.json").read_text())
p = json.loads((out / "read_path_plain.json").read_text())
target = 0.99
ok = r["nand_bw_utilization"] >= target
summary = {
    "read_path_utilization": r["nand_bw_utilization"],
    "read_path_target": target,
    "read_path_target_met": ok,
    "plain_read_utilization": p["nand_bw_utilization"],
    "sim_cycles_per_s": r["sim_cycles_per_s"],
}
# GEMV targets (issue 5): >= 99% out-of-order at RBER <= 1e-4, >= 95% at 1e-3, >= 1 M cycles/s.
gemv_rows = []
for name in ("gemv.json", "gemv_rber1e-3.json"):
    f = out / name
    if f.exists():
        g = json.loads(f.read_text())
        for run in g["runs"]:
            gemv_rows.append((name, g.get("ecc_t"), g["corrector_ports"], g["engines_per_port"], run))
summary["gemv"] = []
for name, t, ports, eng, run in gemv_rows:
    gtarget = None if run["in_order"] else (0.99 if run["rber"] <= 1e-4 else 0.95)
    summary["gemv"].append({"file": name, "ecc_t": t, "corrector_ports": ports, "engines_per_port": eng,
                            "rber": run["rber"], "in_order": run["in_order"],
                            "nand_bw_utilization": run["nand_bw_utilization"], "target": gtarget,
                            "target_met": None if gtarget is None else run["nand_bw_utilization"] >= gtarget,
                            "failed_rows": run["failed_rows"], "bit_exact": run["bit_exact"],
                            "sim_cycles_per_s": run["sim_cycles_per_s"],
                            "sim_cycles_per_cpu_s": run.get("sim_cycles_per_cpu_s", 0.0)})
# Simulation speed target (issue 5): the whole core with the NAND model >= 1 M simulated cycles per
# second on one core, judged on the realistic point (default configuration, RBER 1e-4,
# out-of-order). It is measured per CPU second of the simulating thread (what one core does,
# whatever else shares the machine); the wall-clock figure is beside it (equal on an idle core).
speed_target = 1e6
speed_runs = [g for g in summary["gemv"] if g["file"] == "gemv.json" and not g["in_order"] and g["rber"] == 1e-4]
if speed_runs:
    sp = speed_runs[0]
    summary["sim_speed"] = {"target_cycles_per_s": speed_target, "sim_cycles_per_cpu_s": sp["sim_cycles_per_cpu_s"],
                            "sim_cycles_per_s": sp["sim_cycles_per_s"],
                            "target_met": sp["sim_cycles_per_cpu_s"] >= speed_target}
(out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
print()
print(f"read path utilization  {100*r['nand_bw_utilization']:.2f}%  (target >= {100*target:.0f}%: {'MET' if ok else 'NOT MET'})")
print(f"plain read (no cache)  {100*p['nand_bw_utilization']:.2f}%")
print(f"read-path sim speed    {r['sim_cycles_per_s']/1e6:.2f} M cycles/s")
for g in summary["gemv"]:
    tgt = "" if g["target"] is None else f"target >= {100*g['target']:.0f}%: {'MET' if g['target_met'] else 'NOT MET'}"
    print(f"gemv {g['file']:<19} t={g['ecc_t']} {g['corrector_ports']}x{g['engines_per_port']} RBER {g['rber']:<6g} "
          f"{'in-order' if g['in_order'] else 'out-of-order':<12} {100*g['nand_bw_utilization']:6.2f}%  "
          f"failed rows {g['failed_rows']:<3} exact {'yes' if g['bit_exact'] else 'NO':<3} "
          f"{g['sim_cycles_per_s']/1e6:.2f} M cycles/s ({g['sim_cycles_per_cpu_s']/1e6:.2f} per CPU s)  {tgt}")
if "sim_speed" in summary:
    sp = summary["sim_speed"]
    print(f"gemv simulation speed  {sp['sim_cycles_per_cpu_s']/1e6:.2f} M cycles per CPU second "
          f"({sp['sim_cycles_per_s']/1e6:.2f} M/s wall-clock), RBER 1e-4 out-of-order, benchmark build "
          f"(assertions off, -O3 -march=native) (target >= 1 M: {'MET' if sp['target_met'] else 'NOT MET'})")
print(f"saved: {out}/read_path.json {out}/read_path_plain.json {out}/summary.json")
PY
