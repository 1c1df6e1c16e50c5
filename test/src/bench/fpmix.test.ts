// The x87 benchmark workload (src/bench/workloads/fpmix.c): the committed flat binary computes in the
// core, with traces off and on (the trace compiler at its default threshold), the checksum that the
// same C code computes on the host CPU (compiled with build.sh's flags, linked into a hosted program).
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT } from '../../wasm/harness.ts';
import { flatMachine } from '../../wasm/harness-idt.ts';
import { runAll } from '../../wasm/core/random-program.ts';

const dir = fileURLToPath(new URL('../../../src/bench/workloads/', import.meta.url));

/** run()'s checksum on the host CPU, from fpmix.c built with build.sh's fpmix flags. */
function nativeChecksum(): number {
  const d = mkdtempSync(join(tmpdir(), 'seoulweb-fpmix-'));
  try {
    execFileSync('gcc', ['-m32', '-O2', '-march=i686', '-ffreestanding', '-fno-pic', '-fno-pie', '-fno-stack-protector',
      '-fno-asynchronous-unwind-tables', '-mfpmath=387', '-DROUNDS=400', '-DHOSTED', '-c', '-o', join(d, 'fpmix.o'), join(dir, 'fpmix.c')]);
    writeFileSync(join(d, 'main.c'), '#include <stdio.h>\nunsigned run(void);\nint main(void){printf("%u\\n", run());return 0;}\n');
    execFileSync('gcc', ['-m32', '-no-pie', '-o', join(d, 'fpmix'), join(d, 'main.c'), join(d, 'fpmix.o')]);
    return Number(execFileSync(join(d, 'fpmix')).toString().trim());
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
}

describe('fpmix workload', () => {
  it('computes the host CPU\'s checksum in the core, with traces off and on', () => {
    const meta = JSON.parse(readFileSync(dir + 'fpmix.json', 'utf8')) as { load: number; entry: number };
    const bin = new Uint8Array(readFileSync(dir + 'fpmix.bin'));
    const want = nativeChecksum();
    for (const on of [0, 1]) {
      const h = flatMachine('hlt', meta.load, 0x11);
      h.write(meta.load, bin);
      h.eip = meta.entry;
      h.setReg('esp', 0x800000);
      h.core.traces(on);
      expect(runAll(h, 2_000_000)).toBe(EXIT.HLT);
      expect(h.field('instret')).toBeGreaterThan(3_000_000);
      expect(h.reg('eax') >>> 0, `traces ${on}`).toBe(want);
    }
  });
});
