#!/usr/bin/env bash
# Bounded model check of one formal harness with yosys-smtbmc + z3 (CONVENTIONS.md, Formal).
#   scripts/formal.sh <harness top> <depth> <work dir>
set -euo pipefail
top=$1
depth=$2
work=$3
cd "$(dirname "$0")/.."
. scripts/need.sh
need yosys yosys formal
need yosys-smtbmc yosys formal
need z3 z3 formal
root=$(pwd)
mkdir -p "$work"
files=$(grep -E '^rtl/.*\.sv$' rtl/files.f | sed "s|^|$root/|" | tr '\n' ' ')
yosys -q -e 'implicitly declared|has no driver' -l "$work/$top.yosys.log" -p "
  read_verilog -formal -sv -DSYNTHESIS -I$root/rtl/include $files $root/sim/formal/$top.sv;
  prep -top $top; memory_map; async2sync; dffunmap;
  write_smt2 -wires $work/$top.smt2" >/dev/null
yosys-smtbmc -s z3 --noprogress -t "$depth" "$work/$top.smt2" | tee "$work/$top.smtbmc.log" | tail -3
grep -q "Status: PASSED" "$work/$top.smtbmc.log"
