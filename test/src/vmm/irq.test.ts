import { describe, expect, it } from 'vitest';
import { IrqRouter, ioapicPinForIsa } from '../../../src/vmm/irq.ts';

function recorder() {
  const events: string[] = [];
  return { events, sink: (name: string) => ({ setLevel: (pin: number, l: boolean) => void events.push(`${name}${pin}${l ? '+' : '-'}`) }) };
}

describe('IRQ routing', () => {
  it('ISA lines fan out to PIC input and IOAPIC pin; IRQ0 goes to pin 2, IRQ2 to no pin', () => {
    const r = new IrqRouter();
    const { events, sink } = recorder();
    r.attachPic(0, sink('m'));
    r.attachPic(8, sink('s'));
    r.attachIoapic(sink('io'));
    r.wire(0).raise();
    r.wire(4).raise();
    r.wire(2).raise();
    r.wire(12).raise();
    expect(events).toEqual(['m0+', 'io2+', 'm4+', 'io4+', 'm2+', 's4+', 'io12+']);
    expect([0, 1, 2, 3, 15].map(ioapicPinForIsa)).toEqual([2, 1, -1, 3, 15]);
  });

  it('lines >= 16 reach only the IOAPIC; sources of a line are wire-ORed', () => {
    const r = new IrqRouter();
    const { events, sink } = recorder();
    r.attachPic(0, sink('m'));
    r.attachIoapic(sink('io'));
    const a = r.wire(19);
    const b = r.wire(19);
    a.raise();
    b.raise();
    a.lower();
    expect(r.lineLevel(19)).toBe(true);
    b.lower();
    expect(events).toEqual(['io19+', 'io19-']);
    expect(a.level).toBe(false);
  });

  it('pulse gives an edge and leaves the level as it was', () => {
    const r = new IrqRouter();
    const { events, sink } = recorder();
    r.attachPic(0, sink('m'));
    const w = r.wire(3);
    w.pulse();
    expect(w.level).toBe(false);
    w.raise();
    w.pulse();
    expect(w.level).toBe(true);
    expect(events).toEqual(['m3+', 'm3-', 'm3+', 'm3-', 'm3+']);
  });

  it('a controller attached late sees lines already high; double attach throws', () => {
    const r = new IrqRouter();
    r.wire(0).raise();
    r.wire(9).raise();
    const { events, sink } = recorder();
    r.attachPic(8, sink('s'));
    r.attachIoapic(sink('io'));
    expect(events).toEqual(['s1+', 'io2+', 'io9+']);
    expect(() => r.attachPic(8, sink('x'))).toThrow(/already have a PIC/);
    expect(() => r.attachPic(4, sink('x'))).toThrow(/0-7 or 8-15/);
    expect(() => r.wire(256)).toThrow();
  });

  it('direct inputs: the cascade and the ExtINT pin do not go through lines', () => {
    const r = new IrqRouter();
    const { events, sink } = recorder();
    r.attachPic(0, sink('m'));
    r.attachIoapic(sink('io'));
    r.picInput(2, true);
    r.ioapicInput(0, true);
    expect(events).toEqual(['m2+', 'io0+']);
    expect(r.lineLevel(2)).toBe(false);
  });

  it('wire levels round-trip silently', () => {
    const r = new IrqRouter();
    const { events, sink } = recorder();
    r.attachIoapic(sink('io'));
    const w = [r.wire(16), r.wire(17)];
    w[0].raise();
    const levels = r.wireLevels();
    w[0].lower();
    w[1].raise();
    events.length = 0;
    r.restoreWireLevels(levels);
    expect(events).toEqual([]);
    expect([r.lineLevel(16), r.lineLevel(17)]).toEqual([true, false]);
    w[0].lower();
    expect(events).toEqual(['io16-']);
    expect(() => r.restoreWireLevels([true])).toThrow(/2/);
  });
});
