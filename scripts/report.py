#!/usr/bin/env python3
"""`make report`: one self-contained HTML page with the latest results under the build directory.

Reads whatever exists of
  <build>/bench/*.json         make bench (GEMV utilization vs RBER, read path, ECC)
  <build>/run/*.json           make run (the demonstration GEMV, out-of-order and in-order)
  <build>/synth/area.json      make synth (area per block); else synth/area_baseline.json, labelled
  <build>/reproduce/           make reproduce (the paper-reproduction tables and figures)
  <build>/reliability/         the reliability campaign (tables, JSON, figures)
and writes <out> (default <build>/report/index.html): every plot is a PNG drawn with matplotlib
and embedded as base64, so the page is one file that opens anywhere. A section whose inputs are
missing says so and names the make target that produces them; it never shows invented numbers.

  python3 scripts/report.py --build build [--out build/report/index.html]
"""
import argparse
import base64
import csv
import datetime
import html
import io
import json
import os
import pathlib
import re
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:  # the message names the Debian package
    sys.exit("report: matplotlib is missing: install the Debian package python3-matplotlib "
             "(make deps), and run this script with /usr/bin/python3")

import synth_area as area  # noqa: E402  (scripts/synth_area.py: the area constants, one place)

CSS = """
body { font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; max-width: 1100px; margin: 2em auto;
       padding: 0 1em; color: #1d2330; line-height: 1.45; }
h1 { border-bottom: 3px solid #2b5a9b; padding-bottom: .2em; }
h2 { margin-top: 2em; border-bottom: 1px solid #c8cfdb; padding-bottom: .15em; color: #2b5a9b; }
table { border-collapse: collapse; margin: .6em 0 1.2em; font-size: 14px; }
th, td { border: 1px solid #c8cfdb; padding: 3px 8px; text-align: right; }
th { background: #eef2f8; }
td:first-child, th:first-child, td.t { text-align: left; }
.missing { background: #fff6e0; border-left: 4px solid #e0a800; padding: .5em 1em; }
.label { color: #5a6475; font-size: 13px; }
.ok { color: #16794a; font-weight: 600; } .bad { color: #b3261e; font-weight: 600; }
img { max-width: 100%; border: 1px solid #e3e7ee; margin: .4em 0; }
code { background: #f2f4f8; padding: 0 3px; }
pre { background: #f7f8fa; border: 1px solid #e3e7ee; padding: .6em; font-size: 12px; overflow-x: auto; }
nav a { margin-right: 1em; }
"""


def esc(x):
    return html.escape(str(x))


def png(fig):
    """The figure as an embedded <img> (base64 PNG)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return f'<img alt="plot" src="data:image/png;base64,{base64.b64encode(buf.getvalue()).decode()}">'


def png_file(path):
    return (f'<figure><img alt="{esc(path.name)}" src="data:image/png;base64,'
            f'{base64.b64encode(path.read_bytes()).decode()}"><figcaption class="label">{esc(path)}</figcaption></figure>')


NUMERIC = re.compile(r"^[-+]?[0-9][0-9,]*(\.[0-9]+)?([eE][-+]?[0-9]+)?%?$")


def cell(c):
    """<td>: numbers right-aligned (the CSS default), text left-aligned."""
    if isinstance(c, Raw):
        return f"<td>{c}</td>"
    text = str(c)
    return f"<td>{esc(text)}</td>" if NUMERIC.match(text) or text == "-" else f'<td class="t">{esc(text)}</td>'


def table(header, rows):
    out = ["<table><tr>" + "".join(f"<th>{esc(h)}</th>" for h in header) + "</tr>"]
    for r in rows:
        out.append("<tr>" + "".join(cell(c) for c in r) + "</tr>")
    return "\n".join(out) + "</table>"


class Raw(str):
    """A table cell that is already HTML."""


def missing(what, how):
    return f'<p class="missing">{esc(what)}: not run yet: <code>{esc(how)}</code></p>'


def load(path):
    try:
        return json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as e:
        return {"_error": f"{path}: {e}"}


def pct(x):
    return f"{100 * x:.2f}%"


def rber_label(r):
    return "0" if r == 0 else f"{r:g}"


# ---------------------------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------------------------
def section_gemv(build):
    files = [build / "bench" / "gemv.json", build / "bench" / "gemv_rber1e-3.json"]
    have = [f for f in files if f.exists()]
    parts = ['<h2 id="gemv">NAND bandwidth utilization against RBER (out-of-order vs in-order)</h2>']
    if not have:
        parts.append(missing("GEMV benchmark (build/bench/gemv.json)",
                             "make bench   (or, shorter: GEMV_ROWS=64 scripts/bench.sh build)"))
    else:
        fig, ax = plt.subplots(figsize=(7.5, 4.2))
        rows = []
        for f in have:
            g = load(f)
            if "_error" in g:
                parts.append(f'<p class="bad">{esc(g["_error"])}</p>')
                continue
            cfg = f"t={g.get('ecc_t')}, {g.get('corrector_ports')}x{g.get('engines_per_port')} corrector"
            shape = g.get("matrix", f"{g.get('rows', '?')} x {g.get('cols', '?')}")
            for inorder, style in ((False, "-o"), (True, "--s")):
                runs = sorted((r for r in g["runs"] if r["in_order"] == inorder), key=lambda r: r["rber"])
                if not runs:
                    continue
                # RBER 0 sits one decade left of the smallest non-zero RBER on the log axis
                nz = [r["rber"] for r in g["runs"] if r["rber"] > 0]
                zero_x = min(nz) / 10 if nz else 1e-7
                xs = [r["rber"] if r["rber"] > 0 else zero_x for r in runs]
                ax.plot(xs, [100 * r["nand_bw_utilization"] for r in runs], style,
                        label=f"{'in-order' if inorder else 'out-of-order'} ({f.stem}: {cfg})")
            for r in sorted(g["runs"], key=lambda r: (r["rber"], r["in_order"])):
                rows.append([f.name, shape, cfg, rber_label(r["rber"]), "in-order" if r["in_order"] else "out-of-order",
                             pct(r["nand_bw_utilization"]), r["clean"], r["corrected"], r["uncorrectable"],
                             r["failed_rows"], Raw('<span class="ok">yes</span>' if r["bit_exact"]
                                                   else '<span class="bad">NO</span>'),
                             f"{r['sim_cycles_per_s'] / 1e6:.2f}"])
        ax.set_xscale("log")
        ax.set_xlabel("raw bit error rate (leftmost point: RBER 0)")
        ax.set_ylabel("NAND bandwidth utilization (%)")
        ax.set_ylim(0, 105)
        ax.axhline(99, color="#888", lw=0.8, ls=":")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8, loc="lower left")
        ax.set_title("GEMV on the cycle-exact core: weight bytes / (elapsed x planes x page / tR)", fontsize=10)
        parts.append(png(fig))
        parts.append(table(["file", "matrix", "ECC", "RBER", "mode", "utilization", "clean", "corrected",
                            "uncorrectable", "failed rows", "bit-exact", "M cycles/s"], rows))
        parts.append('<p class="label">Produced by <code>make bench</code> (tb/bench/bench_gemv; '
                     '<code>GEMV_ROWS</code> selects how many rows of the LLaMA-7B FFN matrix).</p>')
    run = [build / "run" / "gemv_ooo.json", build / "run" / "gemv_inorder.json"]
    run = [f for f in run if f.exists()]
    if run:
        rows = []
        for f in run:
            j = load(f)
            if "_error" in j:
                continue
            rows.append([f.name, f"{j['rows']} x {j['cols']} {j['dtype']}", rber_label(j["rber"]),
                         "in-order" if j["in_order"] else "out-of-order", pct(j["nand_bw_utilization"]),
                         j["clean"], j["corrected"], j["uncorrectable"], len(j["failed_rows"]),
                         "yes" if j["bit_exact"] else "NO"])
        parts.append("<h3>The demonstration run (<code>make run</code>)</h3>")
        parts.append(table(["file", "shape", "RBER", "mode", "utilization", "clean", "corrected", "uncorrectable",
                            "failed rows", "bit-exact"], rows))
    else:
        parts.append(missing("The demonstration GEMV (build/run/*.json)", "make run"))
    return "\n".join(parts)


def section_other_bench(build):
    parts = ['<h2 id="bench">Read path and ECC benchmarks</h2>']
    rp = build / "bench" / "read_path.json"
    if not rp.exists():
        return "\n".join(parts + [missing("Read-path benchmark (build/bench/read_path.json)", "make bench")])
    rows = []
    for f in (rp, build / "bench" / "read_path_plain.json"):
        if f.exists():
            j = load(f)
            if "_error" not in j:
                rows.append([f.name, pct(j["nand_bw_utilization"]), f"{j.get('sim_cycles_per_s', 0) / 1e6:.2f}"])
    parts.append(table(["file", "NAND read bandwidth utilization", "M cycles/s"], rows))
    ecc = build / "bench" / "ecc.json"
    if ecc.exists():
        parts.append(f"<h3>{esc(ecc.name)}</h3>" + json_table(load(ecc)))
    return "\n".join(parts)


def json_table(j, limit=60):
    """A flat key/value table of a JSON document (nested keys joined by '.')."""
    flat = []

    def walk(prefix, v):
        if isinstance(v, dict):
            for k, x in v.items():
                walk(f"{prefix}.{k}" if prefix else str(k), x)
        elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            for i, x in enumerate(v):
                walk(f"{prefix}[{i}]", x)
        else:
            flat.append((prefix, v if not isinstance(v, float) else f"{v:.6g}"))

    walk("", j)
    extra = f'<p class="label">... {len(flat) - limit} more entries in the file</p>' if len(flat) > limit else ""
    return table(["key", "value"], flat[:limit]) + extra


def area_rows(build):
    """(source label, {config: [(block, logic_mm2, sram_mm2, ge)]}, has_sram)."""
    aj = build / "synth" / "area.json"
    if aj.exists():
        j = load(aj)
        if "_error" not in j:
            out = {name: [(r["block"], r["logic_mm2"], r["sram_mm2"], r["ge"]) for r in c["rows"]]
                   for name, c in j["configs"].items()}
            return f"{aj} (make synth; {j.get('label', area.LABEL)})", out, True
    base = ROOT / "synth" / "area_baseline.json"
    j = load(base)
    out = {name: [(b, area.logic_mm2(ge), 0.0, ge) for b, ge in c.items() if b != "total"]
           for name, c in j["configs"].items()}
    return (f"synth/area_baseline.json (the checked-in regression baseline: logic GE per block only, SRAM macros "
            f"not included; run make synth for the full budget table). {area.LABEL}", out, False)


def section_area(build):
    label, configs, has_sram = area_rows(build)
    parts = ['<h2 id="area">Area per block against the 2.7% budget</h2>', f'<p class="label">Source: {esc(label)}</p>']
    if not has_sram:
        parts.append(missing("Full area report with SRAM macros (build/synth/area.json)", "make synth"))
    names = list(configs)
    fig, axes = plt.subplots(1, len(names), figsize=(5.4 * len(names), 4.6), squeeze=False)
    for ax, name in zip(axes[0], names):
        rows = sorted(configs[name], key=lambda r: r[1] + r[2])
        blocks = [r[0] for r in rows]
        lg = [100 * r[1] / area.DIE_MM2 for r in rows]
        sr = [100 * r[2] / area.DIE_MM2 for r in rows]
        ax.barh(blocks, lg, color="#2b5a9b", label="logic")
        if has_sram:
            ax.barh(blocks, sr, left=lg, color="#e0a800", label="SRAM macros")
        ax.set_title(f"{name}: total {sum(lg) + sum(sr):.3f}% of {area.DIE_MM2:g} mm$^2$ "
                     f"(budget {area.BUDGET_PCT}%)", fontsize=9)
        ax.set_xlabel(f"% of the {area.DIE_MM2:g} mm$^2$ die (28 nm estimate)")
        ax.tick_params(axis="y", labelsize=8)
        ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    parts.append(png(fig))
    # totals against the budget, one bar per configuration
    fig, ax = plt.subplots(figsize=(6, 2.2 + 0.3 * len(names)))
    tot = [100 * sum(r[1] + r[2] for r in configs[n]) / area.DIE_MM2 for n in names]
    ax.barh(names, tot, color="#2b5a9b")
    ax.axvline(area.BUDGET_PCT, color="#b3261e", lw=2, label=f"budget {area.BUDGET_PCT}% (NVLLM)")
    ax.axvline(area.AIM_PCT, color="#e0a800", lw=1.5, ls="--", label=f"aim {area.AIM_PCT}%")
    for y, t in enumerate(tot):
        ax.text(t, y, f" {t:.3f}%", va="center", fontsize=9)
    ax.set_xlim(0, area.BUDGET_PCT * 1.15)
    ax.set_xlabel(f"% of the {area.DIE_MM2:g} mm$^2$ CMOS die")
    ax.legend(fontsize=8, loc="lower right")
    parts.append(png(fig))
    for name in names:
        rows = sorted(configs[name], key=lambda r: -(r[1] + r[2]))
        t_ge = sum(r[3] for r in rows)
        t_mm2 = sum(r[1] + r[2] for r in rows)
        body = [[b, f"{ge:,.0f}", f"{lm:.4f}", f"{sm:.4f}" if has_sram else "-", f"{100 * (lm + sm) / area.DIE_MM2:.4f}%"]
                for b, lm, sm, ge in rows]
        body.append([Raw("<b>total</b>"), f"{t_ge:,.0f}", f"{sum(r[1] for r in rows):.4f}",
                     f"{sum(r[2] for r in rows):.4f}" if has_sram else "-", f"{100 * t_mm2 / area.DIE_MM2:.3f}%"])
        margin = area.BUDGET_PCT - 100 * t_mm2 / area.DIE_MM2
        parts.append(f"<h3>{esc(name)}</h3>" + table(["block", "GE (osu018)", "logic mm² (28 nm)", "SRAM mm² (28 nm)",
                                                    "% of die"], body))
        parts.append(f'<p>Margin to the {area.BUDGET_PCT}% budget: <span class="{"ok" if margin >= 0 else "bad"}">'
                     f'{margin:.3f} percentage points</span>{"" if has_sram else " (logic only)"}.</p>')
    return "\n".join(parts)


def num(c):
    """A CSV cell for display: floats to 4 significant digits, everything else as is."""
    if "." in c or "e" in c.lower():
        try:
            return f"{float(c):.4g}"
        except ValueError:
            pass
    return c


def csv_table(path, limit=40):
    with open(path, newline="") as f:
        rows = [[num(c) for c in r] for r in csv.reader(f)]
    if not rows:
        return ""
    extra = f'<p class="label">... {len(rows) - 1 - limit} more rows in {esc(path)}</p>' if len(rows) - 1 > limit else ""
    return table(rows[0], rows[1:limit + 1]) + extra


def section_dir(title, anchor, d, how, first=(), texts=()):
    """The named Markdown summaries as text, every CSV as a table, every JSON flattened, every PNG
    embedded."""
    parts = [f'<h2 id="{anchor}">{esc(title)}</h2>']
    if not d.is_dir() or not any(d.iterdir()):
        return "\n".join(parts + [missing(f"{title} ({d})", how)])
    parts.append(f'<p class="label">Source: {esc(d)} (<code>{esc(how)}</code>)</p>')
    for t in texts:
        if (d / t).exists():
            parts.append(f"<h3>{esc(t)}</h3><pre>{esc((d / t).read_text())}</pre>")
    csvs = sorted(d.glob("*.csv"), key=lambda p: (p.name not in first, first.index(p.name) if p.name in first else 0, p.name))
    for f in csvs:
        parts.append(f"<h3>{esc(f.stem.replace('_', ' '))}</h3>" + csv_table(f))
    skip = {"scenarios.json", "results.json"}
    for f in sorted(d.glob("*.json")):
        if f.name not in skip:
            parts.append(f"<h3>{esc(f.name)}</h3>" + json_table(load(f)))
    for f in sorted(d.glob("*.png")):
        parts.append(png_file(f))
    if len(parts) == 2:
        parts.append(f"<p>No CSV, JSON or PNG files in {esc(d)}.</p>")
    return "\n".join(parts)


def summary(build):
    """The headline of every section, one line each (only from files that exist)."""
    items = []
    g = build / "bench" / "gemv.json"
    if g.exists():
        j = load(g)
        by = {}
        for r in j.get("runs", []):
            by.setdefault(r["rber"], {})["io" if r["in_order"] else "ooo"] = r["nand_bw_utilization"]
        parts = [f"RBER {rber_label(k)}: {pct(v['ooo'])} vs {pct(v['io'])}" for k, v in sorted(by.items())
                 if "ooo" in v and "io" in v]
        items.append(f"GEMV utilization, out-of-order vs in-order ({j.get('matrix', '')}): " + "; ".join(parts))
    label, configs, has_sram = area_rows(build)
    if "default" in configs:
        t = 100 * sum(r[1] + r[2] for r in configs["default"]) / area.DIE_MM2
        items.append(f"Area of the default core: {t:.3f}% of the {area.DIE_MM2:g} mm² die against the "
                     f"{area.BUDGET_PCT}% budget ({'logic + SRAM, make synth' if has_sram else 'logic only, baseline'})")
    h = build / "reproduce" / "headline.csv"
    if h.exists():
        with open(h, newline="") as f:
            rows = list(csv.DictReader(f))
        ok = sum(1 for r in rows if "within" in r.get("status", ""))
        items.append(f"Paper reproduction: {ok} of {len(rows)} headline rows within ±25% of the paper")
    rel = build / "reliability"
    items.append(f"Reliability: {len(list(rel.iterdir()))} output files" if rel.is_dir() and any(rel.iterdir())
                 else "Reliability: not run yet")
    return "<ul>" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>"


def git_describe():
    try:
        return subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build", type=pathlib.Path)
    ap.add_argument("--out", type=pathlib.Path)
    a = ap.parse_args()
    build = a.build
    if not build.is_dir():
        print(f"report: build directory '{build}' does not exist yet: every section will say which make target "
              f"fills it", file=sys.stderr)
    out = a.out or build / "report" / "index.html"
    sections = [
        ("gemv", section_gemv(build)),
        ("area", section_area(build)),
        ("reproduce", section_dir("Paper reproduction (NVLLM, Cambricon-LLM, KVNAND)", "reproduce", build / "reproduce",
                                  "make reproduce", first=("headline.csv",))),
        ("reliability", section_dir("Reliability", "reliability", build / "reliability",
                                    "make reliability", texts=("summary.md",))),
        ("bench", section_other_bench(build)),
    ]
    nav = " ".join(f'<a href="#{k}">{k}</a>' for k, _ in sections)
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    doc = (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>openifc run report</title>"
           f"<style>{CSS}</style></head><body>\n<h1>openifc run report</h1>\n"
           f'<p class="label">Generated {now} from {esc(build.resolve())} at commit {esc(git_describe())} by '
           f"<code>make report</code> (scripts/report.py).</p>\n<nav>{nav}</nav>\n{summary(build)}\n"
           + "\n".join(s for _, s in sections) + "\n</body></html>\n")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(doc)
    print(f"report: wrote {out} ({len(doc) / 1024:.0f} KiB, self-contained)")


if __name__ == "__main__":
    main()
