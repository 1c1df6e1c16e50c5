// The page's placement benchmark (issue 9): the "Run benchmark" form (or ?bench=1&cpus=1,2&…),
// a fresh VM per cell with the guest's console in the page's terminal, the table filling in live,
// the bar chart, exports (Markdown, JSON: download or copy) and the history in IndexedDB.
// The orchestration is src/bench/ (shared with the CLI); this file is only the DOM around it.
import { runMatrix, matrix, cellLabel, CANCELLED, type CellResult } from '../bench/placement.ts';
import { LiveMatrix, liveCellText, type LiveCell } from '../bench/live.ts';
import { chartSvg, type ChartBar } from '../bench/chart.ts';
import { planFromQuery, planToQuery, PLAN_DEFAULTS, type BenchPlan } from '../bench/plan.ts';
import { workload } from '../bench/workloads.ts';
import { browserEnvironment, type BrandVersion } from '../bench/environment.ts';
import {
  toMarkdown, toJson, toMarkdownCombined, skewText, cellText, baseline, exportFileName,
  type BenchReport, type MachineDescription,
} from '../bench/table.ts';
import type { App } from './app.ts';
import { loadBenchImages, webGuest } from './bench-guest.ts';
import { BenchHistoryView } from './bench-history-view.ts';
import { copy, download } from './bench-export.ts';
import { checkCapabilities } from './capabilities.ts';

declare const __SEOULWEB_COMMIT__: string;
const COMMIT = typeof __SEOULWEB_COMMIT__ === 'string' ? __SEOULWEB_COMMIT__ : 'unknown';
const BOOT_TIMEOUT_MS = 600_000;
const RUN_TIMEOUT_MS = 3_600_000;
const TICK_MS = 500;

export type BenchState = 'idle' | 'running' | 'done';

const $ = <T extends HTMLElement>(root: ParentNode, sel: string): T => {
  const el = root.querySelector<T>(sel);
  if (!el) throw new Error(`page markup: ${sel} is missing`);
  return el;
};

export function describeBrowser(): MachineDescription {
  const uad = (navigator as Navigator & { userAgentData?: { brands?: BrandVersion[]; platform?: string } }).userAgentData;
  return {
    hostCores: navigator.hardwareConcurrency ?? 0,
    cpuModel: 'not visible to pages',
    runtime: browserEnvironment(navigator.userAgent, uad?.brands),
    platform: uad?.platform || navigator.platform || 'unknown',
    commit: COMMIT,
    userAgent: navigator.userAgent,
  };
}

export class BenchPanel {
  state: BenchState = 'idle';
  /** The report on display: the last run, or a history entry the user picked. */
  report: BenchReport | null = null;
  readonly history: BenchHistoryView;
  private readonly box: HTMLElement;
  private readonly form: HTMLFormElement;
  private readonly statusLine: HTMLElement;
  private readonly table: HTMLTableElement;
  private readonly chart: HTMLElement;
  private readonly runBtn: HTMLButtonElement;
  private readonly stopBtn: HTMLButtonElement;
  private readonly toggle: HTMLButtonElement;
  private live: LiveMatrix | null = null;
  private abort: AbortController | null = null;
  private envLabel = browserEnvironment(navigator.userAgent);

  constructor(root: HTMLElement, private readonly app: App) {
    this.box = $(root, '#bench');
    this.form = $(root, '#bench-form');
    this.statusLine = $(root, '#bench-status');
    this.table = $(root, '#bench-table');
    this.chart = $(root, '#bench-chart');
    this.runBtn = $(root, '#bench-run');
    this.stopBtn = $(root, '#bench-stop');
    this.toggle = $(root, '#bench-toggle');
    this.envLabel = describeBrowser().runtime;
    this.history = new BenchHistoryView($(root, '#bench-history'), (r) => this.show(r));
    this.toggle.addEventListener('click', () => this.open(this.box.hidden));
    this.form.addEventListener('submit', (ev) => { ev.preventDefault(); void this.run(this.readPlan()); });
    this.stopBtn.addEventListener('click', () => this.abort?.abort());
    for (const b of this.box.querySelectorAll<HTMLButtonElement>('[data-export]')) {
      b.addEventListener('click', () => void this.export(b.dataset.export!));
    }
    this.writeForm(PLAN_DEFAULTS);
  }

  /** Reads ?bench=…; resolves true when the address asked to run the benchmark now. */
  async start(query: string): Promise<boolean> {
    await this.history.load();
    const { plan, run, problems } = planFromQuery(query);
    this.writeForm(plan);
    if (problems.length) this.say(`Address: ${problems.join('; ')}`);
    if (new URLSearchParams(query).has('bench')) this.open(true);
    return run;
  }

  open(on: boolean): void {
    this.box.hidden = !on;
    this.toggle.setAttribute('aria-pressed', String(on));
  }

  /** The plan in the form. */
  readPlan(): BenchPlan {
    const f = new FormData(this.form);
    const q = new URLSearchParams();
    for (const k of ['cpus', 'placement', 'repeat', 'workload', 'rounds']) q.set(k, String(f.get(k) ?? '').replace(/\s+/g, ''));
    const { plan, problems } = planFromQuery(q.toString());
    if (problems.length) this.say(problems.join('; '));
    return plan;
  }

  private writeForm(p: BenchPlan): void {
    const set = (name: string, v: string) => { $<HTMLInputElement>(this.form, `[name="${name}"]`).value = v; };
    set('cpus', p.cpus.join(','));
    set('placement', p.placement.join(','));
    set('repeat', String(p.repeat));
    set('workload', p.workload);
    set('rounds', String(p.rounds));
  }

  private say(text: string): void { this.statusLine.textContent = text; }

  /** Run the matrix: the page's own machine is stopped first; one fresh VM per cell. */
  async run(plan: BenchPlan): Promise<BenchReport | null> {
    if (this.state === 'running') return null;
    this.open(true);
    const fatal = [...new Set(plan.placement)].flatMap((p) => checkCapabilities(p)).filter((p) => p.fatal);
    if (fatal.length) { this.say(`Cannot run the benchmark here: ${fatal[0].title} ${fatal[0].detail}`); return null; }
    this.state = 'running';
    this.setBusy(true);
    history.replaceState(null, '', `${location.pathname}${planToQuery(plan)}${location.hash}`);
    const w = workload(plan.workload, plan.rounds);
    const cells = matrix(plan.cpus, plan.placement);
    const abort = new AbortController();
    this.abort = abort;
    const live = new LiveMatrix(cells, plan.repeat, () => this.renderLive());
    this.live = live;
    this.report = null;
    this.renderLive();
    const tick = setInterval(() => this.renderLive(), TICK_MS);
    let results: CellResult[];
    try {
      await this.app.yieldTo('the benchmark');
      this.say('Loading the CPU core and the benchmark images…');
      const module = await this.app.coreModule();
      const boot = await loadBenchImages((label, l, t) => this.say(`Loading the ${label}: ${(l / 1048576).toFixed(1)} of ${(t / 1048576).toFixed(1)} MiB`));
      this.say(`Running ${cells.length} cell(s) × ${plan.repeat}: ${w.description}. The terminal shows the current cell's guest.`);
      const guest = webGuest({ module, boot, console: (b) => this.app.console.write(b), log: (l) => this.app.status.log(l) });
      results = await runMatrix((cell) => { this.app.console.clear(); return guest(cell); }, {
        cells, repeat: plan.repeat, command: w.command, checksum: w.checksum,
        bootTimeoutMs: BOOT_TIMEOUT_MS, runTimeoutMs: RUN_TIMEOUT_MS,
        events: live, signal: abort.signal,
        progress: (l) => this.app.status.log(`bench: ${l}`),
      });
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      results = cells.map((c) => ({ ...c, runs: [], ok: false, reason: `error: ${why}` }));
    } finally {
      clearInterval(tick);
    }
    const report: BenchReport = {
      environment: this.envLabel, date: new Date().toISOString(), machine: describeBrowser(),
      options: { repeat: plan.repeat, command: w.command, workload: w.name, description: w.description, rounds: w.rounds },
      cells: results,
    };
    this.live = null;
    this.report = report;
    this.state = 'done';
    this.setBusy(false);
    this.abort = null;
    const failed = results.filter((c) => !c.ok).length;
    this.say(abort.signal.aborted ? 'Stopped: the remaining cells are marked cancelled.'
      : failed ? `Done: ${failed} of ${results.length} cell(s) failed (reasons in the table).` : `Done: ${results.length} cell(s).`);
    this.app.status.phase('benchmark finished (Boot starts a machine again)');
    this.render(report);
    await this.history.add(report);
    return report;
  }

  /** Show a finished report (the last run or one from the history). */
  show(r: BenchReport): void {
    if (this.state === 'running') return;
    this.report = r;
    this.render(r);
    this.say(`Showing ${r.environment}, ${new Date(r.date).toLocaleString()}.`);
  }

  private setBusy(on: boolean): void {
    this.runBtn.disabled = on;
    this.stopBtn.disabled = !on;
    for (const id of ['#boot', '#reset']) ($(document, id) as HTMLButtonElement).disabled = on;
  }

  private async export(kind: string): Promise<void> {
    const r = this.report;
    if (kind.startsWith('history-')) {
      const text = toMarkdownCombined(this.history.entries.map((e) => e.report));
      if (kind === 'history-md-download') download('seoulweb-bench-history.md', text, 'text/markdown');
      else this.say((await copy(text)) ? 'The history table is on the clipboard.' : 'Copying failed: use the download.');
      return;
    }
    if (!r) { this.say('Nothing to export yet: run the benchmark or pick a run from the history.'); return; }
    const md = kind.startsWith('md');
    const text = md ? toMarkdown(r) : toJson(r);
    if (kind.endsWith('download')) download(exportFileName(r.date, r.environment, md ? 'md' : 'json'), text, md ? 'text/markdown' : 'application/json');
    else this.say((await copy(text)) ? `${md ? 'Markdown' : 'JSON'} is on the clipboard.` : 'Copying failed: use the download.');
  }

  // ---- rendering ----------------------------------------------------------------------
  private renderLive(): void {
    const live = this.live;
    if (!live) return;
    const now = performance.now();
    const base = live.baseline();
    const rows: { label: string; cells: { text: string; cls: string; checksum?: string }[] }[] = [
      { label: this.envLabel, cells: live.cells.map((c) => ({ text: liveCellText(c, now, base), cls: c.state, checksum: checksumOf(c.result) })) },
      { label: 'host vs guest', cells: live.cells.map((c) => ({ text: c.result ? skewText(c.result) : '-', cls: 'skew' })) },
    ];
    this.renderTable(live.cells.map((c) => cellLabel(c.spec)), rows);
    this.chart.innerHTML = chartSvg(live.cells.map((c) => liveBar(c, now, base)));
  }

  private render(r: BenchReport): void {
    const base = baseline(r.cells);
    this.renderTable(r.cells.map(cellLabel), [
      { label: r.environment, cells: r.cells.map((c) => ({ text: c.ok ? cellText(c, base) : `FAILED: ${c.reason ?? 'unknown'}`, cls: c.ok ? 'done' : 'failed', checksum: checksumOf(c) })) },
      { label: 'host vs guest', cells: r.cells.map((c) => ({ text: skewText(c), cls: 'skew' })) },
    ]);
    this.chart.innerHTML = chartSvg(r.cells.map((c) => ({
      label: cellLabel(c), state: c.ok ? 'done' : 'failed', seconds: c.hostSeconds,
      note: c.ok ? cellText(c, base) : c.reason,
    })));
  }

  private renderTable(labels: string[], rows: { label: string; cells: { text: string; cls: string; checksum?: string }[] }[]): void {
    const head = document.createElement('tr');
    for (const t of ['kernel/vcpu', ...labels]) head.append(Object.assign(document.createElement('th'), { textContent: t }));
    const body = rows.map((row) => {
      const tr = document.createElement('tr');
      tr.append(Object.assign(document.createElement('th'), { textContent: row.label, scope: 'row' }));
      for (const c of row.cells) {
        const td = document.createElement('td');
        td.className = c.cls;
        td.dataset.state = c.cls;
        td.append(c.text);
        if (c.checksum) {
          const s = document.createElement('span');
          s.className = 'checksum';
          s.textContent = `checksum ✓ ${c.checksum.slice(0, 8)}`;
          s.title = `md5 ${c.checksum}: the expected value`;
          td.append(document.createElement('br'), s);
        }
        tr.append(td);
      }
      return tr;
    });
    this.table.replaceChildren(head, ...body);
  }
}

/** A cell's checksum when every run reported the expected one (failed cells have no time, no ✓). */
function checksumOf(c: CellResult | undefined): string | undefined {
  if (!c?.ok) return undefined;
  const r = c.runs[0];
  return r?.ok ? r.checksum : undefined;
}

function liveBar(c: LiveCell, now: number, base: number | undefined): ChartBar {
  const label = cellLabel(c.spec);
  if (c.state === 'done') return { label, state: 'done', seconds: c.result!.hostSeconds, note: liveCellText(c, now, base) };
  if (c.state === 'failed') return { label, state: 'failed', note: c.result?.reason ?? CANCELLED };
  if (c.state === 'running') return { label, state: 'running', seconds: (now - (c.startedAt ?? now)) / 1000, note: liveCellText(c, now, base) };
  return { label, state: c.state };
}
