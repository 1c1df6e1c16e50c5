// The placement benchmark's orchestration (issue 9): marker parsing, runs and medians, the
// seed-style table with percentages against 1 (d), failed cells, Markdown/JSON exports —
// on scripted fake guests — and one real 1 (d) cell on the real workload in Node.
import { describe, it, expect } from 'vitest';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  parseMarkers, runMatrix, matrix, median, benchCommand, EXPECTED_CHECKSUM,
  type GuestConsole, type CellSpec, type BenchOptions,
} from '../../../src/bench/placement.ts';
import { nodeGuest } from '../../../src/bench/node-guest.ts';
import { toText, toMarkdown, toJson, cellText, formatPercent, type BenchReport } from '../../../src/bench/table.ts';
import { parseBenchArgs } from '../../../src/bench/cli.ts';

const SUM = 'c0ffee00c0ffee00c0ffee00c0ffee00';
const BOOT = '[    0.000000] Linux version 6.1\r\nSEOULWEB-READY\r\n\r\n~ # \x1b[6n';

type Behaviour =
  | { kind: 'ok'; hostSeconds: number; guestSeconds: number; checksum?: string }
  | { kind: 'panic' } | { kind: 'hang' } | { kind: 'stop' } | { kind: 'fail' };

/** A guest that boots to the prompt and answers the bench command as scripted; a manual clock. */
function fakeGuests(behave: (c: CellSpec, run: number) => Behaviour) {
  const clock = { ms: 0 };
  const runs = new Map<string, number>();
  const factory = (cell: CellSpec): GuestConsole => {
    const key = `${cell.cpus}${cell.placement}`;
    const run = runs.get(key) ?? 0;
    runs.set(key, run + 1);
    const b = behave(cell, run);
    let out: (t: string) => void = () => {};
    let finish: (v: { code: number; reason: string }) => void = () => {};
    const done = new Promise<{ code: number; reason: string }>((r) => { finish = r; });
    const later = (f: () => void) => setTimeout(f, 1);
    return {
      onOutput(cb) { out = cb; later(() => out(BOOT)); },
      send(text) {
        later(() => {
          out(text.replace('\r', '\r\n'));
          if (b.kind === 'panic') { out('[   12.0] Kernel panic - not syncing: Attempted to kill init!\r\n'); return; }
          if (b.kind === 'stop') { finish({ code: 0, reason: 'guest reset' }); return; }
          out('SEOULWEB-BENCH-START jobs=1 rounds=1\r\n');
          if (b.kind === 'hang') return;
          if (b.kind === 'fail') { out('SEOULWEB-BENCH-FAIL compile\r\n'); return; }
          clock.ms += b.hostSeconds * 1000;
          // The END line arrives in two chunks: the parser must wait for the line's end.
          out(`SEOULWEB-BENCH-END seconds=${b.guestSeconds.toFixed(2)} checksum=${(b.checksum ?? SUM).slice(0, 5)}`);
          later(() => out(`${(b.checksum ?? SUM).slice(5)}\r\n~ # `));
        });
      },
      done,
      stop: async () => { finish({ code: 0, reason: 'benchmark done' }); },
    };
  };
  return { factory, clock };
}

function opts(clock: { ms: number }, cells: CellSpec[], over: Partial<BenchOptions> = {}): BenchOptions {
  return {
    cells, repeat: 1, command: benchCommand(1), checksum: SUM, bootTimeoutMs: 1e9, runTimeoutMs: 1e9,
    now: () => clock.ms, ...over,
  };
}

function report(cells: BenchReport['cells']): BenchReport {
  return {
    environment: 'seoulweb-node', date: '2026-11-26T00:00:00.000Z',
    machine: { hostCores: 2, cpuModel: 'test cpu', runtime: 'Node v20', platform: 'linux x64', commit: 'abc1234' },
    options: { repeat: 3, rounds: 1, command: benchCommand(1) }, cells,
  };
}

describe('bench markers', () => {
  it('parses START, END (whole lines only), FAIL and panics', () => {
    expect(parseMarkers('~ # seoulweb-bench\r\n').started).toBe(false);
    const partial = parseMarkers('SEOULWEB-BENCH-START jobs=2 rounds=1\r\nSEOULWEB-BENCH-END seconds=76.79 checksum=0a0');
    expect(partial.started).toBe(true);
    expect(partial.end).toBeUndefined();
    const m = parseMarkers('SEOULWEB-BENCH-START jobs=2 rounds=1\r\nSEOULWEB-BENCH-END seconds=76.79 checksum=0a05b8dd\r\n');
    expect(m.end).toEqual({ seconds: 76.79, checksum: '0a05b8dd' });
    expect(parseMarkers('SEOULWEB-BENCH-FAIL link\r\n').fail).toBe('link');
    expect(parseMarkers('[ 1.0] Kernel panic - not syncing: VFS\r\n').panic).toMatch(/^Kernel panic/);
  });

  it('builds the matrix in the seed column order and takes medians', () => {
    expect(matrix([1, 2], ['s', 'd']).map((c) => `${c.cpus}${c.placement}`)).toEqual(['1s', '1d', '2s', '2d']);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('bench orchestration on fake guests', () => {
  it('times each cell between the markers, takes the median of the repeats, reads the guest figure', async () => {
    const times: Record<string, number[]> = { '1s': [110, 100, 120], '1d': [100, 98, 102], '2s': [60, 55, 58], '2d': [50, 50, 50] };
    const { factory, clock } = fakeGuests((c, run) => {
      const h = times[`${c.cpus}${c.placement}`][run];
      return { kind: 'ok', hostSeconds: h, guestSeconds: c.cpus === 2 && c.placement === 's' ? h * 0.95 : h };
    });
    const cells = await runMatrix(factory, opts(clock, matrix([1, 2], ['s', 'd']), { repeat: 3 }));
    expect(cells.map((c) => c.ok)).toEqual([true, true, true, true]);
    expect(cells.map((c) => c.hostSeconds)).toEqual([110, 100, 58, 50]);
    expect(cells[0].runs).toHaveLength(3);
    expect(cells[1].skew).toBeCloseTo(0, 9);
    const r = report(cells);
    const text = toText(r);
    expect(text.split('\n')[0]).toMatch(/^kernel\/vcpu\s+1 \(s\)\s+1 \(d\)\s+2 \(s\)\s+2 \(d\)$/);
    expect(text).toMatch(/seoulweb-node\s+110s \(\+10%\)\s+100s \(\+0%\)\s+58\.0s \(-42%\)\s+50\.0s \(-50%\)/);
    // 2 (s): guest reports 5% less than the host measured: flagged.
    expect(text).toMatch(/host vs guest\s+\+0\.00%\s+\+0\.00%\s+\+5\.26% \(off by > 1%\)\s+\+0\.00%/);
    const md = toMarkdown(r);
    expect(md).toContain('| kernel/vcpu | 1 (s) | 1 (d) | 2 (s) | 2 (d) |');
    expect(md).toContain('| --- | --- | --- | --- | --- |');
    expect(md).toContain('| seoulweb-node | 110s (+10%) | 100s (+0%) | 58.0s (-42%) | 50.0s (-50%) |');
    expect(md).toContain('2 host cores (test cpu), Node v20, linux x64, commit abc1234');
    const j = JSON.parse(toJson(r));
    expect(j.machine.hostCores).toBe(2);
    expect(j.cells[3]).toMatchObject({ cpus: 2, placement: 'd', ok: true, hostSeconds: 50, guestSeconds: 50 });
  });

  it('reports failed cells with the reason, never as a time', async () => {
    const { factory, clock } = fakeGuests((c) => {
      if (c.cpus === 1 && c.placement === 's') return { kind: 'panic' };
      if (c.cpus === 1) return { kind: 'ok', hostSeconds: 100, guestSeconds: 100 };
      if (c.cpus === 2 && c.placement === 's') return { kind: 'ok', hostSeconds: 60, guestSeconds: 60, checksum: 'deadbeefdeadbeefdeadbeefdeadbeef' };
      if (c.cpus === 2) return { kind: 'hang' };
      if (c.placement === 's') return { kind: 'stop' };
      return { kind: 'fail' };
    });
    const cells = await runMatrix(factory, opts(clock, matrix([1, 2, 4], ['s', 'd']), { bootTimeoutMs: 5000, runTimeoutMs: 400, now: undefined }));
    const why = cells.map((c) => (c.ok ? 'ok' : c.reason));
    expect(why[0]).toMatch(/^guest panic: Kernel panic/);
    expect(why[1]).toBe('ok');
    expect(why[2]).toMatch(/^wrong checksum deadbeef/);
    expect(why[3]).toMatch(/^timeout waiting for SEOULWEB-BENCH-END/);
    expect(why[4]).toMatch(/^machine stopped \(guest reset\)/);
    expect(why[5]).toBe('guest: compile');
    for (const c of cells.filter((x) => !x.ok)) {
      expect(c.hostSeconds).toBeUndefined();
      expect(cellText(c, 100)).toMatch(/^failed: /);
    }
    const md = toMarkdown(report(cells));
    expect(md).toContain('failed: guest panic: Kernel panic');
    expect(md).not.toMatch(/\| 60\.0s/);
  });

  it('gives no percentages when 1 (d) is missing or failed', async () => {
    const { factory, clock } = fakeGuests(() => ({ kind: 'ok', hostSeconds: 30, guestSeconds: 30 }));
    const cells = await runMatrix(factory, opts(clock, matrix([2], ['s'])));
    expect(toText(report(cells))).toContain('seoulweb-node  30.0s');
    expect(toText(report(cells))).not.toContain('%)');
    expect(formatPercent(-0.444)).toBe('-44%');
    expect(formatPercent(0.05)).toBe('+5%');
  });

  it('parses the CLI options', () => {
    expect(parseBenchArgs([])).toMatchObject({ cpus: [1, 2, 4], placement: ['s', 'd'], repeat: 1 });
    expect(parseBenchArgs(['--cpus', '1,2', '--placement', 'd', '--repeat', '3', '--json', 'r.json']))
      .toMatchObject({ cpus: [1, 2], placement: ['d'], repeat: 3, json: 'r.json' });
    expect(() => parseBenchArgs(['--placement', 'x'])).toThrow(/not s or d/);
    expect(parseBenchArgs([]).workload).toBe('lua');
    expect(parseBenchArgs(['--workload', 'tiny']).workload).toBe('tiny');
    expect(() => parseBenchArgs(['--workload', 'kernel'])).toThrow(/not lua, tiny or par/);
    expect(() => parseBenchArgs(['--cpus', '9'])).toThrow(/1\.\.8/);
  });
});

const benchImage = fileURLToPath(new URL('../../../images/initramfs-bench.cpio.gz', import.meta.url));
describe.skipIf(!existsSync(benchImage))('bench on the real workload', () => {
  it('one 1 (d) cell: tcc builds Lua in the guest, the checksum matches', async () => {
    const cells = await runMatrix(nodeGuest(), {
      cells: [{ cpus: 1, placement: 'd' }], repeat: 1, command: benchCommand(1), checksum: EXPECTED_CHECKSUM,
      bootTimeoutMs: 120_000, runTimeoutMs: 400_000,
    });
    expect(cells[0].reason).toBeUndefined();
    expect(cells[0].ok).toBe(true);
    expect(cells[0].runs[0]).toMatchObject({ ok: true, checksum: EXPECTED_CHECKSUM });
  }, 600_000);
});
