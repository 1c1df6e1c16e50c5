// The placement benchmark's results in the seed's form (issue 9):
//
//     kernel/vcpu    1 (s)        1 (d)       2 (s)        2 (d)
//     seoulweb-node  754s (+5%)   719s (+0%)  399s (-44%)  failed: timeout …
//
// percentages against 1 (d); plus the host-vs-guest time agreement of every cell (flagged
// beyond 1%), and Markdown / JSON exports with a description of the machine.
import { cellLabel, type CellResult } from './placement.ts';

/** Host and guest time may disagree by this much before a cell is flagged. */
export const SKEW_LIMIT = 0.01;

export interface MachineDescription {
  hostCores: number;
  cpuModel: string;
  runtime: string;
  platform: string;
  commit: string;
}

export interface BenchReport {
  /** Row name: the environment (seoulweb-node, seoulweb-chromium, …). */
  environment: string;
  date: string;
  machine: MachineDescription;
  options: { repeat: number; rounds: number; command: string };
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
      `${SKEW_LIMIT * 100}%). Workload: \`${r.options.command}\` (tcc builds Lua 5.4, ${r.options.rounds} × 33 units).`,
    `Machine: ${m.hostCores} host cores (${m.cpuModel}), ${m.runtime}, ${m.platform}, commit ${m.commit}.`,
    '',
  ].join('\n');
}

export function toJson(r: BenchReport): string {
  return JSON.stringify(r, null, 2) + '\n';
}
