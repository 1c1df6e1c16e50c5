// The benchmark workloads: the tiny one's checksum is what the real CPU computes (its C program
// built by gcc -m32 and run on the host, as the guest builds it with tcc: four -DP=k units plus
// main), its script decodes from what is typed, and every typed line fits the shell's limit.
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  TINY_C, TINY_CHECKSUM, TINY_SCRIPT, tinyWorkload, luaWorkload, workload, LUA_CHECKSUM,
  PAR_CHECKSUM, PAR_SCRIPT, PAR_UNITS, parUnitOutput, parWorkload,
} from '../../../src/bench/workloads.ts';
import { parseMarkers } from '../../../src/bench/placement.ts';

describe('tiny workload', () => {
  it('its checksum is the md5 of the program built by gcc -m32 and run on the host', () => {
    const d = mkdtempSync(join(tmpdir(), 'seoulweb-tiny-'));
    try {
      writeFileSync(join(d, 't.c'), TINY_C);
      for (const p of [1, 2, 3, 4]) execFileSync('gcc', ['-m32', '-c', `-DP=${p}`, '-o', join(d, `p${p}.o`), join(d, 't.c')]);
      execFileSync('gcc', ['-m32', '-DP=0', '-o', join(d, 't'), join(d, 't.c'), ...[1, 2, 3, 4].map((p) => join(d, `p${p}.o`))]);
      const out = execFileSync(join(d, 't'));
      expect(out.toString()).toMatch(/^primes 3245\nzeta2 1\.644434191827\np1 [0-9a-f]{8}\n/);
      expect(createHash('md5').update(out).digest('hex')).toBe(TINY_CHECKSUM);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('types the script as base64 lines under 1024 bytes that decode to it, with no marker in the echo', () => {
    const w = tinyWorkload();
    const lines = w.command.split('\r');
    expect(lines.length).toBeGreaterThan(2);
    for (const l of lines) expect(l.length).toBeLessThan(1024);
    const b64 = lines.slice(0, -1).map((l) => /^echo ([A-Za-z0-9+/=]+) >>?\/tmp\/seoulweb-tiny\.b64$/.exec(l)![1]).join('');
    expect(atob(b64)).toBe(TINY_SCRIPT);
    expect(lines.at(-1)).toMatch(/^base64 -d \/tmp\/seoulweb-tiny\.b64 >\/tmp\/seoulweb-tiny\.sh && sh \/tmp\/seoulweb-tiny\.sh$/);
    // What the shell echoes back must not look like a marker or a panic to the orchestration.
    const echo = `${w.command.replace(/\r/g, '\r\n')}\r\n`;
    expect(parseMarkers(echo)).toEqual({ started: false });
    expect(TINY_SCRIPT).toContain('SEOULWEB-BENCH-START');
    expect(TINY_SCRIPT).toContain(TINY_C);
    expect(tinyWorkload(2).command.endsWith('sh /tmp/seoulweb-tiny.sh 2')).toBe(true);
  });

  it('the lua workload is seoulweb-bench with rounds', () => {
    expect(luaWorkload(3)).toMatchObject({ command: 'SEOULWEB_BENCH_ROUNDS=3 seoulweb-bench', checksum: LUA_CHECKSUM, rounds: 3 });
    expect(workload('tiny').checksum).toBe(TINY_CHECKSUM);
    expect(workload('lua', 2).description).toBe('tcc builds Lua 5.4, 2 × 33 units');
  });
});

describe('par workload (CPU-bound, parallel: the SMP speedup)', () => {
  it('its checksum is the md5 of the units computed on the host, and the host shell runs a unit to the same line', () => {
    let out = '';
    for (let u = 1; u <= PAR_UNITS; u++) out += parUnitOutput(u);
    expect(createHash('md5').update(out).digest('hex')).toBe(PAR_CHECKSUM);
    const unit = /xargs -P \$j -n 1 sh -c '([^']*)'/.exec(PAR_SCRIPT)![1].replace(/ >o\$u$/, '');
    expect(execFileSync('sh', ['-c', unit, '3']).toString()).toBe(parUnitOutput(3));
  });

  it('types its script as base64 lines under 1024 bytes, one job per CPU unless told', () => {
    const w = parWorkload();
    expect(w).toMatchObject({ name: 'par', checksum: PAR_CHECKSUM });
    const lines = w.command.split('\r');
    for (const l of lines) expect(l.length).toBeLessThan(1024);
    const b64 = lines.slice(0, -1).map((l) => /^echo ([A-Za-z0-9+/=]+) >>?\/tmp\/seoulweb-par\.b64$/.exec(l)![1]).join('');
    expect(atob(b64)).toBe(PAR_SCRIPT);
    expect(PAR_SCRIPT).toContain(`xargs -P $j -n 1`);
    expect(parseMarkers(`${w.command.replace(/\r/g, '\r\n')}\r\n`)).toEqual({ started: false });
    expect(parWorkload(2).command.endsWith('sh /tmp/seoulweb-par.sh 2')).toBe(true);
    expect(workload('par').checksum).toBe(PAR_CHECKSUM);
  });
});
