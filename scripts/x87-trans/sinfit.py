#!/usr/bin/env python3
"""Issue 4: the host's sine and cosine kernels read back (docs/RESULTS.md, 2026-11-27 sessions 7, 8).

Model (wasm/core/x87/f80-trig.ts), RN68 = round to nearest-even at 68 bits, z = RN68(r^2) for the
reduced argument |r| <= pi/4; Horner in z with RN68 after every product and sum (plain adds):
  sine kernel    sin r = RC(r + RN68(RN68(r z) S(z)))  S: degree 6, the relative minimax of
                 (sin r - r)/r^3, i.e. of r + r^3 S(z) against sin r, on z in [0, (pi/4)^2]
  cosine kernel  cos r = RC(1 - RN68(z C(z)))          C: degree 7, the minimax of (1 - cos r)/r^2
                 for the absolute error of C, same interval
each coefficient rounded to 68 bits (the cosine's c0 = 1/2 - 2^-73.1 becomes 1/2).

  remez sin|cos [WEIGHT]   Remez: the polynomial, its error and extrema; prints f80-trig.ts's
                           table lines (T_SIN, T_COS). WEIGHT for cos: one (absolute error of C,
                           the CPU's), relC, zrel (relative error of cos); sin: relative only.
  check sin|cos A:B,... N SEED [ones]
                           bit-exact share of the model against the host (FSIN / FCOS of x = r
                           uniform in each [A, B), every RC) and of one correct rounding; 'ones'
                           uses FPTAN's ones'-complement adder in the Horner steps instead.
  sides N SEED A B         the cosine read-back: operands whose cosine lies within 0.025 ulp of a
                           64-bit grid point or midpoint; for each, which 68-bit values Cv (the
                           exact C rounded, +-1, +-2 units of 2^-69) reproduce the host's four
                           results, as bounds on the host's C - (1 - cos r)/r^2 (units 2^-69),
                           printed per z bin (the curve that identified the minimax polynomial).
  cosfit N SEED A:B,... R  the cosine's last bits: the same operands (N per range, x in [A, B)),
                           each giving the range of Cv that reproduces the host; coordinate descent
                           over c1..c7 in steps of -R..R units of their 68-bit last place from the
                           minimax values, fewest operands whose Horner Cv lies outside its range;
                           prints the shifts (for COS_FIT) and the count on fresh operands (SEED+1).
                           Session 8: 'cosfit 150000 404 0.015625:0.7854,0.5:0.7854 6' -> c2 -5
                           (20,885 operands; unexplained 31 -> 3, fresh 24 -> 9).
  hard N SEED              session 9: the sine's last product p = RN68(RN68(r z) Sv) is correctly
                           rounded: of N operands, those whose model result lies within 1/128 ulp
                           of the 64-bit grid, checked against the host (RD, RU). 'hard 300000 8':
                           3712 operands, 905 where p rounded the other way would change the result
                           and the product lay within 1/4 unit of its midpoint; 0 misses (FPTAN's
                           last Horner product departs there in up to half the cases: tandiag.py).
How they were found (session 8): session 7's fitted deviation D(z) of the sine had 8 alternating
extrema at z = 0.018 0.086 0.188 0.307 0.425 0.525 0.593 0.617 with amplitude 2.4 units of 2^-70;
the degree-6 relative minimax above has them at 0.018 0.086 0.188 0.307 0.426 0.527 0.593 0.617
with amplitude 2^-68.74 = 2.40 units. 'sides' gave the cosine's: +0.12, 0, +0.1, 0, +0.1, -0.02,
+0.1, -0.03 units at 0.02 0.085 0.19 0.29 0.42 0.51 0.59 0.61, plus +-0.03 scatter: the degree-7
absolute minimax of C (extrema 0.024 0.091 0.19 0.31 0.43 0.53 0.59 0.62, amplitude 0.058 units),
raised 0.058 by c0's rounding to 1/2, and the noise of the last Horner product.
"""
import os, sys, random
from fractions import Fraction as Fr
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from remez import exchange
from tanfit import host, val, cw, rc64, enc, expo, rn
from mpmath import mp, mpf, sin, cos, sqrt, pi, matrix, lu_solve, log

def f_sin(z):
    r = sqrt(z)
    return -mpf(1) / 6 + z / 120 if z < mpf(10)**-20 else (sin(r) - r) / r**3

def f_cos(z):
    r = sqrt(z)
    return mpf(1) / 2 - z / 24 if z < mpf(10)**-20 else (1 - cos(r)) / z

WEIGHTS = {
    'sin': lambda z: sqrt(z)**3 / sin(sqrt(z)) if z > 0 else mpf(0),  # relative error of r + r^3 S
    'one': lambda z: mpf(1), 'relC': lambda z: 1 / f_cos(z), 'zrel': lambda z: z / cos(sqrt(z)),
}

def remez(f, w, n, b, iters=30):
    """minimax of (P - f) w on [0, b], P of degree n in z; returns P's coefficients, E, extrema"""
    N = n + 2
    xs = [b / 2 - b / 2 * cos(pi * (i + mpf(1) / 2) / N) for i in range(N)]
    for it in range(iters):
        A = matrix(N, N); rhs = matrix(N, 1)
        for i, x in enumerate(xs):
            for k in range(n + 1): A[i, k] = x**k
            A[i, N - 1] = (-1)**i / w(x); rhs[i] = f(x)
        sol = lu_solve(A, rhs)
        s = [sol[k] for k in range(n + 1)]; E = sol[N - 1]
        err = lambda x: (sum(c * x**k for k, c in enumerate(s)) - f(x)) * w(x)
        M = 4000; grid = [b * mpf(i) / M for i in range(1, M + 1)]
        new = exchange(err, grid, N, 60)
        emax = max(abs(err(x)) for x in new); emin = min(abs(err(x)) for x in new); xs = new
        if emax - emin < emax * mpf(10)**-12: break
    return s, E, xs

# the cosine's read-back correction ('cosfit'): units of the 68-bit last place, added to the minimax
COS_FIT = {2: -5}

def coefs(kind, weight=None, fitted=True):
    mp.dps = 60
    f, n = (f_sin, 6) if kind == 'sin' else (f_cos, 7)
    s, E, xs = remez(f, WEIGHTS['sin' if kind == 'sin' else (weight or 'one')], n, (pi / 4)**2)
    cs = [rn(Fr(int(mp.nint(c * mpf(2)**120)), 2**120)) for c in s]
    if kind == 'cos' and fitted and not weight:
        for k, d in COS_FIT.items(): cs[k] += d * Fr(2)**(expo(abs(cs[k])) - 67)
    return cs, E, xs

def entry(c, name):
    e = expo(abs(c)); sig = (abs(c) * Fr(2)**(67 - e)).numerator
    return '  0x%016X, 0x%016X, 0x%X, // %s = %s0x%017X * 2^%d' % (
        sig >> 4, (sig & 0xF) << 60, (int(c < 0) << 32) | (e & 0xFFFFFFFF), name, '-' if c < 0 else '', sig, e - 67)

def horner(cs, z, ones=False):
    acc = cs[-1]
    for c in reversed(cs[:-1]):
        m = rn(acc * z)
        if ones and m != 0 and (c > 0) != (m > 0):  # FPTAN's adder: c + m - sign(c) ulp68(m)
            u = Fr(2)**(expo(abs(m)) - 67); acc = rn(c + m - (u if c > 0 else -u))
        else: acc = rn(c + m)
    return acc

def model(kind, cs, x, ones=False):
    z = rn(x * x)
    if kind == 'sin': return x + rn(rn(x * z) * horner(cs, z, ones))
    return 1 - rn(z * horner(cs, z, ones))

def exact(kind, x):
    mp.prec = 200
    v = (sin if kind == 'sin' else cos)(mpf(x.numerator) / x.denominator)
    return Fr(int(mp.nint(v * mpf(2)**200)), 2**200)

def uniform(a, b, n, rng):
    return [rc64(Fr(a) + (Fr(b) - Fr(a)) * Fr(rng.getrandbits(70), 2**70), 3) for _ in range(n)]

def check(kind, specs, n, seed, ones):
    cs = coefs(kind)[0]; rng = random.Random(seed); op = 34 if kind == 'sin' else 35
    for spec in specs.split(','):
        a, b = map(float, spec.split(':'))
        xs = uniform(a, b, n, rng)
        res = host([(op, cw(rc), enc(x), 0) for x in xs for rc in range(4)])
        ok = cr = 0
        for i, x in enumerate(xs):
            v = model(kind, cs, x, ones); f = exact(kind, x)
            for rc in range(4):
                h = val(res[4 * i + rc][0]); ok += rc64(v, rc) == h; cr += rc64(f, rc) == h
        print(f'{kind} {spec}: model {100 * ok / n / 4:.3f}%  one correct rounding {100 * cr / n / 4:.2f}%', flush=True)

def cos_rows(n, seed, a, b):
    """(x, z, C, base, ok): ok = the k for which Cv = RN68(C) + k 2^-69 gives the host's results"""
    U = Fr(1, 2**69); cand = []
    for x in uniform(a, b, n, random.Random(seed)):
        f = exact('cos', x); d = float((f / Fr(2)**(expo(f) - 63)) % 1)
        if min(d, 1 - d, abs(d - 0.5)) <= 0.025: cand.append((x, f))
    res = host([(35, cw(rc), enc(x), 0) for x, f in cand for rc in range(4)])
    rows = []
    for i, (x, f) in enumerate(cand):
        h = [val(res[4 * i + rc][0]) for rc in range(4)]
        z = rn(x * x); C = (1 - f) / (x * x); base = rn(C)
        rows.append((x, z, C, base, [k for k in range(-2, 3) if all(rc64(1 - rn(z * (base + k * U)), rc) == h[rc] for rc in range(4))]))
    return rows

def cosfit(n, seed, specs, R):
    U = Fr(1, 2**69)
    def rows(sd):
        out = []
        for spec in specs.split(','):
            a, b = map(float, spec.split(':'))
            out += [(z, base + min(ok) * U, base + max(ok) * U) for x, z, C, base, ok in cos_rows(n, sd, a, b) if 0 < len(ok) < 5]
            sd += 1
        return out
    tr, te = rows(seed), rows(seed + 100)
    bad = lambda cs, rs: sum(1 for z, lo, hi in rs if not lo <= horner(cs, z) <= hi)
    cs = coefs('cos', fitted=False)[0]; cs0 = list(cs); best = bad(cs, tr)
    print(len(tr), 'operands,', best, 'unexplained by the minimax;', len(te), 'fresh:', bad(cs, te), flush=True)
    improved = True
    while improved:
        improved = False
        for k in range(1, 8):
            u = Fr(2)**(expo(abs(cs[k])) - 67)
            b, _, d = min((bad(cs[:k] + [cs[k] + d * u] + cs[k + 1:], tr), abs(d), d) for d in range(-R, R + 1) if d)
            if b < best:
                best, cs[k], improved = b, cs[k] + d * u, True
                print('c%d %+d: %d unexplained, fresh %d' % (k, d, b, bad(cs, te)), flush=True)
    print('COS_FIT =', {k: int((c - c0) / Fr(2)**(expo(abs(c0)) - 67)) for k, (c, c0) in enumerate(zip(cs, cs0)) if c != c0})

def sides(n, seed, a, b):
    U = Fr(1, 2**69); lo, hi = [], []
    rows = cos_rows(n, seed, a, b)
    for x, z, C, base, ok in rows:
        fr = float((C - base) / U)
        if ok and min(ok) > -2: lo.append((float(z), min(ok) - 0.5 - fr))
        if ok and max(ok) < 2: hi.append((float(z), max(ok) + 0.5 - fr))
    print(len(rows), 'operands; bounds on the host C - exact C (units 2^-69) per z bin:')
    nb, zmax = 40, b * b
    for i in range(nb):
        za, zb = zmax * i / nb, zmax * (i + 1) / nb
        L = [e for z, e in lo if za <= z < zb]; H = [e for z, e in hi if za <= z < zb]
        print('z %.3f-%.3f  above %s  below %s' % (za, zb, '%+.3f' % max(L) if L else '   -  ', '%+.3f' % min(H) if H else '   -  '))

def hard(n, seed):
    """FSIN on x in [0.3, 0.785] whose model result lies within 1/128 ulp of the 64-bit grid: does
    the host ever take the other rounding of the last product p = RN68(RN68(x z) Sv)?"""
    cs = coefs('sin')[0]; rng = random.Random(seed); keep = []
    for x in uniform(0.3, 0.785, n, rng):
        z = rn(x * x); w = rn(x * z); prod = w * horner(cs, z); p = rn(prod); v = x + p
        t = v / Fr(2) ** (expo(v) - 63); d = t - t.numerator // t.denominator
        if min(d, 1 - d) >= Fr(1, 128): continue
        up = Fr(2) ** (expo(abs(p)) - 67); f = (prod - p) / up
        alt = x + p + (up if f > 0 else -up)
        sens = rc64(alt, 1) != rc64(v, 1) or rc64(alt, 2) != rc64(v, 2)
        keep.append((x, v, alt, sens and abs(f) > Fr(1, 4)))
    res = host([(34, cw(rc), enc(k[0]), 0) for k in keep for rc in (1, 2)])
    bad = sum(1 for i, (x, v, alt, s) in enumerate(keep) if (rc64(v, 1), rc64(v, 2)) != (val(res[2 * i][0]), val(res[2 * i + 1][0])))
    print(len(keep), 'operands;', sum(k[3] for k in keep), 'where p rounded the other way would change the result',
          'and the product lay within 1/4 unit of its rounding midpoint; model misses', bad)

if __name__ == '__main__':
    a = sys.argv[1:]
    if a and a[0] == 'remez':
        cs, E, xs = coefs(a[1], a[2] if len(a) > 2 else None)
        print('error 2^%.3f, extrema z = %s' % (float(log(abs(E), 2)), ' '.join(mp.nstr(x, 4) for x in xs)))
        for k, c in enumerate(cs): print(entry(c, ('s' if a[1] == 'sin' else 'c') + str(k)))
    elif a and a[0] == 'check': check(a[1], a[2], int(a[3]), int(a[4]), len(a) > 5 and a[5] == 'ones')
    elif a and a[0] == 'sides': sides(int(a[1]), int(a[2]), float(a[3]), float(a[4]))
    elif a and a[0] == 'cosfit': cosfit(int(a[1]), int(a[2]), a[3], int(a[4]))
    elif a and a[0] == 'hard': hard(int(a[1]), int(a[2]))
    else: print(__doc__)
