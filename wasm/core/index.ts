// The core's exports: init(), run(budget), refresh() and a few debug hooks. One instance per vCPU;
// all instances share one memory, each finds its state block through `init(base)`.
//
// Contract with the handlers: during an instruction, C.ip is the offset of the next byte to fetch
// (the return address for traps and INT n); C.startIp/C.startEsp are EIP/ESP at its start. A fault
// (C.fault) makes the loop restore EIP and ESP and deliver the exception with EIP = startIp.
import * as C from './cpu';
import { S, fault, r32, w32, ESP, CS, SS } from './cpu';
import * as St from './state';
import {
  OFF_EIP, OFF_EFLAGS, OFF_HALTED, OFF_INT_SHADOW, OFF_DEBUG_EVENTS, OFF_PENDING, OFF_INSTRET, OFF_CR0, OFF_SEG_ATTR,
  OFF_SEG_BASE, OFF_SEG_LIMIT, OFF_SEG_SEL, OFF_EXIT_REASON, OFF_CPL, OFF_APIC_BASE, OFF_FPU_CW,
  OFF_FPU_TW, OFF_CR4, OFF_CR3, OFF_CR2, OFF_DR, OFF_GDT_LIMIT, OFF_IDT_LIMIT,
} from './state';
import { getFlags, setFlags, fl, IF, TF, VM, RF } from './flags';
import { fetch8, refreshCs, refreshSegFast, flushFetch } from './decode';
import { selectTags, tlbFlush } from './mmu/paging';
import { dispatch } from './gen/dispatch';
import { deliver } from './interrupt';
import * as D from './debug';
import * as T from './trace';
import { hostIntAck } from './host';
import {
  PEND_LAPIC, lapicReset, lapicSyncBase, lapicTake, lapicService, lapicAcceptsPic, lapicPoll,
} from './lapic';

export const LAYOUT_HASH: u32 = St.LAYOUT_HASH;

export const PEND_INTR: u32 = 1;
export const PEND_NMI: u32 = 2;
export const PEND_INIT: u32 = 4;
export const PEND_SIPI: u32 = 8;
export { PEND_LAPIC };
export const PEND_TLB_FLUSH: u32 = 64;
/** The host wants run() to return at the next instruction boundary (reset, stop, snapshot). */
export const PEND_EXIT: u32 = 128;
/** An ExtINT message (IOAPIC or IPI): one INTA cycle on the 8259, as for the INTR line. */
export const PEND_EXTINT: u32 = 256;

/** Instructions between two checks of the LAPIC timer's deadline against the host clock. */
const TIMER_POLL_INSTRUCTIONS: u32 = 2048;

/** Bind this instance to its state block and put the vCPU in its power-on state. */
export function init(base: u32): void {
  T.abandon();
  C.setStateBase(base);
  T.jitForget();
  reset();
}

/**
 * Power-on / RESET state (SDM vol. 3 §9.1.1). An AP then waits for a STARTUP IPI, as the MP spec
 * has the BIOS leave it; the BSP runs from the reset vector.
 */
export function reset(): void {
  resetRegisters();
  store<u32>(S, 0xFEE00000 | 0x800 | (isBsp() ? 0x100 : 0), OFF_APIC_BASE);
  store<u32>(S, 0x40, OFF_FPU_CW);
  store<u32>(S, 0x5555, OFF_FPU_TW);
  // Events for the CPU are gone; the INTR line's level and the host's requests stay.
  atomic.and<u32>(S + OFF_PENDING, ~(PEND_NMI | PEND_INIT | PEND_SIPI | PEND_LAPIC | PEND_EXTINT));
  lapicReset(true);
  if (!isBsp()) store<u32>(S, 2, OFF_HALTED);
  refresh();
}

@inline function isBsp(): bool { return load<u32>(S, St.OFF_CPU_INDEX) == 0; }

/**
 * INIT (SDM §9.1, Table 9-1; §10.4.7.3): the registers RESET sets, except that the x87 state, the
 * MSRs (IA32_APIC_BASE too) and the TSC stay; the LAPIC returns to its power-up state but keeps its
 * ID. An AP enters wait-for-SIPI; the BSP restarts at the reset vector.
 */
function initCpu(): void {
  resetRegisters();
  lapicReset(false);
  if (!isBsp()) store<u32>(S, 2, OFF_HALTED);
  refresh();
}

/** STARTUP in wait-for-SIPI: real mode at CS = vector << 8, IP = 0 (MP spec B.4.2). */
function startup(vec: u32): void {
  store<u32>(S + (CS << 2), vec << 8, OFF_SEG_SEL);
  store<u32>(S + (CS << 2), vec << 12, OFF_SEG_BASE);
  store<u32>(S + (CS << 2), 0xFFFF, OFF_SEG_LIMIT);
  store<u32>(S + (CS << 2), 0x9B, OFF_SEG_ATTR);
  store<u32>(S, 0, OFF_EIP);
  store<u32>(S, 0, OFF_HALTED);
  refresh();
}

/** The registers RESET and INIT both set. */
function resetRegisters(): void {
  for (let i: u32 = 0; i < 8; i++) w32(i, 0);
  w32(2, 0x600 | 0x19); // EDX = family/model/stepping
  store<u32>(S, 0xFFF0, OFF_EIP);
  setFlags(2);
  for (let s: u32 = 0; s < 6; s++) {
    store<u32>(S + (s << 2), 0, OFF_SEG_SEL);
    store<u32>(S + (s << 2), 0, OFF_SEG_BASE);
    store<u32>(S + (s << 2), 0xFFFF, OFF_SEG_LIMIT);
    store<u32>(S + (s << 2), 0x93, OFF_SEG_ATTR); // present, read/write, accessed
  }
  store<u32>(S + (CS << 2), 0xF000, OFF_SEG_SEL);
  store<u32>(S + (CS << 2), 0xFFFF0000, OFF_SEG_BASE);
  store<u32>(S + (CS << 2), 0x9B, OFF_SEG_ATTR);
  for (let s: u32 = 6; s < 8; s++) {
    store<u32>(S + (s << 2), 0, OFF_SEG_SEL);
    store<u32>(S + (s << 2), 0, OFF_SEG_BASE);
    store<u32>(S + (s << 2), 0xFFFF, OFF_SEG_LIMIT);
    store<u32>(S + (s << 2), s == 6 ? 0x82 : 0x8B, OFF_SEG_ATTR);
  }
  store<u32>(S, 0x60000010, OFF_CR0);
  store<u32>(S, 0, OFF_CR2);
  store<u32>(S, 0, OFF_CR3);
  store<u32>(S, 0, OFF_CR4);
  for (let i: u32 = 0; i < 8; i++) store<u32>(S + (i << 2), 0, OFF_DR);
  store<u32>(S, 0xFFFF0FF0, OFF_DR + 24);
  store<u32>(S, 0x400, OFF_DR + 28);
  store<u32>(S, 0xFFFF, OFF_GDT_LIMIT);
  store<u32>(S, 0xFFFF, OFF_IDT_LIMIT);
  store<u32>(S, 0, OFF_CPL);
  store<u32>(S, 0, OFF_HALTED);
  store<u32>(S, 0, OFF_INT_SHADOW);
  store<u32>(S, 0, OFF_DEBUG_EVENTS);
  store<u32>(S, getFlags(), OFF_EFLAGS);
}

/** Recompute every cache derived from the state block (after the host changed it). */
export function refresh(): void {
  setFlags(load<u32>(S, OFF_EFLAGS));
  const pe = (load<u32>(S, OFF_CR0) & 1) != 0;
  const vm = (fl & VM) != 0;
  C.setModes(
    (load<u32>(S + (CS << 2), OFF_SEG_ATTR) & 0x4000) != 0 && pe && !vm,
    (load<u32>(S + (SS << 2), OFF_SEG_ATTR) & 0x4000) != 0 && pe && !vm,
    pe && !vm, vm);
  for (let s: u32 = 0; s < 6; s++) refreshSegFast(s);
  refreshCs();
  selectTags();
  tlbFlush(false);
  flushFetch();
  lapicSyncBase();
  D.rearm();
}

/** Make the state block authoritative (flags materialised). */
function sync(): void { store<u32>(S, getFlags(), OFF_EFLAGS); }

/**
 * Take a pending event if one is deliverable now; returns true if the vCPU may run.
 * Called at instruction boundaries only.
 */
function takePending(): void {
  let p = atomic.load<u32>(S + OFF_PENDING);
  if (p & PEND_TLB_FLUSH) { atomic.and<u32>(S + OFF_PENDING, ~PEND_TLB_FLUSH); tlbFlush(false); flushFetch(); }
  if (p & PEND_EXIT) { atomic.and<u32>(S + OFF_PENDING, ~PEND_EXIT); C.requestExit(C.EXIT_PAUSE); return; }
  if (p & PEND_INIT) {
    atomic.and<u32>(S + OFF_PENDING, ~PEND_INIT);
    initCpu();
    p = atomic.load<u32>(S + OFF_PENDING);
  }
  if (p & PEND_SIPI) {
    // A STARTUP outside wait-for-SIPI is ignored (the MP spec's second SIPI lands here).
    atomic.and<u32>(S + OFF_PENDING, ~PEND_SIPI);
    if (load<u32>(S, OFF_HALTED) == 2) { startup(atomic.load<u32>(S + St.OFF_SIPI_VECTOR) & 0xFF); return; }
  }
  // Wait-for-SIPI holds every other event; shutdown leaves only to NMI (and INIT, RESET).
  const h = load<u32>(S, OFF_HALTED);
  if (h == 2) return;
  if (p & PEND_NMI) {
    atomic.and<u32>(S + OFF_PENDING, ~PEND_NMI);
    store<u32>(S, 0, OFF_HALTED);
    deliver(2, 0, false, 1);
    return;
  }
  if (h == 3) return;
  if (p & PEND_LAPIC) lapicService();
  if (!(fl & IF)) return;
  if (p & PEND_LAPIC) {
    const v = lapicTake();
    if (v >= 0) { store<u32>(S, 0, OFF_HALTED); deliver(<u32>v, 0, false, 1); return; }
  }
  if (p & PEND_EXTINT) {
    atomic.and<u32>(S + OFF_PENDING, ~PEND_EXTINT);
    store<u32>(S, 0, OFF_HALTED);
    const vec = hostIntAck();
    if (vec < 256) deliver(vec, 0, false, 1);
    return;
  }
  // The 8259's INTR line reaches the CPU through LINT0 (ExtINT) or directly without an APIC.
  if ((p & PEND_INTR) && lapicAcceptsPic()) {
    store<u32>(S, 0, OFF_HALTED);
    const vec = hostIntAck();
    if (vec < 256) deliver(vec, 0, false, 1);
  }
}

/** Run up to `budget` instructions; returns an EXIT_* reason. */
export function run(budget: u32): u32 {
  C.clearExit();
  C.clearFault();
  C.resetSpin();
  lapicPoll();
  let n: u32 = 0;
  let poll: u32 = TIMER_POLL_INSTRUCTIONS;
  while (n < budget) {
    if (n >= poll) { lapicPoll(); poll = n + TIMER_POLL_INSTRUCTIONS; }
    // One test for the four rare conditions (interrupt shadow, pending event, halted, debug events).
    if ((load<u32>(S, OFF_INT_SHADOW) | atomic.load<u32>(S + OFF_PENDING) | load<u32>(S, OFF_HALTED)
      | load<u32>(S, OFF_DEBUG_EVENTS)) != 0) {
      // Debug registers (debug.ts): the previous instruction's breakpoint trap comes before events.
      if (load<u32>(S, OFF_DEBUG_EVENTS)) { D.boundary(D.AT_TRAPS, 0); if (C.exitReq) break; }
      if (load<u32>(S, OFF_INT_SHADOW)) store<u32>(S, 0, OFF_INT_SHADOW);
      else if (atomic.load<u32>(S + OFF_PENDING) != 0) {
        takePending();
        if (C.fault) { C.clearFault(); C.requestExit(C.EXIT_SHUTDOWN); break; }
        if (C.exitReq) break;
      }
      if (load<u32>(S, OFF_HALTED)) { C.requestExit(C.EXIT_HLT); break; }
      // A task-switch trap or an instruction breakpoint: #DB instead of the instruction, then the
      // handler's first instruction runs in this iteration (as after an interrupt). No `continue`:
      // a second back edge of this loop cost 20% of the ALU benchmark (TurboFan, 2026-11-26).
      if (load<u32>(S, OFF_DEBUG_EVENTS) && D.boundary(D.AT_CODE, 0)) break;
    }
    const eip = load<u32>(S, OFF_EIP);
    const trap = (fl & TF) != 0;
    // A trace (trace.ts) when nothing needs a per-instruction look: no TF, RF or debug event. (An
    // interrupt shadow only delays events, which a trace does anyway until its end.)
    const slot = ((fl & (TF | RF)) | load<u32>(S, OFF_DEBUG_EVENTS)) == 0 && !D.dataArmed && T.enabled
      ? T.traceAt(eip, budget - n) : 0;
    let op: u32 = 0;
    if (slot != 0) {
      n += T.replay(slot, eip, budget - n, poll > n ? poll - n : 0);
    } else {
      C.startIp = eip;
      C.startEsp = r32(ESP);
      C.ip = eip;
      C.setPrefixDefaults(C.code32);
      op = fetch8();
      // Prefixes: at most 14 before the opcode (an instruction is at most 15 bytes).
      // Cheap pre-test: 26 2E 36 3E (x & E7 == 26), 64-67, F0-F3 (F1 is not a prefix: the loop breaks).
      if ((op & 0xE7) == 0x26 || (op & 0xFC) == 0x64 || (op & 0xFC) == 0xF0)
      for (let k = 0; k < 15 && !fault; k++) {
        if (op == 0x66) C.opsz32 = !C.code32;
        else if (op == 0x67) C.adsz32 = !C.code32;
        else if (op == 0x26 || op == 0x2E || op == 0x36 || op == 0x3E) C.segOv = (op >> 3) & 3;
        else if (op == 0x64 || op == 0x65) C.segOv = op - 0x60;
        else if (op == 0xF3 || op == 0xF2) C.repPfx = op;
        else if (op == 0xF0) C.lockPfx = true;
        else break;
        op = fetch8();
        if (k == 13) { C.raiseGP(0); }
      }
      const opEnd = C.ip;
      if (!fault) dispatch(op);
      n++;
      if (T.recording()) { if (fault) T.finish(); else T.record(op, opEnd); }
    }
    if (fault) {
      C.clearFault();
      store<u32>(S, C.startIp, OFF_EIP);
      w32(ESP, C.startEsp);
      C.ip = C.startIp;
      // A fault-class exception pushes EFLAGS with RF set (SDM vol. 3 §17.3.1.1); traps do not.
      const v = C.faultVec;
      if (v != 1 && v != 3 && v != 4 && v != 8 && v != 18) setFlags(getFlags() | RF);
      deliver(C.faultVec, C.faultErr, C.faultHasErr, 0);
      if (C.fault) { C.clearFault(); C.requestExit(C.EXIT_SHUTDOWN); }
    } else if (trap) {
      // Single step (with any data/I-O breakpoint hits of this instruction): one #DB trap. Hits
      // without TF trap at the next boundary (the rare branch above).
      D.boundary(D.AT_STEP, op);
    }
    store<u32>(S, C.ip, OFF_EIP);
    if (fl & RF) { if (!fault) setFlags(getFlags() & ~RF); }
    if (C.exitReq) break;
  }
  store<u64>(S, load<u64>(S, OFF_INSTRET) + n, OFF_INSTRET);
  sync();
  const r = C.exitReq;
  store<u32>(S, r, OFF_EXIT_REASON);
  return r;
}

/** Turn the trace cache (trace.ts) on or off for this instance (tests compare both paths). */
export function traces(on: bool): void { T.setEnabled(on); }

/** The vendor flavour (vendor.ts: 0 AMD, 1 Intel) of this instance. */
export { setVendor } from './vendor';

/** Debug hook: the materialised EFLAGS. */
export function flags(): u32 { return getFlags(); }

import { CPUID_FEATURES } from './exec/misc';
/** CPUID(1).EDX as the core reports it (the firmware tables list the same features). */
export function cpuidFeatures(): u32 { return CPUID_FEATURES; }

/** Bind this instance to a state block the host already set up (a vCPU moving to a worker). */
export function attach(base: u32): void {
  T.abandon();
  C.setStateBase(base);
  T.jitForget();
  refresh();
}

// ---- The trace compiler's interface (src/worker/jit/): compiled traces import these ----
/** The trace compiler off (0) or on, compiling a trace after `hot` executions (1..65534); forgets every compiled trace. */
export function jit(hot: u32): void { T.jitSet(hot); }
export { fl, lop, la, lb, lres, lsign } from './flags';
export { fault, exitReq } from './cpu';
export { stopN, jitExtra, genEntry, jStop } from './trace';
export { jRd, jWr, jRdW, jLinR, jLinW, jCond, jIncDec, jShift } from './jit-abi';
