// System test: Linux brings up two vCPUs (INIT/SIPI through the local APICs) in both placements,
// and eight (4 vCPU threads per host core on a 2-core machine: the kernel's spinlock queues then
// depend on spin exits, issue 7) in placement s (placement d: test/system/linux-time.test.ts).
import { describe, it, expect } from 'vitest';
import { bootLinux, PROMPT } from './linux.ts';

describe('Linux on two vCPUs', () => {
  for (const placement of ['d', 's'] as const) {
    it(`reports 2 CPUs and runs work on both (placement ${placement})`, async () => {
      const s = bootLinux({ cpus: 2, placement });
      try {
        await s.expect(PROMPT, 180_000);
        await s.shellSetup();
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

describe('Linux on eight vCPUs', () => {
  it('reports 8 CPUs and runs 8 parallel loops to the end (placement s)', async () => {
    const t0 = performance.now();
    const s = bootLinux({ cpus: 8, placement: 's' });
    try {
      await s.expect(PROMPT, 300_000);
      console.log(`8 vCPUs (s): prompt after ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      await s.shellSetup();
      expect(await s.cmd('nproc')).toBe('8');
      const out = await s.cmd('for j in 1 2 3 4 5 6 7 8; do (i=0; while [ $i -lt 300 ]; do i=$((i+1)); done; echo done$j$i) & done; wait', 300_000);
      expect(out.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('done')).sort())
        .toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((j) => `done${j}300`));
      const st = s.machine.stats();
      for (let i = 0; i < 8; i++) expect(st.vcpus[i].instructions).toBeGreaterThan(1_000_000);
    } finally {
      s.machine.stop('test done');
      await s.done;
    }
  }, 600_000);
});
