// Rows from several environments (Node and a browser) in one seed-style table.
import { describe, it, expect } from 'vitest';
import { combinedRows, toMarkdownCombined, toMarkdown, type BenchReport } from '../../../src/bench/table.ts';
import type { CellResult } from '../../../src/bench/placement.ts';
import { tinyWorkload, luaWorkload } from '../../../src/bench/workloads.ts';

const cell = (cpus: number, placement: 's' | 'd', s?: number): CellResult => (s === undefined
  ? { cpus, placement, runs: [], ok: false, reason: 'timeout' }
  : { cpus, placement, runs: [], ok: true, hostSeconds: s, guestSeconds: s, skew: 0 });

const rep = (environment: string, cells: CellResult[], w = luaWorkload(1)): BenchReport => ({
  environment, date: '2026-11-26T10:00:00.000Z',
  machine: { hostCores: 2, cpuModel: 'EPYC', runtime: environment, platform: 'linux', commit: 'abc1234' },
  options: { repeat: 1, command: w.command, workload: w.name, description: w.description, rounds: w.rounds }, cells,
});

describe('combined table', () => {
  it('puts the union of cells in seed order, one row per environment, "-" for missing cells', () => {
    const node = rep('Node 20.20', [cell(1, 's', 110), cell(1, 'd', 100), cell(2, 'd', 55)]);
    const web = rep('Chromium 156', [cell(2, 's', 70), cell(1, 'd', 140), cell(2, 'd')], tinyWorkload());
    expect(combinedRows([node, web])).toEqual([
      ['kernel/vcpu', '1 (s)', '1 (d)', '2 (s)', '2 (d)'],
      ['Node 20.20', '110s (+10%)', '100s (+0%)', '-', '55.0s (-45%)'],
      ['Chromium 156', '-', '140s (+0%)', '70.0s (-50%)', 'failed: timeout'],
    ]);
    const md = toMarkdownCombined([node, web]);
    expect(md).toContain('| Chromium 156 | - | 140s (+0%) | 70.0s (-50%) | failed: timeout |');
    expect(md).toContain('- Node 20.20, 2026-11-26T10:00:00.000Z: `SEOULWEB_BENCH_ROUNDS=1 seoulweb-bench` (tcc builds Lua 5.4, 1 × 33 units)');
    expect(md).toContain('- Chromium 156, 2026-11-26T10:00:00.000Z: tiny (tcc builds a small C program as 4 units, runs it)');
    // The tiny workload's typed command (base64) stays out of the Markdown.
    expect(toMarkdown(web)).not.toContain('base64');
  });
});
