// FPTAN's tangent as the host CPU (AMD EPYC) computes it for a reduced
// argument 2^-34 <= |r| <= pi/4 (below, f80-trans.ts's RN68(r C) / C is the
// same model with z negligible), bit for bit in 99.3-100% of cases
// (scripts/x87-trans/tanfit.py, docs/RESULTS.md). RN68 = rounded to nearest
// at 68 bits; every intermediate value of the microcode is RN68.
//
//   z = RN68(r^2)
//   Pv = RN68(p0 (+) RN68(z * RN68(p1 (+) RN68(z * ... p4))))   (Horner in z)
//   Qv = the same with q0..q4
//   tan r = RC(RN68(r * Pv) / Qv); odd quadrant: -cot r = RC(-Qv / RN68(r * Pv))
//
// c (+) m is c + m, except when the signs differ (every Horner step here: the
// coefficients alternate in sign), where it is c + m - sign(c) ulp68(m): the
// adder subtracts in ones' complement without the +1, one unit of the smaller
// operand's last place too much. Without it, 0.2-0.3% of results at |r| > 0.1
// went the wrong way, nearly all where Pv's or Qv's last sum sat on or just
// above an RN68 tie.
//
// A rational [4/4] approximation tan r = r P(z)/Q(z), P(0) = Q(0) = C =
// 1.4527... (the tiny-r constant read back before): the relative
// minimax approximation of tan on |r| <= R with p0 and q0 free, scaled so that
// q4 = 2^-19 exactly, gives q0 = C to 2e-9 at R = pi/4; with R = pi/4 (1 +
// 7.4e-9) and the weight (tan r / r)^-6.8e-5 (two parameters solved so that q0
// and q1 are the read-back ones) it gives p1..q4 within ~1e-14 of what the
// host data say. From that start the coefficients were fitted to host results
// (RD/RU results of operands whose tangent lies within 0.06 ulp of the 64-bit
// grid reveal which way the 68-bit roundings of Pv and Qv went): linear
// programming (tanfit.py's 'fit') up to |r| = 0.48, then, with the (+) in the
// model, coordinate descent on the 68-bit coefficients minimising the number
// of such operands whose RD or RU differs from the host's (tanfit.py's
// 'descend', 77k operands up to pi/4, moving single coefficients, Chebyshev-
// shaped corrections z T_j(2z/zmax - 1) of P or Q, and p_k, q_k together):
// one table for all |r| (session 7 had a second, LP-fitted one above 15/32).
// p0, q0 and q1 are the CPU's; the rest are effective values (q4 = 2^-19
// (1 + 6e-16); descended with q4 = 2^-19 exactly fits as well). Of those hard
// operands the table gets 1.4% wrong on a fresh set (session 7's two tables:
// 2.3%): 0.05% below |r| = 0.1, 0.3% to 1/4, 0.9-1.6% to 0.55, 1.5-3.7%
// above; of random operands 99.89% of FPTAN results are bit-exact (measure.ts
// seeds 13, 21), against 95-96% for one correct rounding.
import { qS, qE, qH, qL, qload, qfromU128, qmul, qadd, qdiv, qpoly, qnear68, qhorner68 } from "./f128";
import { T_INVFACT, N_COS } from "./f80-tables";

// p0..p4, q0..q4 (68-bit values; high, low, sign << 32 | exponent), for every |r| <= pi/4
const T_TAN = memory.data<u64>([
  0xB9F25A5EEF7C79A2, 0xC000000000000000, 0x0, // p0 = 0xB9F25A5EEF7C79A2C * 2^-67
  0xCC3A370AA4A78926, 0xD000000000000000, 0x1FFFFFFFD, // p1 = -0xCC3A370AA4A78926D * 2^-70
  0xBAE23C0C0DF90B2D, 0x6000000000000000, 0xFFFFFFF8, // p2 = 0xBAE23C0C0DF90B2D6 * 2^-75
  0xAFA1F16E6FB4D623, 0x9000000000000000, 0x1FFFFFFF1, // p3 = -0xAFA1F16E6FB4D6239 * 2^-82
  0xB6A503B0565FDC2B, 0xC000000000000000, 0xFFFFFFE7, // p4 = 0xB6A503B0565FDC2BC * 2^-92
  0xB9F25A5EEF7C79A2, 0xC000000000000000, 0x0, // q0 = 0xB9F25A5EEF7C79A2C * 2^-67
  0xAF0574AC9E2788B6, 0x3000000000000000, 0x1FFFFFFFF, // q1 = -0xAF0574AC9E2788B63 * 2^-68
  0xA36F5651E07EE266, 0xE000000000000000, 0xFFFFFFFB, // q2 = 0xA36F5651E07EE266E * 2^-72
  0x9978EFFE48A95AC7, 0x4000000000000000, 0x1FFFFFFF5, // q3 = -0x9978EFFE48A95AC74 * 2^-78
  0x8000000000001558, 0x6000000000000000, 0xFFFFFFED, // q4 = 0x80000000000015586 * 2^-86
]);

/**
 * q = tan r (odd = false) or -cot r (odd = true), before the final rounding,
 * for a non-zero reduced argument |r| <= pi/4.
 */
export function tanHost(rS: u32, rE: i32, rH: u64, rL: u64, odd: bool): void {
  const tab = T_TAN;
  qmul(rS, rE, rH, rL, rS, rE, rH, rL);
  qnear68();
  const zE = qE, zH = qH, zL = qL;
  qhorner68(tab, 0, 4, zE, zH, zL, true);
  qmul(rS, rE, rH, rL, qS, qE, qH, qL);
  qnear68();
  const nS = qS, nE = qE, nH = qH, nL = qL;
  qhorner68(tab, 5, 4, zE, zH, zL, true);
  if (odd) qdiv(qS ^ 1, qE, qH, qL, nS, nE, nH, nL);
  else qdiv(nS, nE, nH, nL, qS, qE, qH, qL);
}

// ---------------------------------------------------------------------------
// The sine kernel (FSIN, FCOS, FSINCOS wherever they need sin r).
//
// The host's sin r for 2^-6 <= |r| <= pi/4 is the exact sine times 1 + D(z),
// z = r^2, with D a smooth function of a few units of 2^-70 (largest term
// -2.2 T_8 in the Chebyshev basis of z over [2^-12, 0.7854^2]: the error
// curve of the CPU's own polynomial, like the logarithm's in f80-log.ts),
// then rounded once under RC. Read back like FPTAN: operands whose exact sine
// lies within 0.06 ulp of a 64-bit grid point or midpoint, the host's RN, RD
// and RU results giving the side its internal value lies on; D fitted by
// linear programming (14 Chebyshev terms, 9267 constraints, 0.7% of fresh
// ones violated). Fresh operands: 99.9-100% bit-exact against 98.3-98.6% for
// one correct rounding. Below 2^-6 the host's sine is correctly rounded in
// all of 6000 cases and D is not applied; the cosine kernel gains nothing
// from the same fit (99.4% either way) and stays correctly rounded.

// D(z) = sum c_k T_k(t), t = 2 (z - Z_MIN) / (Z_MAX - Z_MIN) - 1, units of 2^-70 (relative)
const SIN_DEV = memory.data<f64>([
  0.07497983815625081, -0.3581097733497011, 0.25667973662206783, -0.2877618062786071,
  0.2710150752128272, -0.39178265865577233, 0.2704917276426953, -0.3407956734522013,
  -2.2193858094914947, -0.04362387549633913, 0.00761466731238316, 0.009324754926411515,
  -0.0011992820579144314, 0.012340559292004526,
]);
const N_SIN_DEV: i32 = 14;
const Z_MIN: f64 = 0.015625 * 0.015625;
const Z_MAX: f64 = 0.7854 * 0.7854;

/** q = q (1 + D(r^2)) for the sine q of the reduced argument r (exponent rE, top bits rH). */
export function sinHostAdjust(rE: i32, rH: u64): void {
  if (rE < -6 || qH == 0) return;
  const r = reinterpret<f64>((<u64>(rE + 1023) << 52) | ((rH >> 11) & 0xFFFFFFFFFFFFF));
  let t = 2 * (r * r - Z_MIN) / (Z_MAX - Z_MIN) - 1;
  if (t > 1) t = 1;
  // Clenshaw
  let b1: f64 = 0, b2: f64 = 0;
  for (let k = N_SIN_DEV - 1; k >= 1; k--) {
    const b0 = load<f64>(SIN_DEV + <usize>k * 8) + 2 * t * b1 - b2;
    b2 = b1;
    b1 = b0;
  }
  const d = load<f64>(SIN_DEV) + t * b1 - b2;
  const p = <i64>(d * 1125899906842624.0); // D * 2^50: units of 2^-120
  if (p == 0) return;
  const sS = qS, sE = qE, sH = qH, sL = qL;
  qfromU128(p < 0 ? 1 : 0, 0, <u64>(p < 0 ? -p : p), -120);
  qmul(qS, qE, qH, qL, sS, sE, sH, sL);
  qadd(sS, sE, sH, sL, qS, qE, qH, qL);
}

// ---------------------------------------------------------------------------
// The cosine kernel (FCOS, FSIN, FSINCOS wherever they need cos r).
//
//   cos r = RC(1 - RN68(RN68(r^2) * RN68((1 - cos r) / r^2)))
//
// with (1 - cos r) / r^2 itself exact before its rounding (no deviation
// measurable). Found by trying forms of the last steps against host results
// (scripts/x87-trans/sinfit.py cos): fresh operands 99.9-100% for |r| <= pi/4
// against 98.9-99.9% for one correct rounding (the host's misses are the
// 68-bit roundings of the product and of its factors).

/** q = cos r for a reduced |r| <= pi/4 (before the final rounding). */
export function cosHost(rS: u32, rE: i32, rH: u64, rL: u64): void {
  if (rH == 0) {
    qfromU128(0, 0, 1, 0);
    return;
  }
  qmul(rS, rE, rH, rL, rS, rE, rH, rL);
  const wE = qE, wH = qH, wL = qL;
  // c = RN68(1/2! - w/4! + w^2/6! - ...) = RN68((1 - cos r) / r^2), w = r^2 exact
  const n = load<u8>(N_COS + <usize>(wE < -63 ? 63 : wE > 0 ? 0 : -wE));
  qpoly(T_INVFACT, 2, 2, n > 1 ? n - 1 : 1, true, 0, wE, wH, wL);
  qnear68();
  const cE = qE, cH = qH, cL = qL;
  // z = RN68(r^2), p = RN68(z c)
  qadd(0, wE, wH, wL, 0, 0, 0, 0);
  qnear68();
  qmul(0, qE, qH, qL, 0, cE, cH, cL);
  qnear68();
  qadd(0, 0, 0x8000000000000000, 0, 1, qE, qH, qL);
}
