// x87 register stack, tags, status word and the last-instruction pointers (SDM vol. 1 §8.1).
// Registers are kept by physical number R0..R7; ST(i) is R((TOP + i) & 7). The tag word is kept
// exact (valid / zero / special / empty) on every register write, so FSTENV and FSAVE store it
// as it is.
import * as C from '../cpu';
import {
  OFF_FPU_ST, OFF_FPU_CW, OFF_FPU_SW, OFF_FPU_TOP, OFF_FPU_TW, OFF_FPU_IP, OFF_FPU_CS, OFF_FPU_DP,
  OFF_FPU_DS, OFF_FPU_OP, OFF_CR0,
} from '../state';
import { hostFpuError } from '../host';

// Status-word bits beyond the six exception flags (which f80.ts names FE_*).
export const SW_SF: u32 = 0x40;
export const SW_ES: u32 = 0x80;
export const SW_C0: u32 = 0x100;
export const SW_C1: u32 = 0x200;
export const SW_C2: u32 = 0x400;
export const SW_C3: u32 = 0x4000;
export const SW_B: u32 = 0x8000;
export const SW_CC: u32 = SW_C0 | SW_C1 | SW_C2 | SW_C3;
export const EXC_MASK: u32 = 0x3F;
const F_IE: u32 = 0x01;

/** QNaN floating-point indefinite. */
export const IND_SIG: u64 = 0xC000000000000000;
export const IND_SE: u32 = 0xFFFF;

export const TAG_VALID: u32 = 0;
export const TAG_ZERO: u32 = 1;
export const TAG_SPECIAL: u32 = 2;
export const TAG_EMPTY: u32 = 3;

@inline export function getCw(): u32 { return load<u32>(C.S, OFF_FPU_CW); }
/** Status word without TOP. */
@inline export function getSw(): u32 { return load<u32>(C.S, OFF_FPU_SW); }
@inline export function getTop(): u32 { return load<u32>(C.S, OFF_FPU_TOP); }
@inline export function setTop(t: u32): void { store<u32>(C.S, t & 7, OFF_FPU_TOP); }
@inline export function getTw(): u32 { return load<u32>(C.S, OFF_FPU_TW); }
@inline export function setTw(t: u32): void { store<u32>(C.S, t & 0xFFFF, OFF_FPU_TW); }

/** ES and B follow the exception flags that the control word leaves unmasked. */
@inline function withEs(sw: u32, cw: u32): u32 {
  sw &= ~(SW_ES | SW_B);
  return (sw & ~cw & EXC_MASK) != 0 ? sw | SW_ES | SW_B : sw;
}
/** Store a status word (TOP bits are ignored) and recompute ES/B. */
export function setSw(sw: u32): void {
  sw &= 0xC7FF;
  // the stored word always agrees with the control word, so an unchanged word stays as it is
  if (sw == getSw()) return;
  storeSw(withEs(sw, getCw()));
}
/** Store a control word: bit 6 reads as 1, bits 7 and 13..15 as 0 (observed). ES/B follow. */
export function setCw(cw: u32): void {
  cw = (cw & 0x1F3F) | 0x40;
  store<u32>(C.S, cw, OFF_FPU_CW);
  storeSw(withEs(getSw(), cw));
}
/** ES going from 1 to 0 with CR0.NE = 0 ends FERR# (the board then drops IGNNE#). */
@inline function storeSw(sw: u32): void {
  if (getSw() & ~sw & SW_ES) ferrEnd();
  store<u32>(C.S, sw, OFF_FPU_SW);
}
function ferrEnd(): void {
  if (!(load<u32>(C.S, OFF_CR0) & 0x20)) hostFpuError(0);
}
/** The full 16-bit status word with TOP. */
@inline export function fullSw(): u32 { return getSw() | (getTop() << 11); }

/** OR exception flags (and SF) into the status word. */
@inline export function signal(exc: u32): void { setSw(getSw() | (exc & 0x7F)); }
/** Replace the condition codes selected by `mask` with those of `cc`. */
@inline export function setCc(mask: u32, cc: u32): void { setSw((getSw() & ~mask) | (cc & mask)); }
/** Exception flags plus C1 from an f80 operation (C0, C2, C3 left alone). */
@inline export function signalC1(exc: u32): void {
  setSw((getSw() & ~SW_C1) | (exc & (EXC_MASK | SW_C1)));
}
@inline export function ieMasked(): bool { return (getCw() & F_IE) != 0; }

// ---- registers ----
@inline export function phys(i: u32): u32 { return (getTop() + i) & 7; }
@inline export function tagOfPhys(p: u32): u32 { return (getTw() >> (p << 1)) & 3; }
@inline export function isEmpty(i: u32): bool { return tagOfPhys(phys(i)) == TAG_EMPTY; }
@inline export function physSig(p: u32): u64 { return load<u64>(C.S + (p << 4), OFF_FPU_ST); }
@inline export function physSe(p: u32): u32 { return <u32>load<u16>(C.S + (p << 4), OFF_FPU_ST + 8); }
@inline export function stSig(i: u32): u64 { return physSig(phys(i)); }
@inline export function stSe(i: u32): u32 { return physSe(phys(i)); }

/** Tag of a value: zero, valid (normal) or special (NaN, infinity, denormal, unsupported). */
@inline export function tagOf(sig: u64, se: u32): u32 {
  const e = se & 0x7FFF;
  if (e == 0) return sig == 0 ? TAG_ZERO : TAG_SPECIAL;
  return e != 0x7FFF && (sig >> 63) != 0 ? TAG_VALID : TAG_SPECIAL;
}
@inline export function setTag(p: u32, t: u32): void {
  const sh = p << 1;
  setTw((getTw() & ~(3 << sh)) | (t << sh));
}
@inline export function setPhys(p: u32, sig: u64, se: u32): void {
  store<u64>(C.S + (p << 4), sig, OFF_FPU_ST);
  store<u64>(C.S + (p << 4), <u64>(se & 0xFFFF), OFF_FPU_ST + 8);
  setTag(p, tagOf(sig, se));
}
@inline export function setSt(i: u32, sig: u64, se: u32): void { setPhys(phys(i), sig, se); }
/** Mark ST(0) empty and increment TOP. */
@inline export function pop(): void {
  setTag(phys(0), TAG_EMPTY);
  setTop(getTop() + 1);
}
/** Decrement TOP and write ST(0) (the caller checked for overflow). */
@inline export function push(sig: u64, se: u32): void {
  setTop(getTop() - 1);
  setSt(0, sig, se);
}
/** Recompute the tags of the non-empty registers from their contents (after FLDENV/FRSTOR). */
export function retag(): void {
  for (let p: u32 = 0; p < 8; p++) {
    if (tagOfPhys(p) != TAG_EMPTY) setTag(p, tagOf(physSig(p), physSe(p)));
  }
}

// ---- stack faults (SDM vol. 1 §8.5.1.1) ----
/**
 * Stack underflow: IE and SF with C1 = 0. Returns true when IE is masked and the caller must
 * deliver its masked response (usually the indefinite).
 */
export function underflow(): bool {
  setSw((getSw() & ~SW_C1) | F_IE | SW_SF);
  return ieMasked();
}
/**
 * Checks that a push has room (ST(7) empty). On overflow sets IE, SF and C1; with IE masked the
 * indefinite is pushed. Returns true when the push may proceed normally.
 */
export function pushRoom(): bool {
  if (isEmpty(7)) return true;
  setSw(getSw() | F_IE | SW_SF | SW_C1);
  if (ieMasked()) push(IND_SIG, IND_SE);
  return false;
}

// ---- last instruction and data pointers (SDM vol. 1 §8.1.8) ----
/**
 * Records the instruction for FSTENV/FSAVE: FIP = its first byte (prefixes included), FOP = the
 * low three bits of the escape byte and the ModRM byte. In real and virtual-8086 mode the
 * pointers are kept as linear addresses, which is what those environment formats hold.
 */
export function notePtrs(op: u32, mem: bool): void {
  const rm = !C.protMode;
  store<u32>(C.S, rm ? C.segBase(C.CS) + C.startIp : C.startIp, OFF_FPU_IP);
  store<u32>(C.S, C.segSel(C.CS), OFF_FPU_CS);
  store<u32>(C.S, ((op & 7) << 8) | C.modrm, OFF_FPU_OP);
  if (mem) {
    store<u32>(C.S, rm ? C.segBase(C.eaSeg) + C.eaOff : C.eaOff, OFF_FPU_DP);
    store<u32>(C.S, C.segSel(C.eaSeg), OFF_FPU_DS);
  }
}
