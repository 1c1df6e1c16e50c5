// System instructions (SDM vol. 2: SLDT STR LLDT LTR VERR VERW LAR LSL SGDT SIDT LGDT LIDT SMSW
// LMSW INVLPG CLTS INVD/WBINVD MOV CRn MOV DRn SYSENTER SYSEXIT) and the I/O permission check.
import * as C from '../cpu';
import {
  S, fault, CS, SS, TR, LDTR, r32, w32, w16, ECX, EDX, ESP, raiseGP, raiseUD, raiseNP, segSel,
  segBase, segLimit, segAttr, cpl,
} from '../cpu';
import {
  OFF_GDT_BASE, OFF_GDT_LIMIT, OFF_IDT_BASE, OFF_IDT_LIMIT, OFF_CR0, OFF_CR2, OFF_CR3, OFF_CR4, OFF_DR,
  OFF_SYSENTER_CS, OFF_SYSENTER_ESP, OFF_SYSENTER_EIP, OFF_TLB_TAG, TLB_ENTRIES,
} from '../state';
import { linR, linW, flushFetch } from '../decode';
import { rd16, rd32, wr16, wr32, probeW } from '../mmu/mem';
import { tlbFlush, tlbInvalidatePage, physAddr, physKind, KIND_MMIO, CR0_PE, CR0_PG, CR0_WP, CR0_TS, CR4_PSE, CR4_PGE } from '../mmu/paging';
import {
  fetchDesc, setTssBusy, dLo, dHi, linRd, descLimit, descDpl, descPresent, descType, descIsSeg,
  isCode, isConforming, isWritableData,
} from '../mmu/descriptor';
import { getFlags, setFlags, ZF, VM, IF, RF } from '../flags';
import { readE, writeE } from './operand';
import { setCpl, setSegDesc, setSegNull, setSegCache, refreshModes } from './segment';
import { rearm, generalDetect } from '../debug';
export { op_rdmsr, op_wrmsr } from './msr';

/** Selector stores (SLDT, STR, SMSW): a 32-bit register gets the value zero-extended. */
function storeSel16(v: u32): void {
  if (C.modrm >= 0xC0 && C.opsz32) w32(C.modrm & 7, v);
  else writeE<u16>(v);
}
export function op_sldt(op: u32): void {
  if (!C.protMode) { raiseUD(); return; }
  storeSel16(segSel(LDTR));
}
export function op_str(op: u32): void {
  if (!C.protMode) { raiseUD(); return; }
  storeSel16(segSel(TR));
}

export function op_lldt(op: u32): void {
  if (!C.protMode) { raiseUD(); return; }
  if (cpl() != 0) { raiseGP(0); return; }
  const sel = readE<u16>();
  if (fault) return;
  if ((sel & 0xFFFC) == 0) { setSegNull(LDTR, sel); return; }
  const err = sel & 0xFFFC;
  if ((sel & 4) || !fetchDesc(sel) || descType(dHi) != 2) { raiseGP(err); return; }
  if (!descPresent(dHi)) { raiseNP(err); return; }
  setSegDesc(LDTR, sel, dLo, dHi);
}
export function op_ltr(op: u32): void {
  if (!C.protMode) { raiseUD(); return; }
  if (cpl() != 0) { raiseGP(0); return; }
  const sel = readE<u16>();
  if (fault) return;
  if ((sel & 0xFFFC) == 0) { raiseGP(0); return; }
  const err = sel & 0xFFFC;
  if ((sel & 4) || !fetchDesc(sel)) { raiseGP(err); return; }
  const t = descType(dHi);
  if (t != 1 && t != 9) { raiseGP(err); return; }
  if (!descPresent(dHi)) { raiseNP(err); return; }
  const lo = dLo;
  const hi = dHi | 0x200;
  setTssBusy(sel, true);
  if (fault) return;
  setSegDesc(TR, sel, lo, hi);
}

// ---- VERR VERW LAR LSL: ZF reports whether the selector passes ----
/** The descriptor of `sel` if it exists and is visible at CPL and RPL (conforming code always is). */
function visible(sel: u32): bool {
  if ((sel & 0xFFFC) == 0 || !fetchDesc(sel)) return false;
  if (isConforming(dHi)) return true;
  const dpl = descDpl(dHi);
  return dpl >= cpl() && dpl >= (sel & 3);
}
function setZF(ok: bool): void { setFlags((getFlags() & ~ZF) | (ok ? ZF : 0)); }
/** Read the selector operand of LAR/LSL/VERR/VERW; false (with a fault) or the descriptor checks. */
function selOperand(): u32 {
  if (!C.protMode) { raiseUD(); return 0; }
  return readE<u16>();
}

export function op_verr(op: u32): void {
  const sel = selOperand();
  if (fault) return;
  const ok = visible(sel) && descIsSeg(dHi) && (!isCode(dHi) || (dHi & 0x200) != 0);
  if (!fault) setZF(ok);
}
export function op_verw(op: u32): void {
  const sel = selOperand();
  if (fault) return;
  const ok = visible(sel) && isWritableData(dHi);
  if (!fault) setZF(ok);
}
/** System descriptor types LAR accepts: TSSs, LDT, call and task gates. */
@inline function larType(t: u32): bool { return t == 1 || t == 2 || t == 3 || t == 4 || t == 5 || t == 9 || t == 0xB || t == 0xC; }
/** System descriptor types LSL accepts: TSSs and LDT. */
@inline function lslType(t: u32): bool { return t == 1 || t == 2 || t == 3 || t == 9 || t == 0xB; }

export function op_lar(op: u32): void {
  const sel = selOperand();
  if (fault) return;
  const ok = visible(sel) && (descIsSeg(dHi) || larType(descType(dHi)));
  if (fault) return;
  setZF(ok);
  if (!ok) return;
  const g = (C.modrm >> 3) & 7;
  if (C.opsz32) w32(g, dHi & 0x00FFFF00); else w16(g, dHi & 0xFF00);
}
export function op_lsl(op: u32): void {
  const sel = selOperand();
  if (fault) return;
  const ok = visible(sel) && (descIsSeg(dHi) || lslType(descType(dHi)));
  if (fault) return;
  setZF(ok);
  if (!ok) return;
  const lim = descLimit(dLo, dHi);
  const g = (C.modrm >> 3) & 7;
  if (C.opsz32) w32(g, lim); else w16(g, lim);
}

// ---- descriptor-table registers ----
/**
 * SGDT/SIDT: limit, then base. With a 16-bit operand the SDM editions of the P6 era store 24 bits
 * of base and a zero byte; current editions say the full 32 bits. We model a P6: 24 bits + 0.
 */
function storeTable(offBase: u32, offLimit: u32): void {
  if (C.modrm >= 0xC0) { raiseUD(); return; }
  const lin = linW(C.eaSeg, C.eaOff, 6);
  if (fault) return;
  probeW(lin, 6);
  if (fault) return;
  const base = load<u32>(S + offBase);
  wr16(lin, load<u32>(S + offLimit));
  wr32(lin + 2, C.opsz32 ? base : base & 0xFFFFFF);
}
function loadTable(offBase: u32, offLimit: u32): void {
  if (C.modrm >= 0xC0) { raiseUD(); return; }
  const lin = linR(C.eaSeg, C.eaOff, 6);
  if (fault) return;
  const limit = rd16(lin);
  if (fault) return;
  const base = rd32(lin + 2);
  if (fault) return;
  store<u32>(S + offBase, C.opsz32 ? base : base & 0xFFFFFF);
  store<u32>(S + offLimit, limit);
}
export function op_sgdt(op: u32): void { storeTable(OFF_GDT_BASE, OFF_GDT_LIMIT); }
export function op_sidt(op: u32): void { storeTable(OFF_IDT_BASE, OFF_IDT_LIMIT); }
export function op_lgdt(op: u32): void { loadTable(OFF_GDT_BASE, OFF_GDT_LIMIT); }
export function op_lidt(op: u32): void { loadTable(OFF_IDT_BASE, OFF_IDT_LIMIT); }

// ---- control registers ----
@inline function cr0(): u32 { return load<u32>(S, OFF_CR0); }
/** CR0 bits that exist: PE MP EM TS ET NE WP AM NW CD PG. */
const CR0_BITS: u32 = 0xE005003F;
const CR4_BITS: u32 = 0x1DF; // VME PVI TSD DE PSE MCE PGE PCE (no PAE)
const CR4_DE: u32 = 8;

/** Write CR0 after its checks; PG, PE or WP changes flush the TLB and the mode caches. */
function writeCr0(v: u32): void {
  const old = cr0();
  const nv = (v & CR0_BITS) | 0x10; // ET is hardwired on P6
  store<u32>(S, nv, OFF_CR0);
  if ((old ^ nv) & (CR0_PG | CR0_PE | CR0_WP)) {
    tlbFlush(false);
    flushFetch();
    refreshModes();
  }
}
export function op_smsw(op: u32): void {
  if (C.modrm >= 0xC0) { if (C.opsz32) w32(C.modrm & 7, cr0()); else w16(C.modrm & 7, cr0()); }
  else writeE<u16>(cr0());
}
/** LMSW: loads PE MP EM TS; PE can be set but not cleared. */
export function op_lmsw(op: u32): void {
  const v = readE<u16>();
  if (fault) return;
  const old = cr0();
  writeCr0((old & ~0xF) | (v & 0xF) | (old & CR0_PE));
}
export function op_clts(op: u32): void { store<u32>(S, cr0() & ~CR0_TS, OFF_CR0); }
export function op_wbinvd(op: u32): void { /* INVD and WBINVD: no caches to write back */ }

/**
 * INVLPG. The software TLB holds 4 KiB entries, so a 4 MiB page is cached as many of them: when
 * the address is mapped by a large page, every entry of that 4 MiB region goes.
 */
export function op_invlpg(op: u32): void {
  if (C.modrm >= 0xC0) { raiseUD(); return; }
  const lin = segBase(C.eaSeg) + C.eaOff;
  tlbInvalidatePage(lin);
  flushFetch();
  const c4 = load<u32>(S, OFF_CR4);
  if (!(c4 & CR4_PSE) || !(cr0() & CR0_PG)) return;
  const pde = physAddr((load<u32>(S, OFF_CR3) & 0xFFFFF000) | ((lin >>> 20) & 0xFFC));
  if (physKind == KIND_MMIO || !(load<u32>(pde) & 0x80)) return;
  for (let i: u32 = 0; i < TLB_ENTRIES; i++) {
    for (let set: u32 = 0; set < 4; set++) {
      const tag = load<u32>(S + OFF_TLB_TAG + set * TLB_ENTRIES * 4 + (i << 2));
      if (tag != 0xFFFFFFFF && (tag >>> 22) == (lin >>> 22)) { tlbInvalidatePage(tag); break; }
    }
  }
}

// The control/debug register in ModRM.reg, the general register in ModRM.rm. The SDM says the
// mod field is ignored (always a register form).
export function op_mov_r_cr(op: u32): void {
  const n = (C.modrm >> 3) & 7;
  if (n == 1 || n > 4) { raiseUD(); return; }
  const off = n == 0 ? OFF_CR0 : n == 2 ? OFF_CR2 : n == 3 ? OFF_CR3 : OFF_CR4;
  w32(C.modrm & 7, load<u32>(S + off));
}
export function op_mov_cr_r(op: u32): void {
  const n = (C.modrm >> 3) & 7;
  const v = r32(C.modrm & 7);
  switch (n) {
    case 0:
      if ((v & CR0_PG) && !(v & CR0_PE)) { raiseGP(0); return; }
      if ((v & 0x20000000) && !(v & 0x40000000)) { raiseGP(0); return; } // NW without CD
      writeCr0(v);
      break;
    case 2: store<u32>(S, v, OFF_CR2); break;
    case 3:
      store<u32>(S, v & 0xFFFFF018, OFF_CR3);
      tlbFlush(true);
      flushFetch();
      break;
    case 4: {
      if (v & ~CR4_BITS) { raiseGP(0); return; }
      const old = load<u32>(S, OFF_CR4);
      store<u32>(S, v, OFF_CR4);
      if ((old ^ v) & (CR4_PSE | CR4_PGE)) { tlbFlush(false); flushFetch(); }
      if ((old ^ v) & CR4_DE) rearm();
      break;
    }
    default: raiseUD();
  }
}

/** DR4/DR5 are DR6/DR7 unless CR4.DE, when they are #UD. Returns 8 after raising. */
function drIndex(): u32 {
  const n = (C.modrm >> 3) & 7;
  if (n == 4 || n == 5) {
    if (load<u32>(S, OFF_CR4) & 8) { raiseUD(); return 8; }
    return n + 2;
  }
  return n;
}
export function op_mov_r_dr(op: u32): void {
  const n = drIndex();
  if (n >= 8 || generalDetect()) return;
  w32(C.modrm & 7, load<u32>(S + (n << 2), OFF_DR));
}
/** Writes to DR0-DR3 and DR7 re-arm the breakpoints (debug.ts). */
export function op_mov_dr_r(op: u32): void {
  const n = drIndex();
  if (n >= 8 || generalDetect()) return;
  let v = r32(C.modrm & 7);
  if (n == 6) v = (v & 0xE00F) | 0xFFFF0FF0;
  else if (n == 7) v = (v & 0xFFFF23FF) | 0x400;
  store<u32>(S + (n << 2), v, OFF_DR);
  if (n != 6) rearm();
}

// ---- SYSENTER / SYSEXIT: flat segments derived from IA32_SYSENTER_CS ----
const FLAT_CODE0: u32 = 0xC09B; // G, D, present, DPL 0, execute/read accessed
const FLAT_DATA0: u32 = 0xC093;
const FLAT_CODE3: u32 = 0xC0FB;
const FLAT_DATA3: u32 = 0xC0F3;

export function op_sysenter(op: u32): void {
  const cs = load<u32>(S, OFF_SYSENTER_CS);
  if (!(cr0() & CR0_PE) || (cs & 0xFFFC) == 0) { raiseGP(0); return; }
  setFlags(getFlags() & ~(VM | IF | RF));
  setCpl(0);
  setSegCache(CS, cs & 0xFFFC, 0, 0xFFFFFFFF, FLAT_CODE0);
  setSegCache(SS, (cs + 8) & 0xFFFC, 0, 0xFFFFFFFF, FLAT_DATA0);
  w32(ESP, load<u32>(S, OFF_SYSENTER_ESP));
  C.ip = load<u32>(S, OFF_SYSENTER_EIP);
}
export function op_sysexit(op: u32): void {
  const cs = load<u32>(S, OFF_SYSENTER_CS);
  if (!C.protMode || cpl() != 0 || (cs & 0xFFFC) == 0) { raiseGP(0); return; }
  setCpl(3);
  setSegCache(CS, ((cs + 16) & 0xFFFC) | 3, 0, 0xFFFFFFFF, FLAT_CODE3);
  setSegCache(SS, ((cs + 24) & 0xFFFC) | 3, 0, 0xFFFFFFFF, FLAT_DATA3);
  w32(ESP, r32(ECX));
  C.ip = r32(EDX);
}

/**
 * May the current code access ports [port, port+size)? Real mode: yes. Protected mode: if
 * CPL ≤ IOPL, else (and always in v86 mode) when the 32-bit TSS's I/O bitmap has every bit clear.
 * Raises nothing itself (a #PF reading the TSS is left in `fault`); the caller raises #GP(0).
 */
export function ioAllowed(port: u32, size: u32): bool {
  if (!(cr0() & CR0_PE)) return true;
  if (C.protMode && cpl() <= ((getFlags() >> 12) & 3)) return true;
  const t = segAttr(TR) & 0xF;
  const lim = segLimit(TR);
  if ((t != 9 && t != 0xB) || lim < 0x67) return false;
  const base = segBase(TR);
  const map = linRd(base + 0x66, 2, false);
  if (fault) return false;
  const at = map + (port >>> 3);
  if (at + 1 > lim) return false;
  const bits = linRd(base + at, 2, false);
  if (fault) return false;
  return (bits & (((1 << size) - 1) << (port & 7))) == 0;
}
