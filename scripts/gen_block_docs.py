#!/usr/bin/env python3
"""docs/blocks/: one page per RTL block, generated from the RTL itself and the measured area.

For every module in rtl/files.f the page holds
  - the module's `///` header, verbatim (what it does, handshake, latency and throughput,
    parameters with units: CONVENTIONS.md makes every module open with it);
  - its parameters with their defaults and its ports (direction, width), parsed from the source;
  - the submodules it instantiates and where it is instantiated;
  - its measured area: GE per configuration from build/synth/area.json when `make synth` has run
    (osu018 GE, logic and SRAM mm^2 at 28 nm, % of the 70 mm^2 die), otherwise from the checked-in
    synth/area_baseline.json (GE only), and the page says which.
Hand-written explanations stay in docs/*.md (linked from each page); this keeps the block pages
from drifting from the RTL. `--check` fails when a page is stale (ctest docs.block_pages).

  scripts/gen_block_docs.py [--check] [--area build/synth/area.json]
"""
import argparse
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "blocks"
# Hand-written pages that explain a block in depth (docs/*.md)
DEEP = {
    "ifc_page_buffer": "read_path.md", "ifc_plane_lane": "read_path.md", "ifc_read_path": "read_path.md",
    "ifc_ecc_checker": "ecc.md", "ifc_ecc_corrector": "ecc.md", "ifc_ecc_corr_engine": "ecc.md",
    "ifc_pe_lane": "core.md", "ifc_act_buffer": "core.md", "ifc_fp32_add": "core.md", "ifc_scoreboard": "core.md",
    "ifc_seg_fifo": "core.md", "ifc_dispatch": "core.md", "ifc_prefetch_seq": "core.md", "ifc_core": "core.md",
    "ifc_sram_1r1w": "area.md",
}
ROLE = {  # one line each, for the index (where the block sits in docs/architecture.md's diagram)
    "ifc_pkg": "shared constants, opcodes, error codes, FSM enums",
    "ifc_sram_1r1w": "behavioural SRAM macro (black box in synthesis; area from the SRAM density)",
    "ifc_page_buffer": "a plane's data + cache latches, drained segment by segment",
    "ifc_plane_lane": "page buffer + segment credits of one plane",
    "ifc_read_path": "the read-path demo top (planes x plane lanes, sequential read)",
    "ifc_ecc_checker": "line-rate BCH remainder: clean / dirty / erased per segment",
    "ifc_ecc_corr_engine": "one BCH decoder: syndromes, Berlekamp-Massey, Chien search",
    "ifc_ecc_corrector": "asynchronous corrector: segment buffer, engines, CRC check, read-out",
    "ifc_fp32_add": "FP32 adder (RNE, FTZ, NaN -> 0x7FC00000)",
    "ifc_act_buffer": "a lane's copy of the activation vector (SRAM)",
    "ifc_pe_lane": "dot product of one segment with its activation slice",
    "ifc_scoreboard": "in-order commit and k-order accumulation of the partial sums",
    "ifc_seg_fifo": "a plane's segment buffer between checker and dispatcher",
    "ifc_prefetch_seq": "deterministic page-read schedule, throttled by credits",
    "ifc_dispatch": "routes segments to lanes, the corrector or the fail channel",
    "ifc_read_retry": "re-reads an uncorrectable segment at the next read-level step (read-retry)",
    "ifc_core": "the top: host streams, CSRs, everything above",
}


def role(b):
    """The block's one-line role: ROLE, else the first line of its header (a new block)."""
    if b["name"] in ROLE:
        return ROLE[b["name"]]
    first = b["header"][0].rstrip(".") if b["header"] else ""
    return first[:1].lower() + first[1:]


def strip_comments(s):
    s = re.sub(r"/\*.*?\*/", "", s, flags=re.S)
    return re.sub(r"//[^\n]*", "", s)


def rtl_files():
    out = []
    for line in (ROOT / "rtl" / "files.f").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith(("//", "+")):
            out.append(ROOT / line)
    return out


def parse(path):
    text = path.read_text()
    header = []
    for line in text.splitlines():
        if line.startswith("///"):
            header.append(line[4:] if line.startswith("/// ") else line[3:])
        elif header and not line.startswith("///"):
            break
    code = strip_comments(text)
    m = re.search(r"\b(module|package)\s+(\w+)", code)
    kind, name = m.group(1), m.group(2)
    params, ports, subs = [], [], []
    if kind == "module":
        pm = re.search(r"module\s+\w+\s*#\s*\((.*?)\)\s*\(", code, re.S)
        if pm:
            for p in pm.group(1).split(","):
                p = " ".join(p.split())
                mm = re.match(r"(localparam|parameter)\s+(?:int\s+unsigned|int|logic\s*\[[^\]]*\]|bit|logic)?\s*(\w+)\s*=\s*(.+)", p)
                if mm:
                    params.append((mm.group(2), mm.group(3), mm.group(1) == "localparam"))
        start = pm.end() if pm else re.search(r"module\s+\w+\s*\(", code).end()
        depth, i = 1, start
        while depth and i < len(code):
            depth += {"(": 1, ")": -1}.get(code[i], 0)
            i += 1
        for p in code[start:i - 1].split(","):
            p = " ".join(p.split())
            mm = re.match(r"(input|output|inout)\s+(?:wire\s+)?(?:logic\s*)?(\[[^\]]*\])?\s*(\w+)", p)
            if mm:
                ports.append((mm.group(3), mm.group(1), mm.group(2) or "1"))
        body = code[i:]
        for mm in re.finditer(r"\b(ifc_\w+)\s*(?:#\s*\(.*?\)\s*)?(u_\w+)\s*\(", body, re.S):
            subs.append((mm.group(1), mm.group(2)))
    return {"kind": kind, "name": name, "header": header, "params": params, "ports": ports, "subs": subs,
            "path": path.relative_to(ROOT).as_posix()}


def area_source(arg):
    p = pathlib.Path(arg) if arg else ROOT / "build" / "synth" / "area.json"
    if p.exists():
        j = json.loads(p.read_text())
        rows = {name: {r["block"]: r for r in c["rows"]} for name, c in j["configs"].items()}
        return ("`make synth` (build/synth/area.json): Yosys 0.23 + osu018, no timing constraints; 28 nm "
                "node-scaled estimate", rows, True)
    j = json.loads((ROOT / "synth" / "area_baseline.json").read_text())
    rows = {name: {b: {"ge": ge} for b, ge in c.items() if b != "total"} for name, c in j["configs"].items()}
    return ("synth/area_baseline.json (the checked-in area regression baseline, recorded by "
            "`make synth UPDATE_BASELINE=1`: osu018 GE of the block's own cells, all instances; Yosys 0.23, "
            "no timing constraints)", rows, False)


def cap(s):
    return s[:1].upper() + s[1:]


def page(b, users, area):
    label, rows, full = area
    L = [f"# {b['name']}", "", f"<!-- generated by scripts/gen_block_docs.py from {b['path']}: do not edit; "
         "run `make docs-blocks` -->", "",
         f"Source: [`{b['path']}`](../../{b['path']}). {cap(role(b))}."]
    if b["name"] in DEEP:
        L[-1] += f" In depth: [docs/{DEEP[b['name']]}](../{DEEP[b['name']]})."
    L += ["", "## What it does, handshake, latency and throughput", "", "(the module's own header)", "", "```text"]
    L += b["header"] + ["```", ""]
    if b["params"]:
        L += ["## Parameters", "", "| parameter | default | |", "|---|---|---|"]
        for n, d, local in b["params"]:
            L.append(f"| `{n}` | `{d}` | {'derived (localparam)' if local else ''} |")
        L.append("")
        L.append("The values `ifc_core` is elaborated with come from `configs/core/<name>.json` (one place).")
        L.append("")
    if b["ports"]:
        L += ["## Ports", "", "| port | dir | width |", "|---|---|---|"]
        for n, d, w in b["ports"]:
            L.append(f"| `{n}` | {d} | `{w}` |")
        L.append("")
    if b["subs"] or users.get(b["name"]):
        L += ["## Hierarchy", ""]
        for m, inst in b["subs"]:
            L.append(f"- instantiates [`{m}`]({m}.md) as `{inst}`")
        for u, inst in users.get(b["name"], []):
            L.append(f"- instantiated by [`{u}`]({u}.md) as `{inst}`")
        L.append("")
    L += ["## Measured area", "", f"Source: {label}.", ""]
    present = [(c, r[b["name"]]) for c, r in rows.items() if b["name"] in r]
    if not present:
        if b["kind"] == "package":
            L.append("A package: no logic of its own.")
        elif b["name"] == "ifc_sram_1r1w":
            L.append("A macro: a black box in synthesis; its area comes from the SRAM density (docs/area.md), "
                     "counted in the block that instantiates it.")
        elif b["name"] == "ifc_read_path":
            L.append("Not inside `ifc_core` (the read-path demo top); `make synth` reports it separately.")
        else:
            L.append("Not in the area source yet (the block is newer than the recorded baseline): "
                     "`make synth` measures it; `make synth UPDATE_BASELINE=1` records it.")
    elif full:
        L += ["| configuration | instances | GE (osu018) | logic mm² (28 nm) | SRAM mm² (28 nm) | % of 70 mm² |",
              "|---|---|---|---|---|---|"]
        for c, r in present:
            L.append(f"| {c} | {r['instances']} | {r['ge']:,.0f} | {r['logic_mm2']:.4f} | {r['sram_mm2']:.4f} | "
                     f"{r['pct_die']:.4f}% |")
    else:
        L += ["| configuration | GE (osu018, all instances) |", "|---|---|"]
        for c, r in present:
            L.append(f"| {c} | {r['ge']:,.0f} |")
        L += ["", "SRAM macros are not in this baseline; `make synth` gives the full table (logic + SRAM, "
              "% of the die, the 2.7% budget) in build/synth/area.md."]
    L.append("")
    return "\n".join(L)


def index(blocks, area):
    L = ["# RTL blocks", "", "<!-- generated by scripts/gen_block_docs.py: do not edit; run `make docs-blocks` -->", "",
         "One page per block of `rtl/files.f`, in compile order: the module header (what, handshake, latency,",
         "throughput, parameters), ports, hierarchy and measured area. The data flow that connects them is in",
         "[docs/architecture.md](../architecture.md).", "", f"Area source: {area[0]}.", "",
         "| block | role | GE (default) |", "|---|---|---|"]
    for b in blocks:
        ge = area[1].get("default", {}).get(b["name"], {}).get("ge")
        L.append(f"| [`{b['name']}`]({b['name']}.md) | {role(b)} | "
                 f"{'' if ge is None else f'{ge:,.0f}'} |")
    L.append("")
    return "\n".join(L)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--area", help="area.json of make synth (default build/synth/area.json, else the baseline)")
    ap.add_argument("--baseline", action="store_true", help="use synth/area_baseline.json even if area.json exists")
    a = ap.parse_args()
    blocks = [parse(p) for p in rtl_files()]
    users = {}
    for b in blocks:
        for m, inst in b["subs"]:
            users.setdefault(m, []).append((b["name"], inst))
    # The checked-in pages use the baseline (so the check does not depend on a local make synth).
    area = area_source("/nonexistent" if a.baseline else a.area)
    files = {OUT / f"{b['name']}.md": page(b, users, area) for b in blocks}
    files[OUT / "README.md"] = index(blocks, area)
    stale = [p for p, t in files.items() if not p.exists() or p.read_text() != t]
    if a.check:
        if stale:
            print("gen_block_docs: stale (run `make docs-blocks` and commit): " +
                  " ".join(str(p.relative_to(ROOT)) for p in stale), file=sys.stderr)
            return 1
        print(f"gen_block_docs: {len(files)} pages up to date")
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    for p in stale:
        p.write_text(files[p])
    print(f"gen_block_docs: {len(stale)} of {len(files)} pages written to {OUT.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
