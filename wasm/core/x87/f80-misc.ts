// x87 compare, classify, FXTRACT, FSCALE, FPREM/FPREM1 and the constant loads.
import {
  fpuExc, rSig, rSe, r2Sig, r2Se, nSig, nExp,
  FE_IE, FE_DE, FE_ZE, FE_UE, SW_C0, SW_C1, SW_C2, SW_C3, SIG_J, BIAS,
  CL_ZERO, CL_DENORMAL, CL_NORMAL, CL_INF, CL_QNAN, CL_SNAN,
  classify, normalize, nan1, nan2, setIndefinite, setZero, setInf, denormalStops, roundPack80,
} from "./f80";
import { div128, clz64, wRem } from "./wide";
import { vendor, VENDOR_INTEL } from "../vendor";

/**
 * rSig/rSe = the normalized operand in nSig/nExp unchanged (a pseudo-denormal normalised): FPREM's
 * ST0 by an infinite ST1, FSCALE by 0. A tiny one gets the unmasked-underflow response (exponent
 * biased, UE) on AMD and comes back as it is on Intel (measured; vendor.ts).
 */
function passThrough(sign: u32, cw: u32): void {
  if (vendor == VENDOR_INTEL) {
    roundPack80(sign, nExp, nSig, 0, cw | FE_UE, 0);
    fpuExc &= ~FE_UE;
  } else roundPack80(sign, nExp, nSig, 0, cw, 0);
}

/** Magnitude order of two finite or infinite operands (zero < denormal < normal < inf). */
function magCmp(aSig: u64, aSe: u32, ca: u32, bSig: u64, bSe: u32, cb: u32): i32 {
  if (ca == CL_ZERO || cb == CL_ZERO) return <i32>(cb == CL_ZERO) - <i32>(ca == CL_ZERO);
  normalize(aSig, aSe);
  const ea = nExp, ma = nSig;
  normalize(bSig, bSe);
  if (ea != nExp) return ea > nExp ? 1 : -1;
  return ma == nSig ? 0 : ma > nSig ? 1 : -1;
}

/**
 * FCOM / FUCOM (quiet = true) of a (ST0) with b: C3 C2 C0 = 000 greater, 001
 * less, 100 equal, 111 unordered. FCOM signals IE for any NaN, FUCOM only for
 * SNaNs; unsupported formats are invalid for both. FTST is f80Cmp(a, 0, 0).
 * memDen: b came from a denormal m32fp/m64fp (FCOM m32/m64).
 */
export function f80Cmp(aSig: u64, aSe: u32, bSig: u64, bSe: u32, cw: u32, quiet: bool, memDen: bool = false): void {
  fpuExc = 0;
  const ca = classify(aSig, aSe), cb = classify(bSig, bSe);
  if (ca >= CL_QNAN || cb >= CL_QNAN) {
    if (!quiet || ca >= CL_SNAN || cb >= CL_SNAN) fpuExc = FE_IE;
    fpuExc |= SW_C3 | SW_C2 | SW_C0;
    return;
  }
  // a denormal operand is flagged, but the condition codes are still set
  if (memDen || ca == CL_DENORMAL || cb == CL_DENORMAL) fpuExc = FE_DE;
  const sa = aSe & 0x8000, sb = bSe & 0x8000;
  let r: i32;
  if (ca == CL_ZERO && cb == CL_ZERO) r = 0;
  else if (sa != sb) r = sa != 0 ? -1 : 1;
  else {
    r = magCmp(aSig, aSe, ca, bSig, bSe, cb);
    if (sa != 0) r = -r;
  }
  fpuExc |= r == 0 ? SW_C3 : r < 0 ? SW_C0 : 0;
}

/** FXAM condition codes (C3 C2 C1 C0) for a non-empty register. */
export function f80Xam(sig: u64, se: u32): void {
  const c = classify(sig, se);
  // unsupported 000, NaN 001, normal 010, infinity 011, zero 100, denormal 110
  let cc: u32;
  if (c == CL_ZERO) cc = SW_C3;
  else if (c == CL_DENORMAL) cc = SW_C3 | SW_C2;
  else if (c == CL_NORMAL) cc = SW_C2;
  else if (c == CL_INF) cc = SW_C2 | SW_C0;
  else if (c <= CL_SNAN) cc = SW_C0;
  else cc = 0;
  fpuExc = cc | ((se & 0x8000) != 0 ? SW_C1 : 0);
}

/** r2 = the integer v as an exact 80-bit value. */
function setInt2(v: i32): void {
  if (v == 0) {
    r2Sig = 0;
    r2Se = 0;
    return;
  }
  const sign: u32 = v < 0 ? 0x8000 : 0;
  const m = <u64>(v < 0 ? -v : v);
  const z = clz64(m);
  r2Sig = m << u64(z);
  r2Se = sign | <u32>(BIAS + 63 - z);
}

/** FXTRACT: rSig/rSe = significand (new ST0), r2Sig/r2Se = unbiased exponent (new ST1). */
export function f80Xtract(aSig: u64, aSe: u32, cw: u32): void {
  fpuExc = 0;
  const c = classify(aSig, aSe);
  const sign = aSe & 0x8000;
  if (c >= CL_QNAN) {
    nan1(aSig, aSe, c);
    r2Sig = rSig;
    r2Se = rSe;
    return;
  }
  if (c == CL_ZERO) {
    fpuExc = FE_ZE;
    setZero(sign);
    r2Sig = SIG_J;
    r2Se = 0xFFFF;
    return;
  }
  if (c == CL_INF) {
    setInf(sign);
    r2Sig = SIG_J;
    r2Se = 0x7FFF;
    return;
  }
  if (c == CL_DENORMAL && denormalStops(cw)) return;
  normalize(aSig, aSe);
  rSig = nSig;
  rSe = sign | <u32>BIAS;
  setInt2(nExp - BIAS);
}

/** FSCALE: a (ST0) * 2^trunc(b) (b = ST1), not affected by precision control. */
export function f80Scale(aSig: u64, aSe: u32, bSig: u64, bSe: u32, cw: u32): void {
  fpuExc = 0;
  const ca = classify(aSig, aSe), cb = classify(bSig, bSe);
  const sa = aSe & 0x8000;
  if (ca >= CL_QNAN || cb >= CL_QNAN) {
    nan2(aSig, aSe, bSig, bSe, ca, cb);
    return;
  }
  if (cb == CL_INF) {
    const up = (bSe & 0x8000) == 0;
    if ((up && ca == CL_ZERO) || (!up && ca == CL_INF)) {
      setIndefinite();
      return;
    }
    if (ca == CL_DENORMAL && denormalStops(cw)) return;
    if (up) setInf(sa);
    else setZero(sa);
    return;
  }
  if ((ca == CL_DENORMAL || cb == CL_DENORMAL) && denormalStops(cw)) return;
  if (ca == CL_ZERO || ca == CL_INF) {
    rSig = aSig;
    rSe = aSe;
    return;
  }
  let n: i32 = 0;
  if (cb == CL_NORMAL) {
    const e = <i32>(bSe & 0x7FFF) - BIAS;
    if (e > 20) n = 1 << 21; // beyond any reachable exponent, and no i32 overflow
    else if (e >= 0) n = <i32>(bSig >> u64(63 - e));
    if ((bSe & 0x8000) != 0) n = -n;
  }
  normalize(aSig, aSe);
  if (cb == CL_ZERO) {
    // scaling by 2^0 (measured, vendor.ts)
    passThrough(sa, cw);
    return;
  }
  roundPack80(sa, nExp + n, nSig, 0, cw, 0);
}

/**
 * FPREM (nearest = false) and FPREM1 (nearest = true): partial remainder of
 * a (ST0) by b (ST1). When the exponent difference d is below 64 the
 * remainder is complete: C2 = 0 and C0, C3, C1 = quotient bits 2, 1, 0.
 * Otherwise the CPU reduces by a chopped quotient scaled so that the exponent
 * drops by N = 32 + (d mod 32) (observed; the SDM only bounds N to 32..63)
 * and sets C2 = 1. The remainder is exact.
 */
export function f80Prem(aSig: u64, aSe: u32, bSig: u64, bSe: u32, cw: u32, nearest: bool): void {
  fpuExc = 0;
  const ca = classify(aSig, aSe), cb = classify(bSig, bSe);
  let sign = aSe & 0x8000;
  if (ca >= CL_QNAN || cb >= CL_QNAN) {
    nan2(aSig, aSe, bSig, bSe, ca, cb);
    return;
  }
  if (ca == CL_INF || cb == CL_ZERO) {
    setIndefinite();
    return;
  }
  if ((ca == CL_DENORMAL || cb == CL_DENORMAL) && denormalStops(cw)) return;
  if (ca == CL_ZERO) {
    rSig = aSig;
    rSe = aSe;
    return;
  }
  normalize(aSig, aSe);
  if (cb == CL_INF) {
    passThrough(sign, cw);
    return;
  }
  normalize(bSig, bSe);
  const mb = nSig, eb = nExp;
  normalize(aSig, aSe);
  const ma = nSig, ea = nExp;
  const d = ea - eb;
  if (d < 0) {
    if (!nearest || d < -1 || ma <= mb) {
      roundPack80(sign, ea, ma, 0, cw, 0);
      return;
    }
    // |a| in (|b|/2, |b|): quotient 1, remainder |b| - |a| with the sign flipped
    const r = mb - (ma - mb); // (2mb - ma) at exponent eb - 1
    const z = clz64(r);
    roundPack80(sign ^ 0x8000, eb - 1 - z, r << u64(z), 0, cw, 0);
    fpuExc |= SW_C1;
    return;
  }
  let sh = d, re = eb;
  if (d >= 64) {
    sh = 32 + (d & 31);
    re = ea - sh;
  }
  const q = div128(sh == 0 ? 0 : ma >> u64(64 - sh), ma << u64(sh), mb);
  let r = wRem;
  let qq = q;
  if (nearest && d < 64) {
    const rest = mb - r;
    if (r > rest || (r == rest && (q & 1) != 0)) {
      r = rest;
      qq++;
      sign ^= 0x8000;
    }
  }
  if (r == 0) setZero(sign);
  else {
    const z = clz64(r);
    roundPack80(sign, re - z, r << u64(z), 0, cw, 0);
  }
  if (d >= 64) fpuExc |= SW_C2;
  else fpuExc |= ((<u32>qq & 4) << 6) | ((<u32>qq & 2) << 13) | ((<u32>qq & 1) << 9);
}

// Constants to 128 bits: significand high word, low word, sign/exponent.
// pi, log2(10), log2(e), log10(2), ln(2) (computed offline to 300 bits).
const K_HI = memory.data<u64>([0x8000000000000000, 0xD49A784BCD1B8AFE, 0xB8AA3B295C17F0BB,
  0xC90FDAA22168C234, 0x9A209A84FBCFF798, 0xB17217F7D1CF79AB, 0]);
const K_LO = memory.data<u64>([0, 0x492BF6FF4DAFDB4C, 0xBE87FED0691D3E88,
  0xC4C6628B80DC1CD1, 0x8F8959AC0B7C9178, 0xC9E3B39803F2F6AF, 0]);
const K_SE = memory.data<u16>([0x3FFF, 0x4000, 0x3FFF, 0x4000, 0x3FFD, 0x3FFE, 0]);

/**
 * FLD1, FLDL2T, FLDL2E, FLDPI, FLDLG2, FLDLN2, FLDZ for k = 0..6: the exact
 * constant rounded to 64 bits under RC; no exception flags, C1 = 0.
 */
export function f80Const(k: u32, cw: u32): void {
  const hi = load<u64>(K_HI + (k << 3)), lo = load<u64>(K_LO + (k << 3));
  const rc = (cw >> 10) & 3;
  fpuExc = 0;
  rSig = hi + u64(rc == 2 ? lo != 0 : rc == 0 ? lo >= SIG_J : false);
  rSe = load<u16>(K_SE + (k << 1));
}
