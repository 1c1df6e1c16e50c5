// The benchmark's address form: ?bench=1&cpus=1,2&placement=s,d&repeat=1&workload=tiny.
import { describe, it, expect } from 'vitest';
import { planFromQuery, planToQuery, isBenchQuery, PLAN_DEFAULTS } from '../../../src/bench/plan.ts';

describe('bench plan from the address', () => {
  it('reads every field and round-trips', () => {
    const r = planFromQuery('?bench=1&cpus=1,2,4&placement=d,s&repeat=3&workload=tiny');
    expect(r).toEqual({ plan: { cpus: [1, 2, 4], placement: ['d', 's'], repeat: 3, workload: 'tiny', rounds: 1 }, run: true, problems: [] });
    expect(planToQuery(r.plan)).toBe('?bench=1&cpus=1,2,4&placement=d,s&repeat=3&workload=tiny');
    expect(planFromQuery(planToQuery({ ...PLAN_DEFAULTS, rounds: 8 })).plan.rounds).toBe(8);
  });

  it('reports bad values and keeps the defaults; bench=0 opens without running', () => {
    const r = planFromQuery('?bench=0&cpus=0,9&placement=x&repeat=-1&workload=kernel&rounds=abc');
    expect(r.run).toBe(false);
    expect(r.plan).toEqual(PLAN_DEFAULTS);
    expect(r.problems).toHaveLength(5);
    expect(r.problems[0]).toMatch(/^cpus=0,9 is not a list of vCPU counts 1\.\.8/);
    expect(planFromQuery('?cpus=2,2,1').plan.cpus).toEqual([2, 1]);
    expect(planFromQuery('').run).toBe(false);
    expect(isBenchQuery('?bench=0')).toBe(true);
    expect(isBenchQuery('?cpus=2')).toBe(false);
  });
});
