// Interrupt wires. Every device gets its own source wire; the router ORs the sources of a line
// (so PCI pins can be shared) and fans a line's level out to its sinks:
//   ISA line n (0..15) → 8259 input n (master 0..7, slave 8..15) and IOAPIC pin n, except that
//   IRQ0 goes to IOAPIC pin 2 (the usual interrupt source override; IRQ2 is the cascade and
//   reaches no IOAPIC pin). Lines n >= 16 are IOAPIC (PCI) pins only.
// The interrupt controllers register themselves as sinks, so this file knows no chip.

import type { IrqWire } from './device-api.ts';

export interface IrqSink {
  setLevel(pin: number, level: boolean): void;
}

export const ISA_LINES = 16;
export const MAX_LINES = 256;

/** IOAPIC pin that ISA line n is wired to, or -1 (the cascade line 2). */
export function ioapicPinForIsa(n: number): number {
  if (n === 0) return 2;
  if (n === 2) return -1;
  return n;
}

class SourceWire implements IrqWire {
  private high = false;

  constructor(
    private readonly router: IrqRouter,
    readonly line: number,
  ) {}

  get level(): boolean {
    return this.high;
  }

  raise(): void {
    if (this.high) return;
    this.high = true;
    this.router.sourceChanged(this.line, 1);
  }

  lower(): void {
    if (!this.high) return;
    this.high = false;
    this.router.sourceChanged(this.line, -1);
  }

  /** An edge: low→high→low, or for a raised wire high→low→high. The level is unchanged. */
  pulse(): void {
    if (this.high) {
      this.lower();
      this.raise();
    } else {
      this.raise();
      this.lower();
    }
  }

  /** Restore: set the level without telling the sinks (their state is restored too). */
  setSilently(high: boolean): void {
    if (high !== this.high) this.router.countSilently(this.line, high ? 1 : -1);
    this.high = high;
  }
}

export class IrqRouter {
  /** Number of raised sources per line (wired-OR). */
  private readonly raised = new Int32Array(MAX_LINES);
  private readonly wires: SourceWire[] = [];
  /** picSinks[0] serves ISA lines 0..7, picSinks[1] lines 8..15. */
  private readonly picSinks: (IrqSink | undefined)[] = [undefined, undefined];
  private readonly ioapicSinks: IrqSink[] = [];

  /** A new source wire on line n (ISA 0..15, IOAPIC pin >= 16). */
  wire(n: number): IrqWire {
    if (!Number.isInteger(n) || n < 0 || n >= MAX_LINES) throw new Error(`no IRQ line ${n}`);
    const w = new SourceWire(this, n);
    this.wires.push(w);
    return w;
  }

  lineLevel(n: number): boolean {
    return this.raised[n] > 0;
  }

  /** An 8259 takes ISA lines firstLine..firstLine+7 as its inputs 0..7 (firstLine 0 or 8). */
  attachPic(firstLine: number, sink: IrqSink): void {
    if (firstLine !== 0 && firstLine !== 8) throw new Error(`a PIC serves ISA lines 0-7 or 8-15, not ${firstLine}`);
    const slot = firstLine >> 3;
    if (this.picSinks[slot]) throw new Error(`ISA lines ${firstLine}-${firstLine + 7} already have a PIC`);
    this.picSinks[slot] = sink;
    for (let i = 0; i < 8; i++) if (this.raised[firstLine + i] > 0) sink.setLevel(i, true);
  }

  attachIoapic(sink: IrqSink): void {
    this.ioapicSinks.push(sink);
    for (let n = 0; n < MAX_LINES; n++) {
      if (this.raised[n] === 0) continue;
      const pin = n < ISA_LINES ? ioapicPinForIsa(n) : n;
      if (pin >= 0) sink.setLevel(pin, true);
    }
  }

  /** Drives a PIC input directly, not through a line (the slave's INTR into master IR2). */
  picInput(line: number, level: boolean): void {
    this.picSinks[line >> 3]?.setLevel(line & 7, level);
  }

  /** Drives an IOAPIC pin directly (the master 8259's INTR into pin 0, ExtINT). */
  ioapicInput(pin: number, level: boolean): void {
    const s = this.ioapicSinks;
    for (let i = 0; i < s.length; i++) s[i].setLevel(pin, level);
  }

  get wireCount(): number {
    return this.wires.length;
  }

  /** Levels of all source wires in creation order (for snapshots). */
  wireLevels(): boolean[] {
    return this.wires.map((w) => w.level);
  }

  restoreWireLevels(levels: boolean[]): void {
    if (levels.length !== this.wires.length) {
      throw new Error(`snapshot has ${levels.length} IRQ wires, this machine ${this.wires.length}`);
    }
    for (let i = 0; i < levels.length; i++) this.wires[i].setSilently(levels[i]);
  }

  /** @internal called by source wires. */
  sourceChanged(line: number, delta: 1 | -1): void {
    const before = this.raised[line];
    const after = before + delta;
    this.raised[line] = after;
    if ((before > 0) === (after > 0)) return;
    const level = after > 0;
    if (line < ISA_LINES) {
      this.picInput(line, level);
      const pin = ioapicPinForIsa(line);
      if (pin >= 0) this.ioapicInput(pin, level);
    } else {
      this.ioapicInput(line, level);
    }
  }

  /** @internal */
  countSilently(line: number, delta: 1 | -1): void {
    this.raised[line] += delta;
  }
}
