#!/usr/bin/env python3
"""Issue 4: FPATAN read back from the host x87 (docs/RESULTS.md "2026-11-27 — x87 FPATAN").

Session 7's model: R = RN68(min/max), A = R + C with C = RN68(atan R - R + R e(R^2) 2^-67), result
RC(A) for |y| <= |x|, x > 0, else RC(K -+ RN68(A)) with K = the 66-bit pi/2 or pi. Since session 8's
second attempt the core computes C with the CPU's own [7/7] rational instead (wasm/core/x87/f80-atan.ts,
scripts/x87-trans/atan-minimax.py remez/hostc/nudge/table); 'core' and CORE_DEV below still mean
session 7's fitted e, which the core no longer uses. 'samples' is how the host data for the rational
were taken.

  samples SEED N RLO RHI OUT.pkl  targeted samples: a 64-bit grid point g with tan g in [RLO, RHI],
                                  R = RN68(tan g) (+-1 unit), realised as RN68(y/x) by a random x;
                                  kept when atan R lies within 0.35 units of 2^-67 of g; saved with the
                                  side of g on which the host's unrounded value lies (RD/RU results)
  fit DEG OUT.npy IN.pkl...       e(z) = z sum c_k T_k(2z - 1), k <= DEG, by linear programming (least
                                  total violation of the sides seen in the samples); units 2^-67 R
  check SEED N [E.npy|core]       N random operands (all quadrants, |t| >= 2^-10), RD and RU on the
                                  host: share of operands whose host bracket the model meets, per
                                  quadrant (S = |y| > |x|, N = x < 0), with and without e, and with e
                                  and z', w rounded first (session 8); core = f80-atan.ts's e
  check1 SEED N TMIN              quadrant 1 only, t = y/x in [TMIN, 1) (x, y random, y/x >= 1/4 mostly),
                                  RD and RU on the host: operands whose bracket only the core's model
                                  meets / only the model with z', w rounded first meets (session 8)
  structures IN.pkl...            session 8: on samples files, how many host sides (above, below or
                                  exactly on g) each form of C misses: the core's RN68(atan R - R + dev),
                                  RN68(R z' F(z')) with z' = RN68(R^2), RN68(w F(z')) with also
                                  w = RN68(R z'), and w from the exact R^3; F = C / R^3 smooth (with e)
  regress IN.pkl...               session 8: probit of the host's side of the decisive C midpoint on the
                                  distance of the core's smooth C from it, plus the effects of the z'
                                  and w roundings (units ulp68(C)); coefficients 1 = the CPU rounds
                                  there; then the noise scale left, per significand of C
Builds test/wasm/x87/native/f80ref.c via readback.py. Needs mpmath, numpy, scipy.
"""
import os, sys, random, pickle, collections
from fractions import Fraction as Fr
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from readback import host, val, cw
import numpy as np
from mpmath import mp, mpf, atan, tan
mp.prec = 200
M = lambda q: mpf(q.numerator) / q.denominator

def f80(sign, e, m):
    return ((sign << 15) | (e + 16383)) << 64 | m

def rn(v, bits):
    """mpf v rounded to nearest-even at bits significant bits."""
    if v == 0:
        return v
    m, e = mp.frexp(v)
    s = mp.ldexp(v, bits - e)
    f = mp.floor(s)
    r = s - f
    if r > 0.5 or (r == 0.5 and int(f) % 2):
        f += 1
    return mp.ldexp(f, e - bits)

def brackets(pairs):
    r = host([(33, cw(rc), x, y) for x, y in pairs for rc in (1, 2)])
    return [(val(r[2 * i][0]), val(r[2 * i + 1][0])) for i in range(len(pairs))]

def samples(seed, n, rlo, rhi, out):
    random.seed(seed)
    import math
    hlo, hhi = math.atan(rlo), math.atan(rhi)
    rows, pairs = [], []
    while len(pairs) < n:
        h = random.uniform(hlo, hhi)
        ea = math.floor(math.log2(h))
        g = int(h * 2.0 ** (63 - ea)) + random.randint(-1000, 1000)
        r0 = rn(tan(mp.ldexp(g, ea - 63)), 68)
        er = mp.frexp(r0)[1] - 1
        for i in (-1, 0, 1):
            r = r0 + mp.ldexp(i, er - 67)
            delta = float((g - mp.ldexp(atan(r), 63 - ea)) * 16)
            if abs(delta) >= 0.35:
                continue
            rf = Fr(int(mp.ldexp(r, 67 - er))) * Fr(2) ** (er - 67)
            X = random.getrandbits(63) | 1 << 63
            for ey in (er, er - 1, er + 1):
                Y = round(rf * X / Fr(2) ** ey)
                if (1 << 63) <= Y < (1 << 64):
                    break
            if rn(M(Fr(Y, X) * Fr(2) ** ey), 68) != r:
                continue
            pairs.append((f80(0, 0, X), f80(0, ey, Y)))
            rows.append((rf, delta, Fr(g) * Fr(2) ** (ea - 63)))
    out_rows = []
    for (rf, delta, gv), (lo, hi) in zip(rows, brackets(pairs)):
        s = (0 if lo == gv else (1 if lo > gv else -1)) if lo == hi else (1 if lo >= gv else -1)
        out_rows.append((rf, delta, s, gv))
    pickle.dump(out_rows, open(out, 'wb'))

def load(files):
    """rows z = R^2, b = the side's threshold for e in units 2^-67 R, s, R."""
    rows = []
    for f in files:
        for rf, delta, s, gv in pickle.load(open(f, 'rb')):
            ea = gv.numerator.bit_length() - gv.denominator.bit_length()
            if Fr(2) ** ea > gv:
                ea -= 1
            r = float(rf)
            rows.append((r * r, delta * 2.0 ** ea / r, s, r))
    return np.array(rows)

def fit(deg, out, files):
    from scipy.optimize import linprog
    from scipy import sparse
    from numpy.polynomial import chebyshev as Ch
    a = load(files)
    z, b, s = a[:, 0], a[:, 1], a[:, 2]
    W = Ch.chebvander(2 * z - 1, deg) * z[:, None]
    m = len(a)
    pos, neg = np.where(s >= 0)[0], np.where(s <= 0)[0]
    I = sparse.eye(m, format='csr')
    A = sparse.vstack([sparse.hstack([sparse.csr_matrix(-W[pos]), -I[pos]]),
                       sparse.hstack([sparse.csr_matrix(W[neg]), -I[neg]])]).tocsr()
    res = linprog(np.concatenate([np.zeros(deg + 1), np.ones(m)]), A_ub=A, b_ub=np.concatenate([-b[pos], b[neg]]),
                  bounds=[(None, None)] * (deg + 1) + [(0, None)] * m, method='highs')
    c = res.x[:deg + 1]
    e = W @ c
    print('violated', (((s > 0) & (e < b)) | ((s < 0) & (e > b))).sum(), 'of', m)
    np.save(out, c)

PI66 = mp.ldexp(mp.nint(mp.ldexp(mp.pi, 64)), -64)

def model(t, swap, neg, c, zw=False):
    r = rn(t, 68)
    dev = 0
    if c is not None:
        from numpy.polynomial import chebyshev as Ch
        z = float(r * r)
        dev = r * mp.ldexp(z * Ch.chebval(2 * z - 1, c), -67)
    if zw:  # session 8: C = RN68(w F(z')), z' = RN68(R^2), w = RN68(R z'), F = (atan R - R + dev) / R^3 at z'
        z1 = rn(r * r, 68)
        s1 = mp.sqrt(z1)
        z = float(z1)
        F = (atan(s1) / s1 - 1) / z1 + mp.ldexp(Ch.chebval(2 * z - 1, c), -67)
        a = r + rn(rn(r * z1, 68) * F, 68)
    else:
        a = r + rn(atan(r) - r + dev, 68)
    if not swap and not neg:
        return a
    a = rn(a, 68)
    return PI66 / 2 + a if swap and neg else PI66 / 2 - a if swap else PI66 - a

def check(seed, n, efile):
    random.seed(seed)
    c = np.array(CORE_DEV) if efile == 'core' else np.load(efile) if efile else None
    pairs = []
    for _ in range(n):
        k, ex = random.randint(0, 10), random.randint(-5, 5)
        a = f80(random.getrandbits(1), ex, random.getrandbits(63) | 1 << 63)
        b = f80(random.getrandbits(1), ex - k, random.getrandbits(63) | 1 << 63)
        pairs.append((a, b) if random.getrandbits(1) else (b, a))
    st = collections.defaultdict(collections.Counter)
    for (x, y), (lo, hi) in zip(pairs, brackets(pairs)):
        X, Y = M(val(x)), M(val(y))
        swap, neg = abs(Y) > abs(X), X < 0
        t = abs(X / Y) if swap else abs(Y / X)
        q = ('S' if swap else 's') + ('N' if neg else 'n')
        L, H = M(lo), M(hi)
        st[q]['n'] += 1
        for name, cc, zw in (('no e', None, False), ('with e', c, False), ("with e, z' w", c, True)):
            if cc is None and name != 'no e':
                continue
            v = model(t, swap, neg, cc, zw)
            v = -v if Y < 0 else v
            st[q][name] += (v == L) if lo == hi else (L < v < H)
    for q in sorted(st):
        print(q, st[q]['n'], ', '.join('%s %.2f%%' % (k, 100 * st[q][k] / st[q]['n']) for k in ('no e', 'with e', "with e, z' w") if k in st[q]))

# session 8: exact fixed-point evaluation (values are ints, v / 2^FX) for 'structures' and 'regress':
# FX and irn (RN68 at a fixed-point scale) are atan-minimax.py's
import importlib
_prec = mp.prec  # atan-minimax.py sets its own mpmath precision on import
FX, irn = (lambda m: (m.FX, m.irn))(importlib.import_module('atan-minimax'))
mp.prec = _prec
CORE_DEV = [1.3633373244044105, -2.7197874708685483, 2.8204908062966756, -2.80787359875755,
            2.7126881268320315, -2.651708987312701, 2.6104396619154704, -2.4696764223466947,
            2.3495348855901588, -2.229593989552359, 2.0998091889544006, -1.9224965931364606,
            1.7391724039011471, -1.5515121173507485, 1.3134627594168773, -1.1523479604288447,
            0.8564198443042244, -0.49912588287836895, 0.22724386424637638, -0.07618057161442467,
            0.018646021764203442]  # session 7's DEV table (f80-atan.ts before session 8's rational)

def iulp(v):
    return 1 << max(abs(v).bit_length() - 68, 0)

def forms(files):
    """per sample: R, g (ints), s, and the unrounded C of each form (mpf at scale 1)."""
    from numpy.polynomial import chebyshev as Ch
    ev = lambda z: mpf(z * Ch.chebval(2 * z - 1, CORE_DEV))
    out = []
    for f in files:
        for row in pickle.load(open(f, 'rb')):
            rf, delta, s, gv = row[:4]
            Ri, gi = (rf.numerator << FX) // rf.denominator, (gv.numerator << FX) // gv.denominator
            R = mp.ldexp(Ri, -FX)
            zi = irn(Ri * Ri, FX); z = mp.ldexp(zi, -FX)
            w = mp.ldexp(irn(Ri * zi, FX), -FX)
            Fz = (atan(mp.sqrt(z)) / mp.sqrt(z) - 1) / z + mp.ldexp(ev(float(z)), -67) / z
            w3 = mp.ldexp(irn(Ri * Ri * Ri, 2 * FX), -FX)
            core = atan(R) - R + R * mp.ldexp(ev(float(R * R)), -67)
            out.append((Ri, gi, s, {"core": core, "z'": R * z * Fz, "z', w": w * Fz, 'w = RN68(R^3)': w3 * Fz},
                        (R, z, w, Fz)))
    return out

def structures(files):
    rows = forms(files)
    bad = collections.Counter()
    for Ri, gi, s, cs, _ in rows:
        for k, X in cs.items():
            v = Ri + irn(int(mp.nint(mp.ldexp(X, FX))))
            bad[k] += ((v > gi) - (v < gi)) != s
    print(len(rows), 'samples; host sides missed:', ', '.join('%s %d' % kv for kv in bad.items()))

def regress(files):
    from scipy.optimize import minimize
    from scipy.stats import norm
    rows = []
    for Ri, gi, s, cs, (R, z, w, Fz) in forms(files):
        if R < 0.0625:
            continue
        X = cs['core']
        Xi = int(mp.nint(mp.ldexp(X, FX)))
        u = iulp(irn(Xi)); t = gi - Ri
        m = t - u // 2 if abs(Xi - (t - u // 2)) < abs(Xi - (t + u // 2)) else t + u // 2
        x = (Xi - m) / u
        if abs(x) > 0.6:
            continue
        y = (s == 1) if m > t else (s != -1)
        z0 = R * R
        h = mpf(2) ** -40
        dF = (atan(mp.sqrt(z0 + h)) / mp.sqrt(z0 + h) - atan(mp.sqrt(z0)) / mp.sqrt(z0)) / h  # d(atan t / t)/dz
        sc = mp.ldexp(1, FX) / u
        rows.append((x, y, float(R * dF * (z - z0) * sc), float((w - R * z) * X / (R * z0) * sc),
                     float(2 * mp.frexp(abs(X))[0])))
    a = np.array(rows, dtype=float)
    def fitp(cols, het=False):
        def nll(p):
            sig = abs(p[0]) * (a[:, 4] if het else 1) + 1e-6
            v = a[:, 0] + sum(p[1 + i] * a[:, c] for i, c in enumerate(cols))
            pr = np.clip(norm.cdf(v / sig), 1e-12, 1 - 1e-12)
            return -(a[:, 1] * np.log(pr) + (1 - a[:, 1]) * np.log(1 - pr)).sum()
        r = minimize(nll, [0.7] + [0.5] * len(cols), method='Nelder-Mead', options={'maxiter': 4000, 'xatol': 1e-4, 'fatol': 1e-4})
        return r.fun, abs(r.x[0]), r.x[1:]
    print(len(a), "samples with R >= 1/16 and the core's C within 0.6 ulp68(C) of the midpoint that decides")
    for name, cols, het in (('none', [], False), ("z'", [2], False), ('w', [3], False), ("z', w", [2, 3], False),
                            ("z', w; sigma prop. to C's significand", [2, 3], True)):
        f, sg, k = fitp(cols, het)
        print('  %-40s -log L %.1f  sigma %.3f  coefficients %s' % (name, f, sg, ' '.join('%.3f' % v for v in k)))

def check1(seed, n, tmin):
    random.seed(seed)
    c = np.array(CORE_DEV)
    pairs = []
    while len(pairs) < n:
        X, Y = random.getrandbits(63) | 1 << 63, random.getrandbits(63) | 1 << 63
        X, Y = max(X, Y), min(X, Y)
        k = random.randint(0, 1)
        if Fr(Y, X) / 2 ** k < Fr(tmin):
            continue
        ex = random.randint(-3, 3)
        pairs.append((f80(0, ex, X), f80(0, ex - k, Y)))
    only = [0, 0]
    for (x, y), (lo, hi) in zip(pairs, brackets(pairs)):
        t = M(val(y) / val(x))
        L, H = M(lo), M(hi)
        r = [(v == L) if lo == hi else (L < v < H) for v in (model(t, False, False, c, zw) for zw in (False, True))]
        if r[0] != r[1]:
            only[r[1]] += 1
    print(n, "operands: bracket met only by the core's model %d, only with z', w %d" % tuple(only))

if __name__ == '__main__':
    a = sys.argv[1:]
    if a and a[0] == 'samples' and len(a) == 6:
        samples(int(a[1]), int(a[2]), float(a[3]), float(a[4]), a[5])
    elif a and a[0] == 'fit' and len(a) >= 4:
        fit(int(a[1]), a[2], a[3:])
    elif a and a[0] == 'check' and len(a) >= 3:
        check(int(a[1]), int(a[2]), a[3] if len(a) > 3 else None)
    elif a and a[0] == 'check1' and len(a) == 4:
        check1(int(a[1]), int(a[2]), float(a[3]))
    elif a and a[0] == 'structures' and len(a) >= 2:
        structures(a[1:])
    elif a and a[0] == 'regress' and len(a) >= 2:
        regress(a[1:])
    else:
        print(__doc__)
