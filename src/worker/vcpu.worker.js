// One vCPU in its own thread (Web Worker in browsers, worker_threads in Node).
// Plain JavaScript on purpose: it runs unbundled under Node's worker_threads (tests, CLI) and as a
// module Web Worker, with no TypeScript loader. Everything it needs arrives in the init message:
// the compiled core module, the shared memory, the block offsets (from src/shared/layout.ts).
//
// Data plane: host calls (port and MMIO accesses, INTA, LAPIC messages) go through the vCPU's
// mailbox in shared memory: write the request, set state 1, notify, wait for state 2 (the VMM's
// reply), read it, set state 0. HLT sleeps in Atomics.wait on the pending word. Control plane
// (start, stop) is postMessage, looked at only between slices via the `pause` word.

const isNode = typeof process !== 'undefined' && !!process.versions?.node;
/** @type {{ post(m: unknown): void; on(fn: (m: any) => void): void }} */
let port;
if (isNode) {
  const wt = await import(/* @vite-ignore */ 'node:' + 'worker_threads');
  port = { post: (m) => wt.parentPort.postMessage(m), on: (fn) => wt.parentPort.on('message', fn) };
} else {
  port = { post: (m) => self.postMessage(m), on: (fn) => { self.onmessage = (e) => fn(e.data); } };
}

const KIND = { IO_READ: 1, IO_WRITE: 2, MMIO_READ: 3, MMIO_WRITE: 4, INTA: 5, APIC: 6 };
const EXIT = { BUDGET: 0, HLT: 1, SHUTDOWN: 2 };
const SLICE = 2_000_000;

port.on((msg) => {
  if (msg.type === 'init') start(msg).catch((e) => port.post({ type: 'error', message: String(e?.stack ?? e) }));
});

async function start({ module, memory, base, off, clockOffsetNs, mainTimeOrigin }) {
  const i32 = new Int32Array(memory.buffer);
  const mbox = (base + off.mailbox) >> 2;
  const pendingIdx = (base + off.pending) >> 2;
  const pauseIdx = (base + off.pause) >> 2;
  const haltedIdx = (base + off.halted) >> 2;
  /** A synchronous request to the VMM thread. */
  function call(kind, a, b, c) {
    i32[mbox + 1] = kind; i32[mbox + 2] = a; i32[mbox + 3] = b; i32[mbox + 4] = c;
    Atomics.store(i32, mbox, 1);
    Atomics.notify(i32, mbox);
    while (Atomics.load(i32, mbox) === 1) Atomics.wait(i32, mbox, 1);
    const v = i32[mbox + 4] >>> 0;
    Atomics.store(i32, mbox, 0);
    Atomics.notify(i32, mbox);
    return v;
  }
  // The common clock: the VMM thread's clock = its performance.now() in ns + clockOffsetNs.
  const originDeltaMs = performance.timeOrigin - mainTimeOrigin;
  const now = () => (originDeltaMs + performance.now()) * 1e6 + clockOffsetNs;
  const env = {
    memory,
    ioRead: (p, s) => call(KIND.IO_READ, p, s, 0),
    ioWrite: (p, s, v) => { call(KIND.IO_WRITE, p, s, v); },
    mmioRead: (a, s) => call(KIND.MMIO_READ, a, s, 0),
    mmioWrite: (a, s, v) => { call(KIND.MMIO_WRITE, a, s, v); },
    intAck: () => call(KIND.INTA, 0, 0, 0),
    timeNs: now,
    apicMessage: (k, a, b) => { call(KIND.APIC, k, a, b); },
  };
  const inst = await WebAssembly.instantiate(module, { env });
  const core = inst.exports;
  core.attach(base);
  port.post({ type: 'ready' });
  for (;;) {
    if (Atomics.load(i32, pauseIdx) !== 0) break;
    // Read the pending word before running: an event that arrives during run() changes it, so
    // the HLT wait below returns at once instead of missing it.
    const before = Atomics.load(i32, pendingIdx);
    const r = core.run(SLICE);
    if (r === EXIT.SHUTDOWN) { port.post({ type: 'shutdown' }); break; }
    if (r === EXIT.HLT) {
      // Sleep until an interrupt, IPI, INIT/SIPI or a stop request changes the pending word.
      const p = before;
      if (Atomics.load(i32, pauseIdx) !== 0) break;
      const deadline = Number(new DataView(memory.buffer).getBigInt64(base + off.lapic_deadline_ns, true));
      const ms = deadline > 0 ? Math.max(0, (deadline - now()) / 1e6) : 100;
      Atomics.wait(i32, pendingIdx, p, Math.min(ms, 100));
      if (Atomics.load(i32, haltedIdx) === 0 && p === 0) continue;
    }
  }
  port.post({ type: 'stopped' });
}
