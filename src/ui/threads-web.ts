// vCPU threads in the browser: module Web Workers running src/worker/vcpu.worker.js, adapted to
// the VMM's ThreadFactory (src/vmm/worker-vcpu.ts; Node's counterpart is src/vmm/threads-node.ts).
// `new Worker(new URL(…, import.meta.url))` is the form Vite recognises and bundles.
import type { ThreadFactory, VcpuThread, WorkerReport } from '../vmm/worker-vcpu.ts';

export const webThreads: ThreadFactory = (index: number): VcpuThread => {
  const w = new Worker(new URL('../worker/vcpu.worker.js', import.meta.url), { type: 'module', name: `vcpu${index}` });
  let onError: (why: string) => void = () => {};
  let ended = false;
  const fail = (why: string) => { if (!ended) { ended = true; onError(why); } };
  // A script that fails to load or throws at the top level: ErrorEvent, often without details.
  w.addEventListener('error', (e) => {
    e.preventDefault();
    fail(e.message ? `${e.message}${e.filename ? ` (${e.filename}:${e.lineno})` : ''}` : 'the worker script failed to load or threw');
  });
  w.addEventListener('messageerror', () => fail('a message from the worker could not be deserialised'));
  return {
    postMessage: (m) => w.postMessage(m),
    onMessage: (fn) => w.addEventListener('message', (e: MessageEvent<WorkerReport>) => fn(e.data)),
    onError: (fn) => { onError = fn; },
    terminate: () => { ended = true; w.terminate(); },
  };
};
