// FPATAN's arctangent as the host CPU (AMD EPYC) computes it, read back from
// the host (scripts/x87-trans/atan.py, docs/RESULTS.md "2026-11-27 — x87
// FPATAN"). RN68 = rounded to nearest-even at 68 bits.
//
//   t = min(|x|, |y|) / max(|x|, |y|),  R = RN68(t)
//   C = RN68(atan R - R + R e(R^2) 2^-67)    (the CPU's own approximation)
//   A = R + C
//   |y| <= |x|, x > 0:  A                 rounded once under RC
//   |y| >  |x|, x > 0:  pi/2 - RN68(A)    (pi/2, pi: the 66-bit constants)
//   |y| <= |x|, x < 0:  pi   - RN68(A)
//   |y| >  |x|, x < 0:  pi/2 + RN68(A)
//
// How it was found: for tiny t (atan t = t far below 2^-68) the RD/RU results
// bracket a value just below RN68(t) (2000 of 2000 random operands; the CPU's
// C is tiny but never 0), and atan(RN68(t)) fits every t < 2^-8; the other
// quadrants fit far better with A rounded to 68 bits before the constant is
// added. Where atan R lies near a 64-bit grid point the host's side of it
// reads the error e of the CPU's C: about +-0.1 units of 2^-67 R, zero at
// z = 0 and changing sign a dozen times over z in [0, 1]: the error of a
// type-[7/7] rational minimax approximation atan t = t (1 + z N(z)/D(z)) on
// all of [0, 1] (ideal amplitude 2^-70.8 of atan t / t, 15 sign changes,
// most of them where the host's are: scripts/x87-trans/atan-minimax.py),
// with its 68-bit coefficients (not recovered) bending it. e is modelled by a
// polynomial fitted (linear programming, least total violation) to 24000
// such samples: it takes FPATAN from 99.88% to 99.95% bit-exact on fresh
// operands (99.14% before this file). What is left is the rounding noise of
// the CPU's evaluation of C (the host's values scatter by ~0.05 units around
// any smooth e): relative to C, std ~2^-68 (scripts/x87-trans/atan.py
// regress). Read back but not in this model (session 8, docs/RESULTS.md): the
// CPU's C is RN68(w F) with z' = RN68(R^2) and w = RN68(R z') rounded first.
// Commit 569a383 has it (8-12% fewer host sides missed on fresh samples;
// random quadrant-1 RD/RU brackets met only with it 510 times, only without
// 349, atan.py check1 6/7 100000 1/16); not kept because measure.ts's report
// seed 13 does not change (3 misses; seed 21: 6 -> 4).
import { qS, qE, qH, qL, qload, qzero, qfromU128, qmul, qadd, qdiv, qpoly, qnear68 } from "./f128";
import { T_INVODD, T_ATAN16, T_CONST } from "./f80-tables";

const SIG_ONE: u64 = 0x8000000000000000;

// e(z) = z sum c_k T_k(2z - 1), k = 0..20: the CPU's C minus atan R - R, in
// units of 2^-67 R, z = R^2 (scripts/x87-trans/atan.py fit 20)
const DEV = memory.data<f64>([
  1.3633373244044105, -2.7197874708685483, 2.8204908062966756, -2.80787359875755,
  2.7126881268320315, -2.651708987312701, 2.6104396619154704, -2.4696764223466947,
  2.3495348855901588, -2.229593989552359, 2.0998091889544006, -1.9224965931364606,
  1.7391724039011471, -1.5515121173507485, 1.3134627594168773, -1.1523479604288447,
  0.8564198443042244, -0.49912588287836895, 0.22724386424637638, -0.07618057161442467,
  0.018646021764203442
]);
const N_DEV: i32 = 21;
const K_PI: u32 = 2;
const K_PI2: u32 = 3;

/** q = atan t for 0 <= t <= 1: atan(j/16) + atan((t - j/16) / (1 + t j/16)), to ~2^-120. */
function atan01(tE: i32, tH: u64, tL: u64): void {
  let j: u32;
  if (tE <= -6) j = 0;
  else if (tE == -5) j = 1;
  else j = <u32>(((tH >> u64(58 - tE)) + 1) >> 1);
  let uS: u32 = 0, uE = tE, uH = tH, uL = tL;
  if (j != 0) {
    qfromU128(0, 0, j, -4);
    const cE = qE, cH = qH;
    qmul(0, tE, tH, tL, 0, cE, cH, 0);
    qadd(0, 0, SIG_ONE, 0, 0, qE, qH, qL);
    const dE = qE, dH = qH, dL = qL;
    qadd(0, tE, tH, tL, 1, cE, cH, 0);
    qdiv(qS, qE, qH, qL, 0, dE, dH, dL);
    uS = qS; uE = qE; uH = qH; uL = qL;
  }
  if (uH != 0) {
    qmul(uS, uE, uH, uL, uS, uE, uH, uL);
    qpoly(T_INVODD, 0, 1, 12, true, qS, qE, qH, qL);
    qmul(qS, qE, qH, qL, uS, uE, uH, uL);
  } else {
    qzero();
  }
  if (j != 0) {
    const pS = qS, pE = qE, pH = qH, pL = qL;
    qload(T_ATAN16, j);
    qadd(qS, qE, qH, qL, pS, pE, pH, pL);
  }
}

/** C = the CPU's atan R - R (RN68) for R = (rE, rH, rL) in (0, 1], already RN68. */
function atanTail(rE: i32, rH: u64, rL: u64): void {
  qmul(0, rE, rH, rL, 0, rE, rH, rL);
  const zE = qE, zH = qH, zL = qL;
  if (rE <= -6) {
    // R < 1/32: -R z (1/3 - z/5 + z^2/7 - ...), terms to z^12 < 2^-120
    qpoly(T_INVODD, 1, 1, 12, true, 0, zE, zH, zL);
    qmul(qS, qE, qH, qL, 0, zE, zH, zL);
    qmul(qS, qE, qH, qL, 0, rE, rH, rL);
    qS = 1;
  } else {
    atan01(rE, rH, rL);
    qadd(qS, qE, qH, qL, 1, rE, rH, rL);
  }
  if (rE >= -40) {
    const cS = qS, cE = qE, cH = qH, cL = qL;
    // e(z) by Clenshaw in f64 (z to 53 bits is plenty for a 2^-67 correction)
    const z = reinterpret<f64>((<u64>(zE + 1023) << 52) | ((zH >> 11) & 0xFFFFFFFFFFFFF));
    const x2 = 4 * z - 2;
    let b1: f64 = 0, b2: f64 = 0;
    for (let k = N_DEV - 1; k >= 1; k--) {
      const b = load<f64>(DEV + <usize>k * 8) + x2 * b1 - b2;
      b2 = b1;
      b1 = b;
    }
    const e = (load<f64>(DEV) + 0.5 * x2 * b1 - b2) * z;
    const m = <u64>(Math.abs(e) * 4503599627370496.0); // * 2^52
    if (m != 0) {
      qfromU128(e < 0 ? 1 : 0, 0, m, -52 - 67);
      qmul(qS, qE, qH, qL, 0, rE, rH, rL);
      qadd(cS, cE, cH, cL, qS, qE, qH, qL);
    } else {
      qS = cS; qE = cE; qH = cH; qL = cL;
    }
  }
  qnear68();
}

/**
 * q = |atan2(y, x)| before the final rounding, for finite non-zero |x| = xH 2^xE
 * and |y| = yH 2^yE (64-bit significands, bit 63 set, as from qfromF80).
 */
export function atanHost(xE: i32, xH: u64, yE: i32, yH: u64, xneg: bool): void {
  const swap = yE > xE || (yE == xE && yH > xH);
  if (swap) qdiv(0, xE, xH, 0, 0, yE, yH, 0);
  else qdiv(0, yE, yH, 0, 0, xE, xH, 0);
  qnear68();
  const rE = qE, rH = qH, rL = qL;
  atanTail(rE, rH, rL);
  qadd(0, rE, rH, rL, qS, qE, qH, qL);
  if (!swap && !xneg) return;
  qnear68();
  const aE = qE, aH = qH, aL = qL;
  qload(T_CONST, swap ? K_PI2 : K_PI);
  qadd(0, qE, qH, qL, swap && xneg ? 0 : 1, aE, aH, aL);
}
