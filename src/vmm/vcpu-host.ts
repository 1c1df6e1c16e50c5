// Running a vCPU's core on the current thread, in slices (placement `s` for vCPU 0, and every
// vCPU in single-threaded runs). The worker variant (placement `d`) lives in src/worker/.
import { EXIT_NAMES, instantiateCore, vcpuBase, type CoreExports, type CoreHost, type CoreOptions } from './core-module.ts';
import { VCPU } from '../shared/layout.ts';

export const PEND = { INTR: 1, NMI: 2, INIT: 4, SIPI: 8, LAPIC: 16, TLB_FLUSH: 64, EXIT: 128 } as const;

export interface VcpuStats { instructions: number; exits: Record<string, number> }

/** Per-vCPU view of its state block and its pending-event word. */
export class VcpuBlock {
  readonly base: number;
  private readonly i32: Int32Array;
  constructor(readonly memory: WebAssembly.Memory, readonly index: number) {
    this.base = vcpuBase(index);
    this.i32 = new Int32Array(memory.buffer);
  }
  get dv(): DataView { return new DataView(this.memory.buffer); }
  u32(off: number): number { return this.dv.getUint32(this.base + off, true); }
  setU32(off: number, v: number): void { this.dv.setUint32(this.base + off, v >>> 0, true); }
  /** Set pending bits and wake the vCPU if it sleeps in HLT. */
  post(bits: number): void {
    const i = (this.base + VCPU.pending) >> 2;
    Atomics.or(this.i32, i, bits);
    Atomics.notify(this.i32, i);
  }
  clear(bits: number): void { Atomics.and(this.i32, (this.base + VCPU.pending) >> 2, ~bits); }
  pending(): number { return Atomics.load(this.i32, (this.base + VCPU.pending) >> 2); }
  instructions(): number { return Number(this.dv.getBigUint64(this.base + VCPU.instret, true)); }
  get eip(): number { return this.u32(VCPU.eip); }
  get eflags(): number { return this.u32(VCPU.eflags); }
  describe(): string {
    const r = (i: number) => this.u32(VCPU.gpr + i * 4).toString(16).padStart(8, '0');
    const seg = (i: number) => this.u32(VCPU.seg_sel + i * 4).toString(16).padStart(4, '0');
    return `vCPU ${this.index}: cs=${seg(1)} eip=${this.eip.toString(16).padStart(8, '0')} eflags=${this.eflags.toString(16)} ` +
      `eax=${r(0)} ecx=${r(1)} edx=${r(2)} ebx=${r(3)} esp=${r(4)} ebp=${r(5)} esi=${r(6)} edi=${r(7)} ` +
      `cr0=${this.u32(VCPU.cr0).toString(16)} cr3=${this.u32(VCPU.cr3).toString(16)} cpl=${this.u32(VCPU.cpl)}`;
  }
}

/** A vCPU whose core runs on this thread. */
export class LocalVcpu {
  readonly block: VcpuBlock;
  readonly core: CoreExports;
  readonly exits: Record<string, number> = {};

  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, index: number, host: CoreHost, opts: CoreOptions = {}) {
    this.core = instantiateCore(module, memory, index, host, opts);
    this.block = new VcpuBlock(memory, index);
  }
  /** Run one slice; returns the exit reason. */
  run(budget: number): number {
    const r = this.core.run(budget);
    const name = EXIT_NAMES[r] ?? `exit${r}`;
    this.exits[name] = (this.exits[name] ?? 0) + 1;
    return r;
  }
  /** Halted with interrupts disabled and no NMI, INIT or SIPI on its way: nothing can wake it. */
  deadHalt(): boolean {
    return (this.block.eflags & 0x200) === 0 && (this.block.pending() & (PEND.NMI | PEND.INIT | PEND.SIPI)) === 0;
  }
}
