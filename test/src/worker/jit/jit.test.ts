// The trace compiler (src/worker/jit/): compiled traces must do exactly what the ordinary path and
// the trace interpreter do, including where a trace stops early (faults, stores into its own
// code, budgets), and the compiler must really take over hot code.
import { describe, it, expect } from 'vitest';
import { CoreHarness, EXIT } from '../../../wasm/harness.ts';
import { flatMachine, SYS } from '../../../wasm/harness-idt.ts';
import { randomPrograms, programMachine, state, runAll, sliceCounts, AT } from '../../../wasm/core/random-program.ts';
import { VCPU } from '../../../../src/shared/layout.ts';

type Path = 'ordinary' | 'replay' | 'compiled';
/** Set up the machine for one of the three paths. */
function path(h: CoreHarness, p: Path): CoreHarness {
  h.core.traces(p === 'ordinary' ? 0 : 1);
  h.core.jit(p === 'compiled' ? 1 : 0);
  return h;
}

describe('trace compiler', () => {
  it('runs random looped programs exactly as the ordinary path and the trace interpreter (200 programs)', () => {
    let compiled = 0;
    let entries = 0;
    let generic = 0;
    for (const prog of randomPrograms(0x5eed, 200, 40)) {
      const out = (['ordinary', 'replay', 'compiled'] as Path[]).map((p) => {
        const h = path(programMachine(prog), p);
        // Small slices: the host compiles between two run() calls.
        expect(runAll(h, p === 'compiled' ? 97 : 1_000_000)).toBe(EXIT.HLT);
        if (p === 'compiled') {
          const st = h.core.compiler!.stats;
          compiled += st.compiled; entries += st.entries; generic += st.generic;
        }
        return { s: state(h), data: Array.from(h.read(0x30000, 320)), stack: Array.from(h.read(0x70000 - 64, 64)) };
      });
      expect(out[1], `replay, program:\n${prog.body}`).toEqual(out[0]);
      expect(out[2], `compiled, program:\n${prog.body}`).toEqual(out[0]);
    }
    // Every program has hot traces; most entries are compiled, not handed to the generic case.
    expect(compiled).toBeGreaterThan(400);
    expect(generic / entries).toBeLessThan(0.35);
  });

  it('delivers a fault inside a compiled trace at the faulting instruction, after the ones before it', () => {
    // 101 passes read below the data segment's limit, the 102nd beyond it: #GP(0) at the MOV, with
    // the ADD and INC of that pass done and ESP as before the MOV.
    const src = `
      xor ebx, ebx
      xor edx, edx
      mov ecx, 0
    top:
      add ebx, 1
      inc edx
      mov eax, [ecx*8 + 0xfffffcd0]
      add ecx, 1
      jmp top`;
    const h = flatMachine(src, AT, 0x11, (m) => m.setSeg('ds', 0x10, 0, 0xfffffff7, 0xc093));
    h.core.jit(2);
    expect(runAll(h, 50)).toBe(EXIT.HLT);
    expect(h.core.compiler!.stats.compiled).toBeGreaterThan(0);
    expect(h.reg('ebx')).toBe(102);
    expect(h.reg('edx')).toBe(102);
    expect(h.reg('ecx')).toBe(101);
    expect(h.eip).toBe(SYS.HANDLERS + 13 + 1);
    const frame = h.read(h.reg('esp'), 8);
    const dword = (i: number) => (frame[i] | (frame[i + 1] << 8) | (frame[i + 2] << 16) | (frame[i + 3] << 24)) >>> 0;
    expect(dword(0)).toBe(0);
    expect(dword(4)).toBe(AT + 2 + 2 + 5 + 3 + 1);
    expect(h.reg('esp')).toBe(0x70000 - 16);
  });

  it('runs the new bytes when a compiled store hits a later instruction of its own trace', () => {
    // 60 passes store far away (the trace is compiled by then); the last 4 store into the
    // immediate of the MOV that follows, which must then load the new value.
    const src = `
      mov ecx, 64
      xor ebx, ebx
    top:
      mov esi, 0x20000
      cmp ecx, 4
      ja away
      mov esi, patch + 1
    away:
      mov [esi], ecx
    patch:
      mov eax, 0x11111111
      add ebx, eax
      dec ecx
      jnz top
      hlt`;
    const [ref, h] = (['ordinary', 'compiled'] as Path[]).map((p) => {
      const m = path(flatMachine(src, AT, 0x11), p);
      expect(runAll(m, 61)).toBe(EXIT.HLT);
      return m;
    });
    expect(h.core.compiler!.stats.compiled).toBeGreaterThan(0);
    expect(h.reg('ebx')).toBe((60 * 0x11111111 + 4 + 3 + 2 + 1) >>> 0);
    expect(state(h)).toEqual(state(ref));
  });

  it('reads memory outside RAM (the slow path) and across pages from a compiled trace', () => {
    const src = `
      mov ecx, 300
      xor ebx, ebx
    top:
      mov eax, [0x2000000]
      add ebx, eax
      mov eax, [0x30ffe]
      add ebx, eax
      mov [0x31ffd], ecx
      add ebx, [0x31ffc]
      dec ecx
      jnz top
      hlt`;
    const [ref, h] = (['ordinary', 'compiled'] as Path[]).map((p) => {
      const m = path(flatMachine(src, AT, 0x11), p);
      m.write32(0x30ffc, 0x12345678); m.write32(0x31000, 0x9abcdef0);
      expect(runAll(m, 100)).toBe(EXIT.HLT);
      return m;
    });
    expect(h.core.compiler!.stats.compiled).toBeGreaterThan(0);
    expect(state(h)).toEqual(state(ref));
    expect(Array.from(h.read(0x31ff8, 16))).toEqual(Array.from(ref.read(0x31ff8, 16)));
  });

  it('loops a trace that branches to itself inside its function, stopping exactly at budgets', () => {
    const src = `
      mov ecx, 3000
    top:
      add eax, ecx
      xor edx, eax
      lea esi, [esi + ecx*4 + 8]
      push eax
      pop edi
      dec ecx
      jnz top
      hlt`;
    const ref = path(flatMachine(src, AT, 0x11), 'ordinary');
    runAll(ref, 1_000_000);
    for (const slice of [1, 7, 100, 5000, 1_000_000]) {
      const h = path(flatMachine(src, AT, 0x11), 'compiled');
      const { ran } = sliceCounts(h, slice);
      // Every run() but the last retires exactly its budget.
      for (const r of ran.slice(0, -1)) expect(r).toBe(slice);
      const total = ran.reduce((a, b) => a + b, 0);
      expect(state(h)).toEqual(state(ref));
      expect(total).toBe(Number(state(ref).instret));
      if (slice >= 100) expect(h.core.compiler!.stats.loops).toBeGreaterThan(0);
    }
  });

  it('forgets compiled traces when the instance moves to another state block', () => {
    const src = `
    top:
      add eax, 3
      dec ecx
      jnz top
      hlt`;
    const h = flatMachine(src, AT, 0x11);
    h.core.jit(2);
    h.setReg('ecx', 100_000);
    expect(h.run(1000)).toBe(EXIT.BUDGET);
    h.run(1000);
    const slotsWithCode = () => {
      let n = 0;
      for (let s = 0; s < 8192; s++) if (h.dv.getUint16(h.base + VCPU.trace + s * 256 + 12, true) !== 0) n++;
      return n;
    };
    expect(slotsWithCode()).toBeGreaterThan(0);
    h.core.attach(h.base);
    expect(slotsWithCode()).toBe(0);
    expect(runAll(h, 1000)).toBe(EXIT.HLT);
    expect(h.reg('eax')).toBe(300_000);
  });
});
