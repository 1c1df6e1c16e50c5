// The base-2 logarithm of FYL2X and FYL2XP1 as the Intel host (Xeon, sessions 17-18) leaves it,
// for the Intel flavour (../vendor.ts), read back with scripts/x87-trans/intel-exp.py's method:
//
//   FYL2X:    y * TZ67(log2 x)       (log2 x exact, truncated to 67 bits; the product with y
//                                     exact, rounded once by the caller)
//             7/8 <= x < 9/8 (session 18): y * TZ67(ln x * C), the boundaries sharp (bins of
//                                     1/64 on [3/4, 5/4]: the exact log2 fits 98-99% outside
//                                     and 86-89% inside, C = TZ67(log2 e) 94-97% inside); C by
//                                     bands of |x - 1| that fit best (fitted, not understood):
//                                     TZ67(log2 e) above ~2^-30, TZ68 down to ~2^-54, exact below
//   FYL2XP1:  y * TZ67(x C66)        for |x| < 2^-66 (C66 = log2 e rounded to 66 bits)
//             |x| < 1/8 (session 18): y * TZ67(L(w) + (1 + x - w) log2 e), w = TZ67(1 + x) and
//                                     L FYL2X's value above before its truncation
//                                     (FYL2XP1(x) = FYL2X(1 + x) in all 12,000 cases where
//                                     1 + x is a 64-bit number; the rest of 1 + x enters with
//                                     the slope log2 e, not log2 e / w, which shows as a
//                                     sawtooth in windows of x)
//             y * TZ67(log2(1 + x))  above
//
// Against the host (measure.ts distribution): FYL2X 97.7% (99.2% of results with x outside
// [0.5, 2)); near 1 Intel's own kernel carries an error of ~0.4 units of its 67th bit beyond
// the truncation, not modelled. FYL2XP1 93.0%: tiny x every result of 1,378; the rest follows
// the kernel near 1.
// Here log2 is ln m / ln 2 with ln m = 2 atanh s, s = (m - 1) / (m + 1), by its series in the
// 128-bit format of f128.ts (error ~2^-120).
import { qS, qE, qH, qL, qload, qfromU128, qmul, qadd, qdiv, qoddSum } from "./f128";
import { T_CONST } from "./f80-tables";
import { logReduce } from "./f80-log";

const K_LOG2E: u32 = 1;
const SIG_ONE: u64 = 0x8000000000000000;
const TZ67: u64 = 0xE000000000000000; // the low word's bits kept by a 67-bit truncation
const C67_LOW: u64 = 0xA000000000000000; // log2 e = 0xB8AA3B295C17F0BB BE87... * 2^-63, cut to 67 bits
const C68_LOW: u64 = 0xB000000000000000; // ... to 68 bits

/**
 * q = ln((1 + s) / (1 - s)) / ln 2 = 2 atanh(s) log2 e for s in q, |s| <= 1/3; with `cLow` != 0
 * the factor is log2 e with its low word cut to cLow (Intel's FYL2X for 7/8 <= x < 9/8).
 */
function log2Atanh(terms: i32, cLow: u64 = 0): void {
  if (qH == 0) return;
  const sS = qS, sE = qE, sH = qH, sL = qL;
  qmul(sS, sE, sH, sL, sS, sE, sH, sL);
  const zE = qE, zH = qH, zL = qL;
  qoddSum(0, zE, zH, zL, terms); // A = atanh(s)/s
  qmul(qS, qE, qH, qL, sS, sE + 1, sH, sL);
  const lS = qS, lE = qE, lH = qH, lL = qL;
  if (cLow != 0) qmul(0, 0, 0xB8AA3B295C17F0BB, cLow, lS, lE, lH, lL);
  else {
    qload(T_CONST, K_LOG2E);
    qmul(qS, qE, qH, qL, lS, lE, lH, lL);
  }
}

/** q = log2 w before the truncation, for a positive w = (wH:wL / 2^127) * 2^wE. */
function log2Raw(wE: i32, wH: u64, wL: u64): void {
  // w = 2^e m, m in [1/sqrt2, sqrt2): |s| < 0.172, 26 terms leave z^26 / 53 < 2^-138
  // 7/8 <= w < 9/8: Intel's own path (session 18), ln w times log2 e truncated to 67 bits for
  // |s| >= 2^-31 (|w - 1| >= ~2^-30), to 68 bits for 2^-55 <= |s| < 2^-31, exact below
  const near1 = (wE == -1 && wH >= 0xE000000000000000) || (wE == 0 && wH < 0x9000000000000000);
  const e = logReduce(wE, wH, wL);
  log2Atanh(26, !near1 || qE < -55 ? 0 : qE >= -31 ? C67_LOW : C68_LOW);
  if (e != 0) {
    const lS = qS, lE = qE, lH = qH, lL = qL;
    qfromU128(e < 0 ? 1 : 0, 0, <u64>(e < 0 ? -e : e), 0);
    qadd(qS, qE, qH, qL, lS, lE, lH, lL);
  }
}

/** q = TZ67(log2 w) for a positive w = (wH:wL / 2^127) * 2^wE. */
export function log2Intel(wE: i32, wH: u64, wL: u64): void {
  log2Raw(wE, wH, wL);
  qL &= TZ67;
}

/** q = FYL2XP1's TZ67(log2(1 + x)) for x = (xS, xE, xH, xL), -1/2 < x < 1, x != 0. */
export function log2p1Intel(xS: u32, xE: i32, xH: u64, xL: u64): void {
  if (xE < -66) {
    qmul(xS, xE, xH, xL, 0, 0, 0xB8AA3B295C17F0BB, 0xC000000000000000); // x C66
  } else if (xE <= -4) {
    // |x| < 1/8: FYL2X's kernel on w = TZ67(1 + x), plus (1 + x - w) log2 e (session 18)
    qadd(0, 0, SIG_ONE, 0, xS, xE, xH, xL);
    qL &= TZ67;
    const wE = qE, wH = qH, wL = qL;
    qadd(0, wE, wH, wL, 1, 0, SIG_ONE, 0); // w - 1, exact
    qadd(xS, xE, xH, xL, qS ^ 1, qE, qH, qL); // x_lo = x - (w - 1), exact
    const rS = qS, rE = qE, rH = qH, rL = qL;
    log2Raw(wE, wH, wL);
    if (rH != 0) {
      const lS = qS, lE = qE, lH = qH, lL = qL;
      qload(T_CONST, K_LOG2E);
      qmul(qS, qE, qH, qL, rS, rE, rH, rL);
      qadd(qS, qE, qH, qL, lS, lE, lH, lL);
    }
  } else {
    // s = x / (2 + x), |s| < 1/3: 40 terms leave z^40 / 81 < 2^-132
    qadd(0, 1, SIG_ONE, 0, xS, xE, xH, xL);
    qdiv(xS, xE, xH, xL, qS, qE, qH, qL);
    log2Atanh(40);
  }
  qL &= TZ67;
}
