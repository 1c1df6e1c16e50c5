// Conversions between the 80-bit format and f32, f64, signed integers and
// 18-digit packed BCD (FLD/FST/FIST/FISTTP/FILD/FBLD/FBSTP).
import {
  fpuExc, rSig, rSe, rInt, nSig, nExp, rpSig, rpExp,
  FE_IE, FE_DE, FE_OE, FE_UE, SIG_J, BIAS,
  CL_ZERO, CL_NORMAL, CL_INF, CL_QNAN, CL_SNAN, CL_UNSUPPORTED,
  classify, normalize, setZero, setInf, roundPack, roundToInt,
} from "./f80";
import { clz64 } from "./wide";

const QUIET: u64 = 0x4000000000000000;

/** Loads a binary32/binary64 field layout (exponent width ew, fraction width fw) into rSig/rSe. */
@inline function fromBinary(bits: u64, ew: u32, fw: u32, cw: u32): void {
  fpuExc = 0;
  const emax = (u64(1) << ew) - 1;
  const sign = <u32>(bits >> u64(ew + fw - 15)) & 0x8000;
  const e = (bits >> u64(fw)) & emax;
  const f = bits & ((u64(1) << fw) - 1);
  const m = f << u64(63 - fw);
  const bias = <i32>(emax >> 1);
  if (e == emax) {
    if (f == 0) {
      setInf(sign);
      return;
    }
    if ((m & QUIET) == 0) fpuExc = FE_IE;
    rSig = SIG_J | QUIET | m;
    rSe = sign | 0x7FFF;
    return;
  }
  if (e == 0) {
    if (f == 0) {
      setZero(sign);
      return;
    }
    // #D is flagged but the value is still loaded (the fault comes later, at #MF)
    fpuExc = FE_DE;
    const z = clz64(m);
    rSig = m << u64(z);
    rSe = sign | <u32>(BIAS + 1 - bias - z);
    return;
  }
  rSig = SIG_J | m;
  rSe = sign | <u32>(<i32>e - bias + BIAS);
}

/** FLD m32fp: exact; SNaN → IE and quieted, denormal → DE. */
export function f80FromF32(bits: u32, cw: u32): void {
  fromBinary(bits, 8, 23, cw);
}

/** FLD m64fp. */
export function f80FromF64(bits: u64, cw: u32): void {
  fromBinary(bits, 11, 52, cw);
}

/**
 * Source operand of FADD/FSUB(R)/FMUL/FDIV(R)/FCOM m32fp/m64fp: widened to
 * 80 bits exactly with no exception; an SNaN stays signalling, so the
 * arithmetic applies the two-operand NaN rules (a QNaN in ST0 beats it).
 * Returns true for a denormal source: pass it on as memDen.
 */
@inline function operandBinary(bits: u64, ew: u32, fw: u32): bool {
  const emax = (u64(1) << ew) - 1;
  const sign = <u32>(bits >> u64(ew + fw - 15)) & 0x8000;
  const e = (bits >> u64(fw)) & emax;
  const m = (bits & ((u64(1) << fw) - 1)) << u64(63 - fw);
  const bias = <i32>(emax >> 1);
  if (e == emax) {
    rSig = SIG_J | m;
    rSe = sign | 0x7FFF;
    return false;
  }
  if (e == 0) {
    if (m == 0) {
      setZero(sign);
      return false;
    }
    const z = clz64(m);
    rSig = m << u64(z);
    rSe = sign | <u32>(BIAS + 1 - bias - z);
    return true;
  }
  rSig = SIG_J | m;
  rSe = sign | <u32>(<i32>e - bias + BIAS);
  return false;
}

/** m32fp source operand of an arithmetic instruction (see operandBinary). */
export function f80LoadF32Operand(bits: u32): bool {
  return operandBinary(bits, 8, 23);
}

/** m64fp source operand of an arithmetic instruction. */
export function f80LoadF64Operand(bits: u64): bool {
  return operandBinary(bits, 11, 52);
}

/** Rounds an 80-bit value into a binary32/64 layout; result in rInt. */
@inline function toBinary(sig: u64, se: u32, cw: u32, ew: u32, fw: u32): void {
  fpuExc = 0;
  const emax = (u64(1) << ew) - 1;
  const c = classify(sig, se);
  const sign = u64(se >> 15) << u64(ew + fw);
  const infBits = sign | (emax << u64(fw));
  if (c != CL_NORMAL) {
    if (c == CL_UNSUPPORTED) {
      fpuExc = FE_IE;
      rInt = (u64(1) << u64(ew + fw)) | infBits | (u64(1) << u64(fw - 1));
      return;
    }
    if (c >= CL_QNAN) {
      if (c == CL_SNAN) fpuExc = FE_IE;
      rInt = infBits | (u64(1) << u64(fw - 1)) | ((sig << 1) >> u64(64 - fw));
      return;
    }
    if (c == CL_INF) {
      rInt = infBits;
      return;
    }
    if (c == CL_ZERO) {
      rInt = sign;
      return;
    }
    // a denormal source is not flagged (it underflows instead)
  }
  normalize(sig, se);
  const bias = <i32>(emax >> 1);
  roundPack(<u32>(se & 0x8000), nExp - BIAS + bias, nSig, 0, cw, 63 - fw, <i32>emax);
  rInt = sign | ((u64(rpExp) & emax) << u64(fw)) | ((rpSig << 1) >> u64(64 - fw));
  // unmasked overflow/underflow on a memory store: nothing is stored, only OE/UE reported
  if ((fpuExc & ~cw & (FE_OE | FE_UE)) != 0) fpuExc &= FE_OE | FE_UE;
}

/** FST m32fp: the 32-bit pattern in rInt. */
export function f80ToF32(sig: u64, se: u32, cw: u32): void {
  toBinary(sig, se, cw, 8, 23);
}

/** FST m64fp: the 64-bit pattern in rInt. */
export function f80ToF64(sig: u64, se: u32, cw: u32): void {
  toBinary(sig, se, cw, 11, 52);
}

/** FILD: the integer v exactly (i16/i32 sign-extended to i64). */
export function f80FromInt(v: i64): void {
  fpuExc = 0;
  if (v == 0) {
    setZero(0);
    return;
  }
  const m = <u64>(v < 0 ? -v : v);
  const z = clz64(m);
  rSig = m << u64(z);
  rSe = (v < 0 ? 0x8000 : 0) | <u32>(BIAS + 63 - z);
}

/**
 * Rounds to an integer magnitude under rc; false (with IE) for NaN, infinity,
 * unsupported or a magnitude above limit. Magnitude in rInt, sign from se.
 */
function toIntMag(sig: u64, se: u32, cw: u32, rc: u32, limit: u64): bool {
  fpuExc = 0;
  const c = classify(sig, se);
  if (c >= CL_INF) {
    fpuExc = FE_IE;
    return false;
  }
  if (c == CL_ZERO) {
    rInt = 0;
    return true;
  }
  // a denormal source raises no #D here: it just rounds to 0 or 1
  normalize(sig, se);
  roundToInt(se & 0x8000, nExp, nSig, rc);
  const k = <i32>(rSe & 0x7FFF) - BIAS;
  const mag: u64 = rSig == 0 ? 0 : k > 63 ? 0xFFFFFFFFFFFFFFFF : rSig >> u64(63 - k);
  if (k > 63 || mag > limit) {
    fpuExc = FE_IE;
    return false;
  }
  rInt = mag;
  return true;
}

/**
 * FIST/FISTP (chop = false: RC) and FISTTP (chop = true) to a signed integer
 * of `bits` bits (16, 32, 64). rInt holds the value sign-extended to 64 bits;
 * on invalid the integer indefinite (0x8000...) of that width.
 */
export function f80ToInt(sig: u64, se: u32, cw: u32, bits: u32, chop: bool): void {
  const neg = (se & 0x8000) != 0;
  const limit = (u64(1) << u64(bits - 1)) - u64(!neg);
  if (toIntMag(sig, se, cw, chop ? 3 : (cw >> 10) & 3, limit)) {
    if (neg) rInt = 0 - rInt;
  } else {
    rInt = <u64>(<i64>SIG_J >> i64(64 - bits));
  }
}

/** FBLD: 18 BCD digits (low 8 bytes in lo, bytes 8..9 in hi; bit 15 of hi = sign). */
export function f80FromBcd(lo: u64, hi: u32): void {
  let m: u64 = <u64>((hi >> 4) & 15) * 10 + <u64>(hi & 15);
  for (let i: i32 = 60; i >= 0; i -= 4) m = m * 10 + ((lo >> u64(i)) & 15);
  const sign = hi & 0x8000;
  fpuExc = 0;
  if (m == 0) {
    setZero(sign);
    return;
  }
  const z = clz64(m);
  rSig = m << u64(z);
  rSe = sign | <u32>(BIAS + 63 - z);
}

/**
 * FBSTP: rounds under RC to 18 packed BCD digits; rSig = bytes 0..7, rSe =
 * bytes 8..9 (sign in bit 15). Invalid gives the BCD indefinite FFFF C000.. .
 */
export function f80ToBcd(sig: u64, se: u32, cw: u32): void {
  if (!toIntMag(sig, se, cw, (cw >> 10) & 3, 999999999999999999)) {
    if ((fpuExc & FE_IE) != 0) {
      rSig = 0xC000000000000000;
      rSe = 0xFFFF;
    }
    return;
  }
  let m = rInt;
  let lo: u64 = 0;
  for (let i: i32 = 0; i < 64; i += 4) {
    lo |= (m % 10) << u64(i);
    m /= 10;
  }
  rSig = lo;
  rSe = (se & 0x8000) | <u32>((m / 10) << 4) | <u32>(m % 10);
}
