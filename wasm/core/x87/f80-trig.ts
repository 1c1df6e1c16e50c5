// FPTAN's tangent as the host CPU (AMD EPYC) computes it for a reduced
// argument 2^-34 <= |r| <= pi/4 (below, f80-trans.ts's RN68(r C) / C is the
// same model with z negligible), bit for bit in all random operands measured
// (3,030,000 in sessions 13 and 14; scripts/x87-trans/tanfit.py, tanrules.py,
// tan-steps.py, docs/RESULTS.md). RN68 = rounded to nearest at 68 bits; every
// intermediate value is RN68.
//
//   z = RN68(r^2)
//   Pv = RN68(p0 (+) z (*) RN68(p1 (+) z (*) ... p4))   (Horner in z)
//   Qv = the same with q0..q4
//   tan r = RC(RN68(r * Pv) / Qv); odd quadrant: -cot r = RC(-Qv / RN68(r * Pv))
//
// The microcode's Horner steps work in ones' complement (f128.ts qhorner68
// with ones = true; read back in session 10, scripts/x87-trans/tanrules.py):
// - every product z (*) a has the magnitude RN68(X - ulp68(X)), X = (|a| +
//   ulp68(a)) z, and a's sign: one unit added to the multiplicand, one unit
//   of the product's 68 bits taken off. For negative a (the last product)
//   the host departs from RN68(z a) exactly where z a lay within (z_sig - 1)
//   (product significand below 2) or (2 - z_sig) / 2 (2 or more) units of its
//   last place of its rounding midpoint, in the direction this rule gives
//   (tanrules.py product); a helper then found Q's step-1 product (positive
//   a) doing the same (Q's step-1 read-back: 38 -> 11 wrong of 13,201);
// - c (+) m with opposite signs (every step: the coefficients alternate) is
//   c + m - sign(c) ulp68(m): the adder subtracts in ones' complement without
//   the +1;
// - every sum but the last rounds a tie to the odd neighbour (tanrules.py
//   sums, session 10: at Q's step-1 ties; session 14: the step-2 sums, with
//   positive p2, q2, too).
//
// A rational [4/4] approximation tan r = r P(z)/Q(z), P(0) = Q(0) = C =
// 1.4527... (the tiny-r constant read back before), q4 ~ 2^-19: the relative
// minimax approximation of tan on |r| <= pi/4 scaled so that q4 = 2^-19 gives
// p1..q4 within ~1e-14 of what the host data say (session 7). From there the
// coefficients were fitted to host results: operands whose tangent lies within
// 0.06 ulp of the 64-bit grid, whose RD/RU results reveal which way the 68-bit
// roundings of Pv and Qv went (tanfit.py 'fit', 'descend', 'pairs' up to
// session 9, under a model without the product rule and with ties to even).
// Session 10: with the rules above, p1 two units lower than session 9's
// (-...926F) and p2..p4 moved so that P's step-1 value A1 changes by
// -ulp(p1) (1 - 8.3766 z + 22.1654 z^2 - 18.7125 z^3): the host's A1, read
// back from the decisions of P's last sum (which neighbour of A1 reproduces
// the host's results), rounded as if its exact value were shifted by that
// smooth function of z (linear programming on 1,040 decisive operands of dA +
// dB; tanrules.py readback P 1). Then, with the product rule for positive
// multiplicands, Q's step-2 value read back the same way (readback Q 2 on
// dA + dB + dE: +0.0429 + 1.1329 z - 2.2832 z^2 units of ulp(q2), 0 of 313
// decisive operands left wrong) moved q3 and q4 (q4 now 2^-19 (1 + 2^-57)).
// q1, p1 and q2 are sharp. Misses on the hard sets (tanfit.py check):
// training dA, dB, dE 4, 1, 12 of 229,642; held out dC 5 (session 9: 520),
// dD 3, negative x 0 of 9,655, |x| to 200 0 of 4,747 (negative) and 1 of
// 4,784, large x (to 2e15) 4 of 28,993. Random FPTAN operands (OPS=32
// measure.ts): seeds 13, 21 (8,000) 0 and 0 (session 9: 10, 8), seeds 61-68
// (20,000) 1, 0, 0, 0, 1, 0, 0, 0 (61, 62 in session 9: 18, 19).
// What is left: near-tie decisions (tanrules.py flips, sums); no rule found.
// Session 12: p3 +16, q3 +5, q4 +32 units (tanfit.py units on windows of
// consecutive operands, tanfit.py window 0.65, 0.7, 0.75, 0.78: 36 -> 13 of
// 84,005 missed; held out: windows 0.68, 0.72 15 -> 8, dC 5 -> 4, dD 3 -> 2).
// p0 = q0 = C is sharp (both moved by k units: dC 7,627 misses for k = -1,
// 7,782 for k = +1). The misses left lie where P's or Q's step-1 (or step-2)
// sum is within ~0.03 of a unit of a rounding tie, so the inner values differ
// from the host's by a few hundredths of a unit: the last units of p2..p4,
// q2..q4 are not pinned. Random operands (OPS=32 measure.ts 20000, seeds
// 61-68): still 1, 0, 0, 0, 1, 0, 0, 0, both at P's step-1 near-ties.
// Session 13 (scripts/x87-trans/tan-steps.py): those near-ties came from P's
// step-2 value A2 = p2 (+) z (*) A3. Operands whose RD/RU results change when
// A2 moves by one unit (347 of 6,000,000) showed the host's A2 off by
// delta(z) = -5 + 23.55 z - 26.14 z^2 units (2^-75; every bound met, margin
// 0.009): 50 of those 347 missed. p2 -5 units, p3 +3014 (2^-82), p4
// -3,426,000 (2^-92): 50 -> 0; held out: P's step-1 operands 14 -> 2 of
// 6,265, Q's 3 -> 1 of 28,920, the hard sets dA-dD 11 -> 2 of 148,563,
// session 12's windows 26 -> 5 of 318,079; random operands seeds 61-68
// (20,000) 0 of 160,000, 4 of the 5 random misses known fixed.
// Session 14: the one random miss left (FPTAN 4000fffffffffffff74f, RN) had
// exact ties at Q's steps 2, 1 and 0; with step 2 rounding its tie to odd
// like steps 1 and 3 (even only at the last sum) it comes out right, and the
// hard sets dA-dD go from 2 to 0 of 148,563 (tanfit.py check), the operands
// decisive on Q's step-2 value from 2 to 1 of 459, on P's step-1 value from
// 2 to 1 of 6,265 (tan-steps.py rows of session 13).
// Session 16: a random miss (FPTAN c001e73a7f924170d846, RN: host ...ab15,
// ours ...ab14) had Q's last sum on a tie and Q2 0.004 units below one.
// Operands decisive on Q2 (tan-steps.py gen N SEED Q 2 0.1 0.785, seeds 11,
// 12: 516 of 1,100,000) put the host's Q2 0.0852 z - 0.1487 z^2 units above
// the model's (least violation, 0 violated): q3 +5, q4 -2,436 units. Those
// rows 3 -> 1 missed; held out, rows decisive on Q's last sum (seeds 14, 16)
// 3 -> 1 of 101,926, on Q1 (seed 13) 0 of 7,549, on P's last sum (seed 15)
// 0 of 39,637; the random miss comes out right.
import { qS, qE, qH, qL, qzero, qfromU128, qmul, qadd, qdiv, qnear68, qhorner68 } from "./f128";

// p0..p4, q0..q4 (68-bit values; high, low, sign << 32 | exponent), for every |r| <= pi/4
const T_TAN = memory.data<u64>([
  0xB9F25A5EEF7C79A2, 0xC000000000000000, 0x0, // p0 = 0xB9F25A5EEF7C79A2C * 2^-67
  0xCC3A370AA4A78926, 0xF000000000000000, 0x1FFFFFFFD, // p1 = -0xCC3A370AA4A78926F * 2^-70
  0xBAE23C0C0DF90B4E, 0x8000000000000000, 0xFFFFFFF8, // p2 = 0xBAE23C0C0DF90B4E8 * 2^-75
  0xAFA1F16E6FB500D2, 0x0000000000000000, 0x1FFFFFFF1, // p3 = -0xAFA1F16E6FB500D20 * 2^-82
  0xB6A503B056EB1C03, 0x1000000000000000, 0xFFFFFFE7, // p4 = 0xB6A503B056EB1C031 * 2^-92
  0xB9F25A5EEF7C79A2, 0xC000000000000000, 0x0, // q0 = 0xB9F25A5EEF7C79A2C * 2^-67
  0xAF0574AC9E2788B6, 0x3000000000000000, 0x1FFFFFFFF, // q1 = -0xAF0574AC9E2788B63 * 2^-68
  0xA36F5651E07EE266, 0xF000000000000000, 0xFFFFFFFB, // q2 = 0xA36F5651E07EE266F * 2^-72
  0x9978EFFE48A95AC3, 0x0000000000000000, 0x1FFFFFFF5, // q3 = -0x9978EFFE48A95AC30 * 2^-78
  0x8000000000000042, 0xF000000000000000, 0xFFFFFFED, // q4 = 0x8000000000000042F * 2^-86
]);

/**
 * q = tan r (odd = false) or -cot r (odd = true), before the final rounding,
 * for a non-zero reduced argument |r| <= pi/4.
 */
export function tanHost(rS: u32, rE: i32, rH: u64, rL: u64, odd: bool): void {
  qmul(rS, rE, rH, rL, rS, rE, rH, rL);
  qnear68();
  const zE = qE, zH = qH, zL = qL;
  qhorner68(T_TAN, 0, 4, zE, zH, zL, true);
  qmul(rS, rE, rH, rL, qS, qE, qH, qL);
  qnear68();
  const nS = qS, nE = qE, nH = qH, nL = qL;
  qhorner68(T_TAN, 5, 4, zE, zH, zL, true);
  if (odd) qdiv(qS ^ 1, qE, qH, qL, nS, nE, nH, nL);
  else qdiv(nS, nE, nH, nL, qS, qE, qH, qL);
}

// ---------------------------------------------------------------------------
// The sine kernel (FSIN, FCOS, FSINCOS wherever they need sin r), for every
// reduced |r| <= pi/4:
//
//   z = RN68(r^2)
//   Sv = RN68(s0 + RN68(z * RN68(s1 + ... RN68(z * s6))))   (Horner in z, plain adds)
//   sin r = RC(r + RN68(RN68(r * z) * Sv))                  (the last sum exact, rounded once)
//
// s0..s6 (below) are the degree-6 minimax polynomial S(z) of (sin r - r) / r^3
// on z in [0, (pi/4)^2] for the relative error of r + r^3 S(z) (Remez:
// sinfit.py 'remez sin'), each rounded to 68 bits; its error curve (amplitude
// 2^-68.74, 8 alternating extrema at z = 0.018 0.086 0.188 0.307 0.426 0.527
// 0.593 0.617) is the deviation D(z) read back in session 7 (extrema 0.018
// 0.086 0.188 0.307 0.425 0.525 0.593 0.617, amplitude 2.4 units of 2^-70).
// Unlike FPTAN's, this Horner's opposite-sign sums are plain RN68 additions
// (the ones'-complement rule: 99.99% instead of 100%). sinfit.py 'check sin' on
// fresh operands (every RC): 100% of 80,000 results at 2^-6 <= r <= pi/4,
// against 98.4% for one correct rounding and 99.85% for the exact polynomial.
// Session 16: s3 21 units above the minimax's. Operands whose RD/RU results
// change when S2 = RN68(s2 + RN68(z S3)) moves by one unit (30 of 7,500,000;
// trig-steps.py gen sin N SEED 2 0.3 0.785, seeds 7-9) bound the host's S2
// before rounding to (0.30 .. 0.36) z units above the model's, i.e. s3 +19.3
// .. +23.3; with s3 +21 they all come out right (3 missed before), and so do
// the rows decisive on S1 (954, 2 missed before) and on Sv itself (15,819, 1)
// and both random sine-kernel misses of measure.ts seeds 281-360, which sat
// on exact ties of Sv with S1 on or 1/128 unit from a tie.

const T_SIN = memory.data<u64>([
  0xAAAAAAAAAAAAAA97, 0x3000000000000000, 0x1FFFFFFFD, // s0 = -0xAAAAAAAAAAAAAA973 * 2^-70
  0x8888888888885699, 0xC000000000000000, 0xFFFFFFF9, // s1 = 0x8888888888885699C * 2^-74
  0xD00D00D00C536514, 0x4000000000000000, 0x1FFFFFFF3, // s2 = -0xD00D00D00C5365144 * 2^-80
  0xB8EF1D299845C8F8, 0x2000000000000000, 0xFFFFFFED, // s3 = 0xB8EF1D299845C8F82 * 2^-86 (minimax: ...F6D)
  0xD7322946BF3401B0, 0xC000000000000000, 0x1FFFFFFE6, // s4 = -0xD7322946BF3401B0C * 2^-93
  0xB0904623E70664D7, 0x6000000000000000, 0xFFFFFFDF, // s5 = 0xB0904623E70664D76 * 2^-100
  0xD5512389E1D64E26, 0xA000000000000000, 0x1FFFFFFD7, // s6 = -0xD5512389E1D64E26A * 2^-108
]);

/** q = sin r for a reduced |r| <= pi/4 (before the final rounding). */
export function sinHost(rS: u32, rE: i32, rH: u64, rL: u64): void {
  if (rH == 0) {
    qzero();
    return;
  }
  qmul(rS, rE, rH, rL, rS, rE, rH, rL);
  qnear68();
  const zE = qE, zH = qH, zL = qL;
  qmul(rS, rE, rH, rL, 0, zE, zH, zL);
  qnear68();
  const mS = qS, mE = qE, mH = qH, mL = qL;
  qhorner68(T_SIN, 0, 6, zE, zH, zL, false);
  qmul(mS, mE, mH, mL, qS, qE, qH, qL);
  qnear68();
  qadd(rS, rE, rH, rL, qS, qE, qH, qL);
}

// ---------------------------------------------------------------------------
// The cosine kernel (FCOS, FSIN, FSINCOS wherever they need cos r), for every
// reduced |r| <= pi/4:
//
//   z = RN68(r^2)
//   Cv = RN68(c0 + RN68(z * RN68(c1 + RN68(z * RN68(c2 + ... RN68(z * c7))))))
//   cos r = RC(1 - RN68(z * Cv))                  (Horner in z, plain adds)
//
// A degree-7 polynomial C(z) ~ (1 - cos r) / r^2 with c0 = 1/2, c1 =
// -0xAAAAAAAAAAAAAAA48 2^-72 (one unit of its last place above the minimax's
// ...A49), and every step rounded as in the sine kernel. Session 16 found c1
// (scripts/x87-trans/cos-select.py window): in windows of operands so close
// together that any smooth function of z is constant in each (x within 2^-40),
// the host rounds C2 = c2 + z C3 to the 68-bit grid as if the grid were
// shifted by -32/z units of 2^-77 (mod 1; 45 windows, z in [0.32, 0.61], 0
// or 1 of about 200 operands each unexplained, the shift within +-0.01 of
// -32/z): what a c1 one unit (32 units of 2^-77) higher looks like through
// a model with the old c1. Sessions 13-15 had c1 = ...A49 and fitted C2
// unrounded with up to 13 coefficients, whose shape followed +32/z (+596
// units at z = 0) and left near C1's ties an error that looked random
// (docs/RESULTS.md, session 15). c2..c7 are then fitted to the host's
// results (cos-select.py start ts@7d86fe5 32 5, then fit ... 5 ... 2: each
// row bounds C2 before its rounding; least total violation by linear
// programming) on 68,468 operands near C1's ties or where two tables
// disagree: 3 bounds violated, 11 operands missed (session 15: 2,872); a
// degree-6 or degree-10 shift fits no better. Then c4 +20 units: operands
// whose results change when C3 = RN68(c3 + RN68(z C4)) moves by one unit
// (236 of those rows and session 14's; the 9 exact ties of C2 where the
// host does not take the even neighbour are among them, each with C3 0.23
// .. 0.49 units below its rounding boundary) put the host's C3 0.315 z units
// of its last place above the model's (least violation, 4 of 236 violated):
// 14 -> 5 of them missed, training rows 11 -> 4, window operands 5 -> 2.
// Held out, session 15's table -> this one: fresh near-tie operands 621 -> 0
// of 16,115, session 14's C1
// rows 22 -> 0 of 10,995, session 15's diff rows 47 -> 0 of 170, window
// operands 731 -> 2 of 8,507, fresh near-tie operands (cos-select.py near
// ts N 32) 0 of 3,752; random FSIN/FCOS/FSINCOS: docs/RESULTS.md, session 16.

const T_COS = memory.data<u64>([
  0x8000000000000000, 0x0000000000000000, 0xFFFFFFFF, // c0 = 0x80000000000000000 * 2^-68
  0xAAAAAAAAAAAAAAA4, 0x8000000000000000, 0x1FFFFFFFB, // c1 = -0xAAAAAAAAAAAAAAA48 * 2^-72
  0xB60B60B60B609BCA, 0x3000000000000000, 0xFFFFFFF6, // c2 = 0xB60B60B60B609BCA3 * 2^-77
  0xD00D00D00CABFC91, 0xD000000000000000, 0x1FFFFFFF0, // c3 = -0xD00D00D00CABFC91D * 2^-83
  0x93F27DBB3E4B5DE1, 0x3000000000000000, 0xFFFFFFEA, // c4 = 0x93F27DBB3E4B5DE13 * 2^-89
  0x8F76C6975F7BD1F6, 0xA000000000000000, 0x1FFFFFFE3, // c5 = -0x8F76C6975F7BD1F6A * 2^-96
  0xC9C9E8AD0DAFF61C, 0xB000000000000000, 0xFFFFFFDB, // c6 = 0xC9C9E8AD0DAFF61CB * 2^-104
  0xD584517CC41BB5EF, 0xE000000000000000, 0x1FFFFFFD3, // c7 = -0xD584517CC41BB5EFE * 2^-112
]);

/** q = cos r for a reduced |r| <= pi/4 (before the final rounding). */
export function cosHost(rS: u32, rE: i32, rH: u64, rL: u64): void {
  if (rH == 0) {
    qfromU128(0, 0, 1, 0);
    return;
  }
  qmul(rS, rE, rH, rL, rS, rE, rH, rL);
  qnear68();
  const zE = qE, zH = qH, zL = qL;
  qhorner68(T_COS, 0, 7, zE, zH, zL, false);
  qmul(0, zE, zH, zL, qS, qE, qH, qL);
  qnear68();
  qadd(0, 0, 0x8000000000000000, 0, 1, qE, qH, qL);
}
