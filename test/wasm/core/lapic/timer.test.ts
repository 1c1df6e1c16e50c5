// The LAPIC timer on a manual clock: one-shot, periodic, divide configuration, current count,
// masking, the published deadline, and waking a halted vCPU.
import { describe, it, expect } from 'vitest';
import { Smp, REG, EXIT } from './env.ts';

/** 10 ns per bus clock (100 MHz) before the divider. */
const TICK = 10;

function setup() {
  const smp = new Smp(1);
  const c = smp.cpus[0];
  c.flat32(true);
  c.write(REG.SVR, 0x1ff);
  return { smp, c };
}
/** Divide-configuration encodings (bits 0, 1, 3) by divisor. */
const DCR: Record<number, number> = { 2: 0x0, 4: 0x1, 8: 0x2, 16: 0x3, 32: 0x8, 64: 0x9, 128: 0xa, 1: 0xb };

describe('lapic timer: counting', () => {
  for (const div of [1, 2, 4, 8, 16, 32, 64, 128]) {
    it(`counts down once per ${div} bus clock(s)`, () => {
      const { smp, c } = setup();
      c.write(REG.TIMER_DCR, DCR[div]);
      smp.timeNs = 1000;
      c.write(REG.TIMER_ICR, 1000);
      expect(c.read(REG.TIMER_CCR)).toBe(1000);
      smp.timeNs = 1000 + 10 * TICK * div;
      expect(c.read(REG.TIMER_CCR)).toBe(990);
      smp.timeNs = 1000 + 10 * TICK * div + TICK * div - 1;
      expect(c.read(REG.TIMER_CCR)).toBe(990);
      expect(c.deadline).toBe(1000 + 1000 * TICK * div);
    });
  }

  it('stops at 0 in one-shot mode, and a zero initial count stops the timer', () => {
    const { smp, c } = setup();
    c.write(REG.TIMER_DCR, DCR[1]);
    c.write(REG.TIMER_ICR, 50);
    smp.timeNs = 10_000;
    expect(c.read(REG.TIMER_CCR)).toBe(0);
    c.write(REG.TIMER_ICR, 50);
    expect(c.deadline).toBe(10_000 + 500);
    c.write(REG.TIMER_ICR, 0);
    expect(c.deadline).toBe(0);
    expect(c.read(REG.TIMER_CCR)).toBe(0);
  });

  it('keeps the current count across a divide change', () => {
    const { smp, c } = setup();
    c.write(REG.TIMER_DCR, DCR[2]);
    c.write(REG.TIMER_ICR, 1000);
    smp.timeNs = 400 * 2 * TICK; // 400 counts gone
    expect(c.read(REG.TIMER_CCR)).toBe(600);
    c.write(REG.TIMER_DCR, DCR[16]);
    expect(c.read(REG.TIMER_CCR)).toBe(600);
    smp.timeNs += 100 * 16 * TICK;
    expect(c.read(REG.TIMER_CCR)).toBe(500);
    expect(c.deadline).toBe(smp.timeNs + 500 * 16 * TICK);
  });
});

describe('lapic timer: interrupts', () => {
  it('one-shot: fires once when the count reaches 0', () => {
    const { smp, c } = setup();
    c.write(REG.TIMER_DCR, DCR[1]);
    c.write(REG.LVT_TIMER, 0x40);
    c.write(REG.TIMER_ICR, 100); // 1000 ns
    c.code('l: jmp l');
    smp.timeNs = 999;
    expect(c.run(10_000)).toBe(EXIT.BUDGET);
    expect(c.log()).toEqual([]);
    smp.timeNs = 1000;
    c.run(10_000);
    expect(c.log()).toEqual([0x40]);
    expect(c.deadline).toBe(0);
    smp.timeNs = 5000;
    c.run(10_000);
    expect(c.log()).toEqual([0x40]);
  });

  it('fires within a slice, at the next deadline check', () => {
    const { smp, c } = setup();
    c.write(REG.LVT_TIMER, 0x41);
    c.write(REG.TIMER_ICR, 1);
    c.code('l: jmp l');
    let calls = 0;
    smp.clock = () => (calls++ === 0 ? 0 : 100); // not due at run() entry, due afterwards
    c.run(100_000);
    expect(calls).toBeGreaterThan(1);
    expect(c.log()).toEqual([0x41]);
  });

  it('periodic: reloads and fires every period; missed periods collapse into one interrupt', () => {
    const { smp, c } = setup();
    c.write(REG.TIMER_DCR, DCR[4]);
    c.write(REG.LVT_TIMER, 0x20000 | 0x42);
    c.write(REG.TIMER_ICR, 25); // 25 * 4 * 10 = 1000 ns
    c.code('l: jmp l');
    for (let k = 1; k <= 3; k++) {
      smp.timeNs = k * 1000;
      c.run(5000);
    }
    expect(c.log()).toEqual([0x42, 0x42, 0x42]);
    expect(c.deadline).toBe(4000);
    smp.timeNs = 3500;
    expect(c.read(REG.TIMER_CCR)).toBe(13); // 500 ns = 12.5 counts into the period
    smp.timeNs = 9100;
    c.code('l: jmp l');
    c.run(5000);
    expect(c.log()).toEqual([0x42, 0x42, 0x42, 0x42]);
    expect(c.deadline).toBe(10_000);
    expect(c.read(REG.TIMER_CCR)).toBe(23); // 9100 ns = 227.5 counts, 2 into the period
  });

  it('counts but does not interrupt while masked', () => {
    const { smp, c } = setup();
    c.write(REG.LVT_TIMER, 0x10043);
    c.write(REG.TIMER_ICR, 10);
    c.code('l: jmp l');
    smp.timeNs = 1000;
    c.run(5000);
    expect(c.log()).toEqual([]);
    expect(c.read(REG.TIMER_CCR)).toBe(0);
  });

  it('an event that came due before an LVT write is not lost', () => {
    const { smp, c } = setup();
    c.write(REG.LVT_TIMER, 0x44);
    c.write(REG.TIMER_ICR, 10);
    c.code('cli\nhlt');
    c.run();
    let calls = 0;
    smp.clock = () => (calls++ === 0 ? 0 : 200); // due after run() entry, before the write
    c.write(REG.LVT_TIMER, 0x20044); // switch to periodic: the due one-shot event still fires
    smp.clock = null;
    smp.timeNs = 200;
    expect(c.vecBit(REG.IRR, 0x44)).toBe(true);
    expect(c.deadline).toBe(400);
  });

  it('publishes the deadline a host waits for, and wakes a halted vCPU when it is due', () => {
    const { smp, c } = setup();
    c.write(REG.TIMER_DCR, DCR[1]);
    c.write(REG.LVT_TIMER, 0x45);
    smp.timeNs = 5000;
    c.write(REG.TIMER_ICR, 300);
    expect(c.deadline).toBe(8000);
    c.code('hlt\nmov ebx, 0x99\nhlt');
    expect(c.run()).toBe(EXIT.HLT);
    smp.timeNs = 7999;
    expect(c.run()).toBe(EXIT.HLT);
    expect(c.halted).toBe(1);
    smp.timeNs = 8000;
    expect(c.run()).toBe(EXIT.HLT);
    expect(c.log()).toEqual([0x45]);
    expect(c.reg(3)).toBe(0x99);
  });

  it('the timer vector waits for EOI-less handlers like any fixed vector', () => {
    const smp = new Smp(1, { eoi: false });
    const c = smp.cpus[0];
    c.flat32(true);
    c.write(REG.SVR, 0x1ff);
    c.write(REG.TIMER_DCR, DCR[1]);
    c.write(REG.LVT_TIMER, 0x20046);
    c.write(REG.TIMER_ICR, 10);
    c.code('l: jmp l');
    smp.timeNs = 100;
    c.run(5000);
    smp.timeNs = 200;
    c.run(5000);
    expect(c.log()).toEqual([0x46]); // second period: IRR set, held behind the ISR bit
    expect(c.vecBit(REG.IRR, 0x46)).toBe(true);
    expect(c.vecBit(REG.ISR, 0x46)).toBe(true);
  });
});
