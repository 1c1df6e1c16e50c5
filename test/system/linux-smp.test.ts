// System test: Linux brings up two vCPUs (INIT/SIPI through the local APICs) in both placements.
import { describe, it, expect } from 'vitest';
import { bootLinux, PROMPT } from './linux.ts';

describe('Linux on two vCPUs', () => {
  for (const placement of ['d', 's'] as const) {
    it(`reports 2 CPUs and runs work on both (placement ${placement})`, async () => {
      const s = bootLinux({ cpus: 2, placement });
      try {
        await s.expect(PROMPT, 180_000);
        await s.cmd('stty cols 250');
        expect(await s.cmd('nproc')).toBe('2');
        expect(await s.cmd('grep -c ^processor /proc/cpuinfo')).toBe('2');
        // Two shell loops in parallel; both finish and their results are right.
        const out = await s.cmd('for j in 1 2; do (i=0; while [ $i -lt 300 ]; do i=$((i+1)); done; echo done$j$i) & done; wait', 180_000);
        expect(out.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('done')).sort()).toEqual(['done1300', 'done2300']);
        const st = s.machine.stats();
        expect(st.vcpus[1].instructions).toBeGreaterThan(1_000_000);
      } finally {
        s.machine.stop('test done');
        await s.done;
      }
    });
  }
});
