// Assemble a snippet with nasm (flat binary) for tests. nasm is required: .ci/run installs it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function assemble(source: string, bits: 16 | 32 = 32, org = 0): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'seoulweb-nasm-'));
  try {
    writeFileSync(join(dir, 'a.asm'), `bits ${bits}\norg ${org}\n${source}\n`);
    execFileSync('nasm', ['-f', 'bin', '-o', join(dir, 'a.bin'), join(dir, 'a.asm')], { stdio: 'pipe' });
    return new Uint8Array(readFileSync(join(dir, 'a.bin')));
  } catch (e) {
    const err = e as { stderr?: Buffer; code?: string };
    if (err.code === 'ENOENT') throw new Error('nasm is not installed (apt-get install nasm; .ci/run does this)');
    throw new Error(`nasm failed: ${err.stderr?.toString() ?? String(e)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
