// The placement benchmark's results in the seed's form (issue 9):
//
//     kernel/vcpu    1 (s)        1 (d)       2 (s)        2 (d)
//     seoulweb-node  754s (+5%)   719s (+0%)  399s (-44%)  failed: timeout …
//
// percentages against 1 (d); plus the host-vs-guest time agreement of every cell (flagged
// beyond 1%), and Markdown / JSON exports with a description of the machine.
import { cellLabel, type CellResult } from './placement.ts';
import type { WorkloadName } from './workloads.ts';

/** Host and guest time may disagree by this much before a cell is flagged. */
export const SKEW_LIMIT = 0.01;

export interface MachineDescription {
  hostCores: number;
  cpuModel: string;
  runtime: string;
  platform: string;
  commit: string;
  /** The browser's user agent string (page runs only). */
  userAgent?: string;
}

export interface BenchReport {
  /** Row name: the environment, "Node 20.20" or the browser engine, "Chromium 156". */
  environment: string;
  date: string;
  machine: MachineDescription;
  options: {
    repeat: number; command: string;
    /** Absent in reports written before the tiny workload existed (they are all lua). */
    workload?: WorkloadName;
    /** What the workload does, e.g. "tcc builds Lua 5.4, 1 × 33 units". */
    description?: string;
    /** Lua rounds (lua workload). */
    rounds?: number;
  };
  cells: CellResult[];
}

export function formatSeconds(s: number): string {
  return s >= 100 ? `${Math.round(s)}s` : `${s.toFixed(1)}s`;
}

export function formatPercent(p: number): string {
  const r = Math.round(p * 100);
  return `${r >= 0 ? '+' : ''}${r}%`;
}

/** The 1 (d) cell's median host time, the table's reference, if it succeeded. */
export function baseline(cells: CellResult[]): number | undefined {
  const b = cells.find((c) => c.cpus === 1 && c.placement === 'd');
  return b?.ok ? b.hostSeconds : undefined;
}

export function cellText(c: CellResult, base: number | undefined): string {
  if (!c.ok || c.hostSeconds === undefined) return `failed: ${c.reason ?? 'unknown'}`;
  const t = formatSeconds(c.hostSeconds);
  return base === undefined ? t : `${t} (${formatPercent(c.hostSeconds / base - 1)})`;
}

export function skewText(c: CellResult): string {
  if (!c.ok || c.skew === undefined) return '-';
  const t = `${c.skew >= 0 ? '+' : ''}${(c.skew * 100).toFixed(2)}%`;
  return Math.abs(c.skew) > SKEW_LIMIT ? `${t} (off by > 1%)` : t;
}

/** Rows of cells: header, the environment's times, host-vs-guest agreement. */
export function tableRows(r: BenchReport): string[][] {
  const base = baseline(r.cells);
  return [
    ['kernel/vcpu', ...r.cells.map(cellLabel)],
    [r.environment, ...r.cells.map((c) => cellText(c, base))],
    ['host vs guest', ...r.cells.map(skewText)],
  ];
}

/**
 * Several reports (e.g. Node and Chromium) in one table: the union of their cells as columns in
 * the seed's order, one row per report ("-" where it has no such cell), percentages against
 * each row's own 1 (d).
 */
export function combinedRows(reports: BenchReport[]): string[][] {
  const keys = new Map<string, { cpus: number; placement: string }>();
  for (const r of reports) for (const c of r.cells) keys.set(cellLabel(c), c);
  const cols = [...keys.entries()].sort(([, a], [, b]) => a.cpus - b.cpus || (a.placement < b.placement ? 1 : a.placement > b.placement ? -1 : 0));
  return [
    ['kernel/vcpu', ...cols.map(([k]) => k)],
    ...reports.map((r) => {
      const base = baseline(r.cells);
      return [r.environment, ...cols.map(([k]) => {
        const c = r.cells.find((x) => cellLabel(x) === k);
        return c ? cellText(c, base) : '-';
      })];
    }),
  ];
}

export function workloadText(r: BenchReport): string {
  const o = r.options;
  const name = o.workload ?? 'lua';
  return name === 'lua' ? `\`${o.command}\` (${o.description ?? `tcc builds Lua 5.4, ${o.rounds ?? 1} × 33 units`})` : `${name} (${o.description ?? ''})`;
}

/** Plain aligned text, as in the seed. */
export function toText(r: BenchReport): string {
  const rows = tableRows(r);
  const w = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows.map((row) => row.map((c, i) => c.padEnd(w[i])).join('  ').trimEnd()).join('\n');
}

function mdEscape(s: string): string { return s.replace(/\|/g, '\\|'); }

export function toMarkdown(r: BenchReport): string {
  const rows = tableRows(r);
  const line = (row: string[]) => `| ${row.map(mdEscape).join(' | ')} |`;
  const m = r.machine;
  return [
    `### Placement benchmark (${r.date})`,
    '',
    line(rows[0]),
    line(rows[0].map(() => '---')),
    ...rows.slice(1).map(line),
    '',
    `Median host time between SEOULWEB-BENCH-START and -END over ${r.options.repeat} run(s) per cell, ` +
      `a fresh VM each; percentages against 1 (d). "host vs guest": host time / guest time − 1 (flagged beyond ` +
      `${SKEW_LIMIT * 100}%). Workload: ${workloadText(r)}.`,
    `Machine: ${m.hostCores} host cores (${m.cpuModel}), ${m.runtime}, ${m.platform}, commit ${m.commit}.`,
    '',
  ].join('\n');
}

/** Several reports as one Markdown table (rows per environment), each report's details below. */
export function toMarkdownCombined(reports: BenchReport[]): string {
  const rows = combinedRows(reports);
  const line = (row: string[]) => `| ${row.map(mdEscape).join(' | ')} |`;
  return [
    line(rows[0]),
    line(rows[0].map(() => '---')),
    ...rows.slice(1).map(line),
    '',
    ...reports.map((r) => `- ${r.environment}, ${r.date}: ${workloadText(r)}, ${r.options.repeat} run(s) per cell; ` +
      `${r.machine.hostCores} host cores, ${r.machine.runtime}, commit ${r.machine.commit}.`),
    '',
  ].join('\n');
}

export function toJson(r: BenchReport): string {
  return JSON.stringify(r, null, 2) + '\n';
}

/** A file name for a report: seoulweb-bench-2026-11-26T10-20-00-chromium-156.md */
export function exportFileName(date: string, environment: string, ext: string): string {
  const d = date.replace(/\.\d+Z$/, '').replace(/[^0-9T-]/g, '-');
  return `seoulweb-bench-${d}-${environment.toLowerCase().replace(/[^a-z0-9.]+/g, '-')}.${ext}`;
}
