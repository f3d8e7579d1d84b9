#!/usr/bin/env python3
"""make synth-sweep: the design-point trade-off, area against NAND bandwidth utilization.

Variants of configs/core/default.json (lanes, MACs per lane, segment size, ECC t, correctors) are
synthesised with make synth's passes (scripts/synth.py: hierarchical ifc_core, area model of
synth/README.md) by synth.run_yosys_cached: one Yosys elaboration of all variants (a wrapper
instantiates ifc_core once per variant), then every distinct derived module (module + parameters)
synthesised once across all variants, through a cache keyed by its elaborated RTLIL
(<build>/synth-sweep/cache), and each variant linked from its modules' netlists. For the variants
named by --util (default: all), the core is Verilated with the
variant (a build directory of its own, <build>/<variant>, -DIFC_CORE_CONFIG=<variant>.json, target
ifc; the default point uses <build> itself) and
  ifc gemv --random --rows 256 --cols 11008 --dtype int8 --rber 1e-4 --json f
measures the NAND bandwidth utilization: 256 rows of the LLaMA-7B FFN down-projection shape
(K = 11008), a shorter GEMV than the whole 4096-row matrix, so that a point takes seconds to
simulate. The Yosys runs (one at a time) and the Verilator builds run side by side.

Output: <build>/synth-sweep/sweep.md and sweep.json, printed at the end.
"""
import argparse
import concurrent.futures as cf
import copy
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import synth  # noqa: E402
import synth_area as area  # noqa: E402

# name -> (overrides of default.json, or a configuration file of its own; what it varies)
VARIANTS = {
    "default": ({}, "4 lanes x 4 MACs, 256 B segments, t = 8, 2 ports x 4 engines"),
    "lanes2": ({"pe_lanes": 2}, "2 PE lanes"),
    "lanes8": ({"pe_lanes": 8}, "8 PE lanes"),
    "macs2": ("configs/core/variants/macs2.json", "2 MACs per lane"),
    "seg512": ("configs/core/variants/seg512.json", "512 B segments (GF(2^13), t = 8, 24 B slot)"),
    "t12": ({"ecc_t": 12, "seg_slot_bytes": 24}, "ECC t = 12 (24 B slot: 144 parity bits + CRC, as rber1e-3)"),
    "corr1x4": ({"ecc_corrector_ports": 1}, "1 corrector port x 4 engines"),
    "corr2x2": ({"ecc_correctors": 2}, "2 corrector ports x 2 engines"),
}

# The default sweep: one step along each knob (lanes8 and corr2x2 are there to ask for).
DEFAULT_SET = ["default", "lanes2", "macs2", "seg512", "t12", "corr1x4"]


def log(msg):
    print(f"synth-sweep: {msg}", flush=True)


GEMV = ["--random", "--rows", "256", "--cols", "11008", "--dtype", "int8", "--rber", "1e-4"]


def measure_util(name, cfg_path, bdir, jobs):
    """Builds the ifc CLI with the variant's core and runs the GEMV at RBER 1e-4; returns its JSON
    statistics plus the build and run times."""
    out = os.path.join(bdir, "sweep_gemv.json")
    t0 = time.time()
    if not os.path.exists(os.path.join(bdir, "build.ninja")):
        subprocess.run(["cmake", "-S", ROOT, "-B", bdir, "-G", "Ninja", f"-DIFC_CORE_CONFIG={cfg_path}"],
                       check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", bdir, "-j", str(jobs), "--target", "ifc"], check=True,
                   stdout=subprocess.DEVNULL)
    t1 = time.time()
    if os.path.exists(out):
        os.remove(out)
    # ifc exits non-zero when a row fails or the result is not bit-exact: the JSON says which.
    r = subprocess.run([os.path.join(bdir, "ifc"), "gemv", *GEMV, "--json", out], stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    if not os.path.exists(out):
        raise RuntimeError(f"ifc gemv failed: {r.stderr.strip()[-300:]}")
    st = json.load(open(out))
    st["build_s"], st["run_s"] = t1 - t0, time.time() - t1
    with open(os.path.join(bdir, "sweep_util.json"), "w") as f:
        json.dump(st, f, indent=1)
    return st


def earlier_util(bdir):
    """--report-only: the statistics of the last measure_util in bdir (sweep_util.json; the bare
    ifc gemv JSON of a run that was stopped before it saved its times), or None."""
    for fn in ("sweep_util.json", "sweep_gemv.json"):
        if os.path.exists(os.path.join(bdir, fn)):
            st = json.load(open(os.path.join(bdir, fn)))
            st.setdefault("build_s", float("nan"))
            st.setdefault("run_s", float("nan"))
            return st
    return None


def config_of(n, base):
    over = VARIANTS[n][0]
    if n == "default":  # the default point is configs/core/default.json itself (and <build> is its build)
        over = "configs/core/default.json"
    if isinstance(over, str):  # a configuration file of its own (configs/core/variants/)
        path = os.path.join(ROOT, over)
        return path, json.load(open(path))
    cfg = copy.deepcopy(base)
    cfg.update(over)
    cfg["name"] = f"sweep-{n}"
    return None, cfg


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build")
    ap.add_argument("--variants", default=",".join(DEFAULT_SET), help="comma-separated subset of: " + ", ".join(VARIANTS))
    ap.add_argument("--util", default="all", help="variants whose utilization is measured: all, none, or a list")
    ap.add_argument("--no-area", action="store_true", help="utilization only (no Yosys runs; area from earlier runs if any)")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="parallel jobs of each Verilator build")
    ap.add_argument("--report-only", action="store_true",
                    help="no Yosys runs and no builds: the table from the results of earlier runs (area and utilization)")
    ap.add_argument("--yosys-jobs", type=int, default=1, help="per-module Yosys runs at a time")
    a = ap.parse_args()

    build = os.path.abspath(a.build)
    out = os.path.join(build, "synth-sweep")
    os.makedirs(os.path.join(out, "configs"), exist_ok=True)
    lib = os.path.join(synth.fetch_liberty(os.path.join(build, "synth")), "osu018_stdcells.lib")
    base = json.load(open(os.path.join(ROOT, "configs", "core", "default.json")))
    names = [n for n in a.variants.split(",") if n]
    util_names = list(names) if a.util == "all" else \
        ([] if a.util == "none" else a.util.split(","))

    plans = {}
    for n in names:
        path, cfg = config_of(n, base)
        if path is None:
            path = os.path.join(out, "configs", f"{n}.json")
            with open(path, "w") as f:
                json.dump(cfg, f, indent=1)
        d = os.path.join(out, n)
        plans[n] = (path, cfg, d)

    def area_job():
        """Yosys beside the Verilator builds: every variant elaborated in one run, each distinct module
        synthesised once (synth.run_yosys_cached)."""
        if a.no_area or a.report_only:
            return {}
        try:
            for m in synth.run_yosys_cached("ifc_core", {n: synth.core_params(cfg) for n, (p, cfg, d) in plans.items()},
                                            lib, {n: os.path.join(d, "ifc_core") for n, (p, cfg, d) in plans.items()},
                                            os.path.join(out, "cache"), jobs=a.yosys_jobs):
                log(m)
        except Exception as e:  # noqa: BLE001
            log(f"Yosys: {e}")
            return {n: str(e).splitlines()[0] for n in plans}
        return {}

    def util_job():
        res = {}
        for n in util_names:
            if n not in plans:
                continue
            bdir = build if n == "default" else os.path.join(build, n)
            if a.report_only:
                st = earlier_util(bdir)
                if st:
                    res[n] = st
                continue
            log(f"{n}: Verilator build of the core ({bdir}) and ifc gemv {' '.join(GEMV)}")
            try:
                res[n] = measure_util(n, plans[n][0], bdir, a.jobs)
                log(f"{n}: utilization {100 * res[n]['nand_bw_utilization']:.2f}%, bit-exact {res[n]['bit_exact']}, "
                    f"build {res[n]['build_s']:.0f} s, run {res[n]['run_s']:.0f} s")
            except (subprocess.CalledProcessError, RuntimeError) as e:
                log(f"{n}: utilization run failed ({e})")
                res[n] = {"error": str(e)}
        return res

    log(f"{len(names)} variants: Yosys one at a time, utilization of {len(util_names)} beside it")
    t0 = time.time()
    with cf.ThreadPoolExecutor(max_workers=2) as ex:
        fa, fu = ex.submit(area_job), ex.submit(util_job)
        failed, utils = fa.result(), fu.result()
    log(f"sweep: {time.time() - t0:.0f} s")

    results = {}
    for n, (p, cfg, d) in plans.items():
        r = {"what": VARIANTS[n][1], "util": None}
        if n in failed:
            r["failed"] = failed[n]
        elif os.path.exists(os.path.join(d, "ifc_core", "stat.txt")):
            res = synth.analyse(cfg["name"], cfg, d, lib)
            r.update({"ge": res["total"]["ge"], "logic_mm2": res["total"]["logic_mm2"],
                      "sram_mm2": res["total"]["sram_mm2"], "pct_die": res["total"]["pct_die"],
                      "corr_engines_ge": sum(x["ge"] for x in res["rows"] if x["block"].startswith("ifc_ecc_corr"))})
        u = utils.get(n)
        if u and "error" not in u:
            r.update({"util": u["nand_bw_utilization"], "bit_exact": u["bit_exact"], "failed_rows": len(u["failed_rows"]),
                      "corrected": u["corrected"], "clean": u["clean"], "cycles": u["cycles"],
                      "build_s": u["build_s"], "run_s": u["run_s"]})
        elif u:
            r["util_error"] = u["error"]
        results[n] = r

    L = [f"# Design-point sweep ({area.LABEL})", "",
         "Area: ifc_core hierarchical synthesis of each variant, area model of synth/README.md. Utilization: "
         f"`ifc gemv {' '.join(GEMV)}` (256 rows of the LLaMA-7B FFN down-projection, K = 11008) on the core "
         "Verilated with the variant; bit-exact against the reference.", "",
         "| variant | what | GE (osu018) | corrector GE | logic mm^2 | SRAM mm^2 | % of 70 mm^2 | NAND utilization @1e-4 | bit-exact |",
         "|---|---|---:|---:|---:|---:|---:|---:|---|"]
    for n in names:
        r = results[n]
        if "failed" in r:
            a_cols = f"Yosys failed: {r['failed']} | | | | "
        elif "ge" in r:
            a_cols = (f"{r['ge']:,.0f} | {r['corr_engines_ge']:,.0f} | {r['logic_mm2']:.3f} | {r['sram_mm2']:.3f} | "
                      f"{r['pct_die']:.2f}%")
        else:
            a_cols = "not synthesised | | | | "
        if r["util"] is not None:
            u = f"{100 * r['util']:.2f}% | {'yes' if r['bit_exact'] else 'NO'}"
        else:
            u = "failed | " if "util_error" in r else "not measured | "
        L.append(f"| {n} | {r['what']} | {a_cols} | {u} |")
    synth.write_reports(out, "sweep", "\n".join(L) + "\n", results)
    log(f"reports: {out}/sweep.md, {out}/sweep.json")


if __name__ == "__main__":
    main()
