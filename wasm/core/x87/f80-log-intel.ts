// The base-2 logarithm of FYL2X and FYL2XP1 as the Intel host (Xeon, session 17) leaves it, for
// the Intel flavour (../vendor.ts), read back with scripts/x87-trans/intel-exp.py's method:
//
//   FYL2X:    y * TZ67(log2 x)       (log2 x exact, truncated to 67 bits; the product with y
//                                     exact, rounded once by the caller)
//   FYL2XP1:  y * TZ67(x C66)        for |x| < 2^-66 (C66 = log2 e rounded to 66 bits)
//             y * TZ67(log2(1 + x))  above
//
// Against the host (measure.ts distribution, 20,000 FYL2X): 99.2% of results with x outside
// [0.5, 2) and 92% inside (near 1 Intel's own kernel shows: its value is within about 2^-79 of
// log2 x, so results whose logarithm lies that close to a 67-bit boundary differ); FYL2XP1 tiny
// x: every result of 1,378; larger x ~94%.
// Here log2 is ln m / ln 2 with ln m = 2 atanh s, s = (m - 1) / (m + 1), by its series in the
// 128-bit format of f128.ts (error ~2^-120).
import { qS, qE, qH, qL, qload, qfromU128, qmul, qadd, qdiv, qdivN } from "./f128";
import { T_CONST } from "./f80-tables";
import { logReduce } from "./f80-log";

const K_LOG2E: u32 = 1;
const SIG_ONE: u64 = 0x8000000000000000;
const TZ67: u64 = 0xE000000000000000; // the low word's bits kept by a 67-bit truncation

/** q = ln((1 + s) / (1 - s)) / ln 2 = 2 atanh(s) log2 e for s in q, |s| <= 1/3. */
function log2Atanh(terms: i32): void {
  if (qH == 0) return;
  const sS = qS, sE = qE, sH = qH, sL = qL;
  qmul(sS, sE, sH, sL, sS, sE, sH, sL);
  const zE = qE, zH = qH, zL = qL;
  // A = sum z^k / (2k + 1), by Horner from the last term
  qfromU128(0, 0, 1, 0);
  qdivN(<u64>(2 * terms + 1));
  for (let k = terms - 1; k >= 0; k--) {
    qmul(qS, qE, qH, qL, 0, zE, zH, zL);
    const aS = qS, aE = qE, aH = qH, aL = qL;
    qfromU128(0, 0, 1, 0);
    qdivN(<u64>(2 * k + 1));
    qadd(qS, qE, qH, qL, aS, aE, aH, aL);
  }
  qmul(qS, qE, qH, qL, sS, sE + 1, sH, sL);
  const lS = qS, lE = qE, lH = qH, lL = qL;
  qload(T_CONST, K_LOG2E);
  qmul(qS, qE, qH, qL, lS, lE, lH, lL);
}

/** q = TZ67(log2 w) for a positive w = (wH:wL / 2^127) * 2^wE. */
export function log2Intel(wE: i32, wH: u64, wL: u64): void {
  // w = 2^e m, m in [1/sqrt2, sqrt2): |s| < 0.172, 26 terms leave z^26 / 53 < 2^-138
  const e = logReduce(wE, wH, wL);
  log2Atanh(26);
  if (e != 0) {
    const lS = qS, lE = qE, lH = qH, lL = qL;
    qfromU128(e < 0 ? 1 : 0, 0, <u64>(e < 0 ? -e : e), 0);
    qadd(qS, qE, qH, qL, lS, lE, lH, lL);
  }
  qL &= TZ67;
}

/** q = FYL2XP1's TZ67(log2(1 + x)) for x = (xS, xE, xH, xL), -1/2 < x < 1, x != 0. */
export function log2p1Intel(xS: u32, xE: i32, xH: u64, xL: u64): void {
  if (xE < -66) {
    qmul(xS, xE, xH, xL, 0, 0, 0xB8AA3B295C17F0BB, 0xC000000000000000); // x C66
  } else {
    // s = x / (2 + x), |s| < 1/3: 40 terms leave z^40 / 81 < 2^-132
    qadd(0, 1, SIG_ONE, 0, xS, xE, xH, xL);
    qdiv(xS, xE, xH, xL, qS, qE, qH, qL);
    log2Atanh(40);
  }
  qL &= TZ67;
}
