#!/usr/bin/env python3
"""Finds, in an ifc_core FST, a window where a dirty segment sits in the corrector while later
(clean) segments overtake it: they reach the PE lanes and the scoreboard before it comes back.

Reads the FST through fst2vcd (GTKWave's tool, Debian gtkwave), follows corrector port 0 and every
PE lane's segment handshake, and prints the overtaking (the segment, the cycles it spent in the
corrector, the later segments the lanes started meanwhile). With --tcl it writes a GTKWave Tcl
script that zooms to the window and puts markers A (the dirty segment enters the corrector) and
B (it leaves, corrected) and C (the scoreboard commits past it); scripts/wave_png.sh runs GTKWave with it.

  scripts/wave_window.py build/waves/gemv.fst [--tcl out.tcl] [--min-overtakers 4]
"""
import argparse
import re
import shutil
import subprocess
import sys

SCOPE = "top.ifc_core"
# (scope path, signal) pairs the analysis needs; lanes are found by their generate index
WANT = {
    "clk": (SCOPE, "clk_i"),
    "cin_valid": (SCOPE + ".g_corr[0].u_corr", "in_valid_i"),
    "cin_ready": (SCOPE + ".g_corr[0].u_corr", "in_ready_o"),
    "cin_tag": (SCOPE + ".g_corr[0].u_corr", "in_tag_i"),
    "cout_valid": (SCOPE + ".g_corr[0].u_corr", "out_valid_o"),
    "cout_ready": (SCOPE + ".g_corr[0].u_corr", "out_ready_i"),
    "cout_tag": (SCOPE + ".g_corr[0].u_corr", "out_tag_o"),
    "commit": (SCOPE, "sb_commit"),
}
LANE_RE = re.compile(re.escape(SCOPE) + r"\.g_pe\[(\d+)\]\.u_pe$")


def vcd_lines(fst):
    if not shutil.which("fst2vcd"):
        sys.exit("wave_window: fst2vcd not found: install the Debian package gtkwave (make deps)")
    p = subprocess.Popen(["fst2vcd", "-f", fst], stdout=subprocess.PIPE, text=True, bufsize=1 << 20)
    yield from p.stdout
    if p.wait() != 0:
        sys.exit(f"wave_window: fst2vcd failed on {fst}")


def parse(fst):
    """Returns (timescale string, {name: [(time, int value)]}) for the wanted signals."""
    scope, ids, lanes = [], {}, {}
    it = vcd_lines(fst)
    timescale = "1ps"
    for line in it:
        tok = line.split()
        if not tok:
            continue
        if tok[0] == "$timescale":
            ts = tok[1:-1] if tok[-1] == "$end" else tok[1:]
            if not ts:
                ts = next(it).split()
            timescale = "".join(t for t in ts if t != "$end")
        elif tok[0] == "$scope":
            scope.append(tok[2])
        elif tok[0] == "$upscope":
            scope.pop()
        elif tok[0] == "$var":
            code, name = tok[3], tok[4]
            path = ".".join(scope)
            for key, (sp, sig) in WANT.items():
                if path == sp and name == sig:
                    ids.setdefault(code, []).append(key)
            m = LANE_RE.match(path)
            if m and name in ("seg_valid_i", "seg_ready_o", "seg_tag_i"):
                ids.setdefault(code, []).append(f"lane{m.group(1)}.{name}")
                lanes[int(m.group(1))] = True
        elif tok[0] == "$enddefinitions":
            break
    missing = [k for k in WANT if k not in {x for v in ids.values() for x in v}]
    if missing or not lanes:
        sys.exit(f"wave_window: {fst} is not an ifc_core trace with corrector port 0 and PE lanes "
                 f"(missing {', '.join(missing) or 'lanes'}); trace an `ifc gemv` run")
    val = {k: [] for v in ids.values() for k in v}
    t = 0
    for line in it:
        c = line[0] if line else ""
        if c == "#":
            t = int(line[1:])
        elif c in "01xzXZ":
            code = line[1:].strip()
            if code in ids:
                v = 1 if c == "1" else 0
                for k in ids[code]:
                    val[k].append((t, v))
        elif c in "bB":
            bits, code = line[1:].split()
            if code in ids:
                v = int(bits.replace("x", "0").replace("z", "0").replace("X", "0").replace("Z", "0"), 2)
                for k in ids[code]:
                    val[k].append((t, v))
    return timescale, val, sorted(lanes)


def sample(changes, times):
    """Value of a signal at each of the (sorted) times, from its change list."""
    out, i, cur = [], 0, 0
    for t in times:
        while i < len(changes) and changes[i][0] <= t:
            cur = changes[i][1]
            i += 1
        out.append(cur)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("fst")
    ap.add_argument("--tcl", help="write a GTKWave Tcl script that zooms to the window")
    ap.add_argument("--min-overtakers", type=int, default=6, help="later clean segments the lanes must start meanwhile")
    ap.add_argument("--pad", type=float, default=0.15, help="window margin, as a fraction of the window")
    a = ap.parse_args()
    timescale, val, lanes = parse(a.fst)
    # Sample every signal just before each rising clock edge (the values the flops see).
    edges = [t for t, v in val["clk"] if v == 1]
    if len(edges) < 2:
        sys.exit(f"wave_window: {a.fst} has no clock edges")
    pre = [t - 1 for t in edges]
    s = {k: sample(v, pre) for k, v in val.items() if k != "clk"}
    g_of = lambda tag: tag & 0xFFFFFFFF  # corrector tags are {source, g}; g is the low 32 bits
    enter, leave, starts = {}, {}, []
    for i, t in enumerate(edges):
        if s["cin_valid"][i] and s["cin_ready"][i]:
            enter.setdefault(g_of(s["cin_tag"][i]), t)
        if s["cout_valid"][i] and s["cout_ready"][i]:
            leave.setdefault(g_of(s["cout_tag"][i]), t)
        for l in lanes:
            if s[f"lane{l}.seg_valid_i"][i] and s[f"lane{l}.seg_ready_o"][i]:
                starts.append((t, l, s[f"lane{l}.seg_tag_i"][i]))
    best = None
    for g, t_in in sorted(enter.items(), key=lambda x: x[1]):
        t_out = leave.get(g)
        if t_out is None:
            continue
        # overtakers: later segments that never went through the corrector (clean ones)
        over = [(t, l, x) for t, l, x in starts if t_in < t < t_out and x > g and x not in enter]
        if len(over) >= a.min_overtakers:
            best = (g, t_in, t_out, over)
            break
    if best is None:
        sys.exit(f"wave_window: no corrected segment overtaken by >= {a.min_overtakers} later clean segments in {a.fst} "
                 f"({len(enter)} segments went through corrector port 0); try another seed or RBER")
    g, t_in, t_out, over = best
    period = edges[1] - edges[0]
    # the scoreboard's commit pointer passes g once the corrected segment's psum is back
    t_commit = next((t for i, t in enumerate(edges) if t > t_out and s["commit"][i] > g), t_out)
    cyc = (t_out - t_in) // period
    print(f"wave_window: segment g={g} enters corrector port 0 at t={t_in} and leaves corrected at t={t_out} "
          f"({cyc} cycles, timescale {timescale}); the commit passes it at t={t_commit}; meanwhile the lanes start {len(over)} later clean segments: "
          + ", ".join(f"g={x}@lane{l}" for _, l, x in over[:12]) + (" ..." if len(over) > 12 else ""))
    if a.tcl:
        span = t_commit - t_in
        lo = max(0, int(t_in - a.pad * span))
        hi = int(t_commit + a.pad * span)
        with open(a.tcl, "w") as f:
            f.write(f"# generated by scripts/wave_window.py from {a.fst}: segment g={g} in the corrector, "
                    f"{len(over)} later segments overtake it\n")
            f.write(f"gtkwave::setZoomRangeTimes {lo} {hi}\n")
            f.write(f"gtkwave::setNamedMarker A {t_in} {{g={g} enters corrector}}\n")
            f.write(f"gtkwave::setNamedMarker B {t_out} {{g={g} leaves corrected}}\n")
            f.write(f"gtkwave::setNamedMarker C {t_commit} {{commit passes g={g}}}\n")
            f.write("gtkwave::setMarker -1\n")
        print(f"wave_window: wrote {a.tcl} (window {lo}..{hi})")


if __name__ == "__main__":
    main()
