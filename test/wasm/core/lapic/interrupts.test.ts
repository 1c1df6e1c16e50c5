// Acceptance and delivery on one vCPU: IRR → ISR → EOI, priority classes, TPR/PPR/APR, EOI broadcast
// for level-triggered vectors, software-disabled APIC, LINT0 (ExtINT from the 8259), HLT wake-up.
import { describe, it, expect } from 'vitest';
import { Smp, REG, PEND, EXIT } from './env.ts';
import { VCPU } from '../../../../src/shared/layout.ts';

function setup(opts: { eoi?: boolean } = {}) {
  const smp = new Smp(1, opts);
  const c = smp.cpus[0];
  c.flat32();
  c.write(REG.SVR, 0x1ff);
  return { smp, c };
}

/** An IOAPIC-style fixed message to vCPU 0. */
function fixed(smp: Smp, vector: number, trigger: 'edge' | 'level' = 'edge'): number {
  return smp.bus.deliver({ kind: 'apic', dest: 0, destMode: 'physical', delivery: 'fixed', vector, trigger });
}

describe('lapic: acceptance and EOI', () => {
  it('delivers an IRR vector through the IDT when IF=1, moving it to ISR until EOI', () => {
    const { smp, c } = setup({ eoi: false });
    expect(fixed(smp, 0x41)).toBe(1);
    expect(c.vecBit(REG.IRR, 0x41)).toBe(true);
    expect(c.pending & PEND.LAPIC).toBe(PEND.LAPIC);
    c.code('sti\nnop\nhlt');
    expect(c.run()).toBe(EXIT.HLT);
    expect(c.log()).toEqual([0x41]);
    expect(c.vecBit(REG.IRR, 0x41)).toBe(false);
    expect(c.vecBit(REG.ISR, 0x41)).toBe(true);
    expect(c.read(REG.PPR)).toBe(0x40);
    c.write(REG.EOI, 0);
    expect(c.vecBit(REG.ISR, 0x41)).toBe(false);
    expect(c.read(REG.PPR)).toBe(0);
  });

  it('holds interrupts while IF=0 and takes them after STI, highest vector first', () => {
    const { smp, c } = setup();
    fixed(smp, 0x31);
    fixed(smp, 0x62);
    fixed(smp, 0x55);
    c.code('mov ecx, 100\nl: loop l\nsti\nnop\nhlt');
    expect(c.run()).toBe(EXIT.HLT);
    expect(c.log()).toEqual([0x62, 0x55, 0x31]);
    expect(c.lapic(REG.ISR + 0x30)).toBe(0);
  });

  it('nests a higher-priority class inside a handler, not an equal class', () => {
    const { smp, c } = setup({ eoi: false });
    fixed(smp, 0x51);
    c.code('sti\nnop\nhlt');
    c.run();
    expect(c.log()).toEqual([0x51]);
    fixed(smp, 0x5f); // same class as the vector in service: held
    c.code('sti\nnop\nhlt');
    c.run();
    expect(c.log()).toEqual([0x51]);
    expect(c.vecBit(REG.IRR, 0x5f)).toBe(true);
    fixed(smp, 0x61); // higher class: taken
    c.code('sti\nnop\nhlt');
    c.run();
    expect(c.log()).toEqual([0x51, 0x61]);
    c.write(REG.EOI, 0); // ends 0x61
    expect(c.vecBit(REG.ISR, 0x61)).toBe(false);
    expect(c.vecBit(REG.ISR, 0x51)).toBe(true);
    c.write(REG.EOI, 0); // ends 0x51: 0x5f becomes deliverable
    c.code('sti\nnop\nhlt');
    c.run();
    expect(c.log()).toEqual([0x51, 0x61, 0x5f]);
  });

  it('masks classes at or below TPR; PPR and APR follow TPR and ISR', () => {
    const { smp, c } = setup();
    c.write(REG.TPR, 0x50);
    fixed(smp, 0x4f);
    fixed(smp, 0x5a);
    expect(c.read(REG.PPR)).toBe(0x50);
    expect(c.read(REG.APR)).toBe(0x50);
    c.code('sti\nnop\nnop\ncli\nhlt');
    c.run();
    expect(c.log()).toEqual([]);
    c.write(REG.TPR, 0x40); // IF=0 now: nothing is taken while the registers are read
    expect(c.read(REG.APR)).toBe(0x50); // IRR class 5 above TPR class 4
    c.code('sti\nnop\nhlt');
    c.run();
    expect(c.log()).toEqual([0x5a]);
    c.write(REG.TPR, 0x3f);
    c.code('sti\nnop\nhlt');
    c.run();
    expect(c.log()).toEqual([0x5a, 0x4f]);
  });

  it('PPR is the ISR class when it is above TPR, else TPR', () => {
    const { smp, c } = setup({ eoi: false });
    c.write(REG.TPR, 0x23);
    fixed(smp, 0x80);
    c.code('sti\nnop\nhlt');
    c.run();
    expect(c.read(REG.PPR)).toBe(0x80);
    c.write(REG.TPR, 0x93);
    expect(c.read(REG.PPR)).toBe(0x93);
  });

  it('broadcasts the EOI of a level-triggered vector (TMR set) and not of an edge one', () => {
    const { smp, c } = setup();
    fixed(smp, 0x44, 'level');
    expect(c.vecBit(REG.TMR, 0x44)).toBe(true);
    c.code('sti\nnop\nhlt');
    c.run();
    expect(c.log()).toEqual([0x44]);
    expect(smp.eois).toEqual([0x44]);
    fixed(smp, 0x44, 'edge');
    expect(c.vecBit(REG.TMR, 0x44)).toBe(false);
    c.code('sti\nnop\nhlt');
    c.run();
    expect(smp.eois).toEqual([0x44]);
  });

  it('a write to EOI with nothing in service does nothing', () => {
    const { smp, c } = setup();
    c.write(REG.EOI, 0);
    expect(smp.eois).toEqual([]);
    expect(smp.messages).toEqual([]);
  });

  it('wakes a halted vCPU (IF=1) and leaves it halted when IF=0', () => {
    const { smp, c } = setup();
    c.code('sti\nhlt\nmov ebx, 0x77\nhlt');
    expect(c.run()).toBe(EXIT.HLT);
    expect(c.halted).toBe(1);
    expect(c.run()).toBe(EXIT.HLT); // nothing pending: stays halted
    fixed(smp, 0x90);
    expect(c.run()).toBe(EXIT.HLT);
    expect(c.log()).toEqual([0x90]);
    expect(c.reg(3)).toBe(0x77);

    c.code('cli\nhlt');
    c.run();
    fixed(smp, 0x91);
    expect(c.run()).toBe(EXIT.HLT);
    expect(c.halted).toBe(1);
    expect(c.log()).toEqual([0x90]);
  });

  it('a shutdown vCPU (triple fault) ignores maskable interrupts', () => {
    const { smp, c } = setup();
    c.code('sti\nnop\nhlt');
    c.run();
    c.setU32(VCPU.halted, 3);
    fixed(smp, 0x92);
    expect(c.run()).toBe(EXIT.HLT);
    expect(c.halted).toBe(3);
    expect(c.log()).toEqual([]);
  });

  it('a self IPI (shorthand self) is a fixed interrupt to this APIC, without a bus message', () => {
    const { smp, c } = setup();
    c.write(REG.ICR_LO, 0x40000 | 0x4000 | 0xa5);
    expect(smp.messages).toEqual([]);
    c.code('sti\nnop\nhlt');
    c.run();
    expect(c.log()).toEqual([0xa5]);
  });
});

describe('lapic: software-disabled', () => {
  it('drops fixed messages but delivers what IRR already holds; the spurious vector is only stored', () => {
    const { smp, c } = setup();
    fixed(smp, 0x70);
    c.write(REG.SVR, 0x0ef); // software-disabled, spurious vector 0xEF
    expect(fixed(smp, 0x71)).toBe(0);
    expect(c.vecBit(REG.IRR, 0x71)).toBe(false);
    c.code('sti\nnop\nhlt');
    c.run();
    expect(c.log()).toEqual([0x70]); // held interrupts are still handled (SDM 10.4.7.2)
    expect(c.read(REG.SVR)).toBe(0xef);
  });

  it('still accepts NMI', () => {
    const { smp, c } = setup();
    c.write(REG.SVR, 0xff);
    expect(smp.bus.deliver({ kind: 'apic', dest: 0, destMode: 'physical', delivery: 'nmi', vector: 0, trigger: 'edge' })).toBe(1);
    c.code('nop\nhlt');
    c.run();
    expect(c.log()).toEqual([2]);
  });
});

describe('lapic: LINT0 and the 8259', () => {
  it('takes the PIC vector by INTA when LINT0 is unmasked ExtINT (the BSP at reset)', () => {
    const smp = new Smp(1);
    const c = smp.cpus[0];
    c.flat32();
    c.intVector = 0x28;
    c.post(PEND.INTR);
    c.code('sti\nnop\nhlt');
    c.run();
    expect(c.inta).toBe(1);
    expect(c.log()).toContain(0x28);
  });

  it('ignores the INTR line when LINT0 is masked', () => {
    const { c } = setup();
    c.write(REG.LVT_LINT0, 0x10700);
    c.intVector = 0x28;
    c.post(PEND.INTR);
    c.code('sti\nnop\nnop\nhlt');
    c.run();
    expect(c.inta).toBe(0);
    expect(c.log()).toEqual([]);
    c.write(REG.LVT_LINT0, 0x700);
    c.code('nop\nhlt');
    c.run();
    expect(c.inta).toBe(1);
    expect(c.pending & PEND.INTR).toBe(0);
  });

  it('takes the INTR line directly when the APIC is globally disabled', () => {
    const { c } = setup();
    c.write(REG.LVT_LINT0, 0x10700);
    // wrmsr IA32_APIC_BASE = 0xFEE00000 (enable clear)
    c.exec([0xb9, 0x1b, 0, 0, 0, 0xba, 0, 0, 0, 0, 0xb8, 0, 0, 0xe0, 0xfe, 0x0f, 0x30]);
    c.intVector = 0x2b;
    c.post(PEND.INTR);
    c.code('sti\nnop\nhlt');
    c.run();
    expect(c.inta).toBe(1);
  });

  it('an ExtINT message does one INTA', () => {
    const { smp, c } = setup();
    c.write(REG.LVT_LINT0, 0x10700);
    c.intVector = 0x2c;
    smp.bus.deliver({ kind: 'apic', dest: 0, destMode: 'physical', delivery: 'extint', vector: 0, trigger: 'edge' });
    expect(c.pending & PEND.EXTINT).toBe(PEND.EXTINT);
    c.code('sti\nnop\nnop\nhlt');
    c.run();
    expect(c.inta).toBe(1);
    expect(c.pending & PEND.EXTINT).toBe(0);
  });
});
