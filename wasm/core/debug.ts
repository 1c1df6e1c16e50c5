// Debug registers (SDM vol. 3 chapter 17): instruction, data and I/O breakpoints from DR0-DR3 and
// DR7, the DR6 status bits, RF, general detect (DR7.GD) and the task-switch trap (TSS T bit).
//
// Nothing here runs while no breakpoint is enabled: `armed` (code breakpoints or a pending
// task-switch trap) is the one flag the run loop tests before an instruction; `dataArmed` keeps
// the pages of data breakpoints out of the TLB so that only accesses to those pages reach
// dataCheck() through the slow path; `ioArmed` is tested by IN/OUT/INS/OUTS. All three are caches
// of DR0-DR7 and CR4, recomputed by rearm() whenever those change (MOV DRn, MOV CR4, task switch,
// refresh()).
import * as C from './cpu';
import { S, fault, CS, segBase, requestExit, EXIT_SHUTDOWN } from './cpu';
import { OFF_DR, OFF_CR4, OFF_EIP } from './state';
import { fl, getFlags, setFlags, RF, TF } from './flags';
import { tlbFlush } from './mmu/paging';
import { deliver } from './interrupt';

export const DR6_BD: u32 = 0x2000;
export const DR6_BS: u32 = 0x4000;
export const DR6_BT: u32 = 0x8000;
export const DR7_GD: u32 = 0x2000;
const CR4_DE: u32 = 8;

/** Code breakpoints are enabled or a task-switch trap is pending: the loop calls before(). */
export let armed: bool = false;
/** Data breakpoints are enabled: mem.ts calls dataCheck() and paging.ts keeps their pages slow. */
export let dataArmed: bool = false;
/** I/O breakpoints are enabled (CR4.DE): IN/OUT/INS/OUTS call ioCheck(). */
export let ioArmed: bool = false;
/** The current instruction did not execute (a frozen x87 instruction): no single-step trap. */
let stepBlocked: bool = false;
/** B0-B3 of the data or I/O breakpoints hit by the current instruction (a trap after it). */
export let hits: u32 = 0;
/** IRET or a task switch loaded EFLAGS.RF = 1 during this instruction: it stays for the next. */
let rfLoaded: bool = false;
/** The new task's TSS has T set: #DB (BT) before its first instruction. */
let taskTrap: bool = false;

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
  armed = codeMask != 0 || taskTrap;
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
  for (let i: u32 = 0; i < 4; i++) {
    if ((m & (1 << i)) && overlap(lin, size, bpStart(dr7, i), bpLen(dr7, i))) hits |= 1 << i;
  }
}

/** An I/O access to ports [port, port+size) (after its permission check passed). */
export function ioCheck(port: u32, size: u32): void {
  const dr7 = dr(7);
  for (let i: u32 = 0; i < 4; i++) {
    if ((ioMask & (1 << i)) && overlap(port, size, bpStart(dr7, i) & 0xFFFF, bpLen(dr7, i))) hits |= 1 << i;
  }
}

/** Deliver #DB with DR6 = `dr6`; GD is cleared so the handler may use the debug registers. */
function deliverDb(dr6: u32): void {
  setDr(6, dr6);
  setDr(7, dr(7) & ~DR7_GD);
  deliver(1, 0, false, 0);
  if (C.fault) { C.clearFault(); requestExit(EXIT_SHUTDOWN); }
}

/**
 * Before the instruction at `eip` (state EIP): a pending task-switch trap, then the instruction
 * breakpoints (fault class: EIP stays at the instruction; RF = 1 suppresses them for one
 * instruction). Returns true when #DB was delivered instead of running the instruction.
 */
export function before(eip: u32): bool {
  if (taskTrap) {
    taskTrap = false;
    armed = codeMask != 0;
    deliverDb(dr(6) | DR6_BT);
    return true;
  }
  if (fl & RF) return false;
  const lin = segBase(CS) + eip;
  let b: u32 = 0;
  for (let i: u32 = 0; i < 4; i++) {
    if ((codeMask & (1 << i)) && dr(i) == lin) b |= 1 << i;
  }
  if (b == 0) return false;
  deliverDb((dr(6) & ~0xF) | b);
  return true;
}

/**
 * After an instruction that completed: the single-step trap (`step`) and the data/I-O
 * breakpoints it hit, as one #DB with EIP at the next instruction.
 */
export function trapAfter(step: bool): void {
  if (stepBlocked) { stepBlocked = false; step = false; }
  const h = hits;
  hits = 0;
  if (!step && h == 0) return;
  store<u32>(S, C.ip, OFF_EIP);
  let dr6 = dr(6);
  if (h != 0) dr6 = (dr6 & ~0xF) | h;
  if (step) dr6 |= DR6_BS;
  deliverDb(dr6);
}

/**
 * The current instruction stopped before executing without a fault: no single-step trap after it.
 * trapAfter() runs for this instruction exactly when TF was set at its start.
 */
export function noStepTrap(): void { stepBlocked = (fl & TF) != 0; }

/** An exception or interrupt is being delivered: breakpoint hits of a faulting instruction are void. */
export function eventDelivered(): void { hits = 0; rfLoaded = false; }

/** EFLAGS was loaded from memory by IRET or a task switch (RF may now be 1 for the next instruction). */
export function flagsLoaded(): void { rfLoaded = (fl & RF) != 0; }

/** End of an instruction with RF set: clear it unless the instruction itself loaded it. */
export function rfEnd(): void {
  if (rfLoaded) { rfLoaded = false; return; }
  if (!fault) setFlags(getFlags() & ~RF);
}

/**
 * A task switch committed: the local enables L0-L3 (and LE) are cleared (SDM §17.2.4), and a new
 * 32-bit TSS with T set asks for #DB before the new task's first instruction.
 */
export function taskSwitched(tBit: bool): void {
  setDr(7, dr(7) & ~0x155);
  if (tBit) taskTrap = true;
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
