// Node-side loading of the core module (tests, CLI, benchmarks).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const corePath = fileURLToPath(new URL('../../wasm/build/core.wasm', import.meta.url));
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
