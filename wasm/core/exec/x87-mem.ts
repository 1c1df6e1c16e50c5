// x87 loads and stores of memory operands: FLD/FILD/FBLD, FST/FSTP/FIST/FISTP/FISTTP/FBSTP, and
// the memory source of the arithmetic forms. Every store checks that the whole operand is
// writable before anything changes (faults restart the instruction).
import * as C from '../cpu';
import { fault } from '../cpu';
import { linR, linW } from '../decode';
import { rd16, rd32, rd64, wr16, wr32, wr64, probeW } from '../mmu/mem';
import { FE_IE, FE_DE, FE_ZE, FE_OE, FE_UE, rSig, rSe, rInt, fpuExc } from '../x87/f80';
import {
  f80FromF32, f80FromF64, f80FromInt, f80ToF32, f80ToF64, f80ToInt, f80FromBcd, f80ToBcd,
} from '../x87/f80-conv';
import {
  getCw, getSw, setSw, signal, signalC1, isEmpty, stSig, stSe, pop, push, pushRoom, underflow,
  IND_SIG, IND_SE, SW_C1,
} from './x87-state';

// ---- raw memory operand access ----
/** Operand read by rdM: low 8 bytes and bytes 8..9. */
export let mLo: u64 = 0;
export let mHi: u32 = 0;

/** Reads `size` (2, 4, 8 or 10) bytes of the memory operand into mLo/mHi; false on a fault. */
@inline export function rdM(size: u32): bool {
  const l = linR(C.eaSeg, C.eaOff, size);
  if (fault) return false;
  if (size == 4) mLo = <u64>rd32(l);
  else if (size == 2) mLo = <u64>rd16(l);
  else {
    mLo = rd64(l);
    if (fault) return false;
    if (size == 10) mHi = rd16(l + 8);
  }
  return !fault;
}

/** Linear address of a checked, writable memory operand of `size` bytes (0 and fault if not). */
@inline export function wrLinChecked(size: u32): u32 {
  const l = linW(C.eaSeg, C.eaOff, size);
  if (fault) return 0;
  probeW(l, size);
  return l;
}

/** Writes lo (and hi for 10 bytes) to a checked linear address. */
@inline export function wrRaw(l: u32, size: u32, lo: u64, hi: u32): void {
  if (size == 4) { wr32(l, <u32>lo); return; }
  if (size == 2) { wr16(l, <u32>lo); return; }
  wr64(l, lo);
  if (size == 10) wr16(l + 8, hi);
}

// ---- memory sources of arithmetic ----
const SIG_QUIET: u64 = 0x4000000000000000;

/** Converted memory operand and the exceptions of its conversion (DE for a denormal). */
export let opSig: u64 = 0;
export let opSe: u32 = 0;
export let opExc: u32 = 0;

/**
 * Reads and converts the memory operand: kind 0 = m32fp, 1 = m32int, 2 = m64fp, 3 = m16int
 * (the D8/DA/DC/DE order). False on a fault.
 */
@inline export function loadOperand(kind: u32): bool {
  const size: u32 = kind == 2 ? 8 : kind == 3 ? 2 : 4;
  if (!rdM(size)) return false;
  const cw = getCw();
  if (kind == 0) f80FromF32(<u32>mLo, cw);
  else if (kind == 2) f80FromF64(mLo, cw);
  else if (kind == 1) f80FromInt(<i64><i32><u32>mLo);
  else f80FromInt(<i64><i16><u16>mLo);
  opSig = rSig;
  opSe = rSe;
  opExc = fpuExc;
  // an SNaN operand takes part in the arithmetic as the SNaN it is (NaN selection, IE there)
  if (opExc & FE_IE) {
    opSig &= ~SIG_QUIET;
    opExc &= ~FE_IE;
  }
  return true;
}

// ---- loads (push) ----
/**
 * FLD m32fp/m64fp/m80fp, FILD m16/m32/m64, FBLD m80bcd. kind: 0 m32fp, 1 m64fp, 2 m80fp,
 * 3 m16int, 4 m32int, 5 m64int, 6 m80bcd.
 */
@inline export function fldMem(kind: u32): void {
  const size: u32 = kind == 0 || kind == 4 ? 4 : kind == 1 || kind == 5 ? 8 : kind == 3 ? 2 : 10;
  if (!rdM(size)) return;
  if (!pushRoom()) return;
  const cw = getCw();
  let sig: u64, se: u32;
  let exc: u32 = 0;
  if (kind == 2) {
    // an 80-bit load is a plain copy: no SNaN or denormal exception
    sig = mLo;
    se = mHi;
  } else {
    switch (kind) {
      case 0: f80FromF32(<u32>mLo, cw); break;
      case 1: f80FromF64(mLo, cw); break;
      case 3: f80FromInt(<i64><i16><u16>mLo); break;
      case 4: f80FromInt(<i64><i32><u32>mLo); break;
      case 5: f80FromInt(<i64>mLo); break;
      default: f80FromBcd(mLo, mHi); break;
    }
    sig = rSig;
    se = rSe;
    exc = fpuExc;
  }
  // C1 = 0: no overflow happened
  setSw(getSw() & ~SW_C1);
  if (exc != 0) {
    signal(exc);
    // an unmasked SNaN stops the load; a denormal is loaded anyway and reported at #MF
    if ((exc & ~cw & FE_IE) != 0) return;
  }
  push(sig, se);
}

// ---- stores ----
/**
 * FST/FSTP m32fp/m64fp/m80fp, FIST/FISTP m16/m32/m64, FISTTP, FBSTP. kind: 0 m32fp, 1 m64fp,
 * 2 m80fp, 3 m16int, 4 m32int, 5 m64int, 6 m80bcd; chop = FISTTP.
 */
@inline export function fstMem(kind: u32, doPop: bool, chop: bool): void {
  const size: u32 = kind == 0 || kind == 4 ? 4 : kind == 1 || kind == 5 ? 8 : kind == 3 ? 2 : 10;
  const l = wrLinChecked(size);
  if (fault) return;
  const cw = getCw();
  let lo: u64 = 0;
  let hi: u32 = 0;
  if (isEmpty(0)) {
    if (!underflow()) return;
    // masked: the indefinite of the destination format
    switch (kind) {
      case 0: lo = 0xFFC00000; break;
      case 1: lo = 0xFFF8000000000000; break;
      case 2: lo = IND_SIG; hi = IND_SE; break;
      case 3: lo = 0x8000; break;
      case 4: lo = 0x80000000; break;
      case 5: lo = 0x8000000000000000; break;
      default: lo = IND_SIG; hi = IND_SE; break;
    }
  } else {
    const sig = stSig(0), se = stSe(0);
    switch (kind) {
      case 0: f80ToF32(sig, se, cw); lo = rInt; break;
      case 1: f80ToF64(sig, se, cw); lo = rInt; break;
      case 2: lo = sig; hi = se; break;
      case 3: f80ToInt(sig, se, cw, 16, chop); lo = rInt; break;
      case 4: f80ToInt(sig, se, cw, 32, chop); lo = rInt; break;
      case 5: f80ToInt(sig, se, cw, 64, chop); lo = rInt; break;
      default: f80ToBcd(sig, se, cw); lo = rSig; hi = rSe; break;
    }
    if (kind != 2) {
      const exc = fpuExc;
      signalC1(exc);
      // unmasked invalid, overflow or underflow: nothing is stored and nothing popped
      if ((exc & ~cw & (FE_IE | FE_DE | FE_ZE | FE_OE | FE_UE)) != 0) return;
    } else {
      setSw(getSw() & ~SW_C1);
    }
  }
  wrRaw(l, size, lo, hi);
  if (doPop) pop();
}
