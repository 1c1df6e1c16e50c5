import { describe, expect, it } from 'vitest';
import { I8042 } from '../../../src/devices/i8042.ts';
import { Motherboard } from '../../../src/vmm/motherboard.ts';
import type { SystemMessage } from '../../../src/vmm/messages.ts';
import { FakeContext } from './fake-context.ts';

function setup() {
  const ctx = new FakeContext();
  const events: string[] = [];
  const kbc = new I8042(ctx, {
    iobase: 0x60, irq: 1, irq2: 12,
    onA20: (on) => events.push(`a20:${on}`),
    onReset: () => events.push('reset'),
  });
  const status = () => ctx.in(0x64);
  const cmd = (c: number) => ctx.out(0x64, c);
  const data = (d: number) => ctx.out(0x60, d);
  /** Read everything in the output buffer, as i8042_flush does. */
  const drain = () => {
    const got: number[] = [];
    while (status() & 1) got.push(ctx.in(0x60));
    return got;
  };
  return { ctx, kbc, events, status, cmd, data, drain, irq1: ctx.irq(1), irq12: ctx.irq(12) };
}

describe('i8042: controller', () => {
  it('passes self test and the interface tests', () => {
    const { status, cmd, drain } = setup();
    expect(status() & 1).toBe(0);
    cmd(0xaa);
    expect(status() & 0x05).toBe(0x05); // OBF, SYS
    expect(drain()).toEqual([0x55]);
    cmd(0xab);
    expect(drain()).toEqual([0x00]);
    cmd(0xa9);
    expect(drain()).toEqual([0x00]);
  });

  it('reads and writes the command byte, and tracks A2', () => {
    const { status, cmd, data, drain } = setup();
    cmd(0x20);
    expect(status() & 0x08).toBe(0x08);
    expect(drain()).toEqual([0x45]);
    cmd(0x60);
    data(0x74);
    expect(status() & 0x08).toBe(0);
    cmd(0x20);
    expect(drain()).toEqual([0x74]);
    expect(status() & 0x04).toBe(0x04);
    cmd(0x60);
    data(0x30);
    expect(status() & 0x04).toBe(0);
    cmd(0x75); // RAM byte 0x15
    data(0x99);
    cmd(0x35);
    expect(drain()).toEqual([0x99]);
  });

  it('disables and enables the keyboard and aux ports in the command byte', () => {
    const { kbc, cmd, drain } = setup();
    cmd(0xad);
    cmd(0xa7);
    cmd(0x20);
    expect(drain()).toEqual([0x45 | 0x30]);
    kbc.pressKey([0x1c]);
    expect(drain()).toEqual([]); // held while the keyboard clock is off
    cmd(0xae);
    expect(drain()).toEqual([0x1e]);
    cmd(0xa8);
    cmd(0x20);
    expect(drain()).toEqual([0x45]);
  });

  it('drives A20 through the output port, 0xDD/0xDF, and reports it on 0xD0', () => {
    const { kbc, events, cmd, data, drain } = setup();
    cmd(0xd0);
    expect(drain()[0] & 0x03).toBe(0x01);
    cmd(0xd1);
    data(0xdf);
    expect(kbc.a20).toBe(true);
    cmd(0xd0);
    expect(drain()[0] & 0x03).toBe(0x03);
    cmd(0xd1);
    data(0xdf); // unchanged: no event
    cmd(0xdd);
    cmd(0xdf);
    expect(events).toEqual(['a20:true', 'a20:false', 'a20:true']);
  });

  it('resets the CPU on pulse 0xFE and on an output-port write with bit 0 clear', () => {
    const { events, cmd, data } = setup();
    cmd(0xff); // pulses nothing
    cmd(0xfd); // pulses bit 1 only
    expect(events).toEqual([]);
    cmd(0xfe);
    expect(events).toEqual(['reset']);
    cmd(0xd1);
    data(0xde);
    expect(events).toEqual(['reset', 'a20:true', 'reset']);
  });

  it('loops a byte through the aux output buffer with AUXB and IRQ 12', () => {
    const { status, cmd, data, irq1, irq12, ctx } = setup();
    cmd(0x60);
    data(0x47); // both interrupts
    cmd(0xd3);
    data(0xa5);
    expect(status() & 0x21).toBe(0x21);
    expect(irq12.level).toBe(true);
    expect(irq1.level).toBe(false);
    expect(ctx.in(0x60)).toBe(0xa5);
    expect(irq12.level).toBe(false);
    cmd(0xd2);
    data(0x5a);
    expect(status() & 0x21).toBe(0x01);
    expect(irq1.level).toBe(true);
  });
});

describe('i8042: keyboard', () => {
  it('acks reset with FA AA and identifies as AB 83 (translated: AB 41)', () => {
    const { cmd, data, drain } = setup();
    data(0xff);
    expect(drain()).toEqual([0xfa, 0xaa]);
    data(0xf2);
    expect(drain()).toEqual([0xfa, 0xab, 0x41]);
    cmd(0x60);
    data(0x05); // translation off
    data(0xf2);
    expect(drain()).toEqual([0xfa, 0xab, 0x83]);
  });

  it('takes LED, typematic and scan-code set commands with their parameters', () => {
    const { kbc, data, drain, cmd } = setup();
    cmd(0x60);
    data(0x05);
    data(0xed);
    data(0x04);
    expect(kbc.leds).toBe(4);
    data(0xf3);
    data(0x20);
    data(0xf0);
    data(0x00);
    data(0xee);
    data(0x12); // unknown
    data(0xfe); // resend the last byte
    expect(drain()).toEqual([0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0x02, 0xee, 0xfe, 0xfe]);
  });

  it('raises IRQ 1 per byte, translating set 2 to set 1 with break codes', () => {
    const { kbc, ctx, irq1 } = setup();
    // A down, A up, right arrow (E0 74) down and up, F7 (83) up
    kbc.pressKey([0x1c, 0xf0, 0x1c, 0xe0, 0x74, 0xe0, 0xf0, 0x74, 0xf0, 0x83]);
    const got: number[] = [];
    while (irq1.level) got.push(ctx.in(0x60));
    expect(got).toEqual([0x1e, 0x9e, 0xe0, 0x4d, 0xe0, 0xcd, 0xc1]);
    expect(irq1.rises).toBe(7);
  });

  it('passes set 2 through untranslated and stops scanning after F5', () => {
    const { kbc, cmd, data, drain } = setup();
    cmd(0x60);
    data(0x05);
    kbc.pressKey([0x1c, 0xf0, 0x1c]);
    expect(drain()).toEqual([0x1c, 0xf0, 0x1c]);
    data(0xf5);
    expect(drain()).toEqual([0xfa]);
    expect(kbc.pressKey([0x1c])).toBe(0);
    data(0xf4);
    expect(drain()).toEqual([0xfa]);
    expect(kbc.pressKey([0x1c])).toBe(1);
  });

  it('keeps keyboard bytes off IRQ 1 while the command byte disables it', () => {
    const { kbc, cmd, data, irq1, status } = setup();
    cmd(0x60);
    data(0x44);
    kbc.pressKey([0x29]);
    expect(status() & 1).toBe(1);
    expect(irq1.level).toBe(false);
    cmd(0x60); // the pending byte stays while the command byte changes
    data(0x45);
    expect(irq1.level).toBe(true);
  });
});

describe('i8042: mouse', () => {
  it('answers reset, ID, status and intellimouse probing', () => {
    const { cmd, data, drain } = setup();
    const aux = (b: number) => { cmd(0xd4); data(b); };
    aux(0xff);
    expect(drain()).toEqual([0xfa, 0xaa, 0x00]);
    aux(0xf2);
    expect(drain()).toEqual([0xfa, 0x00]);
    for (const r of [200, 100, 80]) { aux(0xf3); aux(r); }
    aux(0xf2);
    expect(drain()).toEqual([0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0x00]);
    aux(0xe8);
    aux(0x03);
    aux(0xf4);
    aux(0xe9);
    expect(drain()).toEqual([0xfa, 0xfa, 0xfa, 0xfa, 0x20, 0x03, 80]);
  });
});

describe('i8042: on a real motherboard', () => {
  it('sends A20 and reset messages on the system bus', () => {
    const mb = Motherboard.fromConfig('kbc:0x60,1,12');
    const got: SystemMessage[] = [];
    mb.system.listen((m) => { got.push({ ...m }); });
    mb.ioWrite(0x64, 1, 0xd1);
    mb.ioWrite(0x60, 1, 0xdf);
    mb.ioWrite(0x64, 1, 0xfe);
    expect(got).toEqual([
      { kind: 'a20', enabled: true, source: 'i8042' },
      { kind: 'reset', reason: 'i8042 reset line' },
    ]);
    mb.ioWrite(0x60, 1, 0xff);
    expect(mb.ioRead(0x64, 1) & 1).toBe(1);
    expect(mb.ioRead(0x60, 1)).toBe(0xfa);
    expect(mb.ioRead(0x60, 1)).toBe(0xaa);
    expect(mb.ioRead(0x64, 1) & 1).toBe(0);
  });
});

describe('i8042: snapshot', () => {
  it('restores into a new instance with identical behaviour', () => {
    const a = setup();
    a.kbc.pressKey([0x1c, 0xf0]);
    a.cmd(0xd4);
    a.data(0xf3); // the mouse now waits for a rate
    a.cmd(0x60); // the controller waits for a command byte
    const b = setup();
    b.kbc.state = structuredClone(a.kbc.state);
    b.kbc.afterRestore();
    expect(b.irq1.level).toBe(a.irq1.level);
    const script = (x: ReturnType<typeof setup>) => {
      x.data(0x47);
      const r = x.drain();
      x.kbc.pressKey([0x1c]);
      x.cmd(0xd4);
      x.data(0x28);
      x.cmd(0xd4);
      x.data(0xe9);
      return r.concat(x.drain(), x.status());
    };
    const ra = script(a);
    expect(script(b)).toEqual(ra);
    expect(ra).toEqual([0x1e, 0xfa, 0x9e, 0xfa, 0xfa, 0x00, 0x02, 0x28, 0x14]);
  });
});
