import { describe, expect, it } from 'vitest';
import { Uart16550 } from '../../../src/devices/uart16550.ts';
import { ManualClock } from '../../../src/vmm/clock.ts';
import { Motherboard } from '../../../src/vmm/motherboard.ts';
import { FakeContext } from './fake-context.ts';

const B = 0x3f8;
const RBR = B, IER = B + 1, IIR = B + 2, FCR = B + 2, LCR = B + 3, MCR = B + 4, LSR = B + 5, MSR = B + 6, SCR = B + 7;

function setup(hostQueueBytes?: number) {
  const ctx = new FakeContext();
  const tx: number[] = [];
  const uart = new Uart16550(ctx, { iobase: B, irq: 4, hostQueueBytes, onTransmit: (b) => tx.push(...b) });
  return { ctx, uart, tx, wire: ctx.irq(4) };
}

/** Byte-exact comparison (vitest's deep equality is slow on 10k-element arrays). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** 115200 8N1 with FIFOs at trigger 8 and OUT2 on, as Linux's 8250 leaves a 16550A. */
function linuxInit(ctx: FakeContext): void {
  ctx.out(LCR, 0x80);
  ctx.out(RBR, 1);
  ctx.out(IER, 0);
  ctx.out(LCR, 0x03);
  ctx.out(FCR, 0x07);
  ctx.out(FCR, 0x81);
  ctx.out(MCR, 0x0b);
}

describe('uart16550: Linux 8250 autoconfig', () => {
  it('passes the scratch, IER, loopback and FIFO probes', () => {
    const { ctx } = setup();
    // scratch register
    ctx.out(SCR, 0xa5);
    expect(ctx.in(SCR)).toBe(0xa5);
    // IER: low nibble writable, upper bits read 0 on a 16550A
    ctx.out(IER, 0);
    expect(ctx.in(IER) & 0x0f).toBe(0);
    ctx.out(IER, 0xff);
    expect(ctx.in(IER)).toBe(0x0f);
    ctx.out(IER, 0);
    // loopback: RTS|OUT2 → CTS|DCD
    ctx.out(MCR, 0x10 | 0x0a);
    expect(ctx.in(MSR) & 0xf0).toBe(0x90);
    ctx.out(MCR, 0);
    // FIFO detection: IIR bits 7:6 = 11, bit 5 (64-byte FIFO) clear
    ctx.out(FCR, 0x01);
    expect(ctx.in(IIR) >> 6).toBe(3);
    ctx.out(LCR, 0x80);
    expect(ctx.in(IIR) & 0x20).toBe(0); // no 16750 64-byte mode
    expect(ctx.in(IIR)).not.toBe(0); // no EFR under DLAB (not a 16650)
    ctx.out(LCR, 0);
    ctx.out(FCR, 0);
    expect(ctx.in(IIR) >> 6).toBe(0);
    expect(ctx.in(LSR)).toBe(0x60);
  });

  it('keeps the divisor latch behind DLAB', () => {
    const { ctx } = setup();
    ctx.out(LCR, 0x83);
    ctx.out(RBR, 0x34);
    ctx.out(IER, 0x12);
    expect(ctx.in(RBR)).toBe(0x34);
    expect(ctx.in(IER)).toBe(0x12);
    ctx.out(LCR, 0x03);
    expect(ctx.in(IER)).toBe(0);
    expect(ctx.in(LCR)).toBe(0x03);
  });
});

describe('uart16550: THRE interrupt', () => {
  it('does the serial8250_THRE_test dance', () => {
    const { ctx, wire } = setup();
    linuxInit(ctx);
    expect(wire.level).toBe(false);
    ctx.out(IER, 0x02);
    expect(wire.level).toBe(true);
    const iir1 = ctx.in(IIR);
    expect(iir1).toBe(0xc2);
    expect(wire.level).toBe(false); // reading IIR cleared the THRE source
    expect(ctx.in(IIR)).toBe(0xc1);
    ctx.out(IER, 0);
    ctx.out(IER, 0x02);
    expect(ctx.in(IIR)).toBe(0xc2); // re-asserted when ETBEI goes 0→1
    ctx.out(IER, 0);
  });

  it('drops and re-raises the wire on every THR write (a new edge each time)', () => {
    const { ctx, uart, wire, tx } = setup();
    linuxInit(ctx);
    ctx.out(IER, 0x02);
    const rises = wire.rises, falls = wire.falls;
    for (const c of 'hello') ctx.out(RBR, c.charCodeAt(0));
    expect(wire.rises - rises).toBe(5);
    expect(wire.falls - falls).toBe(5);
    expect(wire.level).toBe(true);
    expect(ctx.in(LSR) & 0x60).toBe(0x60);
    uart.flush();
    expect(String.fromCharCode(...tx)).toBe('hello');
  });

  it('gates the IRQ with OUT2 while IIR still reports the cause', () => {
    const { ctx, wire } = setup();
    linuxInit(ctx);
    ctx.out(MCR, 0x03); // OUT2 off
    ctx.out(IER, 0x02);
    expect(wire.level).toBe(false);
    ctx.out(MCR, 0x0b);
    expect(wire.level).toBe(true);
    ctx.out(MCR, 0x03);
    expect(wire.level).toBe(false);
    expect(ctx.in(IIR)).toBe(0xc2);
  });
});

describe('uart16550: receive FIFO', () => {
  it('raises RX data at each trigger level and not before', () => {
    for (const [bits, level] of [[0x00, 1], [0x40, 4], [0x80, 8], [0xc0, 14]]) {
      const { ctx, uart, wire } = setup();
      linuxInit(ctx);
      ctx.out(FCR, 0x07 | bits);
      ctx.out(IER, 0x01);
      if (level > 1) {
        uart.receive(new Uint8Array(level - 1).fill(0x41));
        expect(ctx.in(IIR) & 0x0f).toBe(0x01);
        expect(wire.level).toBe(false);
        expect(ctx.in(LSR) & 1).toBe(1);
      }
      uart.receive(new Uint8Array([0x42]));
      expect(ctx.in(IIR)).toBe(0xc4);
      expect(wire.level).toBe(true);
      ctx.in(RBR);
      expect(wire.level).toBe(false);
    }
  });

  it('raises the character timeout after four character times and clears it on read', () => {
    const { ctx, uart, wire } = setup();
    linuxInit(ctx); // trigger 8, 115200 8N1: 10 bits = 86.8 µs per character
    ctx.out(IER, 0x01);
    const charNs = (10 * 1e9) / 115200;
    uart.receive(new Uint8Array([1, 2, 3]));
    ctx.clock.advance(4 * charNs - 1000);
    expect(wire.level).toBe(false);
    expect(ctx.in(IIR)).toBe(0xc1);
    ctx.clock.advance(2000);
    expect(wire.level).toBe(true);
    expect(ctx.in(IIR)).toBe(0xcc);
    expect(ctx.in(RBR)).toBe(1);
    expect(wire.level).toBe(false);
    expect(ctx.in(IIR)).toBe(0xc1);
    ctx.clock.advance(4 * charNs + 1000);
    expect(ctx.in(IIR)).toBe(0xcc);
    expect(ctx.in(RBR)).toBe(2);
    expect(ctx.in(RBR)).toBe(3);
    ctx.clock.advance(10 * charNs);
    expect(ctx.in(IIR)).toBe(0xc1); // empty FIFO: no timeout
    expect(ctx.in(LSR) & 1).toBe(0);
  });

  it('scales the timeout with the divisor', () => {
    const { ctx, uart } = setup();
    linuxInit(ctx);
    ctx.out(LCR, 0x83);
    ctx.out(RBR, 12); // 9600 baud
    ctx.out(LCR, 0x03);
    ctx.out(IER, 0x01);
    uart.receive(new Uint8Array([7]));
    const charNs = (10 * 12 * 1e9) / 115200;
    ctx.clock.advance(4 * charNs - 5000);
    expect(ctx.in(IIR)).toBe(0xc1);
    ctx.clock.advance(10000);
    expect(ctx.in(IIR)).toBe(0xcc);
  });

  it('holds one byte in 16450 mode', () => {
    const { ctx, uart } = setup();
    ctx.out(LCR, 0x03);
    ctx.out(IER, 0x01);
    expect(uart.receive(new Uint8Array([1, 2, 3]))).toBe(3);
    expect(ctx.in(IIR)).toBe(0x04);
    expect(uart.hostQueued).toBe(2);
    expect([ctx.in(RBR), ctx.in(RBR), ctx.in(RBR)]).toEqual([1, 2, 3]);
    expect(ctx.in(IIR)).toBe(0x01);
  });
});

describe('uart16550: loopback and modem status', () => {
  it('loops TX to RX, overruns at 17 bytes, and keeps host input back', () => {
    const { ctx, uart, tx } = setup();
    linuxInit(ctx);
    ctx.out(MCR, 0x1b);
    uart.receive(new Uint8Array([0xee]));
    for (let i = 0; i < 17; i++) ctx.out(RBR, i);
    uart.flush();
    expect(tx).toEqual([]);
    expect(ctx.in(LSR)).toBe(0x63); // DR | OE | THRE | TEMT
    expect(ctx.in(LSR)).toBe(0x61); // OE cleared by the read
    const got: number[] = [];
    while (ctx.in(LSR) & 1) got.push(ctx.in(RBR));
    expect(got).toEqual([...Array(16).keys()]);
    ctx.out(MCR, 0x0b);
    expect(ctx.in(RBR)).toBe(0xee);
  });

  it('loops modem outputs to inputs with deltas, and TERI only on the trailing edge', () => {
    const { ctx } = setup();
    ctx.out(MCR, 0x10);
    ctx.in(MSR);
    ctx.out(MCR, 0x10 | 0x01); // DTR → DSR
    expect(ctx.in(MSR)).toBe(0x22);
    expect(ctx.in(MSR)).toBe(0x20);
    ctx.out(MCR, 0x10 | 0x04); // DTR off, OUT1 on → RI on (no TERI), DSR delta
    expect(ctx.in(MSR)).toBe(0x42);
    ctx.out(MCR, 0x10); // RI off → TERI
    expect(ctx.in(MSR)).toBe(0x04);
    ctx.out(MCR, 0x10 | 0x02 | 0x08); // RTS → CTS, OUT2 → DCD
    expect(ctx.in(MSR)).toBe(0x99);
  });

  it('raises a modem status interrupt for host input changes', () => {
    const { ctx, uart, wire } = setup();
    linuxInit(ctx);
    ctx.out(IER, 0x08);
    expect(wire.level).toBe(false);
    uart.setModemInputs(0x30); // DCD drops
    expect(wire.level).toBe(true);
    expect(ctx.in(IIR)).toBe(0xc0);
    expect(ctx.in(MSR)).toBe(0x38);
    expect(wire.level).toBe(false);
    expect(ctx.in(IIR)).toBe(0xc1);
  });
});

describe('uart16550: interrupt priority', () => {
  it('orders line status > RX data > THRE > modem status', () => {
    const { ctx, uart } = setup();
    linuxInit(ctx);
    ctx.out(FCR, 0x07); // trigger 1
    ctx.out(MCR, 0x1b);
    for (let i = 0; i < 17; i++) ctx.out(RBR, i); // fill the FIFO and overrun
    ctx.out(MCR, 0x0b);
    uart.setModemInputs(0x00);
    ctx.out(IER, 0x0f);
    expect(ctx.in(IIR)).toBe(0xc6);
    ctx.in(LSR);
    expect(ctx.in(IIR)).toBe(0xc4);
    while (ctx.in(LSR) & 1) ctx.in(RBR);
    expect(ctx.in(IIR)).toBe(0xc2);
    expect(ctx.in(IIR)).toBe(0xc0);
    ctx.in(MSR);
    expect(ctx.in(IIR)).toBe(0xc1);
  });
});

describe('uart16550: host back-pressure', () => {
  it('delivers 10000 bytes host→guest byte-exact through a 1 KiB host queue', () => {
    const { ctx, uart } = setup(1024);
    linuxInit(ctx);
    const input = Uint8Array.from({ length: 10000 }, (_, i) => (i * 7 + (i >> 8)) & 0xff);
    let offered = 0;
    const offer = () => { offered += uart.receive(input.subarray(offered)); };
    uart.onRxSpace = offer;
    offer();
    expect(offered).toBe(1024);
    const got: number[] = [];
    let guard = 0;
    while ((ctx.in(LSR) & 1) && guard++ < 20000) got.push(ctx.in(RBR));
    expect(offered).toBe(10000);
    expect(got.length).toBe(10000);
    expect(sameBytes(Uint8Array.from(got), input)).toBe(true);
    expect(ctx.in(LSR) & 0x02).toBe(0); // never overran
  });

  it('delivers 5000 bytes guest→host byte-exact in batches', async () => {
    const { ctx, uart } = setup();
    const batches: Uint8Array[] = [];
    uart.onTransmit = (b) => batches.push(b);
    linuxInit(ctx);
    const out = Uint8Array.from({ length: 5000 }, (_, i) => (i * 13) & 0xff);
    let notReady = 0;
    for (const b of out) {
      if (!(ctx.in(LSR) & 0x20)) notReady++;
      ctx.out(RBR, b);
    }
    expect(notReady).toBe(0);
    await Promise.resolve();
    expect(batches.length).toBeLessThanOrEqual(2);
    const all = new Uint8Array(5000);
    let n = 0;
    for (const b of batches) { all.set(b, n); n += b.length; }
    expect(n).toBe(5000);
    expect(sameBytes(all, out)).toBe(true);
  });

  it('serves an interrupt-driven reader with 1500 bytes', () => {
    const { ctx, uart, wire } = setup(256);
    linuxInit(ctx);
    ctx.out(IER, 0x01);
    const input = Uint8Array.from({ length: 1500 }, (_, i) => (i ^ 0x5a) & 0xff);
    let offered = 0;
    uart.onRxSpace = () => { offered += uart.receive(input.subarray(offered)); };
    offered += uart.receive(input);
    const got: number[] = [];
    // A handler in the style of serial8250_rx_chars: at most 256 reads per interrupt.
    let irqs = 0;
    while (irqs < 100) {
      if (!wire.level) ctx.clock.advance(1e6);
      if (!wire.level) break;
      irqs++;
      const iir = ctx.in(IIR);
      expect([0xc4, 0xcc]).toContain(iir);
      for (let k = 0; k < 256 && (ctx.in(LSR) & 1); k++) got.push(ctx.in(RBR));
    }
    expect(sameBytes(Uint8Array.from(got), input)).toBe(true);
  });
});

describe('uart16550: snapshot', () => {
  it('restores into a new instance with identical behaviour', () => {
    const a = setup();
    linuxInit(a.ctx);
    a.ctx.out(IER, 0x03);
    a.uart.receive(new Uint8Array([10, 20, 30, 40, 50]));
    a.ctx.in(RBR);
    const snap = structuredClone(a.uart.state);

    const b = setup();
    b.uart.state = snap;
    b.uart.afterRestore();
    expect(b.wire.level).toBe(a.wire.level);
    const script = (x: ReturnType<typeof setup>) => {
      const r: number[] = [x.ctx.in(IIR), x.ctx.in(LSR), x.ctx.in(RBR)];
      x.ctx.clock.advance(1e6);
      r.push(x.ctx.in(IIR), x.ctx.in(RBR), x.ctx.in(RBR), x.ctx.in(RBR), x.ctx.in(IIR), x.ctx.in(LCR), x.ctx.in(MCR));
      return r;
    };
    const ra = script(a);
    const rb = script(b);
    expect(rb).toEqual(ra);
    expect(ra).toEqual([0xc2, 0x61, 20, 0xcc, 30, 40, 50, 0xc1, 0x03, 0x0b]);
  });
});

describe('uart16550: on a real motherboard', () => {
  it('is made by the config word and drives ISA line 4 through the IRQ router', () => {
    const clock = new ManualClock();
    const mb = Motherboard.fromConfig('uart:0x2f8,3', { clock });
    const uart = mb.device<Uart16550>('uart16550@0x2f8')!;
    expect(uart).toBeInstanceOf(Uart16550);
    const out: number[] = [];
    uart.onTransmit = (b) => out.push(...b);
    const io = (off: number, v?: number) => (v === undefined ? mb.ioRead(0x2f8 + off, 1) : (mb.ioWrite(0x2f8 + off, 1, v), 0));
    io(3, 0x03);
    io(2, 0x01);
    io(4, 0x08);
    io(1, 0x03);
    expect(mb.irqs.lineLevel(3)).toBe(true);
    expect(io(2)).toBe(0xc2);
    expect(mb.irqs.lineLevel(3)).toBe(false);
    io(0, 0x4f);
    io(0, 0x4b);
    uart.flush();
    expect(String.fromCharCode(...out)).toBe('OK');
    io(2); // clear THRE again
    expect(mb.irqs.lineLevel(3)).toBe(false);
    uart.receive(new Uint8Array([0x31])); // trigger level 1: RX data at once
    expect(mb.irqs.lineLevel(3)).toBe(true);
    expect(io(2)).toBe(0xc4);
    expect(io(0)).toBe(0x31);
    expect(mb.irqs.lineLevel(3)).toBe(false);
  });

  it('re-arms its character timeout after a machine snapshot/restore', () => {
    const clock = new ManualClock();
    const mb = Motherboard.fromConfig('uart', { clock });
    const uart = mb.device<Uart16550>('uart16550@0x3f8')!;
    mb.ioWrite(0x3fb, 1, 0x03);
    mb.ioWrite(0x3fa, 1, 0xc1); // trigger 14
    mb.ioWrite(0x3fc, 1, 0x08);
    mb.ioWrite(0x3f9, 1, 0x01);
    uart.receive(new Uint8Array([1, 2]));
    const snap = mb.snapshot();
    clock.advance(10e6); // 4 characters at the reset divisor (9600 baud) take 4.2 ms
    expect(mb.irqs.lineLevel(4)).toBe(true);
    mb.restore(snap);
    expect(mb.irqs.lineLevel(4)).toBe(false);
    clock.advance(10e6);
    expect(mb.irqs.lineLevel(4)).toBe(true);
    expect(mb.ioRead(0x3fa, 1)).toBe(0xcc);
  });
});
