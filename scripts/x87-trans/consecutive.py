#!/usr/bin/env python3
"""Issue 4, session 25: runs of consecutive operands on the Intel host, for per-operand noise.

Usage:
  python3 scripts/x87-trans/consecutive.py collect OP REG X N OUT
      the host's RN, RD and RU results (register REG: 0 = ST0, 1 = ST1) of op OP (29 F2XM1, 32 FPTAN,
      34 FSIN, 35 FCOS, 36 FSINCOS) for the N consecutive 64-bit operands from x = X (rounded down to
      the 64-bit grid); OUT gets 'x rn rd ru' lines (hex20)
  python3 scripts/x87-trans/consecutive.py noise MODEL FILE
      each operand's results leave an interval for the host's value (open ends kept open, the tie
      rule of RN kept: a coarse-grid model cannot land on an end and pass, README's trap); shifted
      by MODEL's value, in units of 2^-72. Prints the operands that no single shift fits, the shift
      most of them admit, and how many intervals lie wholly above / below shifts near it: the
      spread of the host's error around MODEL (the host's per-operand noise, if MODEL is smooth)
  python3 scripts/x87-trans/consecutive.py score MODEL FILE...
      operands whose RN, RD and RU results MODEL reproduces exactly, per file

Models: sin, cos (exact), sin_small and cos_small (FSIN/FCOS below 1/4), cos_small24 (session 24's,
without the truncations), sin_pair and cos_pair (FSINCOS/FPTAN below 1/4), tan (TZ67(sin_pair) /
TZ67(cos_pair)), tan_exactcos (TZ67(sin) / TZ67(cos)),
f2xm1 (|x| < 1/4, session 25), f2xm1_s21 (session 21's Y + RN64(TZ67(RNA64(Y) w))),
f2xm1_table (1/4 <= |x| < 1, session 23's A + TZ67(M RN64(e^Y - 1)), A = RN67(2^c - 1), M = RN64(1 + A)
since session 28).

Found with it (session 25; docs/RESULTS.md): over 30,000 consecutive operands at x = 0.24 FSINCOS's
cosine spreads -3.5..+4.2 units of 2^-72 around the exact cosine and -1..+1 at 0.13 (z 2^-66: Q ~ -1/2
rounded at its 64-bit grid, times z), while FSIN's sine and FCOS's cosine spread less than a unit;
cos_pair then misses 4 and 0 of 30,000 where the exact cosine misses 528 and 190.
"""
import importlib.util, os, subprocess, sys
from fractions import Fraction as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
_spec = importlib.util.spec_from_file_location('intel_trig', os.path.join(HERE, 'intel-trig.py'))
T = importlib.util.module_from_spec(_spec); _spec.loader.exec_module(T)
X = T.X
U72 = F(1, 2 ** 72)

def collect(op, reg, x, n, out):
    u = F(2) ** (X.expo(abs(x)) - 63)
    x0 = (x / u).__floor__() * u
    xs = [x0 + k * u for k in range(n)]
    exe = X.native()
    with open(out, 'w') as f:
        for i in range(0, n, 10000):
            part = xs[i:i + 10000]
            lines = ''.join('%d %x %s %s\n' % (op, 0x37f | (rc << 10), T.enc(v), '0' * 20) for v in part for rc in (0, 1, 2))
            res = subprocess.run([exe], input=lines, capture_output=True, text=True, check=True).stdout.split('\n')
            for j, v in enumerate(part):
                f.write('%s %s\n' % (T.enc(v), ' '.join(res[3 * j + k].split()[reg] for k in range(3))))

def load(fn):
    rows = []
    for line in open(fn):
        a = line.split()
        rows.append((X.dec(a[0]), [X.dec(v) for v in a[1:4]]))
    return rows

EPS = F(1, 2 ** 100)

def interval(h):
    """The host's value from its RN, RD, RU results: (lo, hi) with open ends moved in by EPS."""
    lo, hi = h[1], h[2]
    if lo == hi: return lo, hi
    mid = (lo + hi) / 2
    if h[0] == lo:  # (lo, mid], mid only if lo is even (ties to even)
        return lo + EPS, (mid if lo == 0 or T.sig64(lo) % 2 == 0 else mid - EPS)
    return (mid if T.sig64(hi) % 2 == 0 else mid + EPS), hi - EPS

L66 = X.rnd(X.LN2, 66, 0)

MODELS = {
    'sin': T.sinf, 'cos': T.cosf, 'sin_small': T.sin_small, 'sin_pair': lambda x: T.sin_small(x, True), 'cos_small': T.cos_small, 'cos_pair': T.cos_pair,
    'cos_small24': lambda x: T.cos_small(x, True),
    'tan': lambda x: T.tz67(T.sin_small(x, True)) / T.tz67(T.cos_pair(x)),
    'tan_exactcos': lambda x: T.tz67(T.sinf(x)) / T.tz67(T.cosf(x)),
    'f2xm1': lambda x: X.middle(x, L66), 'f2xm1_s21': lambda x: X.middle(x, L66, True),
    'f2xm1_table': lambda x: X.table_path(x, L66),
}

def noise(model, fn):
    f = MODELS[model]
    iv = []
    for x, h in load(fn):
        v = f(x); lo, hi = interval(h)
        iv.append((float((lo - v) / U72), float((hi - v) / U72)))
    ev = sorted([(a, 0) for a, b in iv] + [(b, 1) for a, b in iv])
    cur = best = 0; at = 0.0
    for i, (v, k) in enumerate(ev):
        if k == 0:
            cur += 1
            if cur > best: best, at = cur, (v + ev[i + 1][0]) / 2
        else: cur -= 1
    print('%d operands, %d fit no common shift; best shift %+.3f units of 2^-72' % (len(iv), len(iv) - best, at))
    print(' shift - best   intervals above   below')
    for k in range(-12, 13):
        c = at + k / 2
        print('%+8.1f %15d %9d' % (k / 2, sum(1 for a, b in iv if a > c), sum(1 for a, b in iv if b < c)))

def score(model, files):
    f = MODELS[model]
    for fn in files:
        rows = load(fn)
        ok = sum(1 for x, h in rows if all(X.rnd(f(x), 64, rc) == h[rc] for rc in range(3)))
        print('%s %s: %d of %d (%d misses)' % (model, fn, ok, len(rows), len(rows) - ok))

def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ''
    if cmd == 'collect':
        return collect(int(sys.argv[2]), int(sys.argv[3]), F(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
    if cmd == 'noise': return noise(sys.argv[2], sys.argv[3])
    if cmd == 'score': return score(sys.argv[2], sys.argv[3:])
    print(__doc__)

if __name__ == '__main__':
    main()
