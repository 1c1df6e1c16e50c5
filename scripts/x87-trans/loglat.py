#!/usr/bin/env python3
"""Issue 4, session 12: the CPU's own coefficients of the logarithm's rational N(z)/D(z) (FYL2X, FYL2XP1;
wasm/core/x87/f80-log.ts), read back from windows of consecutive operands (logwin.py make).

In a window, z hardly moves, so the last rounding of N (and of D) is a sawtooth in the pre-rounding sum's
position within N's 68-bit grid: a phase C_N at the window's middle z plus a known slope. `phases` measures
C_N and C_D per window (a likelihood search over phase and slope, alternating between N and D). Each phase is
a congruence in the unknown coefficients: frac(sum_k n_k z^k / g_N) = C_N (n0 is on the grid and drops out).
`solve` finds the coefficients (integers in units of their 68-bit last place, coarser for n3, d3, d4 where
one unit moves no phase) that fit all windows' phases and keep N/D within 2^-67 of the fitted minimax
(logfit.py's), by Kannan's embedding and BKZ (fpylll from Debian's python3-fpylll).

N's and D's common level (n0 and d0 by about 4 : 3 units keep N/D) moves no phase and hardly any T; only the
rounding of W N sees it. `level` scans it; `descend` makes coordinate steps; `score` counts the decisive rows
(the host's log2 interval, logwin.py's rows) that the model misses; `table` prints f80-log.ts's table.

  phases OUT.jsonl WIN.pk ...      append one JSON line per window (z_mid hex, CN, CD, misses, halves' checks)
  solve WINS.jsonl[,...] [TOLP [BKZ]]   the coefficients X (JSON) and each window's phase residuals
  score X WIN.pk ...               per window: rows, exact-R misses, the model's misses
  level X I J WIN.pk ...           misses for n0 + i, d0 + j, |i| <= I, |j| <= J
  descend X WIN.pk ...             coordinate steps on n1..d4 (single and pairs) while the misses fall
  table X                          f80-log.ts's T_LOGND lines
X is a JSON list [n0, n1, n2, n3, d0, d1, d2, d3, d4] of integers in units 2^UE (UE below).

What it showed (session 12; docs/RESULTS.md): 53 windows (24 FYL2XP1 x0 = 0.126..0.249, 29 FYL2X m = 1.13..1.41)
gave phases reproducible to ~0.01 between half windows; the lattice on the 24 FYL2XP1 windows alone predicted the
12 FYL2X windows with z <= 0.012 to +-0.026; all 53 fit with d4 = 2^-5 within one coarse unit. With n0 + 8 and
d0 + 6 units (`level`) and RN68(RN68(W N) / D) the model misses 67 of 153,428 decisive rows (exact R: 17,993).
"""
import os, sys, json, pickle
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.append('/usr/lib/python3/dist-packages')  # Debian's python3-fpylll
from fractions import Fraction as Fr
import numpy as np
from mpmath import mp, mpf, log, floor
import logfit as lf, loghard as lh
from tanfit import irn, iacc

F = lh.F
UE = [-69, -68, -69, -73, -67, -66, -67, -69, -73]  # the coefficients' last places (68-bit, c = 2^-5 / q4)
G = (-69, -67)  # N's and D's last places
mp.prec = 400
_P, _Q = lf.rat_coefs()
_c2 = mpf(lf.C2.numerator) / lf.C2.denominator
OURS = [v / _c2 for v in _P] + list(_Q)  # the fitted minimax: r0..r3, q0..q4 (R = N / D)
PF = [float(v) for v in OURS[:4]]; QF = [float(v) for v in OURS[4:]]
C0 = 2.0 ** -5 / QF[4]

def nominal(f0=-2.6e-5):
    """the minimax scaled by c (1 + f0), c = 2^-5 / q4, in units 2^UE"""
    return [int(mp.nint(C0 * (1 + mpf(f0)) * v / mpf(2) ** e)) for v, e in zip(OURS, UE)]

# ---- phases: one window's C_N, C_D by likelihood ----
def load(fn, lo=0.0, hi=1.0):
    rows = pickle.load(open(fn, 'rb'))
    rows = rows[int(lo * len(rows)):int(hi * len(rows))]
    zr = rows[len(rows) // 2]['z']
    d = dict(zr=zr, z0=zr / 2.0 ** F, n=len(rows))
    d['z'] = np.array([r['z'] / 2.0 ** F for r in rows]); d['dz'] = np.array([(r['z'] - zr) / 2.0 ** F for r in rows])
    d['lo'] = np.array([((2 * r['A'] - 1) * r['ut'] - 2 * r['t']) / (2 * r['ut']) for r in rows])
    d['hi'] = np.array([((2 * r['B'] + 1) * r['ut'] - 2 * r['t']) / (2 * r['ut']) for r in rows])
    d['tu'] = np.array([r['t'] / r['ut'] for r in rows])
    return d

def side_tab(d, cs, fs, Cs, c=C0):
    """T's deviation (T-ulps) from N's (or D's) last rounding for each (slope error f, phase C), the minimax's
    coefficients cs scaled by c: [f x C, rows], and the phase's slope in z"""
    z, dz, z0 = d['z'], d['dz'], d['z0']
    V = c * sum(a * z ** k for k, a in enumerate(cs))
    g = 2.0 ** (np.floor(np.log2(V)) - 67)
    s = c * sum(k * a * z0 ** (k - 1) for k, a in enumerate(cs) if k) / g[0]
    ph = Cs[None, :, None] + (dz * s)[None, None, :] * (1 + fs)[:, None, None]
    return ((np.round(ph) - ph) * (g / V * d['tu'])).reshape(len(fs) * len(Cs), -1), s

def loglik(dev, d, sig):
    from scipy.special import log_ndtr
    lb = log_ndtr((d['hi'] - dev) / sig); la = log_ndtr((d['lo'] - dev) / sig)
    return np.sum(lb + np.log1p(-np.exp(np.minimum(la - lb, -1e-12))), axis=-1)

def misses(dev, d): return int(np.sum((dev <= d['lo']) | (dev >= d['hi'])))

def search(d, fN=(-2.47e-5, 4e-6), fD=(-2.67e-5, 3e-6), nc=64, sig=0.3):
    """best (f, C) for N and D: a grid of phases, alternating sides, then finer grids around the best"""
    def grid(cs, fr, ncc, Cc=None, Cw=None):
        _, s = side_tab(d, cs, np.array([0.0]), np.array([0.0]))
        K = max(1, int(2 * fr[1] * ncc * np.max(np.abs(d['dz'] * s))) + 1)
        fs = fr[0] + np.linspace(-fr[1], fr[1], K)
        Cs = np.arange(ncc) / ncc if Cc is None else (Cc + np.linspace(-Cw, Cw, ncc)) % 1
        return side_tab(d, cs, fs, Cs)[0], [(f, C) for f in fs for C in Cs]
    tN, kN = grid(PF, fN, nc); tD, kD = grid(QF, fD, nc)
    eD = np.zeros(d['n'])
    for _ in range(3):
        i = int(np.argmax(loglik(tN - eD[None, :], d, sig))); eN = tN[i]; bN = kN[i]
        L = loglik(eN[None, :] - tD, d, sig); j = int(np.argmax(L)); eD = tD[j]; bD = kD[j]
    for _ in range(3):
        tN, kN = grid(PF, (bN[0], fN[1] / 4), 48, bN[1], 3 / nc)
        i = int(np.argmax(loglik(tN - eD[None, :], d, sig))); eN = tN[i]; bN = kN[i]
        tD, kD = grid(QF, (bD[0], fD[1] / 4), 48, bD[1], 3 / nc)
        L = loglik(eN[None, :] - tD, d, sig); j = int(np.argmax(L)); eD = tD[j]; bD = kD[j]
    return dict(N=(float(bN[0]), float(bN[1])), D=(float(bD[0]), float(bD[1])), miss=misses(eN - eD, d),
                exact=misses(np.zeros(d['n']), d))

def predict(d, res, zr2):
    out = []
    for cs, key in ((PF, 'N'), (QF, 'D')):
        _, s = side_tab(d, cs, np.array([0.0]), np.array([0.0]))
        f, C = res[key]
        out.append((C + (zr2 - d['zr']) / 2.0 ** F * s * (1 + f)) % 1)
    return out

def phases(out, fns):
    with open(out, 'a') as fo:
        for fn in fns:
            d = load(fn); r = search(d); hs = []
            for part in ((0, 0.5), (0.5, 1)):  # the halves' phases against the whole window's prediction
                h = load(fn, *part); rh = search(h); pN, pD = predict(d, r, h['zr'])
                hs.append([round(float((rh["N"][1] - pN + .5) % 1 - .5), 3), round(float((rh["D"][1] - pD + .5) % 1 - .5), 3)])
            rec = dict(fn=fn, zr='%x' % d['zr'], CN=r['N'][1], fN=r['N'][0], CD=r['D'][1], fD=r['D'][0],
                       miss=r['miss'], exact=r['exact'], halves=hs)
            fo.write(json.dumps(rec) + '\n'); fo.flush()
            print(os.path.basename(fn), 'CN %.3f CD %.3f misses %d (exact R %d) halves %s' % (
                rec['CN'], rec['CD'], rec['miss'], rec['exact'], hs), flush=True)

# ---- solve: the lattice ----
def val(X, side, z):
    ks = range(4) if side == 0 else range(4, 9)
    return sum(mpf(X[k]) * mpf(2) ** UE[k] * z ** (k - ks[0]) for k in ks)

def phase(X, side, zf):
    """frac(N(z) / g_N) (side 0) or frac(D(z) / g_D), exact for a Fraction z"""
    ks = range(4) if side == 0 else range(4, 9)
    q = sum(Fr(X[k]) * Fr(2) ** UE[k] * zf ** (k - ks[0]) for k in ks) / Fr(2) ** G[side]
    return float(q - (q.numerator // q.denominator))

def solve(wins, tolp=0.015, tau=1.0, box=2.0 ** -14, bkz=20, nR=24, zmax=mpf(1) / 16):
    """wins: (z Fraction, C_N, C_D). The closest vector: coefficients within box (relative) of nominal(), each
    phase within ~tolp, N/D within ~tau 2^-67 (relative) of the minimax at nR points of [0, zmax]."""
    from fpylll import IntegerMatrix, LLL, BKZ
    X0 = nominal(); n = 9
    # coarse units: 2^a_k units, so that one step moves a phase by >= ~2^-8 at z = 0.03
    a = [0 if k in (0, 4) else max(0, int(np.floor(np.log2(2 ** -8 / (2.0 ** (UE[k] - G[k >= 4]) *
         0.03 ** (k - (0 if k < 4 else 4))))))) for k in range(9)]
    cons = []  # (row, target, weight, mod 1)
    for z, CN, CD in wins:
        for side, C in ((0, CN), (1, CD)):
            ks = range(4) if side == 0 else range(4, 9)
            row = [Fr(0)] * n
            for k in ks[1:]: row[k] = Fr(2) ** UE[k] * z ** (k - ks[0]) / Fr(2) ** G[side]
            t = Fr(C) - sum(r * X0[k] for k, r in enumerate(row))
            cons.append((row, t - t.numerator // t.denominator, 1 / tolp, True))
    for j in range(nR):
        z = zmax * (1 - mp.cos(mp.pi * (j + mpf(1) / 2) / nR)) / 2
        N = val(X0, 0, z); D = val(X0, 1, z)
        Ro = sum(OURS[k] * z ** k for k in range(4)) / sum(OURS[k] * z ** (k - 4) for k in range(4, 9))
        row = [mpf(2) ** UE[k] * z ** k / N * mpf(2) ** 67 for k in range(4)] + \
              [-mpf(2) ** UE[k] * z ** (k - 4) / D * mpf(2) ** 67 for k in range(4, 9)]
        t = -(N / D / Ro - 1) * mpf(2) ** 67
        cons.append(([Fr(mp.nstr(v, 60)) for v in row], Fr(mp.nstr(t, 40)), 1 / tau, False))
    S = 1 << 90; nmod = sum(1 for c in cons if c[3])
    B = [[0] * (n + len(cons) + 1) for _ in range(n + nmod + 1)]
    for k in range(n):
        B[k][k] = int(S / (box * abs(X0[k]) / 2 ** a[k]))
        for j, (row, t, w, mod) in enumerate(cons): B[k][n + j] = int(row[k] * 2 ** a[k] * w * S)
    r = n
    for j, (row, t, w, mod) in enumerate(cons):
        if mod: B[r][n + j] = int(w * S); r += 1
    for j, (row, t, w, mod) in enumerate(cons): B[r][n + j] = int(-t * w * S)
    B[r][-1] = S
    A = IntegerMatrix.from_matrix(B)
    LLL.reduction(A)
    if bkz: BKZ.reduction(A, BKZ.Param(block_size=bkz, strategies=BKZ.DEFAULT_STRATEGY, flags=BKZ.AUTO_ABORT))
    best = None
    for i in range(A.nrows):
        v = list(A[i])
        if abs(v[-1]) != S: continue
        sg = 1 if v[-1] == S else -1
        nrm = sum(x * x for x in v) ** 0.5 / S
        if best is None or nrm < best[1]: best = ([X0[k] + sg * v[k] // B[k][k] * 2 ** a[k] for k in range(n)], nrm)
    return best

# ---- the model on rows ----
def rows_of(fn):
    """(z, W, T's last place, A, B) per row of a logwin.py pickle; the host's RN68(T) / ut lies in [A, B]"""
    C2i = lh.consts()[0]; out = []
    for r in pickle.load(open(fn, 'rb')):
        x = r['x']; op = 30 if (x >> 64) & 0x7fff == 16383 else 31
        s, e = lf.reduce(op, x)
        _, z, W = lh.pzw((s.numerator << F) // s.denominator, C2i)
        out.append((z, W, r['ut'], r['A'], r['B'], r['t']))
    return out

def fixed(X):
    """the coefficients in fixed point (2^-F)"""
    return [x << (F + u) for x, u in zip(X, UE)]

def model_T(c, z, W):
    """f80-log.ts's T = RN68(RN68(W N) / D) for fixed-point coefficients c (fixed())"""
    N = iacc(c[:4], z, 0, rules=False); D = iacc(c[4:], z, 0, rules=False)
    return irn((irn((W * N) >> F) << F) // D)

def count(rows, X):
    c = fixed(X); m = 0
    for z, W, ut, A, B, t in rows:
        T = model_T(c, z, W)
        if T % ut or not (A <= T // ut <= B): m += 1
    return m

def exact_count(rows): return sum(1 for z, W, ut, A, B, t in rows if not (A * ut <= irn(t) <= B * ut))

def descend(X, rows):
    import itertools
    unit = {1: 1, 2: 4, 3: 512, 5: 1, 6: 4, 7: 128, 8: 1 << 16}
    moves = [{k: m} for k in unit for m in (1, 2, 4)]
    moves += [{a: sa, b: sb} for a, b in itertools.combinations(unit, 2) for sa in (1, -1) for sb in (1, -1)]
    best = count(rows, X); print('start', best, flush=True)
    improved = True
    while improved:
        improved = False
        for mv in moves:
            for sg in (1, -1):
                X2 = list(X)
                for k, m in mv.items(): X2[k] += sg * m * unit[k]
                v = count(rows, X2)
                if v < best: best, X, improved = v, X2, True; print(mv, sg, '->', v, json.dumps(X), flush=True)
    return X, best

def table(X):
    names = ['n0', 'n1', 'n2', 'n3', 'd0', 'd1', 'd2', 'd3', 'd4']
    for k, (x, u) in enumerate(zip(X, UE)):
        s = 1 if x < 0 else 0; m = abs(x)
        while m % 2 == 0 and m.bit_length() > 68: m //= 2; u += 1
        bl = m.bit_length(); sig = m << (128 - bl)
        print('  0x%016X, 0x%016X, 0x%X, // %s = %s0x%X * 2^%d' % (
            sig >> 64, sig & ((1 << 64) - 1), (s << 32) | ((u + bl - 1) & 0xFFFFFFFF), names[k], '-' if s else '', m, u))

if __name__ == '__main__':
    a = sys.argv[1:]
    if len(a) >= 3 and a[0] == 'phases':
        phases(a[1], a[2:])
    elif len(a) >= 2 and a[0] == 'solve':
        recs = [json.loads(l) for fn in a[1].split(',') for l in open(fn)]
        wins = [(Fr(int(r['zr'], 16), 1 << F), r['CN'], r['CD']) for r in recs]
        X, nrm = solve(wins, float(a[2]) if len(a) > 2 else 0.015, bkz=int(a[3]) if len(a) > 3 else 20)
        for r, (z, CN, CD) in zip(recs, wins):
            print('%-16s z %.5f  N %+.3f  D %+.3f' % (os.path.basename(r['fn']), float(z),
                  (CN - phase(X, 0, z) + .5) % 1 - .5, (CD - phase(X, 1, z) + .5) % 1 - .5))
        print('norm %.2f' % nrm); print(json.dumps(X))
    elif len(a) >= 3 and a[0] == 'score':
        X = json.loads(a[1]); tot = [0, 0, 0]
        for fn in a[2:]:
            rows = rows_of(fn); m = count(rows, X); e = exact_count(rows)
            tot = [tot[0] + len(rows), tot[1] + e, tot[2] + m]
            print('%-16s rows %6d  exact-R misses %5d  model misses %4d' % (os.path.basename(fn), len(rows), e, m), flush=True)
        print('total rows %d  exact-R misses %d  model misses %d' % tuple(tot))
    elif len(a) >= 5 and a[0] == 'level':
        X = json.loads(a[1]); I, J = int(a[2]), int(a[3]); rows = [r for fn in a[4:] for r in rows_of(fn)]
        res = sorted((count(rows, [X[0] + i] + X[1:4] + [X[4] + j] + X[5:]), i, j)
                     for i in range(-I, I + 1) for j in range(-J, J + 1))
        for m, i, j in res[:8]: print('n0 %+d d0 %+d: misses %d' % (i, j, m))
    elif len(a) >= 3 and a[0] == 'descend':
        X, m = descend(json.loads(a[1]), [r for fn in a[2:] for r in rows_of(fn)])
        print(json.dumps(X)); print('misses', m)
    elif len(a) == 2 and a[0] == 'table':
        table(json.loads(a[1]))
    else:
        print(__doc__)
