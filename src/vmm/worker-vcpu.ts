// A vCPU in its own worker (placement `d`, and vCPUs 1..N-1 in `s`). The worker runs the core;
// this side serves its exit mailbox (mailbox.ts) and drives it through the control plane
// (comlink, vcpu-control.ts): start, pause, resume, stop, stats, snapshot — at slice edges only.
// A worker that throws, exits, fails to load or stops answering is reported once through
// events.died; every control call then fails instead of waiting forever.
import * as Comlink from 'comlink';
import { PEND, VcpuBlock } from './vcpu-host.ts';
import { MailboxServer } from './mailbox.ts';
import { VCPU } from '../shared/layout.ts';
import { jitDefault, type CoreHost } from './core-module.ts';
import {
  oneLine, type CrashMode, type RunEnd, type ThreadFactory, type VcpuControl, type VcpuSnapshot, type WorkerStats,
} from './vcpu-control.ts';

export type { ThreadFactory, VcpuThread } from './vcpu-control.ts';

export interface WorkerEvents {
  /** The vCPU shut down (triple fault); its worker is paused. */
  shutdown(v: WorkerVcpu): void;
  /** The worker died; `why` is one line. Called at most once. */
  died(v: WorkerVcpu, why: string): void;
  /** A host handler threw while serving the mailbox (the request was answered with all-ones). */
  fault?(v: WorkerVcpu, e: unknown): void;
}

/** The heartbeat asks for stats this often; a worker that misses this many answers is dead. */
const HEARTBEAT_MS = 1000;
const HEARTBEAT_MISSES = 30;
/** How long stop() waits for a live worker to reach a slice edge before it terminates it. */
const STOP_WAIT_MS = 2000;

export class WorkerVcpu {
  readonly block: VcpuBlock;
  readonly mailbox: MailboxServer;
  /** The worker's counters as last reported (heartbeat, stats(), and at stop). */
  lastStats: WorkerStats | undefined;
  /** Longest HLT sleep without a LAPIC deadline (VcpuInit.hltMaxMs); set before start(). */
  hltMaxMs: number | undefined;
  /** Implementation-specific behaviour (VcpuInit.vendor); set before start(). */
  vendor: number | undefined;
  private readonly i32: Int32Array;
  private thread?: { terminate(): Promise<void> };
  private remote?: Comlink.Remote<VcpuControl>;
  private running: Promise<RunEnd> | null = null;
  private deadWhy: string | null = null;
  private stopping = false;
  private readonly death: Promise<never>;
  private kill!: (why: string) => void;
  private heartbeat?: ReturnType<typeof setInterval>;
  private missed = 0;
  private pinging = false;

  constructor(readonly index: number, readonly memory: WebAssembly.Memory, host: CoreHost, private readonly events: WorkerEvents) {
    this.block = new VcpuBlock(memory, index);
    this.i32 = new Int32Array(memory.buffer);
    this.mailbox = new MailboxServer(this.i32, (this.block.base + VCPU.mailbox) >> 2, host, (e) => events.fault?.(this, e));
    this.death = new Promise<never>((_, reject) => { this.kill = (why) => reject(new Error(why)); });
    this.death.catch(() => {});
  }

  /** Mailbox exits served, by kind. */
  get exits(): Record<string, number> { return this.mailbox.counts; }
  /** Why the worker died, or null. */
  get dead(): string | null { return this.deadWhy; }
  get isRunning(): boolean { return this.running !== null; }

  /** Start the worker on the vCPU's current state (set up by the host beforehand) and run it. */
  async start(factory: ThreadFactory, module: WebAssembly.Module, clockOffsetNs: number): Promise<void> {
    Atomics.store(this.i32, this.pauseIdx, 0);
    Atomics.store(this.i32, this.mailbox.at, 0);
    const t = factory(this.index);
    this.thread = t;
    t.onDeath((why) => this.fail(why));
    this.remote = Comlink.wrap<VcpuControl>(t.endpoint);
    this.mailbox.start();
    try {
      await this.control(this.remote.init({
        module, memory: this.memory, index: this.index, base: this.block.base,
        off: { mailbox: VCPU.mailbox, pending: VCPU.pending, pause: VCPU.pause,
          lapic_deadline_ns: VCPU.lapic_deadline_ns, tlb_tag: VCPU.tlb_tag,
          jit_queue: VCPU.jit_queue, tlb_add: VCPU.tlb_add, tlb_phys: VCPU.tlb_phys },
        jit: jitDefault(),
        pendExit: PEND.EXIT,
        clockOffsetNs, mainTimeOrigin: performance.timeOrigin, hltMaxMs: this.hltMaxMs, vendor: this.vendor,
      }));
    } catch (e) {
      this.fail(`failed to start: ${oneLine(e)}`);
      throw new Error(this.deadWhy!);
    }
    this.resume();
    this.startHeartbeat();
  }

  /** Run from the current state (after start or pause). */
  resume(): void {
    if (this.running || this.deadWhy || this.stopping || !this.remote) return;
    Atomics.store(this.i32, this.pauseIdx, 0);
    const run = this.control(this.remote.run());
    this.running = run;
    run.then((end) => {
      if (this.running === run) this.running = null;
      if (end === 'shutdown') this.events.shutdown(this);
    }, (e: unknown) => {
      if (this.running === run) this.running = null;
      this.fail(`it threw: ${oneLine(e)}`);
    });
  }

  /** Stop the vCPU at its next slice edge (waking it from HLT); resolves once run() has returned. */
  async pause(): Promise<void> {
    const run = this.running;
    Atomics.store(this.i32, this.pauseIdx, 1);
    this.block.post(PEND.EXIT);
    if (run) await run.catch(() => {});
  }

  /** The worker's counters (answered at a slice edge). */
  async stats(): Promise<WorkerStats> {
    if (!this.remote) throw new Error(`vCPU ${this.index}: not started`);
    const s = await this.control(this.remote.stats());
    this.lastStats = s;
    return s;
  }

  /** The vCPU's architectural state, copied by the worker while paused; a running vCPU resumes after. */
  async snapshot(): Promise<VcpuSnapshot> {
    if (!this.remote) throw new Error(`vCPU ${this.index}: not started`);
    const wasRunning = this.running !== null;
    await this.pause();
    try {
      return await this.control(this.remote.snapshot());
    } finally {
      if (wasRunning) this.resume();
    }
  }

  /** Debug: make the worker die (see CrashMode); the death is reported like any other. */
  crash(how: CrashMode): void {
    void this.remote?.crash(how).catch(() => {});
  }

  /** Pause, collect the last stats, end the thread and the mailbox server. Never hangs. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.stopHeartbeat();
    if (!this.deadWhy && this.remote) {
      const timeout = new Promise<void>((r) => setTimeout(r, STOP_WAIT_MS));
      await Promise.race([this.pause().then(() => this.stats()).then(() => this.remote![Comlink.releaseProxy]()), timeout])
        .catch(() => {});
    }
    await this.thread?.terminate();
    await this.mailbox.stop();
  }

  /** A control call that fails (instead of waiting forever) when the worker dies. */
  private control<T>(p: Promise<T>): Promise<T> {
    return Promise.race([p, this.death]);
  }

  private fail(why: string): void {
    if (this.deadWhy || this.stopping) return;
    this.deadWhy = why;
    this.stopHeartbeat();
    this.kill(why);
    this.events.died(this, why);
  }

  private startHeartbeat(): void {
    this.heartbeat = setInterval(() => {
      if (this.pinging) {
        if (++this.missed >= HEARTBEAT_MISSES) this.fail(`it stopped answering (no reply to a control call for ${HEARTBEAT_MISSES} s)`);
        return;
      }
      this.pinging = true;
      this.stats().then(() => { this.pinging = false; this.missed = 0; }, () => {});
    }, HEARTBEAT_MS);
    (this.heartbeat as { unref?: () => void }).unref?.();
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  private get pauseIdx(): number { return (this.block.base + VCPU.pause) >> 2; }
}
