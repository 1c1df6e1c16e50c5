// 2^x - 1 of F2XM1 as the Intel host (Xeon, session 17) computes it, for the Intel flavour
// (../vendor.ts), read back with scripts/x87-trans/intel-exp.py:
//
//   y = x * L66, L66 = ln 2 rounded to 66 bits (0xB17217F7D1CF79AB3 * 2^-66)
//   |x| < 2^-68:  2^x - 1 = RC(y), the exact product rounded once
//   otherwise:    2^x - 1 = RC(e^Y - 1), Y = y truncated to 67 bits, e^Y - 1 exact
//
// Against the host: every result of 4,000 random operands in [2^-72, 2^-66) and of 5,000 in
// [2^-70, 2^-5); 93.6% at |x| >= 1/16, where Intel evidently splits the argument (not modelled).
// Here e^Y - 1 is the Taylor series to the 34th power (|Y| < 0.7, remainder below 2^-124) in the
// 128-bit format of f128.ts; the caller rounds once.
import { qS, qE, qH, qL, qfromU128, qmul, qdivN, qonePlus } from "./f128";

const L66_HI: u64 = 0xB17217F7D1CF79AB;
const L66_LO: u64 = 0xC000000000000000; // bits 65, 66 (ln 2 = 0xB17217F7D1CF79AB C9E3B398... * 2^-64)
const TERMS: u32 = 34;

/** q = 2^x - 1 before the final rounding, for the operand x in q (|x| < 1, x != 0). */
export function exp2m1Intel(tiny: bool): void {
  qmul(qS, qE, qH, qL, 0, -1, L66_HI, L66_LO);
  if (tiny) return;
  qL &= 0xE000000000000000; // Y: 67 bits, truncated
  const yS = qS, yE = qE, yH = qH, yL = qL;
  // e^Y - 1 = Y (1 + Y/2 (1 + Y/3 (1 + ... (1 + Y/TERMS))))
  qfromU128(0, 0, 1, 0);
  for (let n = TERMS; n >= 2; n--) {
    qmul(qS, qE, qH, qL, yS, yE, yH, yL);
    qdivN(<u64>n);
    qonePlus(false);
  }
  qmul(qS, qE, qH, qL, yS, yE, yH, yL);
}
