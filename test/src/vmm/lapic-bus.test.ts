// The host-side APIC bus over raw vCPU blocks (no cores): ICR decoding, destination resolution,
// lowest-priority arbitration, what each delivery mode sets in the target's block, wake-ups.
import { describe, it, expect } from 'vitest';
import { createMemory, vcpuBase } from '../../../src/vmm/core-module.ts';
import { SHARED, VCPU } from '../../../src/shared/layout.ts';
import { LapicBus, decodeIcr, lapicDeadlineNs, PEND_BITS, APIC_MSG_IPI, APIC_MSG_EOI, type LapicMessage } from '../../../src/vmm/lapic-bus.ts';

const R = { ID: 0x20, TPR: 0x80, LDR: 0xd0, DFR: 0xe0, SVR: 0xf0, ISR: 0x100, TMR: 0x180, IRR: 0x200 };

class Board {
  readonly mem = createMemory(16 << 20);
  readonly dv = new DataView(this.mem.buffer);
  readonly woken: number[] = [];
  readonly eois: number[] = [];
  readonly bus: LapicBus;
  constructor(n: number) {
    this.dv.setUint32(SHARED.num_vcpus, n, true);
    for (let i = 0; i < n; i++) {
      this.set(i, VCPU.apic_base, 0xfee00800 | (i === 0 ? 0x100 : 0));
      this.setReg(i, R.ID, i << 24);
      this.setReg(i, R.DFR, 0xffffffff);
      this.setReg(i, R.SVR, 0x1ff);
    }
    this.bus = new LapicBus(this.mem, { wake: (m) => this.woken.push(m), eoi: (v) => this.eois.push(v) });
  }
  get(i: number, off: number): number { return this.dv.getUint32(vcpuBase(i) + off, true); }
  set(i: number, off: number, v: number): void { this.dv.setUint32(vcpuBase(i) + off, v >>> 0, true); }
  reg(i: number, r: number): number { return this.get(i, VCPU.lapic + r); }
  setReg(i: number, r: number, v: number): void { this.set(i, VCPU.lapic + r, v); }
  bit(i: number, arr: number, v: number): boolean { return ((this.reg(i, arr + ((v >> 5) << 4)) >>> (v & 31)) & 1) === 1; }
  pending(i: number): number { return this.get(i, VCPU.pending); }
  /** Which vCPUs have `v` in IRR. */
  irr(v: number): number[] {
    const n = this.dv.getUint32(SHARED.num_vcpus, true);
    return Array.from({ length: n }, (_, i) => i).filter((i) => this.bit(i, R.IRR, v));
  }
}

const fixed = (dest: number, vector: number, extra: Partial<LapicMessage> = {}): LapicMessage =>
  ({ dest, destMode: 'physical', delivery: 'fixed', vector, trigger: 'edge', ...extra });

describe('lapic-bus: decodeIcr', () => {
  it('decodes every field and the sender', () => {
    expect(decodeIcr(0x000c4931, 0x05000003)).toEqual({
      dest: 5, destMode: 'logical', delivery: 'lowest', vector: 0x31, trigger: 'edge', shorthand: 'others', source: 3,
    });
    expect(decodeIcr(0x0000c000 | 0x42, 0x01000000)).toMatchObject({ delivery: 'fixed', trigger: 'level', shorthand: 'none', destMode: 'physical' });
    expect(decodeIcr(0x4400, 0)?.delivery).toBe('nmi');
    expect(decodeIcr(0x4500, 0)?.delivery).toBe('init');
    expect(decodeIcr(0x8500, 0)?.delivery).toBe('init-deassert');
    expect(decodeIcr(0x4608, 0)).toMatchObject({ delivery: 'startup', vector: 8 });
    expect(decodeIcr(0x80000 | 0x4000 | 0x33, 0)?.shorthand).toBe('all');
    expect(decodeIcr(0x40000 | 0x33, 0)?.shorthand).toBe('self');
    expect(decodeIcr(0x300, 0)).toBeUndefined();
    expect(decodeIcr(0x700, 0)).toBeUndefined();
  });
});

describe('lapic-bus: fixed delivery', () => {
  it('sets the IRR bit, clears TMR for edge, sets PEND_LAPIC, reports and wakes the target', () => {
    const b = new Board(2);
    b.setReg(1, R.TMR + 0x20, 0xffffffff);
    expect(b.bus.deliver(fixed(1, 0x45))).toBe(2);
    expect(b.bit(1, R.IRR, 0x45)).toBe(true);
    expect(b.bit(1, R.TMR, 0x45)).toBe(false);
    expect(b.reg(1, R.TMR + 0x20)).toBe(0xffffffdf);
    expect(b.pending(1)).toBe(PEND_BITS.LAPIC);
    expect(b.pending(0)).toBe(0);
    expect(b.woken).toEqual([2]);
  });

  it('sets TMR for level-triggered messages', () => {
    const b = new Board(1);
    b.bus.deliver(fixed(0, 0xe1, { trigger: 'level' }));
    expect(b.bit(0, R.TMR, 0xe1)).toBe(true);
    expect(b.bit(0, R.IRR, 0xe1)).toBe(true);
  });

  it('notifies a waiter on the pending word', async () => {
    const b = new Board(2);
    const i32 = new Int32Array(b.mem.buffer);
    const w = Atomics.waitAsync(i32, (vcpuBase(1) + VCPU.pending) >> 2, 0, 5000);
    expect(w.async).toBe(true);
    b.bus.deliver(fixed(1, 0x50));
    expect(await w.value).toBe('ok');
  });

  it('drops messages to software-disabled APICs; illegal vectors log ESR bit 6 and signal', () => {
    const b = new Board(2);
    b.setReg(1, R.SVR, 0xff);
    expect(b.bus.deliver(fixed(1, 0x45))).toBe(0);
    expect(b.pending(1)).toBe(0);
    expect(b.bus.deliver(fixed(0, 0x0f))).toBe(0);
    expect(b.bit(0, R.IRR, 0x0f)).toBe(false);
    expect(b.get(0, VCPU.lapic_esr_acc)).toBe(0x80000040);
    expect(b.pending(0)).toBe(PEND_BITS.LAPIC);
  });

  it('ignores globally disabled APICs entirely', () => {
    const b = new Board(2);
    b.set(1, VCPU.apic_base, 0xfee00000);
    expect(b.bus.deliver(fixed(0xff, 0x45))).toBe(1);
    expect(b.bus.deliver({ ...fixed(1, 0), delivery: 'nmi' })).toBe(0);
  });
});

describe('lapic-bus: destinations', () => {
  it('physical: APIC ID match, 0xFF broadcast', () => {
    const b = new Board(4);
    b.setReg(2, R.ID, 0x09000000);
    expect(b.bus.targets(fixed(9, 0x40))).toBe(0b0100);
    expect(b.bus.targets(fixed(2, 0x40))).toBe(0);
    expect(b.bus.targets(fixed(0xff, 0x40))).toBe(0b1111);
  });

  it('shorthands: self, all, others', () => {
    const b = new Board(3);
    expect(b.bus.targets(fixed(0, 0x40, { shorthand: 'self', source: 2 }))).toBe(0b100);
    expect(b.bus.targets(fixed(0, 0x40, { shorthand: 'all', source: 2 }))).toBe(0b111);
    expect(b.bus.targets(fixed(0, 0x40, { shorthand: 'others', source: 2 }))).toBe(0b011);
  });

  it('logical flat: any common LDR bit; 0xFF to all', () => {
    const b = new Board(3);
    [0x01, 0x06, 0x80].forEach((l, i) => b.setReg(i, R.LDR, l << 24));
    const m = (dest: number) => fixed(dest, 0x40, { destMode: 'logical' });
    expect(b.bus.targets(m(0x02))).toBe(0b010);
    expect(b.bus.targets(m(0x81))).toBe(0b101);
    expect(b.bus.targets(m(0x18))).toBe(0);
    expect(b.bus.targets(m(0xff))).toBe(0b111);
  });

  it('logical cluster: same cluster and a common member bit, per target DFR', () => {
    const b = new Board(4);
    [0x11, 0x12, 0x21, 0x14].forEach((l, i) => { b.setReg(i, R.LDR, l << 24); b.setReg(i, R.DFR, 0x0fffffff); });
    const m = (dest: number) => fixed(dest, 0x40, { destMode: 'logical' });
    expect(b.bus.targets(m(0x13))).toBe(0b0011);
    expect(b.bus.targets(m(0x1f))).toBe(0b1011);
    expect(b.bus.targets(m(0x21))).toBe(0b0100);
    expect(b.bus.targets(m(0x31))).toBe(0);
    expect(b.bus.targets(m(0xff))).toBe(0b1111);
  });
});

describe('lapic-bus: lowest priority', () => {
  it('picks the lowest TPR among the logical set, ties to the lowest index', () => {
    const b = new Board(4);
    [0x01, 0x02, 0x04, 0x08].forEach((l, i) => b.setReg(i, R.LDR, l << 24));
    [0x20, 0x10, 0x10, 0x00].forEach((t, i) => b.setReg(i, R.TPR, t));
    const lp = (dest: number) => fixed(dest, 0x61, { destMode: 'logical', delivery: 'lowest' });
    expect(b.bus.deliver(lp(0x07))).toBe(0b0010);
    expect(b.irr(0x61)).toEqual([1]);
    expect(b.bus.deliver(lp(0x0d))).toBe(0b1000);
  });

  it('prefers a focus processor (vector in IRR or ISR) unless focus checking is off', () => {
    const b = new Board(3);
    b.setReg(2, R.TPR, 0xf0);
    b.setReg(2, R.ISR + 0x30, 1 << 2); // 0x62 in service on vCPU 2
    const lp = fixed(0xff, 0x62, { delivery: 'lowest' });
    expect(b.bus.deliver(lp)).toBe(0b100);
    b.setReg(2, R.SVR, 0x3ff);
    expect(b.bus.deliver(lp)).toBe(0b001);
  });

  it('skips software-disabled APICs', () => {
    const b = new Board(2);
    b.setReg(0, R.SVR, 0xff);
    b.setReg(1, R.TPR, 0x80);
    expect(b.bus.deliver(fixed(0xff, 0x62, { delivery: 'lowest' }))).toBe(0b10);
  });
});

describe('lapic-bus: other delivery modes', () => {
  it('NMI, INIT, STARTUP (vector stored), ExtINT set their pending bits, even when software-disabled', () => {
    const b = new Board(2);
    b.setReg(1, R.SVR, 0xff);
    b.bus.deliver({ ...fixed(1, 0), delivery: 'nmi' });
    b.bus.deliver({ ...fixed(1, 0), delivery: 'init' });
    b.bus.deliver({ ...fixed(1, 0x9a), delivery: 'startup' });
    b.bus.deliver({ ...fixed(1, 0), delivery: 'extint' });
    expect(b.pending(1)).toBe(PEND_BITS.NMI | PEND_BITS.INIT | PEND_BITS.SIPI | PEND_BITS.EXTINT);
    expect(b.get(1, VCPU.sipi_vector)).toBe(0x9a);
  });

  it('INIT de-assert and SMI do nothing', () => {
    const b = new Board(1);
    expect(b.bus.deliver({ ...fixed(0, 0), delivery: 'init-deassert' })).toBe(0);
    expect(b.bus.deliver({ ...fixed(0, 0), delivery: 'smi' })).toBe(0);
    expect(b.pending(0)).toBe(0);
  });

  it('accepts the IOAPIC message type as is', () => {
    const b = new Board(2);
    b.bus.deliver({ kind: 'apic', dest: 1, destMode: 'physical', delivery: 'fixed', vector: 0x33, trigger: 'level' });
    expect(b.bit(1, R.IRR, 0x33) && b.bit(1, R.TMR, 0x33)).toBe(true);
  });
});

describe('lapic-bus: core messages', () => {
  it('decodes an IPI with its sender, and forwards level EOIs', () => {
    const b = new Board(3);
    b.bus.coreMessage(APIC_MSG_IPI, 0xc4000 | 0x71, 0x00000001);
    expect(b.irr(0x71)).toEqual([0, 2]);
    b.bus.coreMessage(APIC_MSG_EOI, 0x71, 0);
    expect(b.eois).toEqual([0x71]);
  });

  it('reads a vCPU timer deadline (Infinity when unarmed)', () => {
    const b = new Board(2);
    expect(lapicDeadlineNs(b.mem, 1)).toBe(Infinity);
    b.dv.setBigInt64(vcpuBase(1) + VCPU.lapic_deadline_ns, 123_456_789n, true);
    expect(lapicDeadlineNs(b.mem, 1)).toBe(123_456_789);
  });
});
