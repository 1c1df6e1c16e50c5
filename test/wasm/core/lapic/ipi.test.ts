// IPIs between cores on one memory: ICR delivery modes (fixed, lowest priority, NMI, INIT, INIT
// de-assert, STARTUP), destination shorthands, physical/logical (flat, cluster) destinations.
import { describe, it, expect } from 'vitest';
import { Smp, REG, EXIT, PEND, type Vcpu } from './env.ts';
import { VCPU } from '../../../../src/shared/layout.ts';
import { assemble } from '../../nasm.ts';

const FIXED = 0x000, LOWEST = 0x100, NMI = 0x400, INIT = 0x500, STARTUP = 0x600;
const LOGICAL = 0x800, ASSERT = 0x4000, LEVEL = 0x8000;
const SELF = 0x40000, ALL = 0x80000, OTHERS = 0xc0000;

function machine(n: number, eoi = true) {
  const smp = new Smp(n, { eoi });
  for (const c of smp.cpus) {
    c.flat32(true);
    c.write(REG.SVR, 0x1ff);
  }
  return smp;
}
function send(from: Vcpu, dest: number, lo: number): void {
  from.write(REG.ICR_HI, dest << 24);
  from.write(REG.ICR_LO, lo);
}
/** Let every vCPU take what is pending (IF=1). */
function runAll(smp: Smp): void {
  for (const c of smp.cpus) {
    c.code('nop\nnop\nhlt');
    c.run();
  }
}
const logs = (smp: Smp) => smp.cpus.map((c) => c.log());

describe('ipi: fixed, physical destinations', () => {
  it('reaches the APIC with that ID only; delivery status reads idle afterwards', () => {
    const smp = machine(3);
    send(smp.cpus[0], 2, ASSERT | FIXED | 0x50);
    expect(smp.cpus[0].read(REG.ICR_LO) & 0x1000).toBe(0);
    expect(smp.messages).toEqual([]); // core to core: no host message for a fixed IPI
    runAll(smp);
    expect(logs(smp)).toEqual([[], [], [0x50]]);
  });

  it('follows a changed APIC ID', () => {
    const smp = machine(2);
    smp.cpus[1].write(REG.ID, 0x07000000);
    send(smp.cpus[0], 1, ASSERT | 0x51);
    send(smp.cpus[0], 7, ASSERT | 0x52);
    expect(smp.cpus[1].vecBit(REG.IRR, 0x51)).toBe(false);
    expect(smp.cpus[1].vecBit(REG.IRR, 0x52)).toBe(true);
  });

  it('0xFF broadcasts, including to the sender', () => {
    const smp = machine(3);
    send(smp.cpus[1], 0xff, ASSERT | 0x53);
    runAll(smp);
    expect(logs(smp)).toEqual([[0x53], [0x53], [0x53]]);
  });

  it('is dropped by a software-disabled APIC and logged as illegal below vector 16 at the receiver', () => {
    const smp = machine(2);
    smp.cpus[1].write(REG.SVR, 0xff);
    send(smp.cpus[0], 1, ASSERT | 0x54);
    runAll(smp);
    expect(logs(smp)).toEqual([[], []]);
    smp.cpus[1].write(REG.SVR, 0x1ff);
    smp.bus.deliver({ dest: 1, destMode: 'physical', delivery: 'fixed', vector: 5, trigger: 'edge' });
    smp.cpus[1].write(REG.ESR, 0);
    expect(smp.cpus[1].read(REG.ESR)).toBe(0x40);
  });

  it('sets TMR for level-triggered IPIs, so their EOI is broadcast', () => {
    const smp = machine(2);
    send(smp.cpus[0], 1, LEVEL | ASSERT | 0x55);
    expect(smp.cpus[1].vecBit(REG.TMR, 0x55)).toBe(true);
    runAll(smp);
    expect(smp.eois).toEqual([0x55]);
  });
});

describe('ipi: core to core', () => {
  it('wakes a vCPU parked on its pending word (Atomics.notify from the sending core)', async () => {
    const smp = machine(2);
    const i32 = new Int32Array(smp.mem.buffer);
    const at = (smp.cpus[1].base + VCPU.pending) >> 2;
    const w = Atomics.waitAsync(i32, at, Atomics.load(i32, at), 5000);
    expect(w.async).toBe(true);
    send(smp.cpus[0], 1, ASSERT | FIXED | 0x58);
    expect(await w.value).toBe('ok');
    expect(Atomics.load(i32, at) & PEND.LAPIC).toBe(PEND.LAPIC);
    expect(smp.messages).toEqual([]);
  });

  it('does not reach an APIC that is globally disabled (IA32_APIC_BASE bit 11 clear)', () => {
    const smp = machine(3);
    const b = smp.cpus[2].base + VCPU.apic_base;
    smp.dv.setUint32(b, smp.dv.getUint32(b, true) & ~0x800, true);
    send(smp.cpus[0], 0xff, ASSERT | FIXED | 0x59);
    send(smp.cpus[0], 0, ALL | ASSERT | LOWEST | 0x5a);
    runAll(smp);
    // vCPU 2 gets neither; the lowest-priority one goes to the lowest index of equal TPR.
    expect(logs(smp)).toEqual([[0x59, 0x5a], [0x59], []]);
  });
});

describe('ipi: shorthands', () => {
  it('all including self', () => {
    const smp = machine(3);
    send(smp.cpus[1], 0, ALL | ASSERT | 0x60);
    runAll(smp);
    expect(logs(smp)).toEqual([[0x60], [0x60], [0x60]]);
  });

  it('all excluding self', () => {
    const smp = machine(3);
    send(smp.cpus[1], 1, OTHERS | ASSERT | 0x61);
    runAll(smp);
    expect(logs(smp)).toEqual([[0x61], [], [0x61]]);
  });

  it('self ignores the destination field', () => {
    const smp = machine(2);
    send(smp.cpus[1], 0, SELF | ASSERT | 0x62);
    runAll(smp);
    expect(logs(smp)).toEqual([[], [0x62]]);
  });

  it('NMI to all excluding self', () => {
    const smp = machine(3);
    send(smp.cpus[0], 0, OTHERS | ASSERT | NMI);
    runAll(smp);
    expect(logs(smp)).toEqual([[], [2], [2]]);
  });
});

describe('ipi: logical destinations', () => {
  it('flat model: LDR bit masks', () => {
    const smp = machine(3);
    smp.cpus.forEach((c, i) => c.write(REG.LDR, (1 << i) << 24));
    send(smp.cpus[0], 0x06, LOGICAL | ASSERT | 0x70);
    runAll(smp);
    expect(logs(smp)).toEqual([[], [0x70], [0x70]]);
    send(smp.cpus[0], 0xff, LOGICAL | ASSERT | 0x71);
    runAll(smp);
    expect(logs(smp)).toEqual([[0x71], [0x70, 0x71], [0x70, 0x71]]);
  });

  it('cluster model: cluster in the high nibble, members in the low nibble', () => {
    const smp = machine(3);
    const ldr = [0x11, 0x12, 0x21];
    smp.cpus.forEach((c, i) => { c.write(REG.DFR, 0x0fffffff); c.write(REG.LDR, ldr[i] << 24); });
    send(smp.cpus[0], 0x13, LOGICAL | ASSERT | 0x72);
    runAll(smp);
    expect(logs(smp)).toEqual([[0x72], [0x72], []]);
    send(smp.cpus[0], 0x23, LOGICAL | ASSERT | 0x73);
    runAll(smp);
    expect(logs(smp)).toEqual([[0x72], [0x72], [0x73]]);
    send(smp.cpus[0], 0xff, LOGICAL | ASSERT | 0x74);
    runAll(smp);
    expect(logs(smp)).toEqual([[0x72, 0x74], [0x72, 0x74], [0x73, 0x74]]);
  });

  it('lowest priority: one target, the lowest TPR; a focus processor first', () => {
    const smp = machine(3, false);
    smp.cpus.forEach((c, i) => c.write(REG.LDR, (1 << i) << 24));
    [0x30, 0x10, 0x20].forEach((tpr, i) => smp.cpus[i].write(REG.TPR, tpr));
    send(smp.cpus[0], 0x07, LOGICAL | ASSERT | LOWEST | 0x80);
    runAll(smp);
    expect(logs(smp)).toEqual([[], [0x80], []]);
    // vCPU 2 has 0x90 in service: it is the focus for another 0x90.
    smp.bus.deliver({ dest: 2, destMode: 'physical', delivery: 'fixed', vector: 0x90, trigger: 'edge' });
    runAll(smp);
    send(smp.cpus[0], 0x07, LOGICAL | ASSERT | LOWEST | 0x90);
    expect(smp.cpus[2].vecBit(REG.IRR, 0x90)).toBe(true);
    expect(smp.cpus[1].vecBit(REG.IRR, 0x90)).toBe(false);
  });
});

describe('ipi: INIT and STARTUP', () => {
  /** Real-mode trampoline at page `vec`: counts its starts at 0x7000 and records CS, then halts. */
  function trampoline(smp: Smp, vec: number): void {
    smp.write(vec << 12, assemble(`
      mov ax, cs
      mov ds, ax
      xor ax, ax
      mov es, ax
      lock inc word [es:0x7000]
      mov bx, cs
      mov [es:0x7002], bx
      mov eax, cr0
      mov [es:0x7004], eax
      hlt`, 16, 0));
  }

  it('STARTUP starts an AP in wait-for-SIPI in real mode at vector << 8 : 0', () => {
    const smp = new Smp(2);
    const [bsp, ap] = smp.cpus;
    bsp.flat32();
    trampoline(smp, 0x40);
    expect(ap.halted).toBe(2);
    expect(ap.run()).toBe(EXIT.HLT); // nothing happens while it waits
    expect(smp.read32(0x7000)).toBe(0);
    send(bsp, 1, ASSERT | STARTUP | 0x40);
    expect(ap.u32(VCPU.sipi_vector)).toBe(0x40);
    expect(ap.run()).toBe(EXIT.HLT);
    expect(smp.read32(0x7000) & 0xffff).toBe(1);
    expect(smp.read32(0x7002) & 0xffff).toBe(0x4000);
    expect(ap.halted).toBe(1);
  });

  it('a second STARTUP to a running AP is ignored', () => {
    const smp = new Smp(2);
    const [bsp, ap] = smp.cpus;
    bsp.flat32();
    trampoline(smp, 0x40);
    send(bsp, 1, ASSERT | STARTUP | 0x40);
    ap.run();
    send(bsp, 1, ASSERT | STARTUP | 0x40);
    ap.run();
    expect(smp.read32(0x7000) & 0xffff).toBe(1);
  });

  it('INIT puts a running AP back in wait-for-SIPI with its registers and LAPIC reset (ID and APIC base kept)', () => {
    const smp = machine(2);
    const [bsp, ap] = smp.cpus;
    ap.write(REG.ID, 0x01000000);
    ap.write(REG.TPR, 0x30);
    ap.write(REG.LVT_TIMER, 0x30);
    ap.write(REG.TIMER_ICR, 1000);
    ap.code('mov ebx, 0x1234\nl: jmp l');
    ap.run(100);
    send(bsp, 1, LEVEL | ASSERT | INIT);
    send(bsp, 1, LEVEL | INIT); // de-assert: no effect
    expect(ap.pending & (PEND.INIT | 0xff)).toBe(PEND.INIT);
    expect(ap.run()).toBe(EXIT.HLT);
    expect(ap.halted).toBe(2);
    expect(ap.reg(3)).toBe(0);
    expect(ap.u32(VCPU.cr0)).toBe(0x60000010);
    expect(ap.u32(VCPU.seg_sel + 4)).toBe(0xf000);
    expect(ap.lapic(REG.ID)).toBe(0x01000000);
    expect(ap.lapic(REG.TPR)).toBe(0);
    expect(ap.lapic(REG.SVR)).toBe(0xff);
    expect(ap.lapic(REG.LVT_TIMER)).toBe(0x10000);
    expect(ap.lapic(REG.TIMER_ICR)).toBe(0);
    expect(ap.deadline).toBe(0);
    expect(ap.u32(VCPU.apic_base)).toBe(0xfee00800);
    // Interrupts wait with it: a fixed IPI to a software-disabled APIC is dropped; NMI is held.
    send(bsp, 1, ASSERT | NMI);
    expect(ap.run()).toBe(EXIT.HLT);
    expect(ap.pending & PEND.NMI).toBe(PEND.NMI);
    ap.clear(PEND.NMI); // held, not lost: it would be taken right after STARTUP
    trampoline(smp, 0x41);
    send(bsp, 1, ASSERT | STARTUP | 0x41);
    ap.run();
    expect(smp.read32(0x7002) & 0xffff).toBe(0x4100);
  });

  it('the MP-spec sequence run by the BSP: INIT, de-assert, STARTUP, STARTUP', () => {
    const smp = new Smp(3);
    const [bsp, ap1, ap2] = smp.cpus;
    bsp.flat32();
    trampoline(smp, 0x42);
    bsp.code(`
      mov dword [0xfee00310], 0
      mov dword [0xfee00300], 0xc4500   ; INIT, level assert, all excluding self
      mov dword [0xfee00300], 0xc8500   ; INIT de-assert
      mov dword [0xfee00300], 0xc4642   ; STARTUP 0x42
      mov dword [0xfee00300], 0xc4642   ; STARTUP again
      hlt`);
    expect(bsp.run()).toBe(EXIT.HLT);
    expect(bsp.halted).toBe(1);
    ap1.run();
    ap2.run();
    expect(smp.read32(0x7000) & 0xffff).toBe(2);
    expect(ap1.u32(VCPU.seg_sel + 4)).toBe(0x4200);
    expect(ap2.u32(VCPU.seg_sel + 4)).toBe(0x4200);
  });

  it('INIT to the BSP restarts it at the reset vector, not in wait-for-SIPI', () => {
    const smp = machine(2);
    const [bsp, ap] = smp.cpus;
    send(ap, 0, LEVEL | ASSERT | INIT);
    bsp.code('nop\nhlt');
    smp.mmio.length = 0;
    bsp.run(1);
    expect(bsp.halted).toBe(0);
    expect(smp.mmio[0]).toBe(0xfffffff0); // the first fetch: F000:FFF0 with CS base 0xFFFF0000
    expect(bsp.lapic(REG.LVT_LINT0)).toBe(0x700);
    expect(bsp.u32(VCPU.apic_base)).toBe(0xfee00900);
  });
});
