// vCPU threads in Node: worker_threads running src/worker/vcpu.worker.js, with comlink's node
// adapter as the control-plane endpoint. Live workers are counted so tests can check that a
// stopped machine leaves none behind.
import { Worker } from 'node:worker_threads';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { oneLine, type ThreadFactory, type VcpuThread } from './vcpu-control.ts';

const workerUrl = new URL('../worker/vcpu.worker.js', import.meta.url);
const live = new Set<Worker>();

/** Worker threads started by this module (or adopted by nodeThread) that have not exited yet. */
export function liveWorkers(): number { return live.size; }

/** Adapt a worker_threads Worker to a VcpuThread (tests pass workers of their own). */
export function nodeThread(w: Worker): VcpuThread {
  live.add(w);
  let onDeath: (why: string) => void = () => {};
  let ended = false;
  const die = (why: string) => { if (!ended) { ended = true; onDeath(why); } };
  const exited = new Promise<void>((resolve) => w.once('exit', (code) => {
    live.delete(w);
    die(`the thread exited with code ${code}`);
    resolve();
  }));
  w.on('error', (e) => die(oneLine(e)));
  w.on('messageerror', (e) => die(`a message could not be deserialised: ${oneLine(e)}`));
  return {
    endpoint: nodeEndpoint(w),
    onDeath: (fn) => { onDeath = fn; },
    terminate: async () => {
      ended = true;
      await w.terminate();
      await exited;
    },
  };
}

export const nodeThreads: ThreadFactory = (index: number): VcpuThread =>
  // Plain JS worker: no TypeScript loader needed (and none inherited from tsx or vitest).
  nodeThread(new Worker(workerUrl, { name: `vcpu${index}`, execArgv: [] }));
