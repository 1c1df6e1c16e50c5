// The base-2 logarithm of FYL2X and FYL2XP1 as the host CPU (AMD EPYC)
// computes it (scripts/x87-trans, docs/RESULTS.md "session 12"). Every
// intermediate value is rounded to nearest-even at 68 bits (RN68), which was
// read back from the host: FYL2X leaves RN68(log2 x) * y rounded once under
// RC, so a few values of y recover all 68 bits of the CPU's logarithm.
//
//   x = 2^e m, m in [1/sqrt2, sqrt2)     (FYL2XP1, small x: m = 1 + x)
//   s = RN68((m - 1) / (m + 1))           (FYL2XP1: RN68(x / RN68(2 + x)))
//   p = RN68(s * RN68(2 log2e)),  M = p   (e != 0: M = RN68(e + p))
//   z = RN68(s * s),  W = RN68(p * z)
//   N = RN68 Horner of n0..n3 in z,  D = RN68 Horner of d0..d4 in z
//   T = RN68(RN68(W * N) / D)             (N/D ~ (atanh s - s) / (s^3 2 log2e))
//   log2 x = RN68(M + T)
//
// So the tail reuses p: log2 = p (1 + z N/D) + e. The Horner steps round the
// product z * acc and then the sum, both RN68 ties-to-even (FPATAN's order and
// rules; FPTAN's ones'-complement rules, fused steps, truncated or wider
// products, other tie rules and the orders RN(W RN(N/D)), RN(RN(W/D) N) all
// fit worse). The coefficients are the CPU's own 68-bit values as read back in
// session 12 (scripts/x87-trans/loglat.py):
// - Sessions 9-11 fitted R = N/D exactly; 1 in 60,000 random results still
//   differed. In windows of consecutive operands, the last roundings of N and
//   D showed as sawtooth phases (logwin.py); 53 windows' phases, with N/D
//   within 2^-67 of the fitted minimax, pinned n1..n3, d1..d4 by a lattice
//   (closest vector, fpylll); phases of held-out windows were predicted to
//   +-0.03 of a unit, and d4 came out 2^-5 within what the phases resolve.
// - N's and D's common level (n0 and d0 by +8 and +6 units) moves no phase;
//   the rounding of W N, the only step that sees it, gave it (loglat.py
//   level). Coordinate steps of n3, d3 and d4 below what the phases resolve
//   followed (loglat.py descend: d4 = 2^-5 (1 - 3 2^-56)).
// - Decisive rows (the exact-R model within 2 units of T's last place of a
//   rounding tie of log2; logwin.py make): 55 of 153,428 missed in the 53
//   windows (R exact: 17,993); held out: 9 fresh windows 23 of 39,127 (4,591),
//   session 11's random sets h1, h2, n1, n2, t3, t4 13 of 71,236 (6,729).
//   measure.ts OPS=30,31 20000, seeds 41-55: 0 of 600,000 results differ
//   (seeds 41-49: 6 before).
import { qS, qE, qH, qL, qload, qfromU128, qmul, qadd, qdiv, qnear68, qhorner68 } from "./f128";
import { T_CONST } from "./f80-tables";

const K_LOG2E: u32 = 1;
const SIG_ONE: u64 = 0x8000000000000000;

// n0..n3, d0..d4: the CPU's rational N(z) / D(z) (see above; loglat.py 'table')
const T_LOGND = memory.data<u64>([
  0xC26E816F1BA9169F, 0xC000000000000000, 0xFFFFFFFE, // n0 = 0xC26E816F1BA9169FC * 2^-69
  0x954E207FD49A50EC, 0x0000000000000000, 0x1FFFFFFFF, // n1 = -0x954E207FD49A50EC0 * 2^-68
  0x801D4F197E47378B, 0x8000000000000000, 0xFFFFFFFE, // n2 = 0x801D4F197E47378B8 * 2^-69
  0xD515D5CADD2BE9CF, 0x0000000000000000, 0x1FFFFFFFA, // n3 = -0xD515D5CADD2BE9CF0 * 2^-73
  0x91D2E11354BED126, 0xE000000000000000, 0x0, // d0 = 0x91D2E11354BED126E * 2^-67
  0x9BB9DBE5AC139010, 0x4000000000000000, 0x100000001, // d1 = -0x9BB9DBE5AC1390104 * 2^-66
  0xDC76107462B92F7D, 0x1000000000000000, 0x0, // d2 = 0xDC76107462B92F7D1 * 2^-67
  0xE5930247822CDFB5, 0x1000000000000000, 0x1FFFFFFFE, // d3 = -0xE5930247822CDFB51 * 2^-69
  0xFFFFFFFFFFFFD000, 0x0000000000000000, 0xFFFFFFFA, // d4 = 0xFFFFFFFFFFFFD0000 * 2^-73
]);

/** q = log2 x = e + log2((1 + s) / (1 - s)) for the reduced s in q (already RN68). */
function log2Reduced(e: i32): void {
  const sS = qS, sE = qE, sH = qH, sL = qL;
  const eS: u32 = e < 0 ? 1 : 0;
  const eM = <u64>(e < 0 ? -e : e);
  if (sH == 0) {
    qfromU128(eS, 0, eM, 0);
    return;
  }
  // p = RN68(s RN68(2 log2e)); M = p, or RN68(e + p)
  qload(T_CONST, K_LOG2E);
  qnear68();
  qmul(qS, qE + 1, qH, qL, sS, sE, sH, sL);
  qnear68();
  const pS = qS, pE = qE, pH = qH, pL = qL;
  if (e != 0) {
    qfromU128(eS, 0, eM, 0);
    qadd(qS, qE, qH, qL, pS, pE, pH, pL);
    qnear68();
  }
  const mS = qS, mE = qE, mH = qH, mL = qL;
  // T = RN68(RN68(W N) / D), W = RN68(p z), z = RN68(s^2)
  qmul(sS, sE, sH, sL, sS, sE, sH, sL);
  qnear68();
  const zE = qE, zH = qH, zL = qL;
  qmul(pS, pE, pH, pL, 0, zE, zH, zL);
  qnear68();
  const wS = qS, wE = qE, wH = qH, wL = qL;
  qhorner68(T_LOGND, 4, 4, zE, zH, zL, false);
  const dS = qS, dE = qE, dH = qH, dL = qL;
  qhorner68(T_LOGND, 0, 3, zE, zH, zL, false);
  qmul(qS, qE, qH, qL, wS, wE, wH, wL);
  qnear68();
  qdiv(qS, qE, qH, qL, dS, dE, dH, dL);
  qnear68();
  qadd(mS, mE, mH, mL, qS, qE, qH, qL);
  qnear68();
}

/**
 * For a positive w = (wH:wL / 2^127) * 2^wE = 2^e m, m in [1/sqrt2, sqrt2): q = s = (m - 1) / (m + 1)
 * (unrounded; zero for m = 1), and returns e. Shared with the Intel flavour (f80-log-intel.ts).
 */
export function logReduce(wE: i32, wH: u64, wL: u64): i32 {
  let e = wE, mE: i32 = 0;
  if (wH > 0xB504F333F9DE6484) {
    mE = -1;
    e++;
  }
  qadd(0, mE, wH, wL, 0, 0, SIG_ONE, 0);
  const pE = qE, pH = qH, pL = qL;
  qadd(0, mE, wH, wL, 1, 0, SIG_ONE, 0);
  qdiv(qS, qE, qH, qL, 0, pE, pH, pL);
  return e;
}

/** q = log2 w (RN68) for a positive w = (wH:wL / 2^127) * 2^wE. */
export function log2Host(wE: i32, wH: u64, wL: u64): void {
  const e = logReduce(wE, wH, wL);
  qnear68();
  log2Reduced(e);
}

/** q = log2(1 + x) (RN68) for FYL2XP1's x = (xS, xE, xH, xL), x > -1. */
export function log2p1Host(xS: u32, xE: i32, xH: u64, xL: u64): void {
  if (xE >= -2) {
    // |x| >= 1/4 (outside the documented domain): through 1 + x
    qadd(0, 0, SIG_ONE, 0, xS, xE, xH, xL);
    log2Host(qE, qH, qL);
    return;
  }
  qadd(0, 1, SIG_ONE, 0, xS, xE, xH, xL);
  qnear68();
  qdiv(xS, xE, xH, xL, qS, qE, qH, qL);
  qnear68();
  log2Reduced(0);
}
