#!/usr/bin/env bash
# `make wave TEST=<Suite.Test>`: re-runs one test with FST tracing and opens the waveform in GTKWave
# with the save file of its top (sim/waves/<top>.gtkw: signals grouped by block, FSM states by name),
# or, without a display, says how to open it.
#   scripts/wave.sh <build dir> <ctest name regex, e.g. Core.DirtySegmentIsOvertakenByCleanOnes>
set -euo pipefail
build=$1
name=$2
cd "$(dirname "$0")/.."
. scripts/need.sh
need fst2vcd gtkwave wave
[ -f "$build/CTestTestfile.cmake" ] || { echo "wave: $build is not a configured build: run make build"; exit 1; }
mkdir -p "$build/waves"
matched=$(ctest --test-dir "$build" -N -R "$name" | sed -n 's/^ *Test *#[0-9]*: //p')
if [ -z "$matched" ]; then
  echo "wave: no test matches '$name'. The names are Suite.Test, e.g.:"
  ctest --test-dir "$build" -N -L system | sed -n 's/^ *Test *#[0-9]*: /  /p' | head -8
  echo "  (all of them: ctest --test-dir $build -N)"
  exit 1
fi
n=$(printf '%s\n' "$matched" | wc -l)
if [ "$n" -gt 8 ]; then
  echo "wave: '$name' matches $n tests; anchor it, e.g. TEST='^$(printf '%s\n' "$matched" | head -1)\$'"
  exit 1
fi
# -V: ctest shows a passing test's output only when verbose, and the [wave] lines are in it.
IFC_TRACE=1 ctest --test-dir "$build" -R "$name" -V > "$build/waves/last.log" 2>&1 || true
grep -E '^ *[0-9]+/[0-9]+ Test|tests passed' "$build/waves/last.log" || true
files=$(grep -oE '\[wave\] [^ ]+\.fst' "$build/waves/last.log" | sed 's/^\[wave\] //' | sort -u || true)
if [ -z "$files" ]; then
  echo "wave: the matched tests wrote no waveform (they do not drive a Verilated model; log: $build/waves/last.log)"
  exit 1
fi
for f in $files; do
  # The top module is the first scope under "top" in the FST; its save file is sim/waves/<top>.gtkw.
  top=$(fst2vcd -f "$f" 2>/dev/null | awk '$1=="$scope" {n++; if (n==2) {print $3; exit}}' || true)
  save=sim/waves/${top#ifc_}.gtkw
  [ -f "$save" ] || save=
  view=$f
  if [ -n "$save" ]; then
    # GTKWave 3.3.118 shows FSM states by name (the save file's translate filters) on VCD only:
    # open a small VCD of the save file's signals; the FST keeps everything.
    view=${f%.fst}.${top#ifc_}.vcd
    python3 scripts/wave_subset.py "$f" "$save" "$view" >/dev/null || view=$f
  fi
  if [ -n "${DISPLAY:-}" ] && command -v gtkwave >/dev/null; then
    echo "wave: opening $view ${save:+with $save} (full trace: $f)"
    gtkwave "$view" $save >/dev/null 2>&1 &
  else
    echo "wave: written $f (top ${top:-unknown}${save:+, layout $save})"
    echo "      no display here. On a desktop, from the repository root:"
    echo "        gtkwave $view $save      (the save file's signals, FSM states by name)"
    [ "$view" = "$f" ] || echo "        gtkwave $f $save      (every signal; states as numbers)"
    echo "      or render a screenshot headlessly: make wave-png (docs/first_hour.md)"
  fi
done
