#!/usr/bin/env bash
# Bounded model check of one formal harness (CONVENTIONS.md, Formal).
#   scripts/formal.sh <harness top> <depth> <work dir> [smtbmc|sat]
# smtbmc (default): yosys-smtbmc + z3.
# sat: Yosys's own SAT-based BMC (`sat -seq <depth> -prove-asserts`), initial state undefined except
#      the harness's declared initial values (-set-init-undef -enable_undef), inputs and anyconst
#      free. Used for the segment FIFO / credit harness: z3 4.8.12 (Debian 12) does not return even
#      from step 0 on its SMT-LIB2 export (a 230-line problem; the base query alone hangs), while
#      the SAT engine proves depth 12 in about 3 s (docs/reliability.md, "Formal").
set -euo pipefail
top=$1
depth=$2
work=$3
engine=${4:-smtbmc}
cd "$(dirname "$0")/.."
. scripts/need.sh
need yosys yosys formal
root=$(pwd)
mkdir -p "$work"
files=$(grep -E '^rtl/.*\.sv$' rtl/files.f | sed "s|^|$root/|" | tr '\n' ' ')
# IFC_FORMAL_SWAP="rtl/a.sv=/path/mutant.sv": replace one RTL file (mutation checks, see the docs).
if [ -n "${IFC_FORMAL_SWAP:-}" ]; then
  files=${files//"$root/${IFC_FORMAL_SWAP%%=*}"/"${IFC_FORMAL_SWAP#*=}"}
fi
if [ "$engine" = sat ]; then
  yosys -e 'implicitly declared|has no driver' -l "$work/$top.sat.log" -p "
    read_verilog -defer -formal -sv -DSYNTHESIS -I$root/rtl/include $files $root/sim/formal/$top.sv;
    hierarchy -top $top; prep -top $top; flatten; memory_map; opt; async2sync; dffunmap;
    sat -seq $depth -prove-asserts -set-init-undef -set-def-inputs -enable_undef" >/dev/null || true
  grep -E "SAT proof finished|Solving problem" "$work/$top.sat.log" | tail -2
  grep -q "no model found: SUCCESS" "$work/$top.sat.log"
  exit
fi
need yosys-smtbmc yosys formal
need z3 z3 formal
yosys -q -e 'implicitly declared|has no driver' -l "$work/$top.yosys.log" -p "
  read_verilog -formal -sv -DSYNTHESIS -I$root/rtl/include $files $root/sim/formal/$top.sv;
  prep -top $top; memory_map; async2sync; dffunmap;
  write_smt2 -wires $work/$top.smt2" >/dev/null
yosys-smtbmc -s z3 --noprogress -t "$depth" "$work/$top.smt2" | tee "$work/$top.smtbmc.log" | tail -3
grep -q "Status: PASSED" "$work/$top.smtbmc.log"
