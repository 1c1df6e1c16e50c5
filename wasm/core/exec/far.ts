// Far control transfer (SDM vol. 2: JMP CALL RET(far) IRET INT n/INT3/INTO/INT1; vol. 3 §5.8
// call gates, chapter 7 task switches). Real and v86 mode move CS:IP; protected mode checks the
// target descriptor and goes through call gates, task gates and TSS descriptors.
import * as C from '../cpu';
import {
  fault, CS, SS, ES, DS, FS, GS, r32, w32, w16, ESP, raiseGP, raiseUD, raiseNP, raiseSS, segSel, segLimit,
  segAttr, cpl,
} from '../cpu';
import { fetch16, fetch8, fetchZ, ATTR_UNUSABLE } from '../decode';
import { flagsLoaded } from '../debug';
import { iretV86, intV86 } from './vme';
import { OFF_CR4 } from '../state';
import { getFlags, setFlags, getOF, ARITH, TF, DF, NT, RF, AC, ID, IF, IOPL, VIF, VIP, VM } from '../flags';
import {
  fetchDesc, setAccessed, dLo, dHi, descLimit, descBase, descAttr, descDpl, descPresent, descType,
  isCode, isConforming, inLimit,
} from '../mmu/descriptor';
import { rdMem } from './operand';
import { push32, push16, pushV, peek32, peek16, sp, setSp } from './stack';
import { setCpl, setSegDesc, setSegNull, loadSegReal, checkStackSel, refreshModes } from './segment';
import { frameOpen, framePush, frameSp, tssStack, tssSs, tssEsp } from './frame';
import { taskFromTss, taskFromGate, taskReturn, TASK_JMP, TASK_CALL } from './task';
import { deliver } from '../interrupt';
import { vendor, VENDOR_INTEL } from '../vendor';

/** Enter code segment (lo, hi) at privilege `pl`, offset `off`. */
function enterCode(sel: u32, lo: u32, hi: u32, pl: u32, off: u32): void {
  if (pl != cpl()) setCpl(pl);
  setSegDesc(CS, (sel & 0xFFFC) | pl, lo, hi);
  C.ip = off;
}
@inline function peekV(depth: u32, o32: bool): u32 { return o32 ? peek32(depth) : peek16(depth); }

// ---- JMP / CALL ----
/** Real-address and v86 mode: CS = sel, IP = off (within the CS limit). */
function farReal(sel: u32, off: u32, call: bool): void {
  if (call && !stackRoom(C.opsz32 ? 4 : 2, 2)) return;
  const lim: u32 = C.v86 ? 0xFFFF : segLimit(CS);
  if (off > lim) { raiseGP(0); return; }
  if (call) {
    pushV(segSel(CS));
    if (fault) return;
    pushV(C.ip);
    if (fault) return;
  }
  loadSegReal(CS, sel);
  C.ip = off;
}

/** Protected mode JMP/CALL far to sel:off (off already sized by the operand size). */
function farProt(sel: u32, off: u32, call: bool): void {
  if ((sel & 0xFFFC) == 0) { raiseGP(0); return; }
  if (!fetchDesc(sel)) { raiseGP(sel & 0xFFFC); return; }
  const lo = dLo;
  const hi = dHi;
  if (isCode(hi)) { farDirect(sel, lo, hi, off, call); return; }
  switch (descType(hi)) {
    case 0x04: case 0x0C: viaCallGate(sel, lo, hi, call); break;
    case 0x05: taskFromGate(sel, lo, hi, call ? TASK_CALL : TASK_JMP); break;
    case 0x01: case 0x09: case 0x03: case 0x0B: taskFromTss(sel, lo, hi, call ? TASK_CALL : TASK_JMP); break;
    default: raiseGP(sel & 0xFFFC);
  }
}

/** Direct transfer to a code segment: conforming needs DPL ≤ CPL, else RPL ≤ CPL and DPL = CPL. */
function farDirect(sel: u32, lo: u32, hi: u32, off: u32, call: bool): void {
  const c = cpl();
  const err = sel & 0xFFFC;
  const dpl = descDpl(hi);
  if (isConforming(hi) ? dpl > c : ((sel & 3) > c || dpl != c)) { raiseGP(err); return; }
  if (!descPresent(hi)) { raiseNP(err); return; }
  if (call && !stackRoom(C.opsz32 ? 4 : 2, 2)) return;
  if (off > descLimit(lo, hi)) { raiseGP(0); return; }
  setAccessed();
  if (fault) return;
  if (call) {
    pushV(segSel(CS));
    if (fault) return;
    pushV(C.ip);
    if (fault) return;
  }
  enterCode(sel, lo, dHi, c, off);
}

/** Through a call gate: the gate's DPL ≥ max(CPL, RPL); the target code segment DPL ≤ CPL. */
function viaCallGate(sel: u32, glo: u32, ghi: u32, call: bool): void {
  const c = cpl();
  const gdpl = descDpl(ghi);
  if (gdpl < c || gdpl < (sel & 3)) { raiseGP(sel & 0xFFFC); return; }
  if (!descPresent(ghi)) { raiseNP(sel & 0xFFFC); return; }
  const csSel = glo >>> 16;
  const g32 = (ghi & 0x800) != 0;
  const off = g32 ? (glo & 0xFFFF) | (ghi & 0xFFFF0000) : glo & 0xFFFF;
  if ((csSel & 0xFFFC) == 0) { raiseGP(0); return; }
  const err = csSel & 0xFFFC;
  if (!fetchDesc(csSel)) { raiseGP(err); return; }
  const lo = dLo;
  const hi = dHi;
  const dpl = descDpl(hi);
  if (!isCode(hi) || dpl > c) { raiseGP(err); return; }
  // JMP never changes privilege: a non-conforming target must have DPL = CPL.
  if (!call && !isConforming(hi) && dpl != c) { raiseGP(err); return; }
  if (!descPresent(hi)) { raiseNP(err); return; }
  setAccessed();
  if (fault) return;
  const chi = dHi;
  if (call && !isConforming(hi) && dpl < c) { callInner(csSel, lo, chi, off, g32, ghi & 0x1F); return; }
  if (call && !stackRoom(g32 ? 4 : 2, 2)) return;
  if (off > descLimit(lo, hi)) { raiseGP(0); return; }
  if (call) {
    if (g32) { push32(segSel(CS)); if (!fault) push32(C.ip); }
    else { push16(segSel(CS)); if (!fault) push16(C.ip); }
    if (fault) return;
  }
  enterCode(csSel, lo, chi, c, off);
}

/**
 * CALL through a gate to a more privileged level: the new stack comes from the TSS, receives the
 * old SS:ESP, `count` parameters copied from the old stack, and the return address.
 */
function callInner(csSel: u32, lo: u32, hi: u32, off: u32, g32: bool, count: u32): void {
  const dpl = descDpl(hi);
  if (!tssStack(dpl, 0)) return;
  const ssSel = tssSs;
  if (!checkStackSel(ssSel, dpl, 10, 0)) return;
  setAccessed();
  if (fault) return;
  const sLo = dLo;
  const sHi = dHi;
  const sz: u32 = g32 ? 4 : 2;
  frameOpen(descBase(sLo, sHi), descLimit(sLo, sHi), descAttr(sHi), tssEsp, false, ssSel & 0xFFFC);
  framePush(segSel(SS), sz);
  framePush(r32(ESP), sz);
  for (let i = <i32>count - 1; i >= 0; i--) {
    const v = g32 ? peek32(<u32>i << 2) : peek16(<u32>i << 1);
    if (fault) return;
    framePush(v, sz);
  }
  framePush(segSel(CS), sz);
  framePush(C.ip, sz);
  if (fault) return;
  if (off > descLimit(lo, hi)) { raiseGP(0); return; }
  setCpl(dpl);
  setSegDesc(SS, (ssSel & 0xFFFC) | dpl, sLo, sHi);
  w32(ESP, frameSp());
  enterCode(csSel, lo, hi, dpl, off);
}

/**
 * CALL checks that the return address fits on the stack (#SS(0)) before it checks the target
 * offset (#GP(0)): `n` pushes of `size` bytes, each within the SS limit.
 */
function stackRoom(size: u32, n: u32): bool {
  const a = segAttr(SS);
  const lim = segLimit(SS);
  let p = sp();
  for (let i: u32 = 0; i < n; i++) {
    p = C.stack32 ? p - size : (p - size) & 0xFFFF;
    if ((a & ATTR_UNUSABLE) || !inLimit(a, lim, p, size)) { raiseSS(0); return false; }
  }
  return true;
}

function farTransfer(sel: u32, off: u32, call: bool): void {
  if (C.protMode) farProt(sel & 0xFFFF, off, call);
  else farReal(sel & 0xFFFF, off, call);
}
/** Far pointer operand (Mp): offset, then selector. */
function farOperand(call: bool): void {
  if (C.modrm >= 0xC0) { raiseUD(); return; }
  const off = C.opsz32 ? rdMem<u32>(C.eaSeg, C.eaOff) : rdMem<u16>(C.eaSeg, C.eaOff);
  if (fault) return;
  const so = C.eaOff + (C.opsz32 ? 4 : 2);
  const sel = rdMem<u16>(C.eaSeg, C.adsz32 ? so : so & 0xFFFF);
  if (fault) return;
  farTransfer(sel, off, call);
}
export function op_jmpf_ap(op: u32): void {
  const off = fetchZ();
  const sel = fetch16();
  if (!fault) farTransfer(sel, off, false);
}
export function op_callf_ap(op: u32): void {
  const off = fetchZ();
  const sel = fetch16();
  if (!fault) farTransfer(sel, off, true);
}
export function op_jmpf_mp(op: u32): void { farOperand(false); }
export function op_callf_mp(op: u32): void { farOperand(true); }

// ---- RETF ----
/** Data segment registers that the outer level may not use become null (SDM RET, IRET). */
function nullInaccessible(pl: u32): void {
  for (let s: u32 = ES; s <= GS; s++) {
    if (s == CS || s == SS) continue;
    const a = segAttr(s);
    if (a & ATTR_UNUSABLE) continue;
    const conformingCode = (a & 0x1C) == 0x1C;
    if (!conformingCode && ((a >> 5) & 3) < pl) setSegNull(s, 0);
  }
}

/**
 * Checks of a return to code segment `sel` (RETF, IRET): RPL ≥ CPL, code, DPL = RPL (conforming:
 * DPL ≤ RPL), present. Leaves the descriptor in dLo/dHi.
 */
function checkReturnCs(sel: u32): bool {
  if ((sel & 0xFFFC) == 0) { raiseGP(0); return false; }
  const err = sel & 0xFFFC;
  if (!fetchDesc(sel)) { raiseGP(err); return false; }
  const hi = dHi;
  const rpl = sel & 3;
  if (!isCode(hi) || rpl < cpl()) { raiseGP(err); return false; }
  if (isConforming(hi) ? descDpl(hi) > rpl : descDpl(hi) != rpl) { raiseGP(err); return false; }
  if (!descPresent(hi)) { raiseNP(err); return false; }
  return true;
}

/** Return to an outer level: SS:ESP at `depth` on the current stack; then CS, SS, data segments. */
function returnOuter(sel: u32, lo: u32, hi: u32, eip: u32, depth: u32, o32: bool, imm: u32): bool {
  const rpl = sel & 3;
  const nEsp = peekV(depth, o32);
  const nSs = peekV(depth + (o32 ? 4 : 2), o32) & 0xFFFF;
  if (fault) return false;
  if (!checkStackSel(nSs, rpl, 13, 0)) return false;
  const sLo = dLo;
  const sHi = dHi;
  if (eip > descLimit(lo, hi)) { raiseGP(0); return false; }
  setAccessed();
  if (fault) return false;
  enterCode(sel, lo, hi, rpl, eip);
  setSegDesc(SS, nSs, sLo, sHi);
  if (o32) w32(ESP, nEsp + imm); else w16(ESP, nEsp + imm);
  nullInaccessible(rpl);
  return true;
}

function retFar(imm: u32): void {
  const o32 = C.opsz32;
  const sz: u32 = o32 ? 4 : 2;
  const eip = peekV(0, o32);
  // A 32-bit CS slot: Intel reads only its low 16 bits, so its upper half escapes the limit and
  // page checks (measured at CPL 3, vendor.ts); AMD reads all 4 bytes.
  const sel = peekV(sz, o32 && vendor != VENDOR_INTEL) & 0xFFFF;
  if (fault) return;
  if (!C.protMode) {
    const lim: u32 = C.v86 ? 0xFFFF : segLimit(CS);
    if (eip > lim) { raiseGP(0); return; }
    setSp(sp() + 2 * sz + imm);
    loadSegReal(CS, sel);
    C.ip = eip;
    return;
  }
  if (!checkReturnCs(sel)) return;
  const lo = dLo;
  const hi = dHi;
  if ((sel & 3) > cpl()) { returnOuter(sel, lo, hi, eip, 2 * sz + imm, o32, imm); return; }
  if (eip > descLimit(lo, hi)) { raiseGP(0); return; }
  setAccessed();
  if (fault) return;
  setSp(sp() + 2 * sz + imm);
  enterCode(sel, lo, dHi, cpl(), eip);
}
export function op_retf(op: u32): void { retFar(0); }
export function op_retf_imm(op: u32): void {
  const n = fetch16();
  if (!fault) retFar(n);
}

// ---- IRET ----
/** EFLAGS from an IRET image in protected mode: IF needs CPL ≤ IOPL, IOPL/VIF/VIP need CPL 0. */
function iretFlags(t: u32, o32: bool, c: u32): void {
  const old = getFlags();
  let m: u32 = ARITH | TF | DF | NT;
  if (o32) m |= RF | AC | ID;
  if (c <= ((old >> 12) & 3)) m |= IF;
  if (c == 0) { m |= IOPL; if (o32) m |= VIF | VIP; }
  setFlags((old & ~m) | (t & m));
  flagsLoaded();
}

/** Real mode, or v86 mode with IOPL 3: pop IP, CS, FLAGS. */
function iretReal(): void {
  const o32 = C.opsz32;
  const sz: u32 = o32 ? 4 : 2;
  const eip = peekV(0, o32);
  const sel = peekV(sz, o32) & 0xFFFF;
  const t = peekV(2 * sz, o32);
  if (fault) return;
  const lim: u32 = C.v86 ? 0xFFFF : segLimit(CS);
  if (eip > lim) { raiseGP(0); return; }
  const old = getFlags();
  // Kept: VM, VIF, VIP always (real mode cannot set them); IOPL too in v86 mode.
  let keep: u32 = o32 ? VM | VIF | VIP : 0xFFFF0000;
  if (C.v86) keep |= IOPL;
  setSp(sp() + 3 * sz);
  loadSegReal(CS, sel);
  C.ip = eip;
  setFlags((old & keep) | (t & ~keep));
  flagsLoaded();
}

/** Protected-mode IRET without NT: same level, outer level, or back to v86 mode. */
function iretProt(): void {
  const o32 = C.opsz32;
  const sz: u32 = o32 ? 4 : 2;
  const eip = peekV(0, o32);
  const sel = peekV(sz, o32) & 0xFFFF;
  const t = peekV(2 * sz, o32);
  if (fault) return;
  const c = cpl();
  if (o32 && (t & VM) && c == 0) { iretToV86(eip, sel, t); return; }
  if (!checkReturnCs(sel)) return;
  const lo = dLo;
  const hi = dHi;
  if ((sel & 3) > c) {
    if (!returnOuter(sel, lo, hi, eip, 3 * sz, o32, 0)) return;
    iretFlags(t, o32, c);
    return;
  }
  if (eip > descLimit(lo, hi)) { raiseGP(0); return; }
  setAccessed();
  if (fault) return;
  setSp(sp() + 3 * sz);
  enterCode(sel, lo, dHi, c, eip);
  iretFlags(t, o32, c);
}

/** IRET at CPL 0 with VM set in the image: ESP, SS, ES, DS, FS, GS follow on the stack. */
function iretToV86(eip: u32, sel: u32, t: u32): void {
  const nEsp = peek32(12);
  const nSs = peek32(16);
  const nEs = peek32(20);
  const nDs = peek32(24);
  const nFs = peek32(28);
  const nGs = peek32(32);
  if (fault) return;
  // The SDM checks EIP against the CS limit, which in v86 mode is 64 KiB.
  if (eip > 0xFFFF) { raiseGP(0); return; }
  setFlags(t);
  flagsLoaded();
  setCpl(3);
  refreshModes();
  loadSegReal(CS, sel);
  loadSegReal(SS, nSs);
  loadSegReal(ES, nEs);
  loadSegReal(DS, nDs);
  loadSegReal(FS, nFs);
  loadSegReal(GS, nGs);
  w32(ESP, nEsp);
  C.ip = eip;
}

export function op_iret(op: u32): void {
  if (!C.protMode) {
    if (C.v86 && ((getFlags() >> 12) & 3) != 3) { iretV86(C.opsz32); return; }
    iretReal();
    return;
  }
  if (getFlags() & NT) { taskReturn(); return; }
  iretProt();
}

// ---- software interrupts ----
export function op_int_imm(op: u32): void {
  const v = fetch8();
  if (fault) return;
  // INT n in v86 mode: with CR4.VME the TSS redirection bitmap may send it to the 8086 program's
  // own vector table; otherwise it is IOPL-sensitive. INT3, INTO and INT1 are neither.
  if (C.v86) {
    if ((load<u32>(C.S, OFF_CR4) & 1) && intV86(v)) return;
    if (((getFlags() >> 12) & 3) != 3) { raiseGP(0); return; }
  }
  deliver(v, 0, false, 2);
}
export function op_int3(op: u32): void { deliver(3, 0, false, 3); }
export function op_into(op: u32): void { if (getOF()) deliver(4, 0, false, 3); }
export function op_int1(op: u32): void { deliver(1, 0, false, 4); }
