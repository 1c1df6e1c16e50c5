// The page's benchmark history: newest first, bounded, de-duplicated, defensive on read.
import { describe, it, expect } from 'vitest';
import { addToHistory, removeFromHistory, sanitizeHistory, HISTORY_MAX, entryId } from '../../../src/bench/history.ts';
import type { BenchReport } from '../../../src/bench/table.ts';

const rep = (date: string, environment = 'Chromium 156'): BenchReport => ({
  environment, date, machine: { hostCores: 2, cpuModel: '-', runtime: environment, platform: 'Linux', commit: 'abc1234' },
  options: { repeat: 1, command: 'x', workload: 'tiny' },
  cells: [{ cpus: 1, placement: 'd', runs: [], ok: true, hostSeconds: 5, guestSeconds: 5, skew: 0 }],
});

describe('bench history', () => {
  it('adds newest first, replaces an entry with the same id, removes, bounds the list', () => {
    let h = addToHistory([], rep('2026-01-01T00:00:00.000Z'));
    h = addToHistory(h, rep('2026-01-02T00:00:00.000Z'));
    h = addToHistory(h, rep('2026-01-02T00:00:00.000Z', 'Node 20.20'));
    expect(h.map((e) => e.id)).toEqual(['2026-01-02T00:00:00.000Z Node 20.20', '2026-01-02T00:00:00.000Z Chromium 156', '2026-01-01T00:00:00.000Z Chromium 156']);
    h = addToHistory(h, rep('2026-01-01T00:00:00.000Z'));
    expect(h).toHaveLength(3);
    expect(h[0].id).toBe(entryId(rep('2026-01-01T00:00:00.000Z')));
    expect(removeFromHistory(h, h[1].id)).toHaveLength(2);
    for (let i = 0; i < HISTORY_MAX + 5; i++) h = addToHistory(h, rep(new Date(i * 1000).toISOString()));
    expect(h).toHaveLength(HISTORY_MAX);
  });

  it('drops what is not a report when reading the store', () => {
    const good = addToHistory([], rep('2026-01-01T00:00:00.000Z'));
    expect(sanitizeHistory(undefined)).toEqual([]);
    expect(sanitizeHistory('junk')).toEqual([]);
    expect(sanitizeHistory([...good, null, { id: 'x' }, { id: 'y', report: { ...rep('z'), cells: [{ cpus: 1, placement: 'q', ok: true }] } }])).toEqual(good);
  });
});
