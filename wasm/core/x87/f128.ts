// A 128-bit-significand binary float for the x87 transcendental kernels.
// Value = (-1)^s * (h:l / 2^127) * 2^e with bit 63 of h set; zero when h == 0.
// Results of the q* operations land in qS/qE/qH/qL. Arithmetic truncates, so
// every operation is accurate to a few units of 2^-127 relative; the kernels
// round once, to 64 bits, at the end.
import { mul64, div128, clz64, wHi, wLo } from "./wide";

export let qS: u32 = 0;
export let qE: i32 = 0;
export let qH: u64 = 0;
export let qL: u64 = 0;

@inline function setQ(s: u32, e: i32, h: u64, l: u64): void {
  qS = s; qE = e; qH = h; qL = l;
}

@inline export function qzero(): void {
  setQ(0, 0, 0, 0);
}

/** q = entry i of a constant table (three u64 per entry: high, low, sign << 32 | exponent). */
@inline export function qload(tab: usize, i: u32): void {
  const p = tab + <usize>i * 24;
  const se = load<u64>(p, 16);
  setQ(<u32>(se >> 32), <i32><u32>se, load<u64>(p), load<u64>(p, 8));
}

/** q = sign * (h:l) * 2^scale for an unnormalised 128-bit integer. */
export function qfromU128(s: u32, h: u64, l: u64, scale: i32): void {
  if (h == 0) {
    if (l == 0) {
      qzero();
      return;
    }
    h = l;
    l = 0;
    scale -= 64;
  }
  const z = clz64(h);
  if (z != 0) {
    h = (h << u64(z)) | (l >> u64(64 - z));
    l <<= u64(z);
  }
  setQ(s, 127 - z + scale, h, l);
}

/** q = an 80-bit finite value (denormals normalised); sig != 0. */
export function qfromF80(sig: u64, se: u32): void {
  let e = <i32>(se & 0x7FFF);
  if (e == 0) e = 1;
  const z = clz64(sig);
  setQ((se >> 15) & 1, e - 16383 - z, sig << u64(z), 0);
}

/** q = a * b. */
export function qmul(aS: u32, aE: i32, aH: u64, aL: u64, bS: u32, bE: i32, bH: u64, bL: u64): void {
  if (aH == 0 || bH == 0) {
    qzero();
    return;
  }
  mul64(aH, bH);
  const p3 = wHi, p2 = wLo;
  mul64(aH, bL);
  const m1h = wHi, m1l = wLo;
  mul64(aL, bH);
  const m2h = wHi, m2l = wLo;
  mul64(aL, bL);
  let w1 = m1l + m2l;
  let c1 = u64(w1 < m1l);
  const w1b = w1 + wHi;
  c1 += u64(w1b < w1);
  w1 = w1b;
  let w2 = p2 + m1h;
  let c2 = u64(w2 < p2);
  let t = w2 + m2h;
  c2 += u64(t < w2);
  w2 = t + c1;
  c2 += u64(w2 < t);
  const w3 = p3 + c2;
  const s = aS ^ bS;
  // bits below the kept 128 are jammed into bit 0 so the result stays inexact
  const sticky = u64((w1 | wLo) != 0);
  if (<i64>w3 < 0) setQ(s, aE + bE + 1, w3, w2 | sticky);
  else setQ(s, aE + bE, (w3 << 1) | (w2 >> 63), (w2 << 1) | (w1 >> 63) | sticky);
}

/** q = a + b (qsub: flip bS). Aligned and subtracted with a third guard word. */
export function qadd(aS: u32, aE: i32, aH: u64, aL: u64, bS: u32, bE: i32, bH: u64, bL: u64): void {
  if (bH == 0) {
    setQ(aS, aE, aH, aL);
    return;
  }
  if (aH == 0) {
    setQ(bS, bE, bH, bL);
    return;
  }
  if (aE < bE || (aE == bE && (aH < bH || (aH == bH && aL < bL)))) {
    const ts = aS; aS = bS; bS = ts;
    const te = aE; aE = bE; bE = te;
    const th = aH; aH = bH; bH = th;
    const tl = aL; aL = bL; bL = tl;
  }
  const d = aE - bE;
  // b >> d as three words bh:bl:bg, bits shifted past bg jammed into its bit 0
  let bh: u64 = 0, bl: u64 = 0, bg: u64 = 0;
  if (d == 0) {
    bh = bH; bl = bL;
  } else if (d < 64) {
    bg = bL << u64(64 - d);
    bl = (bL >> u64(d)) | (bH << u64(64 - d));
    bh = bH >> u64(d);
  } else if (d == 64) {
    bg = bL; bl = bH;
  } else if (d < 128) {
    bg = (bL >> u64(d - 64)) | (bH << u64(128 - d)) | u64((bL << u64(128 - d)) != 0);
    bl = bH >> u64(d - 64);
  } else if (d < 192) {
    bg = (bH >> u64(d - 128)) | u64((bL | (bH << u64(192 - d))) != 0);
  } else {
    bg = 1;
  }
  let e = aE;
  if (aS == bS) {
    const l = aL + bl;
    const c = u64(l < aL);
    const h = aH + bh + c;
    const carry = h < aH || (c != 0 && h == aH);
    const sticky = u64(bg != 0);
    if (carry) {
      setQ(aS, e + 1, (h >> 1) | 0x8000000000000000, (l >> 1) | (h << 63) | sticky);
    } else {
      setQ(aS, e, h, l | sticky);
    }
    return;
  }
  // |a| >= |b|: a - b >= 0
  const g = 0 - bg;
  let br = u64(bg != 0);
  const l = aL - bl - br;
  br = u64(aL < bl || (aL - bl) < br);
  let h = aH - bh - br;
  let lo = l, gg = g;
  if (h == 0) {
    if (lo == 0) {
      if (gg == 0) {
        qzero();
        return;
      }
      h = gg; lo = 0; gg = 0; e -= 128;
    } else {
      h = lo; lo = gg; gg = 0; e -= 64;
    }
  }
  const z = clz64(h);
  if (z != 0) {
    h = (h << u64(z)) | (lo >> u64(64 - z));
    lo = (lo << u64(z)) | (gg >> u64(64 - z));
    gg <<= u64(z);
  }
  setQ(aS, e - z, h, lo | u64(gg != 0));
}

/** Remainder words of the last divStep. */
let dR1: u64 = 0;
let dR0: u64 = 0;

/**
 * One quotient digit of u2:u1:u0 / v1:v0 (v1 normalised, u2:u1 < v1:v0):
 * Knuth vol. 2, 4.3.1 algorithm D with base 2^64. The estimate from the top
 * words is at most two too large. Remainder in dR1:dR0.
 */
function divStep(u2: u64, u1: u64, u0: u64, v1: u64, v0: u64): u64 {
  let q = u2 >= v1 ? 0xFFFFFFFFFFFFFFFF : div128(u2, u1, v1);
  mul64(q, v0);
  const a1 = wHi, a0 = wLo;
  mul64(q, v1);
  const p1 = a1 + wLo;
  const p2 = wHi + u64(p1 < a1);
  // r = u - q v, three words, wrapping
  let r0 = u0 - a0;
  let b = u64(u0 < a0);
  let r1 = u1 - p1 - b;
  b = u64(u1 < p1 || (u1 - p1) < b);
  let r2 = u2 - p2 - b;
  while (<i64>r2 < 0) {
    q--;
    const t0 = r0 + v0;
    const c0 = u64(t0 < r0);
    const t1 = r1 + v1 + c0;
    const c1 = u64(t1 < r1 || (c0 != 0 && t1 == r1));
    r0 = t0;
    r1 = t1;
    r2 += c1;
  }
  dR1 = r1;
  dR0 = r0;
  return q;
}

/** q = a / b (b != 0), truncated to 128 bits with the remainder jammed into bit 0. */
export function qdiv(aS: u32, aE: i32, aH: u64, aL: u64, bS: u32, bE: i32, bH: u64, bL: u64): void {
  if (aH == 0) {
    qzero();
    return;
  }
  // a / 2 so that the quotient of significands lies in [1/2, 1)... then 2 digits
  const u2 = aH >> 1, u1 = (aH << 63) | (aL >> 1), u0 = aL << 63;
  const q1 = divStep(u2, u1, u0, bH, bL);
  const q0 = divStep(dR1, dR0, 0, bH, bL);
  const sticky = u64((dR1 | dR0) != 0);
  // quotient (a/2)/b * 2^128 in [2^127 / 2, 2^128): normalise
  let h = q1, l = q0, e = aE - bE;
  if (<i64>h >= 0) {
    h = (h << 1) | (l >> 63);
    l <<= 1;
    e--;
  }
  setQ(aS ^ bS, e, h, l | sticky);
}

/** q = q / n for an integer n > 0 (the series of the Intel flavour's kernels). */
export function qdivN(n: u64): void {
  const aS = qS, aE = qE, aH = qH, aL = qL;
  qfromU128(0, 0, n, 0);
  qdiv(aS, aE, aH, aL, qS, qE, qH, qL);
}

/**
 * q = sum of z^k / (2k + 1) for k = 0..terms, by Horner from the last term: atanh(s)/s for
 * z = s^2, atan(u)/u for z = -u^2 (the Intel flavour's logarithm and arctangent kernels).
 */
export function qoddSum(zS: u32, zE: i32, zH: u64, zL: u64, terms: i32): void {
  qfromU128(0, 0, 1, 0);
  qdivN(<u64>(2 * terms + 1));
  for (let k = terms - 1; k >= 0; k--) {
    qmul(qS, qE, qH, qL, zS, zE, zH, zL);
    const aS = qS, aE = qE, aH = qH, aL = qL;
    qfromU128(0, 0, 1, 0);
    qdivN(<u64>(2 * k + 1));
    qadd(qS, qE, qH, qL, aS, aE, aH, aL);
  }
}

/** q = 1 + q, or 1 - q when `minus`. */
export function qonePlus(minus: bool): void {
  const tS = qS ^ u32(minus), tE = qE, tH = qH, tL = qL;
  qadd(0, 0, 0x8000000000000000, 0, tS, tE, tH, tL);
}

/**
 * q rounded to nearest-even at 68 bits (1 + 67 fraction bits), in place: the
 * precision of the CPU's internal values in its transcendental microcode
 * (scripts/x87-trans, docs/RESULTS.md).
 */
@inline export function qnear68(): void {
  qround68(false);
}

/** The low word's bits kept by a truncation to 67 significant bits (the Intel flavour's internal precision). */
export const TZ67: u64 = 0xE000000000000000;

/** q truncated toward zero to k significant bits, in place (k <= 0: zero). */
export function qtrunc(k: i32): void {
  if (k >= 128) return;
  if (k <= 0) qzero();
  else if (k <= 64) {
    qL = 0;
    if (k < 64) qH &= ~((u64(1) << u64(64 - k)) - 1);
  } else qL &= ~((u64(1) << u64(128 - k)) - 1);
}

/**
 * q rounded to nearest at 64 bits, in place; a tie goes to the even neighbour, or away from zero when
 * tiesAway (Intel's F2XM1 rounds its Y so, f80-exp-intel.ts).
 */
export function qnear64(tiesAway: bool = false): void {
  const half: u64 = 0x8000000000000000;
  const up = qL > half || (qL == half && (tiesAway || (qH & 1) != 0));
  qL = 0;
  if (up) {
    qH++;
    if (qH == 0) {
      qH = 0x8000000000000000;
      qE++;
    }
  }
}

/** q rounded to nearest at 68 bits; a tie goes to the odd neighbour when tiesOdd, else to the even one. */
export function qround68(tiesOdd: bool): void {
  qroundTo(68, tiesOdd);
}

/** q rounded to nearest at `bits` (65..127) significant bits; ties as qround68. */
export function qroundTo(bits: i32, tiesOdd: bool): void {
  const unit: u64 = u64(1) << <u64>(128 - bits);
  const rem = qL & (unit - 1);
  qL &= ~(unit - 1);
  if (rem > unit >> 1 || (rem == unit >> 1 && ((qL & unit) != 0) != tiesOdd)) {
    qL += unit;
    if (qL == 0) {
      qH++;
      if (qH == 0) {
        qH = 0x8000000000000000;
        qE++;
      }
    }
  }
}

/**
 * q = c0 + z (c1 + ... + z c_deg), c_i = tab[first + i] (qload entries), z of sign zS (default
 * positive), by Horner in this format's own precision (the Intel flavour's polynomials,
 * f80-log-intel.ts, f80-trig-intel.ts and f80-exp-intel.ts).
 */
export function qhorner(tab: usize, first: u32, deg: i32, zE: i32, zH: u64, zL: u64, zS: u32 = 0): void {
  qload(tab, first + <u32>deg);
  for (let i = deg - 1; i >= 0; i--) {
    qmul(qS, qE, qH, qL, zS, zE, zH, zL);
    const pS = qS, pE = qE, pH = qH, pL = qL;
    qload(tab, first + <u32>i);
    qadd(qS, qE, qH, qL, pS, pE, pH, pL);
  }
}

/**
 * q = c0 + z (c1 + ... + z c_deg), c_i = tab[first + i] (qload entries), z > 0, by Horner with every
 * product and sum rounded to nearest at 68 bits, as the host's x87 microcode evaluates its
 * polynomials (f80-exp.ts, f80-trig.ts). ones: FPTAN's microcode, which works in ones' complement
 * (read back in session 10, scripts/x87-trans/tanrules.py):
 * - every product z a has the magnitude RN68(X - ulp68(X)), X = (|a| + ulp68(a)) z, the sign a's
 *   (one unit added to the multiplicand, one unit of the product's 68 bits taken off: read back
 *   first for negative a, as a taken in ones' complement, then for positive a too);
 * - a sum of operands of opposite signs takes one more unit of the product's 68-bit last place
 *   (the adder subtracting in ones' complement without the +1; |product| < |coefficient|);
 * - every sum but the last (c_0 + ...) rounds a tie to the odd neighbour (session 14; session 10
 *   read it back for the negative coefficients' sums).
 */
export function qhorner68(tab: usize, first: u32, deg: i32, zE: i32, zH: u64, zL: u64, ones: bool): void {
  qload(tab, first + <u32>deg);
  for (let i = deg - 1; i >= 0; i--) {
    if (ones && qH != 0) {
      qinc68();
      qmul(qS, qE, qH, qL, 0, zE, zH, zL);
      qdec68();
    } else {
      qmul(qS, qE, qH, qL, 0, zE, zH, zL);
    }
    qnear68();
    // the coefficient's sign, from its table entry (qload's layout)
    const cS = <u32>(load<u64>(tab + <usize>(first + <u32>i) * 24, 16) >> 32);
    if (ones && qS != cS && qH != 0) qinc68();
    const pS = qS, pE = qE, pH = qH, pL = qL;
    qload(tab, first + <u32>i);
    qadd(qS, qE, qH, qL, pS, pE, pH, pL);
    qround68(ones && i != 0);
  }
}

/** |q| += one unit of its 68-bit last place (q a 68-bit value). */
function qinc68(): void {
  qL += u64(1) << 60;
  if (qL == 0) {
    qH++;
    if (qH == 0) {
      qH = 0x8000000000000000;
      qE++;
    }
  }
}

/** |q| -= one unit of its 68-bit last place, renormalised (q non-zero, any low bits kept). */
function qdec68(): void {
  const unit: u64 = u64(1) << 60;
  const b = u64(qL < unit);
  qL -= unit;
  qH -= b;
  if (<i64>qH >= 0) {
    qH = (qH << 1) | (qL >> 63);
    qL <<= 1;
    qE--;
  }
}
