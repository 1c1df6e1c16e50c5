// The base-2 logarithm of FYL2X and FYL2XP1 as the host CPU (AMD EPYC)
// computes it, bit for bit in all but a few hundredths of a percent of cases
// (scripts/x87-trans, docs/RESULTS.md). Every intermediate value is rounded to
// nearest at 68 bits (RN68), which was read back from the host: FYL2X leaves
// RN68(log2 x) * y rounded once under RC, so a few values of y recover all 68
// bits of the CPU's logarithm.
//
//   x = 2^e m, m in [1/sqrt2, sqrt2)     (FYL2XP1, small x: m = 1 + x)
//   s = RN68((m - 1) / (m + 1))           (FYL2XP1: RN68(x / RN68(2 + x)))
//   M = RN68(e + RN68(s * RN68(2 log2e))) (no outer rounding for e = 0)
//   T = RN68(log2e (ln((1+s)/(1-s)) - 2s) + D(s))
//   log2 x = RN68(M + T)
//
// D is how far the CPU's own polynomial for the odd tail lies from the true
// function: about +-0.05 units of 2^-67, equi-oscillating in s like the error
// of a minimax polynomial. It is modelled by an odd polynomial (10 terms)
// fitted by linear programming to logarithms read back from the host: first
// (widest margin, 3776 samples) 99.6% of fresh 68-bit logarithms, 87% without
// D; refitted in session 8 (scripts/x87-trans/logfit.py: the summed violations
// minimised over 15441 samples whose M + T lies within 0.1 of L68's last place
// of a rounding tie, where the old D violated 1.5%; fresh samples of that kind:
// 72 of 4973 violated before, 17 after, nearly all of them now at |s| > 0.1,
// where the CPU's own rounding of T is ~0.04 of a last place of the result).
// measure.ts seeds 13/21: FYL2XP1 99.97/99.95% -> 100/99.99%, FYL2X 100%.
import { qS, qE, qH, qL, qload, qfromU128, qmul, qadd, qdiv, qpoly, qnear68 } from "./f128";
import { T_INVODD, T_CONST } from "./f80-tables";

const K_LOG2E: u32 = 1;
const SIG_ONE: u64 = 0x8000000000000000;

// D(s) = sum c_k t^(2k+3) units of 2^-67, t = s / S_MAX, k = 0..9
const DEV = memory.data<f64>([
  -3.227645419506154, 48.15944187434183, -250.84533573081669, 676.814418043522,
  -1212.262783262584, 1761.221054154916, -2124.434469150963, 1820.6374625361295,
  -912.2027710740567, 196.17342065202706,
]);
const N_DEV: i32 = 10;
const S_MAX: f64 = 0.1716;

/** D(s) in units of 2^-127 (an integer), for |s| <= 0.18. */
function deviation(sS: u32, sE: i32, sH: u64): i64 {
  if (sE < -40) return 0; // below 2^-120 of the result
  const bits = (u64(sS) << 63) | (<u64>(sE + 1023) << 52) | ((sH >> 11) & 0xFFFFFFFFFFFFF);
  const t = reinterpret<f64>(bits) / S_MAX;
  const t2 = t * t;
  let p = load<f64>(DEV + <usize>(N_DEV - 1) * 8);
  for (let k = N_DEV - 2; k >= 0; k--) p = p * t2 + load<f64>(DEV + <usize>k * 8);
  return <i64>(p * t2 * t * 1152921504606846976.0); // * 2^60
}

/** q = log2 x = e + log2((1 + s) / (1 - s)) for the reduced s in q (already RN68). */
function log2Reduced(e: i32): void {
  const sS = qS, sE = qE, sH = qH, sL = qL;
  const eS: u32 = e < 0 ? 1 : 0;
  const eM = <u64>(e < 0 ? -e : e);
  if (sH == 0) {
    qfromU128(eS, 0, eM, 0);
    return;
  }
  qload(T_CONST, K_LOG2E);
  qnear68();
  qmul(qS, qE + 1, qH, qL, sS, sE, sH, sL);
  qnear68();
  if (e != 0) {
    const pS = qS, pE = qE, pH = qH, pL = qL;
    qfromU128(eS, 0, eM, 0);
    qadd(qS, qE, qH, qL, pS, pE, pH, pL);
    qnear68();
  }
  const mS = qS, mE = qE, mH = qH, mL = qL;
  // T: 2 s z (1/3 + z/5 + z^2/7 + ...) log2e with z = s^2, terms to 2^-80 of the first
  qmul(sS, sE, sH, sL, sS, sE, sH, sL);
  const zE = qE, zH = qH, zL = qL;
  const n = min<u32>(<u32>(80 / -zE) + 2, 18);
  qpoly(T_INVODD, 1, 1, n, false, 0, zE, zH, zL);
  qmul(qS, qE, qH, qL, 0, zE, zH, zL);
  qmul(qS, qE, qH, qL, sS, sE + 1, sH, sL);
  const tS = qS, tE = qE, tH = qH, tL = qL;
  qload(T_CONST, K_LOG2E);
  qmul(qS, qE, qH, qL, tS, tE, tH, tL);
  const d = deviation(sS, sE, sH);
  if (d != 0) {
    const pS = qS, pE = qE, pH = qH, pL = qL;
    qfromU128(d < 0 ? 1 : 0, 0, <u64>(d < 0 ? -d : d), -127);
    qadd(qS, qE, qH, qL, pS, pE, pH, pL);
  }
  qnear68();
  qadd(mS, mE, mH, mL, qS, qE, qH, qL);
  qnear68();
}

/** q = log2 w (RN68) for a positive w = (wH:wL / 2^127) * 2^wE. */
export function log2Host(wE: i32, wH: u64, wL: u64): void {
  // m = w / 2^e in [1/sqrt2, sqrt2)
  let e = wE, mE: i32 = 0;
  if (wH > 0xB504F333F9DE6484) {
    mE = -1;
    e++;
  }
  qadd(0, mE, wH, wL, 0, 0, SIG_ONE, 0);
  const pE = qE, pH = qH, pL = qL;
  qadd(0, mE, wH, wL, 1, 0, SIG_ONE, 0);
  qdiv(qS, qE, qH, qL, 0, pE, pH, pL);
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
