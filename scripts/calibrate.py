#!/usr/bin/env python3
"""Calibration of the system simulator from the cycle-exact RTL (`make calibrate`).

Runs `ifc gemv --random` on the Verilated core + NAND model at each RBER of interest, out-of-order
and in-order, at two matrix heights, and derives per mode and RBER:

  utilization                 steady-state NAND bandwidth utilisation of one die: the extra pages
                              the taller run reads over the extra simulated time, divided by the
                              die's sensing bandwidth (planes x page / tR). The difference removes
                              the first tR and the last drain, which a whole-model GEMV amortises.
  corrected_per_segment       corrected segments / segments (both runs)
  uncorrectable_per_segment   uncorrectable segments / segments
  stall_cycles_per_segment    all stall cycles / segments

Nothing is typed in: every number in the output comes from the runs' JSON statistics. The raw
runs are kept in the output under "runs".

usage: scripts/calibrate.py --ifc build/ifc --out build/calibration.json [--copy configs/calibration/default.json]
"""
import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


PROGRESS = {"done": 0, "total": 0, "t0": time.time()}


def run_gemv(ifc, rows, cols, rber, in_order, seed, workdir):
    out = os.path.join(workdir, f"gemv_r{rows}_c{cols}_{rber:g}_{'io' if in_order else 'ooo'}.json")
    cmd = [ifc, "gemv", "--random", "--rows", str(rows), "--cols", str(cols), "--dtype", "int8",
           "--rber", repr(rber), "--seed", str(seed), "--json", out]
    if in_order:
        cmd.append("--in-order")
    t0 = time.time()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    # A run with uncorrectable rows exits 1 but its statistics are still valid calibration data.
    if not os.path.exists(out):
        sys.exit(f"calibrate: {' '.join(cmd)} failed (exit {p.returncode}):\n{p.stdout}")
    with open(out) as f:
        j = json.load(f)
    if j.get("mismatching_rows", 0) != 0:
        sys.exit(f"calibrate: {' '.join(cmd)}: the RTL result differs from the reference")
    j["_command"] = " ".join(os.path.relpath(c, ROOT) if c == ifc else c for c in cmd)
    j["_wall_s"] = time.time() - t0
    PROGRESS["done"] += 1
    n, tot = PROGRESS["done"], PROGRESS["total"]
    el = time.time() - PROGRESS["t0"]
    left = f", ~{el / n * (tot - n) / 60:.0f} min left" if tot and n < tot else ""
    print(f"  [{n}/{tot}{left}] {rows:4d} x {cols} RBER {rber:<7g} {'in-order    ' if in_order else 'out-of-order'}: "
          f"{j['cycles']:>9d} cycles, utilisation {100 * j['nand_bw_utilization']:6.2f}%, "
          f"corrected {j['corrected']}, uncorrectable {j['uncorrectable']}, {j['_wall_s']:.0f} s", flush=True)
    return j


def segments(j):
    return j["clean"] + j["corrected"] + j["uncorrectable"] + j["erased"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ifc", default=os.path.join(ROOT, "build", "ifc"))
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "calibration.json"))
    ap.add_argument("--copy", help="also write the result here (the checked-in copy)")
    ap.add_argument("--rbers", default="0,1e-5,1e-4,1e-3")
    ap.add_argument("--rows", default="256,512", help="two matrix heights (steady state from their difference)")
    ap.add_argument("--cols", type=int, default=11008, help="K: LLaMA-7B's FFN width by default")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--core", default=os.path.join(ROOT, "configs", "core", "default.json"))
    ap.add_argument("--nand", default=os.path.join(ROOT, "configs", "nand", "default.json"))
    a = ap.parse_args()

    core = json.load(open(a.core))
    nand = json.load(open(a.nand))
    planes = core["planes"]
    page = core["page_data_bytes"]
    tR_ns = nand["t_read_ns"]
    sense_Bps = planes * page / (tR_ns * 1e-9)
    r1, r2 = (int(x) for x in a.rows.split(","))
    rbers = [float(x) for x in a.rbers.split(",")]
    print(f"calibrate: {a.ifc}, {len(rbers) * 4} RTL runs ({r1} and {r2} rows x {a.cols} INT8, RBER {a.rbers}, "
          f"out-of-order and in-order)")
    runs, points = [], []
    PROGRESS.update(total=len(rbers) * 4, t0=time.time())
    with tempfile.TemporaryDirectory() as wd:
        for rber in rbers:
            for in_order in (False, True):
                j1 = run_gemv(a.ifc, r1, a.cols, rber, in_order, a.seed, wd)
                j2 = run_gemv(a.ifc, r2, a.cols, rber, in_order, a.seed, wd)
                runs += [j1, j2]
                # Whole multi-plane page reads: a run's last page may be part-filled, so the
                # difference counts the pages each run issued (exact when rows x segments per row
                # fills whole pages, as 256 and 512 rows of 11008 INT8 columns do).
                dbytes = (j2["pages_issued"] - j1["pages_issued"]) * planes * page
                dt_s = (j2["simulated_ns"] - j1["simulated_ns"]) * 1e-9
                util = dbytes / dt_s / sense_Bps
                segs = segments(j1) + segments(j2)
                stalls = sum(j1["stall_cycles"].values()) + sum(j2["stall_cycles"].values())
                points.append({
                    "rber": rber,
                    "mode": "in_order" if in_order else "out_of_order",
                    "utilization": round(util, 5),
                    "utilization_short_run": round(j1["nand_bw_utilization"], 5),
                    "utilization_long_run": round(j2["nand_bw_utilization"], 5),
                    "corrected_per_segment": round((j1["corrected"] + j2["corrected"]) / segs, 6),
                    "uncorrectable_per_segment": round((j1["uncorrectable"] + j2["uncorrectable"]) / segs, 7),
                    "stall_cycles_per_segment": round(stalls / segs, 4),
                    "failed_rows": len(j1["failed_rows"]) + len(j2["failed_rows"]),
                })
    cal = {
        "_doc": "System-simulator calibration (src/llm), written by scripts/calibrate.py (`make calibrate`) from "
                "cycle-exact RTL runs of `ifc gemv`. Do not edit by hand: rerun make calibrate.",
        "generated_by": "scripts/calibrate.py",
        "generated_utc": datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "source_tree": subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty"], stdout=subprocess.PIPE,
                                      stderr=subprocess.DEVNULL, text=True).stdout.strip(),
        "core_config": os.path.relpath(a.core, ROOT),
        "nand_config": os.path.relpath(a.nand, ROOT),
        "method": f"utilization = (pages({r2} rows) - pages({r1} rows)) x planes x page_data_bytes / (time({r2}) - time({r1})) / "
                  f"(planes x page_data_bytes / tR); per-segment rates over both runs",
        "die": {"planes": planes, "page_data_bytes": page, "tR_us": tR_ns / 1000.0,
                "seg_payload_bytes": core["seg_payload_bytes"]},
        "points": points,
        "runs": runs,
    }
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as f:
        json.dump(cal, f, indent=2)
        f.write("\n")
    print(f"calibrate: wrote {a.out}")
    for p in points:
        print(f"  RBER {p['rber']:<7g} {p['mode']:<13} utilisation {100 * p['utilization']:6.2f}%  "
              f"corrected/segment {p['corrected_per_segment']:.4f}  uncorrectable/segment {p['uncorrectable_per_segment']:.2e}")
    if a.copy:
        os.makedirs(os.path.dirname(os.path.abspath(a.copy)), exist_ok=True)
        shutil.copyfile(a.out, a.copy)
        print(f"calibrate: copied to {a.copy}")


if __name__ == "__main__":
    main()
