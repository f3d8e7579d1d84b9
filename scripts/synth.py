#!/usr/bin/env python3
"""make synth: Yosys 0.23 + osu018 area of every RTL block, for each named core configuration.

For every configs/core/*.json (or --config F ...):
  - ifc_core is synthesised hierarchically with the configuration's parameters (chparam, the same
    JSON-key -> parameter map as sim/CMakeLists.txt), SRAM macros (ifc_sram_1r1w) black boxes.
    Every block the core instantiates is reported with exactly the parameters the core gives it,
    and instance counts are multiplied through the hierarchy (2 corrector ports x 4 engines = 8).
  - RTL blocks outside ifc_core (ifc_read_path) are synthesised on their own with the same values.
  - One report per block: <build>/synth/<config>/<block>.stat.txt, plus the Yosys log.
  - The area model (scripts/synth_area.py, constants cited in synth/README.md) gives GE, 28 nm
    logic mm^2, SRAM mm^2 and % of the die; area.md and area.json in <build>/synth/.
  - The area regression check against synth/area_baseline.json (fails on > 5% growth of a block;
    --update-baseline records the current numbers).
  - The default configuration's netlist (write_verilog) and behavioural models of the osu018 cells
    go to <build>/synth/netlist/, and the two make ifc_core_flat.v (each cell replaced by its
    liberty function, hierarchy flattened) for the gate-level re-simulation (sim/netlist, make netlist).
  - --sta: critical path with OpenSTA (Debian opensta) at 180 nm, scaled to 28 nm.

Every Yosys run uses -e 'implicitly declared|has no driver' so a silent miscompile fails.
"""
import argparse
import concurrent.futures as cf
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import synth_area as area  # noqa: E402


def _read_text(path):
    """The whole text of a file, closed again (no ResourceWarning)."""
    with open(path) as f:
        return f.read()


def _read_bytes(path):
    with open(path, "rb") as f:
        return f.read()

# A port connected with a width other than the module's ("Resizing cell port") is an error too: the
# flatten step once declared the SRAM black box with a fixed 10-bit address (AddrW = 10), which cut the
# page buffer's 13-bit address and made every segment of the netlist model uncorrectable.
YOSYS_ERR = "implicitly declared|has no driver|Resizing cell port"
BASELINE = os.path.join(ROOT, "synth", "area_baseline.json")
SRAM_RTL = os.path.join(ROOT, "rtl", "ifc_sram_1r1w.sv")  # the SRAM macro: a black box in every Yosys run
REUSE = False  # --reuse: take existing Yosys results even when the RTL changed since


def log(msg):
    print(f"synth: {msg}", flush=True)


def write_reports(out, stem, text, js):
    """Writes <out>/<stem>.md (text) and <out>/<stem>.json (js), then prints the Markdown."""
    with open(os.path.join(out, f"{stem}.md"), "w") as f:
        f.write(text)
    with open(os.path.join(out, f"{stem}.json"), "w") as f:
        json.dump(js, f, indent=1)
    print()
    print(text)


# --- the osu018 liberty --------------------------------------------------------------------------
def fetch_liberty(out):
    """osu018_stdcells.lib from the Debian package qflow-tech-osu018, extracted without installing
    qflow (CONVENTIONS.md). Returns the directory holding the .lib."""
    for d in (os.path.join(out, "osu018"), "/usr/share/qflow/tech/osu018"):
        hits = glob.glob(os.path.join(d, "**", "osu018_stdcells.lib"), recursive=True)
        if hits:
            return os.path.dirname(hits[0])
    log("fetching the osu018 liberty (apt-get download qflow-tech-osu018)")
    tmp = tempfile.mkdtemp()
    os.chmod(tmp, 0o777)  # apt's _apt user writes there when run as root
    r = subprocess.run(["apt-get", "download", "qflow-tech-osu018"], cwd=tmp, capture_output=True, text=True)
    debs = glob.glob(os.path.join(tmp, "qflow-tech-osu018_*.deb"))
    if r.returncode != 0 or not debs:
        sys.exit("synth: 'apt-get download qflow-tech-osu018' failed: run 'apt-get update' (as root) and retry\n"
                 + r.stderr)
    subprocess.run(["dpkg-deb", "-x", debs[0], os.path.join(out, "osu018")], check=True)
    shutil.rmtree(tmp, ignore_errors=True)
    hits = glob.glob(os.path.join(out, "osu018", "**", "osu018_stdcells.lib"), recursive=True)
    if not hits:
        sys.exit("synth: osu018_stdcells.lib not found in the package")
    return os.path.dirname(hits[0])


def nand2_area(lib):
    txt = _read_text(lib)
    m = re.search(r"cell\s*\(NAND2X1\)\s*\{\s*area\s*:\s*([0-9.]+)", txt)
    return float(m.group(1)) if m else area.OSU018_NAND2X1_UM2


# --- configuration -> parameters (the map of sim/CMakeLists.txt) --------------------------------
def core_params(cfg):
    """ifc_core parameters of a configs/core/*.json, as Verilog literals."""
    m, t = int(cfg["ecc_m"]), int(cfg["ecc_t"])
    bch = json.loads(subprocess.run([sys.executable, os.path.join(HERE, "gen_bch.py"), str(m), str(t), "--json"],
                                    check=True, capture_output=True, text=True).stdout)
    parity = int(bch["parity_bits"])
    # The slot holds the parity and the CRC field: without this check a configuration whose parity
    # does not fit makes ifc_kv_append's FieldBits (SlotW - ParityBits, unsigned) wrap, and Yosys
    # unrolls a 2^32-iteration loop until the machine runs out of memory.
    need = parity + (32 if cfg.get("seg_crc") else 0)
    if need > 8 * int(cfg["seg_slot_bytes"]):
        raise ValueError(f"{cfg.get('name')}: {parity} parity bits{' + 32 CRC bits' if cfg.get('seg_crc') else ''} "
                         f"do not fit the {cfg['seg_slot_bytes']} B segment slot (seg_slot_bytes)")
    # ifc_ecc_checker folds one whole bond beat into its remainder per cycle (sim/CMakeLists.txt
    # makes the same check): fewer parity bits than a beat is an out-of-range slice.
    if parity < 8 * int(cfg["bond_bytes"]):
        raise ValueError(f"{cfg.get('name')}: ecc_t = {t} gives {parity} parity bits, fewer than one "
                         f"{8 * int(cfg['bond_bytes'])}-bit bond beat (8 x bond_bytes)")
    rp = read_path_params(cfg)
    p = dict(rp)
    p.update({
        "EccM": m, "EccT": t, "ParityBits": parity,
        "GenPoly": f"{parity + 1}'h{bch['generator_hex']}",
        "PrimPoly": f"{m + 1}'h{bch['prim_hex']}",
        "NumCorrectors": cfg["ecc_correctors"], "CorrPorts": cfg["ecc_corrector_ports"],
        "ChienPar": cfg["ecc_chien_par"], "Lanes": cfg["pe_lanes"], "Macs": cfg["pe_macs"],
        "MaxK": cfg["act_max_k"], "Window": cfg["sb_window_segs"], "PagesPerPlane": cfg["pages_per_plane"],
    })
    # Optional parameters: passed when the configuration has the key and the RTL the parameter.
    core_sv = _read_text(os.path.join(ROOT, "rtl", "ifc_core.sv"))
    if "seg_crc" in cfg and re.search(r"parameter\s+\w+\s+SegCrc\b", core_sv):
        p["SegCrc"] = "1'b1" if cfg["seg_crc"] else "1'b0"
    if "read_retry_max" in cfg and re.search(r"parameter\s+\w+\s+\w+\s+RetryMax\b", core_sv):
        p["RetryMax"] = cfg["read_retry_max"]
    if "watchdog_timeout_cycles" in cfg and re.search(r"parameter\s+\w+\s+\w+\s+WatchdogCycles\b", core_sv):
        p["WatchdogCycles"] = cfg["watchdog_timeout_cycles"]
    return p


def read_path_params(cfg):
    return {
        "Planes": cfg["planes"], "PageDataBytes": cfg["page_data_bytes"], "PageSpareBytes": cfg["page_spare_bytes"],
        "BondBytes": cfg["bond_bytes"], "SegPayloadBytes": cfg["seg_payload_bytes"],
        "SegSlotBytes": cfg["seg_slot_bytes"], "SegCredits": cfg["seg_credits"],
    }


def rtl_files():
    files = []
    for line in _read_text(os.path.join(ROOT, "rtl", "files.f")).splitlines():
        line = line.strip()
        if line.endswith(".sv") and not line.startswith("//"):
            files.append(os.path.join(ROOT, line))
    return files


def modules_of(files):
    mods = []
    for f in files:
        name = os.path.splitext(os.path.basename(f))[0]
        if not re.search(rf"^\s*package\s+{name}\b", _read_text(f), flags=re.M):
            mods.append(name)
    return mods


# --- Yosys ---------------------------------------------------------------------------------------
def yosys_script(top, params, lib, out_dir, netlist):
    files = " ".join(rtl_files())
    chp = " ".join(f"-set {k} {v}" for k, v in params.items())
    lines = [
        f"read_verilog -sv -DSYNTHESIS -I{ROOT}/rtl/include {files}",
        "blackbox ifc_sram_1r1w",
        f"chparam {chp} {top}" if chp else "",
        f"hierarchy -check -top {top}",
        f"synth -top {top}",
        f"dfflibmap -liberty {lib}",
        f"abc -liberty {lib}",
        "opt_clean",
        f"tee -q -o {out_dir}/stat.txt stat -liberty {lib}",
    ]
    if netlist:
        lines.append(f"write_verilog -noattr {out_dir}/netlist.v")
    return "\n".join(l for l in lines if l) + "\n"


def stamp_of(script):
    h = hashlib.sha256(script.encode())
    for f in rtl_files() + [os.path.join(ROOT, "rtl", "include", "ifc_assert.svh")]:
        if os.path.exists(f):
            h.update(_read_bytes(f))
    return h.hexdigest()


def run_yosys(top, params, lib, out_dir, netlist=True, force=False):
    """Synthesises `top` with `params` into out_dir (stat.txt, netlist.v, yosys.log). Skipped when
    the RTL, parameters and flow are unchanged since the last run (stamp)."""
    os.makedirs(out_dir, exist_ok=True)
    script = yosys_script(top, params, lib, out_dir, netlist)
    stamp = stamp_of(script)
    stamp_file = os.path.join(out_dir, "stamp")
    if not force and os.path.exists(stamp_file) and _read_text(stamp_file) == stamp and \
            os.path.exists(os.path.join(out_dir, "stat.txt")):
        return f"{top}: up to date ({out_dir})"
    if REUSE and os.path.exists(os.path.join(out_dir, "stat.txt")):
        return f"{top}: REUSED an earlier run although the RTL or flow changed (--reuse) ({out_dir})"
    with open(os.path.join(out_dir, "synth.ys"), "w") as f:
        f.write(script)
    t0 = time.time()
    r = subprocess.run(["yosys", "-q", "-e", YOSYS_ERR, "-l", os.path.join(out_dir, "yosys.log"),
                        os.path.join(out_dir, "synth.ys")], capture_output=True, text=True)
    if r.returncode != 0:
        tail = "".join(_read_text(os.path.join(out_dir, "yosys.log")).splitlines(True)[-25:])
        raise RuntimeError(f"Yosys FAILED on {top} (see {out_dir}/yosys.log)\n{tail}{r.stderr[-2000:]}")
    with open(stamp_file, "w") as f:
        f.write(stamp)
    return f"{top}: {time.time() - t0:.0f} s ({out_dir})"


# --- per-module synthesis cache (make synth-sweep) ---------------------------------------------
MODULE_FLOW = ["synth -top {top}", "dfflibmap -liberty {lib}", "abc -liberty {lib}", "opt_clean"]


def split_rtlil(text):
    """RTLIL of a design -> {module name: its text, attributes included}, in file order."""
    mods, attrs, cur, name = {}, [], None, None
    for line in text.splitlines(keepends=True):
        if cur is None:
            if line.startswith("attribute "):
                attrs.append(line)
            elif line.startswith("module "):
                name, cur, attrs = line.split()[1], attrs + [line], []
        else:
            cur.append(line)
            if line == "end\n":
                mods[name] = "".join(cur)
                cur = None
    return mods


def rtlil_stub(text):
    """A module's RTLIL reduced to a black box: its ports only."""
    lines = text.splitlines(keepends=True)
    head = [l for l in lines if not l.startswith(("attribute \\src", " "))]
    ports = [l for l in lines if l.startswith("  wire ") and (" input " in l or " output " in l or " inout " in l)]
    mod = [l for l in head if l.startswith("module ")]
    return "attribute \\blackbox 1\n" + mod[0] + "".join(ports) + "end\n"


def is_blackbox(text):
    return "attribute \\blackbox 1" in text.split("module ", 1)[0]


def closure(mods, top):
    """`top` and every module below it (black boxes included), from the RTLIL cells."""
    seen, todo = set(), [top]
    while todo:
        m = todo.pop()
        if m in seen or m not in mods:
            continue
        seen.add(m)
        todo += [l.split()[1] for l in mods[m].splitlines() if l.startswith("  cell ")]
    return seen


def rtlil_key_text(text):
    """A module's RTLIL as a cache key: src attributes dropped, and the global counters in the names
    Yosys generates ($eq$<file>:<line>$<n>) renumbered in order of appearance, so that the same
    module elaborated in another run (other variants, another order) gets the same key."""
    body = "".join(l for l in text.splitlines(keepends=True) if not l.lstrip().startswith("attribute \\src"))
    ids = {}
    return re.sub(r"(\.sv:\d+(?:\.\d+-\d+\.\d+)?)\$(\d+)", lambda m: f"{m.group(1)}${ids.setdefault(m.group(2), len(ids))}", body)


def run_yosys_cached(top, variants, lib, out_dirs, cache_dir, jobs=1, force=False):
    """make synth's flow for several parameter sets of `top` at once, through a per-module cache.

    1. One elaboration for all variants: a wrapper module instantiates `top` once per variant with
       its parameters, and `hierarchy` derives every module with the parameters its parent gives
       it; a module with the same parameters in two variants is derived once (write_rtlil).
    2. Each derived module is synthesised alone (MODULE_FLOW, the passes of the whole-design run,
       which keeps the hierarchy and so optimises every module on its own too), its children black
       boxes, `jobs` Yosys runs at a time. A module is looked up in cache_dir by the hash of its
       elaborated RTLIL (its RTL and parameter values, src attributes dropped), its children's
       ports, the flow and the liberty: a module shared by variants, or unchanged since an earlier
       run, is synthesised once.
    3. Per variant, its modules' netlists are linked (the top renamed to `top`) and `stat -liberty`
       / write_verilog give out_dirs[name]/stat.txt and netlist.v exactly as run_yosys does.
    Hierarchical like make synth: no optimisation across module boundaries.
    variants: {name: params}; out_dirs: {name: directory}. Returns one log line per variant."""
    os.makedirs(cache_dir, exist_ok=True)
    stamps = {}
    for n, params in variants.items():
        os.makedirs(out_dirs[n], exist_ok=True)
        stamps[n] = stamp_of(yosys_script(top, params, lib, out_dirs[n], True) + "cached")
    todo = {n: p for n, p in variants.items() if force or not (
        os.path.exists(os.path.join(out_dirs[n], "stamp")) and _read_text(os.path.join(out_dirs[n], "stamp")) == stamps[n]
        and os.path.exists(os.path.join(out_dirs[n], "stat.txt")))}
    msgs = {n: f"{n}: up to date ({out_dirs[n]})" for n in variants if n not in todo}
    if not todo:
        return [msgs[n] for n in variants]
    t0 = time.time()
    # 1. Elaboration of every variant in one Yosys run.
    elab_dir = os.path.join(cache_dir, "elab")
    os.makedirs(elab_dir, exist_ok=True)
    inst = {n: f"v_{i}" for i, n in enumerate(todo)}
    wrapper = "module ifc_synth_variants;\n" + "".join(
        f"  {top} #({', '.join(f'.{k}({v})' for k, v in p.items())}) {inst[n]} ();\n" for n, p in todo.items()) + "endmodule\n"
    with open(os.path.join(elab_dir, "variants.sv"), "w") as f:
        f.write(wrapper)
    elab = os.path.join(elab_dir, "elab.il")
    # -defer: read_verilog only parses; without it every module is elaborated once more with its
    # default parameters (about a third of the elaboration's CPU time), which hierarchy then
    # re-derives anyway. The SRAM is read first, without -defer, to become the black box.
    sram_rtl = os.path.join(ROOT, "rtl", "ifc_sram_1r1w.sv")
    with open(os.path.join(elab_dir, "elab.ys"), "w") as f:
        f.write(f"read_verilog -sv -DSYNTHESIS {sram_rtl}\nblackbox ifc_sram_1r1w\n"
                f"read_verilog -sv -defer -DSYNTHESIS -I{ROOT}/rtl/include "
                f"{' '.join(x for x in rtl_files() if x != sram_rtl)}\n"
                f"read_verilog -sv -defer {elab_dir}/variants.sv\n"
                f"hierarchy -check -top ifc_synth_variants\nwrite_rtlil {elab}\n")
    # The elaboration is reused while the wrapper, the script and the RTL are unchanged (a sweep that
    # was stopped during the per-module runs resumes without it).
    h = hashlib.sha256((wrapper + _read_text(os.path.join(elab_dir, "elab.ys")) + YOSYS_ERR).encode())
    for x in rtl_files() + [os.path.join(ROOT, "rtl", "include", "ifc_assert.svh")]:
        h.update(_read_bytes(x))
    elab_stamp = os.path.join(elab_dir, "elab.stamp")
    if force or not (os.path.exists(elab) and os.path.exists(elab_stamp) and _read_text(elab_stamp) == h.hexdigest()):
        if os.path.exists(elab_stamp):
            os.remove(elab_stamp)
        yosys_or_fail(os.path.join(elab_dir, "elab.ys"), os.path.join(elab_dir, "elab.log"), "the elaboration")
        with open(elab_stamp, "w") as f:
            f.write(h.hexdigest())
    t_elab = time.time() - t0
    mods = split_rtlil(_read_text(elab))
    wrap = mods.pop("\\ifc_synth_variants")
    tops = {}
    for l in wrap.splitlines():
        if l.startswith("  cell "):
            _, typ, name = l.split()[:3]
            tops[[n for n in todo if "\\" + inst[n] == name][0]] = typ
    # 2. Every derived module of every variant, once.
    lib_hash = hashlib.sha256(_read_bytes(lib)).hexdigest()
    flow = "\n".join(MODULE_FLOW)
    nl, work = {}, {}
    for name, text in mods.items():
        if is_blackbox(text):
            continue
        children = sorted({l.split()[1] for l in text.splitlines() if l.startswith("  cell ")} & set(mods))
        deps = "".join(mods[c] if is_blackbox(mods[c]) else rtlil_stub(mods[c]) for c in children)
        key = hashlib.sha256((flow + lib_hash + rtlil_key_text(text) + deps + YOSYS_ERR).encode()).hexdigest()[:24]
        d = os.path.join(cache_dir, key)
        nl[name] = os.path.join(d, "netlist.v")
        if force or not os.path.exists(nl[name]):
            work[name] = (d, deps + text)

    def synth_one(name):
        d, il = work[name]
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "in.il"), "w") as f:
            f.write(il)
        with open(os.path.join(d, "synth.ys"), "w") as f:
            f.write(f"read_rtlil {d}/in.il\nhierarchy -top {name}\n"
                    + "\n".join(x.format(top=name, lib=lib) for x in MODULE_FLOW)
                    + f"\nwrite_verilog -noattr {d}/netlist.v.tmp\n")
        t = time.time()
        yosys_or_fail(os.path.join(d, "synth.ys"), os.path.join(d, "yosys.log"), name.lstrip("\\"))
        os.replace(os.path.join(d, "netlist.v.tmp"), os.path.join(d, "netlist.v"))
        return time.time() - t

    own = {n: sorted(closure(mods, tops[n]) & set(nl)) for n in todo}

    def link(n):
        """3. The variant's netlist from its modules' netlists, the top renamed to `top`."""
        d = out_dirs[n]
        t = time.time()
        tname = tops[n] if tops[n].startswith("\\") else "\\" + tops[n]  # write_verilog makes it public
        with open(os.path.join(d, "link.ys"), "w") as f:
            f.write(f"read_liberty -lib {lib}\nread_verilog -sv -DSYNTHESIS {sram_rtl}\nblackbox ifc_sram_1r1w\n"
                    + "".join(f"read_verilog {nl[m]}\n" for m in own[n])
                    + f"hierarchy -check -top {tname}\nrename -top {top}\n"
                      f"tee -q -o {d}/stat.txt stat -liberty {lib}\nwrite_verilog -noattr {d}/netlist.v\n")
        yosys_or_fail(os.path.join(d, "link.ys"), os.path.join(d, "yosys.log"), f"{n} (link)")
        with open(os.path.join(d, "stamp"), "w") as f:
            f.write(stamps[n])
        mine = [m for m in own[n] if m in work]
        msgs[n] = (f"{n}: {len(own[n])} modules, {len(mine)} synthesised for it or shared "
                   f"({sum(secs[m] for m in mine):.0f} s), link {time.time() - t:.0f} s ({d})")
        log(msgs[n])

    t1 = time.time()
    secs = {}
    # Variant by variant (each variant's new modules, the largest first), and each variant linked
    # as soon as its modules are there: a sweep stopped early still has its first variants' area.
    order = []
    for n in todo:
        order += sorted((m for m in own[n] if m in work and m not in order), key=lambda m: -len(work[m][1]))
    linked = set()
    with cf.ThreadPoolExecutor(max_workers=max(1, jobs)) as ex:
        futs = {ex.submit(synth_one, m): m for m in order}
        for fu in cf.as_completed(futs):
            secs[futs[fu]] = fu.result()
            for n in todo:
                if n not in linked and all(m in secs or m not in work for m in own[n]):
                    linked.add(n)
                    link(n)
    for n in todo:
        if n not in linked:
            link(n)
    log(f"{top} x {len(todo)} variants: elaboration {t_elab:.0f} s, {len(nl)} derived modules, {len(work)} synthesised "
        f"({time.time() - t1:.0f} s, {jobs} at a time), {len(nl) - len(work)} from the cache")
    return [msgs[n] for n in variants]


def yosys_or_fail(script, logf, what):
    r = subprocess.run(["yosys", "-q", "-e", YOSYS_ERR, "-l", logf, script], capture_output=True, text=True)
    if r.returncode != 0:
        tail = "".join(_read_text(logf).splitlines(True)[-25:]) if os.path.exists(logf) else ""
        raise RuntimeError(f"Yosys FAILED on {what} (see {logf})\n{tail}{r.stderr[-2000:]}")


# --- behavioural osu018 cell models for the netlist simulation ---------------------------------
def lib_expr(e):
    """Liberty boolean function -> Verilog: ! -> ~, + -> |, juxtaposition / * -> &."""
    toks = re.findall(r"[A-Za-z_][A-Za-z0-9_]*|[!()+^*&|']", e)
    out, prev = [], None
    for t in toks:
        operand_start = re.match(r"[A-Za-z_(!]", t) is not None
        if prev is not None and (re.match(r"[A-Za-z_0-9)]", prev[-1]) or prev == "'") and operand_start:
            out.append("&")
        out.append({"!": "~", "+": "|", "*": "&"}.get(t, t))
        prev = t
    return " ".join(out)


def gen_cell_models(lib_path):
    """Verilator-friendly models of the osu018 cells, from the liberty's functions (the package's
    osu018_stdcells.v uses UDPs, which Verilator does not support)."""
    txt = _read_text(lib_path)
    out = ["// Behavioural models of the osu018 standard cells, generated by scripts/synth.py from",
           f"// {os.path.basename(lib_path)} (pin functions, ff and latch groups). For gate-level simulation only.",
           "/* verilator lint_off DECLFILENAME */", "/* verilator lint_off UNUSEDSIGNAL */", "`timescale 1ns/1ps", ""]
    for m in re.finditer(r"^cell\s*\((\w+)\)\s*\{(.*?)^\}", txt, flags=re.M | re.S):
        name, body = m.group(1), m.group(2)
        if name.startswith(("TBUF", "FILL")):
            continue  # tri-state and filler cells: not used by the flow
        pins = re.findall(r"pin\s*\((\w+)\)\s*\{\s*direction\s*:\s*(\w+)\s*;", body)
        ins = [p for p, d in pins if d == "input"]
        outs = [p for p, d in pins if d == "output"]
        funcs = {p: f for p, f in re.findall(r"pin\s*\((\w+)\)\s*\{[^{}]*?function\s*:\s*\"([^\"]*)\"", body)}
        ports = ", ".join([f"input wire {p}" for p in ins] + [f"output wire {p}" for p in outs])
        lines = [f"module {name} ({ports});"]
        ff = re.search(r"ff\s*\((\w+)\s*,\s*(\w+)\)\s*\{(.*?)\}", body, flags=re.S)
        lat = re.search(r"latch\s*\((\w+)\s*,\s*(\w+)\)\s*\{(.*?)\}", body, flags=re.S)
        if ff:
            iq, iqn, g = ff.groups()
            attrs = dict(re.findall(r"(\w+)\s*:\s*\"([^\"]*)\"", g))
            clk = attrs["clocked_on"].strip("() ")
            edge = f"negedge {clk[1:]}" if clk.startswith("!") else f"posedge {clk}"
            sens = [edge]
            body_v = []
            for kind, val in (("clear", "1'b0"), ("preset", "1'b1")):
                if kind in attrs:
                    c = attrs[kind].strip("() ")
                    sens.append(f"negedge {c[1:]}" if c.startswith("!") else f"posedge {c}")
                    body_v.append((lib_expr(attrs[kind]), val))
            lines.append(f"  reg {iq};")
            lines.append(f"  wire {iqn} = ~{iq};")
            stmt = "    "
            for cond, val in body_v:
                stmt += f"if ({cond}) {iq} <= {val}; else "
            stmt += f"{iq} <= {lib_expr(attrs['next_state'])};"
            lines.append(f"  always @({' or '.join(sens)})")
            lines.append(stmt)
        elif lat:
            iq, iqn, g = lat.groups()
            attrs = dict(re.findall(r"(\w+)\s*:\s*\"([^\"]*)\"", g))
            lines.append(f"  reg {iq};")
            lines.append(f"  wire {iqn} = ~{iq};")
            lines.append("  /* verilator lint_off LATCH */")
            lines.append(f"  always @* if ({lib_expr(attrs['enable'])}) {iq} = {lib_expr(attrs['data_in'])};")
            lines.append("  /* verilator lint_on LATCH */")
        for o in outs:
            lines.append(f"  assign {o} = {lib_expr(funcs[o])};")
        lines.append("endmodule")
        out += lines + [""]
    return "\n".join(out)


FLATTEN_PASSES = "hierarchy -check -top {top}\nproc\nflatten\nopt_expr\nopt_dff\nopt_clean -purge"


def flatten_netlist(netlist, cells_v, out_dir, top="ifc_core"):
    """The netlist for the gate-level simulation: the osu018 netlist with every cell instance
    replaced by its liberty function (the generated models) and the hierarchy flattened, so that
    Verilator sees one module of assigns and flops instead of 228 k instances of 30 cell modules
    (Verilator 5.006 had not finished the hierarchical netlist after 22 CPU minutes at -O0).
    opt_expr folds the tie-offs (DFFSR with S tied high -> an async-reset flop: opt_dff), opt_clean
    drops the internal pin wires; both are equivalence-preserving. The SRAM stays an instance of
    the black box, with its parameters, for rtl/ifc_sram_1r1w.sv. Returns the flat netlist's path."""
    flat = os.path.join(out_dir, f"{top}_flat.v")
    passes = FLATTEN_PASSES.format(top=top)
    # The SRAM black box is the RTL module itself, as in the synthesis (its ports follow Depth and
    # Width exactly as the simulated rtl/ifc_sram_1r1w.sv does).
    sram_rtl = SRAM_RTL
    script = os.path.join(out_dir, "flatten.ys")
    with open(script, "w") as f:
        f.write(f"read_verilog {cells_v}\nread_verilog -sv -DSYNTHESIS {sram_rtl}\nblackbox ifc_sram_1r1w\n"
                f"read_verilog {netlist}\n{passes}\n"
                f"tee -q -o {out_dir}/flat_stat.txt stat\nwrite_verilog -noattr {flat}\n")
    h = hashlib.sha256((passes + YOSYS_ERR).encode())
    for f in (netlist, cells_v, sram_rtl):
        h.update(_read_bytes(f))
    stamp = os.path.join(out_dir, "flat.stamp")
    if os.path.exists(flat) and os.path.exists(stamp) and _read_text(stamp) == h.hexdigest():
        log(f"flat netlist for the gate-level simulation: {flat} (up to date)")
        return flat
    t0 = time.time()
    r = subprocess.run(["yosys", "-q", "-e", YOSYS_ERR, "-l", os.path.join(out_dir, "flatten.log"), script],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"Yosys flatten FAILED (see {out_dir}/flatten.log)\n{r.stderr[-2000:]}")
    with open(stamp, "w") as f:
        f.write(h.hexdigest())
    log(f"flat netlist for the gate-level simulation: {flat} ({time.time() - t0:.0f} s)")
    return flat


# --- timing (OpenSTA) -----------------------------------------------------------------------------
def sram_instances(text):
    """The ifc_sram_1r1w instances of a write_verilog netlist: [(match span, name, Width, Depth)]."""
    out = []
    for m in re.finditer(r"\bifc_sram_1r1w\s*#\((.*?)\)\s*(\S+)\s*\(", text, flags=re.S):
        out.append((m.span(), m.group(2), *area.sram_params(m.group(1))))
    return out


def sram_stub_script(shapes):
    """Yosys commands declaring one parameter-less black box per SRAM shape (Width, Depth), named
    ifc_sram_1r1w_w<Width>_d<Depth>: the RTL module itself (rtl/ifc_sram_1r1w.sv) elaborated with
    those parameters, so every port has the width the RTL derives (AddrW = $clog2(Depth)). A stub
    with its own widths once cut the page buffer's 13-bit address to 10 (docs/area.md)."""
    lines = []
    for w, d in sorted(shapes):
        name = f"ifc_sram_1r1w_w{w}_d{d}"
        lines += [f"read_verilog -sv -DSYNTHESIS {SRAM_RTL}", f"chparam -set Width {w} -set Depth {d} ifc_sram_1r1w",
                  f"rename ifc_sram_1r1w {name}", f"blackbox {name}"]
    return lines


def sta_netlist(netlist, lib, d, top):
    """The netlist as OpenSTA 2019 reads it: no parameterised instances (each SRAM instance becomes
    an instance of its shape's black box, sram_stub_script), no concatenation on an assign's left
    side (write_verilog -simple-lhs). Writes <d>/<top>_sta.v and <d>/sram_stubs.v (the black boxes,
    port declarations only); Yosys fails on a port connected with another width. Returns both paths."""
    text = _read_text(netlist)
    insts = sram_instances(text)
    for (a, b), name, w, dp in reversed(insts):
        text = text[:a] + f"ifc_sram_1r1w_w{w}_d{dp} {name} (" + text[b:]
    with open(os.path.join(d, "in.v"), "w") as f:
        f.write(text)
    sta_v = os.path.join(d, f"{top}_sta.v")
    stubs = os.path.join(d, "sram_stubs.v")
    script = os.path.join(d, "sta_netlist.ys")
    with open(script, "w") as f:
        f.write("\n".join([f"read_liberty -lib {lib}"] + sram_stub_script({(w, dp) for _, _, w, dp in insts}) +
                          [f"read_verilog {d}/in.v", f"hierarchy -check -top {top}",
                           f"write_verilog -noattr -simple-lhs {sta_v}",
                           "select =ifc_sram_1r1w_w*", f"write_verilog -noattr -blackboxes -selected {stubs}"]) + "\n")
    yosys_or_fail(script, os.path.join(d, "sta_netlist.log"), f"the OpenSTA netlist of {top}")
    return sta_v, stubs


STAGE_CAP_NS = 1.0  # a stage slower than this is a high-fanout net that a buffer tree would fix


def run_sta(netlist, lib, clock_mhz, out_dir, paths=5000, top="ifc_core"):
    """Critical path of the core netlist with OpenSTA (Debian opensta, 2019) at the osu018 typical
    corner. Yosys/ABC map without timing and insert no fanout buffers, so a few nets drive hundreds
    of pins; the raw arrival is reported, and an estimate with those stages buffered (each stage
    capped at STAGE_CAP_NS, about a 3-level BUFX4 tree). Returns a dict or None."""
    sta = shutil.which("sta")
    if not sta:
        log("timing: OpenSTA ('sta', Debian opensta) not installed: skipped (make deps installs it)")
        return None
    d = os.path.join(out_dir, "sta")
    os.makedirs(d, exist_ok=True)
    sta_v, stubs = sta_netlist(netlist, lib, d, top)
    period = 1000.0 / clock_mhz * 180.0 / 28.0  # the clock scaled back to 180 nm (for the slack column)
    tcl = os.path.join(d, "sta.tcl")
    rpt = os.path.join(d, "sta.rpt")
    with open(tcl, "w") as f:
        f.write(f"""read_liberty {lib}
read_verilog {stubs}
read_verilog {sta_v}
link_design {top}
create_clock -name clk -period {period:.3f} [get_ports clk_i]
report_checks -path_delay max -digits 3 -group_count {paths} -endpoint_count 1
exit
""")
    r = subprocess.run([sta, tcl], capture_output=True, text=True, timeout=3600, stdin=subprocess.DEVNULL)
    with open(rpt, "w") as f:
        f.write(r.stdout + r.stderr)
    best = None
    for blk in re.split(r"^Startpoint: ", r.stdout, flags=re.M)[1:]:
        sp = blk.split("\n", 1)[0].strip()
        ep = re.search(r"^Endpoint: (.*)$", blk, flags=re.M).group(1).strip()
        arr = blk.split("data arrival time")[0]
        stages = [float(x) for x in re.findall(r"^\s+([0-9.]+)\s+[0-9.]+\s+[v^]\s", arr, flags=re.M)]
        setup = re.search(r"^\s+-?([0-9.]+)\s+[0-9.]+\s+library setup time", blk, flags=re.M)
        raw = sum(stages) + (float(setup.group(1)) if setup else 0.0)
        buf = sum(min(x, STAGE_CAP_NS) for x in stages) + (float(setup.group(1)) if setup else 0.0)
        item = {"start": sp, "end": ep, "raw_ns": raw, "buffered_ns": buf, "stages": len(stages)}
        if best is None or buf > best["buffered_ns"]:
            best = item
        if "raw_worst" not in locals() or raw > raw_worst["raw_ns"]:
            raw_worst = item
    if best is None:
        log(f"timing: no path in the OpenSTA report ({rpt})")
        return None
    return {"paths": paths, "worst_raw": raw_worst, "worst_buffered": best, "stage_cap_ns": STAGE_CAP_NS,
            "report": rpt}


# Blocks whose timing can be checked on their own (--sta-block): the parameters ifc_core gives them.
STA_BLOCKS = {
    "ifc_pe_lane": lambda cfg: {"BondBytes": cfg["bond_bytes"], "Macs": cfg["pe_macs"], "TagW": 32,
                                "MaxK": cfg["act_max_k"], "SegPayloadBytes": cfg["seg_payload_bytes"]},
}


def sta_block(block, cfg_path, lib, out, force):
    """Synthesises `block` alone and reports its worst register-to-register path (run_sta), scaled to
    28 nm, against the configured clock. Returns 0 when the scaled path fits the clock period."""
    cfg = json.loads(_read_text(cfg_path))
    d = os.path.join(out, "block_sta", block)
    log(run_yosys(block, STA_BLOCKS[block](cfg), lib, d, True, force))
    st = area.parse_stat(_read_text(os.path.join(d, "stat.txt")))
    tp = [m for m in st if m.lstrip("\\") == block][0]
    um2 = area.hier_total_um2(st, tp)
    clk = cfg.get("logic_clock_mhz", 200)
    t = run_sta(os.path.join(d, "netlist.v"), lib, clk, d, top=block)
    if not t:
        return 1
    scale = 28.0 / 180.0
    wb, wr = t["worst_buffered"], t["worst_raw"]
    f28 = 1000.0 / (wb["buffered_ns"] * scale)
    res = {"block": block, "config": config_name(cfg_path, cfg), "um2": um2, "ge": um2 / nand2_area(lib),
           "worst_buffered": wb, "worst_raw": wr, "buffered_ns_28nm": wb["buffered_ns"] * scale,
           "fmax_mhz_28nm": f28, "clock_mhz": clk, "meets_clock": f28 >= clk, "report": t["report"]}
    with open(os.path.join(d, "timing.json"), "w") as f:
        json.dump(res, f, indent=1)
    print(f"{block} ({res['config']}): {um2:,.0f} um^2 = {res['ge']:,.0f} GE (hierarchical, osu018)")
    print(f"  worst path, fanout-buffered estimate: {wb['buffered_ns']:.1f} ns at 180 nm, {wb['stages']} stages, "
          f"{wb['start']} -> {wb['end']}")
    print(f"  raw (unbuffered): {wr['raw_ns']:.1f} ns")
    print(f"  x 28/180 = {wb['buffered_ns'] * scale:.2f} ns at 28 nm -> {f28:.0f} MHz against {clk} MHz: "
          f"{'MET' if res['meets_clock'] else 'NOT MET'}")
    print(f"  saved {d}/timing.json, report {t['report']}")
    return 0 if res["meets_clock"] else 1


def netlist_block(block, params, lib, out_dir, force):
    """The gate-level model of one block, through exactly the whole-core flow (run_yosys with the
    block as top, the generated cell models, flatten_netlist): <out_dir>/<block>_flat.v, for a unit
    test against the block's netlist (sim/netlist/CMakeLists.txt: ifc_netlist_block). Minutes
    instead of the whole core's half hour."""
    log(run_yosys(block, params, lib, os.path.join(out_dir, "synth"), True, force))
    cells = os.path.join(out_dir, "osu018_cells.v")
    text = gen_cell_models(lib)
    if not os.path.exists(cells) or _read_text(cells) != text:
        with open(cells, "w") as f:
            f.write(text)
    return flatten_netlist(os.path.join(out_dir, "synth", "netlist.v"), cells, out_dir, top=block)


# --- main ------------------------------------------------------------------------------------------
def config_name(path, cfg):
    return cfg.get("name") or os.path.splitext(os.path.basename(path))[0]


def synth_config(path, lib, out_root, force=False, netlist=True):
    cfg = json.loads(_read_text(path))
    name = config_name(path, cfg)
    d = os.path.join(out_root, name)
    jobs = [("ifc_core", core_params(cfg), os.path.join(d, "ifc_core"), netlist)]
    # RTL blocks outside the core hierarchy, each with the configuration's values.
    jobs.append(("ifc_read_path", read_path_params(cfg), os.path.join(d, "ifc_read_path"), False))
    return name, cfg, d, jobs


def analyse(name, cfg, d, lib):
    core_dir = os.path.join(d, "ifc_core")
    stat = _read_text(os.path.join(core_dir, "stat.txt"))
    mods = area.parse_stat(stat)
    net = os.path.join(core_dir, "netlist.v")
    srams = area.parse_srams(_read_text(net)) if os.path.exists(net) else {}
    top = [m for m in mods if m.lstrip("\\") == "ifc_core"][0]
    rows, tot = area.block_table(mods, srams, top, nand2_area(lib))
    hier = area.hier_total_um2(mods, top)
    if abs(hier - tot["um2"]) > 1e-3 * max(hier, 1):
        raise RuntimeError(f"{name}: sum of blocks {tot['um2']} != hierarchical total {hier}")
    # Per-block reports
    for f in glob.glob(os.path.join(d, "*.stat.txt")):
        os.remove(f)
    parts = re.split(r"^(=== .* ===)$", stat, flags=re.M)
    counts = {}
    for i in range(1, len(parts), 2):
        mod = parts[i][4:-4].strip()
        b = "hierarchy" if mod == "design hierarchy" else area.base_name(mod)
        counts[b] = counts.get(b, 0) + 1
        fname = b if counts[b] == 1 else f"{b}.{counts[b]}"
        with open(os.path.join(d, f"{fname}.stat.txt"), "w") as f:
            f.write(f"{area.LABEL}\nconfiguration {name}, inside ifc_core\n{parts[i]}{parts[i + 1]}")
    # Blocks outside the core
    extra = []
    for top_name in ("ifc_read_path",):
        sdir = os.path.join(d, top_name)
        st = os.path.join(sdir, "stat.txt")
        if not os.path.exists(st):
            continue
        t = _read_text(st)
        ms = area.parse_stat(t)
        tp = [m for m in ms if m.lstrip("\\") == top_name][0]
        um2 = area.hier_total_um2(ms, tp)
        extra.append({"block": top_name, "um2": um2, "ge": um2 / nand2_area(lib),
                      "note": "not in ifc_core (the read-path demo top); not counted"})
        shutil.copy(st, os.path.join(d, f"{top_name}.standalone.stat.txt"))
    return {"config": name, "rows": rows, "total": tot, "hier_um2": hier, "outside_core": extra,
            "clock_mhz": cfg.get("logic_clock_mhz", 200)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build", help="build directory (reports go to <build>/synth)")
    ap.add_argument("--config", action="append", help="core configuration JSON (default: configs/core/*.json)")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="parallel Yosys runs")
    ap.add_argument("--force", action="store_true", help="re-run Yosys even when nothing changed")
    ap.add_argument("--update-baseline", action="store_true", help="record the current GE as synth/area_baseline.json")
    ap.add_argument("--no-check", action="store_true", help="skip the area regression check")
    ap.add_argument("--sta", action="store_true", help="critical path with OpenSTA (default configuration)")
    ap.add_argument("--sta-block", choices=sorted(STA_BLOCKS),
                    help="synthesise only this block (the default configuration's parameters) and report its "
                         "critical path with OpenSTA; minutes instead of the whole core's ~20")
    ap.add_argument("--netlist-only", action="store_true", help="only the default configuration's netlist and cell models")
    ap.add_argument("--netlist-block", metavar="MODULE",
                    help="only the flat gate-level netlist of this block (with --param values), into --out "
                         "(default <build>/synth/netlist_blocks/MODULE)")
    ap.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                    help="a parameter of --netlist-block, a Verilog literal (repeatable; -GNAME=VALUE also accepted)")
    ap.add_argument("--out", help="report directory (default <build>/synth)")
    ap.add_argument("--reuse", action="store_true",
                    help="reuse existing Yosys results even if the RTL changed since (report only; quick)")
    a = ap.parse_args()
    global REUSE
    REUSE = a.reuse

    if a.netlist_block:
        out = os.path.abspath(a.out or os.path.join(a.build, "synth", "netlist_blocks", a.netlist_block))
    else:
        out = os.path.abspath(a.out or os.path.join(a.build, "synth"))
    os.makedirs(out, exist_ok=True)
    libdir = fetch_liberty(os.path.join(os.path.abspath(a.build), "synth"))
    lib = os.path.join(libdir, "osu018_stdcells.lib")
    if a.netlist_block:
        params = {}
        for kv in a.param:
            k, _, v = kv[2:].partition("=") if kv.startswith("-G") else kv.partition("=")
            params[k] = v
        log(f"gate-level netlist of {a.netlist_block}: {netlist_block(a.netlist_block, params, lib, out, a.force)}")
        return
    if a.sta_block:
        sys.exit(sta_block(a.sta_block, a.config[0] if a.config else os.path.join(ROOT, "configs", "core", "default.json"),
                           lib, out, a.force))
    configs = a.config or sorted(glob.glob(os.path.join(ROOT, "configs", "core", "*.json")))
    if a.netlist_only:
        configs = [os.path.abspath(a.config[0]) if a.config else os.path.join(ROOT, "configs", "core", "default.json")]

    # Every RTL block is either inside ifc_core or synthesised on its own.
    all_mods = set(modules_of(rtl_files())) - {"ifc_sram_1r1w"}

    plans = [synth_config(p, lib, out) for p in configs]
    jobs = [j for _, _, _, js in plans for j in js]
    if a.netlist_only:
        jobs = [j for j in jobs if j[0] == "ifc_core"]
    log(f"{len(jobs)} Yosys runs ({', '.join(os.path.relpath(j[2], out) for j in jobs)}), {a.jobs} at a time")
    failed = []
    with cf.ThreadPoolExecutor(max_workers=a.jobs) as ex:
        futs = {ex.submit(run_yosys, top, params, lib, d, net, a.force): d for top, params, d, net in jobs}
        for fu in cf.as_completed(futs):
            try:
                log(fu.result())
            except Exception as e:  # noqa: BLE001
                failed.append(str(e))
                log(str(e))
    if failed:
        sys.exit(1)

    # The default configuration's netlist and the cell models, for sim/netlist.
    nl_dir = os.path.join(out, "netlist")
    os.makedirs(nl_dir, exist_ok=True)
    default = [p for p in plans if p[0] == "default"] or plans[:1]
    src = os.path.join(default[0][2], "ifc_core", "netlist.v")
    shutil.copy(src, os.path.join(nl_dir, "ifc_core_netlist.v"))
    with open(os.path.join(nl_dir, "osu018_cells.v"), "w") as f:
        f.write(gen_cell_models(lib))
    flatten_netlist(os.path.join(nl_dir, "ifc_core_netlist.v"), os.path.join(nl_dir, "osu018_cells.v"), nl_dir)
    log(f"netlist of ifc_core ({default[0][0]}): {nl_dir}/ifc_core_netlist.v + osu018_cells.v")
    if a.netlist_only:
        return

    results = [analyse(name, cfg, d, lib) for name, cfg, d, _ in plans]
    # Completeness: every RTL module appears somewhere.
    seen = {r["block"] for res in results for r in res["rows"]} | {e["block"] for res in results for e in res["outside_core"]}
    missing = sorted(all_mods - seen)

    timing = None
    if a.sta:
        timing = run_sta(os.path.join(nl_dir, "ifc_core_netlist.v"), lib, default[0][1].get("logic_clock_mhz", 200), out)

    md = [f"# Area report ({area.LABEL})", ""]
    js = {"label": area.LABEL, "constants": {k: getattr(area, k) for k in dir(area) if k.isupper() and
                                             isinstance(getattr(area, k), (int, float, str))},
          "configs": {}}
    for res in results:
        md.append(area.fmt_table(res["config"], res["rows"], res["total"], res["hier_um2"]))
        for e in res["outside_core"]:
            md.append(f"- {e['block']}: {e['um2']:,.0f} um^2 = {e['ge']:,.0f} GE ({e['note']}).")
        md.append("")
        js["configs"][res["config"]] = {k: v for k, v in res.items() if k != "config"}
    if missing:
        md.append(f"Blocks not synthesised: {', '.join(missing)}")
    if timing:
        t = timing["worst_buffered"]["buffered_ns"]
        traw = timing["worst_raw"]["raw_ns"]
        scale = 28.0 / 180.0
        f28 = 1000.0 / (t * scale)
        clk = default[0][1].get("logic_clock_mhz", 200)
        timing.update({"scale_28_over_180": scale, "buffered_ns_28nm": t * scale, "fmax_mhz_28nm": f28,
                       "fmax_mhz_180nm": 1000.0 / t, "clock_mhz": clk})
        wb = timing["worst_buffered"]
        md.append(f"## Timing (OpenSTA, osu018 typical corner, ideal clock, no wire load; default configuration)\n\n"
                  f"- Raw worst path at 180 nm: {traw:.2f} ns ({timing['worst_raw']['start']} -> "
                  f"{timing['worst_raw']['end']}); dominated by unbuffered high-fanout nets (Yosys/ABC map without "
                  f"timing and insert no buffers).\n"
                  f"- With each stage capped at {STAGE_CAP_NS} ns (a buffer tree on the high-fanout nets), the worst "
                  f"of the {timing['paths']} worst endpoints: {t:.2f} ns, {wb['stages']} stages ({wb['start']} -> "
                  f"{wb['end']}): {1000 / t:.0f} MHz at 180 nm.\n"
                  f"- Scaled by feature size (28/180 = {scale:.3f}, a first-order estimate): {t * scale:.2f} ns, "
                  f"fmax ~ {f28:.0f} MHz against the configured {clk} MHz "
                  f"({'plausible' if f28 >= clk else 'NOT shown'}). Report: {os.path.relpath(timing['report'], out)}.")
        js["timing"] = timing

    # Regression check
    current = {res["config"]: {**{r["block"]: round(r["ge"]) for r in res["rows"]}, "total": round(res["total"]["ge"])}
               for res in results}
    baseline = area.load_json(BASELINE, {})
    rc = 0
    if a.update_baseline:
        new = dict(baseline.get("configs", {}))
        new.update(current)
        with open(BASELINE, "w") as f:
            json.dump({"_doc": "GE per block (own cells x instances) per configuration; scripts/synth.py fails when a "
                               "block grows by more than 5%. Update with scripts/synth.py --update-baseline "
                               "(make synth UPDATE_BASELINE=1).", "configs": new}, f, indent=1, sort_keys=True)
            f.write("\n")
        md.append(f"Area baseline updated: {os.path.relpath(BASELINE, ROOT)}")
    elif not a.no_check:
        failures, notes = area.check_regression(current, baseline.get("configs", {}))
        md.append("## Area regression (synth/area_baseline.json, +5% per block)\n")
        for n in notes:
            md.append(f"- note: {n}")
        for fl in failures:
            md.append(f"- FAIL: {fl}")
        if not failures:
            md.append("- PASS: no block grew by more than 5%.")
        else:
            md.append("- To accept the growth: `make synth UPDATE_BASELINE=1` and commit synth/area_baseline.json.")
            rc = 1
        js["regression"] = {"failures": failures, "notes": notes}
    write_reports(out, "area", "\n".join(md) + "\n", js)
    log(f"reports: {out}/area.md, {out}/area.json, {out}/<config>/<block>.stat.txt")
    sys.exit(rc)


if __name__ == "__main__":
    main()
