// Instruction fetch (page-local), ModRM/SIB effective addresses, and segment-checked data access.
import * as C from './cpu';
import { S, CS, SS, DS, r32, r16, fault, raiseGP, raiseSS, segBase, segLimit, segAttr } from './cpu';
import { fill } from './mmu/paging';
import { rdSlow, rd8, rd16, rd32, wr8, wr16, wr32 } from './mmu/mem';

// ---- instruction fetch ----
/** Linear page of the cached code page (0xFFFFFFFF = none) and its wasm address minus linear address. */
export let fetchPage: u32 = 0xFFFFFFFF;
export let fetchAdd: u32 = 0;
/** CS base and whether CS needs limit checks (cached on CS load). */
export let csBase: u32 = 0;
let csLimitChecked: bool = true;
let csLimit: u32 = 0xFFFF;

export function refreshCs(): void {
  csBase = segBase(CS);
  csLimit = segLimit(CS);
  csLimitChecked = csLimit != 0xFFFFFFFF;
  fetchPage = 0xFFFFFFFF;
}
/** A near branch target beyond the CS limit faults at the branch (#GP(0)). */
@inline export function branchOk(target: u32): bool {
  if (csLimitChecked && target > csLimit) { raiseGP(0); return false; }
  return true;
}
/** Forget the cached code page (TLB flush, CPL change). */
export function flushFetch(): void { fetchPage = 0xFFFFFFFF; }

@inline export function fetch8(): u32 {
  const off = C.ip;
  const lin = csBase + off;
  // fetchPage is never set while CS needs limit checks, so one compare covers both conditions.
  if ((lin & 0xFFFFF000) != fetchPage) return fetchSlow(off, lin);
  C.ip = off + 1;
  return load<u8>(fetchAdd + lin);
}
function fetchSlow(off: u32, lin: u32): u32 {
  if (fault) return 0;
  if (csLimitChecked && off > csLimit) { raiseGP(0); return 0; }
  if ((lin & 0xFFFFF000) != fetchPage) {
    const a = fill(lin, false);
    if (fault) return 0;
    if (a == 0) { // code from MMIO: fetch byte by byte through the host
      C.ip = off + 1;
      return rdSlow(lin, 1);
    }
    C.ip = off + 1;
    const page = lin & 0xFFFFF000;
    const add = (a & 0xFFFFF000) - page;
    if (!csLimitChecked) { fetchPage = page; fetchAdd = add; }
    return load<u8>(add + lin);
  }
  C.ip = off + 1;
  return load<u8>(fetchAdd + lin);
}
// Wide fetches: one page test and one unaligned load when the bytes are in the cached code page
// (fetchPage is only set while CS needs no limit checks); byte by byte otherwise.
@inline export function fetch16(): u32 {
  const off = C.ip;
  const lin = csBase + off;
  if ((lin & 0xFFFFF000) == fetchPage && (lin & 0xFFF) <= 0xFFE) { C.ip = off + 2; return load<u16>(fetchAdd + lin); }
  return fetch16Bytes();
}
@inline export function fetch32(): u32 {
  const off = C.ip;
  const lin = csBase + off;
  if ((lin & 0xFFFFF000) == fetchPage && (lin & 0xFFF) <= 0xFFC) { C.ip = off + 4; return load<u32>(fetchAdd + lin); }
  return fetch32Bytes();
}
function fetch16Bytes(): u32 { const lo = fetch8(); return lo | (fetch8() << 8); }
function fetch32Bytes(): u32 { const lo = fetch16Bytes(); return lo | (fetch16Bytes() << 16); }
/** Immediate of operand size (Iz): 16 or 32 bits. */
@inline export function fetchZ(): u32 { return C.opsz32 ? fetch32() : fetch16(); }
@inline export function fetchS8(): u32 { return <u32>(<i32>(<i8>fetch8())); }

// ---- ModRM ----
/** The memory operand's base register is ESP (POP Ev adjusts for it). */
export let eaEspBase: bool = false;
/** Decode the memory operand of the current ModRM into eaSeg/eaOff (mod != 3). */
export function decodeEa(): void {
  const m = C.modrm;
  const mod = m >> 6;
  const rm = m & 7;
  eaEspBase = false;
  if (!C.adsz32) { ea16(mod, rm); return; }
  let seg = DS;
  let off: u32 = 0;
  if (rm == 4) {
    const sib = fetch8();
    const base = sib & 7;
    const idx = (sib >> 3) & 7;
    if (idx != 4) off = r32(idx) << (sib >> 6);
    if (base == 5 && mod == 0) off += fetch32();
    else {
      eaEspBase = base == 4;
      off += r32(base);
      if (base == 4 || base == 5) seg = SS;
    }
  } else if (rm == 5 && mod == 0) {
    off = fetch32();
  } else {
    off = r32(rm);
    if (rm == 5) seg = SS;
  }
  if (mod == 1) off += fetchS8();
  else if (mod == 2) off += fetch32();
  C.eaSeg = C.segOv != 0xFFFFFFFF ? C.segOv : seg;
  C.eaOff = off;
}

function ea16(mod: u32, rm: u32): void {
  let off: u32 = 0;
  let seg = DS;
  switch (rm) {
    case 0: off = r16(3) + r16(6); break; // BX+SI
    case 1: off = r16(3) + r16(7); break; // BX+DI
    case 2: off = r16(5) + r16(6); seg = SS; break; // BP+SI
    case 3: off = r16(5) + r16(7); seg = SS; break; // BP+DI
    case 4: off = r16(6); break;
    case 5: off = r16(7); break;
    case 6: if (mod == 0) off = fetch16(); else { off = r16(5); seg = SS; } break;
    default: off = r16(3); break;
  }
  if (mod == 1) off += fetchS8();
  else if (mod == 2) off += fetch16();
  C.eaSeg = C.segOv != 0xFFFFFFFF ? C.segOv : seg;
  C.eaOff = off & 0xFFFF;
}

/** Fetch a ModRM byte and decode its memory operand if it has one. */
@inline export function modrmFetch(): void {
  const m = fetch8();
  C.modrm = m;
  if (m < 0xC0) decodeEa();
}
@inline export function isReg(): bool { return C.modrm >= 0xC0; }
@inline export function rmReg(): u32 { return C.modrm & 7; }
@inline export function regField(): u32 { return (C.modrm >> 3) & 7; }

// ---- segment-checked linear addresses ----
/** Bit s: reads through segment s need no checks; bit 8+s: writes need none. */
export let segFast: u32 = 0;

export const ATTR_UNUSABLE: u32 = 0x10000;
/** Recompute the no-check bits for segment s from its cached descriptor. */
export function refreshSegFast(s: u32): void {
  const a = segAttr(s);
  const lim = segLimit(s);
  let r = false;
  let w = false;
  if (!(a & ATTR_UNUSABLE) && lim == 0xFFFFFFFF) {
    const type = a & 0xF;
    if (!(type & 8)) { r = !(type & 4); w = r && (type & 2) != 0; } // data, expand-up
    else r = (type & 2) != 0; // readable code
  }
  segFast = r ? segFast | (1 << s) : segFast & ~(1 << s);
  segFast = w ? segFast | (1 << (s + 8)) : segFast & ~(1 << (s + 8));
  flatData = (segFast & 0x0D0D) == 0x0D0D && (segBase(0) | segBase(2) | segBase(3)) == 0;
}
/** ES, SS and DS are flat: base 0, 4 GiB, readable and writable without checks (the linear address is the offset). */
export let flatData: bool = false;

@inline export function linR(seg: u32, off: u32, size: u32): u32 {
  if (segFast & (1 << seg)) return segBase(seg) + off;
  return segCheck(seg, off, size, false);
}
@inline export function linW(seg: u32, off: u32, size: u32): u32 {
  if (segFast & (1 << (seg + 8))) return segBase(seg) + off;
  return segCheck(seg, off, size, true);
}

/** Limit and type checks of a data access; raises #GP(0) or #SS(0). */
export function segCheck(seg: u32, off: u32, size: u32, write: bool): u32 {
  const a = segAttr(seg);
  const lim = segLimit(seg);
  let bad = false;
  if (C.protMode) {
    if (a & ATTR_UNUSABLE) bad = true;
    else {
      const type = a & 0xF;
      if (type & 8) bad = write || !(type & 2); // code: never writable, readable only if R
      else if (write && !(type & 2)) bad = true;
    }
  }
  if (!bad) {
    const last = off + size - 1;
    if (!(a & 0x10) || (a & 0xC) != 4) { // not an expand-down data segment
      bad = last < off || last > lim; // wrapping past 4 GiB is a limit violation too
    } else {
      const upper: u32 = (a & 0x4000) ? 0xFFFFFFFF : 0xFFFF;
      bad = off <= lim || last > upper || last < off;
    }
  }
  if (bad) {
    if (seg == SS) raiseSS(0); else raiseGP(0);
    return 0;
  }
  return segBase(seg) + off;
}

// ---- operand reads and writes through a segment ----
@inline export function rdS8(seg: u32, off: u32): u32 { const l = linR(seg, off, 1); return fault ? 0 : rd8(l); }
@inline export function rdS16(seg: u32, off: u32): u32 { const l = linR(seg, off, 2); return fault ? 0 : rd16(l); }
@inline export function rdS32(seg: u32, off: u32): u32 { const l = linR(seg, off, 4); return fault ? 0 : rd32(l); }
@inline export function wrS8(seg: u32, off: u32, v: u32): void { const l = linW(seg, off, 1); if (!fault) wr8(l, v); }
@inline export function wrS16(seg: u32, off: u32, v: u32): void { const l = linW(seg, off, 2); if (!fault) wr16(l, v); }
@inline export function wrS32(seg: u32, off: u32, v: u32): void { const l = linW(seg, off, 4); if (!fault) wr32(l, v); }

export { S };
