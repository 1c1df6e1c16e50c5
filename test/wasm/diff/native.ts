// Builds test/wasm/diff/native/runner.c with gcc -m32 into a temp dir and runs batches through it.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IN, OUT } from './layout.ts';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Compile the runner into a new temporary directory, which the caller removes (dirname of the
 * result); throws with the compiler's message when `gcc -m32` is unavailable.
 */
export function buildRunner(): string {
  const dir = mkdtempSync(join(tmpdir(), 'seoulweb-diff-'));
  const exe = join(dir, 'runner');
  const r = spawnSync('gcc', ['-m32', '-O1', '-static', '-Wall', '-o', exe, join(here, 'native', 'runner.c')], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error('the differential test needs `gcc -m32 -static` (gcc-multilib):\n' + (r.error ? String(r.error) : r.stderr));
  }
  return exe;
}

/** Run `input` (whole IN records) through the runner; resolves to the OUT records. */
export function runNative(exe: string, input: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const p = spawn(exe, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let err = '';
    p.stdout.on('data', (c: Buffer) => chunks.push(c));
    p.stderr.on('data', (c: Buffer) => { err += c.toString(); });
    p.on('error', reject);
    p.on('close', (code, sig) => {
      const out = Buffer.concat(chunks);
      const n = input.length / IN.size;
      if (code !== 0 || out.length !== n * OUT.size) reject(new Error(`native runner: exit ${code} ${sig ?? ''}, ${out.length} bytes for ${n} cases: ${err}`));
      else resolve(new Uint8Array(out.buffer, out.byteOffset, out.length));
    });
    p.stdin.on('error', () => {});
    p.stdin.end(Buffer.from(input.buffer, input.byteOffset, input.length));
  });
}
