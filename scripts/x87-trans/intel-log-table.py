#!/usr/bin/env python3
"""Issue 4, sessions 22 and 28: the table path of Intel's FYL2X logarithm (x outside 7/8..9/8; f80-log-intel.ts).

FYL2X(x, y) = RC(y V) for a 67-bit V, pinned exactly by readback.py's pin (RD and RU results for a
few y = 1 + k 2^-63). Read back from pinned V:
  x = 2^e m, m in [1/2, 1); c = the midpoint of m's 1/64 (index j = m's fraction bits 2..6);
  s = RNE64((m - c) / RNE64(m + c))   (m - c exact; the sum loses m's last bits, ties to even)
  t = RN64(TZ67(2 s C66) + 2 log2 e (c3 s^3 + c5 s^5 + c7 s^7))
                                      (C66 = log2 e rounded to 66 bits; c3, c5, c7: the minimax of
                                      atanh(s) - s, absolute error, on 0 <= s <= 2^-7: intel-log.py
                                      tablepoly; session 28)
  V = TZ67(e + log2 c + t)            (log2 c exact: at 68-70 bits it fits worse)
Session 22 had h = TZ67(2 s C66) plus the exact tail and K, an offset per entry j, sign and binade
of h (256 values fitted to 43,740 pinned values), which stood in for the polynomial's error
(docs/RESULTS.md, sessions 22 and 28).

  pin N SEED LO HI OUT   pins V for N random x uniform in [LO, HI) (decimal), 'x_hex20 num/den' lines
  edge N SEED OUT        the same for x just above 1/2 and just below 2 (as measure.ts draws them)
  score OP FILE...       the model against pinned V: OP 30 FYL2X, 31 FYL2XP1 (of 1 + x)
Needs gcc -m32, python3 with mpmath.
"""
import os, random, sys
from fractions import Fraction as Fr
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from readback import val  # noqa: E402
import importlib.util  # noqa: E402
import mpmath  # noqa: E402

_spec = importlib.util.spec_from_file_location('intel_log', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'intel-log.py'))
_il = importlib.util.module_from_spec(_spec); _spec.loader.exec_module(_il)
write, load, mpf = _il.pin_write, _il.load, _il.mpf

mpmath.mp.prec = 300
HERE = os.path.dirname(os.path.abspath(__file__))
L2E = 1 / mpmath.log(2)

def rnd(v, bits, mode):
    """v rounded to `bits` significant bits: 'rne' (ties to even) or 'tz' (toward zero)."""
    if v == 0:
        return v
    e = mpmath.floor(mpmath.log(abs(v), 2))
    sc = mpmath.mpf(2) ** (bits - 1 - e)
    t = abs(v) * sc
    if t >= 2 ** bits:  # log's floor can be one too low at a power of two
        sc /= 2; t /= 2
    f = mpmath.floor(t)
    if mode == 'rne':
        r = t - f
        if r > 0.5 or (r == 0.5 and f % 2 == 1):
            f += 1
    return mpmath.sign(v) * f / sc


C2 = 2 * rnd(L2E, 66, 'rne')

def enc(x):
    """a positive Fraction as an 80-bit value, truncated to 64 bits."""
    e = 0
    while x >= 2: x /= 2; e += 1
    while x < 1: x *= 2; e -= 1
    return (0x3fff + e) << 64 | int(x * (1 << 63))

_TP = []

def tail_poly(s):
    """c3 s^3 + c5 s^5 + c7 s^7 (intel-log.py's atanh_table_poly, computed once)."""
    if not _TP:
        _TP.extend(_il.atanh_table_poly())
    return sum(c * s ** (2 * k + 3) for k, c in enumerate(_TP))

def terms(w):
    """(e, j, log2(2^e c), t) of the table path for w > 0 (mpf)."""
    e = int(mpmath.floor(mpmath.log(w, 2))) + 1
    m = w / mpmath.mpf(2) ** e
    if m >= 1: m /= 2; e += 1
    if m < 0.5: m *= 2; e -= 1
    j = int(mpmath.floor((m - 0.5) * 64))
    c = mpmath.mpf(0.5) + (mpmath.mpf(j) + mpmath.mpf(0.5)) / 64
    s = rnd((m - c) / rnd(m + c, 64, 'rne'), 64, 'rne')
    t = rnd(rnd(s * C2, 67, 'tz') + 2 * tail_poly(s) * L2E, 64, 'rne')
    return e, j, e + mpmath.log(c, 2), t

def table_path(w):
    return not (0.875 <= w <= 1.125)

def model(w):
    e, j, L, t = terms(w)
    return rnd(L + t, 67, 'tz')

def score(op, files):
    n = ok = 0
    for x, V in load(files):
        w = mpf(val(x)) + (1 if op == 31 else 0)
        if not table_path(w):
            continue
        n += 1; ok += model(w) == mpf(V)
    print('%d of %d pinned values' % (ok, n))

if __name__ == '__main__':
    a = sys.argv[1:]
    if len(a) == 6 and a[0] == 'pin':
        random.seed(int(a[2])); lo, hi = Fr(a[3]), Fr(a[4])
        write([enc(lo + (hi - lo) * Fr(random.getrandbits(62), 1 << 62)) for _ in range(int(a[1]))], 30, a[5])
    elif len(a) == 4 and a[0] == 'edge':
        random.seed(int(a[2])); J, M64 = 1 << 63, (1 << 64) - 1; xs = []
        for i in range(int(a[1])):
            sh = 8 + random.randrange(56)
            d = (random.getrandbits(64) >> sh) or 1  # never x = 1/2 itself: V = -1 exactly, which pin
            xs.append((0x3ffe << 64 | J + d) if i % 2 == 0  # cannot split (it spent hours on one)
                      else (0x3fff << 64 | M64 - d))
        write(xs, 30, a[3])
    elif len(a) >= 3 and a[0] == 'score':
        score(int(a[1]), a[2:])
    else:
        print(__doc__)
