#!/usr/bin/env python3
"""make reliability: the reliability campaign of issue 9, figures under <build>/reliability/.

Steps (each saves JSON; the summary is summary.md, the plot failure_vs_rber.png):
  1. sweep.json   bit-true RBER sweep (build/tb/bench/rel_sweep): per RBER the share of segments
                  clean / corrected / uncorrectable / miscorrected with and without the segment CRC,
                  silent corruptions, read-retry, GEMV rows failed with and without retry.
  2. slice.json   cycle-exact slice (build/tb/bench/rel_slice): GEMVs through the Verilated core,
                  retries, failed rows, silent rows (must be 0), cycles vs RBER 0 (bandwidth cost).
  3. faults.json  fault injection and command fuzzing (build/tb/system/test_reliability, 10^4
                  fuzzed commands), gtest JSON report.
  4. formal.json  the formal proofs (ctest -L formal, yosys-smtbmc + z3), pass/fail and time.
Fails (exit 1) if any step fails or any silent corruption is counted with the CRC on.
"""
import argparse
import json
import os
import re
import resource
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def log(msg):
    print(f"reliability: {msg}", flush=True)


def run(cmd, env=None, quiet=False, **kw):
    """Runs cmd, returns (CompletedProcess, wall seconds); prints its output unless quiet."""
    log("$ " + " ".join(cmd))
    t0 = time.time()
    e = dict(os.environ)
    if env:
        e.update(env)
    p = subprocess.run(cmd, env=e, text=True, capture_output=True, **kw)
    if not quiet:
        sys.stdout.write(p.stdout[-6000:])
        if p.returncode != 0:
            sys.stdout.write(p.stderr[-4000:])
    return p, time.time() - t0


def pct(x, n):
    return 100.0 * x / n if n else 0.0


def plot(sweep, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    pts = [p for p in sweep["points"] if p["rber"] > 0]
    x = [p["rber"] for p in pts]
    floor = 0.5 / max(p["rows"]["rows"] for p in pts)

    def share(v, n):
        return max(v / n, floor)
    fig, ax = plt.subplots(figsize=(7.5, 4.8))
    spr = pts[0]["rows"]["segs_per_row"]
    ax.loglog(x, [share(p["rows"]["failed_no_retry"], p["rows"]["rows"]) for p in pts], "o-",
              label=f"GEMV rows failed, no read-retry ({spr} segments/row)")
    ax.loglog(x, [share(p["rows"]["failed_with_retry"], p["rows"]["rows"]) for p in pts], "s-",
              label=f"GEMV rows failed, read-retry up to {pts[0]['retry']['retry_max']} steps")
    ax.loglog(x, [share(p["with_crc"]["uncorrectable"] + p["with_crc"]["miscorrected_caught_by_crc"],
                        p["segments"]) for p in pts], "^--", label="segments failed at step 0")
    ax.loglog(x, [share(p["rows"]["silent_with_crc"], p["rows"]["rows"]) for p in pts], "x:",
              label="rows silently wrong, CRC on (0: plotted at the floor)")
    ax.axhline(floor, color="grey", lw=0.5)
    ax.set_xlabel("raw bit error rate (RBER)")
    ax.set_ylabel("share (floor = 0.5 / rows measured)")
    ax.set_title(f"Output-level failure vs RBER: BCH t={sweep['ecc_t']} per "
                 f"{sweep['segment_payload_bytes']} B segment + CRC-32C (bit-true)")
    ax.grid(True, which="both", lw=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    return True


def usable_rber(points, key, limit=1e-3):
    """Largest swept RBER whose row-failure share is <= limit (and every lower point too)."""
    best = 0.0
    for p in sorted(points, key=lambda q: q["rber"]):
        if p["rows"][key] / p["rows"]["rows"] > limit:
            break
        best = p["rber"]
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build")
    ap.add_argument("--segments", type=int, default=1000000, help="segments per RBER point of the sweep")
    ap.add_argument("--fuzz", type=int, default=10000, help="fuzzed commands")
    ap.add_argument("--skip-formal", action="store_true")
    ap.add_argument("--summary-only", action="store_true",
                    help="rebuild summary.md and the plot from the JSON files already in <build>/reliability")
    a = ap.parse_args()
    b = os.path.abspath(a.build)
    out = os.path.join(b, "reliability")
    os.makedirs(out, exist_ok=True)
    t_start = time.time()
    ok = True
    steps = {}

    sweep_json = os.path.join(out, "sweep.json")
    slice_json = os.path.join(out, "slice.json")
    faults_json = os.path.join(out, "faults.json")
    formal_json = os.path.join(out, "formal.json")
    campaign_json = os.path.join(out, "campaign.json")
    fuzz_line = ""
    if a.summary_only:
        prev = json.load(open(campaign_json)) if os.path.exists(campaign_json) else {}
        steps = prev.get("steps", {})
        fuzz_line = prev.get("fuzz", "")
        ok = bool(prev.get("ok", True))
    else:
        # 1. bit-true sweep (two threads) alongside 2.-3. (one cycle-exact simulation at a time):
        # the steps are independent, so on a 2-core machine the campaign takes about the longer of
        # the two instead of their sum.
        sweep_res = {}
        sweep_cmd = [os.path.join(b, "tb", "bench", "rel_sweep"), sweep_json, str(a.segments)]
        sweep_thread = threading.Thread(target=lambda: sweep_res.update(r=run(sweep_cmd, quiet=True)))
        sweep_thread.start()
        # 2. cycle-exact slice
        p, dt = run([os.path.join(b, "tb", "bench", "rel_slice"), slice_json])
        steps["slice"] = {"ok": p.returncode == 0, "wall_s": dt}
        ok &= p.returncode == 0
        # 3. fault injection + fuzzing
        p, dt = run([os.path.join(b, "tb", "system", "test_reliability"), f"--gtest_output=json:{faults_json}"],
                    env={"IFC_FUZZ_N": str(a.fuzz)})
        steps["faults"] = {"ok": p.returncode == 0, "wall_s": dt}
        ok &= p.returncode == 0
        fuzz_line = next((l for l in p.stdout.splitlines() if l.startswith("fuzz:")), "")
        sweep_thread.join()
        ps, dts = sweep_res["r"]
        log("sweep output:")
        sys.stdout.write(ps.stdout[-6000:] if ps.returncode == 0 else ps.stdout[-6000:] + ps.stderr[-4000:])
        steps["sweep"] = {"ok": ps.returncode == 0, "wall_s": dts}
        ok &= ps.returncode == 0
    sweep = json.load(open(sweep_json)) if os.path.exists(sweep_json) else None
    slc = json.load(open(slice_json)) if os.path.exists(slice_json) else None
    faults = json.load(open(faults_json)) if os.path.exists(faults_json) else {"testsuites": []}
    tests = [(t["classname"] + "." + t["name"], "failures" not in t, t.get("time", ""))
             for s in faults.get("testsuites", []) for t in s.get("testsuite", [])]

    # 4. formal
    formal = json.load(open(formal_json)) if a.summary_only and os.path.exists(formal_json) else []
    if not a.skip_formal and not a.summary_only:
        p, dt = run(["ctest", "--test-dir", b, "-L", "formal", "-LE", "slow", "--output-on-failure"])
        for m in re.finditer(r"Test\s+#\d+:\s+(\S+)\s+\.+\s*(\w+)\s+([\d.]+) sec", p.stdout):
            formal.append({"test": m.group(1), "ok": m.group(2) == "Passed", "sec": float(m.group(3))})
        steps["formal"] = {"ok": p.returncode == 0, "wall_s": dt}
        ok &= p.returncode == 0
        json.dump(formal, open(formal_json, "w"), indent=2)

    silent_crc = sum(q["with_crc"]["silent"] + q["retry"]["silent"] for q in sweep["points"]) if sweep else -1
    silent_slice = sum(r["silent_rows"] for r in slc["runs"]) if slc else -1
    if silent_crc != 0 or silent_slice != 0:
        ok = False

    # summary
    if a.summary_only:
        wall_total, cpu_total = prev.get("wall_s", 0.0), prev.get("cpu_s", 0.0)
    else:
        ru = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall_total, cpu_total = time.time() - t_start, ru.ru_utime + ru.ru_stime
    md = ["# Reliability campaign (make reliability)", ""]
    md.append(f"Campaign wall time {wall_total:.0f} s, CPU time {cpu_total:.0f} s (user + system of every step; the "
              "sweep runs alongside the slice and the fault tests). Steps: " +
              ", ".join(f"{k} {'ok' if v['ok'] else 'FAILED'} ({v['wall_s']:.0f} s)" for k, v in steps.items()) + ".")
    md.append("")
    if sweep:
        tot = sum(q["segments"] for q in sweep["points"])
        md += [f"## RBER sweep (bit-true, {tot:,} segments; BCH t={sweep['ecc_t']} per {sweep['segment_payload_bytes']} B"
               f" + CRC-32C; read-retry up to {sweep['points'][0]['retry']['retry_max']} steps x{sweep['retry_factor']} RBER)", "",
               "| RBER | segments | clean | corrected | uncorrectable | miscorrected (CRC caught) | silent, CRC on | "
               "silent, CRC off | retry reads / segment | failed after retry | rows failed, no retry | rows failed, retry |",
               "|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for q in sweep["points"]:
            n, c, r, rw = q["segments"], q["with_crc"], q["retry"], q["rows"]
            md.append(f"| {q['rber']:.1e} | {n:,} | {pct(c['clean'], n):.3f}% | {pct(c['corrected'], n):.3f}% | "
                      f"{pct(c['uncorrectable'], n):.3g}% | {c['miscorrected_caught_by_crc']} | {c['silent'] + r['silent']} | "
                      f"{q['without_crc']['miscorrected_silent']} | {r['retry_reads_per_segment']:.4f} | {r['failed']} | "
                      f"{pct(rw['failed_no_retry'], rw['rows']):.3g}% | {pct(rw['failed_with_retry'], rw['rows']):.3g}% |")
        md += ["", f"Usable RBER (row-failure share <= 0.1%, {sweep['points'][0]['rows']['segs_per_row']} segments/row): "
               f"{usable_rber(sweep['points'], 'failed_no_retry'):.1e} without read-retry, "
               f"{usable_rber(sweep['points'], 'failed_with_retry'):.1e} with it (swept points).", ""]
        if plot(sweep, os.path.join(out, "failure_vs_rber.png")):
            md += ["![failure vs RBER](failure_vs_rber.png)", ""]
    if slc:
        md += [f"## Cycle-exact slice ({slc['matrix']}, default die, read_retry_max {slc['read_retry_max']})", "",
               "| RBER | corrected | uncorrectable | retry reads | recovered | exhausted | failed rows | silent rows | "
               "cycles | vs RBER 0 | NAND utilization |", "|---|---|---|---|---|---|---|---|---|---|---|"]
        for r in slc["runs"]:
            md.append(f"| {r['rber']:.1e} | {r['corrected']} | {r['uncorrectable']} | {r['retry_reads']} | {r['retry_recovered']} | "
                      f"{r['retry_exhausted']} | {r['failed_rows']} | {r['silent_rows']} | {r['cycles']:,} | "
                      f"{r['cycles_vs_rber0']:.2f}x | {r['nand_bw_utilization']:.3f} |")
        md.append("")
    md += ["## Fault injection and command fuzzing (cycle-exact)", "", "| test | result | time |", "|---|---|---|"]
    md += [f"| {n} | {'pass' if okk else 'FAIL'} | {tm} |" for n, okk, tm in tests]
    md += ["", f"`{fuzz_line}`" if fuzz_line else "", ""]
    if formal:
        md += ["## Formal (yosys-smtbmc + z3)", "", "| proof | result | time |", "|---|---|---|"]
        md += [f"| {f['test']} | {'proved' if f['ok'] else 'FAILED'} | {f['sec']:.0f} s |" for f in formal]
        md.append("")
    md.append(f"Silent corruptions with the CRC on: sweep {silent_crc}, cycle-exact slice {silent_slice}.")
    open(os.path.join(out, "summary.md"), "w").write("\n".join(md) + "\n")
    json.dump({"ok": bool(ok), "wall_s": wall_total, "cpu_s": cpu_total, "steps": steps, "silent_with_crc": silent_crc, "silent_slice_rows": silent_slice,
               "fuzz": fuzz_line, "tests": tests, "formal": formal},
              open(campaign_json, "w"), indent=2)
    log(f"summary: {os.path.join(out, 'summary.md')} ({'ok' if ok else 'FAILED'}, {time.time() - t_start:.0f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
