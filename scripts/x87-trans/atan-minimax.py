#!/usr/bin/env python3
"""Issue 4, FPATAN: near-minimax rational approximations of atan, to compare with the host's error.

atan t = t (1 + z N(z)/D(z)), z = t^2 in [0, 1], D(0) = 1, N of degree m, D of degree n; the error
z (g - N/D) with g = (atan t / t - 1)/z (absolute error of atan t / t; REL=1: relative to it) is
made near-equioscillating by a linearised least-squares fit (Sanathanan-Koerner) with Lawson
reweighting on 240 Chebyshev points, in mpmath. Prints the error amplitude and the z where the
error changes sign (for the host's [7/7]: docs/RESULTS.md "2026-11-27 — x87 FPATAN").
Usage: python3 scripts/x87-trans/atan-minimax.py 7/7 [6/6 ...]   (~15 s per type)

Session 8 (second FPATAN attempt; docs/RESULTS.md "session 8 — x87 FPATAN: the CPU's rational"):
  remez NORM M/N B OUT.pkl     exact rational Remez (mpmath, 240 bits) of F(z) = (atan t - t)/t^3 ~ P/Q,
                               Q(0) = 1, on z in [0, B], started from the Lawson fit above; NORM: rel
                               (relative error of atan t = t + t^3 P/Q: the CPU's), abs (absolute error
                               of atan t / t), absF, relF (of F), absatan (of atan t); saves (P, Q, E, xs)
  hostc OUT.pkl SAMPLES.pkl... the exact host C = g - R of atan.py 'samples' rows with the host's A
                               exactly on the grid point g (RD = RU)
  score IN.pkl HOSTC.pkl       share of those C reproduced by C = RN68(RN68(w N)/D) (z = RN68(R^2),
                               w = RN68(R z), RN68 Horner) with P, Q scaled so that coefficient k
                               (0..7 = n0..n7, 8..15 = d0..d7) is a power of two, every k
  nudge IN.pkl HOSTC.pkl       coordinate descent (steps +-1, 2, 4 units of the 68-bit last place) on
                               n0..d6 with d7 = 2^-11, scored on two thirds of the C, the rest held out
  table IN.pkl [DELTAS]        the T_ATN lines of wasm/core/x87/f80-atan.ts (d7 a power of two, then
                               DELTAS = 16 comma-separated unit steps)
The core's table: remez rel 7/7 1 /tmp/rB.pkl; hostc /tmp/hc.pkl f77.pkl f81.pkl s79.pkl h6.pkl h5.pkl
(atan.py samples 77 6000 0.0625 1, 81 12000 0.0625 1, 79 12000 0.25 1, and session 7's h5/h6);
nudge /tmp/rB.pkl /tmp/hc.pkl -> -1,-1,0,0,2,1,2,0,0,0,0,0,0,0,0,0; table /tmp/rB.pkl those deltas.
"""
import os, sys
from mpmath import mp, mpf, atan, sqrt, matrix, cos, pi, log
mp.prec = 192
K = 240
REL = os.environ.get('REL') == '1'
zs = [(1 - cos(pi * (i + mpf(0.5)) / K)) / 2 for i in range(K)]
def weight(z):
    return z * sqrt(z) / atan(sqrt(z)) if REL else z
gs = [(atan(sqrt(z)) / sqrt(z) - 1) / z for z in zs]

def fit(m, n, iters=60):
    dprev, w, best = [mpf(1)] * K, [mpf(1) / K] * K, None
    for it in range(iters):
        A, b = matrix(K, m + 1 + n), matrix(K, 1)
        for i, z in enumerate(zs):
            s = weight(z) * sqrt(w[i]) / dprev[i]
            for j in range(m + 1):
                A[i, j] = -s * z ** j
            for j in range(1, n + 1):
                A[i, m + j] = s * gs[i] * z ** j
            b[i] = -s * gs[i]
        x = mp.qr_solve(A, b)[0]
        N = [x[j] for j in range(m + 1)]
        D = [mpf(1)] + [x[m + j] for j in range(1, n + 1)]
        dv = [sum(D[j] * z ** j for j in range(n + 1)) for z in zs]
        err = [weight(z) * (gs[i] - sum(N[j] * z ** j for j in range(m + 1)) / dv[i]) for i, z in enumerate(zs)]
        amp = max(abs(e) for e in err)
        if best is None or amp < best[0]:
            best = (amp, N, D, err)
        dprev = dv
        if it >= 5:
            tot = sum(w[i] * abs(err[i]) for i in range(K))
            w = [w[i] * abs(err[i]) / tot for i in range(K)]
    return best

# ---- session 8: exact Remez, the host's exact C, the CPU's evaluation --------------------------
import pickle, collections
from fractions import Fraction as Fr

def Fz(z):
    if z == 0:
        return mpf(-1) / 3
    t = sqrt(z)
    return (atan(t) - t) / (t * z)

NORMS = {'abs': lambda z: z, 'rel': lambda z: z * sqrt(z) / atan(sqrt(z)) if z else z,
         'absF': lambda z: mpf(1), 'relF': lambda z: 1 / abs(Fz(z)), 'absatan': lambda z: z * sqrt(z)}

def ratv(P, Q, z):
    p = mpf(0)
    for c in reversed(P): p = p * z + c
    q = mpf(0)
    for c in reversed(Q): q = q * z + c
    return p / q

def remez(m, n, w, b, P, Q, iters=12, G=3000):
    """Newton on w(x_i) (F(x_i) - P/Q) = (-1)^i E at m + n + 2 points, extrema exchanged each round"""
    k = m + n + 2
    grid = [b * (1 - cos(pi * i / (G - 1))) / 2 for i in range(G)]
    Fg, wg = [Fz(z) for z in grid], [w(z) for z in grid]
    def ext(P, Q):
        e = [wg[i] * (Fg[i] - ratv(P, Q, z)) for i, z in enumerate(grid)]
        runs, cur = [], [0]
        for j in range(1, G):
            if (e[j] > 0) == (e[cur[0]] > 0): cur.append(j)
            else: runs.append(cur); cur = [j]
        runs.append(cur)
        x = [max(r, key=lambda j: abs(e[j])) for r in runs]
        while len(x) > k: x.pop(0 if abs(e[x[0]]) < abs(e[x[-1]]) else -1)
        err = lambda z: -abs(w(z) * (Fz(z) - ratv(P, Q, z)))
        xs = []
        for j in x:
            if j in (0, G - 1): xs.append(grid[j]); continue
            lo, hi = grid[j - 1], grid[j + 1]
            for _ in range(40):
                c1, c2 = lo + (hi - lo) * mpf(0.382), lo + (hi - lo) * mpf(0.618)
                if err(c1) < err(c2): hi = c2
                else: lo = c1
            xs.append((lo + hi) / 2)
        return xs, e[x[0]]
    xs, E = ext(P, Q)
    assert len(xs) == k, 'too few alternations'
    for it in range(iters):
        x = P[:] + Q[1:] + [E]
        for nt in range(8):
            J, r = matrix(k, k), matrix(k, 1)
            for i, z in enumerate(xs):
                pv = sum(x[j] * z ** j for j in range(m + 1))
                qv = 1 + sum(x[m + j] * z ** j for j in range(1, n + 1))
                wi, s = w(z), (-1) ** i
                r[i] = wi * (Fz(z) - pv / qv) - s * x[-1]
                for j in range(m + 1): J[i, j] = -wi * z ** j / qv
                for j in range(1, n + 1): J[i, m + j] = wi * pv * z ** j / qv ** 2
                J[i, k - 1] = -s
            dx = mp.lu_solve(J, r)
            x = [x[j] - dx[j] for j in range(k)]
            if max(abs(d) for d in dx) < mpf(2) ** -200: break
        P, Q, E = x[:m + 1], [mpf(1)] + x[m + 1:k - 1], x[-1]
        xs, _ = ext(P, Q)
        es = [abs(w(z) * (Fz(z) - ratv(P, Q, z))) for z in xs]
        print('  round %d: E = 2^%.4f, max/min - 1 = %.2g' % (it, float(log(abs(E), 2)), float(max(es) / min(es) - 1)), flush=True)
        if it >= 2 and max(es) / min(es) - 1 < mpf(10) ** -15: break
    return P, Q, E, xs

FX = 256  # fixed point: ints v mean v / 2^FX

def irn(v, sh=0):
    """int v / 2^(FX + sh) rounded to nearest-even at 68 bits, as an int at scale 2^-FX"""
    a = abs(v)
    cut = max(a.bit_length() - 68, sh)
    q, rem = a >> cut, a & ((1 << cut) - 1)
    if cut and (rem > 1 << (cut - 1) or (rem == 1 << (cut - 1) and q & 1)):
        q += 1
    q <<= cut - sh
    return -q if v < 0 else q

def idiv(a, b):
    s = (a < 0) != (b < 0)
    q, r = divmod(abs(a) << (FX + 80), abs(b))
    v = irn(q | (1 if r else 0), 80)
    return -v if s else v

def horner(cs, z):
    acc = cs[-1]
    for c in reversed(cs[:-1]):
        acc = irn(c + irn(acc * z, FX))
    return acc

def cpu_C(Ri, Pi, Qi):
    """the CPU's C for R (ints at scale 2^-FX): z, w, N, D, wN, C all RN68"""
    z = irn(Ri * Ri, FX)
    w = irn(Ri * z, FX)
    return idiv(irn(w * horner(Pi, z), FX), horner(Qi, z))

def scaled(P, Q, k=15, deltas=None):
    c = P[k] if k < len(P) else Q[k - len(P)]
    sc = mp.ldexp(1, mp.frexp(abs(c))[1] - 1) / abs(c)
    cs = [irn(int(mp.nint(mp.ldexp(v * sc, FX + 64))), 64) for v in list(P) + list(Q)]
    for j, d in enumerate(deltas or []):
        cs[j] += d << max(abs(cs[j]).bit_length() - 68, 0)
    return cs[:len(P)], cs[len(P):]

def hostc(out, files):
    rows = []
    for f in files:
        for rf, delta, s, gv in (r[:4] for r in pickle.load(open(f, 'rb'))):
            if s == 0:
                Ri, gi = (rf.numerator << FX) // rf.denominator, (gv.numerator << FX) // gv.denominator
                rows.append((Ri, gi - Ri))
    pickle.dump(rows, open(out, 'wb'))
    print(len(rows), 'exact host C')

def matches(H, Pi, Qi):
    return sum(cpu_C(Ri, Pi, Qi) == Ch for Ri, Ch in H)

if __name__ == '__main__':
    a = sys.argv[1:]
    if a and a[0] == 'remez' and len(a) == 5:
        m, n = map(int, a[2].split('/'))
        amp, P, D, err = fit(m, n)
        P, Q, E, xs = remez(m, n, NORMS[a[1]], mpf(a[3]), P, D)
        pickle.dump((P, Q, E, xs), open(a[4], 'wb'))
        print('E = 2^%.4f; extrema at z =' % float(log(abs(E), 2)), ' '.join('%.4f' % float(v) for v in xs))
        sys.exit(0)
    if a and a[0] == 'hostc' and len(a) >= 3:
        hostc(a[1], a[2:]); sys.exit(0)
    if a and a[0] in ('score', 'nudge', 'table') and len(a) >= 2:
        P, Q, E, xs = pickle.load(open(a[1], 'rb'))
        if a[0] == 'table':
            from fractions import Fraction as Fr
            Pi, Qi = scaled(P, Q, deltas=[int(v) for v in a[2].split(',')] if len(a) > 2 else None)
            for j, c in enumerate(Pi + Qi):
                sig = abs(c) >> (abs(c).bit_length() - 68); e = abs(c).bit_length() - 1 - FX
                print('  0x%016X, 0x%016X, 0x%X, // %s%d = %s0x%017X * 2^%d' % (sig >> 4, (sig & 0xF) << 60,
                      (int(c < 0) << 32) | (e & 0xFFFFFFFF), 'nd'[j // 8], j % 8, '-' if c < 0 else '', sig, e - 67))
            sys.exit(0)
        H = pickle.load(open(a[2], 'rb'))
        if a[0] == 'score':
            for k in range(len(P) + len(Q)):
                print('power-of-two coefficient %d: %d of %d host C' % (k, matches(H, *scaled(P, Q, k)), len(H)), flush=True)
            sys.exit(0)
        fitH, hold = [h for i, h in enumerate(H) if i % 3], H[::3]
        Pi, Qi = scaled(P, Q)
        cs, d = Pi + Qi, [0] * len(Pi + Qi)
        best = matches(fitH, cs[:len(Pi)], cs[len(Pi):])
        print('start: fit %d of %d, held out %d of %d' % (best, len(fitH), matches(hold, Pi, Qi), len(hold)), flush=True)
        for sweep in range(4):
            better = False
            for j in range(len(cs) - 1):
                u = 1 << max(abs(cs[j]).bit_length() - 68, 0)
                for step in (1, -1, 2, -2, 4, -4):
                    t = cs[:]; t[j] += step * u
                    sc = matches(fitH, t[:len(Pi)], t[len(Pi):])
                    if sc > best:
                        best, cs, better = sc, t, True; d[j] += step
                        break
            print('sweep %d: deltas %s, fit %d, held out %d' % (sweep, ','.join(map(str, d)), best,
                  matches(hold, cs[:len(Pi)], cs[len(Pi):])), flush=True)
            if not better: break
        sys.exit(0)
    if len(sys.argv) < 2:
        print(__doc__)
    for mn in sys.argv[1:]:
        m, n = map(int, mn.split('/'))
        amp, N, D, err = fit(m, n)
        zc = [float((zs[i] + zs[i - 1]) / 2) for i in range(1, K) if (err[i] > 0) != (err[i - 1] > 0)]
        print('[%d/%d] amplitude 2^%.2f, %d sign changes at z =' % (m, n, float(log(amp, 2)), len(zc)),
              ' '.join('%.4f' % v for v in zc))
        print('  N:', ' '.join(mp.nstr(v, 20) for v in N))
        print('  D:', ' '.join(mp.nstr(v, 20) for v in D))
