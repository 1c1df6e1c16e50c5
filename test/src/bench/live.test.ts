// The live cell states the page shows while the matrix runs, fed by runMatrix's events.
import { describe, it, expect } from 'vitest';
import { LiveMatrix, liveCellText } from '../../../src/bench/live.ts';
import { runMatrix, matrix, type GuestConsole } from '../../../src/bench/placement.ts';

describe('LiveMatrix', () => {
  it('goes pending → booting → starting → running (elapsed) → time or FAILED, through runMatrix', async () => {
    const specs = matrix([1], ['s', 'd']);
    const seen: string[][] = [];
    const clock = { ms: 0 };
    const live = new LiveMatrix(specs, 1, () => seen.push(live.cells.map((c) => liveCellText(c, clock.ms, live.baseline()))));
    expect(live.cells.map((c) => liveCellText(c, 0, undefined))).toEqual(['pending', 'pending']);
    const guest = (fail: boolean): GuestConsole => {
      let out: (t: string) => void = () => {};
      return {
        onOutput(cb) { out = cb; setTimeout(() => out('SEOULWEB-READY\r\n~ # '), 1); },
        send() {
          setTimeout(() => {
            clock.ms = 1000;
            out('SEOULWEB-BENCH-START jobs=1\r\n');
            clock.ms = 13_500;
            out(fail ? 'SEOULWEB-BENCH-FAIL link\r\n' : 'SEOULWEB-BENCH-END seconds=12.50 checksum=abc\r\n');
          }, 1);
        },
        done: new Promise(() => {}),
        stop: async () => {},
      };
    };
    const cells = await runMatrix((c) => guest(c.placement === 's'), {
      cells: specs, repeat: 1, command: 'x', checksum: 'abc', bootTimeoutMs: 1e9, runTimeoutMs: 1e9, now: () => clock.ms, events: live,
    });
    expect(cells.map((c) => c.ok)).toEqual([false, true]);
    const flat = seen.map((s) => s.join(' | '));
    expect(flat).toContain('booting | pending');
    expect(flat).toContain('starting | pending');
    expect(flat).toContain('running 0 s | pending');
    expect(flat.at(-1)).toBe('FAILED: guest: link | 12.5s (+0%)');
    // Elapsed time while running, from the START marker's host time.
    live.cells[1].state = 'running';
    live.cells[1].startedAt = 1000;
    expect(liveCellText(live.cells[1], 8600, undefined)).toBe('running 8 s');
    live.cells[1].repeat = 3;
    live.cells[1].run = 1;
    expect(liveCellText(live.cells[1], 8600, undefined)).toBe('running 8 s (run 2/3)');
  });

  it('cancels the running cell and every later one', async () => {
    const specs = matrix([1, 2], ['d']);
    const ac = new AbortController();
    const live = new LiveMatrix(specs, 1);
    const cells = await runMatrix(() => ({
      onOutput(cb) { setTimeout(() => { cb('SEOULWEB-READY\r\n~ # '); }, 1); },
      send() { setTimeout(() => ac.abort(), 5); },
      done: new Promise(() => {}),
      stop: async () => {},
    }), { cells: specs, repeat: 1, command: 'x', bootTimeoutMs: 1e9, runTimeoutMs: 1e9, events: live, signal: ac.signal });
    expect(cells.map((c) => c.reason)).toEqual(['cancelled', 'cancelled']);
    expect(live.cells.map((c) => liveCellText(c, 0, undefined))).toEqual(['FAILED: cancelled', 'FAILED: cancelled']);
  });
});
