// Descriptor tables and the TSS as the processor itself reads and writes them: implicit
// supervisor-mode accesses (SDM vol. 3 §4.6.1), whatever the CPL, through translate() rather than
// the CPL-dependent TLB path. Also the linear accesses with an explicit privilege that interrupt
// and call-gate frames need while the new CPL is not loaded yet.
import { S, fault, LDTR, segBase, segLimit, segAttr } from '../cpu';
import { translate, physAddr, physKind, KIND_MMIO, KIND_ROM } from './paging';
import { hostMmioRead, hostMmioWrite } from '../host';
import { OFF_GDT_BASE, OFF_GDT_LIMIT } from '../state';

export const ATTR_UNUSABLE_BIT: u32 = 0x10000;

// ---- linear accesses with explicit rights ----
function rdPiece(lin: u32, size: u32, user: bool): u32 {
  const p = translate(lin, false, user);
  if (fault) return 0;
  const a = physAddr(p);
  if (physKind == KIND_MMIO) {
    const v = hostMmioRead(p, size);
    return size == 4 ? v : v & ((1 << (size << 3)) - 1);
  }
  if (size == 1) return load<u8>(a);
  if (size == 2) return load<u16>(a);
  return load<u32>(a);
}
function wrPiece(lin: u32, size: u32, v: u32, user: bool): void {
  const p = translate(lin, true, user);
  if (fault) return;
  const a = physAddr(p);
  if (physKind == KIND_MMIO) { hostMmioWrite(p, size, size == 4 ? v : v & ((1 << (size << 3)) - 1)); return; }
  if (physKind == KIND_ROM) return;
  if (size == 1) store<u8>(a, <u8>v);
  else if (size == 2) store<u16>(a, <u16>v);
  else store<u32>(a, v);
}

/** Read 1, 2 or 4 bytes at a linear address with supervisor (user = false) or user rights. */
export function linRd(lin: u32, size: u32, user: bool): u32 {
  if ((lin & 0xFFF) <= 0x1000 - size) return rdPiece(lin, size, user);
  let v: u32 = 0;
  for (let k: u32 = 0; k < size; k++) {
    const b = rdPiece(lin + k, 1, user);
    if (fault) return 0;
    v |= b << (k << 3);
  }
  return v;
}
/** Write 1, 2 or 4 bytes; a page-crossing write checks both pages before writing anything. */
export function linWr(lin: u32, size: u32, v: u32, user: bool): void {
  if ((lin & 0xFFF) <= 0x1000 - size) { wrPiece(lin, size, v, user); return; }
  translate((lin + size - 1) & 0xFFFFF000, true, user);
  if (fault) return;
  for (let k: u32 = 0; k < size; k++) {
    wrPiece(lin + k, 1, v >>> (k << 3), user);
    if (fault) return;
  }
}
/** Fault now (#PF) unless [lin, lin+size) is accessible; no data moves. size ≤ 4096. */
export function linProbe(lin: u32, size: u32, write: bool, user: bool): void {
  translate(lin, write, user);
  if (fault) return;
  const last = lin + size - 1;
  if ((last & 0xFFFFF000) != (lin & 0xFFFFF000)) translate(last, write, user);
}

// ---- descriptors ----
/** The descriptor last read by fetchDesc: low and high dwords, and its linear address. */
export let dLo: u32 = 0;
export let dHi: u32 = 0;
export let dLin: u32 = 0;

/**
 * Read the descriptor of selector `sel` from the GDT or LDT into dLo/dHi. Returns false when the
 * index is beyond the table limit (or TI=1 with no usable LDT) — the caller raises its own
 * exception — or when the read page-faulted (`fault` is then set; a later raise() is a no-op).
 */
export function fetchDesc(sel: u32): bool {
  let base: u32;
  let limit: u32;
  if (sel & 4) {
    if (segAttr(LDTR) & ATTR_UNUSABLE_BIT) return false;
    base = segBase(LDTR);
    limit = segLimit(LDTR);
  } else {
    base = load<u32>(S, OFF_GDT_BASE);
    limit = load<u32>(S, OFF_GDT_LIMIT);
  }
  if ((sel | 7) > limit) return false;
  dLin = base + (sel & 0xFFF8);
  dLo = linRd(dLin, 4, false);
  if (fault) return false;
  dHi = linRd(dLin + 4, 4, false);
  return !fault;
}

/** Set the accessed bit of the descriptor last fetched (a supervisor write; may #PF). */
export function setAccessed(): void {
  if (dHi & 0x100) return;
  dHi |= 0x100;
  linWr(dLin + 5, 1, dHi >> 8, false);
}

/** Set or clear the busy bit of the TSS descriptor of `sel` in the GDT. */
export function setTssBusy(sel: u32, busy: bool): void {
  const lin = load<u32>(S, OFF_GDT_BASE) + (sel & 0xFFF8);
  const b = linRd(lin + 5, 1, false);
  if (fault) return;
  linWr(lin + 5, 1, busy ? b | 2 : b & ~2, false);
}

// ---- descriptor fields ----
@inline export function descBase(lo: u32, hi: u32): u32 { return (lo >>> 16) | ((hi & 0xFF) << 16) | (hi & 0xFF000000); }
export function descLimit(lo: u32, hi: u32): u32 {
  const l = (lo & 0xFFFF) | (hi & 0xF0000);
  return (hi & 0x800000) ? (l << 12) | 0xFFF : l;
}
/** Descriptor bits 40..55 as the seg_attr field holds them. */
@inline export function descAttr(hi: u32): u32 { return (hi >> 8) & 0xF0FF; }
@inline export function descDpl(hi: u32): u32 { return (hi >> 13) & 3; }
@inline export function descPresent(hi: u32): bool { return (hi & 0x8000) != 0; }
/** S=1: a code or data segment (not a system descriptor). */
@inline export function descIsSeg(hi: u32): bool { return (hi & 0x1000) != 0; }
/** System descriptor type, or code/data type with bit 4 set (type 0x10..0x1F). */
@inline export function descType(hi: u32): u32 { return (hi >> 8) & 0x1F; }
@inline export function isCode(hi: u32): bool { return (hi & 0x1800) == 0x1800; }
@inline export function isConforming(hi: u32): bool { return (hi & 0x1C00) == 0x1C00; }
@inline export function isWritableData(hi: u32): bool { return (hi & 0x1A00) == 0x1200; }

/**
 * Limit check of an access [off, off+size) against a segment with cached attributes `attr` and
 * byte limit `limit`, expand-down aware (for stacks that are not loaded yet).
 */
export function inLimit(attr: u32, limit: u32, off: u32, size: u32): bool {
  const last = off + size - 1;
  if (last < off) return false;
  if ((attr & 0x1C) == 0x14) { // expand-down data segment
    const upper: u32 = (attr & 0x4000) ? 0xFFFFFFFF : 0xFFFF;
    return off > limit && last <= upper;
  }
  return last <= limit;
}
