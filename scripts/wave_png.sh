#!/usr/bin/env bash
# `make wave-png`: a GTKWave screenshot, rendered headlessly, of a dirty segment being corrected
# while clean segments overtake it (the out-of-order core at work).
#   scripts/wave_png.sh <build dir> <out.png>
# 1. traces a small GEMV at RBER 1e-4 (about 20% of the segments dirty) (WAVE_CMD overrides the ifc arguments);
# 2. scripts/wave_window.py finds the first segment that sits in corrector port 0 while >= 4 later
#    segments start on the PE lanes, and writes a GTKWave Tcl script zooming there (markers A, B);
# 3. GTKWave opens the save file's signals (scripts/wave_subset.py: a small VCD, where the state-name
#    filters work) with sim/waves/core.gtkw under Xvfb; ImageMagick `import` grabs the screen.
set -euo pipefail
build=$1
png=$2
cd "$(dirname "$0")/.."
. scripts/need.sh
need xvfb-run xvfb wave-png
need gtkwave gtkwave wave-png
need fst2vcd gtkwave wave-png
need import imagemagick wave-png
[ -x "$build/ifc" ] || { echo "wave-png: $build/ifc not built: run make build"; exit 1; }
mkdir -p "$build/waves" "$(dirname "$png")"
fst=$build/waves/gemv_overtake.fst
tcl=$build/waves/gemv_overtake.tcl
save=sim/waves/core.gtkw
# Verilator's random initial state of the unreset data registers is pinned (IFC_VL_SEED, default 1) so
# the picture is reproducible byte for byte; the RTL does not depend on it (the core resets its control state).
export IFC_VL_SEED=${IFC_VL_SEED:-1}
# shellcheck disable=SC2086
"$build/ifc" gemv ${WAVE_CMD:---random --rows 64 --cols 1024 --rber 1e-4 --seed 3} --trace "$fst" | sed 's/^/  /'
python3 scripts/wave_window.py "$fst" --tcl "$tcl"
# GTKWave 3.3.118 applies the state-name filters to VCD only: render from a VCD of the save file's signals.
vcd=${fst%.fst}.core.vcd
python3 scripts/wave_subset.py "$fst" "$save" "$vcd"
width=1800
height=1000
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/shot.sh" <<SH
set -e
HOME=$tmp gtkwave --rcvar 'splash_disable 1' -S "$tcl" "$vcd" "$save" > "$tmp/gtkwave.log" 2>&1 &
pid=\$!
sleep \${WAVE_PNG_WAIT:-6}
import -window root "$png"
kill \$pid 2>/dev/null || true
wait \$pid 2>/dev/null || true
SH
xvfb-run -a -s "-screen 0 ${width}x${height}x24" bash "$tmp/shot.sh"
[ -s "$png" ] || { cat "$tmp/gtkwave.log"; echo "wave-png: no screenshot written"; exit 1; }
echo "wave-png: $png ($(identify -format '%wx%h' "$png"); trace $fst, save file $save, window script $tcl)"
echo "          open it yourself: gtkwave $vcd $save   (or the full trace: gtkwave $fst $save)"
