// What the browser must offer: the guest's memory is a shared WebAssembly.Memory, which needs
// wasm threads and a cross-origin isolated page (COOP/COEP headers). Said plainly when missing.
export interface Problem { fatal: boolean; title: string; detail: string }

export function checkCapabilities(placement: 's' | 'd'): Problem[] {
  const problems: Problem[] = [];
  const isolated = globalThis.crossOriginIsolated === true;
  let sharedMemory = true;
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  } catch {
    sharedMemory = false;
  }
  if (!isolated) {
    problems.push({
      fatal: !sharedMemory,
      title: 'This page is not cross-origin isolated.',
      detail: 'The server must send "Cross-Origin-Opener-Policy: same-origin" and ' +
        '"Cross-Origin-Embedder-Policy: require-corp" with the page (npm start and npm run preview do); ' +
        'without them the browser withholds SharedArrayBuffer and the virtual machine cannot run.',
    });
  }
  if (!sharedMemory && isolated) {
    problems.push({
      fatal: true,
      title: 'This browser lacks WebAssembly threads (shared memory).',
      detail: 'The virtual CPUs share one WebAssembly.Memory; use a current Chromium, Firefox or Safari.',
    });
  }
  if (typeof Atomics === 'undefined') {
    problems.push({ fatal: true, title: 'This browser lacks Atomics.', detail: 'The virtual CPUs synchronise with Atomics.' });
  }
  if (placement === 'd' && (typeof Worker === 'undefined' || typeof Atomics?.waitAsync !== 'function')) {
    problems.push({
      fatal: false,
      title: 'Placement d may not work here:',
      detail: 'it needs Web Workers and Atomics.waitAsync, which this browser lacks. Placement s runs every vCPU on the page.',
    });
  }
  return problems;
}
