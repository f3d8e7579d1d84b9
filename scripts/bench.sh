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
(out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
print()
print(f"read path utilization  {100*r['nand_bw_utilization']:.2f}%  (target >= {100*target:.0f}%: {'MET' if ok else 'NOT MET'})")
print(f"plain read (no cache)  {100*p['nand_bw_utilization']:.2f}%")
print(f"simulation speed       {r['sim_cycles_per_s']/1e6:.2f} M cycles/s")
print(f"saved: {out}/read_path.json {out}/read_path_plain.json {out}/summary.json")
PY
