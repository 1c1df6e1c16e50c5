// Status:    complete for a PC (x86 mode, cascade of two chips, PIIX ELCR).
// Implements: one Intel 8259A programmable interrupt controller: ICW1-ICW4, OCW1 (mask), OCW2
//            (non-specific/specific EOI, rotate on EOI, rotate in auto-EOI, set priority), OCW3
//            (read IRR/ISR, poll, special mask mode), auto-EOI, special fully nested mode, edge vs
//            level per ICW1.LTIM or the PIIX ELCR register, INTA with cascade and spurious IR7.
// Missing:   8080/8085 mode (ICW4.uPM = 0 is logged and treated as x86 mode); buffered mode and
//            ADI are meaningless here.
// Ignored:   writes to the forced-edge ELCR bits (IRQ 0, 1, 2, 8, 13 on PIIX).
// Reference: Intel 8259A datasheet (231468); Intel 82371AB PIIX4 datasheet (ELCR at 0x4d0/0x4d1).
// Config:    pic:iobase,irq-in-master,elcr-port — master "pic:0x20,,0x4d0" (ISA IRQ 0-7),
//            slave "pic:0xa0,2,0x4d1" (ISA IRQ 8-15, its INT output on master input 2).
//
// Edge mode: a rising input edge latches IRR; the latch stays set until INTA even if the input
// falls first (the datasheet asks the input to stay high; a wire pulse() must not be lost).
// Level mode: IRR follows the input, so a still-high input requests again after EOI.

import { registerDevice } from '../vmm/config.ts';
import type { Device, DeviceContext, PortHandler, Size } from '../vmm/device-api.ts';
import type { IntAckMessage, IntrMessage } from '../vmm/messages.ts';
import type { Motherboard } from '../vmm/motherboard.ts';

export interface Pic8259State {
  irr: number;
  isr: number;
  imr: number;
  /** Input pin levels. */
  lines: number;
  /** 0 = initialised (OCW mode); 2, 3, 4 = the ICW expected next on the odd port. */
  initStep: number;
  icw1: number;
  /** ICW2 & 0xf8: vector of IR0. */
  vectorBase: number;
  icw3: number;
  icw4: number;
  /** The IR with the lowest priority; IR (lowest+1)&7 has the highest. */
  lowest: number;
  readIsr: boolean;
  pollPending: boolean;
  specialMask: boolean;
  rotateAeoi: boolean;
  elcr: number;
  /** The INT output pin. */
  out: boolean;
}

const ICW1_IC4 = 0x01;
const ICW1_SNGL = 0x02;
const ICW1_LTIM = 0x08;
const ICW4_UPM = 0x01;
const ICW4_AEOI = 0x02;
const ICW4_SFNM = 0x10;

export interface Pic8259Options {
  iobase: number;
  /** The master input this chip's INT drives; undefined for the master. */
  cascadeInput?: number;
  /** ELCR port, or undefined for none. */
  elcrPort?: number;
}

export class Pic8259 implements Device<Pic8259State> {
  readonly id: string;
  readonly version = 1;
  state: Pic8259State = Pic8259.initialState();
  readonly isMaster: boolean;
  /** ELCR bits the guest may set (PIIX forces IRQ 0, 1, 2, 8 and 13 to edge). */
  private readonly elcrWritable: number;
  private readonly intrHigh: IntrMessage = { kind: 'intr', cpu: 0, level: true };
  private readonly intrLow: IntrMessage = { kind: 'intr', cpu: 0, level: false };
  private readonly cascadeMsg: IntAckMessage = { kind: 'inta', cascade: 0, vector: 0 };

  constructor(
    private readonly ctx: DeviceContext,
    private readonly mb: Motherboard,
    private readonly opts: Pic8259Options,
  ) {
    this.id = `pic8259@0x${opts.iobase.toString(16)}`;
    this.isMaster = opts.cascadeInput === undefined;
    this.elcrWritable = this.isMaster ? 0xf8 : 0xde;
    const ports: PortHandler = {
      read: (port, size) => this.bytes(port, size, (p) => this.readByte(p - opts.iobase)),
      write: (port, size, v) => this.writeBytes(port, size, v, (p, b) => this.writeByte(p - opts.iobase, b)),
    };
    ctx.claimPorts(opts.iobase, 2, this.id, ports);
    if (opts.elcrPort !== undefined) {
      ctx.claimPorts(opts.elcrPort, 1, `${this.id} ELCR`, {
        read: () => this.state.elcr,
        write: (_p, _s, v) => this.writeElcr(v),
      });
    }
    mb.irqs.attachPic(this.isMaster ? 0 : 8, this);
    mb.inta.listen((m) => this.onInta(m));
  }

  static initialState(): Pic8259State {
    return {
      irr: 0, isr: 0, imr: 0xff, lines: 0, initStep: 0, icw1: 0, vectorBase: 0, icw3: 0, icw4: 0,
      lowest: 7, readIsr: false, pollPending: false, specialMask: false, rotateAeoi: false, elcr: 0, out: false,
    };
  }

  reset(): void {
    const { lines, out } = this.state;
    this.state = Pic8259.initialState();
    this.state.lines = lines; // the input pins keep whatever the devices drive
    if (out) this.drive(false);
  }

  afterRestore(): void {
    // The output is part of the state; tell the listeners so the CPU's INTR matches it.
    this.drive(this.state.out);
  }

  // ───────────── input pins (IrqSink) ─────────────

  setLevel(pin: number, level: boolean): void {
    const s = this.state;
    const bit = 1 << pin;
    const was = (s.lines & bit) !== 0;
    if (level) s.lines |= bit;
    else s.lines &= ~bit;
    if (this.levelMode(pin)) {
      if (level) s.irr |= bit;
      else s.irr &= ~bit;
    } else if (level && !was) {
      s.irr |= bit;
    }
    this.update();
  }

  // ───────────── INTA ─────────────

  /** An INTA cycle on this chip: the vector, with a cascaded slave's vector fetched over `inta`. */
  intAck(): number {
    const s = this.state;
    const ir = this.best();
    if (ir < 0) {
      // The request went away before INTA: the 8259A answers IR7 without setting ISR.
      this.update();
      return s.vectorBase | 7;
    }
    this.acknowledge(ir);
    let vector = s.vectorBase | ir;
    if (this.isMaster && !(s.icw1 & ICW1_SNGL) && s.icw3 & (1 << ir)) {
      const m = this.cascadeMsg;
      m.cascade = ir;
      m.vector = 0;
      if (this.mb.inta.send(m)) vector = m.vector;
      else this.ctx.log.once(`${this.id}-noslave-${ir}`, `${this.id}: ICW3 names a slave on IR${ir}, none answers`);
    }
    this.update();
    return vector;
  }

  private onInta(m: IntAckMessage): boolean {
    if (m.cascade === -1) {
      if (!this.isMaster) return false;
      m.vector = this.intAck();
      return true;
    }
    if (this.isMaster || m.cascade !== this.opts.cascadeInput) return false;
    // Drop INT for the cycle, so that a request still pending gives the master a new edge.
    this.state.out = false;
    this.drive(false);
    m.vector = this.intAck();
    return true;
  }

  /** ISR/IRR bookkeeping of an acknowledged IR (INTA or poll). */
  private acknowledge(ir: number): void {
    const s = this.state;
    const bit = 1 << ir;
    if (!this.levelMode(ir)) s.irr &= ~bit;
    if (s.icw4 & ICW4_AEOI) {
      if (s.rotateAeoi) s.lowest = ir;
    } else {
      s.isr |= bit;
    }
  }

  // ───────────── priority resolution ─────────────

  /** The highest-priority IR that may interrupt now, or -1. */
  private best(): number {
    const s = this.state;
    const pending = s.irr & ~s.imr;
    if (pending === 0) return -1;
    // Special mask mode: masked in-service levels do not block anything.
    let blockers = s.specialMask ? s.isr & ~s.imr : s.isr;
    // Special fully nested mode: a slave in service may still be interrupted by its own higher levels.
    if (this.isMaster && s.icw4 & ICW4_SFNM) blockers &= ~s.icw3;
    for (let k = 0; k < 8; k++) {
      const ir = (s.lowest + 1 + k) & 7;
      const bit = 1 << ir;
      if (blockers & bit) return -1;
      if (pending & bit) return ir;
    }
    return -1;
  }

  /** The highest-priority in-service IR (for a non-specific EOI), or -1. */
  private highestInService(): number {
    const s = this.state;
    const isr = s.specialMask ? s.isr & ~s.imr : s.isr;
    for (let k = 0; k < 8; k++) {
      const ir = (s.lowest + 1 + k) & 7;
      if (isr & (1 << ir)) return ir;
    }
    return -1;
  }

  private levelMode(pin: number): boolean {
    return (this.state.icw1 & ICW1_LTIM) !== 0 || (this.state.elcr & (1 << pin)) !== 0;
  }

  private update(): void {
    const out = this.state.initStep === 0 && this.best() >= 0;
    if (out !== this.state.out) {
      this.state.out = out;
      this.drive(out);
    }
  }

  private drive(level: boolean): void {
    if (this.isMaster) {
      this.mb.cpu.send(level ? this.intrHigh : this.intrLow);
      this.mb.irqs.ioapicInput(0, level);
    } else {
      this.mb.irqs.picInput(this.opts.cascadeInput!, level);
    }
  }

  // ───────────── registers ─────────────

  private readByte(a0: number): number {
    const s = this.state;
    if (a0 === 1) return s.imr;
    if (s.pollPending) {
      s.pollPending = false;
      const ir = this.best();
      if (ir < 0) return 0;
      this.acknowledge(ir);
      this.update();
      return 0x80 | ir;
    }
    return s.readIsr ? s.isr : s.irr;
  }

  private writeByte(a0: number, v: number): void {
    const s = this.state;
    if (a0 === 0) {
      if (v & 0x10) this.icw1(v);
      else if (v & 0x08) this.ocw3(v);
      else this.ocw2(v);
    } else if (s.initStep === 2) {
      s.vectorBase = v & 0xf8;
      s.initStep = s.icw1 & ICW1_SNGL ? (s.icw1 & ICW1_IC4 ? 4 : 0) : 3;
    } else if (s.initStep === 3) {
      s.icw3 = v;
      if (!this.isMaster && (v & 7) !== this.opts.cascadeInput) {
        this.ctx.log.once(`${this.id}-icw3`, `${this.id}: slave ID ${v & 7} in ICW3, wired to IR${this.opts.cascadeInput}`);
      }
      s.initStep = s.icw1 & ICW1_IC4 ? 4 : 0;
    } else if (s.initStep === 4) {
      s.icw4 = v;
      if (!(v & ICW4_UPM)) this.ctx.log.once(`${this.id}-8080`, `${this.id}: 8080 mode requested; staying in x86 mode`);
      s.initStep = 0;
    } else {
      s.imr = v; // OCW1
    }
    this.update();
  }

  /** ICW1 restarts initialisation (datasheet: edge sense reset, IMR cleared, IR7 lowest, SMM off, read IRR). */
  private icw1(v: number): void {
    const s = this.state;
    s.icw1 = v;
    s.initStep = 2;
    s.imr = 0;
    s.lowest = 7;
    s.specialMask = false;
    s.readIsr = false;
    s.pollPending = false;
    if (!(v & ICW1_IC4)) s.icw4 = 0;
    let levelLines = 0;
    for (let i = 0; i < 8; i++) if (this.levelMode(i)) levelLines |= 1 << i;
    s.irr = s.lines & levelLines;
  }

  private ocw2(v: number): void {
    const s = this.state;
    const level = v & 7;
    switch (v >> 5) {
      case 0b001: // non-specific EOI
      case 0b101: { // rotate on non-specific EOI
        const ir = this.highestInService();
        if (ir < 0) return;
        s.isr &= ~(1 << ir);
        if (v >> 5 === 0b101) s.lowest = ir;
        return;
      }
      case 0b011: // specific EOI
        s.isr &= ~(1 << level);
        return;
      case 0b111: // rotate on specific EOI
        s.isr &= ~(1 << level);
        s.lowest = level;
        return;
      case 0b110: // set priority
        s.lowest = level;
        return;
      case 0b100:
        s.rotateAeoi = true;
        return;
      case 0b000:
        s.rotateAeoi = false;
        return;
      default: // 0b010: no operation
    }
  }

  private ocw3(v: number): void {
    const s = this.state;
    if ((v & 0x60) === 0x60) s.specialMask = true;
    else if ((v & 0x60) === 0x40) s.specialMask = false;
    if (v & 0x04) s.pollPending = true;
    if ((v & 0x03) === 0x02) s.readIsr = false;
    else if ((v & 0x03) === 0x03) s.readIsr = true;
  }

  private writeElcr(v: number): void {
    const s = this.state;
    const ignored = v & 0xff & ~this.elcrWritable;
    if (ignored) this.ctx.log.once(`${this.id}-elcr`, `${this.id}: ELCR bits 0x${ignored.toString(16)} are forced to edge`);
    s.elcr = v & this.elcrWritable;
    // Level lines follow their input from now on.
    s.irr = (s.irr & ~s.elcr) | (s.lines & s.elcr);
    this.update();
  }

  // ───────────── byte-wide ports accessed with 16/32-bit I/O ─────────────

  private bytes(port: number, size: Size, read: (p: number) => number): number {
    let v = 0;
    for (let i = 0; i < size; i++) {
      const p = port + i;
      v |= (this.owns(p) ? read(p) : 0xff) << (8 * i);
    }
    return v >>> 0;
  }

  private writeBytes(port: number, size: Size, v: number, write: (p: number, b: number) => void): void {
    for (let i = 0; i < size; i++) if (this.owns(port + i)) write(port + i, (v >>> (8 * i)) & 0xff);
  }

  private owns(p: number): boolean {
    return p === this.opts.iobase || p === this.opts.iobase + 1;
  }
}

registerDevice({
  word: 'pic',
  params: ['iobase', 'irq-in-master', 'elcr-port'],
  help:
    'Intel 8259A interrupt controller. Without irq-in-master it is the master (ISA IRQ 0-7, INT to CPU 0);\n' +
    'with it, the slave (ISA IRQ 8-15) cascaded into that master input. elcr-port: PIIX edge/level register.',
  create(ctx, args, mb) {
    return new Pic8259(ctx, mb, {
      iobase: args.num(0, undefined, 0xfffe),
      cascadeInput: args.optNum(1, 7),
      elcrPort: args.optNum(2, 0xffff),
    });
  },
});
