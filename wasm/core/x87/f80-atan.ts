// FPATAN's arctangent as the host CPU (AMD EPYC, Zen 4) computes it, read back
// from the host (docs/RESULTS.md "2026-11-27 — x87 FPATAN" and the session-8
// FPATAN sections). RN68 = rounded to nearest-even at 68 bits.
//
//   t = min(|x|, |y|) / max(|x|, |y|),  R = RN68(t)
//   z = RN68(R^2),  w = RN68(R z)
//   N = RN68 Horner of n0..n7 in z,  D = RN68 Horner of d0..d7 in z
//   C = RN68(RN68(w N) / D)               (C ~ atan R - R)
//   A = R + C
//   |y| <= |x|, x > 0:  A                 rounded once under RC
//   |y| >  |x|, x > 0:  pi/2 - RN68(A)    (pi/2, pi: the 66-bit constants)
//   |y| <= |x|, x < 0:  pi   - RN68(A)
//   |y| >  |x|, x < 0:  pi/2 + RN68(A)
//
// N/D is the [7/7] rational minimax of F(z) = (atan t - t) / t^3, z = t^2, for
// the RELATIVE error of atan t = t + t^3 N/D on all of z in [0, 1] (exact Remez,
// error 2^-70.62 of atan t, 16 alternation points), scaled so that d7 = 2^-11
// exactly, each coefficient rounded to 68 bits; n0, n1 then one unit of their
// last place larger in magnitude, n4 and n6 two, n5 one (the CPU's own
// coefficients; found by coordinate descent). Horner with plain RN68 adds (all
// n negative, all d positive: no opposite-sign sums).
// How it was found (session 8, scripts/x87-trans/atan-minimax.py): where the
// host's A lies exactly on a 64-bit grid point g (RD = RU; samples from
// atan.py 'samples'), its C = g - R is known exactly: 6315 such C. The minimax
// for the absolute error of atan t / t, the absolute or relative error of F, or
// the absolute error of atan, with any one coefficient scaled to a power of
// two, reproduced at most 36% of them; the relative-error minimax with d7 a
// power of two and C = RN68(RN68(w N) / D) 57% (RN68(w RN68(N/D)) and other
// orders, directed roundings at any step, 64..67-bit coefficients, intervals
// [0, 1.02] or [0, 1.05]: fewer); the five one- and two-unit steps on n0..n6
// ('nudge' on two thirds of them) then give 6315 of 6315 (the held-out third
// included); hard samples (atan A within 0.35 units of 2^-67 of a 64-bit grid
// point, host above / below / on it): 0 of 46,000 sides missed (session 7's
// fitted deviation: ~15%, the unnudged minimax 12%); fresh ones (atan.py samples
// 91 3000 0.004 0.0625, 92 3000 0.0625 1): 0 of 6000. FPATAN on measure.ts
// operands (OPS=33, 20000 each, seeds 31-34):
// 0 of 80,000 results differ from the host (47 with session 7's fitted
// deviation; seed 35: 0 of 20,000 too); report seeds 13 and 21 (8000 each): 100%.
import { qS, qE, qH, qL, qload, qmul, qadd, qdiv, qnear68, qhorner68 } from "./f128";
import { T_CONST } from "./f80-tables";

const K_PI: u32 = 2;
const K_PI2: u32 = 3;

// n0..n7, d0..d7: the CPU's rational F(z) ~ (atan t - t) / t^3 = N(z) / D(z)
// (see above; the table lines are atan-minimax.py's 'table' output)
const T_ATN = memory.data<u64>([
  0xFB86924C075D91FF, 0x3000000000000000, 0x1FFFFFFFD, // n0 = -0xFB86924C075D91FF3 * 2^-70
  0xB64FBEB43CAEC8D4, 0x7000000000000000, 0x1FFFFFFFF, // n1 = -0xB64FBEB43CAEC8D47 * 2^-68
  0xC99C37596F7BF048, 0x2000000000000000, 0x1FFFFFFFF, // n2 = -0xC99C37596F7BF0482 * 2^-68
  0xD4B6AE36D5B8E360, 0x0000000000000000, 0x1FFFFFFFE, // n3 = -0xD4B6AE36D5B8E3600 * 2^-69
  0xDA6E56E03810DB7B, 0xC000000000000000, 0x1FFFFFFFC, // n4 = -0xDA6E56E03810DB7BC * 2^-71
  0xC4D3AF2F7FA83CDC, 0xF000000000000000, 0x1FFFFFFF9, // n5 = -0xC4D3AF2F7FA83CDCF * 2^-74
  0xE0AFBDE8C5AE3F30, 0xB000000000000000, 0x1FFFFFFF4, // n6 = -0xE0AFBDE8C5AE3F30B * 2^-79
  0xA2C53DD69DB54520, 0xA000000000000000, 0x1FFFFFFEA, // n7 = -0xA2C53DD69DB54520A * 2^-89
  0xBCA4EDB905862D89, 0xD000000000000000, 0xFFFFFFFF, // d0 = 0xBCA4EDB905862D89D * 2^-68
  0xA507BF7C87F0CF2C, 0x9000000000000000, 0x1, // d1 = 0xA507BF7C87F0CF2C9 * 2^-66
  0xE603918FEA128E02, 0x2000000000000000, 0x1, // d2 = 0xE603918FEA128E022 * 2^-66
  0xA2C4E11DF337A726, 0x0000000000000000, 0x1, // d3 = 0xA2C4E11DF337A7260 * 2^-66
  0xF6D6F58F5D554D66, 0x6000000000000000, 0xFFFFFFFF, // d4 = 0xF6D6F58F5D554D666 * 2^-68
  0xC1EE831D4E1EF435, 0x6000000000000000, 0xFFFFFFFD, // d5 = 0xC1EE831D4E1EF4356 * 2^-70
  0x8AD3B33EB2B2E352, 0x2000000000000000, 0xFFFFFFFA, // d6 = 0x8AD3B33EB2B2E3522 * 2^-73
  0x8000000000000000, 0x0000000000000000, 0xFFFFFFF5, // d7 = 0x80000000000000000 * 2^-78
]);

/** C = the CPU's atan R - R (RN68) for R = (rE, rH, rL) in (0, 1], already RN68. */
function atanTail(rE: i32, rH: u64, rL: u64): void {
  qmul(0, rE, rH, rL, 0, rE, rH, rL);
  qnear68();
  const zE = qE, zH = qH, zL = qL;
  qmul(0, rE, rH, rL, 0, zE, zH, zL);
  qnear68();
  const wE = qE, wH = qH, wL = qL;
  qhorner68(T_ATN, 8, 7, zE, zH, zL, false);
  const dS = qS, dE = qE, dH = qH, dL = qL;
  qhorner68(T_ATN, 0, 7, zE, zH, zL, false);
  qmul(qS, qE, qH, qL, 0, wE, wH, wL);
  qnear68();
  qdiv(qS, qE, qH, qL, dS, dE, dH, dL);
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
