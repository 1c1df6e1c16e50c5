// The base-2 logarithm of FYL2X and FYL2XP1 as the Intel host (Xeon, sessions 17-22) leaves it,
// for the Intel flavour (../vendor.ts):
//
//   FYL2X:    y * V, V = TZ67(log2 x) as the table path below gives it (the product with y exact,
//             rounded once by the caller)
//   table:    x = 2^e m, m in [1/2, 1), x outside 7/8..9/8 (session 22): c = the midpoint of m's
//             1/64 (entry j = m's fraction bits 2..6), s = RNE64((m - c) / RNE64(m + c)) (m - c
//             exact; the sum loses m's last bit, ties to even), h = TZ67(2 s C66),
//             V = TZ67(e + log2 c + h + (2 atanh s - 2 s) log2 e + K 2^-77), K a measured offset
//             per entry, sign of h and binade of h (f80-log-intel-table.ts)
//   near 1:   7/8 <= 1 + x <= 9/8, for FYL2X's x - 1 and FYL2XP1's x (|x| <= 1/8; session 19):
//             w = TZ66(1 + x), u = w - 1 (u = x for every FYL2X operand), s = x / (2 + x),
//             h = TZ67(x C66), d = h - u s log2 e, B = (2 atanh s - 2 s) log2 e,
//             log2(1 + x) = TZ67(d + B truncated toward zero at d's 67th bit)
//             (C66 = log2 e rounded to 66 bits; since ln(1 + u) = u - u s + B / log2 e, the
//             three terms are the leading product, the exact second-order term and the odd
//             series' tail)
//   FYL2XP1:  y * the table path's value of 1 + x (1 + x exact, not rounded to 64 bits) for |x| > 1/8
//   x = 2^e: no case of its own: m = 1/2 lies below its entry's c, and the table path's value of
//             log2 m comes out just above -1, so V = e for e > 0 and e one unit of its 67th bit
//             toward zero for e < 0, as the host gives it (RD and RU results for 400 random y each
//             at e = -58, -1000, -16382; compare.ts: e = -16382..16383, four RCs, three y)
//
// Read back with scripts/x87-trans/intel-log.py: FYL2X(x, y) = RC(y V) for a 67-bit V, so the
// RD and RU results for a few y = 1 + k 2^-63 pin V exactly. Near 1 the model reproduces 2,938
// of 2,947 pinned V for |x - 1| in 2^-62..2^-3 (FYL2X) and 2,991 of 3,000 FYL2XP1 values; in
// 2^-9..2^-3 1,458 and 1,463 of 1,500, and every one of 400 FYL2XP1 values for |x| in 2^-75..2^-60.
// (For FYL2XP1, u s and x (u / (2 + u)) fit as well as each other, and so do B from x or from u;
// these forms keep every term in proportion to x down to the smallest denormal.) The misses have
// B's fraction at d's 67th bit within ~0.05 of an integer: the host's B carries an error of its
// own there, not modelled. The table path
// (scripts/x87-trans/intel-log-table.py) reproduces 3,926 of 4,000 and 3,953 of 4,000 held-out
// pinned V for random x in [1/2, 7/8) and (9/8, 2), against 94% for TZ67 of the exact log2; the
// host's error within an entry varies by about +-1.5 units of 2^-72, in steps where h changes
// binade, and K is the best single offset per piece, not a model of that error.
// Here log2 c and 2 atanh s log2 e come from the odd series in the 128-bit format of f128.ts
// (error ~2^-120).
import { qS, qE, qH, qL, qload, qfromU128, qmul, qadd, qdiv, qoddSum, qtrunc, qnear64, TZ67 } from "./f128";
import { T_CONST } from "./f80-tables";
import { logReduce } from "./f80-log";
import { LOG_OFFSET_INTEL } from "./f80-log-intel-table";

const K_LOG2E: u32 = 1;
const SIG_ONE: u64 = 0x8000000000000000;
const C66_HIGH: u64 = 0xB8AA3B295C17F0BB; // log2 e = 0xB8AA3B295C17F0BB BE87... * 2^-63
const C66_LOW: u64 = 0xC000000000000000; // ... rounded to 66 bits

/** q = ln((1 + s) / (1 - s)) / ln 2 = 2 atanh(s) log2 e for s in q, |s| < 0.172 (26 terms leave
 * z^26 / 53 < 2^-138). */
function log2Atanh(): void {
  if (qH == 0) return;
  const sS = qS, sE = qE, sH = qH, sL = qL;
  qmul(sS, sE, sH, sL, sS, sE, sH, sL);
  const zE = qE, zH = qH, zL = qL;
  qoddSum(0, zE, zH, zL, 26); // A = atanh(s)/s
  qmul(qS, qE, qH, qL, sS, sE + 1, sH, sL);
  const lS = qS, lE = qE, lH = qH, lL = qL;
  qload(T_CONST, K_LOG2E);
  qmul(qS, qE, qH, qL, lS, lE, lH, lL);
}

/** q = Intel's 67-bit log2(1 + x) near 1 (see the header), for x = (xS, xE, xH, xL), |x| <= 1/8. */
function log2Near1(xS: u32, xE: i32, xH: u64, xL: u64): void {
  // u = TZ66(1 + x) - 1, exact
  qadd(0, 0, SIG_ONE, 0, xS, xE, xH, xL);
  qtrunc(66);
  qadd(qS, qE, qH, qL, 1, 0, SIG_ONE, 0);
  const uS = qS, uE = qE, uH = qH, uL = qL;
  // h = TZ67(x C66)
  qmul(xS, xE, xH, xL, 0, 0, C66_HIGH, C66_LOW);
  qL &= TZ67;
  const hS = qS, hE = qE, hH = qH, hL = qL;
  // s = x / (2 + x)
  qadd(0, 1, SIG_ONE, 0, xS, xE, xH, xL);
  qdiv(xS, xE, xH, xL, qS, qE, qH, qL);
  const sS = qS, sE = qE, sH = qH, sL = qL;
  // d = h - u s log2 e
  qmul(uS, uE, uH, uL, sS, sE, sH, sL);
  const pS = qS, pE = qE, pH = qH, pL = qL;
  qload(T_CONST, K_LOG2E);
  qmul(qS, qE, qH, qL, pS, pE, pH, pL);
  qadd(hS, hE, hH, hL, qS ^ 1, qE, qH, qL);
  const dS = qS, dE = qE, dH = qH, dL = qL;
  // B = 2 s (atanh(s)/s - 1) log2 e: |s| < 1/15, 17 terms leave z^17 / 35 < 2^-137
  qmul(sS, sE, sH, sL, sS, sE, sH, sL);
  qoddSum(0, qE, qH, qL, 17);
  qadd(qS, qE, qH, qL, 1, 0, SIG_ONE, 0);
  qmul(qS, qE, qH, qL, sS, sE + 1, sH, sL);
  const bS = qS, bE = qE, bH = qH, bL = qL;
  qload(T_CONST, K_LOG2E);
  qmul(qS, qE, qH, qL, bS, bE, bH, bL);
  qtrunc(qE - dE + 67); // toward zero at d's 67th bit
  qadd(dS, dE, dH, dL, qS, qE, qH, qL);
  qL &= TZ67;
}

/** q = log2 of (cH / 2^63) * 2^cE, to ~2^-120 (the series of log2Atanh on its reduced form). */
function log2Exact(cE: i32, cH: u64): void {
  const e = logReduce(cE, cH, 0);
  log2Atanh();
  if (e != 0) {
    const lS = qS, lE = qE, lH = qH, lL = qL;
    qfromU128(e < 0 ? 1 : 0, 0, <u64>(e < 0 ? -e : e), 0);
    qadd(qS, qE, qH, qL, lS, lE, lH, lL);
  }
}

/** q = TZ67(log2 w) for a positive w = (wH:wL / 2^127) * 2^wE. */
export function log2Intel(wE: i32, wH: u64, wL: u64): void {
  // 7/8 <= w <= 9/8 (9/8 itself: pinned, like FYL2XP1's 1/8)
  if ((wE == -1 && wH >= 0xE000000000000000) || (wE == 0 && (wH < 0x9000000000000000 || (wH == 0x9000000000000000 && wL == 0)))) {
    qadd(0, wE, wH, wL, 1, 0, SIG_ONE, 0); // x = w - 1, exact
    log2Near1(qS, qE, qH, qL);
    return;
  }
  // w = 2^e m, m in [1/2, 1); c = the midpoint of m's 1/64 (session 22, see the header)
  const j = <i32>((wH >> 58) & 31);
  const cH: u64 = (wH & 0xFC00000000000000) | 0x0200000000000000;
  // s = RNE64((m - c) / RNE64(m + c)); m - c is exact
  qadd(0, -1, wH, wL, 1, -1, cH, 0);
  const fS = qS, fE = qE, fH = qH, fL = qL;
  qadd(0, -1, wH, wL, 0, -1, cH, 0);
  qnear64();
  qdiv(fS, fE, fH, fL, 0, qE, qH, 0);
  qnear64();
  const sS = qS, sE = qE, sH = qH;
  // corr = TZ67(2 s C66) - 2 s log2 e: the leading term's truncation and constant
  qmul(sS, sE + 1, sH, 0, 0, 0, C66_HIGH, C66_LOW);
  qL &= TZ67;
  const hS = qS, hE = qE, hH = qH, hL = qL;
  qload(T_CONST, K_LOG2E);
  qmul(qS, qE, qH, qL, sS, sE + 1, sH, 0);
  qadd(hS, hE, hH, hL, qS ^ 1, qE, qH, qL);
  const kS = qS, kE = qE, kH = qH, kL = qL;
  // + the measured offset of c's entry, by the sign and binade of the leading term h (units of 2^-77)
  let k = j << 3;
  if (hH != 0) {
    const b = hE + 9;
    k += (hS != 0 ? 4 : 0) + (b < 0 ? 0 : b > 3 ? 3 : b);
  }
  const off = load<i32>(LOG_OFFSET_INTEL + (<usize>k << 2));
  qfromU128(off < 0 ? 1 : 0, 0, <u64>(off < 0 ? -off : off), -77);
  qadd(qS, qE, qH, qL, kS, kE, kH, kL);
  const oS = qS, oE = qE, oH = qH, oL = qL;
  // + 2 atanh(s) log2 e
  qS = sS; qE = sE; qH = sH; qL = 0;
  log2Atanh();
  qadd(qS, qE, qH, qL, oS, oE, oH, oL);
  const pS = qS, pE = qE, pH = qH, pL = qL;
  // + log2(2^e c) (c's significand at w's exponent)
  log2Exact(wE, cH);
  qadd(qS, qE, qH, qL, pS, pE, pH, pL);
  qL &= TZ67;
}

/** q = FYL2XP1's TZ67(log2(1 + x)) for x = (xS, xE, xH, xL), x > -1, x != 0. */
export function log2p1Intel(xS: u32, xE: i32, xH: u64, xL: u64): void {
  if (xE <= -4 || (xE == -3 && xH == SIG_ONE && xL == 0)) { // |x| <= 1/8
    log2Near1(xS, xE, xH, xL);
    return;
  }
  // |x| > 1/8: FYL2X's value of 1 + x (the 128-bit sum is exact for |x| < 2^63, and far beyond
  // 67 bits above)
  // (FYL2XP1(x) = FYL2X(1 + x) in 12,000 of 12,000 cases where 1 + x is a 64-bit number; 124 of
  // 125 pinned values for -1 < x < 4; 1 + x = 2^-1 and 2^-2 leave FYL2X's step toward zero)
  qadd(0, 0, SIG_ONE, 0, xS, xE, xH, xL);
  log2Intel(qE, qH, qL);
}
