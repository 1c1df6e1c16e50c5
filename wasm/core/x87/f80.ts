// x87 80-bit extended-precision arithmetic, bit-exact with the hardware.
//
// A value is a 64-bit significand with an explicit integer bit (u64) and a
// 16-bit sign/exponent word (passed as u32, bias 16383). Operations take the
// x87 control word (RC, PC, exception masks) and answer through globals:
// rSig/rSe = new ST0 (or the replaced register), r2Sig/r2Se = new ST1 when an
// instruction leaves two results, rInt = stored integer/f32/f64 image, and
// fpuExc = IE..PE, C1 (rounded up) and, where defined, C0/C2/C3, all in
// status-word positions. Every operation starts by clearing fpuExc: the
// caller ORs its low six bits into the sticky flags and replaces C0..C3.
//
// Unmasked exceptions: when f80NoResult(cw) the instruction has no result
// (destination and stack unchanged; the caller raises #MF at the next waiting
// instruction). Exceptions to that rule, as the hardware does them: loads
// (f80FromF32/F64) with a denormal source still load; stores to memory
// (f80ToF32/F64/Int/Bcd) store nothing on unmasked IE, OE or UE. Unmasked
// overflow/underflow on a register destination deliver the rounded result
// with the exponent wrapped by -/+ 24576 (infinity or zero when even that
// does not fit).
//
// Entry points (files in this folder):
//   f80.ts       f80Add f80Sub f80Mul f80Div (memDen for m32/m64 sources),
//                f80Sqrt f80Rndint, classify, f80NoResult
//   f80-misc.ts  f80Cmp (FCOM/FUCOM/FTST/FICOM), f80Xam, f80Xtract, f80Scale,
//                f80Prem (FPREM/FPREM1), f80Const (FLD1..FLDZ)
//   f80-conv.ts  f80FromF32/F64, f80ToF32/F64, f80FromInt, f80ToInt (FIST,
//                FISTTP), f80FromBcd/f80ToBcd, f80LoadF32/F64Operand
//   f80-trans.ts f80F2xm1 f80Fyl2x f80Fyl2xp1 f80Ptan f80Patan f80Sin f80Cos
//                f80Sincos
// Register-stack handling (empty/full, TOP, tags) belongs to the caller.
//
// Written from IEEE 754-1985 and the Intel SDM vol. 1 ch. 4 and 8; behaviour
// the SDM leaves open was measured on the host x87 (test/wasm/x87).
import { mul64, div128, shr128Jam, clz64, wHi, wLo, wRem } from "./wide";

// Status-word bits (also the control-word mask bits for the six exceptions).
export const FE_IE: u32 = 0x01;
export const FE_DE: u32 = 0x02;
export const FE_ZE: u32 = 0x04;
export const FE_OE: u32 = 0x08;
export const FE_UE: u32 = 0x10;
export const FE_PE: u32 = 0x20;
export const SW_C0: u32 = 0x100;
export const SW_C1: u32 = 0x200;
export const SW_C2: u32 = 0x400;
export const SW_C3: u32 = 0x4000;

/** Result significand / sign-exponent (ST0 after the instruction). */
export let rSig: u64 = 0;
export let rSe: u32 = 0;
/** Second result: FXTRACT exponent, FSINCOS sine, FPTAN tangent (ST1 after). */
export let r2Sig: u64 = 0;
export let r2Se: u32 = 0;
/** Integer / f32 / f64 result of a store conversion. */
export let rInt: u64 = 0;
/** Exception flags, C1 = rounded up, and condition codes, in status-word positions. */
export let fpuExc: u32 = 0;

/** True when the last operation must not write its destination (unmasked IE/DE/ZE). */
@inline export function f80NoResult(cw: u32): bool {
  return (fpuExc & ~cw & (FE_IE | FE_DE | FE_ZE)) != 0;
}

// Operand classes; the NaN-like classes sort last.
export const CL_ZERO: u32 = 0;
export const CL_DENORMAL: u32 = 1; // includes pseudo-denormals (exponent 0, J = 1)
export const CL_NORMAL: u32 = 2;
export const CL_INF: u32 = 3;
export const CL_QNAN: u32 = 4;
export const CL_SNAN: u32 = 5;
export const CL_UNSUPPORTED: u32 = 6; // unnormals, pseudo-infinities, pseudo-NaNs

export const BIAS: i32 = 16383;
export const SIG_J: u64 = 0x8000000000000000;
const SIG_QUIET: u64 = 0x4000000000000000;
const WRAP: i32 = 24576; // exponent adjust for unmasked overflow/underflow

export function classify(sig: u64, se: u32): u32 {
  const e = se & 0x7FFF;
  if (e == 0) return sig == 0 ? CL_ZERO : CL_DENORMAL;
  if ((sig >> 63) == 0) return CL_UNSUPPORTED;
  if (e != 0x7FFF) return CL_NORMAL;
  if ((sig << 1) == 0) return CL_INF;
  return (sig & SIG_QUIET) != 0 ? CL_QNAN : CL_SNAN;
}

@inline export function isNormal(e: i32, sig: u64): bool {
  return <u32>(e - 1) < 0x7FFE && <i64>sig < 0;
}

/** Significand bits below the precision-control width (PC 00: 24, 10: 53, 11/01: 64). */
@inline export function pcShift(cw: u32): u32 {
  return (0x000B0028 >> (((cw >> 8) & 3) << 3)) & 0xFF;
}

// ---------------------------------------------------------------------------
// Rounding

/** Output of roundPack: significand and exponent biased for the target format. */
export let rpSig: u64 = 0;
export let rpExp: i32 = 0;

/** Whether rounding must add one unit at bit s, given the discarded bits g (left-aligned). */
@inline function roundUp(g: u64, lsb: u64, sign: u32, rc: u32): bool {
  if (rc == 0) return g > SIG_J || (g == SIG_J && lsb != 0);
  if (g == 0 || rc == 3) return false;
  return (rc == 1) == (sign != 0);
}

/** Bits of hi:lo below bit s of hi, left-aligned with the rest jammed into bit 0. */
@inline function discarded(hi: u64, lo: u64, s: u32): u64 {
  return s == 0 ? lo : (hi << u64(64 - s)) | u64(lo != 0);
}

/**
 * Rounds sign * hi:lo * 2^(exp - bias - 127) (hi has bit 63 set) into a format
 * whose exponent field is all ones at emaxAll and whose significand keeps the
 * bits of hi above bit s. Sets rpSig/rpExp and ORs flags into fpuExc.
 * Tininess is detected after rounding, as SDM 4.9.1.5 specifies.
 */
export function roundPack(sign: u32, exp: i32, hi: u64, lo: u64, cw: u32, s: u32, emaxAll: i32): void {
  const rc = (cw >> 10) & 3;
  const unit: u64 = u64(1) << s;
  if (exp >= 1) {
    const g = discarded(hi, lo, s);
    let r = hi & ~(unit - 1);
    let flags: u32 = 0;
    if (g != 0) {
      flags = FE_PE;
      if (roundUp(g, r & unit, sign, rc)) {
        r += unit;
        flags |= SW_C1;
        if (r == 0) {
          r = SIG_J;
          exp++;
        }
      }
    }
    if (exp < emaxAll) {
      rpSig = r;
      rpExp = exp;
      fpuExc |= flags;
      return;
    }
    if ((cw & FE_OE) == 0) {
      if (exp - WRAP < emaxAll) {
        rpSig = r;
        rpExp = exp - WRAP;
        fpuExc |= flags | FE_OE;
      } else {
        // still out of range after the wrap (FSCALE): infinity
        rpSig = SIG_J;
        rpExp = emaxAll;
        fpuExc |= FE_OE | FE_PE | SW_C1;
      }
      return;
    }
    fpuExc |= FE_OE | FE_PE;
    if (rc == 0 || (rc == 1 && sign != 0) || (rc == 2 && sign == 0)) {
      rpSig = SIG_J;
      rpExp = emaxAll;
      fpuExc |= SW_C1;
    } else {
      rpSig = ~(unit - 1);
      rpExp = emaxAll - 1;
    }
    return;
  }
  // Tiny before rounding. After rounding with unbounded exponent it stays tiny
  // unless exp == 0 and the rounding carries into the next binade.
  const g0 = discarded(hi, lo, s);
  const r0 = hi & ~(unit - 1);
  const up0 = g0 != 0 && roundUp(g0, r0 & unit, sign, rc);
  const carries = up0 && r0 + unit == 0;
  const tiny = exp < 0 || !carries;
  if ((cw & FE_UE) == 0 && tiny) {
    let flags: u32 = FE_UE;
    if (g0 != 0) flags |= FE_PE;
    let r = r0;
    if (up0) {
      flags |= SW_C1;
      r += unit;
      if (r == 0) {
        r = SIG_J;
        exp++;
      }
    }
    if (exp + WRAP > 0) {
      rpSig = r;
      rpExp = exp + WRAP;
      fpuExc |= flags;
    } else {
      // still out of range after the wrap (FSCALE): zero
      rpSig = 0;
      rpExp = 0;
      fpuExc |= FE_UE | FE_PE;
    }
    return;
  }
  shr128Jam(hi, lo, 1 - exp);
  const h = wHi, l = wLo;
  const g = discarded(h, l, s);
  let r = h & ~(unit - 1);
  let flags: u32 = 0;
  if (g != 0) {
    flags = FE_PE;
    if (tiny) flags |= FE_UE;
    if (roundUp(g, r & unit, sign, rc)) {
      r += unit;
      flags |= SW_C1;
    }
  }
  rpSig = r;
  rpExp = <i32>(r >> 63);
  fpuExc |= flags;
}

/** Rounds into the 80-bit format with precision shift s and sets rSig/rSe. */
@inline export function roundPack80(sign: u32, exp: i32, hi: u64, lo: u64, cw: u32, s: u32): void {
  if (<u32>(exp - 1) < 0x7FFD) {
    // in range even after a rounding carry: the common case, inline
    const unit: u64 = u64(1) << s;
    const g = discarded(hi, lo, s);
    let r = hi & ~(unit - 1);
    if (g != 0) {
      fpuExc |= FE_PE;
      if (roundUp(g, r & unit, sign, (cw >> 10) & 3)) {
        r += unit;
        fpuExc |= SW_C1;
        if (r == 0) {
          r = SIG_J;
          exp++;
        }
      }
    }
    rSig = r;
    rSe = sign | <u32>exp;
  } else {
    roundPackEdge80(sign, exp, hi, lo, cw, s);
  }
}

/** Overflow, underflow and the top binade, out of line. */
function roundPackEdge80(sign: u32, exp: i32, hi: u64, lo: u64, cw: u32, s: u32): void {
  roundPack(sign, exp, hi, lo, cw, s, 0x7FFF);
  rSig = rpSig;
  rSe = sign | (<u32>rpExp & 0x7FFF);
}

// ---------------------------------------------------------------------------
// Special operands

/** Masked invalid operation: QNaN indefinite. */
export function setIndefinite(): void {
  fpuExc |= FE_IE;
  rSig = 0xC000000000000000;
  rSe = 0xFFFF;
}

/** One NaN or unsupported operand: the quieted NaN (IE for SNaN) or the indefinite. */
export function nan1(sig: u64, se: u32, c: u32): void {
  if (c == CL_UNSUPPORTED) {
    setIndefinite();
    return;
  }
  if (c == CL_SNAN) fpuExc |= FE_IE;
  rSig = sig | SIG_QUIET;
  rSe = se;
}

/**
 * Two operands, at least one NaN or unsupported (SDM table 4-7): an unsupported
 * operand gives the indefinite; with two NaNs the larger significand wins
 * (quieted), a QNaN beating an SNaN; IE whenever an SNaN takes part.
 */
export function nan2(aSig: u64, aSe: u32, bSig: u64, bSe: u32, ca: u32, cb: u32): void {
  if (ca == CL_UNSUPPORTED || cb == CL_UNSUPPORTED) {
    setIndefinite();
    return;
  }
  if (ca == CL_SNAN || cb == CL_SNAN) fpuExc |= FE_IE;
  let useA: bool;
  if (ca < CL_QNAN) useA = false;
  else if (cb < CL_QNAN) useA = true;
  else if (ca != cb) useA = ca == CL_QNAN;
  else if (aSig != bSig) useA = (aSig << 1) > (bSig << 1);
  else useA = (aSe & 0x8000) == 0;
  if (useA) {
    rSig = aSig | SIG_QUIET;
    rSe = aSe;
  } else {
    rSig = bSig | SIG_QUIET;
    rSe = bSe;
  }
}

/** Normalised significand and (possibly < 1) biased exponent of a finite non-zero operand. */
export let nSig: u64 = 0;
export let nExp: i32 = 0;
@inline export function normalize(sig: u64, se: u32): void {
  const e = <i32>(se & 0x7FFF);
  if (e == 0) {
    const z = clz64(sig);
    nSig = sig << u64(z);
    nExp = 1 - z;
  } else {
    nSig = sig;
    nExp = e;
  }
}

/** Records a denormal operand; true when #D is unmasked and the op must stop. */
@inline export function denormalStops(cw: u32): bool {
  fpuExc |= FE_DE;
  return (cw & FE_DE) == 0;
}

@inline export function setZero(sign: u32): void {
  rSig = 0;
  rSe = sign;
}

@inline export function setInf(sign: u32): void {
  rSig = SIG_J;
  rSe = sign | 0x7FFF;
}

// ---------------------------------------------------------------------------
// Add / subtract

/** sa*ma*2^ea + sb*mb*2^eb for normalised ma, mb, rounded per cw. */
function addCore(sa: u32, ea: i32, ma: u64, sb: u32, eb: i32, mb: u64, cw: u32): void {
  if (ea < eb || (ea == eb && ma < mb)) {
    const ts = sa; sa = sb; sb = ts;
    const te = ea; ea = eb; eb = te;
    const tm = ma; ma = mb; mb = tm;
  }
  const d = ea - eb;
  let bh: u64, bl: u64;
  if (d < 64) {
    // common case inline: nothing is shifted out of the 128 bits
    bh = mb >> u64(d);
    bl = d == 0 ? 0 : mb << u64(64 - d);
  } else {
    shr128Jam(mb, 0, d);
    bh = wHi;
    bl = wLo;
  }
  let hi: u64, lo: u64;
  if (sa == sb) {
    hi = ma + bh;
    lo = bl;
    if (hi < ma) {
      lo = (lo >> 1) | (hi << 63) | (lo & 1);
      hi = (hi >> 1) | SIG_J;
      ea++;
    }
  } else {
    lo = 0 - bl;
    hi = ma - bh - u64(bl != 0);
    if (<i64>hi >= 0) {
      if (hi == 0) {
        if (lo == 0) {
          setZero(((cw >> 10) & 3) == 1 ? 0x8000 : 0);
          return;
        }
        hi = lo;
        lo = 0;
        ea -= 64;
      }
      const z = clz64(hi);
      if (z != 0) {
        hi = (hi << u64(z)) | (lo >> u64(64 - z));
        lo <<= u64(z);
        ea -= z;
      }
    }
  }
  roundPack80(sa, ea, hi, lo, cw, pcShift(cw));
}

function addImpl(aSig: u64, aSe: u32, bSig: u64, bSe: u32, negB: u32, cw: u32, memDen: bool): void {
  fpuExc = 0;
  let ea = <i32>(aSe & 0x7FFF), eb = <i32>(bSe & 0x7FFF);
  const sa = aSe & 0x8000, sb = (bSe ^ negB) & 0x8000;
  if (memDen || !isNormal(ea, aSig) || !isNormal(eb, bSig)) {
    const ca = classify(aSig, aSe), cb = classify(bSig, bSe);
    const den = memDen || ca == CL_DENORMAL || cb == CL_DENORMAL;
    if (ca >= CL_QNAN || cb >= CL_QNAN) {
      nan2(aSig, aSe, bSig, bSe, ca, cb);
      return;
    }
    if (ca == CL_INF || cb == CL_INF) {
      if (ca == CL_INF && cb == CL_INF && sa != sb) {
        setIndefinite();
        return;
      }
      if (den && denormalStops(cw)) return;
      setInf(ca == CL_INF ? sa : sb);
      return;
    }
    if (den && denormalStops(cw)) return;
    if (ca == CL_ZERO && cb == CL_ZERO) {
      setZero(sa == sb ? sa : ((cw >> 10) & 3) == 1 ? 0x8000 : 0);
      return;
    }
    if (ca == CL_ZERO || cb == CL_ZERO) {
      // x + 0 is x, still rounded to the precision control
      const nz = ca == CL_ZERO;
      normalize(nz ? bSig : aSig, nz ? bSe : aSe);
      roundPack80(nz ? sb : sa, nExp, nSig, 0, cw, pcShift(cw));
      return;
    }
    normalize(aSig, aSe); aSig = nSig; ea = nExp;
    normalize(bSig, bSe); bSig = nSig; eb = nExp;
  }
  addCore(sa, ea, aSig, sb, eb, bSig, cw);
}

/**
 * FADD: a + b. memDen: one operand was loaded from a denormal m32fp/m64fp
 * (see f80LoadF32Operand); it is then treated as a denormal operand (#D).
 */
export function f80Add(aSig: u64, aSe: u32, bSig: u64, bSe: u32, cw: u32, memDen: bool = false): void {
  addImpl(aSig, aSe, bSig, bSe, 0, cw, memDen);
}

/** FSUB: a - b (FSUBR is f80Sub(b, a)). */
export function f80Sub(aSig: u64, aSe: u32, bSig: u64, bSe: u32, cw: u32, memDen: bool = false): void {
  addImpl(aSig, aSe, bSig, bSe, 0x8000, cw, memDen);
}

// ---------------------------------------------------------------------------
// Multiply / divide

/** FMUL: a * b. */
export function f80Mul(aSig: u64, aSe: u32, bSig: u64, bSe: u32, cw: u32, memDen: bool = false): void {
  fpuExc = 0;
  let ea = <i32>(aSe & 0x7FFF), eb = <i32>(bSe & 0x7FFF);
  const sign = (aSe ^ bSe) & 0x8000;
  if (memDen || !isNormal(ea, aSig) || !isNormal(eb, bSig)) {
    const ca = classify(aSig, aSe), cb = classify(bSig, bSe);
    const den = memDen || ca == CL_DENORMAL || cb == CL_DENORMAL;
    if (ca >= CL_QNAN || cb >= CL_QNAN) {
      nan2(aSig, aSe, bSig, bSe, ca, cb);
      return;
    }
    if (ca == CL_INF || cb == CL_INF) {
      if (ca == CL_ZERO || cb == CL_ZERO) {
        setIndefinite();
        return;
      }
      if (den && denormalStops(cw)) return;
      setInf(sign);
      return;
    }
    if (den && denormalStops(cw)) return;
    if (ca == CL_ZERO || cb == CL_ZERO) {
      setZero(sign);
      return;
    }
    normalize(aSig, aSe); aSig = nSig; ea = nExp;
    normalize(bSig, bSe); bSig = nSig; eb = nExp;
  }
  mul64(aSig, bSig);
  let hi = wHi, lo = wLo;
  let e = ea + eb - BIAS + 1;
  if (<i64>hi >= 0) {
    hi = (hi << 1) | (lo >> 63);
    lo <<= 1;
    e--;
  }
  roundPack80(sign, e, hi, lo, cw, pcShift(cw));
}

/** Round/sticky word for a quotient with remainder rem < m: bit 63 = half, bit 0 = sticky. */
@inline export function remainderBits(rem: u64, m: u64): u64 {
  if (rem == 0) return 0;
  const rest = m - rem;
  return rem < rest ? 1 : rem == rest ? SIG_J : SIG_J | 1;
}

/** FDIV: a / b (FDIVR is f80Div(b, a)). */
export function f80Div(aSig: u64, aSe: u32, bSig: u64, bSe: u32, cw: u32, memDen: bool = false): void {
  fpuExc = 0;
  let ea = <i32>(aSe & 0x7FFF), eb = <i32>(bSe & 0x7FFF);
  const sign = (aSe ^ bSe) & 0x8000;
  if (memDen || !isNormal(ea, aSig) || !isNormal(eb, bSig)) {
    const ca = classify(aSig, aSe), cb = classify(bSig, bSe);
    const den = memDen || ca == CL_DENORMAL || cb == CL_DENORMAL;
    if (ca >= CL_QNAN || cb >= CL_QNAN) {
      nan2(aSig, aSe, bSig, bSe, ca, cb);
      return;
    }
    if (ca == cb && (ca == CL_INF || ca == CL_ZERO)) {
      setIndefinite();
      return;
    }
    if (cb == CL_ZERO && ca != CL_INF) {
      fpuExc |= FE_ZE;
      setInf(sign);
      return;
    }
    if (den && denormalStops(cw)) return;
    if (ca == CL_INF || cb == CL_ZERO) {
      setInf(sign);
      return;
    }
    if (ca == CL_ZERO || cb == CL_INF) {
      setZero(sign);
      return;
    }
    normalize(aSig, aSe); aSig = nSig; ea = nExp;
    normalize(bSig, bSe); bSig = nSig; eb = nExp;
  }
  let e = ea - eb + BIAS;
  let q: u64;
  if (aSig >= bSig) {
    q = div128(aSig >> 1, aSig << 63, bSig);
  } else {
    q = div128(aSig, 0, bSig);
    e--;
  }
  roundPack80(sign, e, q, remainderBits(wRem, bSig), cw, pcShift(cw));
}

// ---------------------------------------------------------------------------
// Square root

/** Integer square root of hi:lo (result < 2^64); wRem = 1 if remainder > root, wLo = remainder != 0. */
function isqrt128(hi: u64, lo: u64): u64 {
  // 53-bit estimate, one Newton correction from the exact residual, then fix-up.
  const est = Math.sqrt(<f64>hi * 18446744073709551616.0 + <f64>lo);
  let q: u64 = est >= 18446744073709551615.0 ? 0xFFFFFFFFFFFFFFFF : <u64>est;
  if (q < SIG_J) q = SIG_J;
  mul64(q, q);
  let rl = lo - wLo;
  let rh = hi - wHi - u64(lo < wLo);
  if (<i64>rh >= 0) {
    const d = div128(rh, rl, q) >> 1;
    q = q + d < q ? 0xFFFFFFFFFFFFFFFF : q + d;
  } else {
    const nl = 0 - rl, nh = 0 - rh - u64(rl != 0);
    q -= div128(nh, nl, q) >> 1;
  }
  let done = false;
  while (!done) {
    mul64(q, q);
    rl = lo - wLo;
    rh = hi - wHi - u64(lo < wLo);
    // the remainder must lie in [0, 2q], otherwise q is one off
    const th = q >> 63, tl = q << 1;
    if (<i64>rh < 0) q--;
    else if (rh > th || (rh == th && rl > tl)) q++;
    else done = true;
  }
  wRem = u64(rh != 0 || rl > q);
  wLo = u64((rh | rl) != 0);
  return q;
}

/** FSQRT. */
export function f80Sqrt(aSig: u64, aSe: u32, cw: u32): void {
  fpuExc = 0;
  let e = <i32>(aSe & 0x7FFF);
  const sign = aSe & 0x8000;
  if (!isNormal(e, aSig) || sign != 0) {
    const c = classify(aSig, aSe);
    if (c >= CL_QNAN) {
      nan1(aSig, aSe, c);
      return;
    }
    if (c == CL_ZERO) {
      setZero(sign);
      return;
    }
    if (sign != 0) {
      setIndefinite();
      return;
    }
    if (c == CL_INF) {
      setInf(0);
      return;
    }
    if (denormalStops(cw)) return;
    normalize(aSig, aSe); aSig = nSig; e = nExp;
  }
  // value = aSig * 2^(e - BIAS - 63); make the exponent even
  const odd = (e - BIAS) & 1;
  const q = odd != 0 ? isqrt128(aSig, 0) : isqrt128(aSig >> 1, aSig << 63);
  const lo = (wRem << 63) | wLo;
  roundPack80(0, ((e - BIAS - odd) >> 1) + BIAS, q, lo, cw, pcShift(cw));
}

// ---------------------------------------------------------------------------
// Round to integer

/**
 * Rounds sig*2^(e-BIAS-63) (normalised, e may be < 1) to an integer under RC.
 * Sets rSig/rSe (sign given) and PE/C1. Used by FRNDINT and the integer stores.
 */
export function roundToInt(sign: u32, e: i32, sig: u64, rc: u32): void {
  const f = BIAS + 63 - e; // fraction bits
  if (f <= 0) {
    rSig = sig;
    rSe = sign | <u32>e;
    return;
  }
  let r: u64, g: u64;
  if (f < 64) {
    g = sig << u64(64 - f);
    r = sig & ~((u64(1) << u64(f)) - 1);
  } else {
    g = f == 64 ? sig : 1;
    r = 0;
  }
  if (g == 0) {
    rSig = sig;
    rSe = sign | <u32>e;
    return;
  }
  fpuExc |= FE_PE;
  if (roundUp(g, f < 64 ? (r >> u64(f)) & 1 : 0, sign, rc)) {
    fpuExc |= SW_C1;
    if (f >= 64) {
      rSig = SIG_J;
      rSe = sign | <u32>BIAS;
      return;
    }
    r += u64(1) << u64(f);
    if (r == 0) {
      rSig = SIG_J;
      rSe = sign | <u32>(e + 1);
      return;
    }
  }
  if (r == 0) {
    setZero(sign);
    return;
  }
  rSig = r;
  rSe = sign | <u32>e;
}

/** FRNDINT. */
export function f80Rndint(aSig: u64, aSe: u32, cw: u32): void {
  fpuExc = 0;
  const c = classify(aSig, aSe);
  if (c != CL_NORMAL) {
    if (c >= CL_QNAN) {
      nan1(aSig, aSe, c);
      return;
    }
    if (c != CL_DENORMAL) {
      rSig = aSig;
      rSe = aSe;
      return;
    }
    if (denormalStops(cw)) return;
  }
  normalize(aSig, aSe);
  roundToInt(aSe & 0x8000, nExp, nSig, (cw >> 10) & 3);
}
