#!/usr/bin/env python3
"""Writes the signals a GTKWave save file shows, and only those, from an FST to a small VCD.

Why: GTKWave 3.3.118 (Debian 12) ignores translate filter files (`^N file` in a save file, or
gtkwave::installFileFilter) on FST traces, so FSM states would show as numbers. On a VCD the same
save file shows them by name. The subset is small (a few hundred kB where the whole-core VCD is
tens of MB), so it loads at once; the FST stays the complete record.

  scripts/wave_subset.py [--strict] build/waves/x.fst sim/waves/core.gtkw build/waves/x.core.vcd
--strict fails when a signal of the save file is not in the trace (ctest docs.*_gtkw_signals_exist).
"""
import re
import shutil
import subprocess
import sys


def wanted_names(save):
    names = set()
    for line in open(save):
        if line.startswith(("[", "@", "-", "^", "*")):
            continue
        for tok in re.findall(r"(?:\(\d+\))?(top\.\S+)", line):
            names.add(tok)
    return names


def main(argv):
    strict = "--strict" in argv
    argv = [a for a in argv if a != "--strict"]
    if len(argv) != 3:
        sys.exit(__doc__)
    fst, save, out = argv
    if not shutil.which("fst2vcd"):
        sys.exit("wave_subset: fst2vcd not found: install the Debian package gtkwave (make deps)")
    want = wanted_names(save)
    p = subprocess.Popen(["fst2vcd", "-f", fst], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                         bufsize=1 << 20)
    keep, scope, found = set(), [], set()
    header = []
    it = iter(p.stdout)
    for line in it:
        tok = line.split()
        if tok and tok[0] == "$scope":
            scope.append(tok[2])
            header.append(line)
        elif tok and tok[0] == "$upscope":
            scope.pop()
            header.append(line)
        elif tok and tok[0] == "$var":
            name = ".".join(scope + [tok[4]]) + (tok[5] if len(tok) > 6 and tok[5].startswith("[") else "")
            if name in want:
                keep.add(tok[3])
                found.add(name)
                header.append(line)
        elif tok and tok[0] == "$enddefinitions":
            header.append(line)
            break
        else:
            header.append(line)
    # drop scopes left empty
    cleaned, stack = [], []
    for line in header:
        tok = line.split()
        if tok and tok[0] == "$scope":
            stack.append([line, False])
        elif tok and tok[0] == "$upscope":
            s = stack.pop()
            if s[1]:
                cleaned.append(line)
        else:
            if tok and tok[0] == "$var":  # a kept signal: open the scopes it is in
                for s in stack:
                    if not s[1]:
                        cleaned.append(s[0])
                        s[1] = True
            cleaned.append(line)
    with open(out, "w") as f:
        f.writelines(cleaned)
        for line in it:
            c = line[0]
            if c == "#" or c == "$":
                f.write(line)
            elif c in "bBrR":
                if line.split()[1] in keep:
                    f.write(line)
            elif line[1:].strip() in keep:
                f.write(line)
    if p.wait() != 0:
        sys.exit(f"wave_subset: fst2vcd failed on {fst}")
    missing = sorted(want - found)
    if missing:
        print(f"wave_subset: {len(missing)} signal(s) of {save} are not in {fst}: {', '.join(missing[:5])}"
              + (" ..." if len(missing) > 5 else ""), file=sys.stderr)
        if strict:
            sys.exit(1)
    print(f"wave_subset: {out} ({len(found)} signals of {save})")


if __name__ == "__main__":
    main(sys.argv[1:])
