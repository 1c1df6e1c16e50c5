// Node-side loading of the core module (tests, CLI, benchmarks).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** SEOULWEB_CORE_WASM selects another build of the core (A/B benchmarks of two builds). */
const corePath = process.env.SEOULWEB_CORE_WASM || fileURLToPath(new URL('../../wasm/build/core.wasm', import.meta.url));
let cached: WebAssembly.Module | undefined;

export function loadCoreModule(): WebAssembly.Module {
  if (!cached) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(corePath);
    } catch {
      throw new Error(`${corePath}: missing; build it with "npm run build:wasm"`);
    }
    cached = new WebAssembly.Module(bytes);
  }
  return cached;
}
