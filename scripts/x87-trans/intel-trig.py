#!/usr/bin/env python3
"""Issue 4, sessions 18-29: FSIN and FCOS on an Intel host, read back against a table model
(f80-trig-intel.ts).

Usage:
  python3 scripts/x87-trans/intel-trig.py ts
    prints the TypeScript table of f80-trig-intel.ts's path for |r| >= 1/4 (S, C and the host's
    polynomials for sin h and 1 - cos h, session 29)
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
S = RN67(sin c), C = RN67(cos c), and (session 29)

    sin |r| = S + TZ67( TZ67(C s) - TZ67(S q))
    cos r   = C + TZ67(-TZ67(S s) - TZ67(C q))
    s = RN64(sin' h),  q = RN64(TZ67(z) RN64(Q(z))),  z = h^2

TZ67 truncates toward zero to 67 significant bits (Intel's internal precision). sin' h is the
host's sine, h + s1 h^3 + ... + s4 h^9, the relative-error minimax of sin h on |h| <= 65/1024, and
1 - z Q(z) (Q of degree 3) the absolute-error minimax of cos h there (table_polys). Evidence:
- Session 21: results exact in every RC (RD == RU) occur at the rate the 67-bit grid of the term
  TZ67(C sin h) predicts (2^-7 for |h| in [1/64, 1/32), halving per binade of h), so the sum is
  rounded once, at the end, from S plus a 67-bit D; S and C lie on the 67-bit grid and are
  RN67(sin c), RN67(cos c). Session 21 fitted the rest as cos h plus an error polynomial e(h^2)
  (five coefficients, an equal-ripple curve of +-3 units of 2^-72) with C (1 - cos' h) unrounded:
  82 misses on 100,000 operands (FSIN and FCOS, every RC).
- Session 29: misses where the host's result is exact and the model's lies just below it pointed at
  a rounded second term. RN64 of 1 - cos' h with a truncated product: 53; the fitted e(z) equals
  the error of the degree-4 minimax of cos (absolute error) on |h| <= h_m, sharp at h_m = 65/1024
  (64.8/1024, 65.2/1024: 121, 114; 1/16: 530); evaluated as FSINCOS's cosine below 1/4,
  RN64(TZ67(z) RN64(Q)): 4 (z exact: 20, Q truncated: 51, the product rounded at 64 bits: 115).
  The 4 were ties of RN64(sin h), decided by the sine polynomial's error: relative-error minimax on
  |h| <= 65/1024: 0 (absolute error: 1-6). Held out (100,000 other operands): 0 misses.
"""
import importlib.util, math, os, random, sys
from fractions import Fraction as F

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location('intel_exp', os.path.join(HERE, 'intel-exp.py'))
X = importlib.util.module_from_spec(_spec); _spec.loader.exec_module(X)
from mpmath import mp
mp.prec = 300

P2 = F(0xC90FDAA22168C234 * 4 + 3, 2**65)  # the CPU's pi/2, 66 bits

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

def sig64(v):
    """The 64-bit significand of a nonzero value on the 64-bit grid, as an integer."""
    a = abs(v); return int(a * F(2) ** (63 - X.expo(a)))

def segment(a):
    """The midpoint c of the table segment of |r| = a in [1/4, 1): the binade of a and the next two bits."""
    e = X.expo(a); w = F(2) ** (e - 2)
    return F(2) ** e + (math.floor((a - F(2) ** e) / w) + F(1, 2)) * w

MIDPOINTS = [F(k, 32) for k in (9, 11, 13, 15)] + [F(k, 16) for k in (9, 11, 13)]

def tz67(v): return X.rnd(v, 67, 3) if v != 0 else v

H_TABLE = F(65, 1024)  # session 29: the table polynomials' domain, |h| <= 65/1024 (1/16 and 1/248^(1/2): worse)

def table_polys():
    """Session 29: (s1..s4, c0..c3) of the table path's polynomials on |h| <= 65/1024. The sine
    h + s1 h^3 + ... + s4 h^9 is the minimax of sin h with relative error; the cosine's
    Q(z) = c0 + c1 z + c2 z^2 + c3 z^3, z = h^2, has 1 - z Q(z) the minimax of cos h with absolute
    error (degree 4 in z)."""
    from remez import minimax, minimax_basis
    H = mp.mpf(H_TABLE.numerator) / H_TABLE.denominator
    basis = [(lambda k: lambda x: x ** (2 * k + 3) / mp.sin(x))(k) for k in range(4)]
    s = [X.fr(v) for v in minimax_basis(lambda x: 1 - x / mp.sin(x), basis, mp.mpf(10) ** -6, H)]
    p = minimax(lambda z: mp.cos(mp.sqrt(z)) - 1, H * H, 4)
    return s, [-X.fr(v) for v in p]

_TP = []

def terms(a):
    """(sin a, cos a) of the model before the final rounding, a in [1/4, pi66/4] (session 29):
    sin h = RN64(the sine polynomial), 1 - cos h = RN64(TZ67(z) RN64(Q(z))), then
    S + TZ67(TZ67(C sin h) - TZ67(S (1 - cos h))) and C + TZ67(-TZ67(S sin h) - TZ67(C (1 - cos h)))."""
    if not _TP: _TP.append(table_polys())
    s, qc = _TP[0]
    c = segment(a); h = a - c
    S, C = X.rnd(sinf(c), 67, 0), X.rnd(cosf(c), 67, 0)
    if h == 0: return S, C
    z = h * h
    sh = X.rnd(h + h * z * sum(k * z ** i for i, k in enumerate(s)), 64, 0)
    q = X.rnd(tz67(z) * X.rnd(sum(k * z ** i for i, k in enumerate(qc)), 64, 0), 64, 0)
    return S + tz67(tz67(C * sh) - tz67(S * q)), C + tz67(-tz67(S * sh) - tz67(C * q))

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

ZM_SIN = F(6275, 10**5)  # session 29: the middle of the flat minimum 0.06272-0.06278 of FSIN's misses on 60,000 operands (session 24's phase fit: 0.06288, spread 0.04)

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
    FCOS, u = RNA64(TZ67(TZ67(z) RN64(O + z E'))) in FSINCOS and FPTAN (pair; session 29: the 67-bit
    value's ties go away from zero, which took FSINCOS's and FPTAN's misses at 1/16 <= |x| < 1/4
    from 15 and 18 to 1 and 0 of 30,000 operands, every RC)."""
    global _SINP
    if _SINP is None:
        _SINP = sin_poly()
    s = _SINP; a = abs(r); z = a * a; w = z * z
    o = s[0] + s[2] * w + s[4] * w * w; e = s[1] + s[3] * w + s[5] * w * w
    if pair: u = X.rna64(tz67(tz67(z) * X.rnd(o + z * e, 64, 0)))  # ties away from zero (session 29)
    else: u = X.rnd(tz67(tz67(z) * X.rnd(o, 64, 0)) + w * e, 64, 0)
    v = a + tz67(a * u)
    return -v if r < 0 else v

def poly_ts(p, letter, what):
    """c1, c3, c5 (the odd half), then c2, c4, c6 of a polynomial for |r| < 1/4, as f128 entries."""
    out = ['// %s1, %s3, %s5, then %s2, %s4, %s6 of the %s polynomial for |r| < 1/4 (intel-trig.py %spoly)' % ((letter,) * 6 + (what, what[:3]))]
    for k in (1, 3, 5, 2, 4, 6):
        out.append(f128_signed(p[k - 1], '%s%d' % (letter, k)))
    print('\n'.join(out))

def model(code, x, exact=False):
    k = math.floor(x / P2 + F(1, 2)); r = x - k * P2
    kk = k + (1 if code == 35 else 0); cos_ = kk % 2 == 1
    a = abs(r)
    if exact:
        v = cosf(r) if cos_ else sinf(r)
    elif a < F(1, 4):
        v = cos_small(r) if cos_ else sin_small(r)
    else:
        sv, cv = terms(a)
        if cos_: v = cv
        else: v = -sv if r < 0 else sv
    return -v if kk & 2 else v

def score(lo, hi, n):
    xs = [randx(lo, hi) for _ in range(n)]
    res = run(xs, (0, 1, 2, 3))
    for ci, code in enumerate((34, 35)):
        for name, t in (('model', False), ('exact', True)):
            ok = sum(1 for x, h in zip(xs, res) for rc in range(4) if X.rnd(model(code, x, t), 64, rc) == h[ci][rc])
            print('%s %s %d/%d' % ('FSIN' if code == 34 else 'FCOS', name, ok, 4 * n))

def f128_signed(v, note):
    """One entry of a TypeScript f128 table, sign included (v != 0, truncated to 128 bits)."""
    sg = 1 if v < 0 else 0; a = abs(v); ex = X.expo(a); m = int(a * F(2) ** (127 - ex))
    return '  0x%016X, 0x%016X, 0x%X, // %s' % (m >> 64, m & X.M64, (sg << 32) | (ex & 0xFFFFFFFF), note)

def to_ts():
    """The table of f80-trig-intel.ts's path for |r| >= 1/4: S, C, then the two polynomials (session 29)."""
    out = ['// S = RN67(sin c), C = RN67(cos c) for the seven midpoints c']
    for c in MIDPOINTS:
        out.append(f128_signed(X.rnd(sinf(c), 67, 0), 'RN67(sin(%s))' % c))
        out.append(f128_signed(X.rnd(cosf(c), 67, 0), 'RN67(cos(%s))' % c))
    s, qc = table_polys()
    out.append('// s1 .. s4: sin h = h + h z (s1 + s2 z + s3 z^2 + s4 z^3), z = h^2 (relative-error minimax, |h| <= 65/1024)')
    for k, v in enumerate(s):
        out.append(f128_signed(v, 's%d' % (k + 1)))
    out.append('// c0 .. c3: 1 - cos h = z (c0 + c1 z + c2 z^2 + c3 z^3) (absolute-error minimax of cos h, |h| <= 65/1024)')
    for k, v in enumerate(qc):
        out.append(f128_signed(v, 'c%d' % k))
    print('\n'.join(out))

def main():
    cmd = sys.argv[1]
    if cmd == 'ts': return to_ts()
    if cmd == 'cospoly': return poly_ts(cos_poly(), 'p', 'cosine')
    if cmd == 'sinpoly': return poly_ts(sin_poly(), 's', 'sine')
    random.seed(int(sys.argv[5]) if len(sys.argv) > 5 else 1)
    score(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))

if __name__ == '__main__':
    main()
