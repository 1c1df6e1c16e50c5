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
  0x9978EFFE48A95AC3, 0x5000000000000000, 0x1FFFFFFF5, // q3 = -0x9978EFFE48A95AC35 * 2^-78
  0x80000000000000DB, 0x3000000000000000, 0xFFFFFFED, // q4 = 0x80000000000000DB3 * 2^-86
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

const T_SIN = memory.data<u64>([
  0xAAAAAAAAAAAAAA97, 0x3000000000000000, 0x1FFFFFFFD, // s0 = -0xAAAAAAAAAAAAAA973 * 2^-70
  0x8888888888885699, 0xC000000000000000, 0xFFFFFFF9, // s1 = 0x8888888888885699C * 2^-74
  0xD00D00D00C536514, 0x4000000000000000, 0x1FFFFFFF3, // s2 = -0xD00D00D00C5365144 * 2^-80
  0xB8EF1D299845C8F6, 0xD000000000000000, 0xFFFFFFED, // s3 = 0xB8EF1D299845C8F6D * 2^-86
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
//   C2 = c2 + RN68(z * RN68(c3 + ... RN68(z * c12)))        (Horner in z, plain adds; C2 not rounded)
//   Cv = RN68(c0 + RN68(z * RN68(c1 + RN68(z * C2))))
//   cos r = RC(1 - RN68(z * Cv))
//
// c0..c7 (below) began as the degree-7 minimax polynomial C(z) of (1 - cos r) / r^2
// on z in [0, (pi/4)^2] for the absolute error of C (Remez: sinfit.py
// 'remez cos'), each rounded to 68 bits (c0 becomes 1/2 exactly), except c2,
// 5 units of 2^-77 lower (sinfit.py 'cosfit': coordinate descent on 20,885
// read-back operands; the minimax c2 leaves 24 of 13,652 fresh ones
// unexplained, the fitted one 9; the minimax's misses all had the last
// Horner sum on or within 1/16 unit of an RN68 tie; 'check cos': 0 vs 1
// misses in 100,000 random results at 0.5 <= r <= pi/4). Found from the
// deviation of the host's C from the exact (1 - cos r)/r^2 read back like
// the sine's D ('sides': host RN/RD/RU results of operands whose cosine lies
// within 0.025 ulp of a rounding boundary, each side a bound on C before its
// 68-bit rounding): 9 alternating extrema at the minimax's (0.024 0.091 0.19
// 0.31 0.43 0.53 0.59 0.62), amplitude 0.058 units of 2^-69, shifted up by
// c0's rounding, plus the +-1/32-unit noise of the last Horner product. The
// minimax for the relative error of cos (errors 0.78 .. 0.013 units) and
// FPTAN's ones'-complement adder fit worse (see docs/RESULTS.md, session 8).
// Session 13 (scripts/x87-trans/trig-steps.py): operands whose RD/RU results
// change when the step-1 value C1 = RN68(c1 + RN68(z C2)) moves by one unit
// showed the host's C1 up to 0.15 units (2^-72) below the model's at z ~ 0.1
// and 0.05 at z ~ 0.3; c2..c7 moved by the degree-6 polynomial in z with the
// least total violation of those bounds (c2 -257 units, c3 +2^17.8, c4
// -2^26.3, c5 +2^34.6, c6 -2^42.9, c7 +2^49.9 units, signed; C itself moves
// by at most 0.003 units of 2^-69). 90 -> 40 of 6,752 such operands; held
// out: fresh C1 operands 52 -> 22 of 4,181, operands decisive on C's last
// sum 14 -> 7 of 25,686, on C2 30 -> 19 of 65; random FCOS/FSIN/FSINCOS
// operands: 1 of 2 misses fixed in seeds 101-121, the same 3 misses in the
// 1.2 million of seeds 201-208 as before (measure.ts).
// Session 14: a degree-8 term c8, and C2 enters the product z C2 unrounded.
// Operands with z < 0.08 that looked decisive for C1 are decided at C0's
// ties (a unit of C1 moves C0 by z/8 of its last place; they asked C1 to
// move by +0.25 units) and had pulled that fit. Without them, the least
// total violation fit of C1's deviation with z^1..z^7 (c2..c7 moved, c8 new)
// helped but still violated 45 bounds; with C2 unrounded (or kept to 76 bits
// or more; 72 is worse) only 10 (trig-steps.py fit cos 1 ... 7 0.08 on
// session 13's 10,802 such operands, from its table; two more rounds, each
// from the last one's table, move c6..c8 by a few units). Held out, session 13's
// table / c8 with C2 rounded / now: fresh C1 operands (seeds 902-905, r in
// [0.28, pi/4)) 114 / 66 / 49 of 22,175, seeds 906-907 54 / 41 / 33 of
// 10,995; operands decisive on C's last sum 6 / 3 / 4 of 25,174; random
// FSIN/FCOS/FSINCOS operations (measure.ts) seeds 201-240 13 / 5 / 2 of
// 6,000,000, seeds 241-280 - / 6 / 3, seeds 281-320 (final table) 4.
// Session 15 (scripts/x87-trans/cos-select.py): a quad-precision filter in C
// picks operands out of hundreds of millions: those whose C1 lies within 1.5
// units of RN68(z C2)'s last place of a tie (67,000 rows of 900,000,000
// operands, x in [0.28, pi/4)) and those on which two tables disagree (any x;
// the host's results say which table is right). Each row bounds the shift of
// C2 that RN68(z (C2 + s)) needs; s(z) = a0 + z q(z) with the least total
// violation (q of degree 9, Chebyshev basis on [0, 0.62], a0 an integer) moved
// c2..c10 and added c11, c12. The session-14 table's C2 was too low below
// z ~ 0.15, by +9 units of 2^-77 at z = 0.1 and more towards 0, where earlier
// read-backs had no operands: on all 156 operands in [0.02, 0.28] (200,000,000
// tried) where it and a table fitted there differ, the host sides with the
// latter. c9..c12 are a shape over [0, 0.62] (they nearly cancel), not Taylor
// terms. Held out: on fresh operands x in [0.005, pi/4) where a first round
// of this fit and session 14's table differ, the host agrees with the former
// in 241 of 323; fresh near-tie operands (x in [0.28, pi/4), 200,000,000
// tried) 886 -> 621 of 16,115 missed; session 14's fresh C1 rows 82 -> 61 of
// 33,170, C2 rows 30 -> 22 of 247, rows decisive on C's last sum 4 -> 2 of
// 25,174 (docs/RESULTS.md, session 15).
// What is left: near C1's ties the host rounds z C2 as if the product carried
// an extra error of up to about +-0.6 units of its last place (growing with
// z), independent of every rounding residue tried (z's, C2's, the product's
// own, z c2's, lower-precision C3 or z C3) and not smooth in z: operands within
// 1e-9 of each other disagree. Misses sit at C1's ties or one product unit
// from them; no fit of the table can remove them.

const T_COS = memory.data<u64>([
  0x8000000000000000, 0x0000000000000000, 0xFFFFFFFF, // c0 = 0x80000000000000000 * 2^-68
  0xAAAAAAAAAAAAAAA4, 0x9000000000000000, 0x1FFFFFFFB, // c1 = -0xAAAAAAAAAAAAAAA49 * 2^-72
  0xB60B60B60B609C1F, 0xD000000000000000, 0xFFFFFFF6, // c2 = 0xB60B60B60B609C1FD * 2^-77
  0xD00D00D00CAD8913, 0x5000000000000000, 0x1FFFFFFF0, // c3 = -0xD00D00D00CAD89135 * 2^-83
  0x93F27DBB42685838, 0xE000000000000000, 0xFFFFFFEA, // c4 = 0x93F27DBB42685838E * 2^-89
  0x8F76C6A557622091, 0x5000000000000000, 0x1FFFFFFE3, // c5 = -0x8F76C6A5576220915 * 2^-96
  0xC9CA288FDE8AA0EF, 0x3000000000000000, 0xFFFFFFDB, // c6 = 0xC9CA288FDE8AA0EF3 * 2^-104
  0xD64DA91005EC3EB2, 0xE000000000000000, 0x1FFFFFFD3, // c7 = -0xD64DA91005EC3EB2E * 2^-112
  0xDB37DA711D04BA89, 0x2000000000000000, 0xFFFFFFCC, // c8 = 0xDB37DA711D04BA892 * 2^-119
  0xA207A1B4E6C2E200, 0x0000000000000000, 0x1FFFFFFCD, // c9 = -0xA207A1B4E6C2E2000 * 2^-118
  0x9B3929F37326CB00, 0x0000000000000000, 0xFFFFFFCD, // c10 = 0x9B3929F37326CB000 * 2^-118
  0xADD69AC538680A00, 0x0000000000000000, 0x1FFFFFFCC, // c11 = -0xADD69AC538680A000 * 2^-119
  0xACC285089DBFB400, 0x0000000000000000, 0xFFFFFFCA, // c12 = 0xACC285089DBFB4000 * 2^-121
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
  qhorner68(T_COS, 0, 12, zE, zH, zL, false, 2);
  qmul(0, zE, zH, zL, qS, qE, qH, qL);
  qnear68();
  qadd(0, 0, 0x8000000000000000, 0, 1, qE, qH, qL);
}
