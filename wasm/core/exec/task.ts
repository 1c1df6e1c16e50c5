// Hardware task switching (SDM vol. 3 chapter 7): JMP or CALL to a TSS or task gate, an interrupt
// through a task gate, IRET with NT set. 32-bit and 16-bit TSS formats.
import * as C from '../cpu';
import {
  S, fault, CS, SS, TR, LDTR, ES, GS, r32, w32, w16, ESP, raiseGP, raiseNP, raiseTS, raise,
  segSel, segBase, segLimit, segAttr,
} from '../cpu';
import { OFF_CR0, OFF_CR3, OFF_EIP, OFF_SEG_SEL, OFF_SEG_ATTR } from '../state';
import { getFlags, setFlags, NT, VM } from '../flags';
import { tlbFlush, CR0_TS } from '../mmu/paging';
import { ATTR_UNUSABLE } from '../decode';
import { flagsLoaded, taskSwitched } from '../debug';
import {
  fetchDesc, setAccessed, setTssBusy, dLo, dHi, linRd, linWr, linProbe, descBase, descLimit,
  descAttr, descDpl, descPresent, descType, descIsSeg, isCode, isConforming,
} from '../mmu/descriptor';
import {
  setCpl, setSegDesc, setSegCache, setSegNull, loadSegReal, refreshModes, checkStackSel,
  checkDataSel,
} from './segment';

export const TASK_JMP: u32 = 0;
export const TASK_CALL: u32 = 1;
export const TASK_IRET: u32 = 2;
export const TASK_INT: u32 = 3;

/** The TSS selector of a task gate must name an available TSS in the GDT (#GP/#NP with it). */
export function taskGateTarget(tsel: u32, ext: u32): bool {
  const err = (tsel & 0xFFFC) | ext;
  if (tsel & 4) { raiseGP(err); return false; }
  if (!fetchDesc(tsel)) { raiseGP(err); return false; }
  const t = descType(dHi);
  if (t != 1 && t != 9) { raiseGP(err); return false; }
  if (!descPresent(dHi)) { raiseNP(err); return false; }
  return true;
}

/** Save the outgoing task's state into its TSS (pages already probed: no fault). */
function saveTask(base: u32, is32: bool, eip: u32, flags: u32): void {
  if (is32) {
    linWr(base + 0x20, 4, eip, false);
    linWr(base + 0x24, 4, flags, false);
    for (let i: u32 = 0; i < 8; i++) linWr(base + 0x28 + (i << 2), 4, r32(i), false);
    for (let s: u32 = 0; s < 6; s++) linWr(base + 0x48 + (s << 2), 2, segSel(s), false);
  } else {
    linWr(base + 0x0E, 2, eip, false);
    linWr(base + 0x10, 2, flags, false);
    for (let i: u32 = 0; i < 8; i++) linWr(base + 0x12 + (i << 1), 2, r32(i), false);
    for (let s: u32 = 0; s < 4; s++) linWr(base + 0x22 + (s << 1), 2, segSel(s), false);
  }
}

let nEip: u32 = 0;
let nFlags: u32 = 0;
let nLdt: u32 = 0;
let nCr3: u32 = 0;

/**
 * Load the incoming task's registers from its TSS: general registers and selectors go straight
 * into the state (the old values are saved already); descriptors are checked afterwards.
 */
function readTask(base: u32, is32: bool): void {
  if (is32) {
    nCr3 = linRd(base + 0x1C, 4, false);
    nEip = linRd(base + 0x20, 4, false);
    nFlags = linRd(base + 0x24, 4, false);
    for (let i: u32 = 0; i < 8; i++) w32(i, linRd(base + 0x28 + (i << 2), 4, false));
    for (let s: u32 = 0; s < 6; s++) store<u32>(S + (s << 2), linRd(base + 0x48 + (s << 2), 2, false), OFF_SEG_SEL);
    nLdt = linRd(base + 0x60, 2, false);
  } else {
    nCr3 = load<u32>(S, OFF_CR3);
    nEip = linRd(base + 0x0E, 2, false);
    nFlags = linRd(base + 0x10, 2, false);
    // A 16-bit TSS holds only the low halves; the upper halves keep their values.
    for (let i: u32 = 0; i < 8; i++) w16(i, linRd(base + 0x12 + (i << 1), 2, false));
    for (let s: u32 = 0; s < 4; s++) store<u32>(S + (s << 2), linRd(base + 0x22 + (s << 1), 2, false), OFF_SEG_SEL);
    store<u32>(S + (4 << 2), 0, OFF_SEG_SEL);
    store<u32>(S + (5 << 2), 0, OFF_SEG_SEL);
    nLdt = linRd(base + 0x2A, 2, false);
  }
}

/**
 * Switch to the task of TSS selector `sel` whose descriptor is (lo, hi), already checked by the
 * caller (type, busy state, privilege, presence). `retEip` is saved as the old task's EIP.
 * Faults before the commit point leave everything unchanged; faults after it (loading the new
 * task's segments) happen in the new task's context: C.startIp/startEsp are moved to it.
 */
export function taskSwitch(sel: u32, lo: u32, hi: u32, kind: u32, retEip: u32, ext: u32): void {
  const nBase = descBase(lo, hi);
  const nLim = descLimit(lo, hi);
  const n32 = (hi & 0x800) != 0;
  const nMin: u32 = n32 ? 0x67 : 0x2B;
  if (nLim < nMin) { raiseTS((sel & 0xFFFC) | ext); return; }
  const oSel = segSel(TR);
  const oBase = segBase(TR);
  const o32 = (segAttr(TR) & 8) != 0;
  const oMin: u32 = o32 ? 0x5F : 0x29;
  if (segLimit(TR) < oMin) { raiseTS((oSel & 0xFFFC) | ext); return; }
  // Every TSS page that will be touched must be accessible before anything changes.
  linProbe(oBase, o32 ? 0x60 : 0x2A, true, false);
  if (fault) return;
  linProbe(nBase, n32 ? 0x68 : 0x2C, kind == TASK_CALL || kind == TASK_INT, false);
  if (fault) return;

  let flags = getFlags();
  if (kind == TASK_IRET) flags &= ~NT;
  if ((kind == TASK_JMP || kind == TASK_IRET) && (oSel & 0xFFFC) != 0) setTssBusy(oSel, false);
  saveTask(oBase, o32, retEip, flags);
  if (fault) return;
  if (kind == TASK_CALL || kind == TASK_INT) linWr(nBase, 2, oSel, false);
  if (kind != TASK_IRET) setTssBusy(sel, true);
  if (fault) return;
  readTask(nBase, n32);
  if (kind == TASK_CALL || kind == TASK_INT) nFlags |= NT;
  setSegCache(TR, sel, nBase, nLim, descAttr(hi) | 2);
  store<u32>(S, load<u32>(S, OFF_CR0) | CR0_TS, OFF_CR0);
  if (n32) { store<u32>(S, nCr3, OFF_CR3); tlbFlush(true); }

  // Commit point: from here on, faults belong to the new task.
  store<u32>(S, nEip, OFF_EIP);
  C.ip = nEip;
  C.startIp = nEip;
  C.startEsp = r32(ESP);
  setFlags(nFlags);
  flagsLoaded();
  taskSwitched(n32 && (linRd(nBase + 0x64, 2, false) & 1) != 0);
  if (n32 && (nFlags & VM)) { enterV86Task(); return; }
  loadTaskSegs(ext);
}

/** A 32-bit TSS with EFLAGS.VM: every segment is a v86 segment, CPL 3. */
function enterV86Task(): void {
  setCpl(3);
  refreshModes();
  for (let s: u32 = 0; s < 6; s++) loadSegReal(s, segSel(s));
  loadLdt(nLdt, 0);
}

/**
 * Descriptors of the new task: LDTR first (the others may live in it), then CS, SS, data. After the
 * first failure the SDM has the switch complete "without performing additional access and segment
 * availability checks": the remaining registers are loaded unchecked, the failed one stays
 * unusable, and the exception is delivered in the new task.
 */
function loadTaskSegs(ext: u32): void {
  for (let s: u32 = 0; s < 6; s++) store<u32>(S + (s << 2), ATTR_UNUSABLE, OFF_SEG_ATTR);
  const csSel = segSel(CS);
  const pl = csSel & 3;
  setCpl(pl);
  refreshModes();
  loadLdt(nLdt, ext);
  if (!fault) loadTaskCs(csSel, ext); else forceSeg(CS, csSel);
  const ssSel = segSel(SS);
  if (!fault) {
    if (checkStackSel(ssSel, pl, 10, ext)) { setAccessed(); if (!fault) setSegDesc(SS, ssSel, dLo, dHi); }
  } else forceSeg(SS, ssSel);
  for (let s: u32 = ES; s <= GS; s++) {
    if (s == CS || s == SS) continue;
    const v = segSel(s);
    if (fault) { forceSeg(s, v); continue; }
    if ((v & 0xFFFC) == 0) { setSegNull(s, v); continue; }
    if (!checkDataSel(v, pl, 10, ext)) continue;
    setAccessed();
    if (!fault) setSegDesc(s, v, dLo, dHi);
  }
}

/** Load a segment register from its descriptor without checks, keeping the pending fault. */
function forceSeg(seg: u32, sel: u32): void {
  const v = C.faultVec;
  const e = C.faultErr;
  const he = C.faultHasErr;
  C.clearFault();
  if ((sel & 0xFFFC) != 0 && fetchDesc(sel) && descIsSeg(dHi)) setSegDesc(seg, sel, dLo, dHi);
  C.clearFault();
  raise(v, e, he);
}

function loadTaskCs(csSel: u32, ext: u32): bool {
  const err = (csSel & 0xFFFC) | ext;
  if ((csSel & 0xFFFC) == 0 || !fetchDesc(csSel)) { raiseTS(err); return false; }
  const hi = dHi;
  const dpl = descDpl(hi);
  if (!isCode(hi) || (isConforming(hi) ? dpl > (csSel & 3) : dpl != (csSel & 3))) { raiseTS(err); return false; }
  if (!descPresent(hi)) { raiseNP(err); return false; }
  setAccessed();
  if (fault) return false;
  setSegDesc(CS, csSel, dLo, dHi);
  return true;
}

/** LDTR of a new task: null, or an LDT descriptor in the GDT (#TS otherwise). */
function loadLdt(ldt: u32, ext: u32): void {
  if ((ldt & 0xFFFC) == 0) { setSegNull(LDTR, ldt); return; }
  const err = (ldt & 0xFFFC) | ext;
  if ((ldt & 4) || !fetchDesc(ldt) || descType(dHi) != 2 || !descPresent(dHi)) { raise(10, err, true); return; }
  setSegDesc(LDTR, ldt, dLo, dHi);
}

/** JMP/CALL to a TSS descriptor: DPL ≥ max(CPL, RPL), available, present. */
export function taskFromTss(sel: u32, lo: u32, hi: u32, kind: u32): void {
  const err = sel & 0xFFFC;
  const dpl = descDpl(hi);
  if (dpl < C.cpl() || dpl < (sel & 3)) { raiseGP(err); return; }
  const t = descType(hi);
  if (t == 3 || t == 0xB) { raiseGP(err); return; }
  if (!descPresent(hi)) { raiseNP(err); return; }
  taskSwitch(sel, lo, hi, kind, C.ip, 0);
}
/** JMP/CALL through a task gate: gate DPL ≥ max(CPL, RPL), present; then its TSS. */
export function taskFromGate(sel: u32, glo: u32, ghi: u32, kind: u32): void {
  const err = sel & 0xFFFC;
  const dpl = descDpl(ghi);
  if (dpl < C.cpl() || dpl < (sel & 3)) { raiseGP(err); return; }
  if (!descPresent(ghi)) { raiseNP(err); return; }
  const tsel = glo >>> 16;
  if (!taskGateTarget(tsel, 0)) return;
  taskSwitch(tsel, dLo, dHi, kind, C.ip, 0);
}
/** IRET with NT: back to the task in the current TSS's back link, which must be busy. */
export function taskReturn(): void {
  const link = linRd(segBase(TR), 2, false);
  if (fault) return;
  const err = link & 0xFFFC;
  if ((link & 4) || !fetchDesc(link)) { raiseTS(err); return; }
  const t = descType(dHi);
  if (t != 3 && t != 0xB) { raiseTS(err); return; }
  if (!descPresent(dHi)) { raiseNP(err); return; }
  taskSwitch(link, dLo, dHi, TASK_IRET, C.ip, 0);
}
