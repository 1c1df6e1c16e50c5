// One vCPU in its own thread (Web Worker in browsers, worker_threads in Node).
// Plain JavaScript on purpose: it runs unbundled under Node's worker_threads (tests, CLI) and as a
// module Web Worker, with no TypeScript loader (docs/DESIGN-NOTES.md).
//
// Control plane: the API below, exposed with comlink (src/vmm/vcpu-control.ts has its types).
// run() loops over core.run() slices and gives its event loop a turn every few milliseconds, so
// stats(), snapshot() and crash() are answered at slice edges; it returns when the VMM sets the
// pause word (which it does together with PEND_EXIT, so a slice ends within an instruction, and a
// notify, so HLT wakes).
// Data plane: host calls go through the exit mailbox (mailbox.js); HLT sleeps in Atomics.wait on
// the pending word; interrupts arrive as pending bits.
import * as Comlink from 'comlink/dist/esm/comlink.mjs';
import { KIND, mailboxClient } from './mailbox.js';
import { Jit, coreTable, JIT_HOT } from './jit/jit.js';

const EXIT = { BUDGET: 0, HLT: 1, SHUTDOWN: 2, SPIN: 7 };
const SLICE = 2_000_000;
/** Longest HLT sleep without a LAPIC deadline (the pause word is also checked after it). */
const HLT_MAX_MS = 100;
/** A turn for the event loop (control calls) at the first slice edge after this many ms. */
const YIELD_MS = 4;
/** A slice that makes host calls ends after about this many ms (see init). */
const SLICE_MS = 10;
/**
 * After a spin exit (the guest runs a PAUSE loop: it waits for another vCPU, which on an
 * overcommitted host may not be running) this thread sleeps, leaving its core to the others:
 * SPIN_SLEEP_MIN_MS at first, doubling while the guest keeps spinning, at most SPIN_SLEEP_MAX_MS.
 * The sleep is on the pending word, so an interrupt or IPI ends it at once; a lock released by
 * another vCPU is a plain store and wakes nobody, hence the short bound.
 */
const SPIN_SLEEP_MIN_MS = 0.05;
const SPIN_SLEEP_MAX_MS = 1;
/** When the running slice should end; read by the mailbox call wrapper. */
let sliceEnd = Infinity;

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

/** Let queued control messages in: setImmediate in Node, a MessageChannel turn in browsers. */
const yieldToEventLoop = isNode
  ? () => new Promise((resolve) => setImmediate(resolve))
  : (() => {
    const ch = new MessageChannel();
    const waiting = [];
    ch.port1.onmessage = () => waiting.shift()?.();
    return () => new Promise((resolve) => { waiting.push(resolve); ch.port2.postMessage(0); });
  })();

/** @type {any} */
let vm = null;
/** This worker's vCPU index (known from the start of init, before vm is ready). */
let vcpuIndex = '?';
/** Set by crash('reject'): the message run() fails with at its next slice edge. */
let crashRequested = '';
const stats = { slices: 0, halts: 0, woken: 0, timedOut: 0, runMs: 0, haltMs: 0, spins: 0, spinMs: 0, yields: 0, running: false };

const api = {
  async init({ module, memory, index, base, off, pendExit, clockOffsetNs, mainTimeOrigin, hltMaxMs, vendor, jit: jitHot = JIT_HOT }) {
    vcpuIndex = index;
    const i32 = new Int32Array(memory.buffer);
    const pendingIdx = (base + off.pending) >> 2;
    const request = mailboxClient(i32, (base + off.mailbox) >> 2);
    // A slice of port reads takes far longer than one of plain instructions: end it by time too
    // (PEND_EXIT makes run() return at the next instruction), so control calls wait at most
    // about SLICE_MS for a slice edge.
    let calls = 0;
    const call = (kind, a, b, c) => {
      const r = request(kind, a, b, c);
      if ((++calls & 15) === 0 && performance.now() >= sliceEnd) Atomics.or(i32, pendingIdx, pendExit);
      return r;
    };
    // The common clock: the VMM thread's performance.now() in ns + clockOffsetNs.
    const originDeltaMs = performance.timeOrigin - mainTimeOrigin;
    const now = () => (originDeltaMs + performance.now()) * 1e6 + clockOffsetNs;
    // The function table: empty for the core itself, filled by the trace compiler (jit/jit.js).
    const table = coreTable();
    const env = {
      memory,
      table,
      ioRead: (p, s) => call(KIND.IO_READ, p, s, 0),
      ioWrite: (p, s, v) => { call(KIND.IO_WRITE, p, s, v); },
      mmioRead: (a, s) => call(KIND.MMIO_READ, a, s, 0),
      mmioWrite: (a, s, v) => { call(KIND.MMIO_WRITE, a, s, v); },
      intAck: () => call(KIND.INTA, 0, 0, 0),
      timeNs: now,
      apicMessage: (k, a, b) => { call(KIND.APIC, k, a, b); },
      fpuError: (level) => call(KIND.FERR, level, 0, 0),
    };
    const inst = await WebAssembly.instantiate(module, { env });
    inst.exports.attach(base);
    if (vendor !== undefined) inst.exports.setVendor(vendor);
    let jit = null;
    if (jitHot > 0) {
      jit = new Jit(table, memory, inst.exports, base,
        { jitQueue: off.jit_queue, tlbAdd: off.tlb_add, tlbEntries: (off.tlb_phys - off.tlb_add) / 4, pending: off.pending });
      inst.exports.jit(jitHot);
    }
    vm = {
      core: inst.exports, jit, memory, index, base, off, i32, now, hltMaxMs: hltMaxMs ?? HLT_MAX_MS,
      pendingIdx, pauseIdx: (base + off.pause) >> 2,
    };
  },

  async run() {
    if (!vm) throw new Error('run() before init()');
    if (stats.running) throw new Error('run() while running');
    stats.running = true;
    try {
      return await runLoop(vm);
    } finally {
      stats.running = false;
    }
  },

  stats() { return { ...stats, jit: vm?.jit ? { ...vm.jit.stats } : undefined }; },

  snapshot() {
    if (!vm) throw new Error('snapshot() before init()');
    if (stats.running) throw new Error('snapshot() while running: pause first');
    const state = new Uint8Array(vm.memory.buffer, vm.base, vm.off.tlb_tag).slice();
    return Comlink.transfer({ index: vm.index, state, stats: { ...stats } }, [state.buffer]);
  },

  crash(how) {
    const message = `vCPU ${vcpuIndex}: debug crash (${how})`;
    if (how === 'exit') {
      if (isNode) process.exit(3);
      else self.close();
    } else if (how === 'reject') {
      // run() fails at its next slice edge, as it would on a trap in the core.
      crashRequested = message;
    } else {
      // An uncaught error in a task of its own (reaches the Worker's error event).
      setTimeout(() => { throw new Error(message); });
    }
  },
};

async function runLoop(v) {
  const { core, jit, i32, pendingIdx, pauseIdx } = v;
  let lastYield = performance.now();
  let spinRun = 0;
  for (;;) {
    if (Atomics.load(i32, pauseIdx) !== 0) return 'paused';
    // Read the pending word before running: an event that arrives during run() changes it, so
    // the HLT wait below returns at once instead of missing it.
    const before = Atomics.load(i32, pendingIdx);
    const t0 = performance.now();
    sliceEnd = t0 + SLICE_MS;
    const r = core.run(SLICE);
    if (jit) jit.service();
    let t = performance.now();
    stats.slices++;
    stats.runMs += t - t0;
    if (r === EXIT.SHUTDOWN) return 'shutdown';
    if (r === EXIT.HLT) {
      stats.halts++;
      if (Atomics.load(i32, pauseIdx) !== 0) return 'paused';
      // Sleep until an interrupt, IPI, INIT/SIPI or a pause request changes the pending word.
      const deadline = Number(new DataView(v.memory.buffer).getBigInt64(v.base + v.off.lapic_deadline_ns, true));
      const ms = deadline > 0 ? Math.max(0, (deadline - v.now()) / 1e6) : v.hltMaxMs;
      if (Atomics.wait(i32, pendingIdx, before, Math.min(ms, v.hltMaxMs)) === 'timed-out') stats.timedOut++;
      else stats.woken++;
      const t1 = performance.now();
      stats.haltMs += t1 - t;
      t = t1;
    }
    if (r === EXIT.SPIN) {
      stats.spins++;
      const ms = Math.min(SPIN_SLEEP_MAX_MS, SPIN_SLEEP_MIN_MS * 2 ** spinRun);
      if (spinRun < 16) spinRun++;
      if (Atomics.load(i32, pauseIdx) !== 0) return 'paused';
      Atomics.wait(i32, pendingIdx, Atomics.load(i32, pendingIdx), ms);
      const t1 = performance.now();
      stats.spinMs += t1 - t;
      t = t1;
    } else spinRun = 0;
    if (t - lastYield >= YIELD_MS) {
      await yieldToEventLoop();
      stats.yields++;
      lastYield = performance.now();
      if (crashRequested) throw new Error(crashRequested);
    }
  }
}

if (isNode) {
  const { parentPort } = await import(/* @vite-ignore */ 'node:' + 'worker_threads');
  const { default: nodeEndpoint } = await import('comlink/dist/esm/node-adapter.mjs');
  Comlink.expose(api, nodeEndpoint(parentPort));
} else {
  Comlink.expose(api);
}
