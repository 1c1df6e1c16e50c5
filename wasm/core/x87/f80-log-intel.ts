// The base-2 logarithm of FYL2X and FYL2XP1 as the Intel host (Xeon, sessions 17-28) leaves it,
// for the Intel flavour (../vendor.ts):
//
//   FYL2X:    y * V, V = TZ67(log2 x) as the table path below gives it (the product with y exact,
//             rounded once by the caller)
//   table:    x = 2^e m, m in [1/2, 1), x outside 7/8..9/8 (session 22): c = the midpoint of m's
//             1/64 (entry j = m's fraction bits 2..6), s = RNE64((m - c) / RNE64(m + c)) (m - c
//             exact; the sum loses m's last bits, ties to even), t = RN64(TZ67(2 s C66) + 2 log2 e
//             (c3 s^3 + c5 s^5 + c7 s^7)), c3 s^3 + c5 s^5 + c7 s^7 the minimax of atanh(s) - s
//             (absolute error) on |s| <= 2^-7, V = TZ67(e + log2 c + t) (session 28; log2 c exact)
//   near 1:   7/8 <= 1 + x <= 9/8, for FYL2X's x - 1 and FYL2XP1's x (|x| <= 1/8; session 19):
//             w = TZ66(1 + x), u = w - 1 (u = x for every FYL2X operand), s = x / (1 + w),
//             h = TZ67(x C66), d = h - u TZ67(s C66) (session 27), B = 2 s z P(z) log2 e
//             (z = s^2),
//             log2(1 + x) = TZ67(d + B truncated toward zero at d's 67th bit)
//             (C66 = log2 e rounded to 66 bits; since ln(1 + u) = u - u s + (2 atanh s - 2 s), the
//             three terms are the leading product, the second-order term and the odd
//             series' tail, which the host takes from P, the degree-5 minimax polynomial of
//             (atanh(s)/s - 1) / z for |s| <= 1/15 (session 24: its error, up to 1.46 2^-72 of
//             2 s log2 e with seven sign changes, is what B's windows of consecutive operands show))
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
// these forms keep every term in proportion to x down to the smallest denormal.) Session 19's
// misses had B's fraction at d's 67th bit within ~0.05 of an integer: the exact series for B there;
// with P (session 24) 3,150 of 3,197 pinned FYL2XP1 values for |x| in 2^-7..2^-3 (was 3,081), the
// rest with d's fraction at its 67th bit within ~0.04 of an integer (the second-order term's own
// error). Session 27 pinned 2,000 FYL2XP1 values whose model value lay within 0.05 of a 67-bit step
// (where that error decides; intel-log.py pinnear): 1,760 matched with u s log2 e exact, 1,826 with
// s log2 e rounded to 67 bits, 1,980 with the quotient taken over 1 + w (the 1 + x truncated to 66
// bits that gives u) and the factor x / (1 + w) C66 truncated to 67 bits; random pinned values
// 2,375 -> 2,394 of 2,400, FYL2X near 1 (u = x, w = 1 + x) 1,574 -> 1,595 of 1,600. B takes the same
// s (one division; x / (2 + x) there fits as well: 1,980 and 2,394 against 1,981 and 2,393).
// The table path (scripts/x87-trans/intel-log-table.py): session 22 had h = TZ67(2 s C66) plus the
// exact tail and 256 measured offsets K (per entry, sign and binade of h). Session 28 found the
// second term rounded to 64 bits as a whole (RN64(2 atanh(s) log2 e) without K tied K: 2,942 vs
// 2,944 of 3,000 pinned values), its misses at t's rounding ties, the host's error there an odd
// smooth function of s (one sign on 0.0007 < |s| < 0.0044, the other above: the equioscillating
// error of a minimax polynomial); the degree-7 odd minimax of atanh(s) on |s| <= 1/129 fit it (5,745
// of 5,800 pinned values, K: 5,691), and with the leading term truncated to 67 bits before the sum
// (as near 1) and the domain 2^-7: 5,787 of 5,800, and all of 8,000 RC results at x near 1/2 and 2
// (K: 7,966).
// Here log2 c and 2 atanh s log2 e come from the odd series in the 128-bit format of f128.ts
// (error ~2^-120).
import { qS, qE, qH, qL, qload, qfromU128, qmul, qadd, qdiv, qoddSum, qtrunc, qnear64, qhorner, TZ67 } from "./f128";
import { T_CONST } from "./f80-tables";
import { logReduce } from "./f80-log";

const K_LOG2E: u32 = 1;
const SIG_ONE: u64 = 0x8000000000000000;
const C66_HIGH: u64 = 0xB8AA3B295C17F0BB; // log2 e = 0xB8AA3B295C17F0BB BE87... * 2^-63
const C66_LOW: u64 = 0xC000000000000000; // ... rounded to 66 bits

// P(z), the degree-5 minimax polynomial of (atanh(s)/s - 1) / z on 0 <= z = s^2 <= 1/225 (|s| <= 1/15,
// the s of |x| <= 1/8; error at most 1.46 2^-72), coefficient of z^k at entry k, generated by
//   python3 scripts/x87-trans/intel-log.py poly
const ATANH_P_INTEL = memory.data<u64>([
  0xAAAAAAAAAAAAAA0B, 0x4169482583A5E4CA, 0xFFFFFFFE, // z^0: 1/3 -4.321e-18
  0xCCCCCCCCCCE211AA, 0x3F2E90849AA9CFF7, 0xFFFFFFFD, // z^1: 1/5 +1.889e-14
  0x92492491D0373521, 0x2178162FAD3F444C, 0xFFFFFFFD, // z^2: 1/7 -2.750e-11
  0xE38E3B5B95379F87, 0x73C593F4CE757C78, 0xFFFFFFFC, // z^3: 1/9 +1.839e-08
  0xBA2B4912951D9249, 0xD416CB953BE6FEF2, 0xFFFFFFFC, // z^4: 1/11 -6.218e-06
  0x9FA72F53EFD3C08C, 0xC911C8858E77725D, 0xFFFFFFFC, // z^5: 1/13 +1.033e-03
]);

// The table path's c3, c5, c7: c3 s^3 + c5 s^5 + c7 s^7 the minimax of atanh(s) - s (absolute error)
// on 0 <= s <= 2^-7 (session 28), coefficient of s^(2k + 3) at entry k, generated by
//   python3 scripts/x87-trans/intel-log.py tablepoly
const ATANH_T_INTEL = memory.data<u64>([
  0xAAAAAAAAAAAE3AC0, 0xF9C584475C339AD5, 0xFFFFFFFE, // s^3: 1/3 +6.329e-15
  0xCCCCCCC382808808, 0x438598062CD547E7, 0xFFFFFFFD, // s^5: 1/5 -5.408e-10
  0x924CC9A0581D137D, 0x2BED002EFEBE699D, 0xFFFFFFFD, // s^7: 1/7 +1.390e-05
]);

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

/** q = 2 s z P(z) log2 e, z = s^2, P(z) = tab[0] + tab[1] z + ... + tab[deg] z^deg: the odd series'
 * tail 2 (atanh(s) - s) log2 e as the host's polynomial gives it (near 1 and in the table path). */
function atanhTail(tab: usize, deg: i32, sS: u32, sE: i32, sH: u64, sL: u64): void {
  qmul(sS, sE, sH, sL, sS, sE, sH, sL);
  const zE = qE, zH = qH, zL = qL;
  qhorner(tab, 0, deg, zE, zH, zL);
  qmul(qS, qE, qH, qL, 0, zE, zH, zL);
  qmul(qS, qE, qH, qL, sS, sE + 1, sH, sL);
  const bS = qS, bE = qE, bH = qH, bL = qL;
  qload(T_CONST, K_LOG2E);
  qmul(qS, qE, qH, qL, bS, bE, bH, bL);
}

/** q = Intel's 67-bit log2(1 + x) near 1 (see the header), for x = (xS, xE, xH, xL), |x| <= 1/8. */
function log2Near1(xS: u32, xE: i32, xH: u64, xL: u64): void {
  // u = TZ66(1 + x) - 1, exact
  qadd(0, 0, SIG_ONE, 0, xS, xE, xH, xL);
  qtrunc(66);
  const wS = qS, wE = qE, wH = qH, wL = qL;
  qadd(qS, qE, qH, qL, 1, 0, SIG_ONE, 0);
  const uS = qS, uE = qE, uH = qH, uL = qL;
  // h = TZ67(x C66)
  qmul(xS, xE, xH, xL, 0, 0, C66_HIGH, C66_LOW);
  qL &= TZ67;
  const hS = qS, hE = qE, hH = qH, hL = qL;
  // s = x / (1 + w) (= x / (2 + x) but for w's truncation)
  qadd(0, 0, SIG_ONE, 0, wS, wE, wH, wL);
  qdiv(xS, xE, xH, xL, qS, qE, qH, qL);
  const sS = qS, sE = qE, sH = qH, sL = qL;
  // d = h - u TZ67(s C66) (session 27: the factor truncated to 67 bits; the product with u exact)
  qmul(sS, sE, sH, sL, 0, 0, C66_HIGH, C66_LOW);
  const inexact = (qL & ~TZ67) != 0; // the factor keeps a sticky bit (see the end)
  qL &= TZ67;
  qmul(uS, uE, uH, uL, qS, qE, qH, qL);
  qadd(hS, hE, hH, hL, qS ^ 1, qE, qH, qL);
  const dS = qS, dE = qE, dH = qH, dL = qL;
  // B = 2 s z P(z) log2 e, z = s^2: the host's polynomial for atanh(s)/s - 1 (session 24)
  atanhTail(ATANH_P_INTEL, 5, sS, sE, sH, sL);
  qtrunc(qE - dE + 67); // toward zero at d's 67th bit
  qadd(dS, dE, dH, dL, qS, qE, qH, qL);
  // The truncated factor acts as a little more than its 67 bits: a positive sum that lands exactly
  // on the 67-bit grid (x = 1/8: u = 1/8, s = 1/17) truncates to the step below, as the host's
  // FYL2X(9/8) and FYL2XP1(1/8) do (pinned; a negative one stays; with u = 0 there is no product)
  if (inexact && uH != 0 && qS == 0 && (qL & ~TZ67) == 0 && qH != 0) qadd(0, qE, qH, qL, 1, qE - 66, SIG_ONE, 0);
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
  const cH: u64 = (wH & 0xFC00000000000000) | 0x0200000000000000;
  // s = RNE64((m - c) / RNE64(m + c)); m - c is exact
  qadd(0, -1, wH, wL, 1, -1, cH, 0);
  const fS = qS, fE = qE, fH = qH, fL = qL;
  qadd(0, -1, wH, wL, 0, -1, cH, 0);
  qnear64();
  qdiv(fS, fE, fH, fL, 0, qE, qH, 0);
  qnear64();
  // t = RN64(TZ67(2 s C66) + 2 s^3 R(s^2) log2 e), R the host's polynomial for (atanh(s) - s) / s^3
  // (session 28; sessions 22-27 had the exact tail, no rounding of the sum, and 256 measured offsets)
  if (qH != 0) {
    const sS = qS, sE = qE, sH = qH;
    atanhTail(ATANH_T_INTEL, 2, sS, sE, sH, 0);
    const bS = qS, bE = qE, bH = qH, bL = qL;
    qmul(sS, sE + 1, sH, 0, 0, 0, C66_HIGH, C66_LOW);
    qL &= TZ67;
    qadd(qS, qE, qH, qL, bS, bE, bH, bL);
    qnear64();
  }
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
