// Debug registers (SDM vol. 3 chapter 17): instruction, data and I/O breakpoints from DR0-DR3 and
// DR7, the DR6 status bits, RF, general detect (DR7.GD) and the task-switch trap (TSS T bit).
//
// Nothing here runs while no breakpoint is enabled, and the run loop holds no value for it: every
// per-boundary condition is a bit of the state word DEBUG_EVENTS (DBG_* below), which the loop ORs
// into its existing single test for rare conditions (interrupt shadow, pending events, halted) and
// hands to boundary() only when non-zero. `dataArmed` keeps the pages of data breakpoints out of
// the TLB so that only accesses to those pages reach dataCheck() through the slow path; `ioArmed`
// is tested by IN/OUT/INS/OUTS. DBG_CODE, `dataArmed` and `ioArmed` are caches of DR0-DR7 and CR4,
// recomputed by rearm() whenever those change (MOV DRn, MOV CR4, task switch, refresh()).
import * as C from './cpu';
import { S, fault, CS, segBase, requestExit, EXIT_SHUTDOWN } from './cpu';
import { OFF_DR, OFF_CR4, OFF_EIP, OFF_DEBUG_EVENTS } from './state';
import { fl, getFlags, setFlags, RF, TF } from './flags';
import { tlbFlush } from './mmu/paging';
import { deliver } from './interrupt';

export const DR6_BD: u32 = 0x2000;
export const DR6_BS: u32 = 0x4000;
export const DR6_BT: u32 = 0x8000;
export const DR7_GD: u32 = 0x2000;
const CR4_DE: u32 = 8;

// Bits of the DEBUG_EVENTS state word. It lives in the state block (not in module globals) so a
// vCPU that moves to another instance between two run() calls keeps its pending #DB and RF.
/** B0-B3 of the data or I/O breakpoints hit by the last instruction: a #DB trap at the boundary. */
export const DBG_HITS: u32 = 0xF;
/** Code breakpoints are enabled: boundary() compares the next instruction's address. */
const DBG_CODE: u32 = 0x10;
/** The new task's TSS has T set: #DB (BT) before its first instruction. */
const DBG_TASK: u32 = 0x20;
/**
 * IRET or a task switch loaded EFLAGS.RF = 1. The flag is held here, not in EFLAGS, until the
 * next boundary, so the run loop's end-of-instruction RF clear stays a plain test of EFLAGS.
 */
const DBG_RF: u32 = 0x40;

@inline function events(): u32 { return load<u32>(S, OFF_DEBUG_EVENTS); }
@inline function setEvents(v: u32): void { store<u32>(S, v, OFF_DEBUG_EVENTS); }
/** Data breakpoints are enabled: mem.ts calls dataCheck() and paging.ts keeps their pages slow. */
export let dataArmed: bool = false;
/** I/O breakpoints are enabled (CR4.DE): IN/OUT/INS/OUTS call ioCheck(). */
export let ioArmed: bool = false;
/** The current instruction did not execute (a frozen x87 instruction): no single-step trap. */
let stepBlocked: bool = false;

// Per breakpoint, from DR7: enabled kinds as bit masks over DR0..DR3.
let codeMask: u32 = 0;
let writeMask: u32 = 0; // R/W = 01 (data writes)
let rwMask: u32 = 0; // R/W = 11 (data reads and writes)
let ioMask: u32 = 0; // R/W = 10 with CR4.DE

@inline function dr(i: u32): u32 { return load<u32>(S + (i << 2), OFF_DR); }
@inline function setDr(i: u32, v: u32): void { store<u32>(S + (i << 2), v, OFF_DR); }

/** Bytes covered by breakpoint i: LEN 00 = 1, 01 = 2, 11 = 4 (10 is undefined on a P6: 8 here). */
@inline function bpLen(dr7: u32, i: u32): u32 {
  const l = (dr7 >> (18 + (i << 2))) & 3;
  return l == 0 ? 1 : l == 1 ? 2 : l == 3 ? 4 : 8;
}
/** First byte of breakpoint i: the address with the low LEN bits ignored (SDM §17.2.5). */
@inline function bpStart(dr7: u32, i: u32): u32 { return dr(i) & ~(bpLen(dr7, i) - 1); }

/** Recompute the caches from DR7 and CR4; flushes the TLB when data breakpoints are involved. */
export function rearm(): void {
  const dr7 = dr(7);
  const de = (load<u32>(S, OFF_CR4) & CR4_DE) != 0;
  const hadData = dataArmed;
  codeMask = 0; writeMask = 0; rwMask = 0; ioMask = 0;
  for (let i: u32 = 0; i < 4; i++) {
    if (((dr7 >> (i << 1)) & 3) == 0) continue; // neither Li nor Gi
    const rw = (dr7 >> (16 + (i << 2))) & 3;
    if (rw == 0) codeMask |= 1 << i;
    else if (rw == 1) writeMask |= 1 << i;
    else if (rw == 3) rwMask |= 1 << i;
    else if (de) ioMask |= 1 << i; // R/W = 10 without CR4.DE is undefined: ignored
  }
  setEvents(codeMask != 0 ? events() | DBG_CODE : events() & ~DBG_CODE);
  dataArmed = (writeMask | rwMask) != 0;
  ioArmed = ioMask != 0;
  // Pages of data breakpoints (new or old) must leave the TLB's fast path.
  if (dataArmed || hadData) tlbFlush(false);
}

/** Would a TLB entry for `page` let an access of this kind bypass a data breakpoint? */
export function watchedPage(page: u32, write: bool): bool {
  const dr7 = dr(7);
  const m = write ? writeMask | rwMask : rwMask;
  for (let i: u32 = 0; i < 4; i++) {
    if ((m & (1 << i)) && (bpStart(dr7, i) & 0xFFFFF000) == page) return true;
  }
  return false;
}

/** [a, a+as) and [b, b+bs) overlap (neither wraps past 4 GiB). */
@inline function overlap(a: u32, as: u32, b: u32, bs: u32): bool { return a - b < bs || b - a < as; }

/** A data access of `size` bytes at linear `lin` (after its translation succeeded). */
export function dataCheck(lin: u32, size: u32, write: bool): void {
  const dr7 = dr(7);
  const m = write ? writeMask | rwMask : rwMask;
  let h: u32 = 0;
  for (let i: u32 = 0; i < 4; i++) {
    if ((m & (1 << i)) && overlap(lin, size, bpStart(dr7, i), bpLen(dr7, i))) h |= 1 << i;
  }
  if (h != 0) setEvents(events() | h);
}

/** An I/O access to ports [port, port+size) (after its permission check passed). */
export function ioCheck(port: u32, size: u32): void {
  const dr7 = dr(7);
  let h: u32 = 0;
  for (let i: u32 = 0; i < 4; i++) {
    if ((ioMask & (1 << i)) && overlap(port, size, bpStart(dr7, i) & 0xFFFF, bpLen(dr7, i))) h |= 1 << i;
  }
  if (h != 0) setEvents(events() | h);
}

/** Breakpoint hits of the current instruction (REP string instructions stop after the iteration). */
@inline export function hits(): u32 { return events() & DBG_HITS; }

/** Deliver #DB with DR6 = `dr6`; GD is cleared so the handler may use the debug registers. */
function deliverDb(dr6: u32): void {
  setDr(6, dr6);
  setDr(7, dr(7) & ~DR7_GD);
  deliver(1, 0, false, 0);
  if (C.fault) { C.clearFault(); requestExit(EXIT_SHUTDOWN); }
}

/** Restore an RF that IRET or a task switch loaded, for the instruction about to run. */
@inline function takeRf(): void {
  if (events() & DBG_RF) { setEvents(events() & ~DBG_RF); setFlags(getFlags() | RF); }
}

/** A data/I-O breakpoint trap (hits) and/or a single-step trap (`step`): one #DB, DR6 with both. */
function trap(step: bool): void {
  const h = events() & DBG_HITS;
  if (h != 0) setEvents(events() & ~DBG_HITS);
  if (!step && h == 0) return;
  let dr6 = dr(6);
  if (h != 0) dr6 = (dr6 & ~0xF) | h;
  if (step) dr6 |= DR6_BS;
  deliverDb(dr6);
}

/**
 * Before the instruction at state EIP: a pending task-switch trap, then the instruction
 * breakpoints (fault class: EIP stays at the instruction; RF = 1 suppresses them for one
 * instruction). Returns true when #DB was delivered instead of running the instruction.
 */
function before(): bool {
  if (events() & DBG_TASK) {
    setEvents(events() & ~DBG_TASK);
    deliverDb(dr(6) | DR6_BT);
    return true;
  }
  if (!(events() & DBG_CODE) || (fl & RF)) return false;
  const lin = segBase(CS) + load<u32>(S, OFF_EIP);
  let b: u32 = 0;
  for (let i: u32 = 0; i < 4; i++) {
    if ((codeMask & (1 << i)) && dr(i) == lin) b |= 1 << i;
  }
  if (b == 0) return false;
  deliverDb((dr(6) & ~0xF) | b);
  return true;
}

/** What the run loop asks boundary() for. */
export const AT_TRAPS: u32 = 0; // rare branch, before pending events: RF hold, breakpoint trap
export const AT_CODE: u32 = 1; // rare branch, after pending events: task trap, code breakpoints
export const AT_STEP: u32 = 2; // after an instruction with TF set (op = its opcode)

/**
 * The run loop's one entry into this file (three call sites, so binaryen keeps it out of line and
 * the loop stays as it is without debug registers).
 * AT_TRAPS: the previous instruction's data/I-O breakpoint trap, with EIP (already stored) at the
 * next instruction; an RF held by IRET/task switch goes back into EFLAGS first, so any event
 * delivered at this boundary pushes it. AT_CODE: #DB for a task-switch trap or an instruction
 * breakpoint at state EIP, before that instruction; returns true when run() must return (a
 * delivery shut down, or 16 deliveries in a row). AT_STEP: the single-step trap (with any breakpoint hits of
 * the same instruction); INT n, INT3, INTO and INT1 clear TF for their handler and take none.
 */
export function boundary(at: u32, op: u32): bool {
  if (at == AT_CODE) {
    // The handler's first instruction may hold a breakpoint too; a handler that breaks on its own
    // entry recurses (as on a CPU) until its stack faults, but run() returns every 16 deliveries.
    for (let k = 0; k < 16; k++) {
      if (!before()) return false;
      if (C.exitReq) return true;
    }
    return true;
  }
  takeRf();
  if (at == AT_TRAPS) { trap(false); return false; }
  let step = op != 0xCC && op != 0xCD && op != 0xCE && op != 0xF1;
  if (stepBlocked) { stepBlocked = false; step = false; }
  store<u32>(S, C.ip, OFF_EIP);
  trap(step);
  return false;
}

/**
 * The current instruction stopped before executing without a fault: no single-step trap after it.
 * trapAfter() runs for this instruction exactly when TF was set at its start.
 */
export function noStepTrap(): void { stepBlocked = (fl & TF) != 0; }

/** An exception or interrupt is being delivered: breakpoint hits of a faulting instruction are void. */
export function eventDelivered(): void {
  if (events() & (DBG_HITS | DBG_RF)) setEvents(events() & ~(DBG_HITS | DBG_RF));
}

/**
 * EFLAGS was loaded from memory by IRET or a task switch: an RF = 1 is held in DEBUG_EVENTS until
 * the next boundary (the run loop clears EFLAGS.RF at the end of every instruction).
 */
export function flagsLoaded(): void {
  if (fl & RF) { setFlags(getFlags() & ~RF); setEvents(events() | DBG_RF); }
}

/**
 * A task switch committed: the local enables L0-L3 (and LE) are cleared (SDM §17.2.4), and a new
 * 32-bit TSS with T set asks for #DB before the new task's first instruction.
 */
export function taskSwitched(tBit: bool): void {
  setDr(7, dr(7) & ~0x155);
  if (tBit) setEvents(events() | DBG_TASK);
  rearm();
}

/**
 * MOV to or from a debug register with DR7.GD set: #DB (fault) with DR6.BD. Returns true when the
 * instruction must stop.
 */
export function generalDetect(): bool {
  if (!(dr(7) & DR7_GD)) return false;
  setDr(6, dr(6) | DR6_BD);
  setDr(7, dr(7) & ~DR7_GD);
  C.raise(1, 0, false);
  return true;
}
