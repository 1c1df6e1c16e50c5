#!/usr/bin/env python3
"""Issue 4, sessions 18 and 26: FPATAN on an Intel host, read back against the model of f80-atan-intel.ts.

Usage:
  python3 scripts/x87-trans/intel-atan.py ts
    prints the TypeScript table A_j (j = 2..32) of f80-atan-intel.ts
  python3 scripts/x87-trans/intel-atan.py score N [SEED]
    host vs model (and vs the exact atan2) on measure.ts-like operands (x, y = +-2^k 1.f,
    k in [-3, 3] or [-60, 60]), every RC
  python3 scripts/x87-trans/intel-atan.py run X Y N [OUT]
    the N consecutive 64-bit operands y from Y (x = X, both taken to the 64-bit grid): the host's
    RN, RD and RU results against the model, and the operands whose host results include an exact
    one (RD = RU: the host's value had no bits beyond 64; OUT gets 'y rn rd ru' lines, hex20)

The model, with n = min(|x|, |y|), m = max(|x|, |y|), t = n / m (exact), j = round(32 t) (a tie
t = (2j + 1)/64 goes down to j: 608 of 608 host results at ties, 600 rounding up), c = j/32:
    j <= 1:    tq = t truncated to 67 bits; tq < 2^-40: a = tq, else a = atan(tq) (sessions 18, 21)
    j >= 2:    d = TZ67(m + c n), u = TZ67((n - c m) / d), a = RN67(atan c) + TZ67(atan u)
               (session 26; TZ67: truncated toward zero to 67 significant bits)
then the quadrant: x > 0: a or pi/2 - TZ67(a) (|y| > |x|), x < 0: pi - TZ67(a) or pi/2 + TZ67(a),
with the CPU's 66-bit pi (session 19), and one rounding to 64 bits.

How the j >= 2 path was read back (session 26): over 10,000-30,000 consecutive y at x = 1 the host's
error around A_j + atan u spread with |u| (none at u = 0, +-0.5 units of 2^-72 at |u| = 1/64) while
the t < 3/64 path showed none; some host results were exact (RD = RU), in runs of ~12 consecutive
operands, so the host's value is truncated to a grid before the last rounding; among those exact
results the error followed the low bits of d = 1 + t c (the truncation of the divisor to 67 bits),
and the rest of the spread and a jump at |u| = 2^-7 are the truncations of u and of atan u. Session
18-21's measured A_j (within 0.013 units of 2^-67 of RN67(atan c), scripts/x87-trans git history)
were these rounded constants plus the average of the truncations.
"""
import importlib.util, math, os, random, subprocess, sys
from fractions import Fraction as F

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location('intel_exp', os.path.join(HERE, 'intel-exp.py'))
X = importlib.util.module_from_spec(_spec); _spec.loader.exec_module(X)
_spec = importlib.util.spec_from_file_location('intel_trig', os.path.join(HERE, 'intel-trig.py'))
T = importlib.util.module_from_spec(_spec); _spec.loader.exec_module(T)
from mpmath import mp
mp.prec = 300

PI66 = F(0xC90FDAA22168C234 * 4 + 3, 2**64)

def atanf(v): return X.fr(mp.atan(X.mpv(v)))
tz67 = T.tz67

def table(j):
    """A_j = RN67(atan(j/32)), j = 2..32."""
    return X.rnd(atanf(F(j, 32)), 67, 0)

def run(pairs, rcs):
    """Host FPATAN results [rc] for (x, y) pairs (x = ST0, y = ST1)."""
    lines = ['33 %x %s %s\n' % (0x37f | (rc << 10), T.enc(x), T.enc(y)) for x, y in pairs for rc in rcs]
    out = subprocess.run([X.native()], input=''.join(lines), capture_output=True, text=True, check=True).stdout.split('\n')
    return [[X.dec(out[i * len(rcs) + k].split()[0]) for k in range(len(rcs))] for i in range(len(pairs))]

def kernel(n, m):
    """a = atan(n/m) as the host forms it, 0 < n <= m."""
    t = n / m
    tq = tz67(t)
    j = math.ceil(t * 32 - F(1, 2)); c = F(j, 32)  # a tie t = (2j + 1)/64 takes j (session 26)
    if tq < F(1, 2**40): return tq
    if j <= 1: return atanf(tq)
    d = tz67(m + c * n); num = n - c * m
    if num == 0: return table(j)
    return table(j) + tz67(atanf(tz67(num / d)))

def model(x, y, exact=False):
    ax, ay = abs(x), abs(y); swap = ay > ax
    n, m = (ax, ay) if swap else (ay, ax)
    a = atanf(n / m) if exact else kernel(n, m)
    if (swap or x < 0) and not exact: a = tz67(a)
    if swap: v = PI66 / 2 + a if x < 0 else PI66 / 2 - a
    else: v = PI66 - a if x < 0 else a
    return -v if y < 0 else v

def randv(big):
    k = random.randint(-60, 60) if big else random.randint(-3, 3)
    v = F(X.J | random.getrandbits(63)) * F(2) ** (k - 63)
    return -v if random.randint(0, 1) else v

def score(n):
    pairs = []
    for _ in range(n):
        big = random.randint(0, 9) >= 5
        pairs.append((randv(big), randv(big)))
    res = run(pairs, (0, 1, 2, 3))
    for name, ex in (('model', False), ('exact', True)):
        ok = sum(1 for (x, y), h in zip(pairs, res) for rc in range(4) if X.rnd(model(x, y, ex), 64, rc) == h[rc])
        print('FPATAN %s %d/%d' % (name, ok, 4 * n))

def grid(v):
    u = F(2) ** (X.expo(abs(v)) - 63)
    return (v / u).__floor__() * u

def consecutive(x, y, n, out=None):
    x = grid(x); y0 = grid(y); u = F(2) ** (X.expo(abs(y0)) - 63)
    ys = [y0 + k * u for k in range(n)]
    res = []
    for i in range(0, n, 5000): res += run([(x, y) for y in ys[i:i + 5000]], (0, 1, 2))
    miss = sum(1 for y, h in zip(ys, res) if any(X.rnd(model(x, y), 64, rc) != h[rc] for rc in range(3)))
    exact = sum(1 for h in res if h[1] == h[2])
    print('x = %s, %d operands from y = %s: %d misses, %d exact host results' % (T.enc(x), n, T.enc(y0), miss, exact))
    if out:
        with open(out, 'w') as f:
            for y, h in zip(ys, res): f.write('%s %s\n' % (T.enc(y), ' '.join(T.enc(v) for v in h)))

def to_ts():
    for j in range(2, 33):
        print(X.f128_line(table(j), 'atan(%d/32) RN67' % j))

def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ''
    if cmd == 'ts': return to_ts()
    if cmd == 'score':
        random.seed(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
        return score(int(sys.argv[2]))
    if cmd == 'run':
        return consecutive(F(sys.argv[2]), F(sys.argv[3]), int(sys.argv[4]), sys.argv[5] if len(sys.argv) > 5 else None)
    print(__doc__)

if __name__ == '__main__':
    main()
