// A vCPU in its own worker (placement `d`, and vCPUs 1..N-1 in `s`). The worker runs the core;
// this side serves its mailbox with Atomics.waitAsync and never blocks the VMM's thread.
import { VcpuBlock } from './vcpu-host.ts';
import { VCPU } from '../shared/layout.ts';
import type { CoreHost } from './core-module.ts';

/** The little a worker must offer; Node's worker_threads and Web Workers are both adapted to it. */
export interface VcpuThread {
  postMessage(m: unknown): void;
  onMessage(fn: (m: WorkerReport) => void): void;
  onError(fn: (message: string) => void): void;
  terminate(): void;
}
export type WorkerReport =
  | { type: 'ready' } | { type: 'stopped' } | { type: 'shutdown' } | { type: 'error'; message: string };
export type ThreadFactory = (index: number) => VcpuThread;

const KIND = { IO_READ: 1, IO_WRITE: 2, MMIO_READ: 3, MMIO_WRITE: 4, INTA: 5, APIC: 6 } as const;

export class WorkerVcpu {
  readonly block: VcpuBlock;
  readonly exits: Record<string, number> = { io: 0, mmio: 0, inta: 0, apic: 0 };
  private readonly i32: Int32Array;
  private readonly mbox: number;
  private thread?: VcpuThread;
  private serving = false;
  private stoppedResolve?: () => void;
  readonly stopped: Promise<void>;

  constructor(readonly index: number, readonly memory: WebAssembly.Memory, private readonly host: CoreHost,
    private readonly events: { shutdown(v: WorkerVcpu): void; died(v: WorkerVcpu, why: string): void }) {
    this.block = new VcpuBlock(memory, index);
    this.i32 = new Int32Array(memory.buffer);
    this.mbox = (this.block.base + VCPU.mailbox) >> 2;
    this.stopped = new Promise((r) => { this.stoppedResolve = r; });
  }

  /** Start the worker on the vCPU's current state (set up by the host beforehand). */
  start(factory: ThreadFactory, module: WebAssembly.Module, clockOffsetNs: number): Promise<void> {
    Atomics.store(this.i32, (this.block.base + VCPU.pause) >> 2, 0);
    Atomics.store(this.i32, this.mbox, 0);
    const t = factory(this.index);
    this.thread = t;
    const ready = new Promise<void>((resolve, reject) => {
      t.onMessage((m) => {
        if (m.type === 'ready') resolve();
        else if (m.type === 'stopped') this.finished();
        else if (m.type === 'shutdown') { this.finished(); this.events.shutdown(this); }
        else if (m.type === 'error') { reject(new Error(m.message)); this.finished(); this.events.died(this, m.message); }
      });
      t.onError((why) => { reject(new Error(why)); this.finished(); this.events.died(this, why); });
    });
    t.postMessage({
      type: 'init', module, memory: this.memory, index: this.index, base: this.block.base,
      off: { mailbox: VCPU.mailbox, pending: VCPU.pending, pause: VCPU.pause, halted: VCPU.halted,
        lapic_deadline_ns: VCPU.lapic_deadline_ns },
      clockOffsetNs, mainTimeOrigin: performance.timeOrigin,
    });
    this.serving = true;
    void this.serve();
    return ready;
  }

  private finished(): void {
    this.serving = false;
    this.stoppedResolve?.();
  }

  /** Answer mailbox requests until the worker stops. */
  private async serve(): Promise<void> {
    const i32 = this.i32;
    const m = this.mbox;
    while (this.serving) {
      const s = Atomics.load(i32, m);
      if (s === 1) {
        this.answer();
        Atomics.store(i32, m, 2);
        Atomics.notify(i32, m);
        continue;
      }
      const w = Atomics.waitAsync(i32, m, s, 200);
      if (w.async) await w.value;
    }
  }

  private answer(): void {
    const i32 = this.i32;
    const m = this.mbox;
    const kind = i32[m + 1];
    const a = i32[m + 2] >>> 0;
    const b = i32[m + 3];
    const c = i32[m + 4] >>> 0;
    const h = this.host;
    let r = 0;
    switch (kind) {
      case KIND.IO_READ: r = h.ioRead(a, b); this.exits.io++; break;
      case KIND.IO_WRITE: h.ioWrite(a, b, c); this.exits.io++; break;
      case KIND.MMIO_READ: r = h.mmioRead(a, b); this.exits.mmio++; break;
      case KIND.MMIO_WRITE: h.mmioWrite(a, b, c); this.exits.mmio++; break;
      case KIND.INTA: r = h.intAck(); this.exits.inta++; break;
      case KIND.APIC: h.apicMessage(a, b >>> 0, c); this.exits.apic++; break;
      default: break;
    }
    i32[m + 4] = r | 0;
  }

  /** Ask the worker to stop at its next slice edge (or wake it from HLT to do so). */
  requestStop(): void {
    Atomics.store(this.i32, (this.block.base + VCPU.pause) >> 2, 1);
    this.block.post(0);
    Atomics.notify(this.i32, (this.block.base + VCPU.pending) >> 2);
  }

  terminate(): void {
    this.serving = false;
    this.thread?.terminate();
    this.stoppedResolve?.();
  }
}
