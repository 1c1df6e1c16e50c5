// uart16550.ts — National PC16550D-compatible UART (16550A as Linux's 8250 driver sees it).
//
// Status:    complete for a console: Linux's 8250 autoconfig, THRE test and interrupt-driven
//            I/O work; transmission is instantaneous (see Ignored).
// Implements: RBR/THR, IER, IIR, FCR, LCR, MCR, LSR, MSR, SCR, DLL/DLM behind DLAB; 16-byte RX
//            FIFO with the 1/4/8/14 trigger levels and the character-timeout interrupt
//            (4 character times from the last receive or read, derived from LCR and divisor);
//            the four interrupt causes in datasheet priority (line status > RX data/timeout >
//            THRE > modem status); the THRE interrupt latch (set when ETBEI goes 0→1 with an
//            empty THR and whenever the THR empties, cleared by reading IIR while it is the
//            source or by writing THR); loopback (TX → RX with overrun, DTR→DSR, RTS→CTS,
//            OUT1→RI, OUT2→DCD, host input held back); MSR deltas (DCTS, DDSR, TERI, DDCD);
//            level IRQ gated by OUT2 as on PC boards.
// Missing:   parity/framing/break errors (the host link is error-free, so PE/FE/BI and LSR
//            bit 7 stay 0); receiving a break in loopback (LCR bit 6 is stored only).
// Ignored:   baud rate and transmit timing — a THR write leaves the chip at once, THRE and
//            TEMT read 1 at all times, but the THRE interrupt still goes through a full cycle
//            (the wire drops on the write and rises again, giving edge-triggered PICs a new
//            edge); FCR DMA mode bit; scratch register has no function. Loopback forces the
//            OUT2 pin inactive (datasheet), so the PC IRQ gate is closed while MCR.LOOP is set.
// Reference: National Semiconductor PC16550D datasheet (1995), registers and interrupt table.
// Config:    uart:iobase,irq — e.g. `uart:0x3f8,4`.
import { registerDevice } from '../vmm/config.ts';
import type { Device, DeviceContext, IrqWire, PortHandler, Size } from '../vmm/device-api.ts';

const FIFO_SIZE = 16;
const BASE_CLOCK_HZ = 115200; // 1.8432 MHz / 16
const TRIGGER_LEVELS = [1, 4, 8, 14];

// IIR interrupt identification codes (low nibble).
const IIR_NONE = 0x01;
const IIR_RLS = 0x06;
const IIR_RDA = 0x04;
const IIR_TIMEOUT = 0x0c;
const IIR_THRE = 0x02;
const IIR_MODEM = 0x00;

const IER_RDA = 0x01;
const IER_THRE = 0x02;
const IER_RLS = 0x04;
const IER_MODEM = 0x08;

const LSR_DR = 0x01;
const LSR_OE = 0x02;
const LSR_ERRORS = 0x1e; // OE PE FE BI
const LSR_THRE_TEMT = 0x60;

const MCR_DTR = 0x01;
const MCR_RTS = 0x02;
const MCR_OUT1 = 0x04;
const MCR_OUT2 = 0x08;
const MCR_LOOP = 0x10;

const MSR_CTS = 0x10;
const MSR_DSR = 0x20;
const MSR_RI = 0x40;
const MSR_DCD = 0x80;

const LCR_DLAB = 0x80;

export interface Uart16550State {
  ier: number;
  lcr: number;
  mcr: number;
  /** Only the sticky error bits (OE PE FE BI); DR, THRE and TEMT are derived. */
  lsrErrors: number;
  msr: number;
  scr: number;
  dll: number;
  dlm: number;
  fifoEnabled: boolean;
  triggerLevel: number;
  rx: Uint8Array;
  rxHead: number;
  rxCount: number;
  threPending: boolean;
  timeoutPending: boolean;
  /** Clock time (ns) at which the character timeout fires; valid while rxCount > 0. */
  timeoutAt: number;
  /** Host input not yet in the RX FIFO (ring buffer). */
  hostQ: Uint8Array;
  hostHead: number;
  hostCount: number;
  /** Modem inputs from the host side, in MSR bit positions 4..7. */
  modemIn: number;
}

export interface Uart16550Options {
  iobase: number;
  irq: number;
  /** Capacity of the host-side receive queue in bytes (default 4096). */
  hostQueueBytes?: number;
  /** Sink for transmitted bytes; called with a fresh array per batch. */
  onTransmit?: (bytes: Uint8Array) => void;
}

export class Uart16550 implements Device<Uart16550State> {
  readonly id: string;
  readonly version = 1;
  state: Uart16550State;
  /** Transmitted bytes, batched per event-loop turn (or when 4 KiB are pending). */
  onTransmit?: (bytes: Uint8Array) => void;
  /** Called once after receive() refused bytes, when the host queue has room again. */
  onRxSpace?: () => void;

  private readonly ctx: DeviceContext;
  private readonly wire: IrqWire;
  private readonly iobase: number;
  private readonly hostCap: number;
  private readonly txBuf = new Uint8Array(4096);
  private txLen = 0;
  private flushQueued = false;
  private wantSpace = false;
  private timer = -1;
  private timerAt = 0;
  private readonly onTimerBound = (): void => this.onTimer();
  private readonly flushBound = (): void => this.flush();

  constructor(ctx: DeviceContext, opts: Uart16550Options) {
    this.ctx = ctx;
    this.iobase = opts.iobase;
    this.id = `uart16550@0x${opts.iobase.toString(16)}`;
    this.hostCap = opts.hostQueueBytes ?? 4096;
    this.onTransmit = opts.onTransmit;
    this.wire = ctx.irq(opts.irq);
    this.state = this.initialState();
    const handler: PortHandler = {
      read: (port: number, size: Size) => this.portRead(port - this.iobase, size),
      write: (port: number, size: Size, value: number) => this.portWrite(port - this.iobase, size, value),
    };
    ctx.claimPorts(opts.iobase, 8, this.id, handler);
  }

  private initialState(): Uart16550State {
    return {
      ier: 0, lcr: 0, mcr: 0, lsrErrors: 0, msr: MSR_CTS | MSR_DSR | MSR_DCD, scr: 0, dll: 12, dlm: 0,
      fifoEnabled: false, triggerLevel: 1,
      rx: new Uint8Array(FIFO_SIZE), rxHead: 0, rxCount: 0,
      threPending: false, timeoutPending: false, timeoutAt: 0,
      hostQ: new Uint8Array(this.hostCap), hostHead: 0, hostCount: 0,
      modemIn: MSR_CTS | MSR_DSR | MSR_DCD,
    };
  }

  /** Power-on reset (master reset pin). Host input still queued is kept. */
  reset(): void {
    const s = this.state;
    const fresh = this.initialState();
    fresh.hostQ = s.hostQ;
    fresh.hostHead = s.hostHead;
    fresh.hostCount = s.hostCount;
    fresh.modemIn = s.modemIn;
    this.state = fresh;
    this.refreshModemInputs();
    this.state.msr &= 0xf0; // no deltas right after reset
    this.afterRestore();
  }

  afterRestore(): void {
    if (this.timer >= 0) this.ctx.clock.cancel(this.timer);
    this.timer = -1;
    this.armTimeout();
    this.pullFromHost();
    this.updateIrq();
  }

  // ---- host side ----

  /**
   * Offer bytes from the console. Returns how many were accepted (into the RX FIFO or the
   * bounded host queue); the caller keeps the rest and offers them again after onRxSpace.
   */
  receive(bytes: Uint8Array): number {
    const s = this.state;
    const n = Math.min(bytes.length, this.hostCap - s.hostCount);
    for (let i = 0; i < n; i++) {
      s.hostQ[(s.hostHead + s.hostCount) % this.hostCap] = bytes[i];
      s.hostCount++;
    }
    if (n < bytes.length) this.wantSpace = true;
    this.pullFromHost();
    this.updateIrq();
    return n;
  }

  /** Bytes waiting on the host side (not yet in the RX FIFO). */
  get hostQueued(): number { return this.state.hostCount; }

  /** Set the modem status inputs (MSR bits 4..7: CTS, DSR, RI, DCD) driven by the host side. */
  setModemInputs(msrBits: number): void {
    this.state.modemIn = msrBits & 0xf0;
    this.refreshModemInputs();
    this.updateIrq();
  }

  /** Hand pending transmitted bytes to onTransmit now. */
  flush(): void {
    this.flushQueued = false;
    if (this.txLen === 0) return;
    const out = this.txBuf.slice(0, this.txLen);
    this.txLen = 0;
    this.onTransmit?.(out);
  }

  // ---- port access ----

  private portRead(off: number, size: Size): number {
    if (size === 1) return this.readReg(off);
    this.ctx.log.once(`${this.id}:wide`, `${this.id}: ${size}-byte read at +${off}, split into bytes`);
    let v = 0;
    for (let i = 0; i < size; i++) v |= (off + i < 8 ? this.readReg(off + i) : 0xff) << (8 * i);
    return v >>> 0;
  }

  private portWrite(off: number, size: Size, value: number): void {
    if (size === 1) { this.writeReg(off, value & 0xff); return; }
    this.ctx.log.once(`${this.id}:wide`, `${this.id}: ${size}-byte write at +${off}, split into bytes`);
    for (let i = 0; i < size && off + i < 8; i++) this.writeReg(off + i, (value >>> (8 * i)) & 0xff);
  }

  private readReg(off: number): number {
    const s = this.state;
    const dlab = (s.lcr & LCR_DLAB) !== 0;
    switch (off) {
      case 0: return dlab ? s.dll : this.readRbr();
      case 1: return dlab ? s.dlm : s.ier;
      case 2: return this.readIir();
      case 3: return s.lcr;
      case 4: return s.mcr;
      case 5: return this.readLsr();
      case 6: return this.readMsr();
      default: return s.scr;
    }
  }

  private writeReg(off: number, v: number): void {
    const s = this.state;
    const dlab = (s.lcr & LCR_DLAB) !== 0;
    switch (off) {
      case 0: if (dlab) s.dll = v; else this.writeThr(v); return;
      case 1: if (dlab) s.dlm = v; else this.writeIer(v); return;
      case 2: this.writeFcr(v); return;
      case 3: s.lcr = v; return;
      case 4: this.writeMcr(v); return;
      case 5:
      case 6:
        this.ctx.log.once(`${this.id}:ro${off}`, `${this.id}: write to read-only register +${off} ignored`);
        return;
      default: s.scr = v;
    }
  }

  // ---- registers ----

  private readRbr(): number {
    const s = this.state;
    if (s.rxCount === 0) return 0;
    const b = s.rx[s.rxHead];
    s.rxHead = (s.rxHead + 1) % FIFO_SIZE;
    s.rxCount--;
    s.timeoutPending = false;
    s.timeoutAt = this.ctx.clock.now() + this.timeoutNs();
    this.pullFromHost();
    this.armTimeout();
    this.updateIrq();
    if (this.wantSpace && s.hostCount <= this.hostCap >> 1) {
      this.wantSpace = false;
      this.onRxSpace?.();
    }
    return b;
  }

  private readIir(): number {
    this.checkTimeout();
    const cause = this.cause();
    if (cause === IIR_THRE) {
      this.state.threPending = false;
      this.updateIrq();
    }
    return cause | (this.state.fifoEnabled ? 0xc0 : 0);
  }

  private readLsr(): number {
    const s = this.state;
    const v = s.lsrErrors | (s.rxCount > 0 ? LSR_DR : 0) | LSR_THRE_TEMT;
    if (s.lsrErrors !== 0) {
      s.lsrErrors = 0;
      this.updateIrq();
    }
    return v;
  }

  private readMsr(): number {
    const s = this.state;
    const v = s.msr;
    if (v & 0x0f) {
      s.msr &= 0xf0;
      this.updateIrq();
    }
    return v;
  }

  private writeThr(v: number): void {
    const s = this.state;
    s.threPending = false;
    this.updateIrq();
    if (s.mcr & MCR_LOOP) this.rxPush(v);
    else this.transmit(v);
    // The shift register finishes at once: THR is empty again and THRE re-arms.
    s.threPending = true;
    this.updateIrq();
  }

  private writeIer(v: number): void {
    const s = this.state;
    const old = s.ier;
    s.ier = v & 0x0f;
    if (!(old & IER_THRE) && (s.ier & IER_THRE)) s.threPending = true;
    this.updateIrq();
  }

  private writeFcr(v: number): void {
    const s = this.state;
    const enable = (v & 0x01) !== 0;
    if (enable !== s.fifoEnabled) {
      s.fifoEnabled = enable;
      this.clearRx();
    }
    if (enable) {
      s.triggerLevel = TRIGGER_LEVELS[v >> 6];
      if (v & 0x02) this.clearRx();
    }
    this.pullFromHost();
    this.armTimeout();
    this.updateIrq();
  }

  private writeMcr(v: number): void {
    const s = this.state;
    const wasLoop = (s.mcr & MCR_LOOP) !== 0;
    s.mcr = v & 0x1f;
    this.refreshModemInputs();
    if (wasLoop && !(s.mcr & MCR_LOOP)) this.pullFromHost();
    this.updateIrq();
  }

  // ---- internals ----

  private cause(): number {
    const s = this.state;
    if ((s.ier & IER_RLS) && (s.lsrErrors & LSR_ERRORS)) return IIR_RLS;
    if (s.ier & IER_RDA) {
      if (s.fifoEnabled ? s.rxCount >= s.triggerLevel : s.rxCount > 0) return IIR_RDA;
      if (s.timeoutPending) return IIR_TIMEOUT;
    }
    if ((s.ier & IER_THRE) && s.threPending) return IIR_THRE;
    if ((s.ier & IER_MODEM) && (s.msr & 0x0f)) return IIR_MODEM;
    return IIR_NONE;
  }

  private updateIrq(): void {
    const gate = (this.state.mcr & (MCR_OUT2 | MCR_LOOP)) === MCR_OUT2;
    const want = gate && this.cause() !== IIR_NONE;
    if (want !== this.wire.level) {
      if (want) this.wire.raise();
      else this.wire.lower();
    }
  }

  private transmit(b: number): void {
    this.txBuf[this.txLen++] = b;
    if (this.txLen === this.txBuf.length) this.flush();
    else if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(this.flushBound);
    }
  }

  /** A character arrives at the receiver (from the host queue or the loopback path). */
  private rxPush(b: number): void {
    const s = this.state;
    const cap = s.fifoEnabled ? FIFO_SIZE : 1;
    s.timeoutAt = this.ctx.clock.now() + this.timeoutNs();
    if (s.rxCount >= cap) {
      // Overrun: the character in the shift register is lost, the FIFO keeps its contents.
      s.lsrErrors |= LSR_OE;
      return;
    }
    s.rx[(s.rxHead + s.rxCount) % FIFO_SIZE] = b;
    s.rxCount++;
    this.armTimeout();
  }

  /** Move host input into the RX FIFO as space allows; nothing arrives from outside in loopback. */
  private pullFromHost(): void {
    const s = this.state;
    if (s.mcr & MCR_LOOP) return;
    const cap = s.fifoEnabled ? FIFO_SIZE : 1;
    while (s.hostCount > 0 && s.rxCount < cap) {
      const b = s.hostQ[s.hostHead];
      s.hostHead = (s.hostHead + 1) % this.hostCap;
      s.hostCount--;
      this.rxPush(b);
    }
  }

  private clearRx(): void {
    const s = this.state;
    s.rxHead = 0;
    s.rxCount = 0;
    s.timeoutPending = false;
  }

  private refreshModemInputs(): void {
    const s = this.state;
    let inp = s.modemIn;
    if (s.mcr & MCR_LOOP) {
      inp = (s.mcr & MCR_DTR ? MSR_DSR : 0) | (s.mcr & MCR_RTS ? MSR_CTS : 0)
        | (s.mcr & MCR_OUT1 ? MSR_RI : 0) | (s.mcr & MCR_OUT2 ? MSR_DCD : 0);
    }
    const old = s.msr & 0xf0;
    const changed = old ^ inp;
    let delta = s.msr & 0x0f;
    if (changed & MSR_CTS) delta |= 0x01;
    if (changed & MSR_DSR) delta |= 0x02;
    if ((old & MSR_RI) && !(inp & MSR_RI)) delta |= 0x04; // trailing edge only
    if (changed & MSR_DCD) delta |= 0x08;
    s.msr = inp | delta;
  }

  /** Four character times at the current divisor and frame format. */
  private timeoutNs(): number {
    const s = this.state;
    const dataBits = 5 + (s.lcr & 3);
    const stopBits = s.lcr & 4 ? (dataBits === 5 ? 1.5 : 2) : 1;
    const bits = 1 + dataBits + (s.lcr & 8 ? 1 : 0) + stopBits;
    const divisor = (s.dll | (s.dlm << 8)) || 0x10000;
    return (4 * bits * divisor * 1e9) / BASE_CLOCK_HZ;
  }

  private checkTimeout(): void {
    const s = this.state;
    if (s.fifoEnabled && s.rxCount > 0 && !s.timeoutPending && this.ctx.clock.now() >= s.timeoutAt) {
      s.timeoutPending = true;
      this.updateIrq();
    }
  }

  /** Keep one timer armed at or before timeoutAt; it re-arms itself if the deadline moved. */
  private armTimeout(): void {
    const s = this.state;
    if (!s.fifoEnabled || s.rxCount === 0 || s.timeoutPending) return;
    if (this.timer >= 0 && this.timerAt <= s.timeoutAt) return;
    if (this.timer >= 0) this.ctx.clock.cancel(this.timer);
    this.timerAt = s.timeoutAt;
    this.timer = this.ctx.clock.at(s.timeoutAt, this.onTimerBound);
  }

  private onTimer(): void {
    this.timer = -1;
    const s = this.state;
    if (s.fifoEnabled && s.rxCount > 0 && !s.timeoutPending && this.ctx.clock.now() < s.timeoutAt) {
      this.armTimeout();
      return;
    }
    this.checkTimeout();
  }
}

registerDevice({
  word: 'uart',
  params: ['iobase', 'irq'],
  help: 'National 16550A UART (8 ports from iobase). Defaults: iobase 0x3f8, irq 4.\n'
    + 'The host finds it as "uart16550@0x<iobase>" and sets onTransmit / calls receive().',
  create(ctx, args) {
    return new Uart16550(ctx, { iobase: args.num(0, 0x3f8, 0xfff8), irq: args.num(1, 4, 255) });
  },
});
