// The placement benchmark (issue 9): boot a fresh VM per cell (vCPUs × placement s/d), run a
// guest workload (src/bench/workloads.ts: the tcc build of Lua, or the tiny one), time it on the
// host between the guest's START and END markers, read the guest's own figure and checksum, and
// report the medians. A cell whose guest panics, stops, hangs or computes a wrong checksum is
// failed with the reason, never given a time. DOM-free and Node-free: the CLI (node-guest.ts)
// and the page (src/ui/bench-*.ts) each bring their own GuestFactory.
import { LUA_CHECKSUM, luaWorkload } from './workloads.ts';

export type Placement = 's' | 'd';
export interface CellSpec { cpus: number; placement: Placement }

/** md5 of check.lua's output under the Lua the guest builds; the same for any rounds/jobs. */
export const EXPECTED_CHECKSUM = LUA_CHECKSUM;
/** Rounds of the 33 Lua compile units (8 = 264 units, the size of the reference benchmark; 1 already takes ~75 s on one vCPU). */
export const DEFAULT_ROUNDS = 1;
export const PROMPT = '~ # ';

/** A booted guest's serial console, as the orchestration sees it (a fake one in tests). */
export interface GuestConsole {
  /** Called with every chunk of console text, in order. */
  onOutput(cb: (text: string) => void): void;
  send(text: string): void;
  /** Settles when the machine stops by itself (reset, shutdown, crash). */
  done: Promise<{ code: number; reason: string }>;
  stop(): Promise<void>;
}
export type GuestFactory = (cell: CellSpec) => GuestConsole;

export interface BenchOptions {
  cells: CellSpec[];
  repeat: number;
  /** The command typed at the guest's prompt. */
  command: string;
  /** Expected checksum; undefined accepts any. */
  checksum?: string;
  bootTimeoutMs: number;
  runTimeoutMs: number;
  /** Progress lines (stderr in the CLI). */
  progress?(line: string): void;
  /** Host clock in ms (performance.now); tests pass a fake. */
  now?(): number;
  /** Live progress for a UI: which cell is booting, when its timed part started, results. */
  events?: BenchEvents;
  /** Aborting fails the running cell and every later one with "cancelled". */
  signal?: AbortSignal;
}

/** Cell indexes are positions in BenchOptions.cells; runs count from 0. */
export interface BenchEvents {
  booting?(cell: number, run: number): void;
  /** The prompt came and the command was typed. */
  prompt?(cell: number, run: number): void;
  /** The START marker arrived at host time `t` (ms, the options' clock). */
  started?(cell: number, run: number, t: number): void;
  runDone?(cell: number, run: number, r: RunResult): void;
  cellDone?(cell: number, r: CellResult): void;
}

export const CANCELLED = 'cancelled';

export function benchCommand(rounds: number, jobs?: number): string {
  return luaWorkload(rounds, jobs).command;
}

export type RunResult =
  | { ok: true; hostSeconds: number; guestSeconds: number; checksum: string }
  | { ok: false; reason: string };

export interface CellResult extends CellSpec {
  runs: RunResult[];
  ok: boolean;
  reason?: string;
  /** Medians over the runs (ok cells only). */
  hostSeconds?: number;
  guestSeconds?: number;
  /** host/guest − 1 of the medians: the time virtualization check. */
  skew?: number;
}

// ---- console text ----------------------------------------------------------------------
const START_RE = /SEOULWEB-BENCH-START[^\n]*\n/;
const END_RE = /SEOULWEB-BENCH-END seconds=([0-9.]+) checksum=([0-9a-f]+)\r?\n/;
const FAIL_RE = /SEOULWEB-BENCH-FAIL ([^\r\n]*)\r?\n/;
const PANIC_RE = /Kernel panic[^\r\n]*|BUG: [^\r\n]*|Oops[^\r\n]*|general protection fault[^\r\n]*/;

export interface BenchMarkers {
  started: boolean;
  end?: { seconds: number; checksum: string };
  fail?: string;
  panic?: string;
}

/** What the console text after the bench command says so far. */
export function parseMarkers(text: string): BenchMarkers {
  const r: BenchMarkers = { started: START_RE.test(text) };
  const e = END_RE.exec(text);
  if (e) r.end = { seconds: Number(e[1]), checksum: e[2] };
  const f = FAIL_RE.exec(text);
  if (f) r.fail = f[1].trim();
  const p = PANIC_RE.exec(text);
  if (p) r.panic = p[0].trim();
  return r;
}

// ---- one run ---------------------------------------------------------------------------
/** Boot, wait for the prompt, run the command once; host time between the markers. */
export async function runOnce(guest: GuestConsole, o: BenchOptions, at?: { cell: number; run: number }): Promise<RunResult> {
  const now = o.now ?? (() => performance.now());
  let text = '';
  let benchFrom = -1; // text offset where the command was typed
  let tStart = -1;
  let tEnd = -1;
  let wake: (() => void) | null = null;
  let stopped: string | null = null;
  guest.onOutput((chunk) => {
    text += chunk;
    if (benchFrom >= 0) {
      const t = now();
      const m = parseMarkers(text.slice(benchFrom));
      if (tStart < 0 && m.started) { tStart = t; if (at) o.events?.started?.(at.cell, at.run, t); }
      if (tEnd < 0 && m.end) tEnd = t;
    }
    wake?.();
  });
  void guest.done.then((st) => { stopped = st.reason; wake?.(); });
  const onAbort = () => wake?.();
  o.signal?.addEventListener('abort', onAbort);
  const waitFor = async (ok: () => boolean, ms: number, what: string): Promise<string | null> => {
    const until = now() + ms;
    for (;;) {
      if (ok()) return null;
      if (o.signal?.aborted) return CANCELLED;
      const panic = parseMarkers(text).panic;
      if (panic) return `guest panic: ${panic}`;
      if (stopped !== null) return `machine stopped (${stopped}) ${what}`;
      if (now() > until) return `timeout ${what} (${Math.round(ms / 1000)} s)`;
      await new Promise<void>((r) => { wake = r; setTimeout(r, 200); });
      wake = null;
    }
  };
  try {
    const bootErr = await waitFor(() => /SEOULWEB-READY[\s\S]*~ # /.test(text), o.bootTimeoutMs, 'before the prompt');
    if (bootErr) return { ok: false, reason: bootErr };
    benchFrom = text.length;
    guest.send(o.command + '\r');
    if (at) o.events?.prompt?.(at.cell, at.run);
    const runErr = await waitFor(() => {
      const m = parseMarkers(text.slice(benchFrom));
      return m.end !== undefined || m.fail !== undefined;
    }, o.runTimeoutMs, 'waiting for SEOULWEB-BENCH-END');
    if (runErr) return { ok: false, reason: runErr };
    const m = parseMarkers(text.slice(benchFrom));
    if (m.fail !== undefined) return { ok: false, reason: `guest: ${m.fail}` };
    if (!m.started || tStart < 0) return { ok: false, reason: 'no SEOULWEB-BENCH-START marker' };
    const end = m.end!;
    if (o.checksum !== undefined && end.checksum !== o.checksum) {
      return { ok: false, reason: `wrong checksum ${end.checksum} (want ${o.checksum})` };
    }
    return { ok: true, hostSeconds: (tEnd - tStart) / 1000, guestSeconds: end.seconds, checksum: end.checksum };
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    await guest.stop();
  }
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** Runs every cell `repeat` times on a fresh guest each; a cell fails at its first failed run. */
export async function runMatrix(factory: GuestFactory, o: BenchOptions): Promise<CellResult[]> {
  const out: CellResult[] = [];
  for (const [ci, cell] of o.cells.entries()) {
    const res: CellResult = { ...cell, runs: [], ok: true };
    for (let i = 0; i < o.repeat; i++) {
      let r: RunResult;
      if (o.signal?.aborted) {
        r = { ok: false, reason: CANCELLED };
      } else try {
        o.progress?.(`cell ${cellLabel(cell)} run ${i + 1}/${o.repeat}: booting`);
        o.events?.booting?.(ci, i);
        r = await runOnce(factory(cell), o, { cell: ci, run: i });
      } catch (e) {
        r = { ok: false, reason: `error: ${e instanceof Error ? e.message : String(e)}` };
      }
      res.runs.push(r);
      o.events?.runDone?.(ci, i, r);
      o.progress?.(`cell ${cellLabel(cell)} run ${i + 1}/${o.repeat}: ` +
        (r.ok ? `host ${r.hostSeconds.toFixed(2)} s, guest ${r.guestSeconds.toFixed(2)} s, checksum ${r.checksum}` : `FAILED: ${r.reason}`));
      if (!r.ok) { res.ok = false; res.reason = r.reason; break; }
    }
    if (res.ok) {
      const ok = res.runs.filter((r): r is Extract<RunResult, { ok: true }> => r.ok);
      res.hostSeconds = median(ok.map((r) => r.hostSeconds));
      res.guestSeconds = median(ok.map((r) => r.guestSeconds));
      res.skew = res.guestSeconds > 0 ? res.hostSeconds / res.guestSeconds - 1 : undefined;
    }
    out.push(res);
    o.events?.cellDone?.(ci, res);
  }
  return out;
}

export function cellLabel(c: CellSpec): string { return `${c.cpus} (${c.placement})`; }

/** vCPUs × placements, in the seed table's column order: 1 (s), 1 (d), 2 (s), … */
export function matrix(cpus: number[], placements: Placement[]): CellSpec[] {
  return cpus.flatMap((n) => placements.map((p) => ({ cpus: n, placement: p })));
}

