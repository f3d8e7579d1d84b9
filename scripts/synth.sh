#!/usr/bin/env bash
# Yosys 0.23 + osu018 synthesis of every RTL block (reports under <build>/synth/).
# SRAM macros (ifc_sram_1r1w) are black boxes: their area comes from the area model (synth/README.md).
# This is the quick standalone flow (each module alone, with its RTL default parameters), e.g.
#   SYNTH_MODULES=ifc_ecc_checker scripts/synth.sh build
# `make synth` runs scripts/synth.py instead: every configuration's parameters, the hierarchical
# ifc_core, the area model, the budget table and the regression check (synth/README.md).
# Label: "Yosys 0.23, osu018, no timing constraints; node-scaled estimate".
set -euo pipefail
build=${1:-build}
cd "$(dirname "$0")/.."
root=$(pwd)
out="$build/synth"
mkdir -p "$out"

# The osu018 liberty: from the Debian package qflow-tech-osu018, extracted without installing qflow.
lib=$(find "$out/osu018" -name 'osu018_stdcells.lib' 2>/dev/null | head -1 || true)
if [ -z "$lib" ]; then
  lib=$(find /usr/share/qflow -name 'osu018_stdcells.lib' 2>/dev/null | head -1 || true)
fi
if [ -z "$lib" ]; then
  echo "synth: fetching the osu018 liberty (apt-get download qflow-tech-osu018)"
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download qflow-tech-osu018 >/dev/null 2>&1) || {
    echo "synth: 'apt-get download qflow-tech-osu018' failed: run 'apt-get update' (as root) and retry"; exit 1; }
  dpkg-deb -x "$tmp"/qflow-tech-osu018_*.deb "$out/osu018"
  rm -rf "$tmp"
  lib=$(find "$out/osu018" -name 'osu018_stdcells.lib' | head -1)
fi
[ -n "$lib" ] || { echo "synth: osu018_stdcells.lib not found in the package"; exit 1; }

files=$(grep -E '^rtl/.*\.sv$' rtl/files.f | tr '\n' ' ')
mods=${SYNTH_MODULES:-$(for f in $files; do m=$(basename "$f" .sv); grep -qE "^\s*package\s+$m\b" "$f" || echo "$m"; done)}
printf '%-20s %10s %14s %10s\n' block cells "area_um2" GE > "$out/summary.txt"
for m in $mods; do
  [ "$m" = ifc_sram_1r1w ] && continue
  log="$out/$m.log"
  if ! yosys -q -e 'implicitly declared|has no driver' -l "$log" -p "
      read_verilog -sv -DSYNTHESIS -I$root/rtl/include $files;
      blackbox ifc_sram_1r1w;
      hierarchy -check -top $m;
      synth -top $m -flatten;
      dfflibmap -liberty $lib;
      abc -liberty $lib;
      opt_clean;
      tee -o $out/$m.stat.txt stat -liberty $lib" >/dev/null 2>&1; then
    echo "synth: $m FAILED (see $log)"; tail -20 "$log"; exit 1
  fi
  cells=$(awk '/Number of cells:/ {n=$4} END {print n}' "$out/$m.stat.txt")
  area=$(awk '/Chip area for/ {a=$NF} END {print a}' "$out/$m.stat.txt")
  area=${area:-0}  # a block that is only a black box has no standard cells
  ge=$(python3 -c "print(f'{$area/24.0:.0f}')")
  printf '%-20s %10s %14s %10s\n' "$m" "$cells" "$area" "$ge" >> "$out/summary.txt"
done
echo "Yosys 0.23, osu018, no timing constraints; node-scaled estimate (SRAM macros are black boxes)"
cat "$out/summary.txt"
