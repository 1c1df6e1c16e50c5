// `npm run bench`'s arguments: parts to run (cpu exits boot matrix speedup; default all) and options.
import type { WorkloadName } from './workloads.ts';

export const PARTS = ['cpu', 'exits', 'boot', 'matrix', 'speedup'] as const;
export type Part = (typeof PARTS)[number];

export interface RunArgs { parts: Part[]; record: boolean; note?: string; workload: WorkloadName; rounds: number }

export function parseRunArgs(argv: string[]): RunArgs {
  const a: RunArgs = { parts: [], record: true, workload: 'tiny', rounds: 1 };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = () => { if (i + 1 >= argv.length) throw new Error(`${k} needs a value`); return argv[++i]; };
    if ((PARTS as readonly string[]).includes(k)) { if (!a.parts.includes(k as Part)) a.parts.push(k as Part); }
    else if (k === '--no-record') a.record = false;
    else if (k === '--note') a.note = v();
    else if (k === '--workload') {
      const w = v();
      if (w !== 'tiny' && w !== 'lua' && w !== 'par') throw new Error(`--workload: '${w}' is not tiny, lua or par`);
      a.workload = w;
    } else if (k === '--rounds') {
      const n = Number(v());
      if (!Number.isInteger(n) || n < 1 || n > 1000) throw new Error('--rounds: not a whole number 1..1000');
      a.rounds = n;
    } else throw new Error(`unknown argument '${k}' (parts: ${PARTS.join(' ')}; --no-record, --note TEXT, --workload tiny|lua|par, --rounds N)`);
  }
  if (a.parts.length === 0) a.parts = [...PARTS];
  else a.parts.sort((x, y) => PARTS.indexOf(x) - PARTS.indexOf(y));
  return a;
}

