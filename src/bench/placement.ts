// The placement benchmark (issue 9): boot a fresh VM per cell (vCPUs × placement s/d), run
// the guest's /bin/seoulweb-bench (a tcc build of Lua, images/bench/), time it on the host
// between the guest's START and END markers, read the guest's own figure and checksum, and
// report the medians. A cell whose guest panics, stops, hangs or computes a wrong checksum is
// failed with the reason, never given a time. DOM-free: the page can reuse everything but
// `nodeGuest` (which reads the images from disk).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Machine } from '../vmm/machine.ts';
import { loadCoreModule } from '../vmm/core-module-node.ts';
import { nodeThreads } from '../vmm/threads-node.ts';

export type Placement = 's' | 'd';
export interface CellSpec { cpus: number; placement: Placement }

/** md5 of check.lua's output under the Lua the guest builds; the same for any rounds/jobs. */
export const EXPECTED_CHECKSUM = '0a05b8dd025ed130ba742ead787b9a81';
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
}

export function benchCommand(rounds: number, jobs?: number): string {
  return `SEOULWEB_BENCH_ROUNDS=${rounds} seoulweb-bench${jobs ? ' ' + jobs : ''}`;
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
export async function runOnce(guest: GuestConsole, o: BenchOptions): Promise<RunResult> {
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
      if (tStart < 0 && m.started) tStart = t;
      if (tEnd < 0 && m.end) tEnd = t;
    }
    wake?.();
  });
  void guest.done.then((st) => { stopped = st.reason; wake?.(); });
  const waitFor = async (ok: () => boolean, ms: number, what: string): Promise<string | null> => {
    const until = now() + ms;
    for (;;) {
      if (ok()) return null;
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
  for (const cell of o.cells) {
    const res: CellResult = { ...cell, runs: [], ok: true };
    for (let i = 0; i < o.repeat; i++) {
      o.progress?.(`cell ${cellLabel(cell)} run ${i + 1}/${o.repeat}: booting`);
      let r: RunResult;
      try {
        r = await runOnce(factory(cell), o);
      } catch (e) {
        r = { ok: false, reason: `error: ${e instanceof Error ? e.message : String(e)}` };
      }
      res.runs.push(r);
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
  }
  return out;
}

export function cellLabel(c: CellSpec): string { return `${c.cpus} (${c.placement})`; }

/** vCPUs × placements, in the seed table's column order: 1 (s), 1 (d), 2 (s), … */
export function matrix(cpus: number[], placements: Placement[]): CellSpec[] {
  return cpus.flatMap((n) => placements.map((p) => ({ cpus: n, placement: p })));
}

// ---- the real guest in Node ---------------------------------------------------------------
const IMAGES = fileURLToPath(new URL('../../images/', import.meta.url));
export interface NodeGuestOptions { kernel?: string; initrd?: string; ramMiB?: number; append?: string }

export function nodeGuest(g: NodeGuestOptions = {}): GuestFactory {
  const kernelFile = g.kernel ?? IMAGES + 'bzImage';
  const initrdFile = g.initrd ?? IMAGES + 'initramfs-bench.cpio.gz';
  const kernel = new Uint8Array(readFileSync(kernelFile));
  const initrd = new Uint8Array(readFileSync(initrdFile));
  return (cell) => {
    let out: ((t: string) => void) | null = null;
    let early = '';
    const decoder = new TextDecoder('latin1');
    const machine = new Machine(loadCoreModule(), {
      ramMiB: g.ramMiB ?? 256, cpus: cell.cpus, placement: cell.placement, machine: 'pc', noReboot: true,
      boot: { kind: 'linux', kernel, kernelName: kernelFile, initrd, initrdName: initrdFile, append: g.append ?? 'console=ttyS0' },
    }, {
      threads: nodeThreads,
      console: (b) => { const t = decoder.decode(b, { stream: true }); if (out) out(t); else early += t; },
      log: () => {},
    });
    const done = machine.run();
    return {
      onOutput: (cb) => { out = cb; if (early) { cb(early); early = ''; } },
      send: (t) => machine.sendConsole(new TextEncoder().encode(t)),
      done,
      stop: async () => { machine.stop('benchmark done'); await done; },
    };
  };
}
