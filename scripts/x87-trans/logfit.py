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
  check FILE... --rat [DP1]   the same for the CPU's rational below (p1 moved by DP1 units, default RAT_DP1)
Session 9 (the CPU's own approximation of the tail, not yet bit-exact; f80-log.ts still uses DEV):
  curve K FILE...             L1 fit of D/s with K Chebyshev terms in z (times z): its extrema and zeros in s
  remez M/N Z [abs|rel]       rational minimax of T/s = z P(z)/Q(z), P of degree M, Q of degree N (q0 = 1), on
                              z in [0, Z] for the absolute error of T/s (abs) or the relative error of the
                              logarithm (rel): its amplitude and the extrema and zeros of D/s
  nudge FILE... [--coef C]    LP (summed violations): the offset of one coefficient (p1 default) of the rational,
                              units of 2^-67, on the samples' intervals
  table [DP1]                 the rational's coefficients as f128 table lines (f80-tables.ts format)
  rscore FILE... [order=flat|w|s|dev] [norm=q0|q4|p0] [dp1=X] [ones=1]
                              exact-L68 misses of the rational model (L68 recovered from each interval; dev:
                              f80-log.ts's model with DEV, for comparison): flat =
                              RN68(s z P/Q) with exact P/Q; w = RN68(RN68(w N)/D), w = RN68(s z); s =
                              RN68(s RN68(RN68(z N)/D)); N, D Horner RN68 (ones=1: FPTAN's adder) of the
                              coefficients scaled to q0 = 1, q4 = 2^-5 or p0 = 1 and rounded to 68 bits
  What they showed (samples 60000 202/203/204 with WIDTH 0.15, 15000 201; 56,744 intervals):
  `curve 16`: D/s = -0.3988, +0.3977, -0.4182, +0.3647 at s = 0.0383, 0.0843, 0.1255, 0.1613, zeros at
  0.0621, 0.1050, 0.1447, and D/s -> 0 linearly in z at s -> 0; `remez 3/4 1/16`: -0.3976, +0.3976, -0.3976,
  +0.3976 at 0.0385, 0.0843, 0.1251, 0.1615, zeros 0.0621, 0.1052, 0.1439. So T/s is the [3/4] rational in
  z on |s| <= 1/4, minimax for the absolute error of T/s; the host lies below it by about 57 z^2 units
  (`nudge`: p1 -56.7, or q1 +58.0; `check --rat`: 199 of 56,744 violated, DEV 179, `curve 16` itself 167).
  `rscore` on s201+s202 (20,998): dev 68 misses, flat 69, order w/s x norm q0/q4/p0 x ones 87-103; held out
  (s203+s204, 35,746): dev 106, flat 105. The CPU's unit-level coefficients and inner order are still missing.
Session 9b (the tail is formed from M: T = RN68(RN68(p z) R(z)), p = RN68(s C2), z = RN68(s^2), R = P/(C2 Q)):
  rscore FILE... order=m      exact-L68 misses of that model (R exact): s201+s202 53 (dev 68), s203+s204 87 (dev 106),
                              fresh s301 (samples 15000 301 ... 0.15) 11 (dev 10), s302 (samples 45000 302) 29 (dev 37)
  like FILE... [models=a,b]   log-likelihood of the host's L68 on near-tie rows under T = RN68(x + N(mu, sigma)), x each
                              model's value before T's rounding (flat, z, zp, m, mR68, w; see like()): on s201+s202
                              flat -157.5, z -149.3, zp -135.8, m -125.4 (sigma 0.7 T-ulps left), mR68 -146.5, w -160.4
  table [DP1] --r             R's coefficients (P / C2, Q) as f128 table lines (commit e1afe84's f80-log.ts T_LOGR)
  Every 68-bit rounding of R, of N or D (scaled so that any one coefficient, or r0 = 1, or by 3, C2, ln2, ... is a
  power of two) or of W N, 1/D, W r0, z R, p R lowers the likelihood; so do RN(s z), z from the unrounded s, the
  ones' adder in e + p or M + T, a truncating final add, and a smooth correction of R (Chebyshev, 1-8 terms: held-out
  no better). FPATAN's order RN68(RN68(W N)/D) with 68-bit Horner N, D (plain or ones' adder, nine normalisations,
  p1 -56.7 or q1 +58, coordinate descent on all nine coefficients, and a scan of N, D -> N (1 + e z), D (1 + e z)
  with e = -4000..4000 units of 2^-68): at best 50-58 misses of 695 decisive training rows, the exact-R model 53.
Session 9c (the rational's interval end; the figures above were measured with b = 1/16, i.e. RATZ=1/16):
  zscan TRAIN... -- TEST... b=B1,B2,... [dp1=X,...]
                              near-tie rows (model m's T within 6 T-ulps of a bound of M + T), for each interval end
                              b (sums like 1/16+1/32768 allowed) the [3/4] minimax on [0, b] with p1 RAT_DP1 plus an ML
                              shift: log-likelihood and misses on training and test files. `RATZ=1/16 zscan
                              s201.txt s202.txt s203.txt -- s204.txt s301.txt s302.txt b=1/16,0.06252,1/16+1/32768,0.06254`:
                              test ll -223.6, -163.1, -157.0, -168.3 (misses 86, 69, 63, 66); the reverse split gives the
                              same optimum (0.06253). Why: with b = 1/16 the host's T was ~3 T-ulps smaller in magnitude
                              at |s| < 0.04 (sigma 0.05-0.15 per |s| bin), a ~2^-66 relative error of R the absolute
                              T/s curve cannot see. RATZ (environment; default 1/16+1/32768, f80-log.ts's b since the lead took c094c91) sets b for every
                              subcommand; commit c094c91 has the core with RATZ=1/16+1/32768 ('table -56.7 --r'): rscore
                              order=m 45/68/29 (b = 1/16: 53/87/40), fresh s401 (`samples 15000 401 s401.txt 0.15`) 3 (5).
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
from remez import exchange

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

# ---- session 9: the CPU's rational for the odd tail ----------------------------------------------
# T/s = z P(z) / Q(z), z = s^2, P of degree 3, Q of degree 4 (q0 = 1): the minimax for the absolute error
# of T/s (equivalently, to 1%, the relative error of the logarithm) on z in [0, 1/16] (|s| <= 1/4), p1 then
# RAT_DP1 units of 2^-67 lower (fitted: `nudge`).
RAT_Z = sum(Fr(v) for v in os.environ.get('RATZ', '1/16+1/32768').split('+'))  # session 9c: 1/16 + 2^-15, f80-log.ts's b (`zscan`)
RAT_DP1 = -56.7

def g_tail(z):
    """(T/s)/z = 2 log2e (atanh(s)/s - 1)/z as a function of z = s^2 (mpmath)."""
    from mpmath import sqrt
    if z < mpf(10) ** -60: return 2 / LN2 * (mpf(1) / 3 + z / 5)
    r = sqrt(z)
    return 2 / LN2 * (atanh(r) / r - 1) / z

def rremez(m, n, b, weight='abs', iters=80):
    """rational minimax P/Q ~ g_tail on [0, b], P of degree m, Q of degree n (q0 = 1), error (P/Q - g) w:
    w = z (absolute error of T/s) or z / (log/s) * 2 log2e ('rel': relative error of the logarithm), or z s
    ('T': absolute error of T)."""
    from mpmath import matrix, lu_solve, cos, pi, sqrt
    def w(z):
        if weight == 'abs' or z == 0: return z
        r = sqrt(z)
        if weight == 'T': return z * r  # the absolute error of T (session 11)
        return z * r / atanh(r)
    N = m + n + 2
    xs = [b / 2 - b / 2 * cos(pi * (i + 1) / N) for i in range(N)]
    qprev, E = None, mpf(0)
    for it in range(iters):
        for inner in range(30):
            A = matrix(N, N); rhs = matrix(N, 1)
            for i, x in enumerate(xs):
                qp = 1 if qprev is None else sum(c * x**k for k, c in enumerate(qprev))
                f = g_tail(x)
                for k in range(m + 1): A[i, k] = x**k
                for k in range(1, n + 1): A[i, m + k] = -f * x**k
                A[i, N - 1] = -(-1)**i / w(x) * qp
                rhs[i] = f
            sol = lu_solve(A, rhs)
            P = [sol[k] for k in range(m + 1)]; Q = [mpf(1)] + [sol[m + k] for k in range(1, n + 1)]
            En = sol[N - 1]; qprev = Q
            if abs(En - E) < abs(En) * mpf(10)**-20: E = En; break
            E = En
        err = lambda x: (sum(c * x**k for k, c in enumerate(P)) / sum(c * x**k for k, c in enumerate(Q)) - g_tail(x)) * w(x)
        M = 2000; grid = [b * mpf(i) / M for i in range(1, M + 1)]
        new = exchange(err, grid, N, 60)
        ee = [abs(err(x)) for x in new]; xs = new
        if max(ee) - min(ee) < max(ee) * mpf(10)**-15: break
    return P, Q, E

_RAT = None
def rat_coefs(dp1=None):
    """the CPU's P, Q (mpmath, q0 = 1) with p1 moved by dp1 units of 2^-67 (default RAT_DP1)"""
    global _RAT
    if _RAT is None:
        mp.prec = 300
        b = mpf(RAT_Z.numerator) / RAT_Z.denominator
        _RAT = rremez(3, 4, b, 'abs')
    P, Q, E = _RAT
    P = list(P); P[1] += mpf(RAT_DP1 if dp1 is None else dp1) * mpf(2)**-67
    return P, Q

def rat_dev(s, P, Q):
    """D(s) of the rational (units of 2^-67, float): s (z P/Q - z g) 2^67"""
    z = mpf(s.numerator)**2 / mpf(s.denominator)**2
    ts = z * sum(c * z**k for k, c in enumerate(P)) / sum(c * z**k for k, c in enumerate(Q))
    return float((ts - z * g_tail(z)) * float(s) * mpf(2)**67)

# exact 68-bit arithmetic on (n, e) = n 2^e for fast scoring (`rscore`)
def _rn(n, e, b=68):
    if n == 0: return (0, 0)
    a = abs(n); k = a.bit_length() - b
    if k <= 0:
        return ((n << -k), e + k)  # canonical: exactly b bits
    q = a >> k; r = a - (q << k); h = 1 << (k - 1)
    if r > h or (r == h and q & 1): q += 1
    if q.bit_length() > b: q >>= 1; k += 1
    return (q if n > 0 else -q, e + k)
def _mul(a, b): return _rn(a[0] * b[0], a[1] + b[1])
def _add(a, b):
    if a[0] == 0: return b
    if b[0] == 0: return a
    e = min(a[1], b[1]); return _rn((a[0] << (a[1] - e)) + (b[0] << (b[1] - e)), e)
def _div(a, b):
    na, ea = a; nb, eb = b
    neg = (na < 0) != (nb < 0); na, nb = abs(na), abs(nb)
    sh = 72 + nb.bit_length() - na.bit_length()
    q, r = divmod(na << sh, nb)
    v = _rn((q << 1) | (1 if r else 0), ea - eb - sh - 1)
    return (-v[0], v[1]) if neg else v
def _fx(q):
    d = q.denominator; assert d & (d - 1) == 0
    return _rn(q.numerator, -(d.bit_length() - 1))
def _ones(c, m):
    """FPTAN's adder: c + m - sign(c) ulp68(m) where the signs differ, then RN68"""
    if m[0] == 0 or c[0] == 0 or (c[0] > 0) == (m[0] > 0): return _add(c, m)
    u = m[1] + abs(m[0]).bit_length() - 68
    e = min(c[1], m[1], u)
    return _rn((c[0] << (c[1] - e)) + (m[0] << (m[1] - e)) - ((1 if c[0] > 0 else -1) << (u - e)), e)

def exact_rows(files):
    """(op, x, s, M, L68) per sample, L68 recovered exactly from the interval"""
    out = []
    for fn in files:
        for l in open(fn):
            op, x, sn, sd, lo, hi = l.split()
            op, x = int(op), int(x, 16)
            s, e, M, tl = parts(op, x)
            La = M + tl + Fr((float(lo) + float(hi)) / 2) * U67
            u = ulp68(La); L = Fr(round(La / u)) * u
            if ulp68(L) == u: out.append((op, x, s, M, L, tl))
    return out

def rscore(files, order='flat', norm='q0', dp1=None, ones=False):
    """exact-L68 misses of the rational model: flat T = RN68(s z P/Q) (exact P/Q), or Horner RN68 of the
    68-bit coefficients (scaled so that q0 = 1, q4 = 2^-5 or p0 = 1) with T = RN68(RN68(w N)/D), w = RN68(s z)
    (order 'w', FPATAN's) or T = RN68(s RN68(RN68(z N)/D)) (order 's')"""
    P, Q = rat_coefs(dp1)
    c = {'q0': mpf(1), 'q4': mpf(2)**-5 / Q[4], 'p0': 1 / P[0]}[norm]
    Pc = [_fx(rn(tofr(v * c))) for v in P]; Qc = [_fx(rn(tofr(v * c))) for v in Q]
    def hor(cs, z):
        acc = cs[-1]
        for k in range(len(cs) - 2, -1, -1):
            m = _mul(acc, z); acc = _ones(cs[k], m) if ones else _add(cs[k], m)
        return acc
    miss = []
    C2m = mpf(C2.numerator) / C2.denominator
    rows = exact_rows(files)
    for op, x, s, M, L, tl in rows:
        if order == 'dev':
            hit = rn(M + rn(tl + dev(s))) == L
        elif order == 'm':
            # session 9b: T = RN68(RN68(p z) R(z)), p = RN68(s C2) (M for e = 0), z = RN68(s^2), R = P/(C2 Q) exact
            zq = rn(s * s); p = rn(s * C2); W = rn(p * zq)
            zm = mpf(zq.numerator) / zq.denominator
            Rz = sum(a * zm**k for k, a in enumerate(P)) / sum(a * zm**k for k, a in enumerate(Q)) / C2m
            T = rn(tofr(mpf(W.numerator) / W.denominator * Rz))
            hit = rn(M + T) == L
        elif order == 'flat':
            zm = mpf(s.numerator)**2 / mpf(s.denominator)**2
            T = rn(tofr(zm * sum(a * zm**k for k, a in enumerate(P)) / sum(a * zm**k for k, a in enumerate(Q)))
                   * s)
            hit = rn(M + T) == L
        else:
            S = _fx(s); z = _mul(S, S); N = hor(Pc, z); D = hor(Qc, z)
            T = _div(_mul(_mul(S, z), N), D) if order == 'w' else _mul(S, _div(_mul(z, N), D))
            hit = _add(_fx(M), T) == _fx(L)
        if not hit: miss.append((float(s), op))
    print('samples', len(rows), 'order', order, 'norm', norm, 'dp1', RAT_DP1 if dp1 is None else dp1, 'ones', ones,
          'misses', len(miss))

def like(files, models):
    """session 9b: log-likelihood of the host's exact L68 (near-tie rows: the model's T within 6 of its units of a
    rounding tie of M + T) under T = RN68(x + N(mu, sigma)) for the value x each model has before T's final
    rounding (units of T's last place; mu, sigma fitted on a grid), and the misses with sigma = 0. Models:
    flat s z F(z); z s RN68(s^2) F(z); zp p z F(z)/C2 (p = RN68(s C2)); m RN68(p z) F(z)/C2 (f80-log.ts);
    mR68 RN68(p z) RN68(F(z)/C2); w RN68(s z) F(z); F = P/Q of rat_coefs()."""
    import numpy as np
    from scipy.stats import norm
    P, Q = rat_coefs()
    c2 = mpf(C2.numerator) / C2.denominator
    F = lambda z: sum(a * z**k for k, a in enumerate(P)) / sum(a * z**k for k, a in enumerate(Q))
    m = lambda q: mpf(q.numerator) / q.denominator
    vals = {'flat': lambda s, z, p: m(s) * m(s)**2 * F(m(s)**2), 'z': lambda s, z, p: m(s) * m(z) * F(m(z)),
            'zp': lambda s, z, p: m(p) * m(z) * F(m(z)) / c2, 'm': lambda s, z, p: m(rn(p * z)) * F(m(z)) / c2,
            'mR68': lambda s, z, p: m(rn(p * z)) * m(rn(tofr(F(m(z)) / c2))), 'w': lambda s, z, p: m(rn(s * z)) * F(m(z))}
    data = []
    for op, x, s, M, L, tl in exact_rows(files):
        z = rn(s * s); p = rn(s * C2)
        Tf = rn(tofr(vals['flat'](s, z, p))); ut = ulp68(Tf); u = ulp68(L)
        lo, hi = (L - u / 2 - M - Tf) / ut, (L + u / 2 - M - Tf) / ut
        if min(-lo, hi) > 6: continue
        ev = (L / u).numerator % 2 == 0  # M + T on a tie rounds to L
        A = int(lo) + (0 if ev else 1); B = int(hi) - (0 if ev else 1)
        data.append((s, z, p, Tf, ut, A, B))
    A = np.array([d[5] for d in data], float); B = np.array([d[6] for d in data], float)
    for name in models:
        x = np.array([float((vals[name](s, z, p) - m(Tf)) / m(ut)) for s, z, p, Tf, ut, _, _ in data])
        best = max((float(np.sum(np.log(np.maximum(norm.cdf((B + .5 - x - mu) / sg) - norm.cdf((A - .5 - x - mu) / sg),
                                                      1e-300)))), sg, mu)
                   for sg in (.3, .4, .5, .6, .7, .8, .9, 1.0, 1.2) for mu in (-.2, -.1, 0, .1, .2))
        r = np.floor(x + .5)
        print('%-5s rows %d  log-likelihood %.1f (sigma %.1f, mu %.1f)  misses %d' % (
            name, len(data), best[0], best[1], best[2], int(np.sum((r < A) | (r > B)))))

def zscan(train, test, bs, dp1s=None):
    """session 9c: the rational's interval end b rescanned on the host's near-tie rows (model m's T within 6 of its
    units of a rounding bound of M + T, under the current RAT_Z): for each b in bs, the [3/4] minimax on [0, b] with
    p1 moved by dp1 (maximum likelihood on the training files if dp1s is None, else each given value); prints the
    log-likelihood (T = RN68(x + N(0, sigma)), sigma fitted) and the misses (sigma = 0) on training and test files"""
    import numpy as np
    from scipy.stats import norm
    P0, Q0 = rat_coefs()
    c2 = mpf(C2.numerator) / C2.denominator
    F = lambda P, Q, z: sum(c * z**k for k, c in enumerate(P)) / sum(c * z**k for k, c in enumerate(Q))
    m = lambda q: mpf(q.numerator) / q.denominator
    def rows(files):
        out = []
        for op, x, s, M, L, tl in exact_rows(files):
            z = rn(s * s); p = rn(s * C2); W = rn(p * z); zm = m(z)
            Tx = m(W) * F(P0, Q0, zm) / c2; Tr = rn(tofr(Tx)); ut = ulp68(Tr); u = ulp68(L)
            lo, hi = (L - u / 2 - M - Tr) / ut, (L + u / 2 - M - Tr) / ut
            x0 = float((Tx - m(Tr)) / m(ut))
            if min(x0 - float(lo), float(hi) - x0) > 6: continue
            ev = (L / u).numerator % 2 == 0
            A = (lo.numerator // lo.denominator) + (0 if (lo.denominator == 1 and ev) else 1)
            B = -((-hi.numerator) // hi.denominator) - (0 if (hi.denominator == 1 and ev) else 1)
            out.append((zm, x0, A, B, float(Tx / m(ut)) / 2.0**67, float(zm / F(P0, [1], zm))))
        return out
    tr, te = rows(train), rows(test)
    def arr(d): return [np.array([r[i] for r in d], float) for i in range(1, 6)]
    atr, ate = arr(tr), arr(te)
    def ll(v, sg, a):
        x, A, B, sc, zp = a
        return float(np.sum(np.log(np.maximum(norm.cdf((B + .5 - v) / sg) - norm.cdf((A - .5 - v) / sg), 1e-300))))
    def miss(v, a): r = np.floor(v + .5); return int(np.sum((r < a[1]) | (r > a[2])))
    SG = np.arange(.3, 1.2, .05)
    print('rows: train %d, test %d; RAT_Z %s, RAT_DP1 %s' % (len(tr), len(te), RAT_Z, RAT_DP1))
    for b in bs:
        P, Q, E = rremez(3, 4, mpf(b.numerator) / b.denominator, 'abs'); P[1] += mpf(RAT_DP1) * mpf(2)**-67
        dtr = np.array([float((F(P, Q, r[0]) / F(P0, Q0, r[0]) - 1) * mpf(2)**67) for r in tr])
        dte = np.array([float((F(P, Q, r[0]) / F(P0, Q0, r[0]) - 1) * mpf(2)**67) for r in te])
        v = lambda a, d, dp: a[0] + (d + dp * a[4]) * a[3]  # dp: further p1 shift (units of 2^-67) on top of RAT_DP1
        cands = [(float(x) - RAT_DP1) for x in dp1s] if dp1s else list(np.arange(-10, 10.01, 0.25))
        dp = max(cands, key=lambda q: max(ll(v(atr, dtr, q), sg, atr) for sg in SG))
        vt, ve = v(atr, dtr, dp), v(ate, dte, dp)
        print('b %-22s dp1 %+7.2f  train ll %7.1f miss %3d | test ll %7.1f miss %3d' % (
            b, RAT_DP1 + dp, max(ll(vt, sg, atr) for sg in SG), miss(vt, atr), max(ll(ve, sg, ate) for sg in SG), miss(ve, ate)),
            flush=True)

def curve(k, files):
    """L1 fit of D/s (k Chebyshev terms in z on [0, 0.0296], times z) to the intervals; extrema and zeros in s"""
    import numpy as np
    from scipy.sparse import lil_matrix
    from scipy.optimize import linprog
    rows = load(files); n = len(rows); Zc = 0.0296
    def basis(z):
        u = 2 * z / Zc - 1; T = [1.0, u]
        for j in range(2, k): T.append(2 * u * T[-1] - T[-2])
        return [z / Zc * t for t in T[:k]]
    A = lil_matrix((2 * n, k + n)); b = np.zeros(2 * n)
    for i, (op, x, s, lo, hi) in enumerate(rows):
        sf = float(s); lo, hi = lo / sf, hi / sf
        if sf < 0: lo, hi = hi, lo
        bs = basis(sf * sf); w = hi - lo
        for j in range(k): A[2 * i, j] = bs[j]; A[2 * i + 1, j] = -bs[j]
        A[2 * i, k + i] = -w; A[2 * i + 1, k + i] = -w; b[2 * i] = hi; b[2 * i + 1] = -lo
    res = linprog(np.concatenate([np.zeros(k), np.ones(n)]), A_ub=A.tocsr(), b_ub=b,
                  bounds=[(None, None)] * k + [(0, None)] * n, method='highs')
    c = res.x[:k]
    print('samples', n, 'violated', sum(1 for v in res.x[k:] if v > 1e-9))
    zz = np.linspace(0, Zc, 29601); d = np.array([sum(a * bb for a, bb in zip(c, basis(z))) for z in zz])
    for i in range(1, len(zz) - 1):
        if (d[i] - d[i - 1]) * (d[i + 1] - d[i]) < 0: print('extremum s=%.4f D/s=%+.4f' % (zz[i]**.5, d[i]))
        if d[i] * d[i + 1] < 0: print('zero     s=%.4f' % zz[i]**.5)

def features(P, Q, weight='abs', smax=0.172):
    """extrema and zeros (in s) of the rational's D/s on [0, smax]"""
    from mpmath import sqrt
    out = []; M = 800
    cv = []
    for i in range(1, M + 1):
        z = mpf(smax)**2 * i / M
        e = (z * sum(c * z**k for k, c in enumerate(P)) / sum(c * z**k for k, c in enumerate(Q)) - z * g_tail(z)) * 2**67
        cv.append((z, e))
    for i in range(1, M - 1):
        (z0, a), (z1, b), (z2, c) = cv[i - 1], cv[i], cv[i + 1]
        if (b - a) * (c - b) < 0: out.append('extremum s=%.4f D/s=%+.4f' % (float(sqrt(z1)), float(b)))
        if b * c < 0: out.append('zero     s=%.4f' % float(sqrt(z1 - (z2 - z1) * b / (c - b))))
    return out

def nudge(files, coef='p1'):
    """LP (summed violations): the offset of one coefficient of the rational (units of 2^-67) on the intervals"""
    import numpy as np
    from scipy.sparse import lil_matrix
    from scipy.optimize import linprog
    P, Q = rat_coefs(0)
    rows = load(files); n = len(rows)
    t, k = coef[0], int(coef[1:])
    A = lil_matrix((2 * n, 1 + n)); b = np.zeros(2 * n)
    for i, (op, x, s, lo, hi) in enumerate(rows):
        sf = float(s); lo, hi = lo / sf, hi / sf
        if sf < 0: lo, hi = hi, lo
        z = mpf(s.numerator)**2 / mpf(s.denominator)**2
        Pz = sum(c * z**j for j, c in enumerate(P)); Qz = sum(c * z**j for j, c in enumerate(Q))
        e0 = float((z * Pz / Qz - z * g_tail(z)) * 2**67)
        phi = float(z * z**k / Qz) if t == 'p' else float(-z * Pz / Qz * z**k / Qz)
        w = hi - lo
        A[2 * i, 0] = phi; A[2 * i + 1, 0] = -phi; A[2 * i, 1 + i] = -w; A[2 * i + 1, 1 + i] = -w
        b[2 * i] = hi - e0; b[2 * i + 1] = -lo + e0
    res = linprog(np.concatenate([[0.0], np.ones(n)]), A_ub=A.tocsr(), b_ub=b,
                  bounds=[(None, None)] + [(0, None)] * n, method='highs')
    print('samples', n, coef, '%+.3f units of 2^-67' % res.x[0], 'violated', sum(1 for v in res.x[1:] if v > 1e-9))

def fentry(v, name):
    """an f128 table line (f80-tables.ts format) of the mpmath value v"""
    from mpmath import floor, log as mlog2
    if v == 0: return '  0x0, 0x0, 0x0, // %s = 0' % name
    a = abs(v); e = int(floor(mlog2(a, 2)))
    if a / mpf(2)**e >= 2: e += 1
    if a / mpf(2)**e < 1: e -= 1
    sig = int(mp.nint(a / mpf(2)**e * mpf(2)**127))
    if sig >> 128: sig >>= 1; e += 1
    return '  0x%016X, 0x%016X, 0x%X, // %s = %s' % (sig >> 64, sig & ((1 << 64) - 1), (int(v < 0) << 32) | (e & 0xFFFFFFFF), name, mp.nstr(v, 25))

if __name__ == '__main__':
    a = sys.argv[1:]
    if a and a[0] == 'samples':
        d7 = '--dev7' in a; a = [v for v in a if v != '--dev7']
        samples(int(a[1]), int(a[2]), a[3], float(a[4]) if len(a) > 4 else 0.1, DEV7 if d7 else DEV)
    elif a and a[0] == 'fit':
        m = float(a[a.index('--margin') + 1]) if '--margin' in a else None
        fit(int(a[1]), [f for f in a[2:] if f != '--margin' and f != (a[a.index('--margin') + 1] if m is not None else None)], m)
    elif a and a[0] == 'check' and '--rat' in a:
        i = a.index('--rat'); dp1 = float(a[i + 1]) if len(a) > i + 1 else None
        P, Q = rat_coefs(dp1)
        rows = load(a[1:i])
        print('samples', len(rows), 'violated', sum(1 for op, x, s, lo, hi in rows if not (lo < rat_dev(s, P, Q) < hi)))
    elif a and a[0] == 'check':
        files = a[1:a.index('--')] if '--' in a else a[1:]
        c = [float(v) for v in a[a.index('--') + 1:]] if '--' in a else DEV
        rows = load(files)
        print('samples', len(rows), 'violated', violations(rows, c))
    elif a and a[0] == 'curve':
        curve(int(a[1]), a[2:])
    elif a and a[0] == 'remez':
        m, n = map(int, a[1].split('/')); b = Fr(a[2]); wt = a[3] if len(a) > 3 else 'abs'
        mp.prec = 300
        P, Q, E = rremez(m, n, mpf(b.numerator) / b.denominator, wt)
        print('[%d/%d] on z in [0, %s], %s error: E = %.4f units of 2^-67' % (m, n, a[2], wt, float(abs(E) * 2**67)))
        print('\n'.join(features(P, Q)))
    elif a and a[0] == 'nudge':
        c = a[a.index('--coef') + 1] if '--coef' in a else 'p1'
        nudge([f for f in a[1:] if f not in ('--coef', c)], c)
    elif a and a[0] == 'rscore':
        kw = dict(v.split('=') for v in a[1:] if '=' in v)
        rscore([v for v in a[1:] if '=' not in v], kw.get('order', 'flat'), kw.get('norm', 'q0'),
               float(kw['dp1']) if 'dp1' in kw else None, kw.get('ones', '0') == '1')
    elif a and a[0] == 'like':
        like([v for v in a[1:] if '=' not in v], next((v.split('=')[1].split(',') for v in a[1:] if v.startswith('models=')),
                                                    ['flat', 'z', 'zp', 'm', 'mR68', 'w']))
    elif a and a[0] == 'zscan':
        kw = dict(v.split('=') for v in a[1:] if '=' in v); f = [v for v in a[1:] if '=' not in v]
        i = f.index('--')
        zscan(f[:i], f[i + 1:], [sum(Fr(t) for t in v.split('+')) for v in kw['b'].split(',')],
              [float(v) for v in kw['dp1'].split(',')] if 'dp1' in kw else None)
    elif a and a[0] == 'table':
        rr = '--r' in a; a = [v for v in a if v != '--r']
        P, Q = rat_coefs(float(a[1]) if len(a) > 1 else None)
        if rr:  # R = P / (C2 Q): the natural-log tail (atanh s - s) / s^3, f80-log.ts's T_LOGR
            c2 = mpf(C2.numerator) / C2.denominator
            P = [v / c2 for v in P]
        for k, v in enumerate(P): print(fentry(v, 'p%d' % k))
        for k, v in enumerate(Q): print(fentry(v, 'q%d' % k))
    else: print(__doc__)
