#!/usr/bin/env bash
# Re-runs, once and with FST tracing (IFC_TRACE=1), every test ctest recorded as failed in
# <build>/Testing/Temporary/LastTestsFailed.log, and keeps each waveform under <build>/waves/ci/
# (index.txt lists test -> file). Called by .ci/run after a failed `make test`.
#   scripts/ci_retrace.sh <build dir>
set -uo pipefail
build=${1:-build}
cd "$(dirname "$0")/.."
failed="$build/Testing/Temporary/LastTestsFailed.log"
[ -s "$failed" ] || { echo "ci: no failed tests recorded in $failed"; exit 0; }
waves="$build/waves/ci"
mkdir -p "$waves"
: > "$waves/index.txt"
echo "ci: re-running each failed test once with IFC_TRACE=1; waveforms go to $waves/"
while IFS= read -r line; do
  name=${line#*:}                                   # lines are "<index>:<name>"
  [ -n "$name" ] || continue
  re=$(printf '%s' "$name" | sed 's/[][\.*^$+?(){}|/]/\\&/g')
  echo "ci: -- $name (traced)"
  out=$(IFC_TRACE=1 IFC_WAVE_DIR="$(pwd)/$waves" ctest --test-dir "$build" -R "^${re}\$" -V 2>&1)
  # the test's own output (ctest -V prefixes it with "<n>: ") and its result line
  printf '%s\n' "$out" | grep -E '^[0-9]+: |Test +#[0-9]+:' \
    | grep -vE '^[0-9]+: (Test command|Working Directory|Test timeout)' | sed -E 's/^[0-9]+: /    /' | tail -n 60
  fst=$(printf '%s\n' "$out" | grep -oE '\[wave\] [^ ]+\.fst' | sed 's/^\[wave\] //' | head -1 || true)
  if [ -n "$fst" ] && [ -f "$fst" ]; then
    echo "$name $fst" >> "$waves/index.txt"
    echo "ci: waveform kept: $fst"
    echo "    open it: python3 scripts/wave_subset.py $fst sim/waves/core.gtkw x.vcd && gtkwave x.vcd sim/waves/core.gtkw"
  else
    echo "$name (no waveform: the test does not drive a Verilated model)" >> "$waves/index.txt"
    echo "ci: $name wrote no waveform (not an RTL test)"
  fi
done < "$failed"
echo "ci: waveforms of the failed tests: $waves/index.txt"
