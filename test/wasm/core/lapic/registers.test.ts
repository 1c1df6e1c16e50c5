// LAPIC registers through the MMIO window: reset values, write masks, read-only registers, ESR,
// software disable, IA32_APIC_BASE (enable, relocation) and the CPUID flag.
import { describe, it, expect } from 'vitest';
import { Smp, REG, APIC, CODE } from './env.ts';
import { VCPU } from '../../../../src/shared/layout.ts';

function cpu0(n = 1) {
  const smp = new Smp(n);
  const c = smp.cpus[0];
  c.flat32();
  return { smp, c };
}

/** RDMSR/WRMSR helpers: ECX = msr. */
const rdmsr = (msr: number) => [0xb9, msr & 0xff, (msr >> 8) & 0xff, 0, 0, 0x0f, 0x32];
const wrmsr = (msr: number, lo: number) => [
  0xb9, msr & 0xff, (msr >> 8) & 0xff, 0, 0, 0xba, 0, 0, 0, 0,
  0xb8, lo & 0xff, (lo >>> 8) & 0xff, (lo >>> 16) & 0xff, lo >>> 24, 0x0f, 0x30,
];

describe('lapic: reset state', () => {
  it('has the power-on register values (BSP: LINT0 ExtINT, LINT1 NMI)', () => {
    const { c } = cpu0();
    expect(c.read(REG.ID)).toBe(0);
    expect(c.read(REG.VER)).toBe(0x00050014);
    expect(c.read(REG.TPR)).toBe(0);
    expect(c.read(REG.PPR)).toBe(0);
    expect(c.read(REG.LDR)).toBe(0);
    expect(c.read(REG.DFR)).toBe(0xffffffff);
    expect(c.read(REG.SVR)).toBe(0xff);
    expect(c.read(REG.LVT_TIMER)).toBe(0x10000);
    expect(c.read(REG.LVT_THERMAL)).toBe(0x10000);
    expect(c.read(REG.LVT_PERF)).toBe(0x10000);
    expect(c.read(REG.LVT_LINT0)).toBe(0x700);
    expect(c.read(REG.LVT_LINT1)).toBe(0x400);
    expect(c.read(REG.LVT_ERROR)).toBe(0x10000);
    expect(c.read(REG.TIMER_ICR)).toBe(0);
    expect(c.read(REG.TIMER_CCR)).toBe(0);
    expect(c.read(REG.TIMER_DCR)).toBe(0);
    expect(c.u32(VCPU.apic_base)).toBe(0xfee00900);
  });

  it('gives an AP its own ID, masked LINT0/LINT1, no BSP flag, and parks it in wait-for-SIPI', () => {
    const smp = new Smp(3);
    const ap = smp.cpus[2];
    expect(ap.lapic(REG.ID)).toBe(0x02000000);
    expect(ap.lapic(REG.LVT_LINT0)).toBe(0x10000);
    expect(ap.lapic(REG.LVT_LINT1)).toBe(0x10000);
    expect(ap.u32(VCPU.apic_base)).toBe(0xfee00800);
    expect(ap.halted).toBe(2);
    expect(smp.cpus[0].halted).toBe(0);
  });

  it('serves the window inside the core: no host MMIO access', () => {
    const { smp, c } = cpu0();
    c.write(REG.TPR, 0x20);
    c.read(REG.TPR);
    expect(smp.mmio).toEqual([]);
  });
});

describe('lapic: write masks', () => {
  const cases: [string, number, number][] = [
    ['ID', REG.ID, 0xff000000],
    ['TPR', REG.TPR, 0xff],
    ['LDR', REG.LDR, 0xff000000],
    ['DFR', REG.DFR, 0xffffffff], // bits 27:0 read as ones
    ['SVR', REG.SVR, 0x3ff],
    ['ICR high', REG.ICR_HI, 0xff000000],
    ['LVT timer', REG.LVT_TIMER, 0x300ff],
    ['LVT thermal', REG.LVT_THERMAL, 0x107ff],
    ['LVT perf', REG.LVT_PERF, 0x107ff],
    ['LVT LINT0', REG.LVT_LINT0, 0x1a7ff],
    ['LVT LINT1', REG.LVT_LINT1, 0x1a7ff],
    ['LVT error', REG.LVT_ERROR, 0x100ff],
    ['timer initial count', REG.TIMER_ICR, 0xffffffff],
    ['divide configuration', REG.TIMER_DCR, 0xb],
  ];
  for (const [name, off, mask] of cases) {
    it(`${name}: writable bits ${mask.toString(16)}`, () => {
      const { c } = cpu0();
      c.write(REG.SVR, 0x1ff); // software-enabled, so LVT masks can be cleared
      c.write(off, 0xffffffff);
      expect(c.read(off)).toBe(off === REG.SVR ? 0x3ff : mask >>> 0);
      c.write(off, 0);
      const expectZero = off === REG.DFR ? 0x0fffffff : 0;
      if (off !== REG.SVR) expect(c.read(off)).toBe(expectZero);
    });
  }

  it('ignores writes to read-only registers', () => {
    const { c } = cpu0();
    for (const off of [REG.VER, REG.APR, REG.PPR, REG.ISR, REG.TMR + 0x10, REG.IRR + 0x70, REG.TIMER_CCR]) {
      const before = c.read(off);
      c.write(off, 0xffffffff);
      expect(c.read(off)).toBe(before);
    }
    expect(c.read(REG.ESR)).toBe(0);
  });

  it('ICR low keeps vector, mode, destination mode, level, trigger, shorthand; delivery status reads idle', () => {
    const { c } = cpu0();
    c.write(REG.ICR_HI, 0x0f000000); // no APIC has ID 15: the IPI goes nowhere
    c.write(REG.ICR_LO, 0x000fffff & ~0x700 & ~0xc0000); // fixed, physical... vector 0xff
    expect(c.read(REG.ICR_LO)).toBe(0x0000c8ff);
  });

  it('returns the addressed bytes on narrow reads, and zero-extends narrow writes', () => {
    const { c } = cpu0();
    c.write(REG.LVT_LINT0, 0x0001a7fe);
    c.exec([0x0f, 0xb6, 0x05, ...le(APIC + REG.LVT_LINT0 + 1)]); // movzx eax, byte [LINT0 + 1]
    expect(c.eax).toBe(0xa7);
    c.exec([0x0f, 0xb7, 0x05, ...le(APIC + REG.LVT_LINT0 + 2)]); // movzx eax, word [LINT0 + 2]
    expect(c.eax).toBe(0x0001);
    c.exec([0xc6, 0x05, ...le(APIC + REG.TPR), 0x35]); // mov byte [TPR], 0x35
    expect(c.read(REG.TPR)).toBe(0x35);
    expect(c.read(REG.TPR + 4)).toBe(0); // the rest of a 16-byte slot reads 0
  });
});

function le(v: number): number[] { return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24]; }

describe('lapic: ESR', () => {
  it('is write-then-read: a write latches the errors logged since the previous write', () => {
    const { c } = cpu0();
    c.read(0x3f0); // reserved offset: illegal register address
    expect(c.read(REG.ESR)).toBe(0); // not latched yet
    c.write(REG.ESR, 0);
    expect(c.read(REG.ESR)).toBe(0x80);
    c.write(REG.ESR, 0);
    expect(c.read(REG.ESR)).toBe(0);
  });

  it('logs a send-illegal-vector error for a fixed IPI with a vector below 16, and sends nothing', () => {
    const { smp, c } = cpu0(2);
    c.write(REG.SVR, 0x1ff);
    c.write(REG.ICR_HI, 0x01000000);
    c.write(REG.ICR_LO, 0x0000000f);
    expect(smp.messages).toEqual([]);
    c.write(REG.ESR, 0);
    expect(c.read(REG.ESR)).toBe(0x20);
  });

  it('signals the LVT error entry', () => {
    const { c } = cpu0();
    c.write(REG.SVR, 0x1ff);
    c.write(REG.LVT_ERROR, 0xe3);
    c.read(0x2f0); // no CMCI entry with max LVT 5
    expect(c.vecBit(REG.IRR, 0xe3)).toBe(true);
    expect(c.pending & 16).toBe(16);
  });
});

describe('lapic: software disable', () => {
  it('sets every LVT mask bit and keeps them set while disabled', () => {
    const { c } = cpu0();
    c.write(REG.SVR, 0x1ff);
    c.write(REG.LVT_TIMER, 0x30);
    c.write(REG.LVT_LINT0, 0x700);
    c.write(REG.SVR, 0xff);
    expect(c.read(REG.LVT_TIMER)).toBe(0x10030);
    expect(c.read(REG.LVT_LINT0)).toBe(0x10700);
    c.write(REG.LVT_ERROR, 0x40);
    expect(c.read(REG.LVT_ERROR)).toBe(0x10040);
    c.write(REG.SVR, 0x1ff);
    c.write(REG.LVT_ERROR, 0x40);
    expect(c.read(REG.LVT_ERROR)).toBe(0x40);
  });

  it('keeps the spurious vector (all 8 bits writable) and the focus bit', () => {
    const { c } = cpu0();
    c.write(REG.SVR, 0x2f3);
    expect(c.read(REG.SVR)).toBe(0x2f3);
  });
});

describe('lapic: IA32_APIC_BASE', () => {
  it('relocates the window; the old page becomes ordinary memory again', () => {
    const { smp, c } = cpu0();
    c.write(REG.TPR, 0x40);
    c.exec(wrmsr(0x1b, 0x00400900)); // base 4 MiB (RAM), enabled, BSP bit read-only
    expect(c.u32(VCPU.apic_base)).toBe(0x00400900);
    expect(c.read(REG.TPR, 0x00400000)).toBe(0x40);
    expect(c.read(REG.VER, 0x00400000)).toBe(0x00050014);
    smp.write32(0x00400080, 0x12345678); // RAM under the window is hidden
    expect(c.read(REG.TPR, 0x00400000)).toBe(0x40);
    expect(c.read(REG.TPR)).toBe(0xffffffff); // 0xFEE00080 is host MMIO now
    expect(smp.mmio).toContain(0xfee00080);
    c.exec(rdmsr(0x1b));
    expect(c.eax).toBe(0x00400900);
  });

  it('a cleared global enable removes the window and the CPUID flag; re-enabled, the APIC is reset', () => {
    const { smp, c } = cpu0();
    c.write(REG.SVR, 0x1ff);
    c.write(REG.TPR, 0x40);
    c.exec([0xb8, 1, 0, 0, 0, 0x0f, 0xa2]); // cpuid(1)
    expect(c.reg(2) & 0x200).toBe(0x200);
    c.exec(wrmsr(0x1b, 0xfee00100));
    expect(c.read(REG.TPR)).toBe(0xffffffff);
    expect(smp.mmio).toContain(APIC + REG.TPR);
    c.exec([0xb8, 1, 0, 0, 0, 0x0f, 0xa2]);
    expect(c.reg(2) & 0x200).toBe(0);
    c.exec(wrmsr(0x1b, 0xfee00900));
    expect(c.read(REG.TPR)).toBe(0);
    expect(c.read(REG.SVR)).toBe(0xff);
  });

  it('is never cached in the TLB: code reading RAM at the page first still sees the APIC afterwards', () => {
    const { c } = cpu0();
    c.exec(wrmsr(0x1b, 0x00400100)); // disabled: 4 MiB is plain RAM
    c.smp.write32(0x00400030, 0xcafe);
    expect(c.read(REG.VER, 0x00400000)).toBe(0xcafe);
    c.exec(wrmsr(0x1b, 0x00400900));
    expect(c.read(REG.VER, 0x00400000)).toBe(0x00050014);
  });
});

describe('lapic: CPUID', () => {
  it('reports the APIC flag and the initial APIC ID', () => {
    const smp = new Smp(2);
    const ap = smp.cpus[1];
    ap.flat32();
    ap.exec([0xb8, 1, 0, 0, 0, 0x0f, 0xa2]);
    expect(ap.reg(2) & 0x200).toBe(0x200);
    expect(ap.reg(3) >>> 24).toBe(1);
    expect(CODE).toBe(0x1000);
  });
});
