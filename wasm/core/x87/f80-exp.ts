// 2^x - 1 of F2XM1 as the host CPU (AMD EPYC) computes it, bit for bit in all
// random operands measured (2 million in session 13) and in the cases below
// (scripts/x87-trans/fit-exp.py, docs/RESULTS.md). Every intermediate value is
// rounded to nearest at 68 bits (RN68); the quotient is rounded once under RC
// and PC by the caller.
//
//   z = RN68(x x)
//   P = Horner in z of P0..P3, Q = Horner in z of Q0..Q3, each product and
//       each sum RN68 (P0 + z (P1 + z (P2 + z P3))), Q likewise
//   N = RN68(x P)
//   D = RN68(Q - N/2)
//   2^x - 1 = N / D
//
// This is e^t - 1 = 2 tanh(t/2) / (1 - tanh(t/2)) with x P(z) / Q(z) a [7/6]
// rational approximation of 2 tanh(x ln2 / 2): near the minimax one for the
// relative error of 2^x - 1 on |x| <= 1 (error about 2^-72), normalised so
// that Q3 = 2^-20 exactly. How the constants were found:
// - P0 and Q0 (P0 / Q0 = ln 2) were read back earlier from the form N / (Q0 - N/2)
//   that holds for |x| < 2^-32, where the z terms vanish.
// - Q0 = 2.659... is what the [3/3] minimax (in z) for the relative error of
//   2^x - 1 on |x| <= 1 gives when scaled so that Q3 = 2^-20 (to 3e-8; every
//   other normalisation or degree misses by 1e-5 or more). A member of that
//   family of minimax approximations on z in [0, A] with A = 0.99997... matching
//   Q0 to 68 bits also predicts P1 / P0 and Q1 / Q0 to 1e-14.
// - The remaining freedom (mostly p1/P0 and q1/Q0 shifted together, and p2/q2
//   likewise, which hardly changes the function) was fitted to host results
//   for RD and RU (which bracket N / D): first at |x| ~ 2^-20..2^-7 where only
//   P1 and Q1 matter, then on |x| in [2^-6, 1) along the directions that keep
//   the approximation accurate (coordinate descent on the number of operands
//   whose RD/RU results the model misses: 120000 operands, then 300000 at
//   |x| >= 1/4).
// - Session 8 (fit-exp.py near, subfit, and grids over Q1/Q2 and P1/P2 on
//   operands whose last Horner sum P0 + p or Q0 + p lies within 3 units of
//   p's last place of an RN68 tie, where the host showed p about one unit
//   below the model's at small z and above it near z = 1): Q1 one 68-bit
//   unit lower and Q2 320 units higher, i.e. Q(z) moved by about -z + z^2
//   units of Q1 (P/Q moves by at most 2^-72 relative: a narrow valley of the
//   miss count that the earlier coordinate descent did not reach);
//   P1 a quarter of a 68-bit unit lower (a 70-bit constant; P0 and Q0 are
//   68-bit: 1/16 unit shifts there multiply the misses by 8-10). Held out:
//   near-tie operands |x| 1/32..1: 202 -> 36 and 324 -> 28 (|x| >= 1/2),
//   |x| = 1 - 2^-k r: 589 -> 40; random operands 2^-4..1: 58 -> 12 of 120000
//   (fit-exp.py check 40000 123 -4 -1: 99.965% -> 99.9875%).
// - Session 13 (scripts/x87-trans/exp-steps.py): the host's P step-1 value
//   A1 = RN68(P1 + RN68(z A2)) read back from operands whose RD/RU results
//   change when A1 moves by one unit: it lay delta(z) = -1.745 + 5.53 z -
//   3.96 z^2 units (2^-73) from the model's pre-rounding value (linear
//   programming on 715 such operands; every bound met, margin 0.007). That
//   put P1 on the 68-bit grid, two units below session 7's, and moved P2 by
//   +1422 and P3 by -3.978 2^20 units. Held out: A1-decisive operands 144 ->
//   3 of 1,043; random |x| in [2^-4, 1) 29 -> 1 of 400,000.
//   Then Q's step-1 value B1, read back the same way, was low at its ties
//   for z > 0.67: Q2 one unit lower (B1-decisive operands 16 -> 1 of
//   11,285); A1 again (1,421 operands): delta(z) = -0.042 z + 0.056 z^2,
//   P2 -11 and P3 +59,200 units (8 -> 0 of 2,464). Held out: operands
//   decisive on P's last sum 170 (session 8) -> 0 of 305,013, on Q's last
//   sum 0 of 279,158; random |x| in [2^-4, 1) 0 of 800,000 (session 8's
//   coefficients missed 29 of another 400,000).
// Fresh operands: 100% for |x| < 2^-4 (1.3e5 operands). measure.ts seeds
// 101-108 and 111-118 (50,000 each): 0 of 800,000 results differ (session
// 8's coefficients: 11 of 420,000 in seeds 101-121).
import { qS, qE, qH, qL, qmul, qadd, qdiv, qnear68, qhorner68 } from "./f128";

// P0..P3, Q0..Q3 (high, low, exponent) as in f80-tables.ts's T_CONST: 68-bit values
const T_EXP = memory.data<u64>([
  0xEBED907FCBB85B9D, 0x8000000000000000, 0x0,
  0xE87D6BDA437AFE24, 0x4000000000000000, 0xFFFFFFFA,
  0x9BE60D47A553A74B, 0xD000000000000000, 0xFFFFFFF2,
  0xCA971A0EC1C940C6, 0x3000000000000000, 0xFFFFFFE6,
  0xAA2FA223AD82D2D2, 0xD000000000000000, 0x1,
  0x96F2C97DDDF7901A, 0xF000000000000000, 0xFFFFFFFD,
  0xEA5C0005E3C9B59A, 0xA000000000000000, 0xFFFFFFF5,
  0x8000000000000000, 0x0000000000000000, 0xFFFFFFEC,
]);

/** q = N / D (unrounded) for F2XM1 of a finite non-zero x with |x| < 1. */
export function exp2m1Host(xS: u32, xE: i32, xH: u64, xL: u64): void {
  qmul(0, xE, xH, xL, 0, xE, xH, xL);
  qnear68();
  const zE = qE, zH = qH, zL = qL;
  qhorner68(T_EXP, 0, 3, zE, zH, zL, false);
  qmul(qS, qE, qH, qL, xS, xE, xH, xL);
  qnear68();
  const nS = qS, nE = qE, nH = qH, nL = qL;
  qhorner68(T_EXP, 4, 3, zE, zH, zL, false);
  qadd(qS, qE, qH, qL, nS ^ 1, nE - 1, nH, nL);
  qnear68();
  qdiv(nS, nE, nH, nL, qS, qE, qH, qL);
}
