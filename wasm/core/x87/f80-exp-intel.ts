// 2^x - 1 of F2XM1 as the Intel host (Xeon, sessions 17-23) computes it, for the Intel flavour
// (../vendor.ts), read back with scripts/x87-trans/intel-exp.py:
//
//   |x| < 2^-68:        2^x - 1 = RC(x * L66), L66 = ln 2 rounded to 66 bits, the product exact
//   |x| < 1/4:          2^x - 1 = RC(Y + RN64(RN69(TZ67(RNA64(Y) Y) Q))), Y = x * L66 truncated to 67
//                       bits, Q = (e^Y - 1 - Y) / Y^2 (the square truncated to 67 bits: session 25; the
//                       product held to 69 bits before its rounding to 64: session 27)
//   1/4 <= |x| < 1:     2^x - 1 = RC(A + TZ67(RN64(1 + A) RN64(e^Y - 1))), A = RN67(2^c - 1),
//                       Y = RN64(h L66), h = x - c, c = sign(x) (m + 1/2) 2^(e-4) the midpoint of
//                       |x|'s sixteenth of its binade (e the exponent of x, m = |x|'s top five
//                       significand bits), A from f80-exp-intel-table.ts (session 23; the multiplier
//                       RN64(1 + A), not RN64(2^c): session 28)
//
// The second term of the middle path (64 bits, rounded to nearest) was read from results that are
// exact (RD == RU): V - Y lies on the 64-bit grid of e^Y - 1 - Y, and equals RN64(e^Y - 1 - Y) in
// 3 of 4 such cases (session 18); with Y rounded to 64 bits (ties away from zero) as the multiplier
// of w and the product truncated to 67 bits first, in 98.9% (session 21). Session 25 moved the
// truncation to the square RNA64(Y) Y, as the cosines truncate theirs (f80-trig-intel.ts): 30,000
// consecutive operands at x = 0.03, 0.09, 0.15, 0.2, -0.2: 147 -> 77 misses. Session 27 picked operands
// whose product lies within 0.1 of a rounding tie (intel-exp.py ties): the host's product is off ours
// by up to ~0.06 of its unit, both ways; held to 69 bits first, 9,194 -> 9,460 of 10,500 such
// operands match, and 207 -> 168 misses over 72,000 consecutive ones (68 bits: 204, 70: 168, 71: 183;
// truncated: worse). The rest is a smooth error of ~0.03 units in Q plus noise, not modelled. The table path was 64
// measured offsets on segments starting at x_hi (sessions 18-22); windows of consecutive operands
// (session 23) showed noise growing from the segment's midpoint in steps at the binades of h ln 2,
// which gave Y = RN64(h L66), and with the midpoint the offsets became RN67(2^c - 1). Session 28 read
// 4,548 results that are exact (RD == RU) at random operands: in three segments (c = 61/128, +-63/64)
// the model fitted 3 of 209 and the host's P lay off its 64-bit grid; there RN64(2^c) and RN64(1 + A)
// differ (1 + A falls on a rounding tie), and with the multiplier RN64(1 + A) every exact result
// has P on its grid and 3,148 -> 3,298 of them match.
// Held-out operands (intel-exp.py v2): all of 6,000 at 2^-70..2^-9, 98.6% at 2^-3, 99.4% at
// 2^-5..2^-4; at 1/4 <= |x| < 1 99.23% of 96,000 (every RC); on 32,000 of them held out from
// the old offsets' fit 99.20%, against 98.64% for those offsets.
// The series below are Taylor series in the 128-bit format of f128.ts (|y| < 0.7, 34 terms:
// remainder below 2^-124); the caller rounds once.
import { qS, qE, qH, qL, qfromU128, qmul, qadd, qdivN, qonePlus, qnear64, qroundTo, qload, TZ67 } from "./f128";
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
  // e^Y - 1 - Y = RN64(TZ67(RNA64(Y) Y) Q), Q = (1 + Y/3 (1 + ...)) / 2, plus Y
  qnear64(true); // RNA64(Y), ties away from zero (ties to even: 93.6% of exact results, away: 98.9%)
  qmul(qS, qE, qH, qL, yS, yE, yH, yL);
  qL &= TZ67; // the square, truncated to 67 bits (session 25)
  const sS = qS, sE = qE, sH = qH, sL = qL;
  expTail(yS, yE, yH, yL, 3);
  qE -= 1; // Q
  qmul(qS, qE, qH, qL, sS, sE, sH, sL);
  qroundTo(69, false); // the product held to 69 bits, then rounded to 64 (session 27)
  qnear64();
  qadd(yS, yE, yH, yL, qS, qE, qH, qL);
}

/** The path for 1/4 <= |x| < 1 (exponent of x in qE: -2 or -1; see the header). */
function exp2m1Table(): void {
  const xS = qS, xE = qE;
  const m = <u32>(qH >> 59); // |x|'s segment: the top 5 significand bits, 16..31
  // h = |x| - |c|, |c| = (m + 1/2) 2^(e-4): a signed 60-bit integer in units of 2^(e-63) (x is an f80, qL = 0)
  const d = <i64>qH - <i64>((<u64>(2 * m + 1)) << 58);
  const k = ((<u32>(xE + 2) << 1) | xS) * 16 + (m - 16);
  // Y = RN64(h L66), h with x's sign (the product is exact in 128 bits; h = 0 gives Y = P = 0, V = 2^c - 1)
  const hS = xS ^ u32(d < 0);
  qfromU128(hS, 0, <u64>(d < 0 ? -d : d), xE - 63);
  qmul(qS, qE, qH, qL, 0, -1, L66_HI, L66_LO);
  qnear64();
  const yS = qS, yE = qE, yH = qH, yL = qL;
  // P = RN64(e^Y - 1) = RN64(Y (1 + Y/2 (1 + ...)))
  expTail(yS, yE, yH, yL, 2);
  qmul(qS, qE, qH, qL, yS, yE, yH, yL);
  qnear64();
  const pS = qS, pE = qE, pH = qH, pL = qL;
  // A + TZ67(RN64(1 + A) P), A = RN67(2^c - 1)
  qload(T_EXP2_INTEL, k);
  const aS = qS, aE = qE, aH = qH, aL = qL;
  qonePlus(false);
  qnear64();
  qmul(qS, qE, qH, qL, pS, pE, pH, pL);
  qL &= TZ67;
  qadd(aS, aE, aH, aL, qS, qE, qH, qL);
}
