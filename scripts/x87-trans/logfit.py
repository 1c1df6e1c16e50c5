#!/usr/bin/env python3
"""Issue 4: the deviation D(s) of the host's logarithm (FYL2X, FYL2XP1; wasm/core/x87/f80-log.ts), read back and fitted.

Model (f80-log.ts; RN68 = nearest-even at 68 bits): s = RN68((m - 1)/(m + 1)) (FYL2XP1, |x| < 1/4:
RN68(x / RN68(2 + x))), M = RN68(e + RN68(s RN68(2 log2e))) (no outer rounding for e = 0),
T = RN68(log2e (ln((1+s)/(1-s)) - 2s) + D(s)), log2 = RN68(M + T). D is an odd polynomial
sum_k c_k t^(2k+3), t = s / 0.1716, in units of 2^-67 (DEV in f80-log.ts).
Each read-back 68-bit logarithm L68 (readback.py's method: RD/RU results for y = 1 and y = 1 + k 2^-63
pin all 68 bits) bounds D(s) to an interval of one unit of L68's last place; an operand is informative
where the model's M + T lies near a 68-bit rounding tie (`samples` keeps those).

  samples N SEED OUT [WIDTH] [--dev7]
                              N random operands (FYL2XP1 with |x| < 1/4 and FYL2X with x in [1/sqrt2, sqrt2)
                              and 2^k m), keeps those whose M + T lies within WIDTH (default 0.1) units of
                              L68's last place of a tie under the current DEV, reads their L68 back from the
                              host, writes 'op x s_num s_den lo hi' lines (D's interval, units of 2^-67)
  fit K FILE... [--margin W]  linear programming for the K-term D: without --margin the D maximising the smallest
                              margin (relative to each interval's width; infeasible data make it a minimax of the
                              violations); with --margin W the D minimising the summed violations (relative to
                              the widths) of intervals shrunk by W widths at each end; prints DEV and the count
                              of violated samples (and DEV's)
  check FILE... [-- DEV...]   how many samples the current (or given) DEV violates
How DEV of f80-log.ts was found (session 8; 8-9 minutes per 25000 operands on the project machine):
`samples 3000 1 s1.txt --dev7`, `samples 25000 101 s101.txt --dev7` (102, 103 likewise), then
`fit 10 s101.txt s102.txt s103.txt s1.txt --margin 0` (64 of 15441 violated; the previous DEV 239).
Held out: the same fit without s103.txt violates 17 of s103's 4973 samples, the previous DEV 72;
12 terms or a margin of 0.02 do no better.
"""
import os, sys, random
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fractions import Fraction as Fr
from mpmath import mp, mpf, atanh, log as mlog

mp.prec = 300
S_MAX = 0.1716
# f80-log.ts's DEV (session 8) and the one before it (session 7; `samples ... --dev7` selects by it)
DEV = [-3.227645419506154, 48.15944187434183, -250.84533573081669, 676.814418043522,
       -1212.262783262584, 1761.221054154916, -2124.434469150963, 1820.6374625361295,
       -912.2027710740567, 196.17342065202706]
DEV7 = [-2.9250866257816375, 37.323039954969, -114.62190198372537, -195.32656083666262,
        2030.2446664119595, -5637.181014797787, 8371.726131223744, -7196.575732164781,
        3378.222071364161, -670.847891475972]
U67 = Fr(1, 1 << 67)
LN2 = mlog(2)

def rn(q, b=68):
    if q == 0: return Fr(0)
    a = abs(q)
    e = a.numerator.bit_length() - a.denominator.bit_length()
    if Fr(2) ** e > a: e -= 1
    t = a * Fr(2) ** (b - 1 - e)
    f = t.numerator // t.denominator
    r = t - f
    if r > Fr(1, 2) or (r == Fr(1, 2) and f & 1): f += 1
    v = Fr(f) / Fr(2) ** (b - 1 - e)
    return v if q > 0 else -v
def ulp68(v):
    a = abs(v); e = a.numerator.bit_length() - a.denominator.bit_length()
    if Fr(2) ** e > a: e -= 1
    return Fr(2) ** (e - 67)
def tofr(m):
    if m == 0: return Fr(0)
    man, ex = abs(m).man_exp
    v = Fr(int(man)) * Fr(2) ** int(ex)
    return -v if m < 0 else v

# 2 log2e at 68 bits, as the core's T_CONST entry rounded: RN68(log2e) * 2
C2 = 2 * rn(tofr(1 / LN2))

def dev(s, c=DEV):
    t = float(s) / S_MAX; t2 = t * t
    p = c[-1]
    for v in reversed(c[:-1]): p = p * t2 + v
    return Fr(p * t2 * t) * U67
def tail(s):
    sm = mpf(s.numerator) / s.denominator
    return tofr((2 * atanh(sm) - 2 * sm) / LN2)

def val(v):
    se, sig = v >> 64, v & ((1 << 64) - 1)
    e = se & 0x7fff
    q = Fr(sig) * Fr(2) ** ((e if e else 1) - 16383 - 63)
    return -q if se >> 15 else q

def reduce(op, x):
    """(s, e) of the model for FYL2X (op 30) or FYL2XP1 (op 31)."""
    xv = val(x)
    if op == 31 and abs(xv) < Fr(1, 4):
        return rn(xv / rn(2 + xv)), 0
    w = xv if op == 30 else 1 + xv
    e = w.numerator.bit_length() - w.denominator.bit_length()
    if Fr(2) ** e > w: e -= 1
    m = w / Fr(2) ** e
    if m > Fr(0xB504F333F9DE6484, 1 << 63): m /= 2; e += 1
    return rn((m - 1) / (m + 1)), e
def parts(op, x):
    s, e = reduce(op, x)
    M = rn(s * C2)
    if e != 0: M = rn(e + M)
    return s, e, M, tail(s)
def log68(op, x, c=DEV):
    s, e, M, tl = parts(op, x)
    return rn(M + rn(tl + dev(s, c)))

def host_l68(op, xs):
    """The host's 68-bit log2 (op 30: of x; op 31: of 1 + x), None where not pinned."""
    import readback as rb
    return rb.log2_68(xs, op, rounds=10)

def gen(rng):
    k = rng.random()
    sig = (1 << 63) | rng.getrandbits(63)
    if k < 0.6:  # FYL2XP1, |x| in 2^-9..1/4 (s up to 0.143)
        e = rng.randint(-9, -3)
        return 31, (rng.getrandbits(1) << 79) | ((0x3fff + e) << 64) | sig
    if k < 0.85:  # FYL2X, x in [1/sqrt2, sqrt2), e = 0
        if rng.getrandbits(1): return 30, (0x3fff << 64) | ((1 << 63) | (rng.getrandbits(63) >> 1))  # [1, 1.5)
        return 30, (0x3ffe << 64) | ((3 << 62) | rng.getrandbits(62))  # [0.75, 1)
    e = rng.choice([-2, -1, 1, 2, 3])  # FYL2X, e != 0
    return 30, ((0x3fff + e) << 64) | sig

def samples(n, seed, out, width=0.1, c=DEV):
    rng = random.Random(seed)
    keep = []
    for _ in range(n):
        op, x = gen(rng)
        s, e, M, tl = parts(op, x)
        if s == 0: continue
        Lx = M + rn(tl + dev(s, c))
        L = rn(Lx); u = ulp68(L)
        fr = (Lx - L) / u
        if abs(fr) > Fr(1, 2) - Fr(width): keep.append((op, x))
    print('kept', len(keep), 'of', n, file=sys.stderr)
    with open(out, 'w') as f:
        for op in (30, 31):
            xs = [x for o, x in keep if o == op]
            for i in range(0, len(xs), 2000):
                ch = xs[i:i + 2000]
                for x, L in zip(ch, host_l68(op, ch)):
                    if L is None: continue
                    s, e, M, tl = parts(op, x)
                    u = ulp68(L)
                    lo, hi = (L - u / 2 - M - tl) / U67, (L + u / 2 - M - tl) / U67
                    f.write('%d %020x %d %d %r %r\n' % (op, x, s.numerator, s.denominator, float(lo), float(hi)))
                f.flush()

def load(files):
    rows = []
    for fn in files:
        for l in open(fn):
            op, x, sn, sd, lo, hi = l.split()
            rows.append((int(op), int(x, 16), Fr(int(sn), int(sd)), float(lo), float(hi)))
    return rows

def violations(rows, c):
    bad = 0
    for op, x, s, lo, hi in rows:
        d = float(dev(s, c) / U67)
        if not (lo < d < hi): bad += 1
    return bad

def fit_l1(k, rows, margin):
    """minimise the summed violations (relative to each interval's width) with a margin."""
    import numpy as np
    from scipy.sparse import lil_matrix
    from scipy.optimize import linprog
    n = len(rows)
    A = lil_matrix((2 * n, k + n)); b = np.zeros(2 * n)
    for i, (op, x, s, lo, hi) in enumerate(rows):
        t = float(s) / S_MAX
        w = hi - lo
        for j in range(k):
            v = t ** (2 * j + 3)
            A[2 * i, j] = v; A[2 * i + 1, j] = -v
        A[2 * i, k + i] = -w; A[2 * i + 1, k + i] = -w
        b[2 * i] = hi - margin * w; b[2 * i + 1] = -lo - margin * w
    cobj = np.concatenate([np.zeros(k), np.ones(n)])
    res = linprog(cobj, A_ub=A.tocsr(), b_ub=b, bounds=[(None, None)] * k + [(0, None)] * n, method='highs')
    return list(res.x[:k])

def fit(k, files, margin=None):
    import numpy as np
    from scipy.optimize import linprog
    rows = load(files)
    if margin is not None:
        c = fit_l1(k, rows, margin)
        print('samples', len(rows), 'L1 margin', margin, 'violated', violations(rows, c), '(current DEV: %d)' % violations(rows, DEV))
        print('DEV = [' + ', '.join(repr(float(v)) for v in c) + ']')
        return
    # variables: c_0..c_{k-1}, delta; maximise delta
    A, b = [], []
    for op, x, s, lo, hi in rows:
        t = float(s) / S_MAX
        basis = [t ** (2 * j + 3) for j in range(k)]
        w = hi - lo
        A.append(basis + [w]); b.append(hi)                 # D + delta w <= hi
        A.append([-v for v in basis] + [w]); b.append(-lo)  # -D + delta w <= -lo
    cobj = [0.0] * k + [-1.0]
    res = linprog(cobj, A_ub=np.array(A), b_ub=np.array(b), bounds=[(None, None)] * k + [(None, 0.5)], method='highs')
    c = list(res.x[:k])
    print('samples', len(rows), 'margin %.4f' % res.x[k], 'violated', violations(rows, c), '(current DEV: %d)' % violations(rows, DEV))
    print('DEV = [' + ', '.join(repr(float(v)) for v in c) + ']')

if __name__ == '__main__':
    a = sys.argv[1:]
    if a and a[0] == 'samples':
        d7 = '--dev7' in a; a = [v for v in a if v != '--dev7']
        samples(int(a[1]), int(a[2]), a[3], float(a[4]) if len(a) > 4 else 0.1, DEV7 if d7 else DEV)
    elif a and a[0] == 'fit':
        m = float(a[a.index('--margin') + 1]) if '--margin' in a else None
        fit(int(a[1]), [f for f in a[2:] if f != '--margin' and f != (a[a.index('--margin') + 1] if m is not None else None)], m)
    elif a and a[0] == 'check':
        files = a[1:a.index('--')] if '--' in a else a[1:]
        c = [float(v) for v in a[a.index('--') + 1:]] if '--' in a else DEV
        rows = load(files)
        print('samples', len(rows), 'violated', violations(rows, c))
    else: print(__doc__)
