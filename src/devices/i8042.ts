// i8042.ts — Intel 8042 keyboard controller (PC/AT + PS/2 command set) with a PS/2 keyboard and
// a PS/2 mouse behind it.
//
// Status:    complete for Linux's i8042/atkbd/psmouse probing, reboot through 0xFE and A20.
// Implements: data port (base) and status/command port (base+4); status OBF, SYS, A2, INH (always
//            unlocked), AUXB; 32 bytes of controller RAM with the command byte at 0 (read
//            0x20–0x3F, write 0x60–0x7F); self test 0xAA → 0x55 (sets SYS); interface tests
//            0xAB/0xA9 → 0x00; keyboard disable/enable 0xAD/0xAE and aux 0xA7/0xA8 (held data
//            waits); output port read/write 0xD0/0xD1 (bit 1 = A20 gate, bit 0 = 0 resets the
//            CPU), 0xDD/0xDF A20 off/on; write keyboard/aux output buffer 0xD2/0xD3 (the aux
//            loopback Linux uses to test IRQ 12); write to aux device 0xD4; pulse output port
//            0xF0–0xFF (bit 0 low → reset); IRQ 1 / IRQ 12 level while the output buffer holds
//            keyboard / aux data and the command byte enables it; scan-code set 2 → set 1
//            translation (command byte bit 6), including the F0 break prefix.
//            Keyboard: reset 0xFF → FA AA, identify F2 → FA AB 83, LEDs ED, echo EE, scan-code
//            set F0, typematic F3, enable/disable F4/F5, defaults F6, resend FE, 0xFE for
//            unknown bytes. Mouse: reset FF → FA AA 00, ID F2 → FA 00, status E9, read data EB,
//            sample rate F3, resolution E8, scaling E6/E7, stream/remote, wrap mode EE/EC,
//            enable/disable F4/F5.
// Missing:   mouse movement from the host; scan-code sets 1 and 3 in the keyboard (selecting
//            them is acknowledged and logged, pressKey always takes set 2); typematic repeat.
// Ignored:   timing — responses and refills of the output buffer are immediate (IBF never
//            reads 1); input port 0xC0 answers 0x80; the password commands answer "none".
// Reference: IBM PC/AT Technical Reference (keyboard controller); IBM PS/2 Hardware Interface
//            Technical Reference (8042 commands, keyboard and auxiliary device commands).
// Config:    kbc:iobase,irq,irq2 — e.g. `kbc:0x60,1,12`.
import { registerDevice } from '../vmm/config.ts';
import type { Device, DeviceContext, IrqWire, PortHandler, Size } from '../vmm/device-api.ts';
import type { A20Message, ResetMessage } from '../vmm/messages.ts';

const ST_OBF = 0x01, ST_SYS = 0x04, ST_A2 = 0x08, ST_UNLOCKED = 0x10, ST_AUXB = 0x20;
const CTR_KBDINT = 0x01, CTR_AUXINT = 0x02, CTR_SYS = 0x04, CTR_KBDDIS = 0x10, CTR_AUXDIS = 0x20, CTR_XLATE = 0x40;
const OUT_RESET = 0x01, OUT_A20 = 0x02, OUT_IRQ1 = 0x10, OUT_IRQ12 = 0x20;
const ACK = 0xfa, RESEND = 0xfe, BAT_OK = 0xaa;
const AUX = 0x100; // tag on controller-queue entries that go out as aux data
const HOST_QUEUE_MAX = 256;

/** Scan-code set 2 → set 1, as the 8042 translates (pairs set2, set1; other codes map to themselves). */
const XLATE_PAIRS = [
  0x76, 0x01, 0x16, 0x02, 0x1e, 0x03, 0x26, 0x04, 0x25, 0x05, 0x2e, 0x06, 0x36, 0x07, 0x3d, 0x08,
  0x3e, 0x09, 0x46, 0x0a, 0x45, 0x0b, 0x4e, 0x0c, 0x55, 0x0d, 0x66, 0x0e, 0x0d, 0x0f, 0x15, 0x10,
  0x1d, 0x11, 0x24, 0x12, 0x2d, 0x13, 0x2c, 0x14, 0x35, 0x15, 0x3c, 0x16, 0x43, 0x17, 0x44, 0x18,
  0x4d, 0x19, 0x54, 0x1a, 0x5b, 0x1b, 0x5a, 0x1c, 0x14, 0x1d, 0x1c, 0x1e, 0x1b, 0x1f, 0x23, 0x20,
  0x2b, 0x21, 0x34, 0x22, 0x33, 0x23, 0x3b, 0x24, 0x42, 0x25, 0x4b, 0x26, 0x4c, 0x27, 0x52, 0x28,
  0x0e, 0x29, 0x12, 0x2a, 0x5d, 0x2b, 0x1a, 0x2c, 0x22, 0x2d, 0x21, 0x2e, 0x2a, 0x2f, 0x32, 0x30,
  0x31, 0x31, 0x3a, 0x32, 0x41, 0x33, 0x49, 0x34, 0x4a, 0x35, 0x59, 0x36, 0x7c, 0x37, 0x11, 0x38,
  0x29, 0x39, 0x58, 0x3a, 0x05, 0x3b, 0x06, 0x3c, 0x04, 0x3d, 0x0c, 0x3e, 0x03, 0x3f, 0x0b, 0x40,
  0x83, 0x41, 0x0a, 0x42, 0x01, 0x43, 0x09, 0x44, 0x77, 0x45, 0x7e, 0x46, 0x6c, 0x47, 0x75, 0x48,
  0x7d, 0x49, 0x7b, 0x4a, 0x6b, 0x4b, 0x73, 0x4c, 0x74, 0x4d, 0x79, 0x4e, 0x69, 0x4f, 0x72, 0x50,
  0x7a, 0x51, 0x70, 0x52, 0x71, 0x53, 0x84, 0x54, 0x61, 0x56, 0x78, 0x57, 0x07, 0x58, 0x00, 0xff,
];
const XLATE = new Uint8Array(256).map((_, i) => i);
for (let i = 0; i < XLATE_PAIRS.length; i += 2) XLATE[XLATE_PAIRS[i]] = XLATE_PAIRS[i + 1];

export interface PS2KeyboardState {
  scanning: boolean;
  scanSet: number;
  leds: number;
  /** Command waiting for its parameter byte (0 = none). */
  pending: number;
  lastSent: number;
}

export interface PS2MouseState {
  enabled: boolean;
  remote: boolean;
  wrap: boolean;
  scaling2: boolean;
  rate: number;
  resolution: number;
  pending: number;
  lastSent: number;
}

export interface I8042State {
  /** Controller RAM; byte 0 is the command byte. */
  ram: number[];
  outputPort: number;
  /** Status bits kept across reads: SYS and A2. */
  status: number;
  ob: number;
  obFull: boolean;
  obAux: boolean;
  /** Controller command waiting for a data byte on port 0x60 (0 = none). */
  pendingCmd: number;
  /** Controller responses (and D2/D3 bytes); AUX-tagged entries go out as aux data. */
  ctrlQ: number[];
  kbdQ: number[];
  auxQ: number[];
  /** The translator saw an F0 prefix. */
  xlatBreak: boolean;
  kbd: PS2KeyboardState;
  mouse: PS2MouseState;
}

export interface I8042Options {
  iobase: number;
  irq: number;
  irq2: number;
  /** The A20 gate (output port bit 1) changed. */
  onA20?: (enabled: boolean) => void;
  /** The controller pulsed or wrote the CPU reset line (output port bit 0 low). */
  onReset?: () => void;
}

export class I8042 implements Device<I8042State> {
  readonly id: string;
  readonly version = 1;
  state: I8042State;

  private readonly ctx: DeviceContext;
  private readonly kbdIrq: IrqWire;
  private readonly auxIrq: IrqWire;
  private readonly opts: I8042Options;

  constructor(ctx: DeviceContext, opts: I8042Options) {
    this.ctx = ctx;
    this.opts = opts;
    this.id = `i8042@0x${opts.iobase.toString(16)}`;
    this.kbdIrq = ctx.irq(opts.irq);
    this.auxIrq = ctx.irq(opts.irq2);
    this.state = I8042.initialState();
    const handler: PortHandler = {
      read: (port: number, size: Size) => this.portRead(port - opts.iobase, size),
      write: (port: number, _size: Size, value: number) => this.portWrite(port - opts.iobase, value & 0xff),
    };
    ctx.claimPorts(opts.iobase, 1, this.id, handler);
    ctx.claimPorts(opts.iobase + 4, 1, this.id, handler);
  }

  /** The state a PC BIOS leaves: translation on, keyboard IRQ on, A20 off, both ports enabled. */
  private static initialState(): I8042State {
    const ram = new Array<number>(32).fill(0);
    ram[0] = CTR_XLATE | CTR_SYS | CTR_KBDINT;
    return {
      ram, outputPort: 0xcd, status: ST_SYS, ob: 0, obFull: false, obAux: false, pendingCmd: 0,
      ctrlQ: [], kbdQ: [], auxQ: [], xlatBreak: false,
      kbd: { scanning: true, scanSet: 2, leds: 0, pending: 0, lastSent: 0 },
      mouse: { enabled: false, remote: false, wrap: false, scaling2: false, rate: 100, resolution: 2, pending: 0, lastSent: 0 },
    };
  }

  reset(): void {
    this.state = I8042.initialState();
    this.updateIrq();
  }

  afterRestore(): void {
    this.updateIrq();
  }

  // ---- host side ----

  /**
   * Key make/break codes in scan-code set 2 (e.g. [0x1c] for A down, [0xf0, 0x1c] for A up).
   * Returns how many bytes were taken: none while the keyboard is disabled (F5) or its buffer full.
   */
  pressKey(scancodes: ArrayLike<number>): number {
    const s = this.state;
    if (!s.kbd.scanning) return 0;
    const n = Math.min(scancodes.length, HOST_QUEUE_MAX - s.kbdQ.length);
    for (let i = 0; i < n; i++) s.kbdQ.push(scancodes[i] & 0xff);
    this.fill();
    return n;
  }

  /** Keyboard LED state from the last ED command: bit 0 scroll, 1 num, 2 caps lock. */
  get leds(): number { return this.state.kbd.leds; }

  /** The A20 gate as the output port drives it. */
  get a20(): boolean { return (this.state.outputPort & OUT_A20) !== 0; }

  // ---- ports ----

  private portRead(off: number, size: Size): number {
    if (size !== 1) this.ctx.log.once(`${this.id}:wide`, `${this.id}: ${size}-byte read, answered as a byte`);
    return off === 0 ? this.readData() : this.readStatus();
  }

  private portWrite(off: number, v: number): void {
    const s = this.state;
    if (off === 0) {
      s.status &= ~ST_A2;
      const cmd = s.pendingCmd;
      s.pendingCmd = 0;
      if (cmd !== 0) this.commandData(cmd, v);
      else this.kbdWrite(v);
    } else {
      s.status |= ST_A2;
      s.pendingCmd = 0;
      this.command(v);
    }
  }

  private readStatus(): number {
    const s = this.state;
    return s.status | ST_UNLOCKED | (s.obFull ? ST_OBF : 0) | (s.obFull && s.obAux ? ST_AUXB : 0);
  }

  private readData(): number {
    const s = this.state;
    const b = s.ob;
    if (s.obFull) {
      s.obFull = false;
      this.updateIrq();
      this.fill();
    }
    return b;
  }

  // ---- controller ----

  private command(cmd: number): void {
    const s = this.state;
    if (cmd >= 0x20 && cmd < 0x40) { this.respond(s.ram[cmd & 0x1f]); return; }
    if ((cmd >= 0x60 && cmd < 0x80) || (cmd >= 0xd1 && cmd <= 0xd4)) { s.pendingCmd = cmd; return; }
    if (cmd >= 0xf0) {
      if (!(cmd & OUT_RESET)) this.opts.onReset?.();
      return;
    }
    switch (cmd) {
      case 0xa4: this.respond(0xf1); return; // no password installed
      case 0xa7: this.setCtr(s.ram[0] | CTR_AUXDIS); return;
      case 0xa8: this.setCtr(s.ram[0] & ~CTR_AUXDIS); return;
      case 0xa9: case 0xab: this.respond(0x00); return;
      case 0xaa:
        s.status |= ST_SYS;
        this.respond(0x55);
        return;
      case 0xad: this.setCtr(s.ram[0] | CTR_KBDDIS); return;
      case 0xae: this.setCtr(s.ram[0] & ~CTR_KBDDIS); return;
      case 0xc0: this.respond(0x80); return;
      case 0xd0: this.respond(this.outputPortValue()); return;
      case 0xdd: this.writeOutputPort(s.outputPort & ~OUT_A20); return;
      case 0xdf: this.writeOutputPort(s.outputPort | OUT_A20); return;
      case 0xe0: this.respond(0x00); return;
      default:
        this.ctx.log.once(`${this.id}:cmd${cmd}`, `${this.id}: unknown controller command 0x${cmd.toString(16)} ignored`);
    }
  }

  private commandData(cmd: number, v: number): void {
    const s = this.state;
    switch (cmd) {
      case 0xd1: this.writeOutputPort(v); return;
      case 0xd2: s.ctrlQ.push(v); this.fill(); return;
      case 0xd3: s.ctrlQ.push(v | AUX); this.fill(); return;
      case 0xd4: this.auxWrite(v); return;
      default:
        if ((cmd & 0x1f) === 0) this.setCtr(v);
        else s.ram[cmd & 0x1f] = v;
    }
  }

  private setCtr(v: number): void {
    const s = this.state;
    s.ram[0] = v;
    s.status = (s.status & ~ST_SYS) | (v & CTR_SYS);
    this.updateIrq();
    this.fill();
  }

  private outputPortValue(): number {
    const s = this.state;
    const irqBits = s.obFull ? (s.obAux ? OUT_IRQ12 : OUT_IRQ1) : 0;
    return (s.outputPort & ~(OUT_IRQ1 | OUT_IRQ12)) | irqBits;
  }

  private writeOutputPort(v: number): void {
    const s = this.state;
    const old = s.outputPort;
    s.outputPort = v | OUT_RESET; // the reset line is a pulse: it does not stay low
    if ((old ^ v) & OUT_A20) this.opts.onA20?.((v & OUT_A20) !== 0);
    if (!(v & OUT_RESET)) this.opts.onReset?.();
  }

  private respond(b: number): void {
    this.state.ctrlQ.push(b);
    this.fill();
  }

  /** Load the output buffer: controller bytes first, then the keyboard, then the mouse. */
  private fill(): void {
    const s = this.state;
    while (!s.obFull) {
      if (s.ctrlQ.length > 0) {
        const e = s.ctrlQ.shift()!;
        this.load(e & 0xff, (e & AUX) !== 0);
      } else if (s.kbdQ.length > 0 && !(s.ram[0] & CTR_KBDDIS)) {
        const b = s.kbdQ.shift()!;
        if (!(s.ram[0] & CTR_XLATE)) this.load(b, false);
        else if (b === 0xf0) s.xlatBreak = true;
        else {
          this.load(XLATE[b] | (s.xlatBreak ? 0x80 : 0), false);
          s.xlatBreak = false;
        }
      } else if (s.auxQ.length > 0 && !(s.ram[0] & CTR_AUXDIS)) {
        this.load(s.auxQ.shift()!, true);
      } else {
        return;
      }
    }
  }

  private load(b: number, aux: boolean): void {
    const s = this.state;
    s.ob = b;
    s.obAux = aux;
    s.obFull = true;
    this.updateIrq();
  }

  private updateIrq(): void {
    const s = this.state;
    const ctr = s.ram[0];
    const k = s.obFull && !s.obAux && (ctr & CTR_KBDINT) !== 0;
    const a = s.obFull && s.obAux && (ctr & CTR_AUXINT) !== 0;
    if (k !== this.kbdIrq.level) { if (k) this.kbdIrq.raise(); else this.kbdIrq.lower(); }
    if (a !== this.auxIrq.level) { if (a) this.auxIrq.raise(); else this.auxIrq.lower(); }
  }

  // ---- PS/2 keyboard ----

  private kbdSend(...bytes: number[]): void {
    const s = this.state;
    for (const b of bytes) s.kbdQ.push(b);
    s.kbd.lastSent = bytes[bytes.length - 1];
    this.fill();
  }

  private kbdWrite(v: number): void {
    const k = this.state.kbd;
    const pending = k.pending;
    k.pending = 0;
    if (pending !== 0 && v < 0xed) { this.kbdParam(pending, v); return; }
    switch (v) {
      case 0xed: case 0xf0: case 0xf3: k.pending = v; this.kbdSend(ACK); return;
      case 0xee: this.kbdSend(0xee); return;
      case 0xf2: this.kbdSend(ACK, 0xab, 0x83); return;
      case 0xf4: k.scanning = true; this.kbdSend(ACK); return;
      case 0xf5: k.scanning = false; this.kbdSend(ACK); return;
      case 0xf6: case 0xf7: case 0xf8: case 0xf9: case 0xfa: case 0xfb: case 0xfc: case 0xfd:
        this.kbdSend(ACK);
        return;
      case 0xfe: this.kbdSend(k.lastSent); return;
      case 0xff:
        this.state.kbdQ.length = 0;
        this.state.xlatBreak = false;
        Object.assign(k, { scanning: true, scanSet: 2, leds: 0 });
        this.kbdSend(ACK, BAT_OK);
        return;
      default: this.kbdSend(RESEND);
    }
  }

  private kbdParam(cmd: number, v: number): void {
    const k = this.state.kbd;
    if (cmd === 0xed) k.leds = v & 7;
    if (cmd === 0xf0) {
      if (v === 0) { this.kbdSend(ACK, k.scanSet); return; }
      if (v !== 2) this.ctx.log.once(`${this.id}:set${v}`, `${this.id}: scan-code set ${v} selected; keys still come in set 2`);
      k.scanSet = v & 3;
    }
    this.kbdSend(ACK);
  }

  // ---- PS/2 mouse ----

  private auxSend(...bytes: number[]): void {
    const s = this.state;
    for (const b of bytes) s.auxQ.push(b);
    s.mouse.lastSent = bytes[bytes.length - 1];
    this.fill();
  }

  private auxWrite(v: number): void {
    const m = this.state.mouse;
    const pending = m.pending;
    m.pending = 0;
    if (pending === 0xf3) { m.rate = v; this.auxSend(ACK); return; }
    if (pending === 0xe8) { m.resolution = v & 3; this.auxSend(ACK); return; }
    if (m.wrap && v !== 0xec && v !== 0xff) { this.auxSend(v); return; }
    switch (v) {
      case 0xe6: case 0xe7: m.scaling2 = v === 0xe7; this.auxSend(ACK); return;
      case 0xe8: case 0xf3: m.pending = v; this.auxSend(ACK); return;
      case 0xe9: this.auxSend(ACK, this.mouseStatus(), m.resolution, m.rate); return;
      case 0xea: case 0xf0: m.remote = v === 0xf0; this.auxSend(ACK); return;
      case 0xeb: this.auxSend(ACK, 0x08, 0x00, 0x00); return;
      case 0xec: case 0xee: m.wrap = v === 0xee; this.auxSend(ACK); return;
      case 0xf2: this.auxSend(ACK, 0x00); return;
      case 0xf4: case 0xf5: m.enabled = v === 0xf4; this.auxSend(ACK); return;
      case 0xf6: this.mouseDefaults(); this.auxSend(ACK); return;
      case 0xfe: this.auxSend(m.lastSent); return;
      case 0xff:
        this.state.auxQ.length = 0;
        this.mouseDefaults();
        m.wrap = false;
        this.auxSend(ACK, BAT_OK, 0x00);
        return;
      default: this.auxSend(RESEND);
    }
  }

  private mouseStatus(): number {
    const m = this.state.mouse;
    return (m.remote ? 0x40 : 0) | (m.enabled ? 0x20 : 0) | (m.scaling2 ? 0x10 : 0);
  }

  private mouseDefaults(): void {
    Object.assign(this.state.mouse, { enabled: false, remote: false, scaling2: false, rate: 100, resolution: 2 });
  }
}

registerDevice({
  word: 'kbc',
  params: ['iobase', 'irq', 'irq2'],
  help: 'Intel 8042 keyboard controller with a PS/2 keyboard and mouse (ports iobase and iobase+4).\n'
    + 'irq: keyboard IRQ (default 1); irq2: mouse IRQ (default 12). Drives A20 and CPU reset.',
  create(ctx, args, mb) {
    const a20: A20Message = { kind: 'a20', enabled: false, source: 'i8042' };
    const reset: ResetMessage = { kind: 'reset', reason: 'i8042 reset line' };
    return new I8042(ctx, {
      iobase: args.num(0, 0x60, 0xfffb),
      irq: args.num(1, 1, 255),
      irq2: args.num(2, 12, 255),
      onA20: (enabled) => { a20.enabled = enabled; mb.system.send(a20); },
      onReset: () => { mb.system.send(reset); },
    });
  },
});
