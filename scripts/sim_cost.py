#!/usr/bin/env python3
"""Simulation cost of the benchmark model in instructions per simulated cycle (make sim-cost).

Wall-clock simulation speed (bench_gemv's Mcyc/cpu-s) moves by 10-20% between runs of the same
binary on a shared virtual machine. The instruction count is repeatable: this script runs
bench_gemv under valgrind's callgrind (the model built with -march=x86-64-v3: valgrind 3.19 has no
AVX-512) and reports, per simulated cycle,
  - the instructions of the Verilated model (Vifc_core::eval_step, inclusive; one eval per cycle),
  - the testbench and NAND model around it (run_gemv inclusive minus the model),
  - the model's instructions by block (exclusive cost of the functions Verilator emits per module).
A change to the RTL or the harness is measured by running it before and after: the figures are
the same on every run of the same build (docs/core.md, "Simulation speed").

usage: sim_cost.py --bench <bench_gemv> --out <json> [--rows N] [--rber R ...]
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

# Block of the model's code, from the Verilator source file it comes from (the model is built with
# -g, so code gcc inlined into another function keeps its file: Verilator writes one set of files
# per module). First match wins; the top's files are split by function into the input region and
# the rest.
BLOCKS = [
    ("_ifc_ecc_corr_engine_", "ECC correction engines"),
    ("_ifc_ecc_corrector_", "ECC correctors"),
    ("_ifc_ecc_checker_", "ECC checkers"),
    ("_ifc_plane_lane_", "plane lanes (page buffers)"),
    ("_ifc_pe_lane_", "PE lanes"),
    ("_ifc_seg_fifo_", "segment FIFOs"),
    ("_ifc_fp32_add_", "FP32 adders"),
    ("_ifc_act_buffer_", "activation buffers"),
]
TOP_ICO = "top, input region (logic fed by ifc_core's inputs, evaluated before the edge)"
TOP = "top, flattened (FSM, dispatcher, scoreboard, prefetch, retry, KV, ATTN)"
SCHED = "Verilator scheduling and runtime (eval loop, triggers)"


def block_of(where):
    """'file:function' -> the model block it belongs to, or None (testbench, libraries)."""
    path, _, fn = where.partition(":")
    base = os.path.basename(path)
    for key, name in BLOCKS:
        if key in base:
            return name
    if "___024root" in base:
        return TOP_ICO if "___ico_" in fn else TOP
    if base.startswith("Vifc_core") or base.startswith("verilated") or fn.startswith("Vifc_core"):
        return SCHED
    return None


LINE = re.compile(r"^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(<|\*)?\s*(.*?)\s*(\[[^\]]*\])?\s*(\((\d[\d,]*)x\))?$")


def annotate(out_file, *args):
    return subprocess.run(["callgrind_annotate", *args, out_file], check=True, text=True,
                          capture_output=True).stdout.splitlines()


def function_of(where):
    """'file:function' or '???:function' -> function."""
    return where.split(":", 1)[1] if ":" in where else where


def parse_inclusive(lines):
    """callgrind_annotate --tree=caller --inclusive=yes output -> (model Ir, evals, run_gemv Ir).

    '<' lines are the callers of the '*' line after them, with their call counts. The entry that
    has callers is the whole function: gcc splits the parts it inlined over the files they come
    from, and each is listed again without callers."""
    model_ir = evals = run_ir = 0
    callers = []
    for ln in lines:
        m = LINE.match(ln)
        if not m:
            callers = []
            continue
        ir, kind, fn = int(m.group(1).replace(",", "")), m.group(2), function_of(m.group(3))
        if kind == "<":
            callers.append(int((m.group(6) or "0").replace(",", "")))
            continue
        if kind == "*" and callers:
            if fn.startswith("Vifc_core::eval_step()") and ir > model_ir:
                model_ir, evals = ir, sum(callers)
            elif fn.startswith("ifc::tb::run_gemv(") and ir > run_ir:
                run_ir = ir
        callers = []
    return model_ir, evals, run_ir


def parse_blocks(lines):
    """callgrind_annotate --auto=no output (exclusive Ir per file:function) -> Ir per block."""
    blocks = {name: 0 for name in [n for _, n in BLOCKS] + [TOP_ICO, TOP, SCHED]}
    for ln in lines:
        m = LINE.match(ln)
        if not m or m.group(2):
            continue
        b = block_of(m.group(3))
        if b:
            blocks[b] += int(m.group(1).replace(",", ""))
    return blocks


def measure(bench, rows, rber, workdir):
    cg = os.path.join(workdir, f"cg_{rber}.out")
    js = os.path.join(workdir, f"gemv_{rber}.json")
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={cg}", bench, js,
                    str(rows), "11008", str(rber)], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    with open(js) as f:
        gemv = json.load(f)
    model_ir, evals, run_ir = parse_inclusive(
        annotate(cg, "--tree=caller", "--inclusive=yes", "--threshold=100", "--auto=no"))
    if not evals:
        sys.exit("sim_cost: no Vifc_core::eval_step() in the profile (was the model built?)")
    blocks = parse_blocks(annotate(cg, "--threshold=100", "--auto=no"))
    return {
        "rber": rber,
        "rows": rows,
        "evals": evals,
        "gemv_cycles": sum(r["cycles"] for r in gemv["runs"]),
        "nand_bw_utilization": [r["nand_bw_utilization"] for r in gemv["runs"]],
        "bit_exact": all(r["bit_exact"] for r in gemv["runs"]),
        "model_instr_per_cycle": model_ir / evals,
        "testbench_instr_per_cycle": (run_ir - model_ir) / evals,
        "blocks_instr_per_cycle": {k: v / evals for k, v in blocks.items()},
        "core_config": gemv.get("core_config"),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bench", required=True, help="bench_gemv built with IFC_BENCH_MARCH=x86-64-v3")
    ap.add_argument("--out", required=True, help="JSON to write")
    ap.add_argument("--rows", type=int, default=32, help="rows of the 11008-column INT8 matrix")
    ap.add_argument("--rber", type=float, nargs="+", default=[0.0, 1e-4])
    a = ap.parse_args()
    for tool in ("valgrind", "callgrind_annotate"):
        if not shutil.which(tool):
            sys.exit(f"sim_cost: '{tool}' not found: install the Debian package valgrind (make deps does)")
    if not os.access(a.bench, os.X_OK):
        sys.exit(f"sim_cost: {a.bench} is not an executable bench_gemv (make sim-cost builds it)")
    res = []
    with tempfile.TemporaryDirectory() as wd:
        for r in a.rber:
            res.append(measure(a.bench, a.rows, r, wd))
    for r in res:
        print(f"== RBER {r['rber']:g}: {r['rows']} rows x 11008 INT8, out-of-order then in-order, "
              f"{r['evals']} cycles, bit-exact {'yes' if r['bit_exact'] else 'NO'}")
        print(f"   model      {r['model_instr_per_cycle']:8.0f} instructions / simulated cycle")
        print(f"   testbench  {r['testbench_instr_per_cycle']:8.0f} (driver, NAND model, reference checks)")
        for k, v in sorted(r["blocks_instr_per_cycle"].items(), key=lambda kv: -kv[1]):
            print(f"     {v:8.0f}  {k}")
    with open(a.out, "w") as f:
        json.dump({"benchmark": "sim_cost", "unit": "instructions per simulated cycle (callgrind)",
                   "runs": res}, f, indent=1)
    print(f"saved {a.out}")
    if not all(r["bit_exact"] for r in res):
        sys.exit("sim_cost: a GEMV was not bit-exact")


if __name__ == "__main__":
    main()
