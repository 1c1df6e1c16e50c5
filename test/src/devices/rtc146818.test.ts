import { describe, expect, it } from 'vitest';
import { Rtc146818 } from '../../../src/devices/rtc146818.ts';
import { ManualClock } from '../../../src/vmm/clock.ts';
import { Motherboard } from '../../../src/vmm/motherboard.ts';
import { FakeContext } from './fake-context.ts';

// Thursday 2024-02-29 13:45:56 UTC, on a whole second.
const START = Date.UTC(2024, 1, 29, 13, 45, 56);
const MS = 1e6;
const S = 1e9;

function setup(ramBytes = 256 * 1024 * 1024, startTimeMs = START) {
  const ctx = new FakeContext();
  const rtc = new Rtc146818(ctx, { iobase: 0x70, irq: 8, ramBytes, startTimeMs });
  const rd = (i: number) => { ctx.out(0x70, i); return ctx.in(0x71); };
  const wr = (i: number, v: number) => { ctx.out(0x70, i); ctx.out(0x71, v); };
  const time = () => [0, 2, 4, 6, 7, 8, 9, 0x32].map(rd);
  return { ctx, rtc, rd, wr, time, wire: ctx.irq(8) };
}

describe('rtc146818: time encodings', () => {
  it('reads a fixed date in BCD, 24-hour mode', () => {
    const { time, rd } = setup();
    expect(time()).toEqual([0x56, 0x45, 0x13, 5, 0x29, 0x02, 0x24, 0x20]);
    expect(rd(0x0a)).toBe(0x26);
    expect(rd(0x0b)).toBe(0x02);
    expect(rd(0x0d)).toBe(0x80);
  });

  it('reads the same date in binary', () => {
    const { time, wr } = setup();
    wr(0x0b, 0x06);
    expect(time()).toEqual([56, 45, 13, 5, 29, 2, 24, 20]);
  });

  it('encodes 12-hour mode with the PM bit, including noon and midnight', () => {
    const { rd, wr } = setup();
    wr(0x0b, 0x00);
    expect(rd(4)).toBe(0x81); // 1 PM
    const noon = setup(0, Date.UTC(2024, 0, 1, 12, 0, 0));
    noon.wr(0x0b, 0x00);
    expect(noon.rd(4)).toBe(0x92);
    const midnight = setup(0, Date.UTC(2024, 0, 1, 0, 30, 0));
    midnight.wr(0x0b, 0x04); // binary, 12-hour
    expect(midnight.rd(4)).toBe(12);
  });

  it('follows the clock across minute, day and year boundaries', () => {
    const a = setup();
    a.ctx.clock.advance(5 * S);
    expect(a.time().slice(0, 3)).toEqual([0x01, 0x46, 0x13]);
    const b = setup(0, Date.UTC(1999, 11, 31, 23, 59, 58));
    b.ctx.clock.advance(2 * S);
    expect(b.time()).toEqual([0x00, 0x00, 0x00, 7, 0x01, 0x01, 0x00, 0x20]); // Saturday 2000-01-01
  });

  it('lets the guest set the time under SET without losing the divider phase', () => {
    const { ctx, rd, wr, time } = setup();
    ctx.clock.advance(300 * MS);
    wr(0x0b, 0x82); // SET
    for (const [i, v] of [[0, 0x30], [2, 0x15], [4, 0x09], [7, 0x04], [8, 0x07], [9, 0x21]]) wr(i, v);
    ctx.clock.advance(5 * S);
    expect(rd(0)).toBe(0x30); // frozen
    expect(rd(0x0a) & 0x80).toBe(0); // no UIP while SET
    wr(0x0b, 0x02);
    expect(time()).toEqual([0x30, 0x15, 0x09, 1, 0x04, 0x07, 0x21, 0x20]); // Sunday 2021-07-04
    ctx.clock.advance(700 * MS - 1000);
    expect(rd(0)).toBe(0x30);
    ctx.clock.advance(1000);
    expect(rd(0)).toBe(0x31); // updated on the original second grid
  });
});

describe('rtc146818: update-in-progress', () => {
  it('sets UIP 244 µs before each update', () => {
    const { ctx, rd } = setup();
    ctx.clock.advanceTo(S - 250_000);
    expect(rd(0x0a)).toBe(0x26);
    ctx.clock.advanceTo(S - 240_000);
    expect(rd(0x0a)).toBe(0xa6);
    expect(rd(0)).toBe(0x56); // still the old second
    ctx.clock.advanceTo(S);
    expect(rd(0x0a)).toBe(0x26);
    expect(rd(0)).toBe(0x57);
    ctx.clock.advanceTo(2 * S - 100_000);
    expect(rd(0x0a) & 0x80).toBe(0x80);
  });

  it('restarts the divider with the first update 500 ms later', () => {
    const { ctx, rd, wr } = setup();
    ctx.clock.advanceTo(100 * MS);
    wr(0x0a, 0x66); // divider reset
    ctx.clock.advance(3 * S);
    expect(rd(0)).toBe(0x56);
    wr(0x0a, 0x26);
    ctx.clock.advance(500 * MS - 1000);
    expect(rd(0)).toBe(0x56);
    ctx.clock.advance(1000);
    expect(rd(0)).toBe(0x57);
  });
});

describe('rtc146818: interrupts', () => {
  function countPeriodic(rateA: number, ns: number): number {
    const { ctx, rd, wr, wire } = setup();
    let n = 0;
    wire.onRise = () => {
      n++;
      expect(rd(0x0c) & 0xc0).toBe(0xc0);
      expect(wire.level).toBe(false);
    };
    wr(0x0a, rateA);
    wr(0x0b, 0x42);
    ctx.clock.advance(ns);
    return n;
  }

  it('raises the periodic interrupt at the rate of register A', () => {
    expect(countPeriodic(0x26, S)).toBe(1024);
    expect(countPeriodic(0x23, S / 8)).toBe(1024); // 8192 Hz
    expect(countPeriodic(0x21, S)).toBe(256);
    expect(countPeriodic(0x22, S)).toBe(128);
    expect(countPeriodic(0x2f, 2 * S)).toBe(4); // 2 Hz
    expect(countPeriodic(0x20, S)).toBe(0);
  });

  it('sets PF without PIE and clears all flags on a register C read', () => {
    const { ctx, rd, wire } = setup();
    ctx.clock.advance(2 * MS);
    expect(rd(0x0c)).toBe(0x40);
    expect(rd(0x0c)).toBe(0x00);
    ctx.clock.advance(S);
    expect(rd(0x0c)).toBe(0x50); // PF and UF, no IRQF
    expect(wire.rises).toBe(0);
  });

  it('holds the IRQ until register C is read', () => {
    const { ctx, rd, wr, wire } = setup();
    wr(0x0a, 0x20); // no periodic flag
    wr(0x0b, 0x12); // UIE
    ctx.clock.advance(S);
    expect(wire.level).toBe(true);
    ctx.clock.advance(3 * S);
    expect(wire.rises).toBe(1);
    expect(rd(0x0c)).toBe(0x90);
    expect(wire.level).toBe(false);
    expect(rd(0x0c)).toBe(0x00);
    ctx.clock.advance(S);
    expect(wire.rises).toBe(2);
  });

  it('fires the alarm when seconds, minutes and hours match', () => {
    const { ctx, rd, wr, wire } = setup();
    wr(0x0a, 0x20);
    wr(1, 0x00);
    wr(3, 0x46);
    wr(5, 0x13);
    wr(0x0b, 0x22); // AIE
    ctx.clock.advance(3 * S);
    expect(wire.level).toBe(false);
    ctx.clock.advance(S); // 13:46:00
    expect(wire.level).toBe(true);
    expect(rd(0x0c)).toBe(0xb0); // IRQF AF UF
    ctx.clock.advance(S);
    expect(wire.level).toBe(false);
    expect(rd(0x0c)).toBe(0x10);
  });

  it('treats 0xC0–0xFF alarm values as don\'t care', () => {
    const { ctx, rd, wr, wire } = setup();
    wr(0x0a, 0x20);
    wr(1, 0x10);
    wr(3, 0xff);
    wr(5, 0xc0);
    wr(0x0b, 0x22);
    ctx.clock.advance(13 * S); // 13:46:09
    expect(wire.level).toBe(false);
    ctx.clock.advance(S); // 13:46:10
    expect(rd(0x0c)).toBe(0xb0);
    ctx.clock.advance(60 * S); // 13:47:10
    expect(rd(0x0c)).toBe(0xb0);
  });

  it('clears UIE when SET is written', () => {
    const { rd, wr } = setup();
    wr(0x0b, 0x92);
    expect(rd(0x0b)).toBe(0x82);
  });
});

describe('rtc146818: CMOS RAM', () => {
  function checksum(rd: (i: number) => number): void {
    let sum = 0;
    for (let i = 0x10; i <= 0x2d; i++) sum += rd(i);
    expect((rd(0x2e) << 8) | rd(0x2f)).toBe(sum & 0xffff);
  }

  it('reports 256 MiB of memory with a valid checksum', () => {
    const { rd } = setup(256 * 1024 * 1024);
    expect(rd(0x15) | (rd(0x16) << 8)).toBe(640);
    expect(rd(0x17) | (rd(0x18) << 8)).toBe(0xffff);
    expect(rd(0x30) | (rd(0x31) << 8)).toBe(0xffff);
    expect(rd(0x34) | (rd(0x35) << 8)).toBe((256 - 16) * 16);
    checksum(rd);
  });

  it('reports 8 MiB of memory with a valid checksum', () => {
    const { rd } = setup(8 * 1024 * 1024);
    expect(rd(0x17) | (rd(0x18) << 8)).toBe(7 * 1024);
    expect(rd(0x30) | (rd(0x31) << 8)).toBe(7 * 1024);
    expect(rd(0x34) | (rd(0x35) << 8)).toBe(0);
    checksum(rd);
  });

  it('keeps general RAM and the NMI-disable bit of the index port', () => {
    const { ctx, rtc, rd } = setup();
    ctx.out(0x70, 0x80 | 0x50);
    ctx.out(0x71, 0xa5);
    expect(rtc.nmiDisabled).toBe(true);
    expect(rd(0x50)).toBe(0xa5);
    expect(rtc.nmiDisabled).toBe(false);
    ctx.out(0x70, 0x8d);
    expect(ctx.in(0x71)).toBe(0x80);
  });
});

describe('rtc146818: snapshot', () => {
  it('restores into a new instance with identical behaviour', () => {
    const a = setup();
    a.wr(0x0b, 0x52); // PIE, UIE
    a.wr(0x0a, 0x2a); // 64 Hz
    a.wr(0x40, 0x99);
    a.ctx.clock.advance(1500 * MS + 3 * MS);
    const snap = structuredClone(a.rtc.state);
    const b = setup(0, 0);
    b.ctx.clock.advanceTo(a.ctx.clock.now());
    b.rtc.state = snap;
    b.rtc.afterRestore();
    expect(b.wire.level).toBe(a.wire.level);
    const script = (x: ReturnType<typeof setup>) => {
      const r = [x.rd(0x0c), ...x.time(), x.rd(0x40)];
      for (let i = 0; i < 100; i++) {
        x.ctx.clock.advance(7 * MS);
        r.push(x.wire.level ? x.rd(0x0c) : -1);
      }
      return r.concat(x.time(), x.rd(0x0a));
    };
    const ra = script(a);
    expect(script(b)).toEqual(ra);
    expect(ra.filter((v) => v === 0xc0).length).toBeGreaterThan(30);
  });
});

describe('rtc146818: on a real motherboard', () => {
  it('is made by the config word, keeps the wall time and raises ISA line 8', () => {
    const clock = new ManualClock(5 * S);
    const mb = Motherboard.fromConfig('rtc:0x70,8,128', { clock });
    const rtc = mb.device<Rtc146818>('rtc146818@0x70')!;
    rtc.setWallTime(START + 250);
    const rd = (i: number) => { mb.ioWrite(0x70, 1, i); return mb.ioRead(0x71, 1); };
    const wr = (i: number, v: number) => { mb.ioWrite(0x70, 1, i); mb.ioWrite(0x71, 1, v); };
    expect([rd(4), rd(2), rd(0), rd(7), rd(8), rd(9)]).toEqual([0x13, 0x45, 0x56, 0x29, 0x02, 0x24]);
    expect(rd(0x34) | (rd(0x35) << 8)).toBe((128 - 16) * 16);
    clock.advance(750 * MS - 10);
    expect(rd(0)).toBe(0x56);
    clock.advance(10);
    expect(rd(0)).toBe(0x57);
    wr(0x0a, 0x2f); // 2 Hz
    expect(rd(0x0c)).toBe(0x50); // PF (from the 1024 Hz default) and UF, no IRQF
    wr(0x0b, 0x42); // PIE
    expect(mb.irqs.lineLevel(8)).toBe(false);
    clock.advance(500 * MS);
    expect(mb.irqs.lineLevel(8)).toBe(true);
    expect(rd(0x0c)).toBe(0xc0);
    expect(mb.irqs.lineLevel(8)).toBe(false);
  });
});
