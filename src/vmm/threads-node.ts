// vCPU threads in Node: worker_threads running src/worker/vcpu.worker.js.
import { Worker } from 'node:worker_threads';
import type { ThreadFactory, VcpuThread, WorkerReport } from './worker-vcpu.ts';

const workerUrl = new URL('../worker/vcpu.worker.js', import.meta.url);

export const nodeThreads: ThreadFactory = (index: number): VcpuThread => {
  // Plain JS worker: no TypeScript loader needed (and none inherited from tsx or vitest).
  const w = new Worker(workerUrl, { name: `vcpu${index}`, execArgv: [] });
  let onError: (why: string) => void = () => {};
  let reported = false;
  w.on('error', (e) => { reported = true; onError(e.stack ?? String(e)); });
  w.on('exit', (code) => { if (code !== 0 && !reported) onError(`exited with code ${code}`); });
  return {
    postMessage: (m) => w.postMessage(m),
    onMessage: (fn) => w.on('message', (m: WorkerReport) => fn(m)),
    onError: (fn) => { onError = fn; },
    terminate: () => { reported = true; void w.terminate(); },
  };
};
