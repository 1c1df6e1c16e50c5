#!/usr/bin/env python3
"""Issue 4: reads internal values of the host's x87 transcendental microcode (docs/RESULTS.md).

  log2 X...        the host's 68-bit log2(X) (X as hex20 80-bit values): FYL2X(X, y) is
                   RC(y * L68), so RD/RU results for y = 1 and for y = 1 + k 2^-63 chosen to split
                   the remaining candidates pin down all 68 bits.
  signs OP M0 STEP N [E]
                   for OP = 32 (FPTAN) or 29 (F2XM1) at x = m 2^E (E default -100), m = M0 + i STEP
                   (decimal or 0x...), i < N: '+' where the host's RD result lies at or above the
                   reference (x for FPTAN, the 64-bit grid point nearest x ln2 for F2XM1: pick M0
                   and STEP so that x ln2 stays within ~0.002 ulp of the grid), '-' below. Such
                   sequences are rounding patterns [frac(c + i phi) >= w] of RN68(m K) for the
                   microcode's constant K, with phi = frac(16 STEP K) (8 above the product's binade).
Builds test/wasm/x87/native/f80ref.c with gcc -m32 into a temporary directory.
"""
import atexit, os, shutil, subprocess, sys, tempfile
from fractions import Fraction as Fr

HERE = os.path.dirname(os.path.abspath(__file__))
M64 = (1 << 64) - 1
_DIR = tempfile.mkdtemp(prefix='x87rb-')
atexit.register(shutil.rmtree, _DIR, True)
EXE = os.path.join(_DIR, 'f80ref')
subprocess.run(['gcc', '-m32', '-O0', '-fno-pie', '-no-pie', '-o', EXE,
                os.path.join(HERE, '../../test/wasm/x87/native/f80ref.c')], check=True)

# ln 2 = sum 1 / (k 2^k), to about 2^-320
LN2 = Fr(sum((1 << (330 - k)) // k for k in range(1, 331)), 1 << 330)

def cw(rc):
    return 0x37f | (rc << 10)

def host(cases):
    """cases: (op, cw, a, b) with 80-bit ints; returns (r1, r2) per case."""
    inp = ''.join('%d %x %020x %020x\n' % c for c in cases)
    out = subprocess.run([EXE], input=inp, capture_output=True, text=True, check=True).stdout.split('\n')
    return [tuple(int(v, 16) for v in l.split()[:2]) for l in out[:len(cases)]]

def val(v):
    se, sig = v >> 64, v & M64
    e = se & 0x7fff
    q = Fr(sig) * Fr(2) ** ((e if e else 1) - 16383 - 63)
    return -q if se >> 15 else q

def rdru(q):
    """RD and RU of a Fraction at 64 significant bits."""
    a = abs(q)
    e = a.numerator.bit_length() - a.denominator.bit_length()
    if Fr(2) ** e > a:
        e -= 1
    t = a * Fr(2) ** (63 - e)
    f = t.numerator // t.denominator
    lo = Fr(f) / Fr(2) ** (63 - e)
    hi = lo if t == f else Fr(f + 1) / Fr(2) ** (63 - e)
    return (lo, hi) if q > 0 else (-hi, -lo)

def candidates(xs, op=30, bits=68):
    """For each x, the values on the grid of `bits` significant bits whose RD and RU equal the host's
    FYL2X (op 30) or FYL2XP1 (op 31) results for y = 1."""
    one = 0x3fff << 64 | 1 << 63
    r = host([c for x in xs for c in ((op, cw(1), x, one), (op, cw(2), x, one))])
    k = 2 ** (bits - 68)
    cands = []
    for i in range(len(xs)):
        lo, hi = val(r[2 * i][0]), val(r[2 * i + 1][0])
        a = abs(lo if lo != 0 else hi)
        e = a.numerator.bit_length() - a.denominator.bit_length()
        cs = set()
        for ee in (e - 2, e - 1, e, e + 1):
            u = Fr(2) ** (ee - bits + 1)
            for j in range(int(lo // u) - 20 * k, int(lo // u) + 40 * k):
                c = j * u
                if c != 0 and Fr(2) ** ee <= abs(c) < Fr(2) ** (ee + 1) and rdru(c) == (lo, hi):
                    cs.add(c)
        cands.append(sorted(cs))
    return cands

def log2_68(xs, op=30, rounds=8):
    """The host's 68-bit log2 (op 30: of x; op 31: of 1 + x), None where not pinned."""
    return pin(xs, op, candidates(xs, op, 68), rounds)

KS = list(range(1, 600)) + sorted({int(600 * 1.01 ** i) for i in range(1, 1450)})

def pin(xs, op, cands, rounds=8):
    """Which candidate value L of each x's 68-bit logarithm the host's FYL2X (op 30) or FYL2XP1 (op 31) has:
    RD/RU results for y = 1 + k 2^-63, each y chosen to split the remaining candidates in halves (None where
    none or several remain). With candidates from log2_68, or any list holding the host's L68."""
    cands = [list(c) for c in cands]
    for _ in range(rounds):
        todo = [i for i in range(len(xs)) if len(cands[i]) > 1]
        if not todo:
            break
        ys = {}
        for i in todo:
            best = None
            # k < 600, then k growing by 1% a step up to ~1e9: where L68's significand is 1 + eps, y L68 moves
            # against the 64-bit grid by only eps of a unit per step of k (L68 just above a power of two)
            for y in (Fr((1 << 63) + k, 1 << 63) for k in KS):
                groups = {}
                for c in cands[i]:
                    groups.setdefault(rdru(y * c), []).append(c)
                score = max(len(g) for g in groups.values())
                if best is None or score < best[0]:
                    best = (score, y)
                if score <= (len(cands[i]) + 1) // 2:
                    break
            ys[i] = best[1]
        r = host([c for i in todo for c in ((op, cw(1), xs[i], 0x3fff << 64 | int(ys[i] * (1 << 63))),
                                            (op, cw(2), xs[i], 0x3fff << 64 | int(ys[i] * (1 << 63))))])
        for n, i in enumerate(todo):
            seen = (val(r[2 * n][0]), val(r[2 * n + 1][0]))
            cands[i] = [c for c in cands[i] if rdru(ys[i] * c) == seen]
    return [c[0] if len(c) == 1 else None for c in cands]

def signs(op, m0, step, n, e):
    ms = [m0 + i * step for i in range(n)]
    r = host([(op, cw(1), (0x3fff + e) << 64 | m, 0) for m in ms])
    out = []
    for m, (r1, r2) in zip(ms, r):
        got = val(r2 if op == 32 else r1)
        x = Fr(m) * Fr(2) ** (e - 63)
        if op == 32:
            ref = x
        else:  # nearest 64-bit grid point to x ln2
            lo, hi = rdru(x * LN2)
            ref = lo if x * LN2 - lo < hi - x * LN2 else hi
        out.append('+' if got >= ref else '-')
    return ''.join(out)

if __name__ == '__main__':
    if len(sys.argv) > 2 and sys.argv[1] == 'log2':
        xs = [int(h, 16) for h in sys.argv[2:]]
        for x, l in zip(xs, log2_68(xs)):
            print('%020x' % x, 'ambiguous' if l is None else '%s (%.20g)' % (l, l.numerator / l.denominator))
    elif len(sys.argv) > 4 and sys.argv[1] == 'signs':
        a = sys.argv[2:]
        print(signs(int(a[0]), int(a[1], 0), int(a[2], 0), int(a[3]), int(a[4]) if len(a) > 4 else -100))
    else:
        print(__doc__)
