// SMP correctness inside the guest: threads on 2 and 4 vCPUs hammer shared counters with LOCK XADD,
// LOCK CMPXCHG8B and a futex mutex (test/system/guest/smp-stress.c); the totals must be exact.
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bootLinux, cpioArchive, PROMPT } from './linux.ts';

function stressInitrd(): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'seoulweb-smp-'));
  const src = fileURLToPath(new URL('./guest/smp-stress.c', import.meta.url));
  try {
    try {
      execFileSync('gcc', ['-m32', '-march=i686', '-O2', '-static', '-pthread', '-o', join(dir, 'smp-stress'), src], { stdio: 'pipe' });
    } catch (e) {
      throw new Error(`gcc -m32 failed (apt-get install gcc-multilib; .ci/run does this): ${(e as { stderr?: Buffer }).stderr ?? e}`);
    }
    const base = readFileSync(fileURLToPath(new URL('../../images/initramfs.cpio.gz', import.meta.url)));
    const extra = cpioArchive([{ name: 'bin/smp-stress', data: readFileSync(join(dir, 'smp-stress')) }]);
    return new Uint8Array(Buffer.concat([base, extra]));
  } finally {
    rmSync(dir, { recursive: true, force: true }); // the binary is in the returned initrd now
  }
}

describe('SMP stress in the guest', () => {
  const initrd = stressInitrd();
  for (const [cpus, placement] of [[2, 'd'], [4, 'd'], [2, 's']] as const) {
    it(`keeps exact counts with ${cpus} vCPUs (placement ${placement})`, async () => {
      const s = bootLinux({ cpus, placement, initrd });
      try {
        await s.expect(PROMPT, 240_000);
        await s.shellSetup();
        expect(await s.cmd('nproc')).toBe(String(cpus));
        const out = await s.cmd(`smp-stress ${cpus * 2} 4000`, 240_000);
        expect(out).toMatch(new RegExp(`smp-stress threads=${cpus * 2} atomic=${cpus * 8000} cx8=${cpus * 24000} mutex=${cpus * 1000} OK`));
        const st = s.machine.stats();
        for (let i = 0; i < cpus; i++) expect(st.vcpus[i].instructions).toBeGreaterThan(1_000_000);
      } finally {
        s.machine.stop('test done');
        await s.done;
      }
    });
  }
});
