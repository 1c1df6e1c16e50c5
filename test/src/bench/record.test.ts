// docs/bench-history.md entries (newest first) and `npm run bench`'s arguments.
import { describe, it, expect } from 'vitest';
import { prependEntry, historyEntry, resultsTable, ENTRIES_MARK, HISTORY_HEADER } from '../../../src/bench/record.ts';
import { parseRunArgs } from '../../../src/bench/run-args.ts';

const meta = (date: string) => ({ date, commit: 'abc1234', node: 'v20.20.2', host: '2 × EPYC, load average 4.0', parts: ['cpu', 'boot'] });

describe('bench history file', () => {
  it('puts the newest entry first under the header, keeping the older ones', () => {
    const rows = [{ part: 'cpu', what: 'alu | loop', figure: '36 MIPS' }];
    expect(resultsTable(rows)).toBe('| part | what | figure |\n|---|---|---|\n| cpu | alu \\| loop | 36 MIPS |');
    const one = prependEntry(undefined, historyEntry(meta('2026-11-26 10:00 UTC'), rows));
    expect(one.startsWith(HISTORY_HEADER.trimEnd())).toBe(true);
    const two = prependEntry(one, historyEntry({ ...meta('2026-11-27 10:00 UTC'), note: 'Host loaded.' }, rows));
    const a = two.indexOf('## 2026-11-27');
    const b = two.indexOf('## 2026-11-26');
    expect(two.indexOf(ENTRIES_MARK)).toBeLessThan(a);
    expect(a).toBeLessThan(b);
    expect(two).toContain('Node v20.20.2; 2 × EPYC, load average 4.0; parts: cpu, boot. Host loaded.');
    expect(two.match(/^# Benchmark history/gm)).toHaveLength(1);
    expect(two).not.toMatch(/\n\n\n/);
  });

  it('parses parts and options', () => {
    expect(parseRunArgs([])).toMatchObject({ parts: ['cpu', 'exits', 'boot', 'matrix', 'speedup'], record: true, workload: 'tiny' });
    expect(parseRunArgs(['matrix', 'boot', '--no-record', '--note', 'loaded'])).toMatchObject({ parts: ['boot', 'matrix'], record: false, note: 'loaded' });
    expect(parseRunArgs(['matrix', '--workload', 'lua', '--rounds', '2'])).toMatchObject({ workload: 'lua', rounds: 2 });
    expect(() => parseRunArgs(['gpu'])).toThrow(/unknown argument 'gpu'/);
    expect(() => parseRunArgs(['--note'])).toThrow(/needs a value/);
  });
});
