// The trace cache (wasm/core/trace.ts): replayed instructions must do exactly what the ordinary
// path does, and a trace must never run bytes that are no longer in memory: code patched by the
// trace itself, by the host (as by another vCPU or a device) between two runs, new code at the same
// linear address; faults and exits inside a trace; budgets that end inside a loop.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CoreHarness, EXIT } from '../harness.ts';
import { flatMachine, SYS } from '../harness-idt.ts';
import { assemble } from '../nasm.ts';
import { randomPrograms, programMachine, state, runAll, sliceCounts } from './random-program.ts';
import { VCPU } from '../../../src/shared/layout.ts';

const AT = 0x10000;

/** `src` at AT run to HLT with traces off, then on: the two machines, for the same checks. */
function bothPaths(src: string, setup?: (h: CoreHarness) => void): CoreHarness[] {
  return [0, 1].map((on) => {
    const h = flatMachine(src, AT, 0x11, setup);
    h.core.traces(on);
    expect(runAll(h, 1_000_000)).toBe(EXIT.HLT);
    return h;
  });
}

describe('trace cache', () => {
  it('gives the same registers, flags, memory and instruction count as the ordinary path (gcc -O2 intmix, several slice sizes)', () => {
    const dir = fileURLToPath(new URL('../../../src/bench/workloads/', import.meta.url));
    const meta = JSON.parse(readFileSync(dir + 'intmix.json', 'utf8')) as { load: number; entry: number };
    const bin = new Uint8Array(readFileSync(dir + 'intmix.bin'));
    const results: Array<{ s: ReturnType<typeof state>; mem: number }> = [];
    for (const [on, slice] of [[0, 2_000_000], [1, 2_000_000], [1, 7], [1, 13], [1, 1000]] as const) {
      const h = flatMachine('hlt', AT, 0x11);
      h.write(meta.load, bin);
      h.eip = meta.entry;
      h.setReg('esp', 0x800000);
      h.core.traces(on);
      expect(runAll(h, slice)).toBe(EXIT.HLT);
      let sum = 0;
      const m = h.read(0, 0x800000);
      for (let i = 0; i < m.length; i += 4) sum = (sum * 31 + (m[i] | (m[i + 1] << 8) | (m[i + 2] << 16) | (m[i + 3] << 24))) | 0;
      results.push({ s: state(h), mem: sum });
    }
    expect(Number(results[0].s.instret)).toBeGreaterThan(10_000_000);
    for (const r of results.slice(1)) expect(r).toEqual(results[0]);
  });

  it('runs the new bytes when an instruction of the trace patches a later one', () => {
    // Each pass stores ECX into the immediate of the MOV that follows in the same trace.
    const src = `
      mov ecx, 3
      xor ebx, ebx
    top:
      mov [patch + 1], ecx
    patch:
      mov eax, 0x11111111
      add ebx, eax
      dec ecx
      jnz top
      hlt`;
    for (const h of bothPaths(src)) expect(h.reg('ebx')).toBe(3 + 2 + 1);
  });

  it('runs the new bytes when a replayed store hits a later instruction of its own trace', () => {
    // The store's address comes from a table: far away in the first two passes (the trace at
    // \`top\` is recorded whole in the second), into the immediate of the next MOV in the last two,
    // while that trace is replayed.
    const src = `
      mov ecx, 4
      xor ebx, ebx
    top:
      mov esi, [0x30000 + ecx*4]
      mov [esi], ecx
    patch:
      mov eax, 0x11111111
      add ebx, eax
      dec ecx
      jnz top
      hlt`;
    const patch = AT + 5 + 2 + 7 + 2 + 1;
    const table = (m: CoreHarness) => [0, patch, patch, 0x20000, 0x20000].forEach((v, i) => m.write32(0x30000 + i * 4, v));
    for (const h of bothPaths(src, table)) expect(h.reg('ebx')).toBe((2 * 0x11111111 + 2 + 1) >>> 0);
  });

  it('runs code the host (a device, another vCPU) rewrote between two runs', () => {
    const src = `
    top:
      mov eax, 1
      add ebx, eax
      dec ecx
      jnz top
      hlt`;
    const h = flatMachine(src, AT, 0x11);
    h.setReg('ecx', 2000);
    h.setReg('ebx', 0);
    expect(h.run(1000)).toBe(EXIT.BUDGET); // 250 passes: the loop is a trace by now
    h.write(AT + 1, [7, 0, 0, 0]); // mov eax, 7
    expect(runAll(h, 1_000_000)).toBe(EXIT.HLT);
    expect(h.reg('ebx')).toBe(250 * 1 + 1750 * 7);
  });

  it('runs new code put at the same linear address (a new program)', () => {
    const h = flatMachine('mov eax, 5\nadd eax, 6\nadd eax, 7\nhlt', AT, 0x11);
    expect(runAll(h, 1000)).toBe(EXIT.HLT);
    expect(h.reg('eax')).toBe(18);
    h.write(AT, assemble('mov eax, 5\nsub eax, 6\nsub eax, 7\nhlt', 32, AT));
    h.eip = AT;
    h.setField('halted', 0);
    h.refresh();
    expect(runAll(h, 1000)).toBe(EXIT.HLT);
    expect(h.reg('eax')).toBe((5 - 13) >>> 0);
  });

  it('stops inside a budget exactly and resumes with the same result', () => {
    const src = `
      mov ecx, 1000
    top:
      add eax, ecx
      xor edx, eax
      lea esi, [esi + ecx*4 + 8]
      push eax
      pop edi
      dec ecx
      jnz top
      hlt`;
    const ref = flatMachine(src, AT, 0x11);
    ref.core.traces(0);
    runAll(ref, 1_000_000);
    for (const slice of [1, 3, 5, 7, 11, 100]) {
      const h = flatMachine(src, AT, 0x11);
      const { ran } = sliceCounts(h, slice);
      // Every run() but the last retires exactly its budget.
      for (const r of ran.slice(0, -1)) expect(r).toBe(slice);
      const total = ran.reduce((a, b) => a + b, 0);
      expect(state(h)).toEqual(state(ref));
      expect(total).toBe(Number(state(ref).instret));
    }
  });

  it('delivers a fault inside a trace at the faulting instruction, after the ones before it', () => {
    // The loop's second pass reads beyond the data segment's limit: #GP(0) at the MOV, with the
    // ADD and INC of that pass done and ESP as before the MOV.
    const src = `
      xor ebx, ebx
      xor edx, edx
      mov ecx, 0
    top:
      add ebx, 1
      inc edx
      mov eax, [ecx*8 + 0xfffffff0]
      add ecx, 1
      jmp top`;
    for (const h of bothPaths(src, (m) => m.setSeg('ds', 0x10, 0, 0xfffffff7, 0xc093))) {
      // The #GP handler is a HLT at HANDLERS + 13; the frame holds the MOV's EIP.
      expect(h.reg('ebx')).toBe(2);
      expect(h.reg('edx')).toBe(2);
      expect(h.reg('ecx')).toBe(1);
      expect(h.eip).toBe(SYS.HANDLERS + 13 + 1);
      const frame = h.read(h.reg('esp'), 8);
      const dword = (i: number) => (frame[i] | (frame[i + 1] << 8) | (frame[i + 2] << 16) | (frame[i + 3] << 24)) >>> 0;
      expect(dword(0)).toBe(0); // error code
      expect(dword(4)).toBe(AT + 2 + 2 + 5 + 3 + 1); // EIP of the MOV
      expect(h.reg('esp')).toBe(0x70000 - 16);
    }
  });

  it('replays random straight-line code exactly as the ordinary path runs it (300 programs, fast and generic forms)', () => {
    // Each program's body runs 4 times (so its traces are recorded, then replayed, also chained).
    for (const prog of randomPrograms(0x7ace, 300, 4)) {
      const out = [0, 1].map((on) => {
        const h = programMachine(prog);
        h.core.jit(0);
        h.core.traces(on);
        expect(runAll(h, 1_000_000)).toBe(EXIT.HLT);
        return { s: state(h), data: Array.from(h.read(0x30000, 320)), stack: Array.from(h.read(0x70000 - 64, 64)) };
      });
      expect(out[1], `program:\n${prog.body}`).toEqual(out[0]);
    }
  });
});
