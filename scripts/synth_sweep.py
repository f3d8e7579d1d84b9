#!/usr/bin/env python3
"""make synth-sweep: the design-point trade-off, area against NAND bandwidth utilization.

Variants of configs/core/default.json (lanes, MACs per lane, segment size, ECC t, correctors) are
synthesised exactly as make synth does (scripts/synth.py: hierarchical ifc_core, area model of
synth/README.md). For the variants named by --util (default: all), the core is Verilated with the
variant (a build directory of its own, -DIFC_CORE_CONFIG=<variant>.json, target ifc) and
  ifc gemv --random --rows 128 --cols 4096 --dtype int8 --rber 1e-4 --json f
measures the NAND bandwidth utilization. A Verilator build of the core takes ~10 min per variant
on two cores, so the utilization part is the slow one (--util none skips it).

Output: <build>/synth-sweep/sweep.md and sweep.json, printed at the end.
"""
import argparse
import concurrent.futures as cf
import copy
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import synth  # noqa: E402
import synth_area as area  # noqa: E402

# name -> (overrides of default.json, what it varies)
VARIANTS = {
    "default": ({}, "4 lanes x 4 MACs, 256 B segments, t = 8, 2 ports x 4 engines"),
    "lanes2": ({"pe_lanes": 2}, "2 PE lanes"),
    "lanes8": ({"pe_lanes": 8}, "8 PE lanes"),
    "macs2": ({"pe_macs": 2}, "2 MACs per lane"),
    "seg512": ({"seg_payload_bytes": 512, "seg_slot_bytes": 32, "ecc_m": 13},
               "512 B segments (GF(2^13), 32 B slot)"),
    "t4": ({"ecc_t": 4}, "ECC t = 4"),
    "t12": ({"ecc_t": 12}, "ECC t = 12"),
    "corr1x4": ({"ecc_corrector_ports": 1}, "1 corrector port x 4 engines"),
    "corr2x2": ({"ecc_correctors": 2}, "2 corrector ports x 2 engines"),
}

# The default sweep: one step along each knob (lanes8 and corr2x2 are there to ask for).
DEFAULT_SET = ["default", "lanes2", "macs2", "seg512", "t4", "t12", "corr1x4"]


def log(msg):
    print(f"synth-sweep: {msg}", flush=True)


def measure_util(name, cfg_path, bdir, jobs):
    """Builds the ifc CLI with the variant's core and runs the GEMV at RBER 1e-4."""
    out = os.path.join(bdir, "gemv.json")
    if not os.path.exists(os.path.join(bdir, "build.ninja")):
        subprocess.run(["cmake", "-S", ROOT, "-B", bdir, "-G", "Ninja", f"-DIFC_CORE_CONFIG={cfg_path}"],
                       check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", bdir, "-j", str(jobs), "--target", "ifc"], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([os.path.join(bdir, "ifc"), "gemv", "--random", "--rows", "128", "--cols", "4096",
                    "--dtype", "int8", "--rber", "1e-4", "--json", out], check=True, stdout=subprocess.DEVNULL)
    return json.load(open(out))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build")
    ap.add_argument("--variants", default=",".join(DEFAULT_SET), help="comma-separated subset of: " + ", ".join(VARIANTS))
    ap.add_argument("--util", default="all", help="variants whose utilization is measured: all, none, or a list")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    a = ap.parse_args()

    out = os.path.abspath(os.path.join(a.build, "synth-sweep"))
    os.makedirs(os.path.join(out, "configs"), exist_ok=True)
    lib = os.path.join(synth.fetch_liberty(os.path.abspath(os.path.join(a.build, "synth"))), "osu018_stdcells.lib")
    base = json.load(open(os.path.join(ROOT, "configs", "core", "default.json")))
    names = [n for n in a.variants.split(",") if n]
    util_names = names if a.util == "all" else ([] if a.util == "none" else a.util.split(","))

    plans = {}
    for n in names:
        cfg = copy.deepcopy(base)
        cfg.update(VARIANTS[n][0])
        cfg["name"] = f"sweep-{n}"
        path = os.path.join(out, "configs", f"{n}.json")
        with open(path, "w") as f:
            json.dump(cfg, f, indent=1)
        # The default point is make synth's own run (same parameters): reused, not synthesised again.
        d = os.path.abspath(os.path.join(a.build, "synth", "default")) if n == "default" else os.path.join(out, n)
        plans[n] = (path, cfg, d)

    log(f"synthesising {len(names)} variants ({a.jobs} Yosys runs at a time)")
    with cf.ThreadPoolExecutor(max_workers=a.jobs) as ex:
        futs = {ex.submit(synth.run_yosys, "ifc_core", synth.core_params(cfg), lib, os.path.join(d, "ifc_core"),
                          True): n for n, (p, cfg, d) in plans.items() if n != "default"}
        if "default" in plans and not os.path.exists(os.path.join(plans["default"][2], "ifc_core", "stat.txt")):
            futs[ex.submit(synth.run_yosys, "ifc_core", synth.core_params(plans["default"][1]), lib,
                           os.path.join(plans["default"][2], "ifc_core"), True)] = "default"
        failed = {}
        for fu in cf.as_completed(futs):
            try:
                log(fu.result())
            except Exception as e:  # noqa: BLE001
                failed[futs[fu]] = str(e).splitlines()[0]
                log(f"{futs[fu]}: {failed[futs[fu]]}")

    results = {}
    for n, (p, cfg, d) in plans.items():
        if n in failed:
            results[n] = {"what": VARIANTS[n][1], "failed": failed[n], "util": None}
            continue
        res = synth.analyse(cfg["name"], cfg, d, lib)
        results[n] = {"what": VARIANTS[n][1], "ge": res["total"]["ge"], "logic_mm2": res["total"]["logic_mm2"],
                      "sram_mm2": res["total"]["sram_mm2"], "pct_die": res["total"]["pct_die"],
                      "corr_engines_ge": sum(r["ge"] for r in res["rows"] if r["block"].startswith("ifc_ecc_corr")),
                      "util": None}

    for n in util_names:
        if n not in plans or n in failed:
            continue
        log(f"{n}: Verilator build of the core and ifc gemv at RBER 1e-4 (slow)")
        try:
            st = measure_util(n, plans[n][0], os.path.join(out, f"build-{n}"), a.jobs)
            results[n]["util"] = st.get("nand_bw_utilization")
            results[n]["gemv_bit_exact"] = st.get("bit_exact", st.get("match"))
        except subprocess.CalledProcessError as e:
            log(f"{n}: utilization run failed ({e})")

    L = [f"# Design-point sweep ({area.LABEL})", "",
         "Area: ifc_core hierarchical synthesis of each variant, area model of synth/README.md. Utilization: "
         "`ifc gemv --random --rows 128 --cols 4096 --dtype int8 --rber 1e-4` on the core Verilated with the variant.", "",
         "| variant | what | GE (osu018) | corrector GE | logic mm^2 | SRAM mm^2 | % of 70 mm^2 | NAND utilization @1e-4 |",
         "|---|---|---:|---:|---:|---:|---:|---:|"]
    for n in names:
        r = results[n]
        if "failed" in r:
            L.append(f"| {n} | {r['what']} | Yosys failed: {r['failed']} | | | | | |")
            continue
        u = f"{100 * r['util']:.1f}%" if r["util"] is not None else "not measured"
        L.append(f"| {n} | {r['what']} | {r['ge']:,.0f} | {r['corr_engines_ge']:,.0f} | {r['logic_mm2']:.3f} | "
                 f"{r['sram_mm2']:.3f} | {r['pct_die']:.2f}% | {u} |")
    synth.write_reports(out, "sweep", "\n".join(L) + "\n", results)
    log(f"reports: {out}/sweep.md, {out}/sweep.json")


if __name__ == "__main__":
    main()
