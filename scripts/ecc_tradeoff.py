#!/usr/bin/env python3
"""Segment-size trade-off table of docs/ecc.md (analytic: i.i.d. bit errors, binomial).

For each (payload, m, t, slot) it prints the spare overhead (slot / payload), the share of dirty
segments (1 - (1 - p)^n) at RBER 1e-4 and 1e-3, and the share of uncorrectable segments P[X > t]
at RBER 1e-3, for the whole-segment codeword of n = 8 (payload + slot) bits.
"""
from math import comb

ROWS = [(128, 11, 8, 16), (256, 12, 4, 16), (256, 12, 8, 16), (512, 13, 8, 24), (512, 13, 16, 32),
        (1024, 14, 8, 24), (1024, 14, 16, 32)]


def tail(n, p, t):
    return 1.0 - sum(comb(n, k) * p**k * (1 - p)**(n - k) for k in range(t + 1))


print("| payload | m | t | parity bits | slot | spare overhead | dirty @1e-4 | dirty @1e-3 | uncorrectable @1e-3 |")
print("|---|---|---|---|---|---|---|---|---|")
for pay, m, t, slot in ROWS:
    n = 8 * (pay + slot)
    print(f"| {pay} B | {m} | {t} | {m * t} | {slot} B | {100 * slot / pay:.1f}% | {100 * (1 - (1 - 1e-4)**n):.1f}% "
          f"| {100 * (1 - (1 - 1e-3)**n):.1f}% | {tail(n, 1e-3, t):.1e} |")
