#!/usr/bin/env python3
"""Issue 4: how the CPU evaluates the logarithm's R(z) (f80-log.ts: T = RN68(W R(z)), W = RN68(p z)).

Session 11. Candidate structures evaluate R's [3/4] rational N/D with 68-bit Horner steps (FPATAN's, FPTAN's rules)
from coefficients n_k = c P_k / C2, d_k = c Q_k (logfit.py's rat_coefs, the scale c making one coefficient
a power of two), in one of several orders. Each is scored on read-back rows (logfit.py / loghard.py row
files) by its exact-L68 misses, before and after a linear-programming fit of integer-unit shifts of the
eight free coefficients (the LP linearises T in the shifts; the shifts are then rounded and rescored
exactly). The exact R (structure 'exact') gets the same fit, so a structure is only better than it if its
68-bit rounding noise matches the host's.

  score TRAIN... [-- TEST...] [s=STRUCT,...] [norm=K,...] [rules=plain,tan] [fit=1]
      STRUCT: exact        T = RN68(W N/D) with exact N, D (the core's model)
              wn_d         T = RN68(RN68(W N) / D)        (FPATAN's order)
              w_nd         T = RN68(W RN68(N / D))
              wd_n         T = RN68(RN68(W / D) N)
              wnd          T = RN68(W N / D)              (68-bit N, D; one rounding)
      norm: n0..n3, d0..d4 (which coefficient is a power of two; default d4)
      rules: plain = RN68 products and sums, ties to even; tan = FPTAN's (ones'-complement products and
             adder, ties to odd for sums with a negative coefficient)
  noise FILE...   the host's deviation from session 11's model (R exact): misses, Gaussian sigma (T-ulps), how far outside
                  the host's intervals the model's values lie, the ML mean deviation per |s| bin
  widths FILE...  the model with z or W rounded to 66..72 bits, or T formed in other orders
"""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fractions import Fraction as Fr
import logfit as lf
import loghard as lh
from tanfit import irn, ifix, iacc
from loghard import ulp
from mpmath import mpf, mp, floor as mfloor, log as mlog

FS = 256  # fixed point: ints scaled by 2^-FS
BOUND = float(os.environ.get('LPBOUND', '300'))  # the LP's bound on each shift (coefficient units)

def mul(a, b): return irn(a * b) >> FS

def horner(cs, z, tan):
    """68-bit Horner of cs at z: plain RN68 steps, or (tan) with FPTAN's rules (tanfit.py's iacc)"""
    return iacc(cs, z, 0, tan)

def div(a, b):
    """a / b to FS fractional bits (truncated; sticky bit kept)"""
    q, r = divmod(abs(a) << FS, abs(b))
    q = q | (1 if r else 0)
    return -q if (a < 0) != (b < 0) else q

def coefs(norm='d4', dq=None):
    """n_k = c P_k / C2, d_k = c Q_k rounded to 68 bits (fixed point), c scaling `norm` to a power of two;
    dq: integer unit shifts of the free coefficients (n0..n3, d0..d4 minus the normalised one)"""
    v, c = scaled(norm)
    out = []
    for x in v:
        fx = lf.rn(lf.tofr(x * c))
        out.append(ifix(fx))
    if dq:
        for j, d in zip(free(norm), dq):
            out[j] += int(d) * ulp(out[j])
    return out[:4], out[4:]

def scaled(norm):
    """R's coefficients P_k / C2, Q_k (mpmath) and the scale c making coefficient `norm` a power of two"""
    P, Q = lf.rat_coefs()
    c2 = mpf(lf.C2.numerator) / lf.C2.denominator
    v = [x / c2 for x in P] + list(Q)
    k = int(norm[1]) + (0 if norm[0] == 'n' else 4)
    a = abs(v[k])
    return v, mpf(2) ** int(mfloor(mlog(a, 2))) / a

def free(norm):
    k = int(norm[1]) + (0 if norm[0] == 'n' else 4)
    return [j for j in range(9) if j != k]

def row(s, M, L, op):
    """(z, W, M, ut, A, B, op) in fixed point: the host's T lies in [A ut, B ut] (None if not one range)"""
    S = ifix(s); z = mul(S, S); p = mul(S, ifix(lf.C2)); W = mul(p, z)
    Mi, Li = ifix(M), ifix(L)
    Tm = irn(W * exact_r(z) >> FS)  # the model's T, for its binade
    ut = ulp(Tm)
    j0 = Tm // ut
    js = [j for j in range(j0 - 200, j0 + 201) if irn(Mi + j * ut) == Li]
    if not js or js[-1] - js[0] + 1 != len(js): return None
    return (z, W, Mi, ut, js[0], js[-1], op)

def rows(files):
    """per read-back row: row()"""
    out = []
    for op, x, s, M, L, tl in lf.exact_rows(files):
        r = row(s, M, L, op)
        if r: out.append(r)
    return out

_RF = None
def exact_r(z):
    """R(z) = P / (C2 Q) (fixed point) for a fixed-point z"""
    global _RF
    if _RF is None: _RF = lh.rat_fixed()
    return (lh.horner(_RF[0], z) << FS) // lh.horner(_RF[1], z)

def tpre(st, z, W, N, D):
    """T before its final rounding (fixed point, truncated with sticky) for structure st"""
    if st in ('exact', 'wnd'): return div(W * N, D) >> FS
    if st == 'wn_d': return div(mul(W, N), D)
    if st == 'w_nd': return W * irn(div(N, D)) >> FS
    if st == 'wd_n': return irn(div(W, D)) * N >> FS
    raise ValueError(st)

def evaluate(st, rs, ns, ds, tan, exactR=None):
    """per row (t, N, D): t = T before rounding in units of ut (float, relative to A), N, D values"""
    out = []
    for i, (z, W, M, ut, A, B, op) in enumerate(rs):
        if st == 'exact':
            N, D = exactR[i]
        else:
            N, D = horner(ns, z, tan), horner(ds, z, tan)
        t = tpre(st, z, W, N, D)
        out.append((t, N, D))
    return out

def misses(rs, ev):
    n = 0
    for (z, W, M, ut, A, B, op), (t, N, D) in zip(rs, ev):
        T = irn(t)
        if not (A * ut <= T <= B * ut): n += 1
    return n

def exact_nd(rs, norm):
    """N, D of the exact rational (scaled like `norm`'s coefficients) at each row's z, fixed point"""
    v, c = scaled(norm)
    out = []
    for z, W, M, ut, A, B, op in rs:
        zm = mpf(z) / 2**FS
        out.append((int(c * sum(a * zm**k for k, a in enumerate(v[:4])) * 2**FS),
                    int(c * sum(a * zm**k for k, a in enumerate(v[4:])) * 2**FS)))
    return out

def lpfit(st, rs, ns, ds, tan, norm, exactR=None):
    """LP: real shifts (coefficient units) of the free coefficients minimising summed violations"""
    import numpy as np
    from scipy.sparse import lil_matrix
    from scipy.optimize import linprog
    ev = evaluate(st, rs, ns, ds, tan, exactR)
    cs = ns + ds; fr = free(norm); k = len(fr); n = len(rs)
    Am = lil_matrix((2 * n, k + n)); b = np.zeros(2 * n)
    for i, ((z, W, M, ut, A, B, op), (t, N, D)) in enumerate(zip(rs, ev)):
        zf = z / 2.0**FS; Wf = W / 2.0**FS; Nf = N / 2.0**FS; Df = D / 2.0**FS; uf = ut / 2.0**FS
        for c, j in enumerate(fr):
            u = ulp(cs[j]) / 2.0**FS
            phi = (Wf * zf**j * u / Df if j < 4 else -Wf * Nf * zf**(j - 4) * u / Df**2) / uf
            Am[2 * i, c] = phi; Am[2 * i + 1, c] = -phi
        Am[2 * i, k + i] = -1; Am[2 * i + 1, k + i] = -1
        b[2 * i] = 0.5 + (B * ut - t) / ut; b[2 * i + 1] = 0.5 + (t - A * ut) / ut
    res = linprog(np.concatenate([np.zeros(k), np.ones(n)]), A_ub=Am.tocsr(), b_ub=b,
                  bounds=[(-BOUND, BOUND)] * k + [(0, None)] * n, method='highs')
    return list(res.x[:k]), sum(1 for v in res.x[k:] if v > 1e-9)

def score(train, test, structs, norms, rules, fit):
    rtr = rows(train); rte = rows(test) if test else []
    print('rows: train %d, test %d' % (len(rtr), len(rte)), flush=True)
    for norm in norms:
        ns, ds = coefs(norm)
        etr, ete = exact_nd(rtr, norm), exact_nd(rte, norm)
        for st in structs:
            for rule in (['-'] if st == 'exact' else rules):
                tan = rule == 'tan'
                m0 = misses(rtr, evaluate(st, rtr, ns, ds, tan, etr))
                m0t = misses(rte, evaluate(st, rte, ns, ds, tan, ete)) if rte else 0
                line = 'norm %s %-6s %-5s train %5d test %5d' % (norm, st, rule, m0, m0t)
                if fit:
                    sh, viol = lpfit(st, rtr, ns, ds, tan, norm, etr)
                    dq = [round(v) for v in sh]
                    n2, d2 = coefs(norm, dq)
                    if st == 'exact':
                        # the exact rational moved by the same shifts: N, D plus the shifts' polynomials
                        fr = free(norm); cs = ns + ds
                        def moved(rs, base):
                            out = []
                            for (z, W, M, ut, A, B, op), (N, D) in zip(rs, base):
                                for j, d in zip(fr, dq):
                                    zz = 1 << FS
                                    for _ in range(j if j < 4 else j - 4): zz = zz * z >> FS
                                    if j < 4: N += d * ulp(cs[j]) * zz >> FS
                                    else: D += d * ulp(cs[j]) * zz >> FS
                                out.append((N, D))
                            return out
                        m1 = misses(rtr, evaluate(st, rtr, n2, d2, tan, moved(rtr, etr)))
                        m1t = misses(rte, evaluate(st, rte, n2, d2, tan, moved(rte, ete))) if rte else 0
                    else:
                        m1 = misses(rtr, evaluate(st, rtr, n2, d2, tan))
                        m1t = misses(rte, evaluate(st, rte, n2, d2, tan)) if rte else 0
                    line += ' | LP viol %5d shifts %s | fitted train %5d test %5d' % (
                        viol, ' '.join('%+d' % v for v in dq), m1, m1t)
                print(line, flush=True)

def bounds(rs, ts):
    """per row the interval (LO, HI) of the host's deviation from the value t before T's rounding, T-ulps"""
    import numpy as np
    LO = np.array([((2 * A - 1) * ut - 2 * t) / (2 * ut) for (z, W, M, ut, A, B, op), t in zip(rs, ts)])
    HI = np.array([((2 * B + 1) * ut - 2 * t) / (2 * ut) for (z, W, M, ut, A, B, op), t in zip(rs, ts)])
    return LO, HI

def loglike(LO, HI, sigmas=(0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.2), mu=0.0):
    """(best log-likelihood, sigma) of Gaussian deviations N(mu, sigma) on the intervals"""
    import numpy as np
    from scipy.stats import norm
    return max((float(np.sum(np.log(np.maximum(norm.cdf((HI - mu) / sg) - norm.cdf((LO - mu) / sg), 1e-300)))), sg)
               for sg in sigmas)

def noise(files):
    """the host's deviation from session 11's f80-log.ts model (R exact): misses, Gaussian sigma, the miss rate against the
    model's distance from its nearer bound, and the ML mean per |s| bin"""
    import numpy as np, math
    rs = rows(files)
    ts = [t for t, N, D in evaluate('exact', rs, *coefs('d0'), False, exact_nd(rs, 'd0'))]
    LO, HI = bounds(rs, ts)
    ll, sg = loglike(LO, HI, tuple(np.arange(0.3, 1.2, 0.05)))
    print('rows %d misses %d  Gaussian sigma %.2f T-ulps (log-likelihood %.1f)' % (
        len(rs), int(np.sum((LO > 0) | (HI < 0))), sg, ll))
    d = np.minimum(-LO, HI)  # how far inside (+) or outside (-) the host's interval the model's value lies
    print('  model value outside the interval by (T-ulps):', ', '.join(
        '%.2f..%.2f %d' % (a, a + .25, np.sum((-d >= a) & (-d < a + .25))) for a in np.arange(0, 2.5, 0.25)))
    S = np.array([math.sqrt(z / 2.0**FS) for z, W, M, ut, A, B, op in rs])
    for a in np.arange(0.0, 0.18, 0.02):
        m = (S >= a) & (S < a + 0.02)
        if m.sum() < 50: continue
        mus = np.arange(-0.3, 0.31, 0.02)
        best = max((loglike(LO[m], HI[m], (sg,), mu)[0], mu) for mu in mus)
        print('  |s| %.2f..%.2f: %5d rows, ML mean %+.2f T-ulps' % (a, a + 0.02, m.sum(), best[1]))

def widths(files):
    """misses and Gaussian sigma when z = s^2 or W = p z is rounded to 66..72 bits instead of 68, or T is
    formed in other orders (R exact)"""
    import numpy as np
    C2i = ifix(lf.C2); R = exact_r
    def m(a, b, bits=68): return irn(a * b, bits=bits) >> FS
    rs = []; vs = []
    for op, x, s, M, L, tl in lf.exact_rows(files):
        r = row(s, M, L, op)
        if r is None: continue
        S = ifix(s); p = m(S, C2i); z = m(S, S); W = m(p, z)
        v = {'model': W * R(z) >> FS, 'W unrounded': (p * z >> FS) * R(z) >> FS,
             'z unrounded': m(p, S * S >> FS) * R(S * S >> FS) >> FS,
             'RN(p RN(z R))': p * m(z, R(z)) >> FS, 'RN(W RN68(R))': W * irn(R(z)) >> FS,
             'RN(RN(s z) C2) R': m(m(S, z), C2i) * R(z) >> FS, 'RN(RN(p s) s) R': m(m(p, S), S) * R(z) >> FS}
        for b in (66, 67, 69, 70, 72):
            zb = m(S, S, b)
            v['z %d bits' % b] = m(p, zb) * R(zb) >> FS
            v['W %d bits' % b] = m(p, z, b) * R(z) >> FS
        rs.append(r); vs.append(v)
    for k in vs[0]:
        LO, HI = bounds(rs, [v[k] for v in vs])
        ll, sg = loglike(LO, HI)
        print('%-18s misses %5d  log-likelihood %9.1f  sigma %.1f' % (k, int(np.sum((LO > 0) | (HI < 0))), ll, sg))

if __name__ == '__main__':
    a = sys.argv[1:]
    if a and a[0] == 'score':
        kw = dict(v.split('=') for v in a[1:] if '=' in v)
        f = [v for v in a[1:] if '=' not in v]
        tr, te = (f[:f.index('--')], f[f.index('--') + 1:]) if '--' in f else (f, [])
        score(tr, te, kw.get('s', 'exact,wn_d').split(','), kw.get('norm', 'd4').split(','),
              kw.get('rules', 'plain,tan').split(','), kw.get('fit', '0') == '1')
    elif a and a[0] == 'noise':
        noise(a[1:])
    elif a and a[0] == 'widths':
        widths(a[1:])
    else:
        print(__doc__)
