// Guest time. One clock per machine; devices read now() and arm only their next edge with at().
// Three sources of now():
//   RealClock        performance.now() (wall time; guest time = host time)
//   ManualClock      tests: time moves only by advance(), which fires due timers in order and
//                    shows each timer its own deadline as now()
//   InstructionClock now() = retired instructions × ns per instruction (deterministic runs)
// Timers live in one binary heap ordered by (deadline, arming order). Nothing fires by itself
// except on the RealClock, which also keeps one host setTimeout for the earliest deadline so
// timers fire while every vCPU sleeps; the machine loop calls poll() between slices.

import type { Clock } from './device-api.ts';

export interface MachineClock extends Clock {
  /** Fires every timer whose deadline is <= now(); returns how many fired. */
  poll(): number;
  /** Deadline of the earliest pending timer in ns, or Infinity. */
  nextDeadline(): number;
  /** Drops every pending timer (snapshot restore; devices re-arm in afterRestore). */
  cancelAll(): void;
  /** Makes now() continue from ns (snapshot restore). */
  setNow(ns: number): void;
}

interface Timer {
  at: number;
  seq: number;
  handle: number;
  fn: (() => void) | null; // null once cancelled or fired
}

/** A guard against a timer that re-arms itself at the same instant forever. */
const MAX_FIRES_PER_RUN = 1_000_000;

export class TimerQueue {
  private heap: Timer[] = [];
  private live = new Map<number, Timer>();
  private seq = 0;
  private nextHandle = 1;
  private stale = 0;

  get size(): number {
    return this.live.size;
  }

  at(atNs: number, fn: () => void): number {
    const t: Timer = { at: atNs, seq: this.seq++, handle: this.nextHandle++, fn };
    this.live.set(t.handle, t);
    this.push(t);
    return t.handle;
  }

  cancel(handle: number): void {
    const t = this.live.get(handle);
    if (t === undefined) return;
    t.fn = null;
    this.live.delete(handle);
    if (++this.stale > 64 && this.stale > this.heap.length >> 1) this.compact();
  }

  cancelAll(): void {
    this.heap = [];
    this.live.clear();
    this.stale = 0;
  }

  nextDeadline(): number {
    this.dropStaleTop();
    return this.heap.length > 0 ? this.heap[0].at : Infinity;
  }

  /**
   * Fires timers due at or before `limit` in deadline order. `enter(at)` is called before each
   * one (a manual clock moves its now() there). Timers armed by a fired timer are considered too.
   */
  runDue(limit: number, enter?: (at: number) => void): number {
    let fired = 0;
    while (fired < MAX_FIRES_PER_RUN) {
      this.dropStaleTop();
      const top = this.heap[0];
      if (top === undefined || top.at > limit) break;
      this.pop();
      const fn = top.fn!;
      top.fn = null;
      this.live.delete(top.handle);
      enter?.(top.at);
      fn();
      fired++;
    }
    return fired;
  }

  private dropStaleTop(): void {
    while (this.heap.length > 0 && this.heap[0].fn === null) {
      this.pop();
      this.stale--;
    }
  }

  private compact(): void {
    const keep = this.heap.filter((t) => t.fn !== null);
    this.heap = [];
    this.stale = 0;
    for (const t of keep) this.push(t);
  }

  private static before(a: Timer, b: Timer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(t: Timer): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!TimerQueue.before(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && TimerQueue.before(h[l], h[m])) m = l;
      if (r < h.length && TimerQueue.before(h[r], h[m])) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
  }
}

// ───────────── ManualClock ─────────────

export class ManualClock implements MachineClock {
  private t: number;
  private readonly timers = new TimerQueue();

  constructor(startNs = 0) {
    this.t = startNs;
  }

  now(): number {
    return this.t;
  }

  at(atNs: number, fn: () => void): number {
    return this.timers.at(atNs, fn);
  }

  cancel(handle: number): void {
    this.timers.cancel(handle);
  }

  /** Moves time forward by ns, firing due timers in order with now() = their deadline. */
  advance(ns: number): number {
    return this.advanceTo(this.t + ns);
  }

  advanceTo(targetNs: number): number {
    if (targetNs < this.t) throw new Error(`ManualClock cannot go back from ${this.t} to ${targetNs}`);
    const fired = this.timers.runDue(targetNs, (at) => {
      if (at > this.t) this.t = at;
    });
    this.t = targetNs;
    return fired;
  }

  poll(): number {
    return this.timers.runDue(this.t);
  }

  nextDeadline(): number {
    return this.timers.nextDeadline();
  }

  pendingTimers(): number {
    return this.timers.size;
  }

  cancelAll(): void {
    this.timers.cancelAll();
  }

  setNow(ns: number): void {
    this.t = ns;
  }
}

// ───────────── InstructionClock ─────────────

export class InstructionClock implements MachineClock {
  private instructions = 0;
  private baseNs = 0;
  private readonly timers = new TimerQueue();

  /** nsPerInstruction: guest time per retired instruction (1 = a 1000-MIPS machine). */
  constructor(readonly nsPerInstruction = 1) {
    if (!(nsPerInstruction > 0)) throw new Error('InstructionClock: nsPerInstruction must be > 0');
  }

  now(): number {
    return this.baseNs + this.instructions * this.nsPerInstruction;
  }

  /** The host reports the total retired instruction count (monotonic). */
  setInstructions(count: number): void {
    if (count < this.instructions) throw new Error('InstructionClock: instruction count went back');
    this.instructions = count;
  }

  addInstructions(n: number): void {
    this.instructions += n;
  }

  get instructionCount(): number {
    return this.instructions;
  }

  /** Instructions the host may run before the next timer is due (a slice budget), >= 1. */
  instructionsUntilNextDeadline(): number {
    const d = this.timers.nextDeadline();
    if (d === Infinity) return Infinity;
    return Math.max(1, Math.ceil((d - this.now()) / this.nsPerInstruction));
  }

  at(atNs: number, fn: () => void): number {
    return this.timers.at(atNs, fn);
  }

  cancel(handle: number): void {
    this.timers.cancel(handle);
  }

  poll(): number {
    return this.timers.runDue(this.now());
  }

  nextDeadline(): number {
    return this.timers.nextDeadline();
  }

  cancelAll(): void {
    this.timers.cancelAll();
  }

  setNow(ns: number): void {
    this.baseNs = ns - this.instructions * this.nsPerInstruction;
  }
}

// ───────────── RealClock ─────────────

type HostTimer = ReturnType<typeof setTimeout>;

export class RealClock implements MachineClock {
  private offsetNs: number;
  private last = 0;
  private frozenAt: number | null = null;
  private readonly timers = new TimerQueue();
  private hostTimer: HostTimer | undefined;
  private hostDeadline = Infinity;

  constructor(private readonly hostNowMs: () => number = () => performance.now()) {
    this.offsetNs = -hostNowMs() * 1e6;
  }

  now(): number {
    if (this.frozenAt !== null) return this.frozenAt;
    const t = this.hostNowMs() * 1e6 + this.offsetNs;
    // performance.now() is monotonic, but coarse; never let guest time step back.
    if (t > this.last) this.last = t;
    return this.last;
  }

  /** Stops guest time (machine paused); resume() continues from the same instant. */
  pause(): void {
    if (this.frozenAt === null) this.frozenAt = this.now();
    this.disarmHost();
  }

  resume(): void {
    if (this.frozenAt === null) return;
    const t = this.frozenAt;
    this.frozenAt = null;
    this.setNow(t);
    this.armHost();
  }

  /**
   * Called when at() arms a timer that becomes the earliest one. The machine uses it to cut short
   * a slice that a vCPU on this thread is running, which would otherwise end after that deadline.
   */
  onEarliest: ((atNs: number) => void) | null = null;

  at(atNs: number, fn: () => void): number {
    const h = this.timers.at(atNs, fn);
    if (this.onEarliest && this.timers.nextDeadline() === atNs) this.onEarliest(atNs);
    this.armHost();
    return h;
  }

  cancel(handle: number): void {
    this.timers.cancel(handle);
  }

  poll(): number {
    if (this.frozenAt !== null) return 0;
    const n = this.timers.runDue(this.now());
    this.armHost();
    return n;
  }

  nextDeadline(): number {
    return this.timers.nextDeadline();
  }

  cancelAll(): void {
    this.timers.cancelAll();
    this.disarmHost();
  }

  setNow(ns: number): void {
    this.offsetNs = ns - this.hostNowMs() * 1e6;
    this.last = ns;
    if (this.frozenAt !== null) this.frozenAt = ns;
  }

  /** Stops the host timer for good (machine destroyed). */
  dispose(): void {
    this.cancelAll();
  }

  private armHost(): void {
    if (this.frozenAt !== null) return;
    const d = this.timers.nextDeadline();
    if (d === this.hostDeadline) return;
    this.disarmHost();
    if (d === Infinity) return;
    this.hostDeadline = d;
    const delayMs = Math.max(0, (d - this.now()) / 1e6);
    const t = setTimeout(() => {
      this.hostTimer = undefined;
      this.hostDeadline = Infinity;
      this.poll();
    }, delayMs);
    // In Node, a pending guest timer must not keep the process alive.
    (t as { unref?: () => void }).unref?.();
    this.hostTimer = t;
  }

  private disarmHost(): void {
    if (this.hostTimer !== undefined) clearTimeout(this.hostTimer);
    this.hostTimer = undefined;
    this.hostDeadline = Infinity;
  }
}
