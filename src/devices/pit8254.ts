// Status:    complete for a PC (channel 0 → IRQ 0, channel 2 gated by port 0x61).
// Implements: Intel 8254 programmable interval timer: 3 counters, modes 0-5, binary and BCD
//            counting, LSB/MSB/LSB-then-MSB access with the read/write flip-flops, counter
//            latch, read-back (count and status, null count bit), GATE per counter (modes 0/4
//            pause, 1/5 trigger, 2/3 pause with OUT high and reload on the rising edge), OUT.
// Missing:   nothing a PC uses; channel 1 (DRAM refresh) has no OUT consumer.
// Ignored:   the speaker (channel 2 OUT AND port 0x61 bit 1) makes no sound.
// Reference: Intel 8254 datasheet (231164). CLK = 1.193182 MHz.
// Config:    pit:iobase,irq — "pit:0x40,0".
//
// Nothing ticks: each counter keeps a timeline (the tick at which its counting element held a
// known value) and count and OUT are computed from clock ticks on access. Only channel 0 arms a
// timer, for its next OUT edge. Ticks are counted from clock time 0 (tick k starts at k/CLK).
// Timing follows the datasheet: a count written between ticks k and k+1 is loaded into the
// counting element on tick k+1 and decremented from tick k+2 on (mode 0: OUT rises N+1 clocks
// after the write); a gate trigger at tick g loads on tick g+1.
// Mode 3 with an odd count: the high half shows N, N-1, N-3 ... 2 and the low half N-1, N-3 ... 2.

import { registerDevice } from '../vmm/config.ts';
import type { Device, DeviceContext, IrqWire, Size } from '../vmm/device-api.ts';
import type { PitMessage } from '../vmm/messages.ts';
import type { Motherboard } from '../vmm/motherboard.ts';

export const PIT_HZ = 1_193_182;
const TICKS_PER_NS = PIT_HZ / 1e9;
/** "No such tick" in state (JSON-safe, unlike Infinity). */
const NEVER = Number.MAX_SAFE_INTEGER;

/** The PIT tick in progress at time ns. */
export function pitTickAt(ns: number): number {
  return Math.floor(ns * TICKS_PER_NS);
}

/** The first integer ns at which tick k has begun. */
export function pitTickTime(k: number): number {
  let t = Math.ceil(k / TICKS_PER_NS);
  while (pitTickAt(t) < k) t++;
  while (t > 0 && pitTickAt(t - 1) >= k) t--;
  return t;
}

export interface PitCounterState {
  mode: number;
  /** 1 = LSB only, 2 = MSB only, 3 = LSB then MSB. */
  access: number;
  bcd: boolean;
  /** Low 6 bits of the last control word (the status byte's low bits). */
  control: number;
  /** The count register (binary; 0 = 65536 or 10000 in BCD). */
  cr: number;
  crValid: boolean;
  crLow: number;
  writeMsbNext: boolean;
  readMsbNext: boolean;
  latched: boolean;
  latch: number;
  statusLatched: boolean;
  status: number;
  gate: boolean;
  /** The counting element has a count (a timeline exists). */
  armed: boolean;
  /** Counting (not paused by GATE); modes 1/5 always count once armed. */
  running: boolean;
  /** Timeline: the counting element held startCount at startTick (mode 2/3: period start). */
  startTick: number;
  startCount: number;
  /** Mode 2/3: the count that takes over at pendingTick (NEVER = none). */
  pendingCount: number;
  pendingTick: number;
  /** Mode 0/4: terminal count happened before startTick. */
  tcReached: boolean;
  /** Mode 1: retriggered while OUT was low, so OUT stays low until the reload at startTick. */
  lowBeforeStart: boolean;
  /** Value shown while paused (modes 2/3). */
  frozen: number;
  /** Null count until this tick (CR not yet moved into the counting element). */
  nullUntil: number;
}

export interface Pit8254State {
  counters: PitCounterState[];
}

function initialCounter(gate: boolean): PitCounterState {
  return {
    mode: 0, access: 3, bcd: false, control: 0x30, cr: 0, crValid: false, crLow: 0,
    writeMsbNext: false, readMsbNext: false, latched: false, latch: 0, statusLatched: false, status: 0,
    gate, armed: false, running: false, startTick: 0, startCount: 0, pendingCount: 0, pendingTick: NEVER,
    tcReached: false, lowBeforeStart: false, frozen: 0, nullUntil: NEVER,
  };
}

const modulus = (c: PitCounterState) => (c.bcd ? 10000 : 0x10000);
/** A count as a number of clocks (0 means the full range). */
const eff = (c: PitCounterState, n: number) => (n === 0 ? modulus(c) : n);
const wrap = (c: PitCounterState, v: number) => ((v % modulus(c)) + modulus(c)) % modulus(c);

function toBcd(v: number): number {
  return (v % 10) | (Math.floor(v / 10) % 10) << 4 | (Math.floor(v / 100) % 10) << 8 | (Math.floor(v / 1000) % 10) << 12;
}

function fromBcd(v: number): number {
  // Digits above 9 are undefined on the chip; count them at face value.
  return (v & 15) + ((v >> 4) & 15) * 10 + ((v >> 8) & 15) * 100 + ((v >> 12) & 15) * 1000;
}

// ───────────── timeline arithmetic (pure) ─────────────

/** Mode 2/3 timeline in effect at tick t: [start, period]. */
function periodicAt(c: PitCounterState, t: number): [number, number] {
  return c.pendingTick !== NEVER && t >= c.pendingTick
    ? [c.pendingTick - pendingOffset(c), c.pendingCount]
    : [c.startTick, c.startCount];
}

/** Mode 3 switches counts at half-cycle ends: a switch into a low half starts mid-period. */
function pendingOffset(c: PitCounterState): number {
  if (c.mode !== 3) return 0;
  const p = eff(c, c.startCount);
  const into = (c.pendingTick - c.startTick) % p;
  return into === 0 ? 0 : (eff(c, c.pendingCount) + 1) >> 1;
}

/** The counting element at tick t (binary). */
export function countAt(c: PitCounterState, t: number): number {
  if (!c.armed) return c.cr;
  if (c.mode === 2 || c.mode === 3) {
    if (!c.running) return c.frozen;
    const [start, n] = periodicAt(c, t);
    if (t < start) return n;
    const p = eff(c, n);
    const phase = (t - start) % p;
    if (c.mode === 2) return wrap(c, p - phase);
    const high = (p + 1) >> 1;
    if (phase < high) return wrap(c, p % 2 === 0 || phase === 0 ? p - 2 * phase : p + 1 - 2 * phase);
    return wrap(c, p % 2 === 0 ? p - 2 * (phase - high) : p - 1 - 2 * (phase - high));
  }
  if (!c.running || t < c.startTick) return c.startCount;
  return wrap(c, c.startCount - (t - c.startTick));
}

/** The OUT pin at tick t. */
export function outAt(c: PitCounterState, t: number): boolean {
  const e = t - c.startTick;
  switch (c.mode) {
    case 0:
      return c.armed && (c.tcReached || (c.running && e >= eff(c, c.startCount)));
    case 4:
      return !(c.armed && c.running && !c.tcReached && e === eff(c, c.startCount));
    case 1:
      if (e < 0) return !(c.armed && c.lowBeforeStart);
      return !(c.armed && e < eff(c, c.startCount));
    case 5:
      return !(c.armed && e === eff(c, c.startCount));
    default: {
      if (!c.armed || !c.running) return true;
      const [start, n] = periodicAt(c, t);
      if (t < start) return true;
      const p = eff(c, n);
      const phase = (t - start) % p;
      return c.mode === 2 ? phase !== p - 1 : phase < (p + 1) >> 1;
    }
  }
}

/** The first tick after t at which OUT changes, or NEVER. */
export function nextOutEdge(c: PitCounterState, t: number): number {
  if (!c.armed) return NEVER;
  if (c.mode === 2 || c.mode === 3) {
    if (!c.running) return NEVER;
    const pt = c.pendingTick;
    if (pt === NEVER || t >= pt) return periodicEdge(c, t);
    const e = periodicEdge(c, t);
    if (e < pt) return e;
    if (outAt(c, pt) !== outAt(c, pt - 1)) return pt;
    return periodicEdge(c, pt);
  }
  const n = eff(c, c.startCount);
  let edges: number[];
  if (c.mode === 1) edges = [c.startTick, c.startTick + n];
  else if (c.mode === 5) edges = [c.startTick + n, c.startTick + n + 1];
  else if (!c.running || c.tcReached) return NEVER;
  else if (c.mode === 0) edges = [c.startTick + n];
  else edges = [c.startTick + n, c.startTick + n + 1];
  for (const x of edges) if (x > t) return x;
  return NEVER;
}

function periodicEdge(c: PitCounterState, t: number): number {
  const [start, n] = periodicAt(c, t);
  const p = eff(c, n);
  if (p === 1) return NEVER;
  const turn = c.mode === 2 ? p - 1 : (p + 1) >> 1; // phase where OUT falls; it rises at phase 0
  if (t < start) return start + turn;
  const phase = (t - start) % p;
  return phase < turn ? t + (turn - phase) : t + (p - phase);
}

/** Mode 2: next period start after t; mode 3: next half-cycle end after t. */
function nextReload(c: PitCounterState, t: number): number {
  const [start, n] = periodicAt(c, t);
  const p = eff(c, n);
  if (t < start) return start;
  const phase = (t - start) % p;
  const half = (p + 1) >> 1;
  if (c.mode === 3 && phase < half) return t + (half - phase);
  return t + (p - phase);
}

// ───────────── the chip ─────────────

export class Pit8254 implements Device<Pit8254State> {
  readonly id: string;
  readonly version = 1;
  state: Pit8254State = Pit8254.initialState();
  private readonly irq0: IrqWire;
  private timer = 0;

  constructor(
    private readonly ctx: DeviceContext,
    mb: Motherboard,
    private readonly iobase: number,
    irq: number,
  ) {
    this.id = `pit8254@0x${iobase.toString(16)}`;
    this.irq0 = ctx.irq(irq);
    ctx.claimPorts(iobase, 4, this.id, {
      read: (port, size) => this.read(port - iobase, size),
      write: (port, size, v) => this.write(port - iobase, size, v),
    });
    mb.pit.listen((m) => this.onMessage(m));
  }

  static initialState(): Pit8254State {
    return { counters: [initialCounter(true), initialCounter(true), initialCounter(false)] };
  }

  reset(): void {
    const gate2 = this.state.counters[2].gate; // an input pin, driven from outside
    this.state = Pit8254.initialState();
    this.state.counters[2].gate = gate2;
    this.syncIrq();
  }

  afterRestore(): void {
    this.syncIrq();
  }

  private tick(): number {
    return pitTickAt(this.ctx.clock.now());
  }

  /** OUT of counter i now. */
  out(i: number): boolean {
    return outAt(this.state.counters[i], this.tick());
  }

  /** Drives GATE of counter i (channel 2: port 0x61 bit 0). */
  setGate(i: number, level: boolean): void {
    const c = this.state.counters[i];
    if (c.gate === level) return;
    const t = this.tick();
    c.gate = level;
    if (level) this.gateRise(c, t);
    else this.gateFall(c, t);
    if (i === 0) this.syncIrq();
  }

  private onMessage(m: PitMessage): boolean {
    if (m.channel < 0 || m.channel > 2) return false;
    if (m.kind === 'pitGate') this.setGate(m.channel, m.gate);
    else m.out = this.out(m.channel);
    return true;
  }

  private gateRise(c: PitCounterState, t: number): void {
    if (c.mode === 1 || c.mode === 5) {
      if (!c.crValid) return;
      c.lowBeforeStart = !outAt(c, t);
      Object.assign(c, { armed: true, running: true, startTick: t + 1, startCount: c.cr, nullUntil: t + 1 });
    } else if (c.mode === 2 || c.mode === 3) {
      if (!c.armed) return;
      Object.assign(c, { running: true, startTick: t + 1, startCount: c.cr, pendingTick: NEVER, nullUntil: t + 1 });
    } else if (c.armed && !c.running && !(c.mode === 0 && c.writeMsbNext)) {
      c.running = true;
      c.startTick = Math.max(t, c.startTick);
    }
  }

  private gateFall(c: PitCounterState, t: number): void {
    if (!c.running) return;
    if (c.mode === 2 || c.mode === 3) {
      c.frozen = countAt(c, t);
      c.running = false;
    } else if (c.mode === 0 || c.mode === 4) {
      this.pause(c, t);
    }
  }

  /** Modes 0/4: stop counting, keeping the count and whether terminal count has passed. */
  private pause(c: PitCounterState, t: number): void {
    if (!c.running) return;
    const passed = t - c.startTick >= eff(c, c.startCount);
    c.startCount = countAt(c, t);
    c.tcReached ||= passed;
    c.running = false;
  }

  // ───────────── ports ─────────────

  private read(reg: number, size: Size): number {
    if (size !== 1) this.ctx.log.once(`${this.id}-wide`, `${this.id}: ${size}-byte read, answering one byte`);
    if (reg === 3) return 0xff; // the control register is write-only
    return this.readCounter(this.state.counters[reg]);
  }

  private readCounter(c: PitCounterState): number {
    if (c.statusLatched) {
      c.statusLatched = false;
      return c.status;
    }
    let v: number;
    if (c.latched) v = c.latch;
    else v = countAt(c, this.tick());
    if (c.bcd) v = toBcd(v);
    let msb = c.access === 2;
    if (c.access === 3) {
      msb = c.readMsbNext;
      c.readMsbNext = !c.readMsbNext;
    }
    if (c.latched && (c.access !== 3 || msb)) c.latched = false;
    return msb ? (v >> 8) & 0xff : v & 0xff;
  }

  private write(reg: number, size: Size, v: number): void {
    if (size !== 1) this.ctx.log.once(`${this.id}-wide`, `${this.id}: ${size}-byte write, using the low byte`);
    v &= 0xff;
    if (reg === 3) this.control(v);
    else this.writeCounter(reg, v);
    if (reg === 0 || (reg === 3 && v >> 6 === 0)) this.syncIrq();
  }

  private control(v: number): void {
    const sc = v >> 6;
    if (sc === 3) return this.readBack(v);
    const c = this.state.counters[sc];
    const rw = (v >> 4) & 3;
    if (rw === 0) return this.latchCount(c);
    let mode = (v >> 1) & 7;
    if (mode > 5) mode -= 4;
    // A control word resets the counter's control logic; OUT goes to its mode's initial level.
    Object.assign(c, {
      mode, access: rw, bcd: (v & 1) !== 0, control: v & 0x3f, crValid: false, writeMsbNext: false,
      readMsbNext: false, latched: false, statusLatched: false, armed: false, running: false,
      pendingTick: NEVER, tcReached: false, nullUntil: NEVER,
    });
  }

  private latchCount(c: PitCounterState): void {
    if (c.latched) return; // a second latch before the read is ignored
    c.latched = true;
    c.latch = countAt(c, this.tick());
  }

  private readBack(v: number): void {
    const t = this.tick();
    for (let i = 0; i < 3; i++) {
      if (!(v & (2 << i))) continue;
      const c = this.state.counters[i];
      if (!(v & 0x20)) this.latchCount(c);
      if (!(v & 0x10) && !c.statusLatched) {
        c.statusLatched = true;
        c.status = (outAt(c, t) ? 0x80 : 0) | (t < c.nullUntil ? 0x40 : 0) | c.control;
      }
    }
  }

  private writeCounter(i: number, v: number): void {
    const c = this.state.counters[i];
    let raw: number;
    if (c.access === 1) raw = v;
    else if (c.access === 2) raw = v << 8;
    else if (!c.writeMsbNext) {
      c.crLow = v;
      c.writeMsbNext = true;
      // Mode 0: writing the first byte stops counting and drops OUT.
      if (c.mode === 0 && c.armed) {
        this.pause(c, this.tick());
        c.tcReached = false;
      }
      return;
    } else {
      raw = c.crLow | (v << 8);
      c.writeMsbNext = false;
    }
    c.cr = c.bcd ? fromBcd(raw) : raw;
    c.crValid = true;
    this.load(c, this.tick());
  }

  /** A complete count was written during tick t. */
  private load(c: PitCounterState, t: number): void {
    switch (c.mode) {
      case 0:
      case 4:
        Object.assign(c, { armed: true, running: c.gate, startTick: t + 1, startCount: c.cr, tcReached: false, nullUntil: t + 1 });
        return;
      case 1:
      case 5:
        c.nullUntil = NEVER; // the count register moves into the counter on the next trigger
        return;
      default:
        if (c.armed && c.running) {
          // The new count waits for the end of the period (mode 2) or half-cycle (mode 3).
          if (c.pendingTick !== NEVER && t >= c.pendingTick) this.foldPending(c);
          c.pendingTick = nextReload(c, t);
          c.pendingCount = c.cr;
          c.nullUntil = c.pendingTick;
        } else if (!c.armed) {
          Object.assign(c, { armed: true, running: c.gate, startTick: t + 1, startCount: c.cr, frozen: c.cr });
          c.nullUntil = c.gate ? t + 1 : NEVER;
        } else {
          c.nullUntil = NEVER; // gate low: loads on the rising edge
        }
    }
  }

  private foldPending(c: PitCounterState): void {
    c.startTick = c.pendingTick - pendingOffset(c);
    c.startCount = c.pendingCount;
    c.pendingTick = NEVER;
  }

  // ───────────── channel 0 OUT → IRQ ─────────────

  /** Sets the IRQ wire to channel 0's OUT and arms a timer for its next edge. */
  private syncIrq(): void {
    this.ctx.clock.cancel(this.timer);
    this.timer = 0;
    this.edgeAt(this.tick());
  }

  /** Sets the wire to OUT at tick t (an edge's own tick, even when the host timer was late). */
  private edgeAt(t: number): void {
    const c = this.state.counters[0];
    if (outAt(c, t)) this.irq0.raise();
    else this.irq0.lower();
    // Far behind (a stalled host): skip the lost edges instead of replaying them one by one.
    const now = this.tick();
    const from = now - t > 2 * 0x10000 ? now : t;
    const next = nextOutEdge(c, from);
    if (next === NEVER) return;
    this.timer = this.ctx.clock.at(pitTickTime(next), () => {
      this.timer = 0;
      this.edgeAt(next);
    });
  }
}

registerDevice({
  word: 'pit',
  params: ['iobase', 'irq'],
  help: 'Intel 8254 timer at iobase..iobase+3 (1.193182 MHz); counter 0 OUT drives irq, counter 2 is gated by port 0x61.',
  create(ctx, args, mb) {
    return new Pit8254(ctx, mb, args.num(0, 0x40, 0xfffc), args.num(1, 0, 255));
  },
});
