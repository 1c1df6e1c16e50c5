// A small stand-in for the motherboard, for device tests that do not need the real VMM core:
// a manual clock, a port table, an MMIO table, recording IRQ wires and a recording log.
import type {
  Clock, DeviceContext, IrqWire, Log, MmioHandler, PortHandler, Size,
} from '../../../src/vmm/device-api.ts';

interface Timer { at: number; fn: () => void; handle: number }

/** A clock that moves only when the test says so; timers fire in time order during advance(). */
export class FakeClock implements Clock {
  private t = 0;
  private nextHandle = 1;
  private timers: Timer[] = [];
  constructor(startNs = 0) { this.t = startNs; }
  now(): number { return this.t; }
  at(atNs: number, fn: () => void): number {
    const handle = this.nextHandle++;
    this.timers.push({ at: atNs, fn, handle });
    return handle;
  }
  cancel(handle: number): void { this.timers = this.timers.filter((x) => x.handle !== handle); }
  get pending(): number { return this.timers.length; }
  advance(ns: number): void { this.advanceTo(this.t + ns); }
  advanceTo(target: number): void {
    for (;;) {
      let best: Timer | undefined;
      for (const x of this.timers) if (x.at <= target && (!best || x.at < best.at)) best = x;
      if (!best) break;
      this.timers = this.timers.filter((x) => x !== best);
      if (best.at > this.t) this.t = best.at;
      best.fn();
    }
    this.t = target;
  }
}

/** An IRQ wire that records its level history. */
export class FakeWire implements IrqWire {
  level = false;
  rises = 0;
  falls = 0;
  /** Called after every rising edge (an "interrupt handler" hook for tests). */
  onRise?: () => void;
  raise(): void {
    if (this.level) return;
    this.level = true;
    this.rises++;
    this.onRise?.();
  }
  lower(): void {
    if (!this.level) return;
    this.level = false;
    this.falls++;
  }
  pulse(): void { this.raise(); this.lower(); }
}

export class FakeLog implements Log {
  readonly onceKeys = new Set<string>();
  readonly lines: string[] = [];
  once(key: string, message: string): void {
    if (this.onceKeys.has(key)) return;
    this.onceKeys.add(key);
    this.lines.push(message);
  }
  info(message: string): void { this.lines.push(message); }
}

export class FakeContext implements DeviceContext {
  readonly clock: FakeClock;
  readonly log = new FakeLog();
  readonly wires = new Map<number, FakeWire>();
  private readonly ports = new Map<number, { owner: string; h: PortHandler }>();
  private readonly mmio: { base: number; size: number; owner: string; h: MmioHandler }[] = [];
  constructor(clock = new FakeClock()) { this.clock = clock; }

  claimPorts(base: number, count: number, owner: string, handler: PortHandler): void {
    for (let p = base; p < base + count; p++) {
      const old = this.ports.get(p);
      if (old) throw new Error(`port ${p.toString(16)}: ${owner} overlaps ${old.owner}`);
      this.ports.set(p, { owner, h: handler });
    }
  }
  claimMmio(base: number, size: number, owner: string, handler: MmioHandler): void {
    this.mmio.push({ base, size, owner, h: handler });
  }
  irq(n: number): FakeWire {
    let w = this.wires.get(n);
    if (!w) { w = new FakeWire(); this.wires.set(n, w); }
    return w;
  }

  in(port: number, size: Size = 1): number {
    const e = this.ports.get(port);
    if (!e) return size === 1 ? 0xff : size === 2 ? 0xffff : 0xffffffff;
    return e.h.read(port, size);
  }
  out(port: number, value: number, size: Size = 1): void {
    this.ports.get(port)?.h.write(port, size, value);
  }
  readMmio(addr: number, size: Size = 4): number {
    const r = this.mmio.find((m) => addr >= m.base && addr < m.base + m.size);
    return r ? r.h.read(addr - r.base, size) : 0xffffffff;
  }
  writeMmio(addr: number, value: number, size: Size = 4): void {
    const r = this.mmio.find((m) => addr >= m.base && addr < m.base + m.size);
    r?.h.write(addr - r.base, size, value);
  }
}
