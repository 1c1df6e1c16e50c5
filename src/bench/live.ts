// The live state of a benchmark matrix while it runs, for the page's table and chart: every
// cell pending → booting → running (elapsed seconds since the guest's START marker) → a time,
// or FAILED with the reason. Fed by runMatrix's events; DOM-free.
import { cellLabel, type BenchEvents, type CellResult, type CellSpec, type RunResult } from './placement.ts';
import { formatSeconds, formatPercent } from './table.ts';

export type CellState = 'pending' | 'booting' | 'prompt' | 'running' | 'done' | 'failed';

export interface LiveCell {
  spec: CellSpec;
  state: CellState;
  /** Run in progress (0-based) and the runs wanted. */
  run: number;
  repeat: number;
  /** Host time (ms) of the current run's START marker. */
  startedAt?: number;
  /** Finished runs so far. */
  runs: RunResult[];
  result?: CellResult;
}

export class LiveMatrix implements BenchEvents {
  readonly cells: LiveCell[];
  constructor(specs: CellSpec[], repeat: number, private readonly changed: () => void = () => {}) {
    this.cells = specs.map((spec) => ({ spec, state: 'pending', run: 0, repeat, runs: [] }));
  }
  booting(i: number, run: number): void { this.set(i, { state: 'booting', run, startedAt: undefined }); }
  prompt(i: number): void { this.set(i, { state: 'prompt' }); }
  started(i: number, _run: number, t: number): void { this.set(i, { state: 'running', startedAt: t }); }
  runDone(i: number, _run: number, r: RunResult): void { this.cells[i].runs.push(r); this.changed(); }
  cellDone(i: number, r: CellResult): void { this.set(i, { state: r.ok ? 'done' : 'failed', result: r }); }
  private set(i: number, p: Partial<LiveCell>): void { Object.assign(this.cells[i], p); this.changed(); }

  /** The 1 (d) cell's time once it is done (the percentages' reference). */
  baseline(): number | undefined {
    const b = this.cells.find((c) => c.spec.cpus === 1 && c.spec.placement === 'd');
    return b?.result?.ok ? b.result.hostSeconds : undefined;
  }
}

/** What a cell of the live table says at host time `now` (ms). */
export function liveCellText(c: LiveCell, now: number, base: number | undefined): string {
  const of = c.repeat > 1 ? ` (run ${c.run + 1}/${c.repeat})` : '';
  switch (c.state) {
    case 'pending': return 'pending';
    case 'booting': return `booting${of}`;
    case 'prompt': return `starting${of}`;
    case 'running': return `running ${Math.max(0, (now - (c.startedAt ?? now)) / 1000).toFixed(0)} s${of}`;
    case 'failed': return `FAILED: ${c.result?.reason ?? 'unknown'}`;
    case 'done': {
      const s = c.result!.hostSeconds!;
      return base === undefined ? formatSeconds(s) : `${formatSeconds(s)} (${formatPercent(s / base - 1)})`;
    }
  }
}

export { cellLabel };
