#!/usr/bin/env bash
# Re-runs one test with FST tracing and opens the waveform (or says how to).
#   scripts/wave.sh <build dir> <ctest name regex, e.g. ReadPath.CacheReadOverlapsSensingWithDrain>
set -euo pipefail
build=$1
name=$2
cd "$(dirname "$0")/.."
mkdir -p "$build/waves"
IFC_TRACE=1 ctest --test-dir "$build" -R "$name" --output-on-failure | tee "$build/waves/last.log" || true
files=$(grep -oE '\[wave\] .*\.fst' "$build/waves/last.log" | sed 's/\[wave\] //' || true)
if [ -z "$files" ]; then echo "wave: no test matched '$name' (list them with: ctest --test-dir $build -N)"; exit 1; fi
for f in $files; do
  save=sim/waves/read_path.gtkw
  if [ -n "${DISPLAY:-}" ] && command -v gtkwave >/dev/null; then
    gtkwave "$f" "$save" &
  else
    echo "wave: written $f"
    echo "      no display here: copy it to a desktop and run: gtkwave $f $save"
  fi
done
