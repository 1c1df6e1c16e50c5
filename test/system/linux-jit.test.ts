// System test: Linux runs with nearly every trace compiled (src/worker/jit/): the trace compiler's
// code under a real kernel and user space, on the VMM's thread (placement s) and in a worker (d),
// must print what the same commands print with the compiler off.
import { describe, it, expect } from 'vitest';
import { bootLinux, PROMPT, type Session } from './linux.ts';

const COMMANDS = [
  'uname -m',
  'i=0; s=0; while [ $i -lt 300 ]; do s=$((s+(i*i^i))); i=$((i+1)); done; echo sum=$s',
  `awk 'BEGIN { x = 0; for (i = 1; i <= 2000; i++) x += 1 / i; printf "%.15f", x }'`,
  'seq 1 3000 | sort -r | head -3 | tr "\\n" " "',
  'seq 1 20000 | md5sum',
  'ls -l /bin | wc -l; cat /proc/self/maps | wc -l',
];

/** Boot with the trace compiler at threshold `hot` (SEOULWEB_JIT is read where the cores start). */
async function session(placement: 's' | 'd', hot: string): Promise<Session> {
  const before = process.env.SEOULWEB_JIT;
  process.env.SEOULWEB_JIT = hot;
  const s = bootLinux({ placement });
  try {
    await s.expect(PROMPT, 120_000);
  } finally {
    if (before === undefined) delete process.env.SEOULWEB_JIT; else process.env.SEOULWEB_JIT = before;
  }
  await s.shellSetup();
  return s;
}

async function outputs(s: Session): Promise<string[]> {
  const out: string[] = [];
  for (const c of COMMANDS) out.push(await s.cmd(c));
  return out;
}

describe('Linux with compiled traces', () => {
  let reference: string[] = [];

  it('runs the commands with the compiler off (the reference)', async () => {
    const s = await session('s', '0');
    try {
      reference = await outputs(s);
      expect(s.machine.stats().vcpus[0].jit).toBeUndefined();
    } finally {
      s.machine.stop('test done');
      await s.done;
    }
    expect(reference[0]).toBe('i686');
    expect(reference[1]).toBe('sum=8963960');
    expect(reference[3]).toBe('999 998 997');
    expect(reference[4]).toBe('e071f707df7bbeee2a6a1eb48011ddd0  -');
  }, 240_000);

  for (const placement of ['s', 'd'] as const) {
    it(`boots with traces compiled after 2 runs and prints the same (placement ${placement})`, async () => {
      const s = await session(placement, '2');
      try {
        expect(await outputs(s)).toEqual(reference);
        // The worker's counters arrive with its heartbeat (placement d).
        expect(s.machine.stats().vcpus[0].jit?.compiled).toBeGreaterThan(1000);
      } finally {
        s.machine.stop('test done');
        await s.done;
      }
    }, 240_000);
  }
});
