#!/usr/bin/env bash
# Training run of the profile-guided benchmark build (sim/CMakeLists.txt, IFC_PGO; `make bench`).
#   scripts/pgo_train.sh <gen build dir> <profile dir>
# Runs the instrumented bench_gemv of an IFC_PGO=gen tree on a short GEMV slice (the LLaMA-7B FFN
# row length, RBER 0 / 1e-4 / 1e-3, out-of-order and in-order: the paths `make bench` measures) and
# writes the profile into <profile dir>, with train.stamp last (the IFC_PGO=use build depends on it).
# Skipped when the stamp is newer than the instrumented binary (nothing to retrain).
set -euo pipefail
gen=$1
dir=$2
bin="$gen/tb/bench/bench_gemv"
if [ -f "$dir/train.stamp" ] && [ "$dir/train.stamp" -nt "$bin" ]; then
  echo "pgo: profile in $dir is newer than $bin, not retrained"
  exit 0
fi
rm -rf "$dir"
mkdir -p "$dir"
"$bin" "$dir/train.json" 48 11008 0,1e-4,1e-3
touch "$dir/train.stamp"
echo "pgo: profile written to $dir"
