#!/usr/bin/env python3
"""GTKWave translate filter files for the RTL's FSM enums, generated from the RTL source.

Every `typedef enum logic [N:0] { Name = W'dV, ... } name_e;` in the given files becomes
<out>/<enum>.gtkwf (package enums) or <out>/<module>.<enum>.gtkwf (module-local) ("<decimal value> <Name>" per line), the format GTKWave's
Edit > Data Format > Translate Filter File reads. The save files in sim/waves/ show the FSM
state registers in decimal with these filters, so states read by name. `make wave` regenerates
them; `--check` fails when the checked-in files are stale (ctest wave.FiltersUpToDate).

  scripts/wave_filters.py [--check] --out sim/waves/filters --files-f rtl/files.f   (every RTL file)
  scripts/wave_filters.py [--check] --out sim/waves/filters rtl/ifc_pkg.sv ...     (the files given)
"""
import argparse
import pathlib
import re
import sys

ENUM_RE = re.compile(r"typedef\s+enum\s+logic\s*(?:\[\s*(\d+)\s*:\s*0\s*\])?\s*\{(.*?)\}\s*(\w+)\s*;", re.S)
ITEM_RE = re.compile(r"^\s*(\w+)\s*(?:=\s*(?:(\d+)\s*'\s*([dhbo]))?\s*([0-9a-fA-F_]+))?\s*$")
BASES = {"d": 10, "h": 16, "b": 2, "o": 8, None: 10}


def strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def enums(path: pathlib.Path):
    """Yields (enum name, [(value, label)]) for every typedef enum in one file."""
    for m in ENUM_RE.finditer(strip_comments(path.read_text())):
        items, nxt = [], 0
        for raw in m.group(2).split(","):
            if not raw.strip():
                continue
            im = ITEM_RE.match(raw)
            if not im:
                raise SystemExit(f"wave_filters: {path}: cannot parse enum item '{raw.strip()}' of {m.group(3)}")
            value = int(im.group(4).replace("_", ""), BASES[im.group(3)]) if im.group(4) else nxt
            items.append((value, im.group(1)))
            nxt = value + 1
        yield m.group(3), items


def render(src: pathlib.Path, name: str, items) -> str:
    lines = [f"# GTKWave translate filter for {name} (decimal display), generated from {src.as_posix()}",
             "# by scripts/wave_filters.py: do not edit, run `make wave-filters`."]
    lines += [f"{v} {label}" for v, label in items]
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, type=pathlib.Path)
    ap.add_argument("--check", action="store_true", help="fail if a file would change")
    ap.add_argument("--root", type=pathlib.Path, default=pathlib.Path("."), help="paths in headers are relative to it")
    ap.add_argument("--files-f", type=pathlib.Path, help="take the sources from this file list (rtl/files.f)")
    ap.add_argument("sources", nargs="*", type=pathlib.Path)
    a = ap.parse_args()
    if a.files_f:
        base = a.files_f.resolve().parent.parent  # paths in rtl/files.f are relative to the repository root
        a.sources += [base / l.strip() for l in a.files_f.read_text().splitlines()
                      if l.strip().endswith(".sv") and not l.strip().startswith("//")]
    if not a.sources:
        ap.error("give --files-f or source files")
    stale, written = [], 0
    for src in a.sources:
        for name, items in enums(src):
            try:
                rel = src.resolve().relative_to(a.root.resolve())
            except ValueError:
                rel = src
            text = render(rel, name, items)
            # package enums keep their name; a module-local enum is prefixed with the module (file) name
            stem = name if src.stem.endswith("_pkg") else f"{src.stem}.{name}"
            f = a.out / f"{stem}.gtkwf"
            if f.exists() and f.read_text() == text:
                continue
            if a.check:
                stale.append(str(f))
            else:
                a.out.mkdir(parents=True, exist_ok=True)
                f.write_text(text)
                written += 1
    if stale:
        print("wave_filters: stale (run `make wave-filters` and commit):", " ".join(stale), file=sys.stderr)
        return 1
    if not a.check:
        print(f"wave_filters: {written} filter file(s) updated in {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
