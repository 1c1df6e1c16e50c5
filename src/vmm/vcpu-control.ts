// The control plane between the VMM and a vCPU worker: what src/worker/vcpu.worker.js exposes
// through comlink, and the little a thread must offer (Node's worker_threads and Web Workers are
// both adapted to it: src/vmm/threads-node.ts, src/ui/threads-web.ts). Used only at slice edges;
// the data plane (mailbox, pending words, pause word) is shared memory and Atomics.
import type { Endpoint } from 'comlink';

/** Everything a worker needs to run its vCPU; sent once with init(). */
export interface VcpuInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  index: number;
  /** The vCPU's state block and the offsets the worker touches (from src/shared/layout.ts). */
  base: number;
  off: { mailbox: number; pending: number; pause: number; lapic_deadline_ns: number; tlb_tag: number; jit_queue: number; tlb_add: number; tlb_phys: number };
  /** Compile traces after this many executions (jit/jit.js), 0 = never; default JIT_HOT. */
  jit?: number;
  /** The pending bit that makes run() return at the next instruction (PEND.EXIT). */
  pendExit: number;
  /** The common clock: the VMM thread's clock = its performance.now() in ns + this. */
  clockOffsetNs: number;
  mainTimeOrigin: number;
  /** Longest HLT sleep when no LAPIC deadline is armed (default 100 ms; tests lengthen it). */
  hltMaxMs?: number;
  /** Implementation-specific behaviour (wasm/core/vendor.ts): 0 AMD, 1 Intel; default the core's. */
  vendor?: number;
}

/** Why run() returned: the pause word was set, or the vCPU shut down (triple fault). */
export type RunEnd = 'paused' | 'shutdown';

/** Counters kept by the worker (the VMM counts mailbox exits itself). */
import type { JitStats } from '../worker/jit/jit.js';

export interface WorkerStats {
  /** run() slices executed. */
  slices: number;
  /** HLT exits, and how the sleep after each one ended: the pending word changed (a notify), or the timeout. */
  halts: number;
  woken: number;
  timedOut: number;
  /** Milliseconds inside core.run() and asleep in HLT. */
  runMs: number;
  haltMs: number;
  /** Spin exits (the guest ran a PAUSE loop) and milliseconds slept after them. */
  spins: number;
  spinMs: number;
  /** Turns given to the worker's event loop (where control calls are served). */
  yields: number;
  running: boolean;
  /** The trace compiler's counters (absent when it is off). */
  jit?: JitStats;
}

/** The vCPU's architectural state (its block up to the TLB), copied by the worker at a slice edge. */
export interface VcpuSnapshot {
  index: number;
  state: Uint8Array;
  stats: WorkerStats;
}

/**
 * How a debug crash kills the worker (tests, the CLI's --debug-crash-vcpu, the page's
 * seoulweb.machine.debugCrash): 'throw' an uncaught error in the worker, 'reject' = run() fails
 * at its next slice edge (as on a trap in the core), 'exit' = the thread ends itself.
 */
export type CrashMode = 'throw' | 'reject' | 'exit';

/** The worker's API (src/worker/vcpu.worker.js), called through comlink. */
export interface VcpuControl {
  init(c: VcpuInit): Promise<void>;
  /** Run the vCPU until the pause word is set or it shuts down. Serves control calls at slice edges. */
  run(): Promise<RunEnd>;
  stats(): WorkerStats;
  /** Only while not running (throws otherwise). */
  snapshot(): VcpuSnapshot;
  /** Debug: kill the worker (see CrashMode). */
  crash(how: CrashMode): void;
}

/** A started worker thread. */
export interface VcpuThread {
  /** For comlink (Comlink.wrap). */
  readonly endpoint: Endpoint;
  /** Called once if the thread dies on its own: an uncaught error, a failed load, an exit. */
  onDeath(fn: (why: string) => void): void;
  /** End the thread; resolves once it has gone. Not reported as a death. */
  terminate(): Promise<void>;
}
export type ThreadFactory = (index: number) => VcpuThread;

/** One line for an error: its message (and where, if known), never a multi-line stack. */
export function oneLine(e: unknown): string {
  const text = e instanceof Error ? `${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message}` : String(e);
  return text.split('\n')[0].trim() || 'unknown error';
}
