#!/usr/bin/env python3
"""Issue 4, FPATAN: near-minimax rational approximations of atan, to compare with the host's error.

atan t = t (1 + z N(z)/D(z)), z = t^2 in [0, 1], D(0) = 1, N of degree m, D of degree n; the error
z (g - N/D) with g = (atan t / t - 1)/z (absolute error of atan t / t; REL=1: relative to it) is
made near-equioscillating by a linearised least-squares fit (Sanathanan-Koerner) with Lawson
reweighting on 240 Chebyshev points, in mpmath. Prints the error amplitude and the z where the
error changes sign (for the host's [7/7]: docs/RESULTS.md "2026-11-27 — x87 FPATAN").
Usage: python3 scripts/x87-trans/atan-minimax.py 7/7 [6/6 ...]   (~15 s per type)
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

if __name__ == '__main__':
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
