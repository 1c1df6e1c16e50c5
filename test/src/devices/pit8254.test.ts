import { describe, expect, it } from 'vitest';
import { PIT_HZ, pitTickAt, pitTickTime } from '../../../src/devices/pit8254.ts';
import type { PitOutMessage } from '../../../src/vmm/messages.ts';
import { board } from '../vmm/board.ts';

/** A PIT alone (plus the test IOAPIC sink that records IRQ0 on pin 2). */
function pit() {
  const b = board('pit:0x40,0');
  /** Moves the clock into tick k. */
  const toTick = (k: number) => b.clock.advanceTo(pitTickTime(k));
  const gate2 = (gate: boolean) => b.mb.pit.send({ kind: 'pitGate', channel: 2, gate });
  const out = (channel: number) => {
    const m: PitOutMessage = { kind: 'pitOut', channel, out: false };
    expect(b.mb.pit.send(m)).toBe(true);
    return m.out;
  };
  /** Reads a 16-bit count with LSB-then-MSB access. */
  const read16 = (ch: number) => b.inb(0x40 + ch) | (b.inb(0x40 + ch) << 8);
  const latch16 = (ch: number) => (b.outb(0x43, ch << 6), read16(ch));
  /** Ticks at which the IRQ0 pin rose. */
  const rises = () => b.pins.filter((e) => e.pin === 2 && e.level).map((e) => pitTickAt(e.ns));
  const write16 = (ch: number, n: number) => (b.outb(0x40 + ch, n & 0xff), b.outb(0x40 + ch, n >> 8));
  /** OUT of a channel at each tick in [from, to]. */
  const wave = (ch: number, from: number, to: number) => trace(ch, from, to).out;
  /** OUT (as a 0/1 string) and the latched count at each tick in [from, to]. */
  const trace = (ch: number, from: number, to: number) => {
    const w: number[] = [];
    const counts: number[] = [];
    for (let k = from; k <= to; k++) {
      toTick(k);
      w.push(out(ch) ? 1 : 0);
      counts.push(latch16(ch));
    }
    return { out: w.join(''), counts };
  };
  /** Writes a control word and forgets the IRQ 0 edges up to now (a mode's initial OUT). */
  const control = (v: number) => {
    b.outb(0x43, v);
    b.pins.length = 0;
  };
  return { ...b, toTick, gate2, out, read16, latch16, rises, write16, wave, trace, control };
}

describe('tick arithmetic', () => {
  it('tick k begins at pitTickTime(k) and 1.193182 MHz holds over a day', () => {
    for (const k of [0, 1, 2, 1000, 123456789, 1e11]) {
      const t = pitTickTime(k);
      expect(pitTickAt(t)).toBe(k);
      expect(pitTickAt(t - 1)).toBe(k - 1);
    }
    expect(pitTickAt(86400e9)).toBe(86400 * PIT_HZ);
  });
});

describe('8254 modes (OUT waveform and counts)', () => {
  it('mode 0: OUT low, rises N+1 clocks after the write and stays high; count wraps', () => {
    const p = pit();
    p.toTick(100);
    p.control(0x30);
    expect(p.out(0)).toBe(false);
    p.write16(0, 10);
    const t = p.trace(0, 101, 113);
    expect(t.out).toBe('0000000000111');
    expect(t.counts).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 0xffff, 0xfffe]);
    expect(p.rises()).toEqual([111]);
  });

  it('mode 0: writing the LSB stops counting and drops OUT; the MSB restarts', () => {
    const p = pit();
    p.toTick(10);
    p.outb(0x43, 0x30);
    p.write16(0, 5);
    p.toTick(20);
    expect(p.out(0)).toBe(true);
    p.outb(0x40, 3);
    expect(p.out(0)).toBe(false);
    const frozen = p.latch16(0);
    p.toTick(40);
    expect(p.latch16(0)).toBe(frozen);
    p.outb(0x40, 0); // MSB: count 3 loads on tick 41
    expect(p.wave(0, 40, 45)).toBe('000011');
  });

  it('mode 1: a gate trigger starts a one-shot low for N clocks; retriggerable', () => {
    const p = pit();
    p.toTick(5);
    p.outb(0x43, 0xb2); // counter 2, mode 1
    p.write16(2, 3);
    expect(p.wave(2, 5, 12)).toBe('11111111'); // no trigger yet
    p.toTick(20);
    p.gate2(true);
    const t = p.trace(2, 21, 25);
    expect(t.out).toBe('00011');
    expect(t.counts).toEqual([3, 2, 1, 0, 0xffff]);
    p.toTick(30);
    p.gate2(false);
    p.toTick(31);
    p.gate2(true); // trigger at 31: low from 32
    expect(p.wave(2, 31, 33)).toBe('100');
    p.gate2(false);
    p.gate2(true); // retrigger at 33: low from 34 for 3 more clocks
    expect(p.out(2)).toBe(false); // no glitch between the trigger and the reload
    expect(p.wave(2, 34, 38)).toBe('00011');
  });

  it('mode 2: rate generator, low for one clock every N', () => {
    const p = pit();
    p.toTick(200);
    p.control(0x34);
    p.write16(0, 4);
    const t = p.trace(0, 200, 213);
    expect(t.out).toBe('11110111011101');
    expect(t.counts.slice(1, 7)).toEqual([4, 3, 2, 1, 4, 3]);
    expect(p.rises()).toEqual([205, 209, 213]);
  });

  it('mode 2: a new count takes effect at the end of the period', () => {
    const p = pit();
    p.toTick(0);
    p.control(0x34);
    p.write16(0, 10); // periods start at 1, 11, 21
    p.toTick(3);
    p.write16(0, 5);
    p.toTick(10);
    expect(p.latch16(0)).toBe(1);
    p.toTick(11);
    expect(p.latch16(0)).toBe(5);
    p.toTick(30);
    expect(p.rises()).toEqual([11, 16, 21, 26]);
  });

  it('mode 3: square wave, even and odd counts', () => {
    const p = pit();
    p.toTick(200);
    p.outb(0x43, 0x36);
    p.write16(0, 4);
    const even = p.trace(0, 201, 209);
    expect(even.out).toBe('110011001');
    expect(even.counts).toEqual([4, 2, 4, 2, 4, 2, 4, 2, 4]);
    p.outb(0x43, 0x36);
    p.toTick(300);
    p.write16(0, 5); // high 3, low 2
    const odd = p.trace(0, 301, 311);
    expect(odd.out).toBe('11100111001');
    expect(odd.counts).toEqual([5, 4, 2, 4, 2, 5, 4, 2, 4, 2, 5]);
  });

  it('mode 3: a new count waits for the end of the half-cycle', () => {
    const p = pit();
    p.toTick(0);
    p.outb(0x43, 0x36);
    p.write16(0, 8); // high 1-4, low 5-8
    p.toTick(2);
    p.write16(0, 4); // from 5: low 5-6, high 7-8, low 9-10
    expect(p.wave(0, 2, 11)).toBe('1110011001');
  });

  it('mode 4: software strobe one clock low at terminal count, once', () => {
    const p = pit();
    p.toTick(10);
    p.control(0x38);
    expect(p.out(0)).toBe(true);
    p.write16(0, 3);
    expect(p.wave(0, 10, 20)).toBe('11110111111');
    expect(p.rises()).toEqual([15]);
  });

  it('mode 5: hardware strobe after a gate trigger', () => {
    const p = pit();
    p.toTick(10);
    p.outb(0x43, 0xba);
    p.write16(2, 3);
    p.toTick(20);
    p.gate2(true);
    expect(p.wave(2, 20, 26)).toBe('1111011');
  });
});

describe('8254 gate', () => {
  it('modes 0 and 4: gate low pauses counting', () => {
    const p = pit();
    p.gate2(true);
    p.toTick(10);
    p.outb(0x43, 0xb0);
    p.write16(2, 10); // loads 11
    p.toTick(14);
    p.gate2(false);
    expect(p.latch16(2)).toBe(7);
    p.toTick(50);
    expect(p.latch16(2)).toBe(7);
    expect(p.out(2)).toBe(false);
    p.gate2(true);
    expect(p.wave(2, 51, 58)).toBe('00000011'); // 7 more clocks: 0 at 57
  });

  it('mode 0 with the gate low from the start counts only once it rises', () => {
    const p = pit();
    p.toTick(10);
    p.outb(0x43, 0xb0);
    p.write16(2, 2);
    p.toTick(30);
    expect(p.latch16(2)).toBe(2);
    p.gate2(true);
    expect(p.wave(2, 30, 33)).toBe('0011');
  });

  it('modes 2 and 3: gate low forces OUT high; the rising edge reloads', () => {
    const p = pit();
    p.gate2(true);
    p.toTick(0);
    p.outb(0x43, 0xb4);
    p.write16(2, 4);
    p.toTick(3);
    p.gate2(false);
    expect(p.wave(2, 3, 10)).toBe('11111111');
    p.toTick(10);
    expect(p.latch16(2)).toBe(2);
    p.gate2(true); // reload on 11
    expect(p.wave(2, 11, 16)).toBe('111011');
    p.outb(0x43, 0xb6);
    p.write16(2, 6);
    p.toTick(30);
    p.gate2(false);
    expect(p.out(2)).toBe(true);
    p.gate2(true);
    expect(p.wave(2, 31, 37)).toBe('1110001');
  });
});

describe('8254 reading', () => {
  it('counter latch freezes the value until read; a second latch is ignored', () => {
    const p = pit();
    p.toTick(0);
    p.outb(0x43, 0x34);
    p.write16(0, 1000);
    p.toTick(101);
    p.outb(0x43, 0x00);
    p.toTick(200);
    p.outb(0x43, 0x00);
    expect(p.read16(0)).toBe(900);
    expect(p.read16(0)).toBe(801); // live again
  });

  it('LSB-only and MSB-only access', () => {
    const p = pit();
    p.toTick(0);
    p.outb(0x43, 0x14); // mode 2, LSB only
    p.outb(0x40, 0x50);
    p.toTick(0x11);
    expect(p.inb(0x40)).toBe(0x40);
    expect(p.inb(0x40)).toBe(0x40);
    p.outb(0x43, 0x24); // mode 2, MSB only
    p.outb(0x40, 0x02); // 0x200
    p.toTick(0x11 + 1 + 0x100);
    expect(p.inb(0x40)).toBe(0x01); // count 0x100
    p.toTick(0x11 + 1 + 0x101);
    expect(p.inb(0x40)).toBe(0x00); // count 0xff
  });

  it('the read flip-flop alternates LSB and MSB of the live count', () => {
    const p = pit();
    p.toTick(0);
    p.outb(0x43, 0x30);
    p.write16(0, 0x1234);
    p.toTick(1);
    expect(p.inb(0x40)).toBe(0x34);
    p.toTick(0x35);
    expect(p.inb(0x40)).toBe(0x12); // the MSB of the count at this moment (0x1200)
    expect(p.inb(0x40)).toBe(0x00);
  });

  it('read-back: status (OUT, null count, control word) before the count', () => {
    const p = pit();
    p.toTick(10);
    p.outb(0x43, 0x34);
    p.write16(0, 100);
    p.outb(0x43, 0xe2); // status only, counter 0, still in the write tick
    expect(p.inb(0x40)).toBe(0x80 | 0x40 | 0x34);
    p.toTick(20);
    p.outb(0x43, 0xc2); // count and status
    p.toTick(30);
    expect(p.inb(0x40)).toBe(0x80 | 0x34);
    expect(p.read16(0)).toBe(91);
    p.outb(0x43, 0xd2); // count only
    expect(p.read16(0)).toBe(81);
    p.outb(0x43, 0x30);
    p.outb(0x43, 0xe2);
    expect(p.inb(0x40)).toBe(0x40 | 0x30); // mode 0: OUT low, null count
  });

  it('read-back latches several counters at once', () => {
    const p = pit();
    p.toTick(0);
    p.outb(0x43, 0x34); p.write16(0, 1000);
    p.outb(0x43, 0x74); p.write16(1, 2000);
    p.toTick(11);
    p.outb(0x43, 0xd6); // count latch for counters 0 and 1
    p.toTick(500);
    expect(p.read16(0)).toBe(990);
    expect(p.read16(1)).toBe(1990);
  });

  it('BCD counting', () => {
    const p = pit();
    p.toTick(0);
    p.outb(0x43, 0x31);
    p.write16(0, 0x1299);
    p.toTick(301);
    expect(p.latch16(0)).toBe(0x0999);
    p.control(0x35); // mode 2 BCD, count 0 = 10000
    p.write16(0, 0);
    p.toTick(302);
    expect(p.latch16(0)).toBe(0);
    p.toTick(303);
    expect(p.latch16(0)).toBe(0x9999);
    p.toTick(10302);
    p.clock.advance(0);
    expect(p.rises()).toEqual([10302]);
  });
});

describe('8254 channel 0 and IRQ 0', () => {
  it('mode 2 at 1 kHz gives 1000 interrupts a second from one armed timer at a time', () => {
    const p = pit();
    p.control(0x34);
    p.write16(0, 1193);
    p.clock.advance(1e9);
    const r = p.rises();
    expect(r.length).toBe(1000);
    expect(r[1] - r[0]).toBe(1193);
    expect(p.clock.pendingTimers()).toBe(1);
  });

  it('IRQ 0 reaches the 8259 and counter 2 arms no timer', () => {
    const b = board('pic:0x20,,0x4d0 pit:0x40,0');
    b.outb(0x20, 0x13); b.outb(0x21, 0x08); b.outb(0x21, 0x01); b.outb(0x21, 0xfe);
    b.outb(0x43, 0xb4); b.outb(0x42, 0x10); b.outb(0x42, 0);
    b.mb.pit.send({ kind: 'pitGate', channel: 2, gate: true });
    expect(b.clock.pendingTimers()).toBe(0);
    b.outb(0x43, 0x30); b.outb(0x40, 100); b.outb(0x40, 0);
    b.clock.advance(50_000);
    expect(b.intr()).toBe(false);
    b.clock.advance(50_000);
    expect(b.intr()).toBe(true);
    expect(b.mb.intAck()).toBe(0x08);
  });

  it('a late host timer still gives every edge (catch-up in order)', () => {
    const p = pit();
    p.control(0x34);
    p.write16(0, 100);
    p.clock.advance(pitTickTime(1000)); // one advance over ten periods
    expect(p.rises()).toEqual([101, 201, 301, 401, 501, 601, 701, 801, 901]);
  });
});

describe('8254 state', () => {
  it('snapshot, restore, identical behaviour', () => {
    const p = pit();
    p.outb(0x43, 0x34);
    p.write16(0, 300);
    p.gate2(true);
    p.outb(0x43, 0xb6);
    p.write16(2, 1000);
    p.toTick(1234);
    p.outb(0x43, 0x00); // a pending latch is state too
    const snap = p.mb.snapshot();
    const run = () => {
      const before = p.rises().length;
      const seen = [p.read16(0), p.latch16(2), p.out(2) ? 1 : 0];
      p.clock.advance(3e6);
      seen.push(p.latch16(0), p.latch16(2), p.rises().length - before);
      return seen;
    };
    const first = run();
    p.mb.restore(snap);
    expect(run()).toEqual(first);
    expect(p.clock.pendingTimers()).toBe(1);
  });

  it('reset stops counting and lowers IRQ 0', () => {
    const p = pit();
    p.outb(0x43, 0x30);
    p.write16(0, 2);
    p.toTick(10);
    expect(p.mb.irqs.lineLevel(0)).toBe(true);
    p.mb.reset();
    expect(p.mb.irqs.lineLevel(0)).toBe(false);
    expect(p.clock.pendingTimers()).toBe(0);
  });
});
