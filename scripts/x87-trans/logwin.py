#!/usr/bin/env python3
"""Issue 4, session 11: the logarithm's N and D read back through their last Horner roundings, one window at a time.

Hypothesis: the CPU evaluates R(z) = N(z)/D(z) (f80-log.ts) with 68-bit Horner steps, the coefficients scaled by
c (d4 = 2^-5 gives c = 1.13928...). In a window of consecutive FYL2XP1 operands x0 + k ulp (x in [1/8, 1/4)),
z moves by a tiny amount, so the fraction of N's last pre-rounding sum n0 + z A1 within N's 68-bit grid is
C_N + (z - z_mid) N'(z) / grid_N (mod 1): a phase C_N and a slope known up to a relative error f_N. The same holds
for D. Rounding at those phases gives each decisive row's deviation from the exact R:
tu (e_N / N - e_D / D), tu = T in units of its last place. The search scans (C_N, f_N, C_D, f_D). The right
structure and scale reproduce the host's rounding intervals far better than the same search on rows permuted
among themselves (the control).

  make X0 N OUT [WIDTH]
      operands x0 + k ulp, k < N (FYL2XP1 x for x0 < 1/2; FYL2X m = x0 in [1, sqrt2) for x0 >= 1), whose exact-R
      model lies within WIDTH (default 2) T-ulps of a rounding tie of L68; L68 read back from the host
      (loghard.py's readback); a pickle of rows (loglat.py reads them too)
  windows X0,X0,... N C FRANGE NC F0
      make + search for each x0 (pickles in the current directory); the WIN lines give each window's z_mid
      (fixed point 2^-256, hex), its rows, the exact-R misses, the best search's misses, slopes and phases
  search FILE C FRANGE [NC] [--f0 F0] [--control SEED]
      phases C in steps of 1/NC (default 32), relative slope errors F0 +- FRANGE (steps so that the window's
      phase drifts by at most 1/NC): the best combinations and their misses; --control: three searches with the
      rows' intervals permuted
What it showed (session 11, c = 1.13928, windows of 120,000 operands):
  x0 = 0.2   (903 rows):   exact-R misses 62, best 33 (N f -2.96e-5, D f -2.57e-5), control 47-53
  x0 = 0.16  (929 rows):   exact-R misses 118, best 79 (N f -2.50e-5, D f -2.76e-5)
  x0 = 0.235 (1864 rows):  exact-R misses 197, best 115 (N f -2.50e-5, D f -2.77e-5), control 198-203
  Three windows agree on a common slope error of about -2.7e-5 for N and D: the scale of both is ~2.7e-5 below
  c = 2^-5 / Q4 of our minimax. Other normalisations (c = 1, 1.27, 1.32, 1.37, 1.5, 1.87, 1.95, 1.138) with
  slopes within 1e-5 show nothing beyond the control.
"""
import os, sys, pickle
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import loghard as lh
from tanfit import irn

F = lh.F

def make(x0, n, out, width=2.0):
    C2i, PQ = lh.consts()
    op = 30 if x0 >= 1 else 31  # FYL2X at m = x0 in [1, sqrt2) (e = 0), else FYL2XP1 at x0 in [1/8, 1/2)
    E = 0 if op == 30 else -3 if x0 < 0.25 else -2
    sig0 = int(x0 * 2.0 ** (63 - E))
    keep = []
    for k in range(n):
        sig = sig0 + k
        if op == 30:  # (m - 1) / (m + 1), both exact
            M, Tx, z = lh.tail(lh.quotient(sig - (1 << 63), sig + (1 << 63)), 0, C2i, PQ)
        else:  # x / (2 + x), both exact
            M, Tx, z = lh.tail(lh.quotient(sig, (1 << (64 - E)) + sig), 0, C2i, PQ)
        d, cands = lh.near_tie(M, Tx)
        if abs(d) < width: keep.append((((16383 + E) << 64) | sig, cands, M, Tx, z))
    rows = []
    for (x, cs, M, Tx, z), L in zip(keep, lh.readback(op, [k[0] for k in keep], [k[1] for k in keep])):
        if L is None: continue
        Li = (L.numerator << F) // L.denominator
        ut = lh.ulp(irn(Tx)); j0 = irn(Tx) // ut
        js = [j for j in range(j0 - 50, j0 + 51) if irn(M + j * ut) == Li]
        if js: rows.append(dict(x=x, z=z, t=Tx, ut=ut, A=js[0], B=js[-1]))
    print('kept', len(keep), 'of', n, 'rows', len(rows), file=sys.stderr)
    pickle.dump(rows, open(out, 'wb'))

def search(fn, c, frange, nc=32, f0=0.0, control=None):
    import numpy as np
    import loglat as ll
    d = ll.load(fn)
    zr, lo, hi = d['zr'], d['lo'], d['hi']
    rows = range(d['n'])
    def side(cs):
        _, s = ll.side_tab(d, cs, np.array([0.0]), np.array([0.0]), c)
        span = np.max(np.abs(d['dz'] * s)); K = max(1, int(2 * frange * nc * span) + 1)
        fs = f0 + np.linspace(-frange, frange, K); Cs = np.arange(nc) / nc
        return ll.side_tab(d, cs, fs, Cs, c)[0], [(f, C) for f in fs for C in Cs], span
    eN, kN, sN = side(ll.PF); eD, kD, sD = side(ll.QF)
    print('rows %d, exact-R misses %d; phase spans N %.0f, D %.0f; combinations %d x %d' % (
        len(rows), int(np.sum((lo > 0) | (hi < 0))), sN, sD, len(eN), len(eD)))
    def best(lo, hi):
        out = []
        for i in range(len(eN)):
            m = np.sum(((eN[i][None, :] - eD) <= lo) | ((eN[i][None, :] - eD) >= hi), axis=1)
            j = int(np.argmin(m)); out.append((int(m[j]), i, j))
        return sorted(out)
    b = best(lo, hi)
    for m, i, j in b[:5]: print('misses %d  N f %+.2e C %.3f  D f %+.2e C %.3f' % ((m,) + kN[i] + kD[j]))
    m, i, j = b[0]
    print('WIN z_mid %x rows %d exact %d best %d  N f %+.3e C %.4f  D f %+.3e C %.4f' % (
        zr, len(rows), int(np.sum((lo > 0) | (hi < 0))), m, kN[i][0], kN[i][1], kD[j][0], kD[j][1]))
    if control is not None:
        rng = np.random.default_rng(control)
        for _ in range(3):
            perm = rng.permutation(len(rows))
            print('control (intervals permuted among the rows): best misses', best(lo[perm], hi[perm])[0][0])

if __name__ == '__main__':
    a = sys.argv[1:]
    if len(a) >= 4 and a[0] == 'make':
        make(float(a[1]), int(a[2]), a[3], float(a[4]) if len(a) > 4 else 2.0)
    elif len(a) >= 7 and a[0] == 'windows':
        for x0 in a[1].split(','):
            make(float(x0), int(a[2]), 'lw_%s.pk' % x0)
            print('x0', x0, flush=True)
            search('lw_%s.pk' % x0, float(a[3]), float(a[4]), int(a[5]), float(a[6]))
            sys.stdout.flush()
    elif len(a) >= 4 and a[0] == 'search':
        kw = {}
        for k in ('--f0', '--control'):
            if k in a:
                i = a.index(k); kw[k] = a[i + 1]; a = a[:i] + a[i + 2:]
        search(a[1], float(a[2]), float(a[3]), int(a[4]) if len(a) > 4 else 32, float(kw.get('--f0', 0)),
               int(kw['--control']) if '--control' in kw else None)
    else:
        print(__doc__)
