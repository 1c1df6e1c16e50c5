#!/usr/bin/env python3
"""Issue 4: hard samples for the logarithm's tail T (FYL2X, FYL2XP1; wasm/core/x87/f80-log.ts), fast.

logfit.py's `samples` keeps operands whose M + T lies within a fraction of L68's last place of a rounding
tie and reads each one's L68 back by a general search (~12 ms per operand). Here the filter is in units of
T's own last place (where T's last units decide L68) and the read-back only separates the model's two
neighbours of the tie (and the two beyond them), so a large set of decisive rows costs minutes.

  gen N SEED OUT [WIDTH]   N random operands at large |s| (FYL2X e = 0 60%, e = +-1 15%, FYL2XP1 |x| in
                           [1/8, 1/4) 25%), keeps those whose exact M + RN68(p z) R(z) (session 11's f80-log.ts
                           model, R exact) lies within WIDTH (default 3) units of T's last place of a tie of L68, reads
                           L68 back from the host and writes logfit.py's row format ('op x s_num s_den lo hi';
                           lo, hi: D's interval in units of 2^-67), so logfit.py's rscore, like and zscan read it.
                           Operands whose host L68 is none of the four candidates are counted and dropped.
  near1 N SEED OUT WIDTH SLO SHI
                           the same for FYL2X at x = (1 + s) / (1 - s), |s| uniform in [SLO, SHI] (e = 0), with
                           small z, where R's Horner hardly depends on the unit-level values of its higher
                           coefficients.
The model is f80-log.ts's with R exact, in integers (fixed point 2^-256): `tail`, `near_tie`.
"""
import os, sys, random
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fractions import Fraction as Fr
import logfit as lf
import readback as rb
from mpmath import mpf
from tanfit import irn

F = 256  # fixed-point bits of the exact R evaluation

def rat_fixed():
    """R's numerator and denominator coefficients as integers scaled by 2^F (R = P / (C2 Q))."""
    P, Q = lf.rat_coefs()
    c2 = mpf(lf.C2.numerator) / lf.C2.denominator
    return [int(v / c2 * mpf(2) ** F) for v in P], [int(v * mpf(2) ** F) for v in Q]

def horner(cs, zi):
    acc = cs[-1]
    for c in reversed(cs[:-1]):
        acc = ((acc * zi) >> F) + c
    return acc

def ulp(a):
    """the last place of a 68-bit fixed-point value (2^-F)"""
    return 1 << max(abs(a).bit_length() - 68, 0)

def pzw(S, C2i):
    """p = RN68(s RN68(2 log2e)), z = RN68(s^2), W = RN68(p z) in fixed point (2^-F) for the RN68 reduced s"""
    p = irn(S * C2i) >> F
    z = irn(S * S) >> F
    return p, z, irn(p * z) >> F

def tail(S, e, C2i, PQ):
    """session 11's f80-log.ts model in fixed point (2^-F) for the RN68 reduced argument S and exponent e: (M, Tx,
    z), Tx = RN68(p z) R(z) before T's rounding (R exact)"""
    p, z, W = pzw(S, C2i)
    M = p if e == 0 else irn((e << F) + p)
    return M, W * ((horner(PQ[0], z) << F) // horner(PQ[1], z)) >> F, z

def near_tie(M, Tx):
    """the signed distance of M + Tx from the nearest rounding tie of L68, in units of RN68(Tx)'s last place, and
    the four 68-bit values around that tie (Fractions): the candidates for the host's L68"""
    X = M + Tx
    u = ulp(irn(X)); k = X // u
    return (2 * (X - k * u) - u) / (2 * ulp(irn(Tx))), [Fr((k + j) * u, 1 << F) for j in (-1, 0, 1, 2)]

def quotient(num, den):
    """RN68(num / den) in fixed point (2^-F), num and den integers, den > 0"""
    q, r = divmod(abs(num) << (F + 1), den)
    S = irn((q << 1) | (1 if r else 0)) >> 2
    return -S if num < 0 else S

def consts():
    return (lf.C2.numerator << F) // lf.C2.denominator, rat_fixed()

def gen(rng):
    k = rng.random()
    if k < 0.25:  # FYL2XP1, |x| in [1/8, 1/4)
        return 31, (rng.getrandbits(1) << 79) | ((0x3fff - 3) << 64) | (1 << 63) | rng.getrandbits(63)
    e = 0 if k < 0.85 else rng.choice([-1, 1])
    if rng.getrandbits(1):  # m in [1.2, sqrt2)
        m = rng.randrange(int(1.2 * 2**63), 0xB504F333F9DE6484)
        return 30, ((0x3fff + e) << 64) | m
    m = rng.randrange(0xB504F333F9DE6485, int(0.85 * 2**64))  # m in (1/sqrt2, 0.85): exponent -1
    return 30, ((0x3ffe + e) << 64) | m

def readback(op, xs, cands):
    """the host's L68 for each x among its candidates (None if none or several fit): those its RD/RU results
    for y = 1 allow, then readback.py's pin"""
    one = 0x3fff << 64 | 1 << 63
    r = rb.host([c for x in xs for c in ((op, rb.cw(1), x, one), (op, rb.cw(2), x, one))])
    cands = [[c for c in cs if rb.rdru(c) == (rb.val(r[2 * i][0]), rb.val(r[2 * i + 1][0]))]
             for i, cs in enumerate(cands)]
    return rb.pin(xs, op, cands, rounds=6)

def gen_rows(n, seed, out, width=3.0):
    rng = random.Random(seed)
    C2i, PQ = consts()
    keep = {30: [], 31: []}
    for _ in range(n):
        op, x = gen(rng)
        s, e = lf.reduce(op, x)
        if s == 0: continue
        M, Tx, _ = tail((s.numerator << F) // s.denominator, e, C2i, PQ)
        d, cands = near_tie(M, Tx)
        if abs(d) < width: keep[op].append((x, cands))
    print('kept', len(keep[30]) + len(keep[31]), 'of', n, file=sys.stderr)
    write_rows(out, keep)

def gen_near1(n, seed, out, width, slo, shi):
    """FYL2X rows at small |s| in [slo, shi] (x = (1 + s) / (1 - s), e = 0)"""
    rng = random.Random(seed)
    C2i, PQ = consts()
    keep = []
    for _ in range(n):
        s = rng.uniform(slo, shi) * rng.choice((-1, 1))
        xv = (1 + s) / (1 - s)
        E = 0 if xv >= 1 else -1
        sig = int(xv * 2.0 ** (63 - E)) ^ rng.getrandbits(10)
        x = ((16383 + E) << 64) | sig
        one = 1 << (63 - E)  # m - 1 and m + 1 in units of x's last place
        if sig == one: continue
        M, Tx, _ = tail(quotient(sig - one, sig + one), 0, C2i, PQ)
        d, cands = near_tie(M, Tx)
        if abs(d) < width: keep.append((x, cands))
    print('kept', len(keep), 'of', n, file=sys.stderr)
    write_rows(out, {30: keep, 31: []})

def write_rows(out, keep):
    bad = 0
    with open(out, 'w') as f:
        for op in (30, 31):
            ks = keep[op]
            for i in range(0, len(ks), 2000):
                ch = ks[i:i + 2000]
                for (x, cs), L in zip(ch, readback(op, [x for x, _ in ch], [cs for _, cs in ch])):
                    if L is None:
                        bad += 1
                        continue
                    s, e, M, tl = lf.parts(op, x)
                    u = lf.ulp68(L)
                    lo, hi = (L - u / 2 - M - tl) / lf.U67, (L + u / 2 - M - tl) / lf.U67
                    f.write('%d %020x %d %d %r %r\n' % (op, x, s.numerator, s.denominator, float(lo), float(hi)))
                f.flush()
    print('dropped (host L68 not among the candidates)', bad, file=sys.stderr)

if __name__ == '__main__':
    a = sys.argv[1:]
    if len(a) >= 4 and a[0] == 'gen':
        gen_rows(int(a[1]), int(a[2]), a[3], float(a[4]) if len(a) > 4 else 3.0)
    elif len(a) >= 7 and a[0] == 'near1':
        gen_near1(int(a[1]), int(a[2]), a[3], float(a[4]), float(a[5]), float(a[6]))
    else:
        print(__doc__)
