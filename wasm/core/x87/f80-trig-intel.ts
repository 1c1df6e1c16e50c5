// FPTAN for the Intel flavour (../vendor.ts), read back in session 17 on an Intel Xeon: the
// tangent of the argument reduced by the CPU's 66-bit pi (f80-trans.ts) is the quotient of its
// sine and cosine, each truncated to 67 bits (TZ67, as Intel leaves its F2XM1 and logarithm
// values), and the quotient is rounded once by the caller:
//
//   tan r = TZ67(sin r) / TZ67(cos r)      odd quadrant: -TZ67(cos r) / TZ67(sin r)
//
// This reproduces 96.9% of random FPTAN results (the AMD kernel 92.6%; 66, 68, 69 bits or a
// truncated or rounded quotient fit worse: docs/RESULTS.md), and every one of 600 with
// 2^-68 <= |x| < 2^-33, where the result lies just below |x| (exactly |x| for a power of two).
// Below 2^-68 FPTAN returns x itself (f80-trans.ts). sin and cos here are exact to
// ~2^-120: Taylor series by Horner in z = r^2 in the 128-bit format of f128.ts, 16 terms for
// |r| <= pi/4 (z^16 / 33! < 2^-130).
import { qS, qE, qH, qL, qfromU128, qmul, qdiv, qdivN, qonePlus } from "./f128";

const TERMS: u32 = 16;
const TZ67: u64 = 0xE000000000000000;

/** q = sin r (sine = true) or cos r, |r| <= pi/4, r != 0. */
function sinCos(sine: bool, rS: u32, rE: i32, rH: u64, rL: u64): void {
  qmul(0, rE, rH, rL, 0, rE, rH, rL);
  const zE = qE, zH = qH, zL = qL;
  qfromU128(0, 0, 1, 0);
  for (let n = TERMS; n >= 1; n--) {
    const k = <u64>(2 * n);
    qmul(qS, qE, qH, qL, 0, zE, zH, zL); // acc = 1 - z acc / d
    qdivN(sine ? k * (k + 1) : (k - 1) * k);
    qonePlus(true);
  }
  if (sine) qmul(qS, qE, qH, qL, rS, rE, rH, rL);
}

/** q = tan r (odd = false) or -cot r (odd = true), before the final rounding; 0 < |r| <= pi/4. */
export function tanIntel(rS: u32, rE: i32, rH: u64, rL: u64, odd: bool): void {
  sinCos(true, rS, rE, rH, rL);
  qL &= TZ67;
  const sS = qS, sE = qE, sH = qH, sL = qL;
  sinCos(false, rS, rE, rH, rL);
  qL &= TZ67;
  if (odd) qdiv(qS ^ 1, qE, qH, qL, sS, sE, sH, sL);
  else qdiv(sS, sE, sH, sL, qS, qE, qH, qL);
}
