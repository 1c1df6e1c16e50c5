// What to benchmark, from the page's form or its address:
//   ?bench=1&cpus=1,2&placement=s,d&repeat=1&workload=tiny&rounds=1
// (bench=1 runs it on load). Bad values are reported and replaced by the defaults. DOM-free.
import type { Placement } from './placement.ts';
import type { WorkloadName } from './workloads.ts';

export interface BenchPlan {
  cpus: number[];
  placement: Placement[];
  repeat: number;
  workload: WorkloadName;
  rounds: number;
}

export const PLAN_DEFAULTS: BenchPlan = { cpus: [1, 2], placement: ['s', 'd'], repeat: 1, workload: 'lua', rounds: 1 };
export const PLAN_CPUS_MAX = 8;

function list<T>(v: string, one: (x: string) => T | undefined): T[] | undefined {
  const out: T[] = [];
  for (const x of v.split(',')) {
    const t = one(x.trim());
    if (t === undefined) return undefined;
    if (!out.includes(t)) out.push(t);
  }
  return out.length ? out : undefined;
}

const whole = (lo: number, hi: number) => (x: string) => {
  const n = Number(x);
  return x !== '' && Number.isInteger(n) && n >= lo && n <= hi ? n : undefined;
};

/** A plan from the query string; `run` says whether the address asks to start it (bench=1). */
export function planFromQuery(query: string): { plan: BenchPlan; run: boolean; problems: string[] } {
  const q = new URLSearchParams(query);
  const plan = structuredClone(PLAN_DEFAULTS);
  const problems: string[] = [];
  const field = <T>(key: string, parse: (v: string) => T | undefined, apply: (t: T) => void, what: string) => {
    const v = q.get(key);
    if (v === null) return;
    const t = parse(v);
    if (t === undefined) problems.push(`${key}=${v} is not ${what}; using the default`);
    else apply(t);
  };
  field('cpus', (v) => list(v, whole(1, PLAN_CPUS_MAX)), (t) => { plan.cpus = t; }, `a list of vCPU counts 1..${PLAN_CPUS_MAX}`);
  field('placement', (v) => list(v, (x) => (x === 's' || x === 'd' ? x : undefined)), (t) => { plan.placement = t; }, 'a list of s and d');
  field('repeat', whole(1, 100), (t) => { plan.repeat = t; }, 'a whole number 1..100');
  field('rounds', whole(1, 1000), (t) => { plan.rounds = t; }, 'a whole number 1..1000');
  field('workload', (v) => (v === 'lua' || v === 'tiny' ? v : undefined), (t) => { plan.workload = t; }, 'lua or tiny');
  const b = q.get('bench');
  return { plan, run: b !== null && b !== '0' && b !== 'false', problems };
}

/** The address that runs `plan` on load. */
export function planToQuery(plan: BenchPlan): string {
  const q = new URLSearchParams({
    bench: '1', cpus: plan.cpus.join(','), placement: plan.placement.join(','), repeat: String(plan.repeat), workload: plan.workload,
  });
  if (plan.workload === 'lua' && plan.rounds !== 1) q.set('rounds', String(plan.rounds));
  return `?${q.toString().replace(/%2C/g, ',')}`;
}

/** True when the address is about the benchmark (so the page does not boot its default Linux). */
export function isBenchQuery(query: string): boolean {
  return new URLSearchParams(query).has('bench');
}
