#!/usr/bin/env python3
"""BCH generator polynomial for the RTL elaboration.

Prints g(x) of the binary BCH code over GF(2^m) correcting t errors, as a Verilog hex literal of
deg(g)+1 bits (bit i = coefficient of x^i), or as JSON with --json (which also gives the field's
primitive polynomial as prim_hex, m+1 bits, bit i = coefficient of z^i). The same construction as the C++
golden codec (tb/model/bch.cpp): g = product of the distinct minimal polynomials of alpha^1..alpha^2t,
alpha a root of the primitive polynomial below. ctest cross-checks the two.

usage: gen_bch.py M T [--json]
"""
import json
import sys

# Primitive polynomials (bit i = coefficient of x^i); the table of tb/model/gf2m.cpp.
PRIMITIVE = {
    4: 0x13, 5: 0x25, 6: 0x43, 7: 0x89, 8: 0x11D, 9: 0x211, 10: 0x409, 11: 0x805,
    12: 0x1053, 13: 0x201B, 14: 0x4443, 15: 0x8003, 16: 0x1100B,
}


def generator(m, t):
    if m not in PRIMITIVE:
        raise SystemExit(f"gen_bch.py: m = {m} not supported (allowed: {sorted(PRIMITIVE)})")
    n = (1 << m) - 1
    prim = PRIMITIVE[m]
    exp = [0] * (2 * n)
    x = 1
    for i in range(n):
        exp[i] = x
        x <<= 1
        if x & (1 << m):
            x ^= prim
    for i in range(n, 2 * n):
        exp[i] = exp[i - n]
    log = {exp[i]: i for i in range(n)}

    def gmul(a, b):
        if a == 0 or b == 0:
            return 0
        return exp[log[a] + log[b]]

    seen = set()
    g = [1]  # coefficients in GF(2), low degree first
    for j in range(1, 2 * t + 1):
        if j % n in seen:
            continue
        coset = []
        k = j % n
        while k not in coset:
            coset.append(k)
            k = (2 * k) % n
        seen.update(coset)
        # minimal polynomial: prod (x - alpha^k) over the coset, coefficients in GF(2^m)
        mp = [1]
        for k in coset:
            root = exp[k]
            nxt = [0] * (len(mp) + 1)
            for i, c in enumerate(mp):
                nxt[i + 1] ^= c
                nxt[i] ^= gmul(c, root)
            mp = nxt
        assert all(c in (0, 1) for c in mp), "minimal polynomial not binary"
        # g *= mp over GF(2)
        prod = [0] * (len(g) + len(mp) - 1)
        for i, a in enumerate(g):
            if a:
                for k2, b in enumerate(mp):
                    prod[i + k2] ^= b
        g = prod
    return g


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    m, t = int(sys.argv[1]), int(sys.argv[2])
    g = generator(m, t)
    deg = len(g) - 1
    val = sum(c << i for i, c in enumerate(g))
    if "--json" in sys.argv:
        print(json.dumps({"m": m, "t": t, "parity_bits": deg, "generator_hex": f"{val:x}",
                          "prim_hex": f"{PRIMITIVE[m]:x}"}))
    else:
        print(f"{deg + 1}'h{val:x}")


if __name__ == "__main__":
    main()
