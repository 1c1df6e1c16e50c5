// Loading the CPU core (wasm/build/core.wasm) and binding one instance per vCPU to the shared
// memory. No DOM and no Node imports here: the caller supplies the module bytes.
import { LAYOUT_HASH, RAM_BASE, VCPU_BASE, VCPU_BLOCK_SIZE, MAX_VCPUS, SHARED, VCPU } from '../shared/layout.ts';
import { Jit, coreTable, JIT_HOT } from '../worker/jit/jit.js';

/** What the core calls on its host (see wasm/core/host.ts). */
export interface CoreHost {
  ioRead(port: number, size: number): number;
  ioWrite(port: number, size: number, value: number): void;
  mmioRead(addr: number, size: number): number;
  mmioWrite(addr: number, size: number, value: number): void;
  intAck(): number;
  timeNs(): number;
  apicMessage(kind: number, a: number, b: number): void;
  /** FERR# of this vCPU (1 asserted, 0 released); returns IGNNE# (0/1). Absent: IGNNE# low. */
  fpuError?(level: number): number;
}

export interface CoreExports {
  init(base: number): void;
  reset(): void;
  refresh(): void;
  run(budget: number): number;
  flags(): number;
  cpuidFeatures(): number;
  attach(base: number): void;
  /** The trace cache on (1, the default) or off (0): for tests and A/B measurements. */
  traces(on: number): void;
  /** Vendor-specific behaviour (wasm/core/vendor.ts): 0 AMD (the default), 1 Intel. */
  setVendor(v: number): void;
  /** The trace compiler (src/worker/jit/) off (0) or on, compiling a trace after `hot` executions (1..254). */
  jit(hot: number): void;
  LAYOUT_HASH: WebAssembly.Global;
  /** The trace compiler of this instance (statistics), if on. */
  compiler?: Jit;
}

export interface CoreOptions {
  /** Compile traces to wasm after this many executions, 0 = never (default: jitDefault()). */
  jit?: number;
  /** Implementation-specific behaviour (wasm/core/vendor.ts): 0 AMD, 1 Intel (default: the core's, AMD). */
  vendor?: number;
}

/** Where the trace compiler finds its queue and the TLB in a vCPU block. */
export function jitLayout(): { jitQueue: number; tlbAdd: number; tlbEntries: number; pending: number } {
  return { jitQueue: VCPU.jit_queue, tlbAdd: VCPU.tlb_add, tlbEntries: (VCPU.tlb_phys - VCPU.tlb_add) / 4, pending: VCPU.pending };
}

/** The trace compiler's threshold: JIT_HOT, or SEOULWEB_JIT in Node's environment (0 = off; A/B runs). */
export function jitDefault(): number {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const v = env?.SEOULWEB_JIT;
  return v !== undefined && /^\d+$/.test(v) ? Math.min(Number(v), 65534) : JIT_HOT;
}

export const EXIT = { BUDGET: 0, HLT: 1, SHUTDOWN: 2, PAUSE: 3, RESET: 4, DEBUG: 5, WAIT_SIPI: 6, SPIN: 7 } as const;
export const EXIT_NAMES = ['budget', 'hlt', 'shutdown', 'pause', 'reset', 'debug', 'wait-sipi', 'spin'];

/** Pages of 64 KiB for a machine with `ramBytes` of RAM. */
export function memoryPages(ramBytes: number): number {
  return Math.ceil((RAM_BASE + ramBytes) / 65536);
}

/** The shared memory of a machine (guest RAM after the fixed areas). */
export function createMemory(ramBytes: number): WebAssembly.Memory {
  const pages = memoryPages(ramBytes);
  const mem = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  const dv = new DataView(mem.buffer);
  dv.setUint32(SHARED.ram_size, ramBytes, true);
  dv.setUint32(SHARED.a20_mask, 0xffffffff, true);
  dv.setUint32(SHARED.clock_hz, 1_000_000_000, true);
  return mem;
}

export function vcpuBase(index: number): number {
  if (index < 0 || index >= MAX_VCPUS) throw new Error(`vCPU index ${index} out of range 0..${MAX_VCPUS - 1}`);
  return VCPU_BASE + index * VCPU_BLOCK_SIZE;
}

/** Instantiate the core for vCPU `index` and put it in its power-on state. */
export function instantiateCore(module: WebAssembly.Module, memory: WebAssembly.Memory, index: number, host: CoreHost, opts: CoreOptions = {}): CoreExports {
  // The function table: empty for the core itself, filled by the trace compiler.
  const table = coreTable();
  const env = {
    memory,
    table,
    ioRead: (p: number, s: number) => host.ioRead(p, s) >>> 0,
    ioWrite: (p: number, s: number, v: number) => host.ioWrite(p, s, v >>> 0),
    mmioRead: (a: number, s: number) => host.mmioRead(a >>> 0, s) >>> 0,
    mmioWrite: (a: number, s: number, v: number) => host.mmioWrite(a >>> 0, s, v >>> 0),
    intAck: () => host.intAck(),
    timeNs: () => host.timeNs(),
    apicMessage: (k: number, a: number, b: number) => host.apicMessage(k, a >>> 0, b >>> 0),
    fpuError: (level: number) => (host.fpuError ? host.fpuError(level) : 0),
  };
  const inst = new WebAssembly.Instance(module, { env });
  const raw = inst.exports as unknown as CoreExports & Record<string, unknown>;
  const ex: CoreExports = { ...raw };
  const hash = ex.LAYOUT_HASH.value >>> 0;
  if (hash !== LAYOUT_HASH) throw new Error(`core.wasm layout ${hash} does not match src/shared/layout.ts ${LAYOUT_HASH}: rebuild with npm run build:wasm`);
  const base = vcpuBase(index);
  const dv = new DataView(memory.buffer);
  dv.setUint32(base + VCPU.cpu_index, index, true);
  dv.setUint32(base + VCPU.apic_id, index, true);
  ex.init(base);
  if (opts.vendor !== undefined) ex.setVendor(opts.vendor);
  const hot = opts.jit ?? jitDefault();
  if (hot > 0) {
    const jit = new Jit(table, memory, raw, base, jitLayout());
    ex.compiler = jit;
    ex.run = (budget: number) => { const r = raw.run(budget); jit.service(); return r; };
    ex.attach = (b: number) => { raw.attach(b); jit.rebase(b); };
    ex.init = (b: number) => { raw.init(b); jit.rebase(b); };
    raw.jit(hot);
  }
  return ex;
}
