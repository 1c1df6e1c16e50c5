#!/usr/bin/env python3
"""Issue 4, FPTAN: structural checks of the core's tangent model against host data (session 9).

Every check counts the operands of a 'hard' data set (tanfit.py `hard`: operands whose tangent lies
within 0.06 ulp of the 64-bit grid, with the host's RD and RU results) whose RD or RU result a variant
of the model gets wrong; the coefficients are f80-trig.ts's T_TAN (read from the source) unless --pk.

  python3 tandiag.py structure DATA...   variants of single steps, the rest as in f80-trig.ts
  python3 tandiag.py offsets DATA...     p0..p3, q0..q3 moved by fractions of their 68-bit ulp
  python3 tandiag.py threshold DATA...   the last Horner step: how the host's rounding of Pv, Qv
                                         depends on the exact sum c0 + z A1 (units of ulp68(z A1))
  python3 tandiag.py product DATA...     the same, split by where the sum lies in the model (k units of
                                         ulp68(m) from the tie, m = RN68(z A1)) and by the fraction f
                                         of m's own rounding ((z A1 - m) / ulp68(m), sign of m)

Session 10: tanfit.py's model now has the ones'-complement product and odd ties (tanrules.py); the
figures below are session 9's, for the model without them: run with --session9 to reproduce them.

Session 9 on /tmp/tan/dC.pk (38,378 operands to |r| = pi/4; T_TAN gets 520 wrong, 1.35%):
  structure: final quotient exactly rounded 520, N RN68(1/Qv) 4898, RC(RN68(q)) 17748; N = RN68(r Pv)
    520, r Pv exact 5219, at 64 / 72 bits 17496 / 5238; z = RN68(r^2) 520, r^2 exact 842, 66/67/69/70
    bits 2648/1586/960/873, truncated 1651; z exact in P only / Q only 586 / 788; Horner 520, Estrin
    forms 8241-8544; the adder rule in every step 520, in the last step only 528, none 2648, product
    rounded away from zero 1432, truncated 3851, unrounded (FMA) with the rule 1434, ties toward zero
    1640; the product at 69-72 bits with the rule at its own or the 68-bit ulp 786-2547.
  offsets: p0, q0, p1, q1 are sharp minima (1/8 ulp: p1 541/558, q1 745/727, p0/q0 > 2600);
    p2, q2 within +-1 on 520 for +-6/8 ulp, p3, q3 unchanged.
  threshold: the host rounds up where the exact sum lies about one unit of z A1's last place above
    the tie (the adder rule), but over a ramp of +-0.75 units, not the model's half-open step; 510 of
    the 520 misses flip with A1 or B1 one 68-bit unit away, while A1's and B1's own pre-rounding sums
    are spread evenly over their ulp (no tie effect): an unmodelled error of a few tenths of a unit
    in the last step's product, not a rounding rule of the inner steps.
  product: the host departs from the model only where z A1 lay near its own rounding midpoint:
    |f| < 1/4: 0-2% of decisions differ; from |f| = 1/4 to 1/2 the share rises to ~50% of the
    cases where m one unit the other way would change the outcome (Q, 2 bits: k = -1, f = -0.50:
    17/73 up, -0.31: 7/87, -0.25: 0/78). So the host's m is RN68 of a product that differs from
    z A1 (our z, our A1) by up to ~1/4 unit of m: not explained by z or A1 held at 69-72 bits or
    exact (p1, q1 rescanned: 841-927; with A1, B1 exact and p1..p3, q1..q3 searched on dA in steps of
    1/8..64 units: 853 -> 826 on dA, 840 on dC, against the model's 482 and 520), the product
    rounded twice (69-72 bits, 520-982), z at 70-76 bits or exact, or r (r A1) in the last step only
    (847-1059), or a column-truncated multiplier (columns below 2^56..2^63 dropped, a constant
    compensation: 519-2022). For Q with 3-4 bits the departures on the f > 0 side start nearer
    f = 0 than on the f < 0 side: the host's |z B1| there tends to be the larger.
"""
import os, sys, re, math, pickle, argparse, collections
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tanfit as T
from fractions import Fraction as Fr

FS = T.FS
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')

def wasm_table():
    """T_TAN of f80-trig.ts: p0..p4, q0..q4 as Fractions"""
    src = open(os.path.join(ROOT, 'wasm/core/x87/f80-trig.ts')).read()
    rows = re.findall(r'0x([0-9A-F]{16}), 0x([0-9A-F])0{15}, 0x([0-9A-F]+), // ([pq]\d)', src)[:10]
    cs = []
    for h, l, se, _ in rows:
        se = int(se, 16); e = se & 0xFFFFFFFF
        e = e - (1 << 32) if e & 0x80000000 else e
        cs.append((-1 if se >> 32 else 1) * Fr(int(h + l, 16)) * Fr(2) ** (e - 67))
    return cs[:5], cs[5:]

def ulp(v): return 1 << (abs(v).bit_length() - 68)

def rnb(v, bits, mode='n'):
    """v (any scale) to `bits` bits: n nearest-even, a away from zero, t toward zero"""
    if v == 0: return 0
    a = abs(v); sh = a.bit_length() - bits
    if sh <= 0: return v
    q = a >> sh; rem = a - (q << sh); half = 1 << (sh - 1)
    if mode == 'n' and (rem > half or (rem == half and q & 1)) or mode == 'a' and rem: q += 1
    return -(q << sh) if v < 0 else q << sh

def horner(cs, z, rule='ones', last_only=False):
    """Pv or Qv with a variant of the last steps' adder / product rounding"""
    acc = cs[-1]
    for i in range(len(cs) - 2, -1, -1):
        c, prod = cs[i], acc * z
        opp = (c < 0) != (prod < 0)
        apply = opp and (not last_only or i == 0)
        if rule == 'fma':
            m = prod >> FS; s = c + m
            if apply: s -= ulp(rnb(prod, 68) >> FS) * (1 if c > 0 else -1)
        else:
            mode = {'away': 'a', 'trunc': 't'}.get(rule, 'n')
            m = rnb(prod, 68, mode) >> FS; s = c + m
            if rule in ('ones',) and apply and m: s += ulp(m) if m > 0 else -ulp(m)
            if rule == 'tiezero' and opp:
                a = abs(s); sh = a.bit_length() - 68
                if sh > 0 and a - (a >> sh << sh) == 1 << (sh - 1):
                    acc = (a >> sh << sh) * (1 if s > 0 else -1); continue
        acc = T.irn(s)
    return acc

def misses(d, Pv, Qv, final=None):
    """operands whose RD or RU result the model gets wrong; final(rf, Pv, Qv, k) -> the quotient before
    the last rounding, for a variant of the last steps (default: the core's)"""
    if final is None: return len(d.misses(Pv, Qv))
    n = 0
    for i, (rf, z, k, hd, hu, r) in enumerate(d.ops):
        q = final(rf, Pv[i], Qv[i], k)
        n += not (T.rc64(q, 1) == hd and T.rc64(q, 2) == hu)
    return n

def quotient(num, den, k):
    return num / den if k == 0 else -den / num

def cmd_structure(d, Pc, Qc):
    Pv, Qv = d.values(Pc), d.values(Qc)
    print('model', misses(d, Pv, Qv), flush=True)
    N68 = lambda rf, p: Fr(T.imul(rf, p))
    fin = {'through RN68(1/Qv) (or RN68(1/N))': lambda rf, p, q, k: (N68(rf, p) * T.rn(Fr(1, q)) if k == 0 else -Fr(q) * T.rn(1 / N68(rf, p))),
           'RC(RN68(N / Qv))': lambda rf, p, q, k: T.rn(quotient(N68(rf, p), Fr(q), k)),
           'N = r Pv exact': lambda rf, p, q, k: quotient(Fr(rf * p, 2**FS), Fr(q), k),
           'N at 64 bits': lambda rf, p, q, k: quotient(Fr(rnb(rf * p, 64), 2**FS), Fr(q), k),
           'N at 72 bits': lambda rf, p, q, k: quotient(Fr(rnb(rf * p, 72), 2**FS), Fr(q), k)}
    for nm, f in fin.items(): print(nm, misses(d, Pv, Qv, f), flush=True)
    for rule in ('plain', 'away', 'trunc', 'fma', 'tiezero'):
        print('adder/product rule', rule, misses(d, [horner(Pc, o[1], rule) for o in d.ops], [horner(Qc, o[1], rule) for o in d.ops]), flush=True)
    print('adder rule in the last step only', misses(d, [horner(Pc, o[1], 'ones', True) for o in d.ops], [horner(Qc, o[1], 'ones', True) for o in d.ops]), flush=True)
    ops = d.ops
    for nm, zf in (('z = r^2 exact', lambda rf: (rf * rf) >> FS), ('z at 66 bits', lambda rf: rnb(rf * rf, 66) >> FS),
                   ('z at 70 bits', lambda rf: rnb(rf * rf, 70) >> FS), ('z truncated to 68 bits', lambda rf: rnb(rf * rf, 68, 't') >> FS)):
        zs = [zf(o[0]) for o in ops]
        print(nm, misses(d, [T.ihorner(Pc, z) for z in zs], [T.ihorner(Qc, z) for z in zs]), flush=True)

def cmd_offsets(d, Pc, Qc):
    vs = {'P': d.values(Pc), 'Q': d.values(Qc)}; cs = {'P': Pc, 'Q': Qc}
    print('model', misses(d, vs['P'], vs['Q']), flush=True)
    for w in 'PQ':
        for k in range(4):
            row = []
            for j in (-4, -1, 1, 4):
                c = list(cs[w]); c[k] += j * ulp(c[k]) // 8; v = d.values(c)
                row.append('%+d/8: %d' % (j, misses(d, v, vs['Q']) if w == 'P' else misses(d, vs['P'], v)))
            print(w.lower() + str(k), ', '.join(row), flush=True)

def last_steps(d, Pc, Qc):
    """per operand and polynomial whose last Horner rounding the host's results decide (given the
    other polynomial's model value): (w, c0, prod = z A1 exact, m = RN68(prod), the model's sum s
    = c0 (+) m, its 68-bit neighbours lo < s < hi, whether the host took hi)"""
    Pv, Qv = d.values(Pc), d.values(Qc)
    for i, o in enumerate(d.ops):
        z = o[1]
        for w, cs in (('P', Pc), ('Q', Qc)):
            prod = T.iacc(cs, z, 1) * z; m = T.irn(prod, 2 * FS) >> FS
            s = cs[0] + m + (ulp(m) if m > 0 else -ulp(m))
            u = ulp(s); lo = s - s % u; hi = lo + u
            other = Qv[i] if w == 'P' else Pv[i]
            ok = [v for v in (lo, hi) if (d.ok(i, v, other) if w == 'P' else d.ok(i, other, v))]
            if len(ok) == 1: yield w, cs[0], prod, m, s, lo, hi, ok[0] == hi

def cmd_threshold(d, Pc, Qc):
    hist = collections.defaultdict(lambda: [0, 0])
    for w, c0, prod, m, s, lo, hi, up in last_steps(d, Pc, Qc):
        um = ulp(m); sh = (hi - lo).bit_length() - um.bit_length()
        t = (Fr(c0 - lo) + Fr(prod, 2**FS)) / um - (1 << (sh - 1))
        if -1 <= t < 3 and sh <= 5: hist[(w, sh, math.floor(t * 4) / 4)][up] += 1
    for key in sorted(set(k[:2] for k in hist)):
        print('%s, z A1 %d bits below the sum:' % key, ' '.join('%+.2f %d/%d' % (b[2], hist[b][1], sum(hist[b])) for b in sorted(hist) if b[:2] == key))

def cmd_product(d, Pc, Qc):
    hist = collections.defaultdict(lambda: [0, 0])
    for w, c0, prod, m, s, lo, hi, up in last_steps(d, Pc, Qc):
        um = ulp(m); u = hi - lo; sh = u.bit_length() - um.bit_length()
        if sh > 4: continue
        k = (s - lo - u // 2) // um
        if k not in (-1, 0, 1): continue
        f = Fr(prod - (m << FS), um << FS) * (1 if m > 0 else -1)
        tag = ('even up' if (hi // u) % 2 == 0 else 'even down') if k == 0 else ''
        hist[(w, sh, int(k), tag, math.floor(float(f) * 8) / 8)][up] += 1
    for key in sorted(set(k[:4] for k in hist)):
        print('%s, %d bits, k %+d %s:' % key, ' '.join('f%+.3f %d/%d' % (b[4], hist[b][1], sum(hist[b])) for b in sorted(hist) if b[:4] == key))

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('cmd', choices=['structure', 'offsets', 'threshold', 'product'])
    ap.add_argument('data', nargs='+')
    ap.add_argument('--pk', help='coefficients (pickle of (P, Q)) instead of f80-trig.ts T_TAN')
    ap.add_argument('--session9', action='store_true', help="session 9's model (plain products, ties to even)")
    a = ap.parse_args()
    if a.session9: T.ONESMUL = T.ODDTIES = False
    P, Q = pickle.load(open(a.pk, 'rb')) if a.pk else wasm_table()
    d = T.HardSet(a.data)
    Pc, Qc = [T.ifix(c) for c in P], [T.ifix(c) for c in Q]
    {'structure': cmd_structure, 'offsets': cmd_offsets, 'threshold': cmd_threshold, 'product': cmd_product}[a.cmd](d, Pc, Qc)
