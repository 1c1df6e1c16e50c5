#!/usr/bin/env python3
"""Issue 4, session 22: the table path of Intel's FYL2X logarithm (x outside 7/8..9/8; f80-log-intel.ts).

FYL2X(x, y) = RC(y V) for a 67-bit V, pinned exactly by readback.py's pin (RD and RU results for a
few y = 1 + k 2^-63). Read back from pinned V:
  x = 2^e m, m in [1/2, 1); c = the midpoint of m's 1/64 (index j = m's fraction bits 2..6);
  s = RNE64((m - c) / RNE64(m + c))   (m - c exact; the sum loses m's last bit, ties to even)
  h = TZ67(2 s C66)                    (C66 = log2 e rounded to 66 bits)
  V = TZ67(e + log2 c + h + (2 atanh s - 2 s) log2 e + K 2^-77)
K is a measured offset per entry j, sign of h and binade of h (|h| < 2^-8, [2^-8, 2^-7),
[2^-7, 2^-6), >= 2^-6): 256 values, fitted here. Within an entry the host's error varies by about
+-1.5 units of 2^-72, piecewise with steps where h changes binade; the constants are the best
single value per piece, not a model of that error (docs/RESULTS.md, session 22).

  pin N SEED LO HI OUT   pins V for N random x uniform in [LO, HI) (decimal), 'x_hex20 num/den' lines
  edge N SEED OUT        the same for x just above 1/2 and just below 2 (as measure.ts draws them)
  fit FILE...            fits K to pinned files into intel-log-table.txt
  ts                     prints wasm/core/x87/f80-log-intel-table.ts from intel-log-table.txt
  score OP FILE...       the model (with the table) against pinned V: OP 30 FYL2X, 31 FYL2XP1 (of 1 + x)
Needs gcc -m32, python3 with mpmath and numpy.
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
TABLE = os.path.join(HERE, 'intel-log-table.txt')
L2E = 1 / mpmath.log(2)
U = mpmath.mpf(2) ** -72

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

def terms(w):
    """(e, j, index, W without K) of the table path for w > 0 (mpf)."""
    e = int(mpmath.floor(mpmath.log(w, 2))) + 1
    m = w / mpmath.mpf(2) ** e
    if m >= 1: m /= 2; e += 1
    if m < 0.5: m *= 2; e -= 1
    j = int(mpmath.floor((m - 0.5) * 64))
    c = mpmath.mpf(0.5) + (mpmath.mpf(j) + mpmath.mpf(0.5)) / 64
    s = rnd((m - c) / rnd(m + c, 64, 'rne'), 64, 'rne')
    h = rnd(s * C2, 67, 'tz')
    k = j * 8
    if h != 0:
        b = int(mpmath.floor(mpmath.log(abs(h), 2))) + 9
        k += (4 if h < 0 else 0) + min(max(b, 0), 3)
    W = e + mpmath.log(c, 2) + h + (2 * mpmath.atanh(s) - 2 * s) * L2E
    return e, j, k, W

def table_path(w):
    return not (0.875 <= w <= 1.125)

def fit(files):
    import numpy as np
    rows = []
    for x, V in load(files):
        w = mpf(val(x))
        if not table_path(w):
            continue
        e, j, k, W = terms(w)
        Vm = mpf(V); u = mpmath.mpf(2) ** (mpmath.floor(mpmath.log(abs(Vm), 2)) - 66)
        # V = TZ67(W + K): W + K in [V, V + u) (V > 0) or (V - u, V] (V < 0), K in units of 2^-72
        lo, hi = ((Vm - W) / U, (Vm + u - W) / U) if Vm > 0 else ((Vm - u - W) / U, (Vm - W) / U)
        rows.append((k, float(lo), float(hi)))
    K = np.arange(-20, 20, 1 / 32)
    with open(TABLE, 'w') as f:
        f.write('# FYL2X Intel table path: K per entry j * 8 + (h < 0) * 4 + binade of h, units of 2^-77\n')
        f.write('# (scripts/x87-trans/intel-log-table.py fit, %d pinned values)\n' % len(rows))
        for k in range(256):
            iv = np.array([(lo, hi) for kk, lo, hi in rows if kk == k]).reshape(-1, 2)
            if len(iv) == 0:
                f.write('K %d 0 # no data\n' % k); continue
            cnt = ((iv[:, 0][None, :] <= K[:, None]) & (K[:, None] < iv[:, 1][None, :])).sum(1)
            ok = K[cnt == cnt.max()]
            f.write('K %d %d # %d of %d\n' % (k, round((ok.min() + ok.max()) / 2 * 32), cnt.max(), len(iv)))

def load_table():
    t = [0] * 256
    for l in open(TABLE):
        if l.startswith('K '):
            p = l.split(); t[int(p[1])] = int(p[2])
    return t

def ts():
    t = load_table()
    print('// The offsets of Intel\'s FYL2X table path (f80-log-intel.ts), generated by')
    print('//   python3 scripts/x87-trans/intel-log-table.py ts (from scripts/x87-trans/intel-log-table.txt)')
    print('// Entry j * 8 + (h < 0 ? 4 : 0) + clamp(binade of h + 9, 0, 3), in units of 2^-77: the best')
    print('// single offset per piece for pinned host values (intel-log-table.py fit).')
    print('export const LOG_OFFSET_INTEL = memory.data<i32>([')
    for j in range(32):
        print('  ' + ', '.join('%d' % v for v in t[j * 8:j * 8 + 8]) + ', // j %d' % j)
    print(']);')

def model(w, t):
    e, j, k, W = terms(w)
    return rnd(W + t[k] * mpmath.mpf(2) ** -77, 67, 'tz')

def score(op, files):
    t = load_table(); n = ok = 0
    for x, V in load(files):
        w = mpf(val(x)) + (1 if op == 31 else 0)
        if not table_path(w):
            continue
        n += 1; ok += model(w, t) == mpf(V)
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
            xs.append((0x3ffe << 64 | J + (random.getrandbits(64) >> sh)) if i % 2 == 0
                      else (0x3fff << 64 | M64 - (random.getrandbits(64) >> sh)))
        write(xs, 30, a[3])
    elif len(a) >= 2 and a[0] == 'fit':
        fit(a[1:])
    elif a == ['ts']:
        ts()
    elif len(a) >= 3 and a[0] == 'score':
        score(int(a[1]), a[2:])
    else:
        print(__doc__)
