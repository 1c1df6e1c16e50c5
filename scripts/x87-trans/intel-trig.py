#!/usr/bin/env python3
"""Issue 4, sessions 18, 20 and 21: FSIN and FCOS on an Intel host, read back against a table model
(f80-trig-intel.ts).

Usage:
  python3 scripts/x87-trans/intel-trig.py fit N [SEED] > scripts/x87-trans/intel-trig-table.txt
    runs N random operands in [1/4, pi/4) through the host's FSIN and FCOS with RD and RU, keeps
    the results that are exact (RD == RU: the CPU's internal value lies on the 64-bit grid, so it
    is known exactly), and fits the coefficients e_k of the cosine's error polynomial below to
    them (least squares on the intervals each exact result leaves, then the most results inside)
  python3 scripts/x87-trans/intel-trig.py ts < scripts/x87-trans/intel-trig-table.txt
    prints the TypeScript tables of f80-trig-intel.ts
  python3 scripts/x87-trans/intel-trig.py cospoly
    prints the TypeScript table of the cosine polynomial for |r| < 1/4 (session 24, below)
  python3 scripts/x87-trans/intel-trig.py score LO HI N [SEED]
    host vs model for x = +-2^k * 1.f, k in [LO, HI], every RC: the share of FSIN and FCOS
    results the table model and the exact (correctly rounded) sin/cos reproduce

The model: x is reduced by the 66-bit pi/2 as in f80-trans.ts (r in [-pi66/4, pi66/4], the
quadrant picks +-sin r or +-cos r). For |r| < 1/4 the host's sine is sin r rounded once; the
cosine of FSIN and FCOS (session 24; FSINCOS and FPTAN differ) is the polynomial p(z) = 1 + p1 z + ... + p6 z^6, z = r^2, evaluated as
1 + TZ67(TZ67(TZ67(z) RN64(O(z^2))) + E(z^2) - 1) with E = 1 + p2 z^2 + p4 z^4 + p6 z^6,
O = p1 + p3 z^2 + p5 z^4 (O rounded to nearest at 64 bits; z, the product and the small terms' sum
truncated to 67 bits (session 25), the rest exact); FSINCOS and FPTAN take 1 + TZ67(TZ67(z) RN64(Q(z))), Q = (p(z) - 1)/z whole (session 25,
cos_pair; consecutive.py). p is the minimax polynomial of cos with p0 = 1 on
0 <= z <= ZM_COS (absolute error, 2^-76.9). Windows of consecutive operands in [1/8, 1/4) showed
the host's error as a sawtooth: slope and drop z 2^-64, period 720/x^3 units of x's last place (O's
rounding); the phase of its drops, unwrapped over [0.1385, 0.249] by doubling steps, followed
O's coefficients only if p7 = 0, p5 = -1/10! + 2.22e-13 and p3 = -1/720 + 2.06e-16: the degree-6
minimax polynomial's deviations, on a domain that makes the phase of all 16 measured drops 0.5
(rounding to nearest) for ZM_COS = 0.0644075 (x up to 0.25379; 1/16 leaves them spread).
For |r| >= 1/4: the segment is the binade of |r| and the next two bits of its significand,
c its midpoint (9/32, 11/32, 13/32, 15/32, 9/16, 11/16, 13/16), h = |r| - c (|h| <= 1/32 or 1/16),
S = RN67(sin c), C = RN67(cos c), and

    sin |r| = S + TZ67( TZ67(C RN64(sin h)) - S (1 - cos' h) )
    cos r   = C + TZ67(-TZ67(S RN64(sin h)) - C (1 - cos' h) )
    cos' h  = cos h + e(h^2) 2^-72,   e(z) = e1 z + e2 z^2 + e3 z^3 + e4 z^4 + e5 z^5

TZ67 truncates toward zero to 67 significant bits (Intel's internal precision); sin h is rounded
to 64 bits; cos' h is the CPU's cosine polynomial, whose error e (an equal-ripple curve of
+-3 units of 2^-72 on |h| <= 1/16, zero at h = 0) is fitted. Evidence (session 21):
- Results exact in every RC (RD == RU) occur at the rate the 67-bit grid of the term
  TZ67(C sin h) predicts (2^-7 for |h| in [1/64, 1/32), halving per binade of h), so the sum is
  rounded once, at the end, from S plus a 67-bit D; S and C lie on the 67-bit grid (the fitted
  tables of sessions 18-20 were within 0.06 units of it) and are RN67(sin c), RN67(cos c).
- On 4,437 exact FSIN and FCOS results, the value D = result - S is inside the TZ67 window of
  the model for 97%, with one polynomial e(z) for both functions and all seven segments.
- Held-out operands (5,000 in [1/4, pi/4), every RC): FSIN exact for all, FCOS for 4,997;
  session 20's model: 4,934 and 4,940.
- Session 20's form (S cos h + TZ67(C RN64(sin h)), fitted S and C) reached 97.6% of operands
  with both functions exact: its fitted constants absorbed the cosine's error on average.
"""
import importlib.util, math, os, random, sys
from fractions import Fraction as F

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location('intel_exp', os.path.join(HERE, 'intel-exp.py'))
X = importlib.util.module_from_spec(_spec); _spec.loader.exec_module(X)
from mpmath import mp
mp.prec = 300

U67 = F(1, 2**67)
P2 = F(0xC90FDAA22168C234 * 4 + 3, 2**65)  # the CPU's pi/2, 66 bits
TABLE = os.path.join(HERE, 'intel-trig-table.txt')

def sinf(v): return X.fr(mp.sin(X.mpv(v)))
def cosf(v): return X.fr(mp.cos(X.mpv(v)))

def run(ops, rcs, codes=(34, 35)):
    """Host results [code][rc] per operand x (a Fraction)."""
    lines = ['%d %x %s %s\n' % (c, 0x37f | (rc << 10), enc(x), '0' * 20) for x in ops for c in codes for rc in rcs]
    import subprocess
    out = subprocess.run([X.native()], input=''.join(lines), capture_output=True, text=True, check=True).stdout.split('\n')
    n = len(codes) * len(rcs)
    return [[[X.dec(out[i * n + ci * len(rcs) + k].split()[0]) for k in range(len(rcs))] for ci in range(len(codes))] for i in range(len(ops))]

def enc(x):
    s = 1 if x < 0 else 0; a = abs(x); e = X.expo(a)
    return '%04x%016x' % ((s << 15) | (e + 16383), int(a / F(2) ** (e - 63)))

def randx(lo, hi):
    x = F(X.J | random.getrandbits(63)) * F(2) ** (random.randint(lo, hi) - 63)
    return -x if random.randint(0, 1) else x

def interval(h, E):
    """(lo, hi) offsets in units of 2^-67 from E that the RN, RD, RU results h leave for the host's value."""
    lo, hi = h[1], h[2]
    if lo != hi:
        if h[0] == lo: hi = (lo + hi) / 2
        else: lo = (lo + hi) / 2
    return float((lo - E) / U67), float((hi - E) / U67)

def sig64(v):
    """The 64-bit significand of a nonzero value on the 64-bit grid, as an integer."""
    a = abs(v); return int(a * F(2) ** (63 - X.expo(a)))

def segment(a):
    """The midpoint c of the table segment of |r| = a in [1/4, 1): the binade of a and the next two bits."""
    e = X.expo(a); w = F(2) ** (e - 2)
    return F(2) ** e + (math.floor((a - F(2) ** e) / w) + F(1, 2)) * w

MIDPOINTS = [F(k, 32) for k in (9, 11, 13, 15)] + [F(k, 16) for k in (9, 11, 13)]
U72 = F(1, 2 ** 72)

def tz67(v): return X.rnd(v, 67, 3) if v != 0 else v

def terms(a, e):
    """(sin a, cos a) of the model before the final rounding, a in [1/4, pi66/4], cosine error coefficients e."""
    c = segment(a); h = a - c
    S, C = X.rnd(sinf(c), 67, 0), X.rnd(cosf(c), 67, 0)
    sh = X.rnd(sinf(h), 64, 0) if h != 0 else F(0)
    z = h * h
    ch = cosf(h) + sum(k * z ** (i + 1) for i, k in enumerate(e)) * U72
    return S + tz67(tz67(C * sh) - S * (1 - ch)), C + tz67(-tz67(S * sh) - C * (1 - ch))

def fit(n):
    """Fit e(z) to the host's exact results (RD == RU) of FSIN and FCOS on n operands in [1/4, pi/4)."""
    import numpy as np
    xs = []
    while len(xs) < n:
        x = abs(randx(-2, -1))
        if x < F(785, 1000): xs.append(x)
    rows = []
    for i in range(0, n, 50000):
        part = xs[i:i + 50000]
        res = run(part, (1, 2))
        for x, (hs, hc) in zip(part, res):
            if hs[0] != hs[1] and hc[0] != hc[1]: continue
            c = segment(x); h = x - c
            S, C = X.rnd(sinf(c), 67, 0), X.rnd(cosf(c), 67, 0)
            sh = X.rnd(sinf(h), 64, 0); q = 1 - cosf(h)
            for (rd, ru), A, P, k in ((hs, S, tz67(C * sh), S), (hc, C, -tz67(S * sh), C)):
                if rd != ru or rd == A: continue
                D = rd - A; u = F(2) ** (X.expo(abs(D)) - 66)
                t = (P - k * q - D) / u  # the model's D before its truncation minus the host's, in units of D
                # TZ67: the host's D is the model's value (plus k e(z) 2^-72) truncated toward zero
                lo, hi = (-t, 1 - t) if D > 0 else (-1 - t, -t)
                rows.append((float(h * h), float(lo * u / U72 / k), float(hi * u / U72 / k)))
    R = np.array(rows); z = R[:, 0]; lo, hi = R[:, 1], R[:, 2]
    A = np.stack([(256 * z) ** k for k in range(1, 6)], 1)  # z 256 <= 1: columns of like size
    wt = 1 / np.maximum(hi - lo, 0.25)  # near h = 0 the windows are tiny; do not let them dominate
    co = np.linalg.lstsq(A * wt[:, None], (lo + hi) / 2 * wt, rcond=None)[0]
    inside = lambda co: int(((A @ co >= lo - 1e-9) & (A @ co < hi + 1e-9)).sum())
    best, steps, scale = inside(co), np.full(5, 0.05), np.abs(co)
    while steps.max() > 1e-5:
        better = False
        for j in range(5):
            for sg in (1, -1):
                c2 = co.copy(); c2[j] += sg * steps[j] * scale[j]; k = inside(c2)
                if k > best: best, co, better = k, c2, True
        if not better: steps *= 0.7
    print('# FSIN/FCOS Intel: the cosine error polynomial e(z) = sum e_k z^k, units of 2^-72 (scripts/x87-trans/intel-trig.py fit %d)' % n)
    print('# fitted to %d exact host results; inside the model\'s TZ67 window: %d' % (len(R), best))
    for k, v in enumerate(co):
        print('e %d %.9g' % (k + 1, v * 256 ** (k + 1)))

def load_table():
    e = []
    for line in open(TABLE):
        if line.startswith('#') or not line.strip(): continue
        _, k, v = line.split('#')[0].split(); e.append(F(v))
    return e

ZM_COS = F(644075, 10**7)  # measured: the phases of the sawtooth's drops (session 24)

def cos_poly():
    """p1 .. p6: the minimax polynomial 1 + p1 z + ... + p6 z^6 of cos(sqrt z) on [0, ZM_COS]
    (absolute error; remez.py's minimax, the error alternating at seven points, zero at z = 0)."""
    from remez import minimax
    zm = mp.mpf(ZM_COS.numerator) / ZM_COS.denominator
    return [X.fr(v) for v in minimax(lambda z: mp.cos(mp.sqrt(z)) - 1, zm, 6)]

_COSP = None

def cos_small(r, session24=False):
    """The host's cos r in FSIN and FCOS for |r| < 1/4: 1 + TZ67(TZ67(TZ67(z) RN64(O(z^2))) + E(z^2) - 1),
    z = r^2 (session 25 added the truncations; session24=True leaves them out)."""
    global _COSP
    if _COSP is None:
        _COSP = cos_poly()
    p = _COSP; z = r * r; w = z * z
    o = X.rnd(p[0] + p[2] * w + p[4] * w * w, 64, 0)
    e = p[1] * w + p[3] * w * w + p[5] * w * w * w
    if session24: return 1 + e + z * o
    return 1 + tz67(tz67(tz67(z) * o) + e)

def cos_pair(r):
    """The host's cos r in FSINCOS and FPTAN for |r| < 1/4 (session 25): 1 + TZ67(TZ67(z) RN64(Q(z))),
    Q = p1 + p2 z + ... + p6 z^5, the same polynomial as cos_small's, whole."""
    global _COSP
    if _COSP is None:
        _COSP = cos_poly()
    p = _COSP; z = r * r
    q = 0
    for c in reversed(p): q = q * z + c
    return 1 + tz67(tz67(z) * X.rnd(q, 64, 0))

ZM_SIN = F(6288, 10**5)  # session 24: the phases of FSIN's sine sawtooth (spread 0.04)

def sin_poly():
    """s1 .. s6: the minimax polynomial x + s1 x^3 + ... + s6 x^13 of sin x on 0 <= x^2 <= ZM_SIN
    (absolute error; remez.py's minimax_basis)."""
    from remez import minimax_basis
    xm = mp.sqrt(mp.mpf(ZM_SIN.numerator) / ZM_SIN.denominator)
    basis = [(lambda k: lambda x: x ** (2 * k + 3))(k) for k in range(6)]
    return [X.fr(v) for v in minimax_basis(lambda x: mp.sin(x) - x, basis, mp.mpf(0), xm)]

_SINP = None

def sin_small(r, pair=False):
    """The host's sin r for |r| < 1/4 (session 25), z = r^2, w = z^2, O = s1 + s3 w + s5 w^2,
    E' = s2 + s4 w + s6 w^2: r + TZ67(r u) with u = RN64(TZ67(TZ67(z) RN64(O)) + w E') in FSIN and
    FCOS, u = RN64(TZ67(TZ67(z) RN64(O + z E'))) in FSINCOS and FPTAN (pair)."""
    global _SINP
    if _SINP is None:
        _SINP = sin_poly()
    s = _SINP; a = abs(r); z = a * a; w = z * z
    o = s[0] + s[2] * w + s[4] * w * w; e = s[1] + s[3] * w + s[5] * w * w
    if pair: u = X.rnd(tz67(tz67(z) * X.rnd(o + z * e, 64, 0)), 64, 0)
    else: u = X.rnd(tz67(tz67(z) * X.rnd(o, 64, 0)) + w * e, 64, 0)
    v = a + tz67(a * u)
    return -v if r < 0 else v

def poly_ts(p, letter, what):
    """c1, c3, c5 (the odd half), then c2, c4, c6 of a polynomial for |r| < 1/4, as f128 entries."""
    out = ['// %s1, %s3, %s5, then %s2, %s4, %s6 of the %s polynomial for |r| < 1/4 (intel-trig.py %spoly)' % ((letter,) * 6 + (what, what[:3]))]
    for k in (1, 3, 5, 2, 4, 6):
        out.append(f128_signed(p[k - 1], '%s%d' % (letter, k)))
    print('\n'.join(out))

def model(code, x, table):
    k = math.floor(x / P2 + F(1, 2)); r = x - k * P2
    kk = k + (1 if code == 35 else 0); cos_ = kk % 2 == 1
    a = abs(r)
    if table is None:
        v = cosf(r) if cos_ else sinf(r)
    elif a < F(1, 4):
        v = cos_small(r) if cos_ else sin_small(r)
    else:
        sv, cv = terms(a, table)
        if cos_: v = cv
        else: v = -sv if r < 0 else sv
    return -v if kk & 2 else v

def score(lo, hi, n):
    table = load_table()
    xs = [randx(lo, hi) for _ in range(n)]
    res = run(xs, (0, 1, 2, 3))
    for ci, code in enumerate((34, 35)):
        for name, t in (('table', table), ('exact', None)):
            ok = sum(1 for x, h in zip(xs, res) for rc in range(4) if X.rnd(model(code, x, t), 64, rc) == h[ci][rc])
            print('%s %s %d/%d' % ('FSIN' if code == 34 else 'FCOS', name, ok, 4 * n))

def f128_signed(v, note):
    """One entry of a TypeScript f128 table, sign included (v != 0, truncated to 128 bits)."""
    sg = 1 if v < 0 else 0; a = abs(v); ex = X.expo(a); m = int(a * F(2) ** (127 - ex))
    return '  0x%016X, 0x%016X, 0x%X, // %s' % (m >> 64, m & X.M64, (sg << 32) | (ex & 0xFFFFFFFF), note)

def to_ts():
    e = []
    for line in sys.stdin:
        if line.startswith('#') or not line.strip(): continue
        _, k, v = line.split('#')[0].split(); e.append(F(v))
    out = ['// S = RN67(sin c), C = RN67(cos c) for the seven midpoints c']
    for c in MIDPOINTS:
        out.append(f128_signed(X.rnd(sinf(c), 67, 0), 'RN67(sin(%s))' % c))
        out.append(f128_signed(X.rnd(cosf(c), 67, 0), 'RN67(cos(%s))' % c))
    out.append('// e_k 2^-72, k = 5 .. 1 (Horner order)')
    for k in range(len(e), 0, -1):
        out.append(f128_signed(e[k - 1] * U72, 'e%d = %s' % (k, e[k - 1])))
    print('\n'.join(out))

def main():
    cmd = sys.argv[1]
    if cmd == 'ts': return to_ts()
    if cmd == 'cospoly': return poly_ts(cos_poly(), 'p', 'cosine')
    if cmd == 'sinpoly': return poly_ts(sin_poly(), 's', 'sine')
    if cmd == 'fit':
        random.seed(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
        return fit(int(sys.argv[2]))
    random.seed(int(sys.argv[5]) if len(sys.argv) > 5 else 1)
    score(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))

if __name__ == '__main__':
    main()
