// The x87 error logic (port 0xF0, IRQ 13): FERR# raises the latched IRQ, the port write clears it
// and asserts IGNNE# while FERR# lasts, FERR# release drops IGNNE#; two vCPUs OR; snapshot, reset.
import { describe, expect, it } from 'vitest';
import { board } from '../vmm/board.ts';

function ferrBoard() {
  const b = board('pic:0x20,,0x4d0 pic:0xa0,2,0x4d1 ferr:0xf0,13');
  const irq13 = () => b.pins.filter((p) => p.pin === 13).map((p) => p.level);
  return { ...b, irq13 };
}

describe('ferr: x87 error logic', () => {
  it('FERR# raises IRQ 13 once; port 0xF0 lowers it and asserts IGNNE#; release drops IGNNE#', () => {
    const b = ferrBoard();
    expect(b.mb.fpuError(0, 1)).toBe(0); // IGNNE# low: the CPU freezes
    expect(b.mb.fpuError(0, 1)).toBe(0); // sampled again: no second edge
    expect(b.irq13()).toEqual([true]);
    b.outb(0xf0, 0);
    expect(b.irq13()).toEqual([true, false]);
    expect(b.mb.fpuError(0, 1)).toBe(1); // the frozen instruction now runs
    expect(b.mb.fpuError(0, 0)).toBe(0); // FNCLEX: FERR# released, IGNNE# low
    expect(b.mb.fpuError(0, 1)).toBe(0); // a new error: a new IRQ
    expect(b.irq13()).toEqual([true, false, true]);
  });

  it('reaches the CPU through the 8259 as IRQ 13 (slave input 5)', () => {
    const b = ferrBoard();
    // Master: ICW1-4, unmask all; slave likewise, vector base 0x70.
    for (const [p, v] of [[0x20, 0x11], [0x21, 0x08], [0x21, 0x04], [0x21, 0x01], [0x21, 0x00],
      [0xa0, 0x11], [0xa1, 0x70], [0xa1, 0x02], [0xa1, 0x01], [0xa1, 0x00]] as const) b.outb(p, v);
    expect(b.intr()).toBe(false);
    b.mb.fpuError(0, 1);
    expect(b.intr()).toBe(true);
    expect(b.mb.intAck()).toBe(0x75);
  });

  it('FERR# of two vCPUs is ORed; a port write without FERR# only clears the latch', () => {
    const b = ferrBoard();
    b.mb.fpuError(0, 1);
    b.mb.fpuError(1, 1);
    expect(b.irq13()).toEqual([true]);
    b.outb(0xf0, 0);
    b.mb.fpuError(0, 0);
    expect(b.mb.fpuError(1, 1)).toBe(1); // still asserted by vCPU 1
    b.mb.fpuError(1, 0);
    b.outb(0xf0, 0);
    expect(b.mb.fpuError(0, 0)).toBe(0);
    expect(b.inb(0xf0)).toBe(0xff);
    b.outb(0xf1, 0); // 80287 reset: ignored
    expect(b.irq13()).toEqual([true, false]);
  });

  it('snapshot round trip and reset', () => {
    const b = ferrBoard();
    b.mb.fpuError(0, 1);
    const snap = b.mb.snapshot();
    b.outb(0xf0, 0);
    expect(b.mb.fpuError(0, 1)).toBe(1);
    b.mb.restore(snap);
    expect(b.mb.device('ferr@0xf0')!.state).toEqual({ ferr: 1, irq: true, ignne: false });
    expect(b.mb.fpuError(0, 1)).toBe(0);
    b.mb.reset();
    expect(b.mb.device('ferr@0xf0')!.state).toEqual({ ferr: 0, irq: false, ignne: false });
    expect(b.irq13().at(-1)).toBe(false);
  });

  it('a board without the logic answers IGNNE# low and logs once', () => {
    const b = board('post:0x80');
    expect(b.mb.fpuError(0, 1)).toBe(0);
    expect(b.log.lines.filter((l) => l.includes('FERR#'))).toHaveLength(1);
  });
});
