#!/usr/bin/env python3
"""The system simulator's KVNAND attention calibration from the RTL benchmark (`make calibrate-kv`).

Reads bench_kv's output (build/bench/kv.json: the ATTN command and the head-group figures, one ATTN per
group against one ATTN_MULTI, measured on the Verilated core at the real tR), checks that the keys the
simulator fits are there and bit-exact, adds a `provenance` block (the commit and state of the RTL that
was benchmarked, the command, the date) and writes configs/calibration/kv.json. The fit itself (streaming
utilisation, per-command and per-extra-group cost) is done by the simulator when it loads the file
(Calibration::load_kv, docs/kvnand_system.md); with --ifc the script prints what it derives.

  scripts/calibrate_kv.py --bench build/bench/kv.json --out configs/calibration/kv.json [--ifc build/ifc-llm]
"""
import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NEEDED = ("context", "groups", "d", "one_at_a_time_us", "attn_multi_us", "bit_exact")


def git(*args):
    return subprocess.run(["git", "-C", ROOT, *args], check=True, capture_output=True, text=True).stdout.strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", default=os.path.join(ROOT, "build", "bench", "kv.json"), help="bench_kv output")
    ap.add_argument("--out", default=os.path.join(ROOT, "configs", "calibration", "kv.json"))
    ap.add_argument("--ifc", help="build/ifc-llm: print the per-die attention timing the simulator derives")
    ap.add_argument("--calibration", default=os.path.join(ROOT, "configs", "calibration", "default.json"),
                    help="the GEMV calibration the simulator loads with it (--ifc)")
    a = ap.parse_args()

    with open(a.bench) as f:
        j = json.load(f)
    if "provenance" in j:
        sys.exit(f"{a.bench}: already a calibration (it has a provenance block); pass bench_kv's own output")
    pc = j.get("head_group_parallel", {}).get("per_context")
    if not pc:
        sys.exit(f"{a.bench}: no head_group_parallel.per_context (bench_kv before ATTN_MULTI?); rebuild and rerun bench_kv")
    for i, r in enumerate(pc):
        missing = [k for k in NEEDED if k not in r]
        if missing:
            sys.exit(f"{a.bench}: head_group_parallel.per_context[{i}] lacks {', '.join(missing)}")
        if r["bit_exact"] is not True:
            sys.exit(f"{a.bench}: head_group_parallel.per_context[{i}] (context {r['context']}) is not bit-exact")

    dirty = git("status", "--porcelain", "--", "rtl", "sim", "configs/core", "configs/nand", "tb/bench", "tb/common", "tb/model",
                "tb/nand")
    j["provenance"] = {
        "what": "bench_kv output (tb/bench/bench_kv.cpp, docs/kvnand.md) copied by scripts/calibrate_kv.py; "
                "the system simulator fits its head_group_parallel figures (docs/kvnand_system.md, Calibration::load_kv)",
        "commit": git("rev-parse", "HEAD"),
        "rtl_or_bench_modified": bool(dirty),
        "bench": os.path.relpath(os.path.abspath(a.bench), ROOT),
        "command": "make calibrate-kv (cmake --build build --target bench_kv && build/tb/bench/bench_kv build/bench/kv.json "
                   "&& scripts/calibrate_kv.py)",
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }
    if dirty:
        print(f"warning: the benchmarked RTL / testbench has uncommitted changes:\n{dirty}", file=sys.stderr)
    with open(a.out, "w") as f:
        f.write(json.dumps(j, indent=2) + "\n")
    print(f"wrote {a.out} (commit {j['provenance']['commit'][:10]}, {len(pc)} head-group contexts)")

    if a.ifc:
        # The simulator reads kv.json beside the GEMV calibration: both into a scratch directory.
        with tempfile.TemporaryDirectory() as d:
            cal = os.path.join(d, "default.json")
            shutil.copyfile(a.calibration, cal)
            shutil.copyfile(a.out, os.path.join(d, "kv.json"))
            out = os.path.join(d, "run.json")
            subprocess.run([a.ifc, "llm", "--model", "llama-7b", "--system", "kvnand-compact", "--context", "128",
                            "--decode", "1", "--calibration", cal, "--json", out], check=True, stdout=subprocess.DEVNULL)
            with open(out) as f:
                run = json.load(f)
        k = (run[0] if isinstance(run, list) else run)["calibration"]["kv_attention"]
        print(f"per-die attention timing: streaming utilisation {k['stream_utilization']:.4f}, "
              f"{k['command_tR']:.4f} tR per command, {k['extra_group_tR']:+.4f} tR per further group in one ATTN_MULTI "
              f"(measured: {k['measured']})")


if __name__ == "__main__":
    main()
