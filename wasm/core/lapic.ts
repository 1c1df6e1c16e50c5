// The local APIC (xAPIC, SDM vol. 3 ch. 10), one per vCPU, living in its state block: the register
// page is `lapic` (register at MMIO offset X = word X/4), plus lapic_esr_acc, lapic_timer_start and
// lapic_deadline_ns. The MMIO window at IA32_APIC_BASE is served here, never through the host and
// never through the TLB (physAddr classifies it as MMIO).
//
// Other threads (src/vmm/lapic-bus.ts: IOAPIC messages and the IPIs the host delivers; other cores:
// fixed and lowest-priority IPIs, busFixed below) set IRR and TMR bits with atomic or/and and then
// set PEND_LAPIC in `pending` (and notify it); so IRR/TMR words are only touched with atomics here
// too. ISR and every other register belong to this vCPU alone (others only read them).
//
// Choices where the SDM leaves room:
// - Version 0x14 with 6 LVT entries (max LVT 5: timer, thermal, perf, LINT0, LINT1, error), no
//   CMCI, no EOI-broadcast suppression, no TSC-deadline mode (CPUID.1:ECX.24 stays clear).
// - The timer counts at APIC_TICK_NS per bus clock (100 MHz) before the divider, on the common
//   host clock; the current count is computed on read, the next event is published in
//   lapic_deadline_ns and checked by lapicPoll() (run() entry and every few thousand instructions).
// - Interrupt acceptance is atomic with delivery (no INTR/INTA window), so this APIC never needs
//   to deliver the spurious vector; SVR only stores it.
// - While software-disabled (SVR bit 8 clear) the APIC drops incoming fixed and lowest-priority
//   messages (as KVM does), keeps IRR/ISR ("held", SDM 10.4.7.2) and still delivers them, forces
//   every LVT mask bit, and still sends IPIs.
// - At power-on the BSP's LINT0 is ExtINT unmasked (the virtual-wire state a PC BIOS leaves, as in
//   the MP table's virtual-wire mode) so the 8259 reaches the BSP before the guest sets up its APIC.
// - Sub-dword reads return the addressed bytes of a register; writes must hit a register's first
//   dword at its 16-byte boundary (others are ignored); narrower writes are zero-extended.
// - Accesses to reserved offsets set ESR bit 7 (illegal register address); writes to read-only
//   registers are ignored silently.
import { S } from './cpu';
import {
  OFF_LAPIC, OFF_APIC_ID, OFF_APIC_BASE, OFF_PENDING, OFF_CPU_INDEX, OFF_LAPIC_ESR_ACC,
  OFF_LAPIC_TIMER_START, OFF_LAPIC_DEADLINE_NS, VCPU_BASE, VCPU_BLOCK_SIZE, MAX_VCPUS, SH_NUM_VCPUS,
} from './state';
import { hostApicMessage } from './host';
import { clockNs } from './clock';

/** `pending` bit: IRR or ESR of this LAPIC changed (another thread, the timer, an EOI, TPR). */
export const PEND_LAPIC: u32 = 16;

/** hostApicMessage kinds. IPI: a = ICR low, b = ICR high bits 31:24 | sender's cpu_index. */
export const APIC_MSG_IPI: u32 = 1;
/** EOI of a level-triggered vector (TMR set): a = vector; the host broadcasts it to the IOAPICs. */
export const APIC_MSG_EOI: u32 = 2;

/** Nanoseconds per APIC bus clock (100 MHz), the timer's input before the divider. */
export const APIC_TICK_NS: u64 = 10;

// Register offsets (SDM Table 10-1).
const ID: u32 = 0x20;
const VER: u32 = 0x30;
const TPR: u32 = 0x80;
const APR: u32 = 0x90;
const PPR: u32 = 0xA0;
const EOI: u32 = 0xB0;
const RRD: u32 = 0xC0;
const LDR: u32 = 0xD0;
const DFR: u32 = 0xE0;
const SVR: u32 = 0xF0;
const ISR: u32 = 0x100;
const TMR: u32 = 0x180;
const IRR: u32 = 0x200;
const ESR: u32 = 0x280;
const ICR_LO: u32 = 0x300;
const ICR_HI: u32 = 0x310;
const LVT_TIMER: u32 = 0x320;
const LVT_THERMAL: u32 = 0x330;
const LVT_PERF: u32 = 0x340;
const LVT_LINT0: u32 = 0x350;
const LVT_LINT1: u32 = 0x360;
const LVT_ERROR: u32 = 0x370;
const TIMER_ICR: u32 = 0x380;
const TIMER_CCR: u32 = 0x390;
const TIMER_DCR: u32 = 0x3E0;

/** Version 0x14 (integrated xAPIC), max LVT entry 5. */
const VERSION: u32 = 0x00050014;
const LVT_MASK: u32 = 0x10000;
const SVR_ENABLE: u32 = 0x100;
const TIMER_PERIODIC: u32 = 0x20000;
const DM_EXTINT: u32 = 0x700;
const DM_NMI: u32 = 0x400;

const ESR_SEND_ILLEGAL: u32 = 0x20;
const ESR_RECV_ILLEGAL: u32 = 0x40;
const ESR_ILLEGAL_REG: u32 = 0x80;
const ESR_SIGNAL: u32 = 0x80000000;

const BASE_ENABLE: u32 = 0x800;

/** Page of the MMIO window (IA32_APIC_BASE & ~0xFFF), or 1 (matches no page) when disabled. */
export let apicWin: u32 = 1;

@inline function reg(off: u32): u32 { return load<u32>(S + off, OFF_LAPIC); }
@inline function setReg(off: u32, v: u32): void { store<u32>(S + off, v, OFF_LAPIC); }
/** Address of the IRR/ISR/TMR word holding `vec`. */
@inline function vecWord(arr: u32, vec: u32): u32 { return S + OFF_LAPIC + arr + ((vec >> 5) << 4); }
@inline function vecBit(vec: u32): u32 { return 1 << (vec & 31); }
@inline function postSelf(): void { atomic.or<u32>(S + OFF_PENDING, PEND_LAPIC); }
@inline function now(): i64 { return clockNs(); }

/** Highest vector set in the 256-bit array at `arr` (ISR, TMR, IRR), or -1. */
function highest(arr: u32): i32 {
  for (let w: i32 = 7; w >= 0; w--) {
    const v = atomic.load<u32>(S + OFF_LAPIC + arr + (<u32>w << 4));
    if (v != 0) return (w << 5) + 31 - <i32>clz(v);
  }
  return -1;
}

// ---------------------------------------------------------------- reset and the base MSR

/** RESET (power) or INIT state of the registers (SDM 10.4.7.1, 10.4.7.3: INIT keeps the ID). */
export function lapicReset(power: bool): void {
  const id = power ? load<u32>(S, OFF_APIC_ID) << 24 : reg(ID);
  for (let i: u32 = 0; i < 256; i++) atomic.store<u32>(S + OFF_LAPIC + (i << 2), 0);
  setReg(ID, id);
  setReg(VER, VERSION);
  setReg(DFR, 0xFFFFFFFF);
  setReg(SVR, 0xFF);
  for (let r = LVT_TIMER; r <= LVT_ERROR; r += 0x10) setReg(r, LVT_MASK);
  if (load<u32>(S, OFF_CPU_INDEX) == 0) {
    setReg(LVT_LINT0, DM_EXTINT);
    setReg(LVT_LINT1, DM_NMI);
  }
  atomic.store<u32>(S + OFF_LAPIC_ESR_ACC, 0);
  store<i64>(S, 0, OFF_LAPIC_TIMER_START);
  store<u64>(S, 0, OFF_LAPIC_DEADLINE_NS);
  atomic.and<u32>(S + OFF_PENDING, ~PEND_LAPIC);
  lapicSyncBase();
}

/** Recompute the MMIO window from IA32_APIC_BASE (after a WRMSR or a host change). */
export function lapicSyncBase(): void {
  const b = load<u32>(S, OFF_APIC_BASE);
  apicWin = (b & BASE_ENABLE) ? b & 0xFFFFF000 : 1;
}

/** IA32_APIC_BASE was written (old value `old`): a cleared global enable resets the APIC. */
export function lapicBaseWritten(old: u32): void {
  const b = load<u32>(S, OFF_APIC_BASE);
  // SDM 10.4.3: with the global enable clear the processor has no APIC; re-enabled, it comes back
  // in its power-up state (P4 and later).
  if ((old & BASE_ENABLE) && !(b & BASE_ENABLE)) lapicReset(false);
  lapicSyncBase();
}

/** Global enable (IA32_APIC_BASE bit 11). */
@inline export function lapicHwEnabled(): bool { return (load<u32>(S, OFF_APIC_BASE) & BASE_ENABLE) != 0; }

// ---------------------------------------------------------------- priorities and acceptance

function ppr(): u32 {
  const tpr = reg(TPR);
  const isrv = highest(ISR);
  const isrc: u32 = isrv < 0 ? 0 : <u32>isrv & 0xF0;
  return (tpr & 0xF0) >= isrc ? tpr : isrc;
}

/** SDM 10.8.3.1: the arbitration priority. */
function apr(): u32 {
  const tpr = reg(TPR);
  const isrv = highest(ISR);
  const irrv = highest(IRR);
  const isrc: u32 = isrv < 0 ? 0 : <u32>isrv & 0xF0;
  const irrc: u32 = irrv < 0 ? 0 : <u32>irrv & 0xF0;
  if ((tpr & 0xF0) >= irrc && (tpr & 0xF0) > isrc) return tpr;
  let m = tpr & 0xF0;
  if (isrc > m) m = isrc;
  if (irrc > m) m = irrc;
  return m;
}

/**
 * Take the highest-priority IRR vector above PPR into service (IRR → ISR); returns it, or -1.
 * PEND_LAPIC is cleared first, so a bit another thread sets meanwhile is seen at the next boundary.
 */
export function lapicTake(): i32 {
  atomic.and<u32>(S + OFF_PENDING, ~PEND_LAPIC);
  if (!lapicHwEnabled()) return -1;
  const v = highest(IRR);
  if (v < 0 || (<u32>v & 0xF0) <= (ppr() & 0xF0)) return -1;
  const vec = <u32>v;
  atomic.and<u32>(vecWord(IRR, vec), ~vecBit(vec));
  const w = vecWord(ISR, vec);
  store<u32>(w, load<u32>(w) | vecBit(vec));
  return v;
}

/** PEND_LAPIC housekeeping that does not depend on IF: errors logged by other threads. */
export function lapicService(): void {
  const e = atomic.load<u32>(S + OFF_LAPIC_ESR_ACC);
  if (e & ESR_SIGNAL) {
    atomic.and<u32>(S + OFF_LAPIC_ESR_ACC, ~ESR_SIGNAL);
    signalError();
  }
}

/** The 8259's INTR reaches the CPU: no APIC (globally disabled), or LINT0 is unmasked ExtINT. */
export function lapicAcceptsPic(): bool {
  if (!lapicHwEnabled()) return true;
  return (reg(LVT_LINT0) & (LVT_MASK | 0x700)) == DM_EXTINT;
}

/** A locally generated fixed interrupt (LVT entry, self IPI): edge-triggered into IRR. */
function localFixed(vec: u32): void {
  if (vec < 16) { logError(ESR_RECV_ILLEGAL); return; }
  atomic.and<u32>(vecWord(TMR, vec), ~vecBit(vec));
  atomic.or<u32>(vecWord(IRR, vec), vecBit(vec));
  postSelf();
}

/** Log an error in the ESR and raise the LVT error interrupt. */
function logError(bits: u32): void {
  atomic.or<u32>(S + OFF_LAPIC_ESR_ACC, bits);
  signalError();
}
function signalError(): void {
  const lvt = reg(LVT_ERROR);
  if (lvt & LVT_MASK) return;
  const vec = lvt & 0xFF;
  // An illegal error vector is itself an error, but must not signal again.
  if (vec < 16) { atomic.or<u32>(S + OFF_LAPIC_ESR_ACC, ESR_RECV_ILLEGAL); return; }
  localFixed(vec);
}

// ---------------------------------------------------------------- EOI and IPIs

function eoi(): void {
  const v = highest(ISR);
  if (v < 0) return;
  const vec = <u32>v;
  const w = vecWord(ISR, vec);
  store<u32>(w, load<u32>(w) & ~vecBit(vec));
  if (atomic.load<u32>(vecWord(TMR, vec)) & vecBit(vec)) hostApicMessage(APIC_MSG_EOI, vec, 0);
  postSelf(); // a lower-priority IRR vector may now be deliverable
}

/** A write to ICR low sends the IPI it describes (delivery completes before the write returns). */
function sendIpi(lo: u32): void {
  const mode = (lo >> 8) & 7;
  const vec = lo & 0xFF;
  const shorthand = (lo >> 18) & 3;
  if (mode <= 1 && vec < 16) { logError(ESR_SEND_ILLEGAL); return; }
  if (shorthand == 1) {
    // Self: only fixed delivery is valid (SDM Table 10-3); no bus message.
    if (mode == 0 && (reg(SVR) & SVR_ENABLE)) localFixed(vec);
    return;
  }
  // Fixed and lowest-priority IPIs (the ones a running kernel sends: reschedule, call-function,
  // TLB shootdown) go straight into the targets' state blocks, as the host's LapicBus would put
  // them, and wake a target parked in Atomics.wait; the rest (NMI, INIT, STARTUP, ExtINT, SMI,
  // reserved) goes through the host.
  if (mode <= 1) { busFixed(lo, reg(ICR_HI) >> 24, load<u32>(S, OFF_CPU_INDEX)); return; }
  hostApicMessage(APIC_MSG_IPI, lo, (reg(ICR_HI) & 0xFF000000) | load<u32>(S, OFF_CPU_INDEX));
}

// ---- the APIC bus for fixed and lowest-priority IPIs, core to core (same rules as
// src/vmm/lapic-bus.ts: targets(), lowest(), accept(); keep the two in step) ----

/** Register `off` of vCPU i's APIC. */
@inline function busReg(i: u32, off: u32): u32 { return atomic.load<u32>(VCPU_BASE + i * VCPU_BLOCK_SIZE + OFF_LAPIC + off); }
@inline function busVecSet(i: u32, arr: u32, vec: u32): bool {
  return (busReg(i, arr + ((vec >> 5) << 4)) & vecBit(vec)) != 0;
}
function busCount(): u32 {
  const n = load<u32>(SH_NUM_VCPUS);
  return n == 0 ? 1 : n > MAX_VCPUS ? MAX_VCPUS : n;
}
@inline function busHwEnabled(i: u32): bool { return (load<u32>(VCPU_BASE + i * VCPU_BLOCK_SIZE + OFF_APIC_BASE) & 0x800) != 0; }
@inline function busSwEnabled(i: u32): bool { return (busReg(i, SVR) & SVR_ENABLE) != 0; }
function busMatches(i: u32, dest: u32, logical: bool): bool {
  if (dest == 0xFF) return true;
  if (!logical) return (busReg(i, ID) >> 24) == dest;
  const ldr = busReg(i, LDR) >> 24;
  if ((busReg(i, DFR) >> 28) == 0xF) return (ldr & dest) != 0;
  return (ldr >> 4) == (dest >> 4) && (ldr & dest & 0xF) != 0;
}

/** Deliver a fixed (mode 0) or lowest-priority (mode 1) IPI from vCPU `src`; vector >= 16. */
function busFixed(lo: u32, dest: u32, src: u32): void {
  const n = busCount();
  const vec = lo & 0xFF;
  const shorthand = (lo >> 18) & 3;
  let mask: u32 = 0;
  const all: u32 = (1 << n) - 1;
  if (shorthand == 2) mask = all;
  else if (shorthand == 3) mask = all & ~(1 << src);
  else for (let i: u32 = 0; i < n; i++) if (busMatches(i, dest, (lo & 0x800) != 0)) mask |= 1 << i;
  for (let i: u32 = 0; i < n; i++) if (!busHwEnabled(i)) mask &= ~(1 << i);
  if (((lo >> 8) & 7) == 1) {
    // Lowest priority: a focus processor (vector in IRR or ISR, focus checking on) wins, else the
    // lowest TPR, ties to the lowest index.
    let best: i32 = -1;
    let bestTpr: u32 = 0x100;
    for (let i: u32 = 0; i < n; i++) {
      if (!((mask >> i) & 1) || !busSwEnabled(i)) continue;
      if ((busReg(i, SVR) & 0x200) == 0 && (busVecSet(i, IRR, vec) || busVecSet(i, ISR, vec))) { best = <i32>i; break; }
      const tpr = busReg(i, TPR) & 0xFF;
      if (tpr < bestTpr) { best = <i32>i; bestTpr = tpr; }
    }
    mask = best < 0 ? 0 : 1 << <u32>best;
  }
  const level = (lo & 0x8000) != 0;
  for (let i: u32 = 0; i < n; i++) {
    if (!((mask >> i) & 1) || !busSwEnabled(i)) continue;
    const b = VCPU_BASE + i * VCPU_BLOCK_SIZE;
    const w = (vec >> 5) << 4;
    if (level) atomic.or<u32>(b + OFF_LAPIC + TMR + w, vecBit(vec));
    else atomic.and<u32>(b + OFF_LAPIC + TMR + w, ~vecBit(vec));
    atomic.or<u32>(b + OFF_LAPIC + IRR + w, vecBit(vec));
    atomic.or<u32>(b + OFF_PENDING, PEND_LAPIC);
    atomic.notify(b + OFF_PENDING, 1);
  }
}

// ---------------------------------------------------------------- timer

/** Nanoseconds per count: the bus clock times the divide configuration. */
function countNs(): i64 {
  const d = reg(TIMER_DCR);
  const idx = (d & 3) | ((d >> 1) & 4);
  return <i64>APIC_TICK_NS << <i64>((idx + 1) & 7);
}

function currentCount(t: i64): u32 {
  const init = reg(TIMER_ICR);
  if (init == 0) return 0;
  let el = t - load<i64>(S, OFF_LAPIC_TIMER_START);
  if (el < 0) el = 0;
  const ticks = el / countNs();
  if (reg(LVT_TIMER) & TIMER_PERIODIC) return init - <u32>(ticks % <i64>init);
  return ticks >= <i64>init ? 0 : init - <u32>ticks;
}

/** Recompute the next timer event from the count start, the mode and the count. */
function timerRearm(t: i64): void {
  const init = reg(TIMER_ICR);
  let dl: i64 = 0;
  if (init != 0) {
    const period = <i64>init * countNs();
    const start = load<i64>(S, OFF_LAPIC_TIMER_START);
    if (reg(LVT_TIMER) & TIMER_PERIODIC) {
      let el = t - start;
      if (el < 0) el = 0;
      dl = start + (el / period + 1) * period;
    } else if (start + period > t) dl = start + period;
  }
  store<i64>(S, dl, OFF_LAPIC_DEADLINE_NS);
}

/** Fire the timer if its event is due at `t`. */
function timerCheck(t: i64): void {
  const dl = load<i64>(S, OFF_LAPIC_DEADLINE_NS);
  if (dl == 0 || t < dl) return;
  const lvt = reg(LVT_TIMER);
  if (!(lvt & LVT_MASK)) localFixed(lvt & 0xFF);
  timerRearm(t);
}

/** Deliver a due timer event (run() entry, every few thousand instructions). */
@inline export function lapicPoll(): void {
  if (load<i64>(S, OFF_LAPIC_DEADLINE_NS) != 0) timerCheck(now());
}

// ---------------------------------------------------------------- MMIO

/** Read `size` bytes at offset `off` of the APIC page (the caller masks to the size). */
export function lapicRead(off: u32, size: u32): u32 {
  const b = off & 0xF;
  if (b >= 4) return 0;
  return readReg(off & 0xFF0) >>> (b << 3);
}

function readReg(r: u32): u32 {
  if (r >= ISR && r < IRR + 0x80) return atomic.load<u32>(S + OFF_LAPIC + r);
  switch (r) {
    case ID: case VER: case TPR: case LDR: case DFR: case SVR: case ESR: case ICR_LO: case ICR_HI:
    case LVT_TIMER: case LVT_THERMAL: case LVT_PERF: case LVT_LINT0: case LVT_LINT1: case LVT_ERROR:
    case TIMER_ICR: case TIMER_DCR:
      return reg(r);
    case APR: return apr();
    case PPR: return ppr();
    case EOI: case RRD: return 0;
    case TIMER_CCR: return currentCount(now());
  }
  logError(ESR_ILLEGAL_REG);
  return 0;
}

/** Write `v` (already masked to `size`) at offset `off` of the APIC page. */
export function lapicWrite(off: u32, size: u32, v: u32): void {
  if (off & 0xF) return;
  const r = off;
  const lvtMask: u32 = (reg(SVR) & SVR_ENABLE) ? 0 : LVT_MASK;
  switch (r) {
    case ID: setReg(ID, v & 0xFF000000); return;
    case TPR: setReg(TPR, v & 0xFF); postSelf(); return;
    case EOI: eoi(); return;
    case LDR: setReg(LDR, v & 0xFF000000); return;
    case DFR: setReg(DFR, v | 0x0FFFFFFF); return;
    case SVR: writeSvr(v); return;
    case ESR: {
      // Write-then-read (SDM 10.5.3): the write latches the errors logged since the last write.
      const acc = atomic.and<u32>(S + OFF_LAPIC_ESR_ACC, ESR_SIGNAL);
      setReg(ESR, acc & 0xFF);
      return;
    }
    case ICR_LO: setReg(ICR_LO, v & 0xCCFFF); sendIpi(v); return;
    case ICR_HI: setReg(ICR_HI, v & 0xFF000000); return;
    case LVT_TIMER: {
      const t = now();
      timerCheck(t);
      setReg(LVT_TIMER, (v & 0x300FF) | lvtMask);
      timerRearm(t);
      return;
    }
    case LVT_THERMAL: case LVT_PERF: setReg(r, (v & 0x107FF) | lvtMask); return;
    case LVT_LINT0: case LVT_LINT1: setReg(r, (v & 0x1A7FF) | lvtMask); return;
    case LVT_ERROR: setReg(LVT_ERROR, (v & 0x100FF) | lvtMask); return;
    case TIMER_ICR: {
      const t = now();
      timerCheck(t);
      setReg(TIMER_ICR, v);
      store<i64>(S, t, OFF_LAPIC_TIMER_START);
      timerRearm(t);
      return;
    }
    case TIMER_DCR: {
      // Keep the current count across a divider change: restart the count period around it.
      const t = now();
      timerCheck(t);
      const cur = currentCount(t);
      const init = reg(TIMER_ICR);
      setReg(TIMER_DCR, v & 0xB);
      if (init != 0) {
        // A finished one-shot stays finished (cur = 0 puts its end at `t`).
        const done = <i64>(init - cur);
        store<i64>(S, t - done * countNs(), OFF_LAPIC_TIMER_START);
      }
      timerRearm(t);
      return;
    }
    case VER: case APR: case PPR: case RRD: case TIMER_CCR: return; // read-only
  }
  if (r >= ISR && r < IRR + 0x80) return; // read-only
  logError(ESR_ILLEGAL_REG);
}

function writeSvr(v: u32): void {
  setReg(SVR, v & 0x3FF);
  if (v & SVR_ENABLE) return;
  // Software disable: every LVT mask bit is set and stays set (SDM 10.4.7.2).
  for (let r = LVT_TIMER; r <= LVT_ERROR; r += 0x10) setReg(r, reg(r) | LVT_MASK);
}
