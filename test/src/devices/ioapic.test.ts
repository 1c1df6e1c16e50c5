import { describe, expect, it } from 'vitest';
import { Ioapic82093 } from '../../../src/devices/ioapic.ts';
import { Motherboard } from '../../../src/vmm/motherboard.ts';
import type { ApicMessage, CpuMessage } from '../../../src/vmm/messages.ts';
import { FakeContext } from './fake-context.ts';

const BASE = 0xfec00000;

function setup() {
  const ctx = new FakeContext();
  const sent: ApicMessage[] = [];
  const io = new Ioapic82093(ctx, { base: BASE, deliver: (m) => sent.push({ ...m }) });
  const rd = (r: number) => { ctx.writeMmio(BASE, r); return ctx.readMmio(BASE + 0x10) >>> 0; };
  const wr = (r: number, v: number) => { ctx.writeMmio(BASE, r); ctx.writeMmio(BASE + 0x10, v >>> 0); };
  const route = (pin: number, lo: number, hi = 0) => { wr(0x11 + 2 * pin, hi); wr(0x10 + 2 * pin, lo); };
  return { ctx, io, sent, rd, wr, route };
}

const LEVEL = 1 << 15, MASK = 1 << 16, LOGICAL = 1 << 11, RIRR = 1 << 14, LOW = 1 << 13;

describe('ioapic: registers', () => {
  it('has ID, version 0x11 with 23 as the max entry, and arbitration ID', () => {
    const { rd, wr, io } = setup();
    expect(rd(0x00)).toBe(0x08000000);
    expect(rd(0x01)).toBe(0x00170011);
    expect(rd(0x02)).toBe(0x08000000);
    wr(0x00, 0x0f000000 | 0xff);
    expect(rd(0x00)).toBe(0x0f000000);
    expect(rd(0x02)).toBe(0x0f000000);
    expect(io.apicId).toBe(15);
    wr(0x01, 0);
    expect(rd(0x01)).toBe(0x00170011);
  });

  it('resets every redirection entry masked and keeps the writable bits only', () => {
    const { rd, wr } = setup();
    for (let pin = 0; pin < 24; pin++) {
      expect(rd(0x10 + 2 * pin)).toBe(MASK);
      expect(rd(0x11 + 2 * pin)).toBe(0);
    }
    wr(0x10 + 2 * 5, 0xffffffff);
    // delivery status (12) and remote IRR (14) are read-only; bits 17..31 reserved
    expect(rd(0x10 + 2 * 5)).toBe(0x1afff);
    wr(0x11 + 2 * 5, 0xffffffff);
    expect(rd(0x11 + 2 * 5)).toBe(0xff000000);
    wr(0x10 + 2 * 23, 0x0000a9f1);
    expect(rd(0x10 + 2 * 23)).toBe(0xa9f1);
    expect(rd(0x10 + 2 * 24)).toBe(0); // past the last entry
  });

  it('reads IOREGSEL back and answers narrow IOWIN reads', () => {
    const { ctx, wr } = setup();
    wr(0x12, 0x12345);
    ctx.writeMmio(BASE, 0x12, 1);
    expect(ctx.readMmio(BASE)).toBe(0x12);
    expect(ctx.readMmio(BASE + 0x10, 1)).toBe(0x45);
    expect(ctx.readMmio(BASE + 0x11, 1)).toBe(0x23);
    expect(ctx.log.lines.length).toBe(1);
  });
});

describe('ioapic: delivery', () => {
  it('delivers an edge entry on each rising edge, carrying all fields', () => {
    const { io, sent, route } = setup();
    route(4, 0x31 | LOGICAL, 0x03000000);
    io.setLevel(4, true);
    io.setLevel(4, true);
    io.setLevel(4, false);
    io.setLevel(4, true);
    expect(sent).toEqual([
      { kind: 'apic', dest: 3, destMode: 'logical', delivery: 'fixed', vector: 0x31, trigger: 'edge' },
      { kind: 'apic', dest: 3, destMode: 'logical', delivery: 'fixed', vector: 0x31, trigger: 'edge' },
    ]);
  });

  it('maps delivery modes and physical destinations', () => {
    const { io, sent, route } = setup();
    const modes = ['fixed', 'lowest', 'smi', 'nmi', 'init', 'extint'];
    [0, 1, 2, 4, 5, 7].forEach((mode, k) => route(k + 1, 0x40 + k | (mode << 8), (k << 24) >>> 0));
    for (let k = 0; k < 6; k++) io.setLevel(k + 1, true);
    expect(sent.map((m) => m.delivery)).toEqual(modes);
    expect(sent.map((m) => m.destMode)).toEqual(Array(6).fill('physical'));
    expect(sent.map((m) => m.dest)).toEqual([0, 1, 2, 3, 4, 5]);
    route(9, 0x50 | (3 << 8));
    io.setLevel(9, true); // reserved mode
    expect(sent.length).toBe(6);
  });

  it('loses edges while masked', () => {
    const { io, sent, route } = setup();
    route(3, 0x33 | MASK);
    io.setLevel(3, true);
    route(3, 0x33);
    expect(sent.length).toBe(0);
    io.setLevel(3, false);
    io.setLevel(3, true);
    expect(sent.length).toBe(1);
  });

  it('holds level interrupts with remote IRR until the matching EOI', () => {
    const { io, sent, route, rd } = setup();
    route(16, 0x61 | LEVEL | LOW, 0x01000000);
    io.setLevel(16, true);
    expect(sent).toEqual([{ kind: 'apic', dest: 1, destMode: 'physical', delivery: 'fixed', vector: 0x61, trigger: 'level' }]);
    expect(rd(0x10 + 32) & RIRR).toBe(RIRR);
    io.eoi(0x62); // another vector: nothing
    expect(rd(0x10 + 32) & RIRR).toBe(RIRR);
    expect(sent.length).toBe(1);
    io.eoi(0x61); // still asserted: delivered again
    expect(sent.length).toBe(2);
    expect(rd(0x10 + 32) & RIRR).toBe(RIRR);
    io.setLevel(16, false);
    io.eoi(0x61);
    expect(rd(0x10 + 32) & RIRR).toBe(0);
    expect(sent.length).toBe(2);
    io.setLevel(16, true);
    expect(sent.length).toBe(3);
  });

  it('delivers a masked, asserted level interrupt when unmasked', () => {
    const { io, sent, route, rd } = setup();
    route(10, 0x70 | LEVEL | MASK);
    io.setLevel(10, true);
    expect(sent.length).toBe(0);
    expect(rd(0x10 + 20) & RIRR).toBe(0);
    route(10, 0x70 | LEVEL);
    expect(sent.length).toBe(1);
    route(10, 0x70); // to edge: remote IRR cleared
    expect(rd(0x10 + 20) & RIRR).toBe(0);
  });

  it('works on a real motherboard: ISA IRQ 0 → pin 2, EOI over the bus', () => {
    const mb = Motherboard.fromConfig('ioapic:0xfec00000');
    const got: CpuMessage[] = [];
    mb.cpu.listen((m) => { got.push({ ...m }); });
    const wr = (r: number, v: number) => { mb.mmioWrite(BASE, 4, r); mb.mmioWrite(BASE + 0x10, 4, v); };
    wr(0x10 + 2 * 2, 0x30);
    wr(0x10 + 2 * 9, 0x39 | LEVEL);
    const timer = mb.ctx.irq(0);
    const acpi = mb.ctx.irq(9);
    timer.pulse();
    acpi.raise();
    expect(got.map((m) => (m.kind === 'apic' ? m.vector : -1))).toEqual([0x30, 0x39]);
    mb.eoi.send({ kind: 'eoi', vector: 0x39 });
    expect(got.length).toBe(3);
    acpi.lower();
    mb.eoi.send({ kind: 'eoi', vector: 0x39 });
    expect(got.length).toBe(3);
  });
});

describe('ioapic: snapshot', () => {
  it('restores into a new instance with identical behaviour', () => {
    const a = setup();
    a.route(5, 0x45 | LEVEL);
    a.route(6, 0x46);
    a.io.setLevel(5, true);
    a.wr(0x00, 0x02000000);
    a.ctx.writeMmio(BASE, 0x10 + 12);
    const b = setup();
    b.io.state = structuredClone(a.io.state);
    b.io.afterRestore();
    const script = (x: ReturnType<typeof setup>) => {
      const before = x.sent.length;
      const r: number[] = [x.ctx.readMmio(BASE), x.ctx.readMmio(BASE + 0x10), x.rd(0)];
      x.io.setLevel(6, true);
      x.io.eoi(0x45);
      x.io.setLevel(5, false);
      x.io.eoi(0x45);
      r.push(x.rd(0x10 + 10));
      return { r, sent: x.sent.slice(before) };
    };
    const ra = script(a);
    expect(script(b)).toEqual(ra);
    expect(ra.sent.map((m) => m.vector)).toEqual([0x46, 0x45]);
  });
});
