// ioapic.ts — Intel 82093AA I/O Advanced Programmable Interrupt Controller.
//
// Status:    complete for Linux's io_apic.c (MP-table and ACPI setups).
// Implements: IOREGSEL/IOWIN at base+0x00/0x10; ID (bits 27:24, writable; the arbitration ID
//            follows it), version 0x11 with 24 entries (max redirection entry 23), arbitration ID;
//            24 redirection entries with vector, delivery mode (fixed, lowest priority, SMI,
//            NMI, INIT, ExtINT), destination mode, polarity, remote IRR, trigger mode, mask and
//            the 8-bit destination; edge entries deliver on an input's rising edge when
//            unmasked (an edge while masked is lost, as on the chip); level entries deliver
//            while the input is asserted and remote IRR is clear, set remote IRR, and clear it
//            on an EOI with the entry's vector (then deliver again if the input is still
//            asserted). SMI, NMI, INIT and ExtINT always act edge-triggered (datasheet).
// Missing:   the 82093AA's external APIC bus timing — delivery is immediate, so the delivery
//            status bit always reads 0 (idle); no EOI register (that came with version 0x20).
// Ignored:   the polarity bit is stored and read back, but the wires are logical: setLevel(pin,
//            true) means "asserted", whatever the pin's electrical polarity. Reserved delivery
//            modes (011, 110) are logged once and not delivered.
// Reference: Intel 82093AA I/O APIC datasheet (290566-001), §3 registers.
// Config:    ioapic:base,id — e.g. `ioapic:0xfec00000` (id defaults to 8, above every vCPU's
//            local APIC ID, so the MP table never needs to renumber it).
import { registerDevice } from '../vmm/config.ts';
import type { Device, DeviceContext, MmioHandler, Size } from '../vmm/device-api.ts';
import type { ApicDelivery, ApicMessage } from '../vmm/messages.ts';

export const IOAPIC_PINS = 24;
export const IOAPIC_VERSION = 0x11;
export const IOAPIC_MMIO_SIZE = 0x1000;

const IOREGSEL = 0x00;
const IOWIN = 0x10;
const REG_ID = 0x00, REG_VER = 0x01, REG_ARB = 0x02, REG_REDIR = 0x10;

// Redirection entry, low dword.
const LO_VECTOR = 0xff;
const LO_DEST_LOGICAL = 1 << 11;
const LO_REMOTE_IRR = 1 << 14;
const LO_LEVEL = 1 << 15;
const LO_MASK = 1 << 16;
/** Bits the guest can write: vector, delivery mode, destination mode, polarity, trigger, mask. */
const LO_WRITABLE = 0xff | (7 << 8) | LO_DEST_LOGICAL | (1 << 13) | LO_LEVEL | LO_MASK;

const DELIVERY: (ApicDelivery | undefined)[] = ['fixed', 'lowest', 'smi', undefined, 'nmi', 'init', undefined, 'extint'];

export interface Ioapic82093State {
  id: number;
  regsel: number;
  /** Redirection entries: low dwords (remote IRR lives here) and high dwords. */
  lo: number[];
  hi: number[];
  /** Asserted inputs, one bit per pin. */
  pins: number;
}

export interface Ioapic82093Options {
  base: number;
  id?: number;
  /** Sends an interrupt message to the local APICs; the message object is reused. */
  deliver: (msg: ApicMessage) => void;
}

export class Ioapic82093 implements Device<Ioapic82093State> {
  readonly id: string;
  readonly version = 1;
  state: Ioapic82093State;

  private readonly ctx: DeviceContext;
  private readonly deliver: (msg: ApicMessage) => void;
  private readonly resetId: number;
  private readonly msg: ApicMessage = {
    kind: 'apic', dest: 0, destMode: 'physical', delivery: 'fixed', vector: 0, trigger: 'edge',
  };

  constructor(ctx: DeviceContext, opts: Ioapic82093Options) {
    this.ctx = ctx;
    this.id = `ioapic@0x${opts.base.toString(16)}`;
    this.deliver = opts.deliver;
    this.resetId = (opts.id ?? 8) & 0x0f;
    this.state = this.initialState(0);
    const handler: MmioHandler = {
      read: (offset: number, size: Size) => this.mmioRead(offset, size),
      write: (offset: number, size: Size, value: number) => this.mmioWrite(offset, size, value),
    };
    ctx.claimMmio(opts.base, IOAPIC_MMIO_SIZE, this.id, handler);
  }

  private initialState(pins: number): Ioapic82093State {
    return {
      id: this.resetId, regsel: 0,
      lo: new Array<number>(IOAPIC_PINS).fill(LO_MASK),
      hi: new Array<number>(IOAPIC_PINS).fill(0),
      pins,
    };
  }

  /** RESET: every entry masked; the input levels are the board's and survive. */
  reset(): void {
    this.state = this.initialState(this.state.pins);
  }

  afterRestore(): void {
    // Nothing is armed: delivery happens on input changes, EOIs and register writes only.
  }

  /** The current APIC ID (for firmware tables). */
  get apicId(): number { return this.state.id; }

  // ---- inputs ----

  /** An input pin's level (true = asserted). The motherboard's IRQ router calls this. */
  setLevel(pin: number, level: boolean): void {
    if (pin < 0 || pin >= IOAPIC_PINS) {
      this.ctx.log.once(`${this.id}:pin${pin}`, `${this.id}: no input pin ${pin}`);
      return;
    }
    const s = this.state;
    const bit = 1 << pin;
    const was = (s.pins & bit) !== 0;
    if (level === was) return;
    s.pins = level ? s.pins | bit : s.pins & ~bit;
    if (!level) return;
    if (this.isLevel(pin)) this.tryLevel(pin);
    else if (!(s.lo[pin] & LO_MASK)) this.send(pin);
  }

  /** A local APIC's EOI for `vector`: clears remote IRR of matching level entries. */
  eoi(vector: number): void {
    const s = this.state;
    for (let pin = 0; pin < IOAPIC_PINS; pin++) {
      const lo = s.lo[pin];
      if ((lo & LO_REMOTE_IRR) && (lo & LO_VECTOR) === vector) {
        s.lo[pin] = lo & ~LO_REMOTE_IRR;
        this.tryLevel(pin);
      }
    }
  }

  // ---- delivery ----

  private isLevel(pin: number): boolean {
    const lo = this.state.lo[pin];
    const mode = (lo >> 8) & 7;
    return (lo & LO_LEVEL) !== 0 && (mode === 0 || mode === 1);
  }

  private tryLevel(pin: number): void {
    const s = this.state;
    const lo = s.lo[pin];
    if (!this.isLevel(pin) || (lo & (LO_MASK | LO_REMOTE_IRR)) || !(s.pins & (1 << pin))) return;
    s.lo[pin] = lo | LO_REMOTE_IRR;
    this.send(pin);
  }

  private send(pin: number): void {
    const lo = this.state.lo[pin];
    const delivery = DELIVERY[(lo >> 8) & 7];
    if (delivery === undefined) {
      this.ctx.log.once(`${this.id}:mode${pin}`, `${this.id}: pin ${pin} uses a reserved delivery mode; not delivered`);
      return;
    }
    const m = this.msg;
    m.dest = this.state.hi[pin] >>> 24;
    m.destMode = lo & LO_DEST_LOGICAL ? 'logical' : 'physical';
    m.delivery = delivery;
    m.vector = lo & LO_VECTOR;
    m.trigger = this.isLevel(pin) ? 'level' : 'edge';
    this.deliver(m);
  }

  // ---- registers ----

  private readReg(r: number): number {
    const s = this.state;
    if (r === REG_ID) return (s.id << 24) >>> 0;
    if (r === REG_VER) return ((IOAPIC_PINS - 1) << 16) | IOAPIC_VERSION;
    if (r === REG_ARB) return (s.id << 24) >>> 0;
    const i = r - REG_REDIR;
    if (i >= 0 && i < 2 * IOAPIC_PINS) return (i & 1 ? s.hi[i >> 1] : s.lo[i >> 1]) >>> 0;
    this.ctx.log.once(`${this.id}:rd${r}`, `${this.id}: read of undefined register 0x${r.toString(16)}`);
    return 0;
  }

  private writeReg(r: number, v: number): void {
    const s = this.state;
    if (r === REG_ID) {
      s.id = (v >>> 24) & 0x0f;
      return;
    }
    const i = r - REG_REDIR;
    if (i < 0 || i >= 2 * IOAPIC_PINS) {
      this.ctx.log.once(`${this.id}:wr${r}`, `${this.id}: write to read-only or undefined register 0x${r.toString(16)}`);
      return;
    }
    const pin = i >> 1;
    if (i & 1) {
      s.hi[pin] = (v & 0xff000000) >>> 0;
      return;
    }
    const old = s.lo[pin];
    let lo = (old & ~LO_WRITABLE) | (v & LO_WRITABLE);
    if (!(lo & LO_LEVEL)) lo &= ~LO_REMOTE_IRR; // remote IRR is undefined for edge entries
    s.lo[pin] = lo;
    this.tryLevel(pin);
  }

  private mmioRead(offset: number, size: Size): number {
    if (offset >= IOWIN && offset < IOWIN + 4) {
      const v = this.readReg(this.state.regsel);
      if (size === 4) return v;
      this.ctx.log.once(`${this.id}:narrow`, `${this.id}: ${size}-byte IOWIN access (the chip wants dwords)`);
      const shift = 8 * (offset & 3);
      return (v >>> shift) & (size === 1 ? 0xff : 0xffff);
    }
    if (offset >= IOREGSEL && offset < IOREGSEL + 4) return offset === IOREGSEL ? this.state.regsel : 0;
    this.ctx.log.once(`${this.id}:off${offset}`, `${this.id}: access to unused offset 0x${offset.toString(16)}`);
    return 0;
  }

  private mmioWrite(offset: number, size: Size, value: number): void {
    if (offset === IOREGSEL) {
      this.state.regsel = value & 0xff;
      return;
    }
    if (offset >= IOWIN && offset < IOWIN + 4) {
      if (size !== 4) {
        this.ctx.log.once(`${this.id}:narrow`, `${this.id}: ${size}-byte IOWIN access (the chip wants dwords)`);
        const shift = 8 * (offset & 3);
        const mask = (size === 1 ? 0xff : 0xffff) << shift;
        value = (this.readReg(this.state.regsel) & ~mask) | ((value << shift) & mask);
      }
      this.writeReg(this.state.regsel, value >>> 0);
      return;
    }
    this.ctx.log.once(`${this.id}:off${offset}`, `${this.id}: access to unused offset 0x${offset.toString(16)}`);
  }
}

registerDevice({
  word: 'ioapic',
  params: ['base', 'id'],
  help: 'Intel 82093AA I/O APIC with 24 pins (ISA IRQ n on pin n, IRQ0 on pin 2, PCI lines on 16-23).\n'
    + 'base: MMIO base (default 0xfec00000); id: APIC ID (default 8).',
  create(ctx, args, mb) {
    const io = new Ioapic82093(ctx, {
      base: args.num(0, 0xfec00000),
      id: args.num(1, 8, 15),
      deliver: (m) => { mb.cpu.send(m); },
    });
    mb.irqs.attachIoapic(io);
    mb.eoi.listen((m) => { io.eoi(m.vector); });
    return io;
  },
});
