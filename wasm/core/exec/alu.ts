// Binary and unary ALU operations (SDM vol. 2: ADD OR ADC SBB AND SUB XOR CMP TEST INC DEC NOT
// NEG) and the group-2 shifts and rotates (ROL ROR RCL RCR SHL/SAL SHR SAR), at 8/16/32 bits.
import * as C from '../cpu';
import { fault, r8, raiseUD } from '../cpu';
import { fetch8, fetchS8, linW } from '../decode';
import {
  lazy, lazyIncDec, lazyRes, getCF, cfNow, setArith, materialize, fl, setLcin,
  L_ADD, L_ADC, L_SUB, L_SBB, L_LOGIC, L_INC, L_DEC, CF, OF, AF,
} from '../flags';
import { getReg, setReg, readRmw, writeRmw, readE, fetchImm, sign, maskOf, bits, rdLin, wrLin } from './operand';
import { rmwAddr, rdSlow, wrSlow } from '../mmu/mem';
import { SH_LOCK_WORD } from '../state';

export const K_ADD: u32 = 0;
export const K_OR: u32 = 1;
export const K_ADC: u32 = 2;
export const K_SBB: u32 = 3;
export const K_AND: u32 = 4;
export const K_SUB: u32 = 5;
export const K_XOR: u32 = 6;
export const K_CMP: u32 = 7;
export const K_TEST: u32 = 8;

/** One binary ALU operation; sets the lazy flags, returns the result. */
@inline export function alu<T>(k: u32, a: u32, b: u32): u32 {
  const s = sign<T>();
  let r: u32;
  switch (k) {
    case K_ADD: r = a + b; lazy(L_ADD, a, b, r, s); break;
    case K_OR: r = a | b; lazy(L_LOGIC, a, b, r, s); break;
    case K_ADC: { const c: u32 = cfNow() ? 1 : 0; r = a + b + c; setLcin(c); lazy(L_ADC, a, b, r, s); break; }
    case K_SBB: { const c: u32 = cfNow() ? 1 : 0; r = a - b - c; setLcin(c); lazy(L_SBB, a, b, r, s); break; }
    case K_AND: case K_TEST: r = a & b; lazy(L_LOGIC, a, b, r, s); break;
    case K_XOR: r = a ^ b; lazy(L_LOGIC, a, b, r, s); break;
    default: r = a - b; lazy(L_SUB, a, b, r, s); break; // SUB, CMP
  }
  return r & maskOf<T>();
}
@inline function writes(k: u32): bool { return k < K_CMP; }

/** op E, G */
@inline export function aluEG<T>(k: u32): void {
  const b = getReg<T>((C.modrm >> 3) & 7);
  if (C.lockPfx) { lockedAlu<T>(k, b); return; }
  if (writes(k)) {
    const a = readRmw<T>();
    if (fault) return;
    const r = alu<T>(k, a, b);
    writeRmw<T>(r);
  } else {
    const a = readE<T>();
    if (fault) return;
    alu<T>(k, a, b);
  }
}
/** op G, E */
@inline export function aluGE<T>(k: u32): void {
  const b = readE<T>();
  if (fault) return;
  const g = (C.modrm >> 3) & 7;
  const r = alu<T>(k, getReg<T>(g), b);
  if (writes(k)) setReg<T>(g, r);
}
/** op AL/eAX, imm */
@inline export function aluAI<T>(k: u32): void {
  const b = fetchImm<T>();
  if (fault) return;
  const r = alu<T>(k, getReg<T>(0), b);
  if (writes(k)) setReg<T>(0, r);
}
/** op E, imm (imm8 sign-extended when `s8`) */
@inline export function aluEI<T>(k: u32, s8: bool): void {
  const b = s8 ? fetchS8() : fetchImm<T>();
  if (fault) return;
  if (C.lockPfx) { lockedAlu<T>(k, b); return; }
  if (writes(k)) {
    const a = readRmw<T>();
    if (fault) return;
    writeRmw<T>(alu<T>(k, a, b));
  } else {
    const a = readE<T>();
    if (fault) return;
    alu<T>(k, a, b);
  }
}

// ---- unary: INC DEC NOT NEG ----
@inline export function unary<T>(k: u32, a: u32): u32 {
  const s = sign<T>();
  switch (k) {
    case 0: { const r = a + 1; lazyIncDec(L_INC, a, r, s); return r & maskOf<T>(); }
    case 1: { const r = a - 1; lazyIncDec(L_DEC, a, r, s); return r & maskOf<T>(); }
    case 2: return ~a & maskOf<T>();
    default: { const r = 0 - a; lazy(L_SUB, 0, a, r, s); return r & maskOf<T>(); }
  }
}
@inline export function unE<T>(k: u32): void {
  if (C.lockPfx) { lockedUnary<T>(k); return; }
  const a = readRmw<T>();
  if (fault) return;
  writeRmw<T>(unary<T>(k, a));
}

// ---- LOCKed read-modify-write ----
/**
 * Run `f(old)` atomically on the memory operand: a compare-and-swap loop on aligned RAM, or the
 * machine-wide lock word for misaligned, page-crossing and MMIO operands (misaligned wasm atomics
 * trap). Returns the old value; `lockNew` holds the value stored.
 */
export let lockNew: u32 = 0;
@inline function lockedRmw<T>(k: u32, b: u32, unaryOp: bool): u32 {
  const size = <u32>sizeof<T>();
  const lin = linW(C.eaSeg, C.eaOff, size);
  if (fault) return 0;
  const addr = rmwAddr(lin, size);
  if (fault) return 0;
  if (addr != 0 && (addr & (size - 1)) == 0) {
    let old: u32 = atomic.load<T>(addr);
    while (true) {
      const r = unaryOp ? unary<T>(k, old) : alu<T>(k, old, b);
      if (!unaryOp && !writes(k)) return old;
      const seen: u32 = <u32>atomic.cmpxchg<T>(addr, <T>old, <T>r);
      if (seen == old) { lockNew = r; return old; }
      old = seen;
    }
  }
  globalLock();
  const old = rdSlow(lin, size);
  if (!fault) {
    const r = unaryOp ? unary<T>(k, old) : alu<T>(k, old, b);
    if (unaryOp || writes(k)) wrSlow(lin, size, r);
    lockNew = r;
  }
  globalUnlock();
  return old;
}
@inline export function lockedAlu<T>(k: u32, b: u32): void { lockedRmw<T>(k, b, false); }
@inline export function lockedUnary<T>(k: u32): void { lockedRmw<T>(k, 0, true); }

export const M_XCHG: u32 = 0;
export const M_ADD: u32 = 1;
export const M_CMPXCHG: u32 = 2;
export const M_OR: u32 = 3;
export const M_AND: u32 = 4;
export const M_XOR: u32 = 5;
/**
 * One atomic memory operation on the operand at `lin` (already write-checked): a wasm atomic on
 * aligned RAM, else under the machine-wide lock word (misaligned wasm atomics trap; MMIO, ROM and
 * page-crossing operands go through the slow path). `b` is the source (for CMPXCHG the new value,
 * `expect` the comparand). Returns the old value; `fault` may be set on the slow path.
 */
@inline export function atomicMem<T>(m: u32, lin: u32, b: u32, expect: u32): u32 {
  const size = <u32>sizeof<T>();
  const addr = rmwAddr(lin, size);
  if (fault) return 0;
  if (addr != 0 && (addr & (size - 1)) == 0) {
    switch (m) {
      case M_XCHG: return <u32>atomic.xchg<T>(addr, <T>b);
      case M_ADD: return <u32>atomic.add<T>(addr, <T>b);
      case M_CMPXCHG: return <u32>atomic.cmpxchg<T>(addr, <T>expect, <T>b);
      case M_OR: return <u32>atomic.or<T>(addr, <T>b);
      case M_AND: return <u32>atomic.and<T>(addr, <T>b);
      default: return <u32>atomic.xor<T>(addr, <T>b);
    }
  }
  globalLock();
  const old = rdSlow(lin, size);
  if (!fault) {
    let nv: u32;
    switch (m) {
      case M_XCHG: nv = b; break;
      case M_ADD: nv = old + b; break;
      // The destination is always written (with its old value on failure), as the SDM says.
      case M_CMPXCHG: nv = old == expect ? b : old; break;
      case M_OR: nv = old | b; break;
      case M_AND: nv = old & b; break;
      default: nv = old ^ b; break;
    }
    wrSlow(lin, size, nv);
  }
  globalUnlock();
  return old;
}

export function globalLock(): void {
  while (atomic.cmpxchg<u32>(SH_LOCK_WORD, 0, 1) != 0) {
    // spin: held only for one instruction by another vCPU
  }
}
export function globalUnlock(): void { atomic.store<u32>(SH_LOCK_WORD, 0); }

// ---- group 2: shifts and rotates ----
/** Shift/rotate `a` by `n` (already masked to 5 bits, non-zero); sets flags eagerly. */
export function shift<T>(k: u32, a: u32, n: u32): u32 {
  const w = bits<T>();
  const m = maskOf<T>();
  const s = sign<T>();
  a &= m;
  let r: u32 = a;
  let cf: u32 = 0;
  let ov: u32 = 0;
  let arith = false; // SHL/SHR/SAR set SF ZF PF; rotates leave them
  switch (k) {
    case 0: { // ROL
      const c = n & (w - 1);
      r = c ? ((a << c) | (a >>> (w - c))) & m : a;
      cf = r & 1;
      ov = ((r & s) != 0 ? 1 : 0) ^ cf;
      break;
    }
    case 1: { // ROR
      const c = n & (w - 1);
      r = c ? ((a >>> c) | (a << (w - c))) & m : a;
      cf = (r & s) != 0 ? 1 : 0;
      ov = cf ^ ((r & (s >>> 1)) != 0 ? 1 : 0);
      break;
    }
    case 2: { // RCL: rotate through CF (w+1 bits)
      const c = n % (w + 1);
      let carry: u32 = getCF() ? 1 : 0;
      for (let i: u32 = 0; i < c; i++) {
        const out: u32 = (r & s) != 0 ? 1 : 0;
        r = ((r << 1) | carry) & m;
        carry = out;
      }
      cf = carry;
      ov = ((r & s) != 0 ? 1 : 0) ^ cf;
      break;
    }
    case 3: { // RCR
      const c = n % (w + 1);
      let carry: u32 = getCF() ? 1 : 0;
      ov = ((a & s) != 0 ? 1 : 0) ^ carry;
      for (let i: u32 = 0; i < c; i++) {
        const out = r & 1;
        r = (r >>> 1) | (carry ? s : 0);
        carry = out;
      }
      cf = carry;
      break;
    }
    case 4: case 6: { // SHL/SAL
      arith = true;
      if (n <= w) { r = (<u32>(<u64>a << n)) & m; cf = n ? (a >>> (w - n)) & 1 : 0; }
      else { r = 0; cf = 0; }
      ov = ((r & s) != 0 ? 1 : 0) ^ cf;
      break;
    }
    case 5: { // SHR
      arith = true;
      r = n < w ? a >>> n : 0;
      cf = n <= w ? (a >>> (n - 1)) & 1 : 0;
      ov = (a & s) != 0 ? 1 : 0;
      break;
    }
    default: { // SAR
      arith = true;
      const sx: i32 = sizeof<T>() == 1 ? <i32><i8>a : sizeof<T>() == 2 ? <i32><i16>a : <i32>a;
      const c = n < w ? n : w - 1;
      r = <u32>(sx >> c) & m;
      cf = n < w ? <u32>(sx >> (n - 1)) & 1 : ((a & s) != 0 ? 1 : 0);
      ov = 0;
      break;
    }
  }
  if (arith) {
    // SHL/SHR/SAR define all six arithmetic flags (AF cleared): no need to materialise the old ones.
    lazyRes(r, (cf ? CF : 0) | (ov ? OF : 0), s);
    return r;
  }
  materialize();
  setArith((fl & ~(CF | OF)) | (cf ? CF : 0) | (ov ? OF : 0));
  return r;
}

/** Group-2 on E with count source: 0 = 1, 1 = CL, 2 = imm8. */
@inline export function shiftE<T>(k: u32, src: u32): void {
  let n: u32 = src == 0 ? 1 : src == 1 ? r8(1) : fetch8();
  if (fault) return;
  if (C.lockPfx) { raiseUD(); return; }
  const a = readRmw<T>();
  if (fault) return;
  n &= 31;
  if (n == 0) return;
  writeRmw<T>(shift<T>(k, a, n));
}
export { rdLin, wrLin, CF };
