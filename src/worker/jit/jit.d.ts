// Types for jit.js (plain JavaScript, shared by the vCPU worker and the VMM).
export declare const JIT_TABLE_SIZE: number;
/** Executions of a trace before the core queues it for compilation (the core's jit(hot)). */
export declare const JIT_HOT: number;
/** Offsets in the vCPU block (src/shared/layout.ts's VCPU): the queue and the TLB. */
export interface JitLayout { jitQueue: number; tlbAdd: number; tlbEntries: number; /** the pending word */ pending: number }
export interface JitStats { compiled: number; modules: number; generic: number; entries: number; evicted: number; /** Traces of generic entries only, left to replay. */ skipped: number; /** Traces that loop on themselves inside their function. */ loops: number; /** Milliseconds spent generating, compiling and instantiating. */ ms: number }
/** The function table a core instance imports as env.table (empty; filled with compiled traces). */
export declare function coreTable(): WebAssembly.Table;
export declare class Jit {
  constructor(table: WebAssembly.Table, memory: WebAssembly.Memory, exports: Record<string, unknown>, base: number, layout: JitLayout);
  readonly stats: JitStats;
  /** The instance moved to another state block (its compiled traces were forgotten by the core). */
  rebase(base: number): void;
  /** Compile what the core queued since the last call. Cheap when nothing is queued. */
  service(): void;
}
