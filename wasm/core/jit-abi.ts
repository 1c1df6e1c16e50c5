// What traces compiled to wasm by the host (src/worker/jit/) call in the core: the slow paths of
// memory access and segmentation, and the lazy-flag operations they do not inline. Each is the
// ordinary path's own function; a fault or exit request is left in C.fault / C.exitReq.
import * as Dec from './decode';
import { rdSlow, wrSlow, rdForWrite } from './mmu/mem';
import { cond, lazyIncDec } from './flags';
import { shift } from './exec/alu';

/** Read `size` bytes at linear `lin` (after a TLB miss of the inline path). */
export function jRd(lin: u32, size: u32): u32 { return rdSlow(lin, size); }
/** Write `size` bytes at linear `lin` (after a TLB miss of the inline path). */
export function jWr(lin: u32, size: u32, v: u32): void { wrSlow(lin, size, v); }
/** Read for a read-modify-write (write access checked first). */
export function jRdW(lin: u32, size: u32): u32 { return rdForWrite(lin, size); }
/** Linear address of a read or write of `size` bytes at `off` in segment `seg` (limit and type checks). */
export function jLinR(seg: u32, off: u32, size: u32): u32 { return Dec.linR(seg, off, size); }
export function jLinW(seg: u32, off: u32, size: u32): u32 { return Dec.linW(seg, off, size); }
/** Condition `cc` (0..15) from the lazy flags. */
export function jCond(cc: u32): u32 { return cond(cc) ? 1 : 0; }
/** INC (op 6) or DEC (op 7) of 32 bits from `a` to `r`: the lazy flags, CF kept. */
export function jIncDec(op: u32, a: u32, r: u32): void { lazyIncDec(op, a, r, 0x80000000); }
/** Group-2 shift or rotate `k` of the 32-bit `a` by `n` (1..31), flags set. */
export function jShift(k: u32, a: u32, n: u32): u32 { return shift<u32>(k, a, n); }
