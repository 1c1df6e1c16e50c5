// x87 transcendental instructions: F2XM1, FYL2X, FYL2XP1, FPTAN, FPATAN,
// FSIN, FCOS, FSINCOS.
//
// Each result is evaluated in the 128-bit format of f128.ts (series with
// table-driven argument reduction, error far below 2^-100) and rounded to
// 64 bits under RC, except where the host CPU's (AMD EPYC) own algorithm has
// been read back (scripts/x87-trans, docs/RESULTS.md). Its microcode rounds
// every intermediate value to nearest at 68 bits and rounds the last
// operation (a product or a quotient) once under RC:
// - FYL2X, FYL2XP1: the logarithm of f80-log.ts.
// - FPATAN: the arctangent of f80-atan.ts (an RN68 quotient, then a sum
//   rounded under RC).
// - FPTAN: the [4/4] rational approximation of f80-trig.ts (RN68(r C) / C
//   for |r| < 2^-34, where its z terms vanish); the sine kernel of FSIN, FCOS, FSINCOS:
//   r + RN68(RN68(r z) S(z)), z = RN68(r^2); their cosine kernel:
//   1 - RN68(z C(z)); S and C the CPU's polynomials (degrees 6 and 8 in z)
//   by RN68 Horner (f80-trig.ts; the cosine's C2 unrounded).
// - F2XM1: N / RN68(Q - N/2), N = RN68(x P), P and Q cubic in x^2 (f80-exp.ts).
// Against the host on random operands (docs/RESULTS.md, sessions 13-14;
// measure.ts): F2XM1 0 of 1,220,000 (seeds 101-121, 101-108, 111-118);
// FYL2X, FYL2XP1, FPATAN 0 of 720,000 each (seeds 101-121, 301-306); FSIN,
// FCOS, FSINCOS 9 of 18,000,000 operations (session 14, seeds 201-320: the
// cosine kernel, sums at or near a rounding tie); FPTAN 0 of 3,030,000
// (seeds 101-121, 61-68, 401-410, 501-540; session 13's one miss fixed in
// session 14 by the step-2 tie rule). The results that
// differ are one unit in the last place: values within the microcode's
// internal rounding noise of a rounding boundary, where the rules of those
// inner steps are not recovered.
//
// Modelled hardware behaviour:
// - FSIN/FCOS/FSINCOS/FPTAN reduce the argument by the CPU's 66-bit pi
//   (SDM vol. 1, 8.3.10), exactly: results for large arguments are those of
//   the true functions at x mod (pi66 / 2). |x| >= 2^63 sets C2 and leaves
//   the operand alone.
// - Every computed result reports PE, even when it is exact (FYL2X(4, 3)).
// - Outside the documented domains the CPU returns, as observed: F2XM1 with
//   |x| > 1 gives x; FYL2XP1 with x <= -1 gives x (y != 0); F2XM1(1) comes out
//   just below 1 before rounding.
import {
  fpuExc, rSig, rSe, r2Sig, r2Se,
  FE_ZE, FE_UE, FE_PE, SW_C1, SW_C2, SIG_J, BIAS,
  CL_ZERO, CL_DENORMAL, CL_INF, CL_QNAN,
  classify, nan1, nan2, setIndefinite, setZero, setInf, denormalStops, roundPack80,
} from "./f80";
import { qS, qE, qH, qL, qload, qfromF80, qfromU128, qmul } from "./f128";
import { div128, mul64, wHi, wLo } from "./wide";
import { T_CONST } from "./f80-tables";
import { log2Host, log2p1Host } from "./f80-log";
import { log2Intel, log2p1Intel } from "./f80-log-intel";
import { exp2m1Host } from "./f80-exp";
import { exp2m1Intel } from "./f80-exp-intel";
import { tanHost, sinHost, cosHost } from "./f80-trig";
import { tanIntel, sinCosIntel } from "./f80-trig-intel";
import { atanHost } from "./f80-atan";
import { atanIntel } from "./f80-atan-intel";
import { vendor, VENDOR_INTEL } from "../vendor";

const K_PI: u32 = 2; // the pi constants are the CPU's 66-bit pi (FPATAN matches it)
const K_PI2: u32 = 3;
const K_PI4: u32 = 4;
const K_3PI4: u32 = 5;

/**
 * Rounds q into rSig/rSe at 64 bits under RC. The CPU reports every computed
 * result as inexact, so a tiny one also signals underflow.
 */
function qround(cw: u32): void {
  if (qH == 0) setZero(qS << 15);
  else roundPack80(qS << 15, qE + BIAS, qH, qL, cw, 0);
  fpuExc |= FE_PE;
  if ((rSe & 0x7FFF) == 0 && qH != 0 && (cw & FE_UE) != 0) fpuExc |= FE_UE;
}

// Intel flavour (vendor.ts; measured on an Intel Xeon, session 17): for |x| < 2^-68 FSIN,
// FSINCOS's sine and FPTAN return x and FCOS, FSINCOS's cosine 1, unrounded (C1 = 0, PE).
// FPTAN above: f80-trig-intel.ts; FYL2X and FYL2XP1: f80-log-intel.ts; F2XM1: f80-exp-intel.ts.
const INTEL_TINY_EXP: i32 = BIAS - 68;

/** The Intel flavour's tiny-argument path applies to this operand. */
function intelTiny(se: u32): bool {
  return vendor == VENDOR_INTEL && <i32>(se & 0x7FFF) < INTEL_TINY_EXP;
}

/**
 * rSig/rSe = the reduced argument in q (|x| < 2^-68: x itself), exact but reported inexact like
 * every computed result (PE; a denormal x also UE, or the unmasked-underflow response; C1 = 0).
 */
function exactQ(cw: u32): void {
  qround(cw);
  fpuExc &= ~SW_C1;
}

/** rSig/rSe = 1.0, PE (Intel's tiny cosine). */
function exactOne(): void {
  rSig = SIG_J;
  rSe = <u32>BIAS;
  fpuExc = (fpuExc & ~SW_C1) | FE_PE;
}

/** A constant from T_CONST with the given sign, rounded under RC (FPATAN's special results). */
function constResult(k: u32, sign: u32, cw: u32): void {
  qload(T_CONST, k);
  qS = sign;
  qround(cw);
}

// ---------------------------------------------------------------------------
// Trigonometric functions

// The CPU's pi/2 to 66 bits is Mp * 2^-65 with Mp = MT * 4 + 3.
const MT: u64 = 0xC90FDAA22168C234;
const MP_HI: u64 = 3;
const MP_LO: u64 = 0x243F6A8885A308D3;

/** Quadrant of the last reduce(): x = k * pi66/2 + r with k = redK (mod 4). */
let redK: u32 = 0;

/** q = r, redK = k for finite non-zero x with |x| < 2^63, r in [-pi66/4, pi66/4] exactly. */
function reduce(sig: u64, se: u32): void {
  const s = (se >> 15) & 1;
  const e = <i32>(se & 0x7FFF) - BIAS;
  if (e < -1) {
    qfromF80(sig, se);
    redK = 0;
    return;
  }
  // X = |x| * 2^65, an integer below 2^128
  const sh = e + 2;
  const xh = sh == 64 ? sig : sig >> u64(64 - sh);
  const xl = sh == 64 ? 0 : sig << u64(sh);
  // k estimated from the top 64 bits of Mp, then R = X - k * Mp exactly
  let k = div128(xh >> 2, (xl >> 2) | (xh << 62), MT);
  mul64(k, MT);
  let mh = (wHi << 2) | (wLo >> 62);
  let ml = wLo << 2;
  const k3 = k * 3;
  ml += k3;
  mh += u64(ml < k3);
  let rl = xl - ml;
  let rh = xh - mh - u64(xl < ml);
  while (<i64>rh < 0) {
    k--;
    const t = rl + MP_LO;
    rh += MP_HI + u64(t < rl);
    rl = t;
  }
  while (rh > MP_HI || (rh == MP_HI && rl >= MP_LO)) {
    k++;
    const t = rl - MP_LO;
    rh -= MP_HI + u64(rl < MP_LO);
    rl = t;
  }
  // nearest multiple: when R > Mp - R use R - Mp
  const dl = MP_LO - rl;
  const dh = MP_HI - rh - u64(MP_LO < rl);
  let neg: u32 = 0;
  if (rh > dh || (rh == dh && rl > dl)) {
    k++;
    rh = dh;
    rl = dl;
    neg = 1;
  }
  qfromU128(s ^ neg, rh, rl, -65);
  redK = <u32>(s != 0 ? 0 - k : k) & 3;
}

/**
 * Operand checks shared by FSIN, FCOS, FSINCOS and FPTAN. Returns 1 with the
 * reduced argument in q and redK, 0 for a zero operand, -1 when the result
 * is already decided (NaN, invalid, #D unmasked, or C2 for |x| >= 2^63).
 */
function trigArg(sig: u64, se: u32, cw: u32): i32 {
  fpuExc = 0;
  const c = classify(sig, se);
  if (c >= CL_QNAN) {
    nan1(sig, se, c);
    return -1;
  }
  if (c == CL_INF) {
    setIndefinite();
    return -1;
  }
  if (c == CL_ZERO) return 0;
  if (c == CL_DENORMAL && denormalStops(cw)) return -1;
  if (<i32>(se & 0x7FFF) >= BIAS + 63) {
    fpuExc = SW_C2;
    return -1;
  }
  reduce(sig, se);
  return 1;
}

/**
 * q = sin(x) (cos = false) or cos(x) from the reduced argument r (given) and redK; single: FSIN or FCOS,
 * whose cosine below 1/4 Intel evaluates differently from FSINCOS's and FPTAN's (f80-trig-intel.ts).
 */
function trigQ(cos: bool, rS: u32, rE: i32, rH: u64, rL: u64, single: bool = false): void {
  const k = redK + (cos ? 1 : 0);
  if (vendor == VENDOR_INTEL) sinCosIntel((k & 1) == 0, rS, rE, rH, rL, single); // table-driven (f80-trig-intel.ts)
  else if ((k & 1) != 0) cosHost(rS, rE, rH, rL); // the CPU's last steps (f80-trig.ts)
  else {
    sinHost(rS, rE, rH, rL); // the CPU's polynomial (f80-trig.ts)
  }
  if ((k & 2) != 0) qS ^= 1;
}

/** FSIN. */
export function f80Sin(aSig: u64, aSe: u32, cw: u32): void {
  const st = trigArg(aSig, aSe, cw);
  if (st == 0) {
    rSig = aSig;
    rSe = aSe;
  }
  if (st <= 0) return;
  if (intelTiny(aSe)) {
    exactQ(cw);
    return;
  }
  trigQ(false, qS, qE, qH, qL, true);
  qround(cw);
}

/** FCOS. */
export function f80Cos(aSig: u64, aSe: u32, cw: u32): void {
  const st = trigArg(aSig, aSe, cw);
  if (st == 0) {
    rSig = SIG_J;
    rSe = <u32>BIAS;
  }
  if (st <= 0) return;
  if (intelTiny(aSe)) {
    exactOne();
    return;
  }
  trigQ(true, qS, qE, qH, qL, true);
  qround(cw);
}

/** FSINCOS: rSig/rSe = cos (new ST0), r2Sig/r2Se = sin (new ST1). */
export function f80Sincos(aSig: u64, aSe: u32, cw: u32): void {
  const st = trigArg(aSig, aSe, cw);
  if (st == 0) {
    r2Sig = aSig;
    r2Se = aSe;
    rSig = SIG_J;
    rSe = <u32>BIAS;
    return;
  }
  if (st < 0) {
    r2Sig = rSig;
    r2Se = rSe;
    return;
  }
  if (intelTiny(aSe)) {
    exactQ(cw);
    r2Sig = rSig;
    r2Se = rSe;
    exactOne();
    return;
  }
  // C1 reports the rounding of the sine (ST1) on AMD, of the cosine (ST0) on Intel
  const rS = qS, rE = qE, rH = qH, rL = qL;
  trigQ(true, rS, rE, rH, rL);
  qround(cw);
  const cSig = rSig, cSe = rSe, cC1 = fpuExc & SW_C1;
  fpuExc &= ~SW_C1;
  trigQ(false, rS, rE, rH, rL);
  qround(cw);
  if (vendor == VENDOR_INTEL) fpuExc = (fpuExc & ~SW_C1) | cC1;
  r2Sig = rSig;
  r2Se = rSe;
  rSig = cSig;
  rSe = cSe;
}

/** FPTAN: rSig/rSe = 1.0 (pushed, new ST0), r2Sig/r2Se = tan (new ST1). */
export function f80Ptan(aSig: u64, aSe: u32, cw: u32): void {
  const st = trigArg(aSig, aSe, cw);
  if (st < 0) {
    r2Sig = rSig;
    r2Se = rSe;
    return;
  }
  if (st == 0) {
    r2Sig = aSig;
    r2Se = aSe;
  } else {
    const rS = qS, rE = qE, rH = qH, rL = qL;
    if (intelTiny(aSe)) exactQ(cw);
    else if (vendor == VENDOR_INTEL) {
      tanIntel(rS, rE, rH, rL, (redK & 1) != 0); // TZ67(sin) / TZ67(cos) (f80-trig-intel.ts)
      qround(cw);
    } else {
      // the CPU's rational approximation (f80-trig.ts); for |r| < 2^-34 its z terms vanish
      // and it is RN68(r C) / C (odd k: -C / RN68(r C))
      tanHost(rS, rE, rH, rL, (redK & 1) != 0);
      qround(cw);
    }
    r2Sig = rSig;
    r2Se = rSe;
  }
  rSig = SIG_J;
  rSe = <u32>BIAS;
}

// ---------------------------------------------------------------------------
// Arctangent

/** FPATAN: atan2(y, x) with x = a (ST0) and y = b (ST1); the caller pops. */
export function f80Patan(aSig: u64, aSe: u32, bSig: u64, bSe: u32, cw: u32): void {
  fpuExc = 0;
  const cx = classify(aSig, aSe), cy = classify(bSig, bSe);
  if (cx >= CL_QNAN || cy >= CL_QNAN) {
    nan2(aSig, aSe, bSig, bSe, cx, cy);
    return;
  }
  if ((cx == CL_DENORMAL || cy == CL_DENORMAL) && denormalStops(cw)) return;
  const sy = (bSe >> 15) & 1, xneg = (aSe & 0x8000) != 0;
  if (cy == CL_ZERO) {
    // +-0 for x >= +0, +-pi for x <= -0
    if (xneg) constResult(K_PI, sy, cw);
    else setZero(sy << 15);
    return;
  }
  if (cy == CL_INF) {
    if (cx == CL_INF) constResult(xneg ? K_3PI4 : K_PI4, sy, cw);
    else constResult(K_PI2, sy, cw);
    return;
  }
  if (cx == CL_ZERO) {
    constResult(K_PI2, sy, cw);
    return;
  }
  if (cx == CL_INF) {
    if (xneg) constResult(K_PI, sy, cw);
    else setZero(sy << 15);
    return;
  }
  qfromF80(aSig, aSe & 0x7FFF);
  const xE = qE, xH = qH;
  qfromF80(bSig, bSe & 0x7FFF);
  const yE = qE, yH = qH;
  if (vendor == VENDOR_INTEL) atanIntel(xE, xH, yE, yH, xneg); // table-driven (f80-atan-intel.ts)
  else atanHost(xE, xH, yE, yH, xneg);
  qS = sy;
  qround(cw);
}

// ---------------------------------------------------------------------------
// Logarithms and 2^x - 1

/** q = q (the CPU's 68-bit logarithm) * y for the finite non-zero y of FYL2X/FYL2XP1, rounded once. */
function timesY(ySig: u64, ySe: u32, cw: u32): void {
  const lS = qS, lE = qE, lH = qH, lL = qL;
  qfromF80(ySig, ySe);
  qmul(qS, qE, qH, qL, lS, lE, lH, lL);
  qround(cw);
}

/** FYL2X: y * log2(x) with x = a (ST0) and y = b (ST1); the caller pops. */
export function f80Fyl2x(aSig: u64, aSe: u32, bSig: u64, bSe: u32, cw: u32): void {
  fpuExc = 0;
  const cx = classify(aSig, aSe), cy = classify(bSig, bSe);
  if (cx >= CL_QNAN || cy >= CL_QNAN) {
    nan2(aSig, aSe, bSig, bSe, cx, cy);
    return;
  }
  const sy = bSe & 0x8000;
  if ((aSe & 0x8000) != 0 && cx != CL_ZERO) {
    setIndefinite();
    return;
  }
  if (cx == CL_ZERO) {
    if (cy == CL_ZERO) {
      setIndefinite();
      return;
    }
    if (cy != CL_INF) fpuExc |= FE_ZE; // #Z takes precedence over a denormal y
    setInf(sy ^ 0x8000);
    return;
  }
  if (cx == CL_INF) {
    if (cy == CL_ZERO) {
      setIndefinite();
      return;
    }
    if (cy == CL_DENORMAL && denormalStops(cw)) return;
    setInf(sy);
    return;
  }
  if ((cx == CL_DENORMAL || cy == CL_DENORMAL) && denormalStops(cw)) return;
  // sign of log2 x: x < 1 gives a negative logarithm
  const one = aSe == <u32>BIAS && aSig == SIG_J;
  const below = !one && <i32>(aSe & 0x7FFF) < BIAS;
  if (one) {
    if (cy == CL_INF) setIndefinite();
    else setZero(sy);
    return;
  }
  if (cy == CL_INF) {
    setInf(below ? sy ^ 0x8000 : sy);
    return;
  }
  if (cy == CL_ZERO) {
    setZero(below ? sy ^ 0x8000 : sy);
    return;
  }
  qfromF80(aSig, aSe);
  if (vendor == VENDOR_INTEL) log2Intel(qE, qH, qL); // y TZ67(log2 x) (f80-log-intel.ts)
  else log2Host(qE, qH, qL);
  timesY(bSig, bSe, cw);
}

/** FYL2XP1: y * log2(x + 1) with x = a (ST0) and y = b (ST1); the caller pops. */
export function f80Fyl2xp1(aSig: u64, aSe: u32, bSig: u64, bSe: u32, cw: u32): void {
  fpuExc = 0;
  const cx = classify(aSig, aSe), cy = classify(bSig, bSe);
  if (cx >= CL_QNAN || cy >= CL_QNAN) {
    nan2(aSig, aSe, bSig, bSe, cx, cy);
    return;
  }
  const sx = aSe & 0x8000, sy = bSe & 0x8000;
  if (cx == CL_INF && (sx != 0 || cy == CL_ZERO)) {
    setIndefinite();
    return;
  }
  if ((cx == CL_DENORMAL || cy == CL_DENORMAL) && denormalStops(cw)) return;
  if (cx == CL_INF) {
    setInf(sy);
    return;
  }
  if (cx == CL_ZERO) {
    if (cy == CL_INF) setIndefinite();
    else setZero(sx ^ sy);
    return;
  }
  // x <= -1 (outside the documented domain): the CPU hands back x
  const le1 = sx != 0 && <i32>(aSe & 0x7FFF) >= BIAS;
  if (cy == CL_ZERO) {
    setZero(sx ^ sy);
    return;
  }
  if (cy == CL_INF) {
    setInf(sx ^ sy);
    return;
  }
  if (le1) {
    rSig = aSig;
    rSe = aSe;
    fpuExc |= FE_PE;
    return;
  }
  qfromF80(aSig, aSe);
  // Intel: y TZ67(log2(1 + x)), its own near-1 kernel for |x| <= 1/8 (f80-log-intel.ts)
  if (vendor == VENDOR_INTEL) log2p1Intel(qS, qE, qH, qL);
  else log2p1Host(qS, qE, qH, qL);
  timesY(bSig, bSe, cw);
}

/** F2XM1: 2^x - 1 as the host computes it (f80-exp.ts). */
export function f80F2xm1(aSig: u64, aSe: u32, cw: u32): void {
  fpuExc = 0;
  const c = classify(aSig, aSe);
  if (c >= CL_QNAN) {
    nan1(aSig, aSe, c);
    return;
  }
  const sign = aSe & 0x8000;
  if (c == CL_ZERO) {
    rSig = aSig;
    rSe = aSe;
    return;
  }
  if (c == CL_INF) {
    if (sign != 0) {
      rSig = SIG_J;
      rSe = 0x8000 | <u32>BIAS;
    } else setInf(0);
    return;
  }
  if (c == CL_DENORMAL && denormalStops(cw)) return;
  const e = <i32>(aSe & 0x7FFF);
  if (e >= BIAS) {
    if (e == BIAS && aSig == SIG_J) {
      if (sign != 0) {
        // 2^-1 - 1 = -0.5 exactly
        rSig = SIG_J;
        rSe = 0x8000 | <u32>(BIAS - 1);
        fpuExc |= FE_PE;
      } else if (vendor == VENDOR_INTEL) {
        // Intel: 2^1 - 1 = 1 exactly (C1 = 0, PE)
        exactOne();
      } else {
        // AMD: the CPU's 2^1 - 1 lies just below 1
        qS = 0; qE = -1; qH = 0xFFFFFFFFFFFFFFFF; qL = 0xFFFFFFFFFFFFFFFF;
        qround(cw);
      }
      return;
    }
    // |x| > 1 is outside the domain: the CPU returns x
    rSig = aSig;
    rSe = aSe;
    fpuExc |= FE_PE;
    return;
  }
  qfromF80(aSig, aSe);
  if (vendor == VENDOR_INTEL) exp2m1Intel(e < INTEL_TINY_EXP); // Intel's e^(x L66) - 1 (f80-exp-intel.ts)
  else exp2m1Host(qS, qE, qH, qL); // AMD's rational N / (Q - N/2), N = x P, read back (f80-exp.ts)
  qround(cw);
}

