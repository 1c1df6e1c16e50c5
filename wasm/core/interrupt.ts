// Event delivery (SDM vol. 3 chapter 6, §20.1.4, §20.3): exceptions, external interrupts and
// software interrupts through the real-mode IVT or the protected-mode IDT (interrupt, trap and task
// gates, stack switch to an inner level, interrupts from virtual-8086 mode), with the double-fault
// rules of SDM Table 6-5 and shutdown on a fault while delivering #DF.
import * as C from './cpu';
import {
  S, fault, CS, SS, ES, DS, FS, GS, TR, r32, w32, ESP, raiseGP, raiseNP, clearFault, segSel,
  segBase, segLimit, segAttr, cpl, requestExit, EXIT_SHUTDOWN,
} from './cpu';
import {
  OFF_CR0, OFF_EIP, OFF_IDT_BASE, OFF_IDT_LIMIT, OFF_EXC_COUNT, OFF_HALTED, OFF_EXIT_INFO,
} from './state';
import { getFlags, setFlags, IF, TF, AC, NT, RF, VM } from './flags';
import {
  fetchDesc, setAccessed, dLo, dHi, linRd, descBase, descLimit, descAttr, descDpl, descPresent,
  descType, isCode, isConforming,
} from './mmu/descriptor';
import { setCpl, setSegDesc, setSegNull, loadSegReal, checkStackSel } from './exec/segment';
import { frameOpen, framePush, frameSp, tssStack, tssSs, tssEsp } from './exec/frame';
import { taskGateTarget, taskSwitch, TASK_INT } from './exec/task';
import { push32, push16 } from './exec/stack';
import { eventDelivered } from './debug';

/** Kinds of event (the `kind` argument of deliver). */
export const EV_EXCEPTION: u32 = 0;
export const EV_EXTERNAL: u32 = 1;
export const EV_SOFTINT: u32 = 2;
/** INT3 and INTO: software exceptions, gate DPL checked like INT n. */
export const EV_SOFTEXC: u32 = 3;
/** INT1 (ICEBP): a #DB without the DPL check, EXT set in error codes. */
export const EV_ICEBP: u32 = 4;

@inline function contributory(v: u32): bool { return v == 0 || (v >= 10 && v <= 13); }

/**
 * Deliver event `vec`. For kinds 0 and 1 the return address is the EIP in the state block (the
 * run loop has restored it for faults); for software events it is C.ip, the next instruction.
 * Faults during delivery are handled here: serially, as #DF, or as a triple fault (shutdown).
 * On return C.ip and the state's EIP hold the handler's entry point.
 */
export function deliver(vec: u32, err: u32, hasErr: bool, kind: u32): void {
  clearFault();
  if (kind == EV_EXCEPTION || kind == EV_EXTERNAL) eventDelivered();
  let v = vec;
  let e = err;
  let he = hasErr;
  let k = kind;
  for (let n = 0; n < 8; n++) {
    // A fault inside delivery restarts the software interrupt instruction (EIP in the state).
    const ret = k >= EV_SOFTINT ? C.ip : load<u32>(S, OFF_EIP);
    if (load<u32>(S, OFF_CR0) & 1) deliverProt(v, e, he, k, ret);
    else deliverReal(v, ret);
    if (!fault) {
      if (v < 32) store<u32>(S + (v << 2), load<u32>(S + (v << 2), OFF_EXC_COUNT) + 1, OFF_EXC_COUNT);
      return;
    }
    const nv = C.faultVec;
    clearFault();
    if (k == EV_EXCEPTION && v == 8) break;
    const df = k == EV_EXCEPTION &&
      ((contributory(v) && contributory(nv)) || (v == 14 && (contributory(nv) || nv == 14)));
    if (df) { v = 8; e = 0; he = true; }
    else { v = nv; e = C.faultErr; he = C.faultHasErr; }
    // The fault restarts the instruction: its EFLAGS image carries RF (SDM vol. 3 §17.3.1.1).
    if (v != 8) setFlags(getFlags() | RF);
    k = EV_EXCEPTION;
  }
  tripleFault(vec, v);
}

function tripleFault(first: u32, last: u32): void {
  store<u32>(S, 3, OFF_HALTED);
  store<u32>(S, first, OFF_EXIT_INFO);
  store<u32>(S, last, OFF_EXIT_INFO + 4);
  requestExit(EXIT_SHUTDOWN);
}

/** Real-address mode: IVT entry at IDT base + 4·vec; push FLAGS, CS, IP; clear IF, TF, AC. */
function deliverReal(v: u32, ret: u32): void {
  if ((v << 2) + 3 > load<u32>(S, OFF_IDT_LIMIT)) { raiseGP(0); return; }
  const ent = linRd(load<u32>(S, OFF_IDT_BASE) + (v << 2), 4, false);
  if (fault) return;
  const f = getFlags();
  frameOpen(segBase(SS), segLimit(SS), segAttr(SS), r32(ESP), false, 0);
  framePush(f, 2);
  framePush(segSel(CS), 2);
  framePush(ret, 2);
  if (fault) return;
  w32(ESP, frameSp());
  setFlags(f & ~(IF | TF | AC));
  loadSegReal(CS, ent >>> 16);
  enter(ent & 0xFFFF);
}

@inline function enter(eip: u32): void {
  C.ip = eip;
  store<u32>(S, eip, OFF_EIP);
}

/** Protected mode (and v86 mode): through the IDT gate of `v`. */
function deliverProt(v: u32, e: u32, he: bool, k: u32, ret: u32): void {
  const ext: u32 = k == EV_SOFTINT || k == EV_SOFTEXC ? 0 : 1;
  const idtErr = (v << 3) | 2 | ext;
  if ((v << 3) + 7 > load<u32>(S, OFF_IDT_LIMIT)) { raiseGP(idtErr); return; }
  const lin = load<u32>(S, OFF_IDT_BASE) + (v << 3);
  const lo = linRd(lin, 4, false);
  if (fault) return;
  const hi = linRd(lin + 4, 4, false);
  if (fault) return;
  const t = descType(hi);
  if (t != 5 && t != 6 && t != 7 && t != 0xE && t != 0xF) { raiseGP(idtErr); return; }
  if ((k == EV_SOFTINT || k == EV_SOFTEXC) && descDpl(hi) < cpl()) { raiseGP((v << 3) | 2); return; }
  if (!descPresent(hi)) { raiseNP(idtErr); return; }
  if (t == 5) { viaTaskGate(lo >>> 16, e, he, ret, ext); return; }
  viaIntGate(lo, hi, e, he, ret, ext);
}

/** Task gate: switch tasks (nesting), then push the error code on the new task's stack. */
function viaTaskGate(tsel: u32, e: u32, he: bool, ret: u32, ext: u32): void {
  if (!taskGateTarget(tsel, ext)) return;
  taskSwitch(tsel, dLo, dHi, TASK_INT, ret, ext);
  if (fault || !he) return;
  if (segAttr(TR) & 8) push32(e); else push16(e);
}

// The new stack of an inner-level delivery, set by pushInner().
let nSs: u32 = 0;
let nSsLo: u32 = 0;
let nSsHi: u32 = 0;

/** Interrupt or trap gate (16 or 32 bit). */
function viaIntGate(glo: u32, ghi: u32, e: u32, he: bool, ret: u32, ext: u32): void {
  const csSel = glo >>> 16;
  const g32 = (ghi & 0x800) != 0;
  const off = g32 ? (glo & 0xFFFF) | (ghi & 0xFFFF0000) : glo & 0xFFFF;
  const c = cpl();
  if ((csSel & 0xFFFC) == 0) { raiseGP(ext); return; }
  const cerr = (csSel & 0xFFFC) | ext;
  if (!fetchDesc(csSel)) { raiseGP(cerr); return; }
  const lo = dLo;
  const hi = dHi;
  const dpl = descDpl(hi);
  if (!isCode(hi) || dpl > c) { raiseGP(cerr); return; }
  if (!descPresent(hi)) { raiseNP(cerr); return; }
  const inner = !isConforming(hi) && dpl < c;
  const fromV86 = C.v86;
  // From v86 mode only a non-conforming DPL-0 handler is allowed.
  if (fromV86 && (!inner || dpl != 0)) { raiseGP(cerr); return; }
  setAccessed();
  if (fault) return;
  const chi = dHi;
  const f = getFlags();
  const sz: u32 = g32 ? 4 : 2;
  if (inner) pushInner(dpl, sz, e, he, ret, f, ext);
  else {
    frameOpen(segBase(SS), segLimit(SS), segAttr(SS), r32(ESP), c == 3, ext);
    pushReturn(sz, e, he, ret, f);
  }
  if (fault) return;
  // The SDM checks the entry point after the stack room.
  if (off > descLimit(lo, hi)) { raiseGP(ext); return; }
  // Commit.
  const m: u32 = TF | NT | RF | VM | ((ghi & 0x100) ? 0 : IF);
  setFlags(f & ~m);
  if (inner) {
    setCpl(dpl);
    setSegDesc(SS, (nSs & 0xFFFC) | dpl, nSsLo, nSsHi);
    if (fromV86) { setSegNull(ES, 0); setSegNull(DS, 0); setSegNull(FS, 0); setSegNull(GS, 0); }
  }
  w32(ESP, frameSp());
  setSegDesc(CS, (csSel & 0xFFFC) | (inner ? dpl : c), lo, chi);
  enter(off);
}

@inline function pushReturn(sz: u32, e: u32, he: bool, ret: u32, f: u32): void {
  framePush(f, sz);
  framePush(segSel(CS), sz);
  framePush(ret, sz);
  if (he) framePush(e, sz);
}

/** Stack switch to level `dpl`: SS:ESP from the TSS; old SS:ESP (and v86 segments) on the new stack. */
function pushInner(dpl: u32, sz: u32, e: u32, he: bool, ret: u32, f: u32, ext: u32): void {
  if (!tssStack(dpl, ext)) return;
  nSs = tssSs;
  if (!checkStackSel(nSs, dpl, 10, ext)) return;
  setAccessed();
  if (fault) return;
  nSsLo = dLo;
  nSsHi = dHi;
  frameOpen(descBase(nSsLo, nSsHi), descLimit(nSsLo, nSsHi), descAttr(nSsHi), tssEsp, false, (nSs & 0xFFFC) | ext);
  if (C.v86) {
    framePush(segSel(GS), sz);
    framePush(segSel(FS), sz);
    framePush(segSel(DS), sz);
    framePush(segSel(ES), sz);
  }
  framePush(segSel(SS), sz);
  framePush(r32(ESP), sz);
  pushReturn(sz, e, he, ret, f);
}
