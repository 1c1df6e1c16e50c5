import { defineConfig } from 'vite';
import { execFileSync } from 'node:child_process';
import { rawImages } from './scripts/vite-raw-images.ts';

/** The commit the page is built from, for the benchmark's machine description. */
function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return 'unknown';
  }
}

// SharedArrayBuffer (the guest's shared memory) needs a cross-origin isolated page:
// these two headers on every response, in dev and in preview. Static hosting must send them too.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [rawImages()],
  server: { headers: isolation },
  preview: { headers: isolation },
  worker: { format: 'es' },
  define: { __SEOULWEB_COMMIT__: JSON.stringify(commit()) },
  build: { target: 'es2022' },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
