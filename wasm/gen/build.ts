// Builds the core: layout → state.ts/layout.ts, table → dispatch.ts, then asc → wasm/build/core.wasm.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDispatch } from './dispatch.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
execFileSync(process.execPath, [join(root, 'wasm/gen/layout.mjs')], { stdio: 'inherit' });
mkdirSync(join(root, 'wasm/core/gen'), { recursive: true });
writeFileSync(join(root, 'wasm/core/gen/dispatch.ts'), generateDispatch());
if (!process.argv.includes('--gen-only')) {
  const asc = join(root, 'node_modules/assemblyscript/bin/asc.js');
  mkdirSync(join(root, 'wasm/build'), { recursive: true });
  const args = [asc, 'wasm/core/index.ts', '--config', 'wasm/asconfig.json', '--target', 'release'];
  if (process.argv.includes('--wat')) args.push('--textFile', 'wasm/build/core.wat');
  execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  // The page and the workers import the module from public/ (served as-is by vite).
  mkdirSync(join(root, 'public'), { recursive: true });
  execFileSync('cp', [join(root, 'wasm/build/core.wasm'), join(root, 'public/core.wasm')]);
}
