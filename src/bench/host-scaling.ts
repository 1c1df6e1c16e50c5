// How well this host runs two busy threads at once right now, for reading the speedup figure
// (issue 7): the same fixed JS loop in 1 thread, then in 2 at once; scaling = 2 × t1 / t2.
// 2.0 is two free cores; about 1.0 means other processes hold one of them (a speedup of the
// guest over 2 vCPUs cannot beat this). Node only.
import { Worker } from 'node:worker_threads';

const LOOP = `const { parentPort } = require('node:worker_threads');
let x = 0; const t = performance.now();
for (let i = 0; i < 2e8; i++) x = (x * 31 + i) % 1000003;
parentPort.postMessage([performance.now() - t, x]);`;

function oneRun(threads: number): Promise<number> {
  const t0 = performance.now();
  return Promise.all(Array.from({ length: threads }, () => new Promise<void>((resolve, reject) => {
    const w = new Worker(LOOP, { eval: true });
    w.once('message', () => { void w.terminate(); resolve(); });
    w.once('error', reject);
  }))).then(() => performance.now() - t0);
}

/** 2 × (1-thread time) / (2-thread time), medians of `runs` alternating runs. */
export async function hostScaling(runs = 3): Promise<number> {
  const one: number[] = [];
  const two: number[] = [];
  for (let i = 0; i < runs; i++) {
    one.push(await oneRun(1));
    two.push(await oneRun(2));
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  return (2 * med(one)) / med(two);
}
