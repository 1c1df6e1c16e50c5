// A small SMP machine for LAPIC tests: N core instances over ONE shared memory, their
// hostApicMessage wired to the host-side APIC bus (src/vmm/lapic-bus.ts), a manual clock, a GDT
// and an IDT whose handlers log the vector (and optionally write EOI) before IRET.
import { expect } from 'vitest';
import { createMemory, instantiateCore, vcpuBase, EXIT, type CoreExports } from '../../../../src/vmm/core-module.ts';
import { loadCoreModule } from '../../../../src/vmm/core-module-node.ts';
import { RAM_BASE, SHARED, VCPU } from '../../../../src/shared/layout.ts';
import { LapicBus } from '../../../../src/vmm/lapic-bus.ts';
import { assemble } from '../../nasm.ts';

export { EXIT };

// Guest-physical layout (paging off: linear = physical).
export const CODE = 0x1000; // vCPU i's code at CODE + i * 0x1000
export const STACK_TOP = 0x9000; // vCPU i's stack top at STACK_TOP + i * 0x1000
export const GDT = 0x10000;
export const IDT = 0x11000;
export const HANDLERS = 0x20000; // vector v's handler at HANDLERS + v * 64
/** Handler log: vCPU i's log at LOG + i * 0x100: [count, then one byte per vector taken]. */
export const LOG = 0x30000;
export const APIC = 0xfee00000;

export const PEND = { INTR: 1, NMI: 2, INIT: 4, SIPI: 8, LAPIC: 16, TLB_FLUSH: 64, EXTINT: 256 } as const;

// LAPIC register offsets.
export const REG = {
  ID: 0x20, VER: 0x30, TPR: 0x80, APR: 0x90, PPR: 0xa0, EOI: 0xb0, RRD: 0xc0, LDR: 0xd0, DFR: 0xe0,
  SVR: 0xf0, ISR: 0x100, TMR: 0x180, IRR: 0x200, ESR: 0x280, ICR_LO: 0x300, ICR_HI: 0x310,
  LVT_TIMER: 0x320, LVT_THERMAL: 0x330, LVT_PERF: 0x340, LVT_LINT0: 0x350, LVT_LINT1: 0x360,
  LVT_ERROR: 0x370, TIMER_ICR: 0x380, TIMER_CCR: 0x390, TIMER_DCR: 0x3e0,
} as const;

const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];

export class Vcpu {
  readonly core: CoreExports;
  readonly base: number;
  /** Vector the 8259 hands out on INTA (0x100 = none). */
  intVector = 0x100;
  inta = 0;

  constructor(readonly smp: Smp, readonly index: number) {
    this.base = vcpuBase(index);
    this.core = instantiateCore(loadCoreModule(), smp.mem, index, {
      ioRead: () => 0xffffffff,
      ioWrite: () => {},
      mmioRead: (a) => { smp.mmio.push(a); return 0xffffffff; },
      mmioWrite: (a) => { smp.mmio.push(a); },
      // An 8259 with one request: INTA takes it, so the INTR line drops.
      intAck: () => { this.inta++; this.clear(PEND.INTR); return this.intVector; },
      timeNs: () => (smp.clock ? smp.clock() : smp.timeNs),
      apicMessage: (k, a, b) => { smp.messages.push([index, k, a, b]); smp.bus.coreMessage(k, a, b); },
    });
  }
  get dv(): DataView { return new DataView(this.smp.mem.buffer); }
  u32(off: number): number { return this.dv.getUint32(this.base + off, true); }
  setU32(off: number, v: number): void { this.dv.setUint32(this.base + off, v >>> 0, true); }
  reg(i: number): number { return this.u32(VCPU.gpr + i * 4); }
  setReg(i: number, v: number): void { this.setU32(VCPU.gpr + i * 4, v); }
  get eax(): number { return this.reg(0); }
  get eip(): number { return this.u32(VCPU.eip); }
  get halted(): number { return this.u32(VCPU.halted); }
  get pending(): number { return Atomics.load(new Int32Array(this.smp.mem.buffer), (this.base + VCPU.pending) >> 2); }
  clear(bits: number): void { Atomics.and(new Int32Array(this.smp.mem.buffer), (this.base + VCPU.pending) >> 2, ~bits); }
  post(bits: number): void { Atomics.or(new Int32Array(this.smp.mem.buffer), (this.base + VCPU.pending) >> 2, bits); }
  /** A LAPIC register straight from the state block. */
  lapic(off: number): number { return this.u32(VCPU.lapic + off); }
  /** Bit `v` of ISR/TMR/IRR. */
  vecBit(arr: number, v: number): boolean { return ((this.lapic(arr + ((v >> 5) << 4)) >>> (v & 31)) & 1) === 1; }
  get deadline(): number { return Number(this.dv.getBigInt64(this.base + VCPU.lapic_deadline_ns, true)); }

  /** Flat 32-bit protected mode at CPL 0 with the shared GDT/IDT, interrupts as given. */
  flat32(ifFlag = false): void {
    this.setU32(VCPU.cr0, 0x11);
    const segs = [[0x10, 0xc093], [0x08, 0xc09b], [0x10, 0xc093], [0x10, 0xc093], [0x10, 0xc093], [0x10, 0xc093]];
    segs.forEach(([sel, attr], s) => {
      this.setU32(VCPU.seg_sel + s * 4, sel); this.setU32(VCPU.seg_base + s * 4, 0);
      this.setU32(VCPU.seg_limit + s * 4, 0xffffffff); this.setU32(VCPU.seg_attr + s * 4, attr);
    });
    this.setU32(VCPU.gdt_base, GDT); this.setU32(VCPU.gdt_limit, 0x17);
    this.setU32(VCPU.idt_base, IDT); this.setU32(VCPU.idt_limit, 0x7ff);
    this.setU32(VCPU.cpl, 0);
    this.setU32(VCPU.eflags, ifFlag ? 0x202 : 2);
    this.setU32(VCPU.halted, 0);
    this.setReg(4, STACK_TOP + this.index * 0x1000);
    this.setU32(VCPU.eip, CODE + this.index * 0x1000);
    this.core.refresh();
  }
  /** Place code (nasm, 32-bit) at this vCPU's code address and point EIP at it. */
  code(src: string): void {
    const at = CODE + this.index * 0x1000;
    this.smp.write(at, assemble(src, 32, at));
    this.setU32(VCPU.eip, at);
    this.setU32(VCPU.halted, 0);
  }
  /** Run hand-assembled bytes once to their HLT (keeps EFLAGS and the rest of the state). */
  exec(bytes: number[]): void {
    const at = CODE + this.index * 0x1000 + 0x800;
    this.smp.write(at, [...bytes, 0xf4]);
    this.setU32(VCPU.eip, at);
    this.setU32(VCPU.halted, 0);
    expect(this.core.run(1000)).toBe(EXIT.HLT);
  }
  /** MOV EAX, [APIC + off] from the guest. */
  read(off: number, base = APIC): number {
    this.exec([0xa1, ...le32(base + off)]);
    return this.eax;
  }
  /** MOV [APIC + off], EAX from the guest. */
  write(off: number, v: number, base = APIC): void {
    this.exec([0xb8, ...le32(v), 0xa3, ...le32(base + off)]);
  }
  run(budget = 100_000): number { return this.core.run(budget); }
  /** Vectors this vCPU's handlers logged. */
  log(): number[] {
    const at = LOG + this.index * 0x100;
    const n = this.smp.read32(at);
    return Array.from(this.smp.u8.slice(RAM_BASE + at + 4, RAM_BASE + at + 4 + n));
  }
  clearLog(): void { this.smp.write32(LOG + this.index * 0x100, 0); }
}

export interface SmpOptions {
  /** Handlers write EOI before IRET (default true). */
  eoi?: boolean;
}

export class Smp {
  readonly mem: WebAssembly.Memory;
  readonly bus: LapicBus;
  readonly cpus: Vcpu[] = [];
  timeNs = 0;
  /** When set, the cores read the time from here instead of timeNs. */
  clock: (() => number) | null = null;
  /** [sender, kind, a, b] of every hostApicMessage. */
  readonly messages: [number, number, number, number][] = [];
  readonly eois: number[] = [];
  readonly mmio: number[] = [];

  constructor(n = 1, opts: SmpOptions = {}) {
    this.mem = createMemory(16 << 20);
    new DataView(this.mem.buffer).setUint32(SHARED.num_vcpus, n, true);
    this.bus = new LapicBus(this.mem, { eoi: (v) => this.eois.push(v) });
    for (let i = 0; i < n; i++) this.cpus.push(new Vcpu(this, i));
    this.tables(opts.eoi ?? true);
  }
  get u8(): Uint8Array { return new Uint8Array(this.mem.buffer); }
  get dv(): DataView { return new DataView(this.mem.buffer); }
  write(addr: number, bytes: ArrayLike<number>): void { this.u8.set(bytes, RAM_BASE + addr); }
  read32(addr: number): number { return this.dv.getUint32(RAM_BASE + addr, true); }
  write32(addr: number, v: number): void { this.dv.setUint32(RAM_BASE + addr, v >>> 0, true); }

  /** GDT (null, flat code 0x08, flat data 0x10), IDT gates to logging handlers. */
  private tables(eoi: boolean): void {
    this.write32(GDT, 0); this.write32(GDT + 4, 0);
    this.write32(GDT + 8, 0x0000ffff); this.write32(GDT + 12, 0x00cf9b00);
    this.write32(GDT + 16, 0x0000ffff); this.write32(GDT + 20, 0x00cf9300);
    for (let v = 0; v < 256; v++) {
      const h = HANDLERS + v * 64;
      this.write32(IDT + v * 8, (0x08 << 16) | (h & 0xffff));
      this.write32(IDT + v * 8 + 4, (h & 0xffff0000) | 0x8e00);
      // The log of the vCPU whose APIC ID is in [APIC+0x20] >> 24 (IDs = indices here).
      const code = [
        0x50, // push eax
        0xa1, ...le32(APIC + 0x20), // mov eax, [APIC ID]
        0xc1, 0xe8, 0x10, // shr eax, 16  -> ID << 8 = log offset
        0x52, // push edx
        0x8b, 0x90, ...le32(LOG), // mov edx, [eax + LOG]
        0xc6, 0x84, 0x02, ...le32(LOG + 4), v, // mov byte [edx + eax + LOG + 4], v
        0xff, 0x80, ...le32(LOG), // inc dword [eax + LOG]
        0x5a, 0x58, // pop edx, pop eax
      ];
      if (eoi && v >= 32) code.push(0xc7, 0x05, ...le32(APIC + 0xb0), 0, 0, 0, 0); // mov dword [EOI], 0
      code.push(0xcf); // iretd
      if (code.length > 64) throw new Error('handler too long');
      this.write(h, code);
    }
  }
}
