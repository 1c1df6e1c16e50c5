#!/usr/bin/env python3
"""Issue 4: classifies the host's and the core's x87 transcendental results against exact values.

Reads the lines of scripts/x87-trans/measure.ts (op cw a b host_r1 host_r2 host_sw our_r1 our_r2
our_sw, 80-bit values as hex20) and, with mpmath at 320 bits, computes each exact result. Trig
arguments are reduced by a P-bit pi (P from --pi, default 66: the x87's documented 66-bit pi).
Prints per instruction: how often the host / the core are correctly rounded, how often they
agree, and examples of the host's non-correctly-rounded results. --models also prints how often
each model of the host's rounding reproduces its result bit for bit: the exact value rounded first
to N bits (to nearest or towards zero) then to 64 bits under RC, and for FYL2X/FYL2XP1 y times
log2 rounded to nearest at N bits. --pi P for P in 0 (exact), 64, 66, 68, 70, 72, 128 tests the
reduction constant of the trigonometric instructions (the 66-bit pi rounds to the 68-bit one).
Usage: python3 scripts/x87-trans/analyse.py cases.tsv [--pi 66] [--models]
"""
import sys, argparse, collections
from mpmath import mp, mpf, sin, cos, tan, atan, atan2, log, power, floor, nint, ldexp, frexp
mp.prec = 320

NAMES = {29: 'F2XM1', 30: 'FYL2X', 31: 'FYL2XP1', 32: 'FPTAN', 33: 'FPATAN', 34: 'FSIN', 35: 'FCOS', 36: 'FSINCOS'}
M64 = (1 << 64) - 1

def dec(h):
    v = int(h, 16)
    se, sig = v >> 64, v & M64
    s, e = se >> 15, se & 0x7fff
    x = ldexp(mpf(sig), (e if e else 1) - 16383 - 63)
    return -x if s else x

def enc_key(h):
    """Ordering key of a finite 80-bit value (consecutive representable values differ by one)."""
    v = int(h, 16)
    se, sig = v >> 64, v & M64
    e = se & 0x7fff
    k = sig if e == 0 else e * (1 << 63) + (sig & ((1 << 63) - 1))
    return -k if se >> 15 else k

def pi_bits(p):
    return ldexp(nint(ldexp(mp.pi, p - 2)), 2 - p)

def round_to(v, bits, rc):
    """v rounded to a bits-bit significand under rc (0 nearest-even, 1 down, 2 up, 3 zero)."""
    if v == 0:
        return v
    m, e = frexp(v)  # v = m 2^e, 0.5 <= |m| < 1
    scaled = ldexp(v, bits - e)
    f = floor(scaled)
    frac = scaled - f
    if frac == 0:
        q = f
    elif rc == 0:
        q = f + 1 if (frac > 0.5 or (frac == 0.5 and int(f) % 2 == 1)) else f
    elif rc == 1:
        q = f
    elif rc == 2:
        q = f + 1
    else:
        q = f if v > 0 else f + 1
    return ldexp(q, e - bits)

def ulp_of(v):
    m, e = frexp(v)
    return ldexp(mpf(1), e - 64)

def exact(op, a, b, pi_p):
    """Exact results (first, second) of the op, None where there is no second result."""
    if op == 29:
        return power(2, a) - 1, None
    if op == 30:
        return b * log(a, 2), None
    if op == 31:
        return b * log(1 + a, 2), None
    if op == 33:
        if not pi_p:
            return atan2(b, a), None
        # the CPU adds its own pi/2 and pi (pi_p bits) to atan of the smaller over the larger
        pi = pi_bits(pi_p)
        r = atan(abs(b) / abs(a)) if abs(a) >= abs(b) else pi / 2 - atan(abs(a) / abs(b))
        if a < 0: r = pi - r
        return (-r if b < 0 else r), None
    half = pi_bits(pi_p) / 2 if pi_p else mp.pi / 2
    k = nint(a / half)
    r = a - k * half + k * (mp.pi / 2)
    if op == 32: return tan(r), None
    if op == 34: return sin(r), None
    if op == 35: return cos(r), None
    return cos(r), sin(r)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('file')
    ap.add_argument('--pi', type=int, default=66, help='bits of pi for trig reduction (0 = exact)')
    ap.add_argument('--show', type=int, default=4, help='examples per instruction')
    ap.add_argument('--dump', help='write per-case positions (op rc pc d_host) here')
    ap.add_argument('--models', action='store_true', help='match rates of the rounding models')
    args = ap.parse_args()
    st = collections.defaultdict(lambda: collections.Counter())
    ex = collections.defaultdict(list)
    dump = open(args.dump, 'w') if args.dump else None
    for line in open(args.file):
        f = line.split()
        op, cw = int(f[0]), int(f[1], 16)
        rc, pc = (cw >> 10) & 3, (cw >> 8) & 3
        a, b = dec(f[2]), dec(f[3])
        v1, v2 = exact(op, a, b, args.pi)
        # the computed value: ST1 for FPTAN and the sine of FSINCOS are in r2
        outs = []
        if op == 32: outs.append((v1, f[5], f[8]))
        elif op == 36: outs += [(v1, f[4], f[7]), (v2, f[5], f[8])]
        else: outs.append((v1, f[4], f[7]))
        if int(f[6], 16) & 0x400:
            continue  # |x| >= 2^63: C2, operand left alone
        c = st[op]
        for v, hh, oh in outs:
            c['n'] += 1
            cr = round_to(v, 64, rc)
            hv, ov = dec(hh), dec(oh)
            c['host_cr'] += hv == cr
            c['ours_cr'] += ov == cr
            c['same'] += hh == oh
            if args.models:
                for n in range(66, 71):
                    for m, name in ((0, 'rn'), (3, 'tz')):
                        c[f'{name}{n}'] += round_to(round_to(v, n, m), 64, rc) == hv
                if op in (30, 31):
                    lg = v / b
                    for n in (67, 68, 69, 70):
                        c[f'y*L{n}'] += round_to(b * round_to(lg, n, 0), 64, rc) == hv
            u = ulp_of(cr if cr != 0 else v)
            d = float((v - hv) / u)  # exact minus host, in ulps of the result
            if dump: dump.write(f"{op} {rc} {pc} {d:.6f} {int(hv == cr)} {hh} {oh} {f[2]} {f[3]}\n")
            if hv != cr:
                c[f'rc{rc}'] += 1
                if len(ex[op]) < args.show:
                    ex[op].append(f"  rc={rc} pc={pc} a={f[2]} b={f[3]} host={hh} ours={oh} exact-host={d:+.4f} ulp")
    print(f"pi for reduction: {args.pi or 'exact'} bits")
    print(f"{'op':8} {'results':>7} {'host CR':>8} {'ours CR':>8} {'same':>8}  host not CR by RC (0..3)")
    for op in sorted(st):
        c = st[op]
        n = c['n']
        print(f"{NAMES[op]:8} {n:7} {100*c['host_cr']/n:7.2f}% {100*c['ours_cr']/n:7.2f}% {100*c['same']/n:7.2f}%  " +
              ' '.join(str(c[f'rc{r}']) for r in range(4)))
    if args.models:
        print('bit-exact with the host, per model (CR = one correct rounding)')
        for op in sorted(st):
            c = st[op]
            ms = [k for k in c if k[:2] in ('rn', 'tz', 'y*')]
            print(f"{NAMES[op]:8} CR {100*c['host_cr']/c['n']:.2f} " + ' '.join(f"{k} {100*c[k]/c['n']:.2f}" for k in ms))
    for op in sorted(ex):
        print(NAMES[op]); print('\n'.join(ex[op]))

main()
