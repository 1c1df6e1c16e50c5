// A running PC: shared memory, motherboard, boot images, vCPUs, and the loop that drives them.
// DOM-free; the CLI (Node) and the page (browser) both build on it.
import { createMemory, EXIT, type CoreHost } from './core-module.ts';
import { LocalVcpu, PEND } from './vcpu-host.ts';
import { WorkerVcpu, type ThreadFactory } from './worker-vcpu.ts';
import type { CrashMode, WorkerStats } from './vcpu-control.ts';
import { LapicBus, lapicDeadlineNs } from './lapic-bus.ts';
import { Motherboard, MachineLog } from './motherboard.ts';
import { RealClock } from './clock.ts';
import { resolveMachine } from './machines.ts';
import { setupBoot, applyBootState, type BootSpec } from './boot-setup.ts';
import { SHARED, VCPU } from '../shared/layout.ts';
import { SliceBudget } from './slice-budget.ts';
import type { CpuMessage, SystemMessage } from './messages.ts';
import type { Uart16550 } from '../devices/uart16550.ts';
import { dumpVcpus } from './debug-dump.ts';
import type { JitStats } from '../worker/jit/jit.js';

export interface MachineOptions {
  ramMiB: number;
  cpus: number;
  placement: 's' | 'd';
  /** Device config string or preset name (machines.ts). */
  machine: string;
  boot: BootSpec;
  /** A guest reset ends the run (status 0) instead of rebooting. */
  noReboot?: boolean;
  /** Extra device words appended to the machine (debugcon, debugexit). */
  extraDevices?: string;
  /**
   * Whose implementation-specific behaviour the vCPUs reproduce where Intel and AMD processors
   * differ (wasm/core/vendor.ts: the x87 transcendentals' last bits, PUSH/POP Sreg, RETF's CS
   * slot, BOUND). Default 'intel', as CPUID says GenuineIntel; CPUID does not change with it.
   */
  flavour?: Flavour;
}

export type Flavour = 'intel' | 'amd';
/** The core's number for each flavour (wasm/core/vendor.ts). */
export const FLAVOURS: Record<Flavour, number> = { amd: 0, intel: 1 };

export interface MachineHooks {
  /** Creates vCPU threads (placement d, and vCPUs 1..N-1 in s); without it every vCPU runs here. */
  threads?: ThreadFactory;
  console?(bytes: Uint8Array): void;
  debugcon?(port: number, byte: number): void;
  log?(line: string): void;
  /** The run ended: status as the CLI reports it, and why. */
  exit?(status: number, reason: string): void;
  /**
   * Host time in ms for the machine's clock (default performance.now()). Tests drive a machine
   * on virtual time with it; vCPUs in workers read their own host clock and ignore it.
   */
  hostNowMs?: () => number;
}

export interface MachineStats {
  /** thread: a worker's own counters as last reported (heartbeat, and at its stop). */
  /** jit: the trace compiler's counters (this thread's or the worker's). */
  vcpus: { instructions: number; exits: Record<string, number>; thread?: WorkerStats; jit?: JitStats }[];
  seconds: number;
}

const SLICE_MS = 8;
/** Sleep after a local vCPU's spin exit: the first one, and the longest while it keeps spinning. */
export const SPIN_SLEEP_MIN_MS = 0.05;
export const SPIN_SLEEP_MAX_MS = 1;
const MAX_RAM_MIB = 3072;

export class Machine {
  readonly memory: WebAssembly.Memory;
  readonly mb: Motherboard;
  /** One core instance per vCPU on this thread: runs it (local vCPUs) or only resets it (workers). */
  readonly vcpus: LocalVcpu[] = [];
  /** vCPUs that run in workers, by index (undefined: runs on this thread). */
  readonly workers: (WorkerVcpu | undefined)[] = [];
  readonly ramBytes: number;
  /** The APIC bus: IOAPIC messages and IPIs to the local APICs in the vCPUs' blocks. */
  readonly apic: LapicBus;
  private running = false;
  private resetPending = false;
  /** Each local vCPU's pending word when it last halted. */
  private readonly haltPending: number[] = [];
  private wake: (() => void) | null = null;
  private a20Sources = new Map<string, boolean>();
  private startMs = 0;
  private uart?: Uart16550;
  private rxQueue: Uint8Array[] = [];
  private status: { code: number; reason: string } | null = null;
  /** Local vCPUs run until the next device timer is due (slice-budget.ts). */
  private readonly budget = new SliceBudget();
  /** The local vCPU inside run() and the clock time its slice is expected to end. */
  private runningLocal: LocalVcpu | null = null;
  private sliceEndNs = 0;
  /** The core's vendor flavour (FLAVOURS[opts.flavour]). */
  private readonly vendor: number;
  /** Spin exits of local vCPUs in a row (sleepAfterSpin backs off with it). */
  private spinRun = 0;

  constructor(readonly module: WebAssembly.Module, readonly opts: MachineOptions, readonly hooks: MachineHooks = {}) {
    if (!Number.isInteger(opts.ramMiB) || opts.ramMiB < 2 || opts.ramMiB > MAX_RAM_MIB) {
      throw new Error(`memory: ${opts.ramMiB} MiB is not possible (2..${MAX_RAM_MIB} MiB)`);
    }
    if (!Number.isInteger(opts.cpus) || opts.cpus < 1 || opts.cpus > 8) throw new Error(`cpus: ${opts.cpus} is not 1..8`);
    this.ramBytes = opts.ramMiB << 20;
    this.memory = createMemory(this.ramBytes);
    const log = new MachineLog((line) => (hooks.log ? hooks.log(line) : undefined));
    const spec = [resolveMachine(opts.machine), opts.extraDevices ?? ''].join(' ').trim();
    const clock = new RealClock(hooks.hostNowMs);
    // A device timer armed during a local slice (the guest programmed the PIT, say) that is due
    // before the slice's planned end: end the slice so the VMM can fire it on time.
    clock.onEarliest = (at) => { if (this.runningLocal && at < this.sliceEndNs) this.runningLocal.block.post(PEND.EXIT); };
    this.mb = Motherboard.fromConfig(spec, { clock, log });
    this.apic = new LapicBus(this.memory, {
      count: opts.cpus,
      wake: () => this.kick(),
      eoi: (vector) => this.mb.eoi.send({ kind: 'eoi', vector }),
      log: (key, line) => this.mb.log.once(key, line),
    });
    this.wireBoard();
    const flavour = opts.flavour ?? 'intel';
    if (!Object.hasOwn(FLAVOURS, flavour)) throw new Error(`flavour: "${String(flavour)}" is not intel or amd`);
    this.vendor = FLAVOURS[flavour];
    for (let i = 0; i < opts.cpus; i++) this.vcpus.push(new LocalVcpu(module, this.memory, i, this.coreHost(i), { vendor: this.vendor }));
    this.recreateWorkers();
    this.loadImages();
  }

  private recreateWorkers(): void {
    this.workers.length = 0;
    for (let i = 0; i < this.opts.cpus; i++) {
      const inWorker = this.hooks.threads !== undefined && (this.opts.placement === 'd' || i > 0);
      this.workers.push(inWorker ? new WorkerVcpu(i, this.memory, this.coreHost(i), {
        shutdown: (v) => this.onTripleFault(this.vcpus[v.index]),
        died: (v, why) => this.finish(70, `vCPU ${v.index} worker died: ${why}`),
        fault: (v, e) => this.mb.log.once(`mailbox-fault-${v.index}`, `vCPU ${v.index}: a host call threw: ${String(e)}`),
      }) : undefined);
      const w = this.workers[i];
      if (w) w.vendor = this.vendor;
    }
  }

  /** The vCPUs that run on this thread. */
  private get locals(): LocalVcpu[] { return this.vcpus.filter((_, i) => !this.workers[i]); }

  private coreHost(index: number): CoreHost {
    const mb = this.mb;
    return {
      ioRead: mb.ioRead,
      ioWrite: mb.ioWrite,
      mmioRead: mb.mmioRead,
      mmioWrite: mb.mmioWrite,
      intAck: () => (index === 0 ? mb.intAck() : 0x100),
      timeNs: () => mb.clock.now(),
      apicMessage: (kind, a, b) => this.apic.coreMessage(kind, a, b),
      fpuError: (level) => mb.fpuError(index, level),
    };
  }

  private wireBoard(): void {
    const mb = this.mb;
    mb.cpu.listen((m: CpuMessage) => {
      if (m.kind === 'intr') {
        const v = this.vcpus[m.cpu];
        if (!v) return;
        if (m.level) { v.block.post(PEND.INTR); this.kick(); } else v.block.clear(PEND.INTR);
      } else this.apic.deliver(m);
    });
    mb.system.listen((m: SystemMessage) => this.onSystem(m));
    mb.debugcon.listen((m) => this.hooks.debugcon?.(m.port, m.byte));
    this.uart = mb.devices.find((d) => d.id === 'uart16550@0x3f8') as Uart16550 | undefined;
    if (this.uart) {
      this.uart.onTransmit = (bytes) => this.hooks.console?.(bytes);
      this.uart.onRxSpace = () => this.feedUart();
    }
    const rtc = mb.devices.find((d) => d.id.startsWith('rtc146818')) as unknown as { setMemorySize?(b: number): void } | undefined;
    rtc?.setMemorySize?.(this.ramBytes);
  }

  private onSystem(m: SystemMessage): void {
    switch (m.kind) {
      case 'a20': {
        this.a20Sources.set(m.source ?? 'default', m.enabled);
        const on = [...this.a20Sources.values()].some(Boolean);
        new DataView(this.memory.buffer).setUint32(SHARED.a20_mask, on ? 0xffffffff : 0xffefffff, true);
        for (const v of this.vcpus) v.block.post(PEND.TLB_FLUSH);
        break;
      }
      case 'reset':
        if (this.opts.noReboot) this.finish(0, 'guest reset (--no-reboot)');
        else this.requestReset();
        break;
      case 'debugExit':
        this.finish(m.status, `debug exit ${m.status}`);
        break;
      default:
        break;
    }
  }

  private loadImages(): void {
    const dv = new DataView(this.memory.buffer);
    dv.setUint32(SHARED.num_vcpus, this.opts.cpus, true);
    dv.setUint32(SHARED.a20_mask, 0xffffffff, true);
    const st = setupBoot({
      memory: this.memory, ramBytes: this.ramBytes, cpus: this.opts.cpus,
      cpuidFeatures: this.cpuidFeatures(), mb: this.mb, spec: this.opts.boot,
    });
    for (const v of this.vcpus) v.core.reset();
    applyBootState(this.vcpus[0].block, st);
    this.vcpus[0].core.refresh();
  }

  private cpuidFeatures(): number {
    const ex = this.vcpus[0].core as unknown as { cpuidFeatures?: () => number };
    return ex.cpuidFeatures ? ex.cpuidFeatures() >>> 0 : 0;
  }

  /** Resets happen between slices: every vCPU leaves run() first (workers stop and restart). */
  private requestReset(): void {
    this.resetPending = true;
    for (const v of this.vcpus) v.block.post(PEND.EXIT);
    this.kick();
  }

  private async resetMachine(): Promise<void> {
    this.resetPending = false;
    await this.stopWorkers();
    this.mb.reset();
    this.a20Sources.clear();
    for (const v of this.vcpus) v.block.clear(0xffffffff);
    this.loadImages();
    this.mb.log.info('machine reset');
    this.recreateWorkers();
    await this.startWorkers();
  }

  /** Bytes typed on the console, delivered with back-pressure. */
  sendConsole(bytes: Uint8Array): void {
    this.rxQueue.push(bytes);
    this.feedUart();
  }
  private feedUart(): void {
    while (this.uart && this.rxQueue.length) {
      const b = this.rxQueue[0];
      const n = this.uart.receive(b);
      if (n < b.length) { this.rxQueue[0] = b.subarray(n); break; }
      this.rxQueue.shift();
    }
    this.kick();
  }

  private kick(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private finish(code: number, reason: string): void {
    if (this.status) return;
    this.status = { code, reason };
    this.running = false;
    this.kick();
  }

  stop(reason = 'stopped'): void { this.finish(0, reason); }

  /** Run until the guest or the host ends the run; resolves with the status. */
  async run(): Promise<{ code: number; reason: string }> {
    this.running = true;
    this.startMs = performance.now();
    const keepAlive = setInterval(() => {}, 1 << 30);
    try {
      await this.startWorkers();
      while (this.running) {
        if (this.resetPending) { await this.resetMachine(); continue; }
        if (this.locals.length === 0) { await this.idleUntilFinish(); continue; }
        const deadline = performance.now() + SLICE_MS;
        let allHalted = true;
        let spun = false;
        do {
          allHalted = true;
          this.mb.clock.poll();
          const locals = this.locals;
          const budget = this.budget.budget((this.mb.clock.nextDeadline() - this.mb.clock.now()) / locals.length);
          for (const v of locals) {
            const before = v.block.instructions();
            const t0 = this.mb.clock.now();
            this.runningLocal = v;
            this.sliceEndNs = t0 + this.budget.nsFor(budget);
            const r = v.run(budget);
            this.runningLocal = null;
            this.budget.record(v.block.instructions() - before, this.mb.clock.now() - t0);
            if (r === EXIT.SHUTDOWN) this.onTripleFault(v);
            // A spinning vCPU here waits for one in a worker (or for a mailbox this thread serves):
            // end the slice and leave the cores to them. Among local vCPUs only, the round robin
            // already lets the others run.
            if (r === EXIT.SPIN && this.workers.some((w) => w !== undefined)) spun = true;
            if (r !== EXIT.HLT) allHalted = false;
            else this.haltPending[v.block.index] = v.block.pending();
          }
          if (!this.running || this.resetPending) break;
        } while (!allHalted && !spun && performance.now() < deadline);
        if (!this.running) break;
        if (this.resetPending) continue;
        if (allHalted) {
          this.spinRun = 0;
          if (this.allDeadHalted()) { this.finish(0, 'all vCPUs halted with interrupts disabled'); break; }
          await this.sleepUntilEvent();
        } else if (spun) await this.sleepAfterSpin();
        else {
          this.spinRun = 0;
          await yieldToEventLoop();
        }
      }
    } finally {
      await this.stopWorkers();
      clearInterval(keepAlive);
      this.uart?.flush?.();
    }
    const st = this.status ?? { code: 0, reason: 'stopped' };
    this.hooks.exit?.(st.code, st.reason);
    return st;
  }

  private async startWorkers(): Promise<void> {
    const threads = this.hooks.threads;
    if (!threads) return;
    const offset = this.mb.clock.now() - performance.now() * 1e6;
    // A worker that fails to start has already ended the run through died().
    await Promise.all(this.workers.map((w) => w?.start(threads, this.module, offset).catch(() => {})));
  }

  private async stopWorkers(): Promise<void> {
    await Promise.all(this.workers.map((w) => w?.stop()));
  }

  /** Debug hook (tests, --debug-crash-vcpu, the page's devtools): kill vCPU `index`'s worker. */
  debugCrash(index: number, how: CrashMode = 'throw'): boolean {
    const w = this.workers[index];
    if (!w) return false;
    w.crash(how);
    return true;
  }

  /**
   * Placement d: the VMM only serves mailboxes and timers; look for the end every 50 ms.
   * A kick ends the sleep early, often because a mailbox this thread served asked for a reset:
   * the vCPU that asked may halt (interrupts off) before its worker has seen PEND.EXIT, so a
   * pending reset wins over a dead halt.
   */
  private async idleUntilFinish(): Promise<void> {
    while (this.running && !this.resetPending) {
      await this.sleep(50);
      if (this.allDeadHalted()) this.finish(0, 'all vCPUs halted with interrupts disabled');
    }
  }

  /** Every vCPU halted and nothing can wake any of them; a pending reset wakes them all. */
  private allDeadHalted(): boolean {
    return !this.resetPending && this.vcpus.every((v) => v.block.u32(VCPU.halted) !== 0 && v.deadHalt());
  }

  private onTripleFault(v: LocalVcpu): void {
    const msg = `triple fault on ${v.block.describe()}`;
    this.mb.log.info(msg);
    if (this.opts.noReboot) this.finish(3, msg);
    else this.requestReset();
  }

  /**
   * Sleep up to `ms`. A kick ends it; with `from`, so does a change of a local vCPU's pending word
   * away from `from(v)` (other cores deliver IPIs straight into it and notify it, wasm/core/lapic.ts).
   * A waiter left over from an earlier sleep finds that sleep done and does nothing.
   */
  private sleep(ms: number, from?: (v: LocalVcpu) => number): Promise<void> {
    return new Promise((resolve) => {
      let done = false;
      const finish = () => { if (done) return; done = true; this.wake = null; clearTimeout(t); resolve(); };
      const t = setTimeout(finish, ms);
      this.wake = finish;
      if (!from) return;
      const i32 = new Int32Array(this.memory.buffer);
      for (const v of this.locals) {
        const w = Atomics.waitAsync(i32, (v.block.base + VCPU.pending) >> 2, from(v), ms + 5);
        if (!w.async) { finish(); return; }
        void w.value.then((how) => { if (how === 'ok') finish(); });
      }
    });
  }

  /**
   * A local vCPU spins in a PAUSE loop (EXIT.SPIN): sleep briefly so that the vCPU threads get
   * the host's cores (on an overcommitted host the one it waits for may be descheduled) and the
   * mailboxes get served; longer (up to SPIN_SLEEP_MAX_MS) while it keeps spinning. An event
   * for a local vCPU (its pending word) or a kick ends the sleep at once.
   */
  private sleepAfterSpin(): Promise<void> {
    const ms = Math.min(SPIN_SLEEP_MAX_MS, SPIN_SLEEP_MIN_MS * 2 ** this.spinRun);
    this.spinRun = Math.min(this.spinRun + 1, 16);
    return this.sleep(ms, (v) => v.block.pending());
  }

  /**
   * Wait for an interrupt, console input or the next device timer (all halted). A vCPU may halt
   * with events pending that it cannot take yet (IF=0, TPR): only a change of its pending word,
   * a kick or a deadline wakes it, so a halted machine does not spin.
   */
  private sleepUntilEvent(): Promise<void> {
    if (this.locals.some((v) => v.block.pending() !== this.haltPending[v.block.index])) return yieldToEventLoop();
    let next = this.mb.clock.nextDeadline();
    for (const v of this.locals) next = Math.min(next, lapicDeadlineNs(this.memory, v.block.index));
    const ms = Number.isFinite(next) ? Math.max(0, (next - this.mb.clock.now()) / 1e6) : 50;
    return this.sleep(Math.min(ms, 50), (v) => this.haltPending[v.block.index]);
  }

  /** Debug: where every vCPU is (EIP, pending words, LAPIC, timer, mailbox) and the interrupt chips' state. */
  debugDump(): string {
    const hex = (v: number) => (v >>> 0).toString(16);
    return dumpVcpus({
      memory: this.memory, ramBytes: this.ramBytes, cpus: this.opts.cpus,
      nowNs: () => this.mb.clock.now(),
      where: (i) => {
        const w = this.workers[i];
        return w ? { kind: w.dead ? `worker, dead: ${w.dead}` : 'worker', stats: w.lastStats, mailboxServing: w.mailbox.running } : { kind: 'local' };
      },
      extra: () => {
        const out = [`VMM: running=${this.running} resetPending=${this.resetPending} waiting=${this.wake !== null} ` +
          `next device deadline=${((this.mb.clock.nextDeadline() - this.mb.clock.now()) / 1e6).toFixed(3)} ms`];
        for (const d of this.mb.devices) {
          const st = (d as unknown as { state?: Record<string, unknown> }).state;
          if (d.id.startsWith('pic8259') && st) out.push(`${d.id}: irr=${hex(st.irr as number)} isr=${hex(st.isr as number)} imr=${hex(st.imr as number)} lines=${hex(st.lines as number)}`);
          if (d.id.startsWith('ioapic') && st) {
            const lo = st.lo as number[];
            const hi = st.hi as number[];
            const pins = lo.map((v, p) => (v & 0x10000) ? '' : `${p}:${hex(v)}/${hex(hi[p] >>> 24)}`).filter(Boolean);
            out.push(`${d.id}: pins=${hex(st.pins as number)} unmasked ${pins.join(' ')}`);
          }
        }
        return out;
      },
    });
  }

  stats(): MachineStats {
    return {
      vcpus: this.vcpus.map((v, i) => ({
        instructions: v.block.instructions(), exits: { ...(this.workers[i]?.exits ?? v.exits) }, thread: this.workers[i]?.lastStats,
        jit: this.workers[i] ? this.workers[i]!.lastStats?.jit : v.core.compiler ? { ...v.core.compiler.stats } : undefined,
      })),
      seconds: (performance.now() - this.startMs) / 1000,
    };
  }
}

/** Let timers, I/O and the UI run (setImmediate in Node, a MessageChannel turn in browsers). */
function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => { ch.port1.close(); resolve(); };
    ch.port2.postMessage(0);
  });
}
