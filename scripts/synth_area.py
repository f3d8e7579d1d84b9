#!/usr/bin/env python3
"""The area model and the area regression check (pure functions; scripts/synth.py drives Yosys).

Every constant below is cited in synth/README.md. Units are in the names.
  osu018 um^2 -> GE (/ NAND2X1 area) -> 28 nm logic mm^2 (NAND2 area / placement utilisation)
  SRAM bits   -> 28 nm mm^2 (bit cell / array efficiency)
  overhead    =  (logic mm^2 + added SRAM mm^2) / CMOS die mm^2
"""
import json
import re

LABEL = "Yosys 0.23, osu018, no timing constraints; node-scaled estimate"

# --- constants (synth/README.md cites each one) ------------------------------------------------
OSU018_NAND2X1_UM2 = 24.0          # osu018_stdcells.lib, cell NAND2X1, area : 24
N28_RAW_GATE_DENSITY_KGE_MM2 = 3900.0  # TSMC 28 nm, VLSI Symp. 2009: raw gate density 3,900 kGate/mm^2
N28_NAND2_UM2 = 1e3 / N28_RAW_GATE_DENSITY_KGE_MM2  # = 0.2564 um^2 per NAND2 (raw, 100% placement)
N28_UTILISATION = 0.70             # placement utilisation of a routed standard-cell block (ours, see README)
N28_SRAM_BITCELL_UM2 = 0.127       # TSMC 28 nm 6T high-density bit cell, VLSI Symp. 2009
N28_SRAM_ARRAY_EFFICIENCY = 0.50   # bit-cell area / macro area for small single-port-ish macros (ours)
DIE_MM2 = 70.0                     # DESIGN.md: 1 Tb TLC die at 14.6 Gb/mm^2 (Micron 232L)
DIE_ALT_MM2 = 51.0                 # DESIGN.md: SK hynix >300L, 20 Gb/mm^2
BUDGET_PCT = 2.7                   # NVLLM: CMOS area overhead
AIM_PCT = 2.0                      # issue 6: aim for <= 2.0%
REGRESSION_TOLERANCE = 0.05        # a block may grow by 5% before the baseline must be updated

# Blocks in data-flow order (docs/core.md); anything else is appended in name order.
BLOCK_ORDER = [
    "ifc_core", "ifc_prefetch_seq", "ifc_plane_lane", "ifc_page_buffer", "ifc_ecc_checker",
    "ifc_seg_fifo", "ifc_dispatch", "ifc_ecc_corrector", "ifc_ecc_corr_engine", "ifc_act_buffer",
    "ifc_pe_lane", "ifc_fp32_add", "ifc_scoreboard", "ifc_read_path",
]

# What each block's ifc_sram_1r1w macros are, and whether they are overhead. The page buffer's two
# banks model the NAND's own data and cache latches (docs/read_path.md): not overhead.
SRAM_ROLE = {
    "ifc_page_buffer": ("NAND data + cache latches (already in the die)", False),
    "ifc_act_buffer": ("activation buffer", True),
    "ifc_ecc_corrector": ("correction buffer", True),
    "ifc_seg_fifo": ("segment FIFO", True),
    "ifc_scoreboard": ("scoreboard window", True),
    "ifc_kv_append": ("KV write buffer (one K + one V stripe per group slot, slots) + mapping table", True),
    "ifc_softmax": ("ATTN softmax score buffer (AttnMaxTokens FP32 scores)", True),
    "ifc_pv_lane": ("ATTN p.V accumulator (AttnMaxD FP32)", True),
    "ifc_pv_rob": ("ATTN V reorder buffer (PvRobSegs segments)", True),
}

# What would shrink a block, for the report when the total is over the budget.
REMEDY = {
    "ifc_ecc_corr_engine": "fewer engines (ecc_correctors) or corrector ports (ecc_corrector_ports), or a lower ecc_chien_par",
    "ifc_ecc_corrector": "fewer correction-buffer slots or ports (ecc_corrector_ports)",
    "ifc_act_buffer": "one activation buffer shared by the lanes (banked) instead of one copy per lane, or a smaller act_max_k",
    "ifc_dispatch": "fewer lanes/planes to arbitrate",
    "ifc_pe_lane": "fewer lanes (pe_lanes) or MACs per lane (pe_macs)",
    "ifc_seg_fifo": "fewer segment credits (seg_credits)",
    "ifc_ecc_checker": "a narrower bond (bond_bytes) or lower syndrome parallelism",
    "ifc_scoreboard": "a smaller window (sb_window_segs)",
}


def base_name(mod):
    """'$paramod$<hash>\\ifc_x' or '$paramod\\ifc_x\\P=..' or '\\ifc_x' -> 'ifc_x'."""
    mod = mod.lstrip("\\")
    m = re.match(r"^\$paramod(?:\$[0-9a-f]+)?\\([^\\]+)", mod)
    return m.group(1) if m else mod


def parse_stat(text):
    """Yosys `stat -liberty` of a hierarchical design -> {module: {'area': um2 (own cells only),
    'cells': {type: n}}}. Submodule instances appear as cell types (their area is not in 'area')."""
    mods = {}
    parts = re.split(r"^=== (.*) ===$", text, flags=re.M)
    for i in range(1, len(parts), 2):
        name, body = parts[i].strip(), parts[i + 1]
        if name == "design hierarchy":
            continue
        a = re.search(r"Chip area for (?:top )?module .*: ([0-9.]+)", body)
        cells = {m.group(1): int(m.group(2)) for m in re.finditer(r"^\s{5}(\S+)\s+(\d+)\s*$", body, flags=re.M)}
        mods[name] = {"area": float(a.group(1)) if a else 0.0, "cells": cells}
    return mods


def verilog_int(v):
    """A Verilog integer literal as write_verilog prints parameters (32'd4512, 32'sd32, 'h1000, 64) -> int.
    Anything else is an error: a parameter read wrongly would size an SRAM wrongly without a word."""
    m = re.fullmatch(r"\s*(?:\d+)?'s?([dhbo])([0-9a-fA-F_]+)\s*|\s*(\d+)\s*", v)
    if not m:
        raise ValueError(f"not an integer literal: {v!r}")
    if m.group(3):
        return int(m.group(3))
    return int(m.group(2).replace("_", ""), {"d": 10, "h": 16, "b": 2, "o": 8}[m.group(1)])


# rtl/ifc_sram_1r1w.sv's parameter defaults (write_verilog may leave out a parameter at its default).
SRAM_DEFAULT_WIDTH = 64
SRAM_DEFAULT_DEPTH = 1024


def sram_params(param_text):
    """The text inside an ifc_sram_1r1w instance's #( ... ) -> (Width, Depth)."""
    p = {k: verilog_int(v) for k, v in re.findall(r"\.(\w+)\s*\(([^()]*)\)", param_text)}
    return p.get("Width", SRAM_DEFAULT_WIDTH), p.get("Depth", SRAM_DEFAULT_DEPTH)


def parse_srams(netlist_text):
    """write_verilog netlist -> {module: [(width, depth), ...]} of the ifc_sram_1r1w instances."""
    out = {}
    for m in re.finditer(r"^module (\S+?)\s*\((.*?)^endmodule", netlist_text, flags=re.M | re.S):
        name = m.group(1).lstrip("\\")
        for s in re.finditer(r"ifc_sram_1r1w\s*#\((.*?)\)\s*\S+\s*\(", m.group(2), flags=re.S):
            out.setdefault(name, []).append(sram_params(s.group(1)))
    return out


def logic_mm2(ge):
    return ge * N28_NAND2_UM2 / N28_UTILISATION / 1e6


def sram_mm2(bits):
    return bits * N28_SRAM_BITCELL_UM2 / N28_SRAM_ARRAY_EFFICIENCY / 1e6


def block_table(mods, srams, top, nand2_um2=OSU018_NAND2X1_UM2):
    """Per base block: instances, cells, um2, GE (all instances, own cells only), SRAM bits, and the
    area model. Returns (rows, totals). The sum of the rows equals the hierarchical total of `top`."""
    inst = {}

    def walk(m, n):
        inst[m] = inst.get(m, 0) + n
        for c, k in mods[m]["cells"].items():
            if c in mods:
                walk(c, n * k)

    walk(top, 1)
    rows = {}
    for m, n in inst.items():
        b = base_name(m)
        r = rows.setdefault(b, {"block": b, "instances": 0, "cells": 0, "um2": 0.0, "sram_bits": 0,
                                "sram_overhead_bits": 0, "srams": []})
        r["instances"] += n
        own_cells = sum(k for c, k in mods[m]["cells"].items() if c not in mods and base_name(c) != "ifc_sram_1r1w")
        r["cells"] += n * own_cells
        r["um2"] += n * mods[m]["area"]
        for w, d in srams.get(m.lstrip("\\"), []):  # parse_srams names drop the leading backslash
            r["srams"].append({"width": w, "depth": d, "count": n})
            r["sram_bits"] += n * w * d
            role = SRAM_ROLE.get(b, ("SRAM macro", True))
            if role[1]:
                r["sram_overhead_bits"] += n * w * d
    out = []
    for r in rows.values():
        r["ge"] = r["um2"] / nand2_um2
        r["ge_per_instance"] = r["ge"] / r["instances"]
        r["logic_mm2"] = logic_mm2(r["ge"])
        r["sram_mm2"] = sram_mm2(r["sram_overhead_bits"])
        r["sram_role"] = SRAM_ROLE.get(r["block"], ("SRAM macro", True))[0] if r["sram_bits"] else ""
        r["total_mm2"] = r["logic_mm2"] + r["sram_mm2"]
        r["pct_die"] = 100.0 * r["total_mm2"] / DIE_MM2
        r["pct_die_alt"] = 100.0 * r["total_mm2"] / DIE_ALT_MM2
        out.append(r)
    order = {b: i for i, b in enumerate(BLOCK_ORDER)}
    out.sort(key=lambda r: (order.get(r["block"], len(order)), r["block"]))
    tot = {k: sum(r[k] for r in out) for k in ("cells", "um2", "ge", "logic_mm2", "sram_mm2", "total_mm2",
                                               "sram_bits", "sram_overhead_bits")}
    tot["pct_die"] = 100.0 * tot["total_mm2"] / DIE_MM2
    tot["pct_die_alt"] = 100.0 * tot["total_mm2"] / DIE_ALT_MM2
    tot["budget_pct"] = BUDGET_PCT
    tot["margin_pct"] = BUDGET_PCT - tot["pct_die"]
    tot["margin_pct_alt"] = BUDGET_PCT - tot["pct_die_alt"]
    tot["within_budget"] = tot["pct_die"] <= BUDGET_PCT
    tot["within_aim"] = tot["pct_die"] <= AIM_PCT
    return out, tot


def hier_total_um2(mods, top):
    """Hierarchical area of `top` (own cells plus all instances)."""
    m = mods[top]
    return m["area"] + sum(k * hier_total_um2(mods, c) for c, k in m["cells"].items() if c in mods)


def advice(rows, tot):
    """Sentences for the report: which blocks dominate, and what would bring the total under."""
    lines = []
    big = sorted(rows, key=lambda r: -r["total_mm2"])[:3]
    share = ", ".join(f"{r['block']} {100 * r['total_mm2'] / tot['total_mm2']:.0f}%" for r in big if tot["total_mm2"])
    lines.append(f"Largest shares of the overhead: {share}.")
    if not tot["within_budget"]:
        excess_mm2 = (tot["pct_die"] - BUDGET_PCT) / 100 * DIE_MM2
        lines.append(f"OVER the {BUDGET_PCT}% budget by {excess_mm2:.3f} mm^2.")
        for r in big:
            if r["block"] in REMEDY:
                lines.append(f"  {r['block']} ({r['total_mm2']:.3f} mm^2): {REMEDY[r['block']]}.")
    elif not tot["within_aim"]:
        lines.append(f"Within the {BUDGET_PCT}% budget but above the {AIM_PCT}% aim; the first remedy: "
                     f"{big[0]['block']}: {REMEDY.get(big[0]['block'], 'smaller')}.")
    else:
        lines.append(f"Within the {BUDGET_PCT}% budget and the {AIM_PCT}% aim.")
    return lines


def check_regression(current, baseline, tol=REGRESSION_TOLERANCE):
    """current, baseline: {config: {block: GE}}. Returns (failures, notes): a failure is a block of a
    config in the baseline that grew by more than tol; a block or config without a baseline is a note."""
    failures, notes = [], []
    for cfg, blocks in sorted(current.items()):
        base = baseline.get(cfg)
        if base is None:
            notes.append(f"{cfg}: no baseline (run with --update-baseline to record one)")
            continue
        for b, ge in sorted(blocks.items()):
            if b not in base:
                notes.append(f"{cfg}/{b}: new block, {ge:.0f} GE, no baseline")
                continue
            ref = base[b]
            if ref <= 0:
                if ge > 0:
                    notes.append(f"{cfg}/{b}: {ge:.0f} GE against a baseline of 0")
                continue
            growth = ge / ref - 1.0
            if growth > tol + 1e-9:
                failures.append(f"{cfg}/{b}: {ref:.0f} -> {ge:.0f} GE (+{100 * growth:.1f}% > {100 * tol:.0f}%)")
            elif growth < -tol:
                notes.append(f"{cfg}/{b}: shrank {ref:.0f} -> {ge:.0f} GE ({100 * growth:.1f}%): consider --update-baseline")
        for b in sorted(set(base) - set(blocks)):
            notes.append(f"{cfg}/{b}: in the baseline, gone now")
    return failures, notes


def fmt_table(name, rows, tot, hier_um2=None):
    """The Markdown report of one configuration."""
    L = []
    L.append(f"## Area: configuration `{name}`")
    L.append("")
    L.append(f"{LABEL}. SRAM macros are black boxes sized at 28 nm; logic GE scaled to 28 nm (synth/README.md).")
    L.append("")
    L.append("| block | inst | cells | um^2 @180nm | GE | GE/inst | logic mm^2 | SRAM kbit | SRAM mm^2 | % of 70 mm^2 |")
    L.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        kbit = f"{r['sram_overhead_bits'] / 1024:.1f}" if r["sram_overhead_bits"] else "-"
        if r["sram_bits"] and not r["sram_overhead_bits"]:
            kbit = f"({r['sram_bits'] / 1024:.0f}, not overhead)"
        L.append(f"| {r['block']} | {r['instances']} | {r['cells']:,} | {r['um2']:,.0f} | {r['ge']:,.0f} | "
                 f"{r['ge_per_instance']:,.0f} | {r['logic_mm2']:.4f} | {kbit} | {r['sram_mm2']:.4f} | {r['pct_die']:.3f}% |")
    L.append(f"| **total** | | {tot['cells']:,} | {tot['um2']:,.0f} | {tot['ge']:,.0f} | | {tot['logic_mm2']:.4f} | "
             f"{tot['sram_overhead_bits'] / 1024:.1f} | {tot['sram_mm2']:.4f} | **{tot['pct_die']:.3f}%** |")
    L.append("")
    L.append(f"- Total: {tot['total_mm2']:.3f} mm^2 = **{tot['pct_die']:.2f}%** of the {DIE_MM2:.0f} mm^2 die "
             f"({tot['pct_die_alt']:.2f}% of {DIE_ALT_MM2:.0f} mm^2). Budget {BUDGET_PCT}% (NVLLM): margin "
             f"**{tot['margin_pct']:+.2f}** points ({tot['margin_pct_alt']:+.2f} at {DIE_ALT_MM2:.0f} mm^2). "
             f"Aim {AIM_PCT}%: {'met' if tot['within_aim'] else 'not met'}.")
    if hier_um2 is not None:
        L.append(f"- Check: sum of the blocks {tot['um2']:,.0f} um^2 = Yosys hierarchical total of ifc_core "
                 f"{hier_um2:,.0f} um^2 (instances multiplied through the hierarchy; each row is the block's own "
                 f"cells, its sub-blocks are rows of their own).")
    L.append("- Rows are the blocks' own cells (sub-blocks excluded) summed over all instances; `ifc_core` is "
             "the top-level glue (command FSM, CSRs, counters).")
    for a in advice(rows, tot):
        L.append(f"- {a}")
    return "\n".join(L)


def load_json(path, default=None):
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        return default
