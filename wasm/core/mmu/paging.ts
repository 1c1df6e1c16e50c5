// Linear → physical translation (no paging, 4 KiB and 4 MiB pages), the software TLB, and the
// physical memory map (RAM, ROM aliases, everything else MMIO).
import { S, raise, cpl, fault } from '../cpu';
import {
  OFF_CR0, OFF_CR2, OFF_CR3, OFF_CR4, OFF_TLB_TAG, OFF_TLB_ADD, OFF_TLB_PHYS,
  RAM_BASE, ROM_BASE, SH_RAM_SIZE, SH_ROM_SIZE, SH_ROM_LOW_START, SH_A20_MASK, TLB_ENTRIES,
} from '../state';
import { apicWin } from '../lapic';
import * as D from '../debug';

export const CR0_PE: u32 = 1;
export const CR0_MP: u32 = 2;
export const CR0_EM: u32 = 4;
export const CR0_TS: u32 = 8;
export const CR0_NE: u32 = 0x20;
export const CR0_WP: u32 = 0x10000;
export const CR0_PG: u32 = 0x80000000;
export const CR4_PSE: u32 = 0x10;
export const CR4_PGE: u32 = 0x80;

export const KIND_RAM: u32 = 0;
export const KIND_ROM: u32 = 1;
export const KIND_MMIO: u32 = 2;

/** Tag-set bases for the current privilege: reads and writes. */
export let tagR: u32 = 0;
export let tagW: u32 = 0;
/** Set by translate(): wasm address of the physical byte, or 0 for MMIO. */
export let physKind: u32 = 0;

/** Point the fast path at the tag sets of the current CPL (call on every CPL change). */
export function selectTags(): void {
  const base = S + OFF_TLB_TAG + (cpl() == 3 ? TLB_ENTRIES * 8 : 0);
  tagR = base;
  tagW = base + TLB_ENTRIES * 4;
}

/** Flush the TLB; keep global entries when `keepGlobal`. */
export function tlbFlush(keepGlobal: bool): void {
  for (let i: u32 = 0; i < TLB_ENTRIES; i++) {
    if (keepGlobal && (load<u32>(S + (i << 2), OFF_TLB_PHYS) & 1)) continue;
    invalidateIndex(i);
  }
}
@inline function invalidateIndex(i: u32): void {
  const t = S + OFF_TLB_TAG + (i << 2);
  store<u32>(t, 0xFFFFFFFF);
  store<u32>(t, 0xFFFFFFFF, TLB_ENTRIES * 4);
  store<u32>(t, 0xFFFFFFFF, TLB_ENTRIES * 8);
  store<u32>(t, 0xFFFFFFFF, TLB_ENTRIES * 12);
}
/** INVLPG: drop the entry for one linear page. */
export function tlbInvalidatePage(lin: u32): void {
  const i = (lin >>> 12) & (TLB_ENTRIES - 1);
  invalidateIndex(i);
}

/**
 * Wasm address of a physical address, or 0 if it is not RAM/ROM (sets physKind). The local APIC's
 * window is MMIO whatever lies below it, so it never gets a TLB entry (mem.ts serves it).
 */
export function physAddr(p: u32): u32 {
  if ((p & 0xFFFFF000) == apicWin) { physKind = KIND_MMIO; return 0; }
  const ram = load<u32>(SH_RAM_SIZE);
  if (p < ram) {
    if (p >= 0xA0000 && p < 0x100000) {
      const romSize = load<u32>(SH_ROM_SIZE);
      const low = load<u32>(SH_ROM_LOW_START);
      if (romSize != 0 && p >= low) { physKind = KIND_ROM; return ROM_BASE + romSize - (0x100000 - p); }
      if (p < 0xC0000) { physKind = KIND_MMIO; return 0; }
    }
    physKind = KIND_RAM;
    return RAM_BASE + p;
  }
  const romSize = load<u32>(SH_ROM_SIZE);
  if (romSize != 0 && p >= 0 - romSize) { physKind = KIND_ROM; return ROM_BASE + (p - (0 - romSize)); }
  physKind = KIND_MMIO;
  return 0;
}

/** Reads and writes of page-table entries (physical, always RAM in practice). */
function ptRead(p: u32): u32 {
  const a = physAddr(p);
  return physKind == KIND_MMIO ? 0 : load<u32>(a);
}
function ptSetBits(p: u32, bits: u32): void {
  const a = physAddr(p);
  if (physKind == KIND_RAM && (p & 3) == 0) atomic.or<u32>(a, bits);
}

/** Set by translate(): the entry is global (PTE.G with CR4.PGE). */
let transGlobal: bool = false;

/**
 * Translate a linear address for an access (write: store; user: CPL-3 access rights apply).
 * Raises #PF and returns 0 on a fault (the caller checks `fault`).
 */
export function translate(lin: u32, write: bool, user: bool): u32 {
  const c0 = load<u32>(S, OFF_CR0);
  transGlobal = false;
  if (!(c0 & CR0_PG)) return lin & load<u32>(SH_A20_MASK);
  const cr3 = load<u32>(S, OFF_CR3);
  const pdeAddr = (cr3 & 0xFFFFF000) | ((lin >>> 20) & 0xFFC);
  const pde = ptRead(pdeAddr);
  if (!(pde & 1)) { pageFault(lin, write, user, false); return 0; }
  const cr4 = load<u32>(S, OFF_CR4);
  if ((pde & 0x80) && (cr4 & CR4_PSE)) {
    if (!checkAccess(pde, pde, c0, write, user)) { pageFault(lin, write, user, true); return 0; }
    const bits: u32 = write ? 0x60 : 0x20;
    if ((pde & bits) != bits) ptSetBits(pdeAddr, bits);
    transGlobal = (pde & 0x100) != 0 && (cr4 & CR4_PGE) != 0;
    return (pde & 0xFFC00000) | (lin & 0x3FFFFF);
  }
  const pteAddr = (pde & 0xFFFFF000) | ((lin >>> 10) & 0xFFC);
  const pte = ptRead(pteAddr);
  if (!(pte & 1)) { pageFault(lin, write, user, false); return 0; }
  if (!checkAccess(pde, pte, c0, write, user)) { pageFault(lin, write, user, true); return 0; }
  if (!(pde & 0x20)) ptSetBits(pdeAddr, 0x20);
  const bits: u32 = write ? 0x60 : 0x20;
  if ((pte & bits) != bits) ptSetBits(pteAddr, bits);
  transGlobal = (pte & 0x100) != 0 && (cr4 & CR4_PGE) != 0;
  return (pte & 0xFFFFF000) | (lin & 0xFFF);
}

@inline function checkAccess(pde: u32, pte: u32, c0: u32, write: bool, user: bool): bool {
  const us = pde & pte & 4;
  const rw = pde & pte & 2;
  if (user) return us != 0 && (!write || rw != 0);
  return !write || rw != 0 || !(c0 & CR0_WP);
}

function pageFault(lin: u32, write: bool, user: bool, present: bool): void {
  store<u32>(S, lin, OFF_CR2);
  let err: u32 = present ? 1 : 0;
  if (write) err |= 2;
  if (user) err |= 4;
  raise(14, err, true);
}

/**
 * Slow path of every access: translate, classify, and fill the TLB entry for this kind of access
 * when the page is RAM (or ROM for reads). Returns the wasm address, or 0 with physKind = MMIO and
 * `lastPhys` holding the physical address; 0 with `fault` set on #PF.
 */
export let lastPhys: u32 = 0;
export function fill(lin: u32, write: bool): u32 {
  const user = cpl() == 3;
  const p = translate(lin, write, user);
  if (fault) return 0;
  lastPhys = p;
  const a = physAddr(p);
  if (physKind == KIND_MMIO) return 0;
  if (physKind == KIND_ROM && write) return 0; // ROM ignores writes: the caller drops them
  const i = (lin >>> 12) & (TLB_ENTRIES - 1);
  const page = lin & 0xFFFFF000;
  // Pages with an armed data breakpoint stay on the slow path (debug.ts).
  if (D.dataArmed) { if (D.watchedPage(page, write)) return a; }
  const t = S + OFF_TLB_TAG + (i << 2);
  // All four tags of an index describe the same linear page.
  const cur = user ? t + TLB_ENTRIES * 8 : t;
  const other = user ? t : t + TLB_ENTRIES * 8;
  if (load<u32>(cur) != page && load<u32>(cur, TLB_ENTRIES * 4) != page &&
      load<u32>(other) != page && load<u32>(other, TLB_ENTRIES * 4) != page) invalidateIndex(i);
  else if (load<u32>(S + (i << 2), OFF_TLB_ADD) != (a & 0xFFFFF000) - page) invalidateIndex(i);
  store<u32>(S + (i << 2), (a & 0xFFFFF000) - page, OFF_TLB_ADD);
  store<u32>(S + (i << 2), (p & 0xFFFFF000) | (transGlobal ? 1 : 0), OFF_TLB_PHYS);
  store<u32>(write ? cur + TLB_ENTRIES * 4 : cur, page);
  return a;
}

