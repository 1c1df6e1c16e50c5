// Linear-address reads and writes: a one-compare TLB hit on the fast path, page-crossing and
// MMIO accesses on the slow path. A fault sets `fault` (cpu.ts) and returns 0; callers check it.
import { S, fault } from '../cpu';
import { OFF_TLB_ADD, TLB_ENTRIES } from '../state';
import { tagR, tagW, fill, physKind, lastPhys, KIND_MMIO, KIND_ROM } from './paging';
import { hostMmioRead, hostMmioWrite } from '../host';
import { apicWin, lapicRead, lapicWrite } from '../lapic';
import * as D from '../debug';

@inline function hitR(lin: u32, size: u32): bool {
  const i = (lin >>> 12) & (TLB_ENTRIES - 1);
  return load<u32>(tagR + (i << 2)) == (lin & 0xFFFFF000) && (lin & 0xFFF) <= 0x1000 - size;
}
@inline function hitW(lin: u32, size: u32): bool {
  const i = (lin >>> 12) & (TLB_ENTRIES - 1);
  return load<u32>(tagW + (i << 2)) == (lin & 0xFFFFF000) && (lin & 0xFFF) <= 0x1000 - size;
}
@inline function hostAddr(lin: u32): u32 {
  return load<u32>(S + (((lin >>> 12) & (TLB_ENTRIES - 1)) << 2), OFF_TLB_ADD) + lin;
}

@inline export function rd8(lin: u32): u32 {
  if (hitR(lin, 1)) return load<u8>(hostAddr(lin));
  return rdSlow(lin, 1);
}
@inline export function rd16(lin: u32): u32 {
  if (hitR(lin, 2)) return load<u16>(hostAddr(lin));
  return rdSlow(lin, 2);
}
@inline export function rd32(lin: u32): u32 {
  if (hitR(lin, 4)) return load<u32>(hostAddr(lin));
  return rdSlow(lin, 4);
}
@inline export function wr8(lin: u32, v: u32): void {
  if (hitW(lin, 1)) { store<u8>(hostAddr(lin), <u8>v); return; }
  wrSlow(lin, 1, v);
}
@inline export function wr16(lin: u32, v: u32): void {
  if (hitW(lin, 2)) { store<u16>(hostAddr(lin), <u16>v); return; }
  wrSlow(lin, 2, v);
}
@inline export function wr32(lin: u32, v: u32): void {
  if (hitW(lin, 4)) { store<u32>(hostAddr(lin), v); return; }
  wrSlow(lin, 4, v);
}

/** 8 bytes within one page in one load or store when the TLB holds the page (x87 operands); else
 * two 4-byte accesses, low half first (a fault stops at the half that takes it). */
@inline export function rd64(lin: u32): u64 {
  if (hitR(lin, 8)) return load<u64>(hostAddr(lin));
  const lo = rd32(lin);
  if (fault) return 0;
  return <u64>lo | (<u64>rd32(lin + 4) << 32);
}
@inline export function wr64(lin: u32, v: u64): void {
  if (hitW(lin, 8)) { store<u64>(hostAddr(lin), v); return; }
  wr32(lin, <u32>v);
  if (fault) return;
  wr32(lin + 4, <u32>(v >> 32));
}

/** Host address of `lin` if the read TLB holds its page now (RAM or ROM), else 0. No fill, no fault. */
@inline export function tlbHostR(lin: u32): u32 { return hitR(lin, 1) ? hostAddr(lin) : 0; }
/** Host address of `lin` if the write TLB holds its page now (writable RAM), else 0. */
@inline export function tlbHostW(lin: u32): u32 { return hitW(lin, 1) ? hostAddr(lin) : 0; }

/** Read one piece that lies within a page. */
function rdPage(lin: u32, size: u32): u32 {
  const a = fill(lin, false);
  if (fault) return 0;
  if (D.dataArmed) D.dataCheck(lin, size, false);
  if (a == 0) {
    const v = (lastPhys & 0xFFFFF000) == apicWin ? lapicRead(lastPhys & 0xFFF, size) : hostMmioRead(lastPhys, size);
    return v & sizeMask(size);
  }
  if (size == 1) return load<u8>(a);
  if (size == 2) return load<u16>(a);
  return load<u32>(a);
}
@inline function sizeMask(size: u32): u32 { return size == 4 ? 0xFFFFFFFF : (1 << (size << 3)) - 1; }

export function rdSlow(lin: u32, size: u32): u32 {
  const off = lin & 0xFFF;
  if (off <= 0x1000 - size) return rdPage(lin, size);
  // Crosses a page: both pages must be accessible before anything is returned.
  let v: u32 = 0;
  for (let k: u32 = 0; k < size; k++) {
    const b = rdPage(lin + k, 1);
    if (fault) return 0;
    v |= b << (k << 3);
  }
  return v;
}

function wrPage(lin: u32, size: u32, v: u32): void {
  const a = fill(lin, true);
  if (fault) return;
  if (D.dataArmed) D.dataCheck(lin, size, true);
  if (a == 0) {
    if (physKind != KIND_MMIO) return; // ROM: dropped
    if ((lastPhys & 0xFFFFF000) == apicWin) lapicWrite(lastPhys & 0xFFF, size, v & sizeMask(size));
    else hostMmioWrite(lastPhys, size, v & sizeMask(size));
    return;
  }
  if (size == 1) store<u8>(a, <u8>v);
  else if (size == 2) store<u16>(a, <u16>v);
  else store<u32>(a, v);
}

export function wrSlow(lin: u32, size: u32, v: u32): void {
  const off = lin & 0xFFF;
  if (off <= 0x1000 - size) { wrPage(lin, size, v); return; }
  // Crosses a page: probe the second page for write first so a fault leaves memory untouched.
  const second = (lin + size - 1) & 0xFFFFF000;
  fill(second, true);
  if (fault) return;
  for (let k: u32 = 0; k < size; k++) {
    wrPage(lin + k, 1, v >>> (k << 3));
    if (fault) return;
  }
}

/** Check that [lin, lin+size) is writable now, without writing (for multi-write instructions). */
export function probeW(lin: u32, size: u32): void {
  if (hitW(lin, size)) return;
  fill(lin, true);
  if (fault) return;
  if (((lin & 0xFFF) + size) > 0x1000) fill((lin + size - 1) & 0xFFFFF000, true);
}

/**
 * Wasm address of an aligned-in-page RAM location for a LOCKed read-modify-write, or 0 when the
 * access must take the slow locked path (MMIO, ROM, page-crossing). Faults as a write would.
 */
export function rmwAddr(lin: u32, size: u32): u32 {
  if (hitW(lin, size)) return hostAddr(lin);
  if ((lin & 0xFFF) > 0x1000 - size) { probeW(lin, size); return 0; }
  const a = fill(lin, true);
  if (fault) return 0;
  if (D.dataArmed) D.dataCheck(lin, size, true);
  if (a == 0) return 0;
  return a;
}
export { KIND_ROM };

/** Read for a read-modify-write: checks write access first, so a fault happens before any effect. */
export function rdForWrite(lin: u32, size: u32): u32 {
  if (hitW(lin, size)) {
    const a = hostAddr(lin);
    return size == 1 ? <u32>load<u8>(a) : size == 2 ? <u32>load<u16>(a) : load<u32>(a);
  }
  probeW(lin, size);
  if (fault) return 0;
  return rdSlow(lin, size);
}
