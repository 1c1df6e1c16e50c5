import { defineConfig } from 'vite';
import { rawImages } from './scripts/vite-raw-images.ts';

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
  build: { target: 'es2022' },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
