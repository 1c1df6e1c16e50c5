// 2^x - 1 of F2XM1 as the Intel host (Xeon, sessions 17-18) computes it, for the Intel flavour
// (../vendor.ts), read back with scripts/x87-trans/intel-exp.py:
//
//   |x| < 2^-68:        2^x - 1 = RC(x * L66), L66 = ln 2 rounded to 66 bits, the product exact
//   |x| < 1/4:          2^x - 1 = RC(Y + RN64(TZ67(RNA64(Y) w))), Y = x * L66 truncated to 67 bits,
//                       w = (e^Y - 1 - Y) / Y
//   1/4 <= |x| < 1:     2^x - 1 = RC(T_j * 2^r - 1), x_hi = floor(x * 2^(4-e)) * 2^(e-4) with e the
//                       exponent of x (16 segments per binade), r = x - x_hi >= 0, 2^r exact, and
//                       T_j = 2^x_hi + delta_j * 2^-67 from f80-exp-intel-table.ts
//
// The second term of the middle path (64 bits, rounded to nearest) was read from results that are
// exact (RD == RU): V - Y lies on the 64-bit grid of e^Y - 1 - Y, and equals RN64(e^Y - 1 - Y) in
// 3 of 4 such cases (session 18); with Y rounded to 64 bits (ties away from zero) as the multiplier
// of w and the product truncated to 67 bits first, in 98.9% (session 21). The deltas of the table path are measured
// constants (+-0.5 units of 2^-67): no rounding of 2^x_hi that was tried reproduces them.
// Held-out operands (intel-exp.py v2): all of 6,000 at 2^-70..2^-9, 98.6% at 2^-3, 99.4% at
// 2^-5..2^-4, 99.3% at 1/4 <= |x| < 1.
// The series below are Taylor series in the 128-bit format of f128.ts (|y| < 0.7, 34 terms:
// remainder below 2^-124); the caller rounds once.
import { qS, qE, qH, qL, qfromU128, qmul, qadd, qdivN, qonePlus, qnear64, qload, TZ67 } from "./f128";
import { T_EXP2_INTEL } from "./f80-exp-intel-table";

const L66_HI: u64 = 0xB17217F7D1CF79AB;
const L66_LO: u64 = 0xC000000000000000; // bits 65, 66 (ln 2 = 0xB17217F7D1CF79AB C9E3B398... * 2^-64)
const TERMS: u32 = 34;

/** q = 1 + y/first (1 + y/(first+1) (... (1 + y/TERMS))). */
function expTail(yS: u32, yE: i32, yH: u64, yL: u64, first: u32): void {
  qfromU128(0, 0, 1, 0);
  for (let n = TERMS; n >= first; n--) {
    qmul(qS, qE, qH, qL, yS, yE, yH, yL);
    qdivN(<u64>n);
    qonePlus(false);
  }
}

/** q = 2^x - 1 before the final rounding, for the operand x in q (|x| < 1, x != 0). */
export function exp2m1Intel(tiny: bool): void {
  if (!tiny && qE >= -2) {
    exp2m1Table();
    return;
  }
  qmul(qS, qE, qH, qL, 0, -1, L66_HI, L66_LO);
  if (tiny) return;
  qL &= TZ67; // Y: 67 bits, truncated
  const yS = qS, yE = qE, yH = qH, yL = qL;
  // e^Y - 1 - Y = RN64(Y) w, w = Y/2 (1 + Y/3 (1 + ...)), the product truncated to 67 bits and
  // rounded to 64, plus Y
  expTail(yS, yE, yH, yL, 3);
  qmul(qS, qE, qH, qL, yS, yE, yH, yL);
  qE -= 1; // w
  const wS = qS, wE = qE, wH = qH, wL = qL;
  qS = yS; qE = yE; qH = yH; qL = yL;
  qnear64(true); // RNA64(Y), ties away from zero (ties to even: 93.6% of exact results, away: 98.9%)
  qmul(qS, qE, qH, qL, wS, wE, wH, wL);
  qL &= TZ67;
  qnear64();
  qadd(yS, yE, yH, yL, qS, qE, qH, qL);
}

/** The path for 1/4 <= |x| < 1: T_j 2^r - 1 (exponent of x in qE: -2 or -1). */
function exp2m1Table(): void {
  const xS = qS, xE = qE;
  const m = <i32>(qH >> 59); // the top 5 significand bits: 16..31
  const restH = qH & 0x07FFFFFFFFFFFFFF, restL = qL; // |x| - m 2^(e-4), in units of 2^(e-127)
  let j = m;
  let rH = restH, rL = restL;
  if (xS != 0) {
    if ((restH | restL) == 0) j = -m;
    else {
      // x_hi = -(m + 1) 2^(e-4), r = x - x_hi = (2^123 - rest) 2^(e-127)
      j = -m - 1;
      rL = 0 - restL;
      rH = (~restH + u64(restL == 0)) & 0x07FFFFFFFFFFFFFF;
    }
  }
  qload(T_EXP2_INTEL, <u32>((xE + 2) * 33 + (j < 0 ? j + 32 : j + 1)));
  const tS = qS, tE = qE, tH = qH, tL = qL;
  // S = 2^r - 1 = y (1 + y/2 (...)), y = r ln 2 (L66 with the product exact to 128 bits; 0 for r = 0)
  qfromU128(0, rH, rL, xE - 127);
  qmul(qS, qE, qH, qL, 0, -1, L66_HI, L66_LO);
  const yE = qE, yH = qH, yL = qL;
  expTail(0, yE, yH, yL, 2);
  qmul(qS, qE, qH, qL, 0, yE, yH, yL);
  qmul(qS, qE, qH, qL, tS, tE, tH, tL); // T S
  qadd(qS, qE, qH, qL, tS, tE, tH, tL); // T 2^r
  qadd(qS, qE, qH, qL, 1, 0, 0x8000000000000000, 0); // - 1
}
