// Segment register loads (SDM vol. 3 §3.4, §5.5-5.6; vol. 2 MOV, POP, PUSH, LDS/LES/LFS/LGS/LSS,
// ARPL) and the mode caches that depend on CS, SS, CR0.PE and EFLAGS.VM.
import * as C from '../cpu';
import {
  S, fault, ES, CS, SS, DS, FS, GS, w16, w32, ESP, raiseGP, raiseUD, raiseNP, raiseSS, raise,
  segAttr, segSel, setModes, cpl,
} from '../cpu';
import { OFF_SEG_SEL, OFF_SEG_BASE, OFF_SEG_LIMIT, OFF_SEG_ATTR, OFF_CPL, OFF_INT_SHADOW, OFF_CR0 } from '../state';
import { refreshCs, refreshSegFast, flushFetch, ATTR_UNUSABLE } from '../decode';
import { selectTags } from '../mmu/paging';
import {
  fetchDesc, setAccessed, dLo, dHi, descBase, descLimit, descAttr, descDpl, descPresent, descIsSeg,
  isCode, isConforming, isWritableData,
} from '../mmu/descriptor';
import { fl, getFlags, setFlags, VM, ZF } from '../flags';
import { readE, writeE, readG, rdMem } from './operand';
import { pushV, push16Slot32, peek32, peek16 } from './stack';
import { vendor, VENDOR_INTEL } from '../vendor';

/** Attributes of every segment in virtual-8086 mode: present, DPL 3, read/write data, accessed. */
export const ATTR_V86: u32 = 0xF3;

/** Recompute code32/stack32/protMode/v86 from CS, SS, CR0.PE and EFLAGS.VM. */
export function refreshModes(): void {
  const pe = (load<u32>(S, OFF_CR0) & 1) != 0;
  const vm = pe && (fl & VM) != 0;
  const c32 = !vm && (segAttr(CS) & 0x4000) != 0;
  const s32 = !vm && (segAttr(SS) & 0x4000) != 0;
  setModes(c32, s32, pe && !vm, vm);
}

/** Change the CPL: the TLB tag set and the cached code page depend on it. */
export function setCpl(n: u32): void {
  store<u32>(S, n, OFF_CPL);
  selectTags();
  flushFetch();
}

/** Caches derived from segment register `seg` after its hidden part changed. */
export function segLoaded(seg: u32): void {
  refreshSegFast(seg);
  if (seg == CS) refreshCs();
  if (seg == CS || seg == SS) refreshModes();
}

/** Load the whole segment register: selector and descriptor cache. */
export function setSegCache(seg: u32, sel: u32, base: u32, limit: u32, attr: u32): void {
  const a = S + (seg << 2);
  store<u32>(a, sel & 0xFFFF, OFF_SEG_SEL);
  store<u32>(a, base, OFF_SEG_BASE);
  store<u32>(a, limit, OFF_SEG_LIMIT);
  store<u32>(a, attr, OFF_SEG_ATTR);
  segLoaded(seg);
}
/** Load segment register `seg` from a descriptor (lo, hi) with selector `sel`. */
export function setSegDesc(seg: u32, sel: u32, lo: u32, hi: u32): void {
  setSegCache(seg, sel, descBase(lo, hi), descLimit(lo, hi), descAttr(hi));
}
/** A null selector in protected mode: the register becomes unusable. */
export function setSegNull(seg: u32, sel: u32): void {
  setSegCache(seg, sel, 0, 0, ATTR_UNUSABLE);
}

/**
 * Real-address and virtual-8086 mode: base = selector << 4. In real mode the limit and the
 * attributes stay (that is how "unreal" mode works); v86 mode forces a 64 KiB DPL-3 data segment.
 */
export function loadSegReal(seg: u32, sel: u32): void {
  sel &= 0xFFFF;
  if (C.v86) { setSegCache(seg, sel, sel << 4, 0xFFFF, ATTR_V86); return; }
  const a = S + (seg << 2);
  // A register made unusable in protected mode becomes a usable read/write data segment again.
  const cur = segAttr(seg);
  const attr = (cur & ATTR_UNUSABLE) ? 0x93 : cur | 0x80;
  store<u32>(a, sel, OFF_SEG_SEL);
  store<u32>(a, sel << 4, OFF_SEG_BASE);
  store<u32>(a, attr, OFF_SEG_ATTR);
  segLoaded(seg);
}

/**
 * Load SS, DS, ES, FS or GS as MOV/POP/Lxx do. In protected mode every check of the SDM applies;
 * on a failure the exception is raised and nothing changes.
 */
export function loadSeg(seg: u32, sel: u32): void {
  sel &= 0xFFFF;
  if (!C.protMode) { loadSegReal(seg, sel); return; }
  if (seg == SS) {
    if (!checkStackSel(sel, cpl(), 13, 0)) return;
    setAccessed();
    if (fault) return;
    setSegDesc(SS, sel, dLo, dHi);
    return;
  }
  if ((sel & 0xFFFC) == 0) { setSegNull(seg, sel); return; }
  if (!checkDataSel(sel, cpl(), 13, 0)) return;
  setAccessed();
  if (fault) return;
  setSegDesc(seg, sel, dLo, dHi);
}

/**
 * Checks for a selector to be loaded into SS at privilege `pl` (RPL = DPL = pl, writable data,
 * present). Violations raise `vec` (#GP for MOV/POP/RETF/IRET, #TS for gates and task switches)
 * with the selector (| ext) as error code; not present raises #SS. The descriptor is left in
 * dLo/dHi.
 */
export function checkStackSel(sel: u32, pl: u32, vec: u32, ext: u32): bool {
  const err = (sel & 0xFFFC) | ext;
  if ((sel & 0xFFFC) == 0) { raise(vec, ext, true); return false; }
  if ((sel & 3) != pl) { raise(vec, err, true); return false; }
  if (!fetchDesc(sel)) { raise(vec, err, true); return false; }
  const hi = dHi;
  if (!isWritableData(hi) || descDpl(hi) != pl) { raise(vec, err, true); return false; }
  if (!descPresent(hi)) { raiseSS(err); return false; }
  return true;
}

/**
 * Checks for a non-null selector to be loaded into DS/ES/FS/GS at CPL `pl`: data or readable
 * code; DPL ≥ max(CPL, RPL) unless conforming code; present (#NP). Violations raise `vec`.
 */
export function checkDataSel(sel: u32, pl: u32, vec: u32, ext: u32): bool {
  const err = (sel & 0xFFFC) | ext;
  if (!fetchDesc(sel)) { raise(vec, err, true); return false; }
  const hi = dHi;
  if (!descIsSeg(hi) || (isCode(hi) && !(hi & 0x200))) { raise(vec, err, true); return false; }
  if (!isConforming(hi)) {
    const dpl = descDpl(hi);
    if (dpl < pl || dpl < (sel & 3)) { raise(vec, err, true); return false; }
  }
  if (!descPresent(hi)) { raiseNP(err); return false; }
  return true;
}

// ---- instructions ----
/** 8E: MOV Sw, Ew. Loading CS this way is #UD; MOV SS blocks interrupts for one instruction. */
export function op_mov_sw_ew(op: u32): void {
  const reg = (C.modrm >> 3) & 7;
  if (reg == CS || reg > GS) { raiseUD(); return; }
  const v = readE<u16>();
  if (fault) return;
  loadSeg(reg, v);
  if (!fault && reg == SS) store<u32>(S, 1, OFF_INT_SHADOW);
}
/** 8C: MOV Ew, Sw. A register destination with a 32-bit operand gets the zero-extended selector. */
export function op_mov_ew_sw(op: u32): void {
  const reg = (C.modrm >> 3) & 7;
  if (reg > GS) { raiseUD(); return; }
  const v = segSel(reg);
  if (C.modrm >= 0xC0 && C.opsz32) w32(C.modrm & 7, v);
  else writeE<u16>(v);
}

/** The segment register an opcode byte of PUSH/POP names (06/07 ES … 1E/1F DS, 0F A0/A1 FS, A8/A9 GS). */
@inline function segOfOp(op: u32): u32 {
  if (op >= 0xA0) return (op & 8) ? GS : FS;
  return (op >> 3) & 3;
}
/**
 * PUSH Sreg. With a 32-bit operand the SDM leaves the slot's upper half to the model (measured,
 * vendor.ts): AMD writes the selector zero-extended, Intel only the 16-bit selector, the upper
 * half keeping its bytes (and escaping the limit and page checks).
 */
export function op_push_seg(op: u32): void {
  const v = segSel(segOfOp(op));
  if (C.opsz32 && vendor == VENDOR_INTEL) push16Slot32(v); else pushV(v);
}
/**
 * POP Sreg: the stack pointer moves only once the load succeeded. With a 32-bit operand AMD reads
 * the whole slot, Intel only its low 16 bits (the upper half is not checked against the limit or
 * paging; measured, vendor.ts); ESP moves by 4 on both.
 */
export function op_pop_seg(op: u32): void {
  const seg = segOfOp(op);
  const size: u32 = C.opsz32 ? 4 : 2;
  const v = C.opsz32 && vendor != VENDOR_INTEL ? peek32(0) : peek16(0);
  if (fault) return;
  const s32 = C.stack32;
  const sp = (s32 ? C.r32(ESP) : C.r16(ESP)) + size;
  loadSeg(seg, v & 0xFFFF);
  if (fault) return;
  if (s32) w32(ESP, sp); else w16(ESP, sp);
  if (seg == SS) store<u32>(S, 1, OFF_INT_SHADOW);
}

/** LDS/LES/LFS/LGS/LSS Gv, Mp: offset then selector; the register is written after the load. */
function loadFarPtr(seg: u32): void {
  if (C.modrm >= 0xC0) { raiseUD(); return; }
  const off = C.opsz32 ? rdMem<u32>(C.eaSeg, C.eaOff) : rdMem<u16>(C.eaSeg, C.eaOff);
  if (fault) return;
  const selOff = C.eaOff + (C.opsz32 ? 4 : 2);
  const sel = rdMem<u16>(C.eaSeg, C.adsz32 ? selOff : selOff & 0xFFFF);
  if (fault) return;
  loadSeg(seg, sel);
  if (fault) return;
  const g = (C.modrm >> 3) & 7;
  if (C.opsz32) w32(g, off); else w16(g, off);
}
export function op_les(op: u32): void { loadFarPtr(ES); }
export function op_lds(op: u32): void { loadFarPtr(DS); }
export function op_lss(op: u32): void { loadFarPtr(SS); }
export function op_lfs(op: u32): void { loadFarPtr(FS); }
export function op_lgs(op: u32): void { loadFarPtr(GS); }

/** 63: ARPL Ew, Gw — raise the RPL of the destination to that of the source; ZF says whether it did. */
export function op_arpl(op: u32): void {
  if (!C.protMode) { raiseUD(); return; }
  // The destination is written only when its RPL changes (a read-only operand faults only then).
  const d = readE<u16>();
  if (fault) return;
  const s = readG<u16>();
  const f = getFlags() & ~ZF;
  if ((d & 3) < (s & 3)) {
    writeE<u16>((d & ~3) | (s & 3));
    if (fault) return;
    setFlags(f | ZF);
  } else setFlags(f);
}
