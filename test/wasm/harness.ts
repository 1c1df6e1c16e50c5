// Test harness for the CPU core: one vCPU over a small shared memory, with recording host calls.
import { createMemory, instantiateCore, vcpuBase, type CoreExports, type CoreHost, EXIT } from '../../src/vmm/core-module.ts';
import { loadCoreModule } from '../../src/vmm/core-module-node.ts';
import { RAM_BASE, VCPU, SHARED } from '../../src/shared/layout.ts';

export const REG = { eax: 0, ecx: 1, edx: 2, ebx: 3, esp: 4, ebp: 5, esi: 6, edi: 7 } as const;
export type RegName = keyof typeof REG;
export const SEG = { es: 0, cs: 1, ss: 2, ds: 3, fs: 4, gs: 5, ldtr: 6, tr: 7 } as const;
export type SegName = keyof typeof SEG;
export { EXIT };

export interface IoLog { dir: 'in' | 'out'; port: number; size: number; value: number }

export class CoreHarness {
  readonly mem: WebAssembly.Memory;
  readonly core: CoreExports;
  readonly base: number;
  readonly io: IoLog[] = [];
  /** Port reads answer from here (default all-ones). */
  portValues = new Map<number, number>();
  /** Vector the PIC hands out on INTA. */
  intVector = 0x20;
  timeNs = 0;
  /** FERR# levels the core signalled, in order. */
  readonly ferr: number[] = [];
  /** IGNNE# as answered to FERR# (when no hook answers). */
  ignne = 0;
  /** Host calls a test wants to handle itself (e.g. with a real motherboard). */
  hooks: Partial<CoreHost> = {};

  constructor(ramBytes = 16 << 20) {
    this.mem = createMemory(ramBytes);
    const host: CoreHost = {
      ioRead: (port, size) => {
        const v = this.hooks.ioRead?.(port, size) ?? this.portValues.get(port) ?? (size === 1 ? 0xff : size === 2 ? 0xffff : 0xffffffff);
        this.io.push({ dir: 'in', port, size, value: v });
        return v;
      },
      ioWrite: (port, size, value) => { this.io.push({ dir: 'out', port, size, value }); this.hooks.ioWrite?.(port, size, value); },
      mmioRead: (_a, size) => (size === 1 ? 0xff : size === 2 ? 0xffff : 0xffffffff),
      mmioWrite: () => {},
      intAck: () => this.hooks.intAck?.() ?? this.intVector,
      timeNs: () => this.timeNs,
      apicMessage: () => {},
      fpuError: (level) => { this.ferr.push(level); return this.hooks.fpuError?.(level) ?? this.ignne; },
    };
    this.core = instantiateCore(loadCoreModule(), this.mem, 0, host);
    this.base = vcpuBase(0);
  }
  get dv(): DataView { return new DataView(this.mem.buffer); }
  get u8(): Uint8Array { return new Uint8Array(this.mem.buffer); }

  u32(off: number): number { return this.dv.getUint32(this.base + off, true); }
  setU32(off: number, v: number): void { this.dv.setUint32(this.base + off, v >>> 0, true); }
  reg(r: RegName): number { return this.u32(VCPU.gpr + REG[r] * 4); }
  setReg(r: RegName, v: number): void { this.setU32(VCPU.gpr + REG[r] * 4, v); }
  get eip(): number { return this.u32(VCPU.eip); }
  set eip(v: number) { this.setU32(VCPU.eip, v); }
  get eflags(): number { return this.u32(VCPU.eflags); }
  /** Set EFLAGS; call refresh() (or a setup function) before running. */
  set eflags(v: number) { this.setU32(VCPU.eflags, v); }
  field(name: keyof typeof VCPU, index = 0): number { return this.u32(VCPU[name] + index * 4); }
  setField(name: keyof typeof VCPU, v: number, index = 0): void { this.setU32(VCPU[name] + index * 4, v); }
  seg(s: SegName): { sel: number; base: number; limit: number; attr: number } {
    const i = SEG[s];
    return { sel: this.field('seg_sel', i), base: this.field('seg_base', i), limit: this.field('seg_limit', i), attr: this.field('seg_attr', i) };
  }
  setSeg(s: SegName, sel: number, base: number, limit: number, attr: number): void {
    const i = SEG[s];
    this.setField('seg_sel', sel, i); this.setField('seg_base', base, i);
    this.setField('seg_limit', limit, i); this.setField('seg_attr', attr, i);
  }

  /** Guest-physical RAM access. */
  write(addr: number, bytes: ArrayLike<number>): void { this.u8.set(bytes as ArrayLike<number>, RAM_BASE + addr); }
  read(addr: number, len: number): Uint8Array { return this.u8.slice(RAM_BASE + addr, RAM_BASE + addr + len); }
  read32(addr: number): number { return this.dv.getUint32(RAM_BASE + addr, true); }
  write32(addr: number, v: number): void { this.dv.setUint32(RAM_BASE + addr, v >>> 0, true); }
  setA20(enabled: boolean): void { this.dv.setUint32(SHARED.a20_mask, enabled ? 0xffffffff : 0xffefffff, true); }

  /** Flat 32-bit protected mode at CPL 0 (CS 0x08, data 0x10), no paging, interrupts off. */
  flat32(): void {
    this.setField('cr0', 0x11);
    this.setSeg('cs', 0x08, 0, 0xffffffff, 0xc09b);
    for (const s of ['ds', 'es', 'ss', 'fs', 'gs'] as const) this.setSeg(s, 0x10, 0, 0xffffffff, 0xc093);
    this.setField('cpl', 0);
    this.eflags = 2;
    this.core.refresh();
  }
  /** Real mode with CS:IP = cs:ip and all data segments = ds. */
  real(cs: number, ip: number, ds = 0): void {
    this.setField('cr0', 0x60000010);
    this.setSeg('cs', cs, cs << 4, 0xffff, 0x9b);
    for (const s of ['ds', 'es', 'ss', 'fs', 'gs'] as const) this.setSeg(s, ds, ds << 4, 0xffff, 0x93);
    this.setField('cpl', 0);
    this.eip = ip;
    this.eflags = 2;
    this.core.refresh();
  }
  /** Run until HLT or another exit (or the budget ends). */
  run(budget = 1_000_000): number { return this.core.run(budget); }
  refresh(): void { this.core.refresh(); }
}
