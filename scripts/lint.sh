#!/usr/bin/env bash
# verilator --lint-only -Wall on every module of rtl/files.f as top. Fails on any warning that is
# not waived in sim/lint.vlt.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/need.sh
need verilator verilator lint
fail=0
n=0
for f in $(grep -E '^rtl/.*\.sv$' rtl/files.f); do
  mod=$(basename "$f" .sv)
  if grep -qE "^\s*package\s+$mod\b" "$f"; then continue; fi
  n=$((n + 1))
  if out=$(verilator --lint-only -Wall sim/lint.vlt -f rtl/files.f --top-module "$mod" 2>&1); then
    printf '  %-24s clean\n' "$mod"
  else
    printf '  %-24s FAILED\n%s\n' "$mod" "$out"
    fail=1
  fi
done
if [ $fail -ne 0 ]; then echo "lint: FAILED"; exit 1; fi
echo "lint: $n modules clean (verilator $(verilator --version | awk '{print $2}') -Wall)"
