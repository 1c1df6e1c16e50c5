// vCPU threads in the browser: module Web Workers running src/worker/vcpu.worker.js (the Worker
// itself is the comlink endpoint). Node's counterpart is src/vmm/threads-node.ts.
// `new Worker(new URL(…, import.meta.url))` is the form Vite recognises and bundles.
// A browser reports no exit of a worker: a worker that closes itself is found by the VMM's
// heartbeat (src/vmm/worker-vcpu.ts).
import type { ThreadFactory, VcpuThread } from '../vmm/vcpu-control.ts';

export const webThreads: ThreadFactory = (index: number): VcpuThread => {
  const w = new Worker(new URL('../worker/vcpu.worker.js', import.meta.url), { type: 'module', name: `vcpu${index}` });
  let onDeath: (why: string) => void = () => {};
  let ended = false;
  const die = (why: string) => { if (!ended) { ended = true; onDeath(why); } };
  // A script that fails to load or throws: ErrorEvent, often without details.
  w.addEventListener('error', (e) => {
    e.preventDefault();
    die(e.message ? `${e.message}${e.filename ? ` (${e.filename}:${e.lineno})` : ''}` : 'the worker script failed to load or threw');
  });
  w.addEventListener('messageerror', () => die('a message from the worker could not be deserialised'));
  return {
    endpoint: w,
    onDeath: (fn) => { onDeath = fn; },
    terminate: async () => { ended = true; w.terminate(); },
  };
};
