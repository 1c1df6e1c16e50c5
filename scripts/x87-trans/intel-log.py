#!/usr/bin/env python3
"""Issue 4, session 19: Intel's FYL2X / FYL2XP1 logarithm, read back exactly (docs/RESULTS.md).

FYL2X(x, y) and FYL2XP1(x, y) on the Intel host are RC(y V) for a 67-bit V (checked: 800 of 800
further random y agree with the pinned V), so readback.py's pin() recovers V exactly from RD/RU
results for y = 1 and a few y = 1 + k 2^-63.

  pin OP N SEED LO HI OUT   pins V for N random operands: OP 30 (FYL2X) at x = 1 + d, OP 31
                            (FYL2XP1) at x = d, with |d| = m 2^e, e uniform in LO..HI, either
                            sign; writes 'x_hex20 num/den' lines ('none' where not pinned)
  pinnear OP N SEED LO HI OUT
                            the same, keeping only operands whose model value lies within 0.05 of
                            a 67-bit step (README method 7)
  score OP FILE...          the near-1 model of wasm/core/x87/f80-log-intel.ts against pinned V
                            (|d| < 1/8), per binade of d
  misses OP FILE...         the model's misses: E = the host's value minus the model's before the
                            final truncation (an interval of width one unit of the 67th bit),
                            and the fraction of B at that bit

  poly                      the host's atanh polynomial (session 24) as wasm/core/x87/f80-log-intel.ts's
                            table: P of degree 5, the minimax of atanh(s)/s = 1 + z P(z), z = s^2,
                            on 0 <= z <= 1/225 (|s| <= 1/15, the s of |x| <= 1/8)
  tablepoly                 the table path's (session 28): c3 s^3 + c5 s^5 + c7 s^7, the minimax
                            of atanh(s) - s (absolute error) on 0 <= s <= 1/128

The model: w = TZ66(1 + d), u = w - 1, s = d / (1 + w), h = TZ67(d C66), q = h - u TZ67(s C66),
B = 2 s z P(z) log2 e, V = TZ67(q + B truncated toward zero at q's 67th bit).
Session 24 found P: windows of consecutive operands (README method 5) showed B off the exact
series (2 atanh s - 2 s) log2 e by a smooth amount, about 2 s log2 e 2^-72 with seven sign changes
over z; a degree-5 polynomial fitted to the windows came out as the minimax one, whose error
(1.46 2^-72) has that shape.
Session 27: 2,000 FYL2XP1 values pinned where the model's value lies within 0.05 of a 67-bit step
(where the second-order term's own error decides: `pinnear`, README method 7):
u s log2 e exact 1,760, u RN67(s C66) 1,826, u TZ67(d / (1 + w) C66) 1,980 (random pinned 2,394 of
2,400, FYL2X near 1 1,595 of 1,600): the quotient over the same truncated 1 + w that gives u.
Found in session 19: for |d| < 2^-35 V = TZ67(TZ67(u C66) - u^2/2 log2 e) reproduces every pinned
value; above, the odd series' tail enters truncated at the result's 67th bit; FYL2XP1's second
term takes u from 1 + x truncated to 66 bits.
Needs gcc -m32 and python3 with mpmath.
"""
import os, random, sys, collections
from fractions import Fraction as Fr
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from readback import val, pin, candidates  # noqa: E402
from remez import minimax, minimax_basis  # noqa: E402
import importlib.util  # noqa: E402
_spec = importlib.util.spec_from_file_location('intel_exp', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'intel-exp.py'))
X = importlib.util.module_from_spec(_spec); _spec.loader.exec_module(X)
import mpmath  # noqa: E402

mpmath.mp.prec = 400
L2E = 1 / mpmath.log(2)

def exponent(a):
    a = abs(a)
    e = a.numerator.bit_length() - a.denominator.bit_length()
    return e - 1 if Fr(2) ** e > a else e

def to80(X):
    neg, a = X < 0, abs(X)
    e = exponent(a)
    return neg << 79 | (0x3fff + e) << 64 | int(a * Fr(2) ** (63 - e))

def pin_cmd(op, n, seed, lo, hi, out, near=None):
    """pins n random operands (see the usage); with near (pinnear), only those whose near-1 model
    value lies within `near` of a 67-bit step above it (in magnitude), where a small error of the
    host's decides the result (README method 7); operands outside |d| < 1/8 are then skipped."""
    random.seed(seed)
    xs = []
    while len(xs) < n:
        d = Fr(random.getrandbits(63) | 1 << 63, 1 << 63) * Fr(2) ** random.randint(lo, hi)
        d = -d if random.random() < 0.5 else d
        x = to80(1 + d if op == 30 else d)
        if near is not None:
            d = val(x) - 1 if op == 30 else val(x)
            if not 0 < abs(d) < Fr(1, 8):
                continue
            V, q, B = model(mpf(d))
            un = ulp67(q)
            if float((abs(q + tz_at(B, un)) / un) % 1) >= near:
                continue
        xs.append(x)
    pin_write(xs, op, out)

def pin_write(xs, op, out):
    """pins V of FYL2X (op 30) or FYL2XP1 (op 31) for the 80-bit operands xs into OUT."""
    got = pin(xs, op, candidates(xs, op, 70), rounds=12)
    with open(out, 'w') as f:
        for x, g in zip(xs, got):
            f.write('%020x %s\n' % (x, 'none' if g is None else '%d/%d' % (g.numerator, g.denominator)))

def load(files):
    rows = []
    for fn in files:
        for l in open(fn):
            x, g = l.split()
            if g != 'none':
                n, d = g.split('/')
                rows.append((int(x, 16), Fr(int(n), int(d))))
    return rows

def mpf(q):
    return mpmath.mpf(q.numerator) / q.denominator

def ulp67(v):
    return mpmath.mpf(2) ** (exponent(Fr(int(abs(v) * 2 ** 400), 2 ** 400)) - 66)

def tz(v, bits):
    """v truncated toward zero to `bits` significant bits."""
    if v == 0:
        return v
    sc = mpmath.mpf(2) ** (bits - 1) / (ulp67(v) * 2 ** 66)
    return mpmath.sign(v) * mpmath.floor(abs(v) * sc) / sc

def tz_at(v, unit):
    t = v / unit
    return mpmath.sign(t) * mpmath.floor(abs(t)) * unit

C66 = mpmath.nint(L2E * 2 ** 65) / 2 ** 65

def atanh_poly():
    """P's six coefficients: the degree-5 polynomial minimising max |z P(z) - (atanh(s)/s - 1)|,
    z = s^2 in [0, 1/225] (remez.py's minimax: the error is zero at z = 0 and alternates at seven
    points, the last at 1/225)."""
    f = lambda z: mpmath.atanh(mpmath.sqrt(z)) / mpmath.sqrt(z) - 1
    return minimax(f, mpmath.mpf(1) / 225, 6)

_P = None

def host_B(s):
    """The host's B = 2 s z P(z) log2 e."""
    global _P
    if _P is None:
        _P = atanh_poly()
    z = s * s
    p = 0
    for c in reversed(_P):
        p = p * z + c
    return 2 * s * z * p * L2E

def model(d):
    """(V, q, B) of the near-1 model for d = x - 1 (FYL2X) or x (FYL2XP1)."""
    u = tz(1 + d, 66) - 1
    s = d / (1 + tz(1 + d, 66))  # session 27: over the truncated 1 + d (was d / (2 + d))
    h = tz(d * C66, 67)
    f = s * C66  # session 27: s log2 e truncated to 67 bits (u s log2 e exact before)
    w67 = tz(f, 67)
    q = h - u * w67
    B = host_B(s)
    W = q + tz_at(B, ulp67(q))
    if w67 != f and u != 0 and W > 0 and tz(W, 67) == W:
        W -= ulp67(W)  # the truncated factor acts as a little more than its 67 bits (x = 1/8)
    return tz(W, 67), q, B

def atanh_table_poly():
    """Session 28: the table path's tail polynomial, c3 s^3 + c5 s^5 + c7 s^7 minimising
    max |c3 s^3 + c5 s^5 + c7 s^7 - (atanh(s) - s)| on 0 <= s <= 1/128 (the largest |s| of the
    table path is 1/129, at m = 1/2, c = 65/128; 2^-7 fits better): absolute error, alternating at
    four points, the last at 1/128."""
    fs = lambda s: mpmath.atanh(s) - s if s > 0 else mpmath.mpf(0)
    return minimax_basis(fs, [lambda s: s ** 3, lambda s: s ** 5, lambda s: s ** 7], mpmath.mpf(0), mpmath.mpf(1) / 128)

def table_poly_ts():
    """c3, c5, c7 as an f128 table, the coefficient of s^(2k + 3) at entry k."""
    for k, c in enumerate(atanh_table_poly()):
        print(X.f128_line(Fr(int(mpmath.floor(c * mpmath.mpf(2) ** 300)), 2 ** 300), 's^%d: 1/%d %+.3e' % (2 * k + 3, 2 * k + 3, float(c - mpmath.mpf(1) / (2 * k + 3)))))

def poly_ts():
    """P as an f128 table (high, low, sign << 32 | exponent), coefficient of z^k at entry k."""
    for k, c in enumerate(atanh_poly()):
        print(X.f128_line(Fr(int(mpmath.floor(c * mpmath.mpf(2) ** 300)), 2 ** 300), 'z^%d: 1/%d %+.3e' % (k, 2 * k + 3, float(c - mpmath.mpf(1) / (2 * k + 3)))))

def near1(op, files):
    for x, g in load(files):
        d = val(x) - 1 if op == 30 else val(x)
        if abs(d) < Fr(1, 8):
            yield mpf(d), mpf(g)

def score(op, files):
    by = collections.defaultdict(lambda: [0, 0])
    for d, g in near1(op, files):
        b = by[int(mpmath.floor(mpmath.log(abs(d), 2)))]
        b[0] += model(d)[0] == g
        b[1] += 1
    for e in sorted(by):
        print('2^%d: %d of %d' % (e, by[e][0], by[e][1]))
    print('all: %d of %d' % (sum(b[0] for b in by.values()), sum(b[1] for b in by.values())))

def misses(op, files):
    for d, g in near1(op, files):
        V, q, B = model(d)
        if V == g:
            continue
        un = ulp67(q)
        W = q + tz_at(B, un)
        lo, hi = ((g - W) / un, (g + un - W) / un) if g > 0 else ((g - un - W) / un, (g - W) / un)
        print('d=%+.6e E in [%+.3f, %+.3f) B frac %.3f' % (float(d), float(lo), float(hi), float(abs(B / un) % 1)))

if __name__ == '__main__':
    a = sys.argv[1:]
    if len(a) == 7 and a[0] in ('pin', 'pinnear'):
        pin_cmd(int(a[1]), int(a[2]), int(a[3]), int(a[4]), int(a[5]), a[6], None if a[0] == 'pin' else 0.05)
    elif a == ['poly']:
        poly_ts()
    elif a == ['tablepoly']:
        table_poly_ts()
    elif len(a) >= 3 and a[0] in ('score', 'misses'):
        (score if a[0] == 'score' else misses)(int(a[1]), a[2:])
    else:
        print(__doc__)
