import { describe, expect, it } from 'vitest';
import { pitTickTime } from '../../../src/devices/pit8254.ts';
import { REFRESH_NS } from '../../../src/devices/sysctrl.ts';
import type { SystemMessage } from '../../../src/vmm/messages.ts';
import { board } from '../vmm/board.ts';

function sys() {
  const b = board('pit:0x40,0 sysctrl');
  const msgs: SystemMessage[] = [];
  b.mb.system.listen((m) => void msgs.push({ ...m }));
  return { ...b, msgs };
}

describe('port 0x61', () => {
  it('bit 0 gates PIT channel 2 and bit 5 shows its OUT (Linux slow TSC calibration)', () => {
    const s = sys();
    // outb((inb(0x61) & ~0x02) | 0x01, 0x61); outb(0xb0, 0x43); LSB; MSB; wait for bit 5.
    s.outb(0x61, (s.inb(0x61) & ~0x02) | 0x01);
    s.outb(0x43, 0xb0);
    s.outb(0x42, 0x9b);
    s.outb(0x42, 0x2e); // 11931 = 10 ms
    const start = s.clock.now();
    let polls = 0;
    while ((s.inb(0x61) & 0x20) === 0) {
      s.clock.advance(1000);
      polls++;
    }
    const elapsed = s.clock.now() - start;
    expect(elapsed).toBeGreaterThanOrEqual(10e6 - 1000);
    expect(elapsed).toBeLessThanOrEqual(10e6 + 2000);
    expect(polls).toBeGreaterThan(9000);
    expect(s.inb(0x61) & 0x23).toBe(0x21);
  });

  it('gate low stops channel 2; the stored bits read back, bits 4-7 are not writable', () => {
    const s = sys();
    s.outb(0x61, 0x01);
    s.outb(0x43, 0xb0);
    s.outb(0x42, 100);
    s.outb(0x42, 0);
    s.clock.advanceTo(pitTickTime(50));
    s.outb(0x61, 0xfe); // gate off, speaker on, bits 2-3 set, bits 4-7 ignored
    s.outb(0x43, 0x80);
    const frozen = s.inb(0x42) | (s.inb(0x42) << 8);
    s.clock.advance(1e6);
    s.outb(0x43, 0x80);
    expect(s.inb(0x42) | (s.inb(0x42) << 8)).toBe(frozen);
    expect(s.inb(0x61) & 0xcf).toBe(0x0e);
  });

  it('bit 4 toggles with every refresh period, from the clock', () => {
    const s = sys();
    const seen: number[] = [];
    for (let i = 0; i < 6; i++) {
      seen.push((s.inb(0x61) >> 4) & 1);
      s.clock.advance(REFRESH_NS);
    }
    expect(seen).toEqual([0, 1, 0, 1, 0, 1]);
    expect(REFRESH_NS).toBeCloseTo(15085.5, 0);
  });
});

describe('port 0x92', () => {
  it('bit 1 switches A20 (one message per change) and reads back', () => {
    const s = sys();
    s.outb(0x92, 0x02);
    s.outb(0x92, 0x02);
    expect(s.inb(0x92)).toBe(0x02);
    s.outb(0x92, 0x00);
    expect(s.msgs).toEqual([
      { kind: 'a20', enabled: true, source: 'port92' },
      { kind: 'a20', enabled: false, source: 'port92' },
    ]);
  });

  it('bit 0 going to 1 asks for a reset', () => {
    const s = sys();
    s.outb(0x92, 0x03);
    expect(s.msgs.filter((m) => m.kind === 'reset')).toHaveLength(1);
    s.outb(0x92, 0x03); // no new rising edge
    expect(s.msgs.filter((m) => m.kind === 'reset')).toHaveLength(1);
    s.mb.reset(); // the host's answer to the reset message
    expect(s.inb(0x92)).toBe(0);
    expect(s.msgs.at(-1)).toEqual({ kind: 'a20', enabled: false, source: 'port92' });
  });
});

describe('sysctrl state', () => {
  it('snapshot, restore, identical behaviour (gate and A20 re-sent)', () => {
    const s = sys();
    s.outb(0x61, 0x03);
    s.outb(0x92, 0x02);
    s.outb(0x43, 0xb0);
    s.outb(0x42, 0x00);
    s.outb(0x42, 0x10);
    const snap = s.mb.snapshot();
    const run = () => {
      const seen = [s.inb(0x61) & 0x2f, s.inb(0x92)];
      s.clock.advance(4e6);
      seen.push(s.inb(0x61) & 0x2f);
      s.outb(0x61, 0x00);
      return seen;
    };
    const first = run();
    expect(first).toEqual([0x03, 0x02, 0x23]);
    s.msgs.length = 0;
    s.mb.restore(snap);
    expect(s.msgs).toEqual([{ kind: 'a20', enabled: true, source: 'port92' }]);
    expect(run()).toEqual(first);
  });
});
