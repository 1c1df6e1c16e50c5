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
import { VCPU } from '../../../src/shared/layout.ts';

const AT = 0x10000;

function state(h: CoreHarness) {
  const regs = (['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'] as const).map((r) => h.reg(r));
  return { regs, eip: h.eip, flags: h.core.flags(), instret: h.dv.getBigUint64(VCPU.instret + h.base, true) };
}

/** Run to HLT in slices of `slice` instructions. */
function runAll(h: CoreHarness, slice: number): number {
  let exit: number = EXIT.BUDGET;
  for (let k = 0; k < 10_000_000 && (exit === EXIT.BUDGET || exit === EXIT.SPIN); k++) exit = h.run(slice);
  return exit;
}

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
      let total = 0;
      let exit: number = EXIT.BUDGET;
      while (exit === EXIT.BUDGET) {
        const before = Number(h.dv.getBigUint64(VCPU.instret + h.base, true));
        exit = h.run(slice);
        const ran = Number(h.dv.getBigUint64(VCPU.instret + h.base, true)) - before;
        if (exit === EXIT.BUDGET) expect(ran).toBe(slice);
        total += ran;
      }
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
    // EBP points at a data area, ESP at a stack; the other six registers are operands. Each
    // program's body runs 4 times (so its traces are recorded, then replayed, also chained).
    let seed = 0x7ace;
    const rnd = (n: number) => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return (seed >>> 8) % n; };
    const R = ['eax', 'ebx', 'ecx', 'edx', 'esi', 'edi'];
    const R8 = ['al', 'bl', 'cl', 'dl', 'ah', 'bh', 'ch', 'dh'];
    const ALU = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'];
    const CC = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'];
    const r = () => R[rnd(6)];
    const m = () => `[ebp + ${rnd(64) * 4 + rnd(4)}]`;
    const imm = () => [0, 1, -1, 0x7f, -0x80, 0x12345678, 0x80000000, rnd(1 << 30)][rnd(8)];
    const forms: Array<() => string> = [
      () => `${ALU[rnd(8)]} ${r()}, ${r()}`,
      () => `${ALU[rnd(8)]} ${r()}, ${imm()}`,
      () => `${ALU[rnd(8)]} ${r()}, dword ${m()}`,
      () => `${ALU[rnd(8)]} dword ${m()}, ${r()}`,
      () => `${ALU[rnd(8)]} dword ${m()}, ${imm()}`,
      () => `${ALU[rnd(8)]} dword ${m()}, byte ${rnd(256) - 128}`,
      () => `test ${r()}, ${r()}`,
      () => `test dword ${m()}, ${r()}`,
      () => `test ${r()}, ${imm()}`,
      () => `mov ${r()}, ${r()}`,
      () => `mov ${r()}, ${imm()}`,
      () => `mov ${r()}, dword ${m()}`,
      () => `mov dword ${m()}, ${r()}`,
      () => `mov dword ${m()}, ${imm()}`,
      () => `movzx ${r()}, byte ${m()}`,
      () => `movzx ${r()}, ${R8[rnd(8)]}`,
      () => `lea ${r()}, [${r()} + ${r()}*${[1, 2, 4, 8][rnd(4)]} + ${imm()}]`,
      () => `inc ${r()}`,
      () => `dec ${r()}`,
      () => `push ${r()}\npop ${r()}`,
      () => `j${CC[rnd(16)]} $+${[2, 4][rnd(2)]}\nnop\nnop`,
      () => `shl ${r()}, ${rnd(32)}`,
      () => `mov byte ${m()}, ${R8[rnd(8)]}`,
      () => `xchg ${r()}, ${r()}`,
      () => `imul ${r()}, ${r()}`,
      () => `set${CC[rnd(16)]} ${R8[rnd(8)]}`,
      () => `cmov${CC[rnd(16)]} ${r()}, dword ${m()}`,
      () => `${['rol', 'ror', 'rcl', 'rcr', 'shl', 'shr', 'sal', 'sar'][rnd(8)]} ${r()}, ${[0, 1, 31, 32, 33, rnd(64)][rnd(6)]}`,
      () => `${['rol', 'ror', 'rcl', 'rcr', 'shl', 'shr', 'sar'][rnd(7)]} ${r()}, 1`,
      () => `movsx ${r()}, byte ${m()}`,
      () => `movsx ${r()}, ${R8[rnd(8)]}`,
      () => `movzx ${r()}, word ${m()}`,
      () => `movsx ${r()}, word ${m()}`,
      () => `movzx ${r()}, ${['ax', 'bx', 'cx', 'dx', 'si', 'di'][rnd(6)]}`,
      () => `movsx ${r()}, ${['ax', 'bx', 'cx', 'dx', 'si', 'di'][rnd(6)]}`,
      () => `mov ${R8[rnd(8)]}, byte ${m()}`,
      () => `${ALU[rnd(8)]} ${R8[rnd(8)]}, ${R8[rnd(8)]}`,
      () => `test ${R8[rnd(8)]}, ${R8[rnd(8)]}`,
      () => `cmp byte ${m()}, ${rnd(256) - 128}`,
      () => `${ALU[rnd(8)]} ${R8[rnd(8)]}, ${rnd(256) - 128}`,
      () => `test ${R8[rnd(8)]}, ${rnd(256)}`,
      () => `mov ${R8[rnd(8)]}, ${rnd(256)}`,
      () => `mov byte ${m()}, ${rnd(256)}`,
      () => `${['not', 'neg'][rnd(2)]} ${r()}`,
      () => `${['mul', 'imul'][rnd(2)]} ${r()}`,
      () => `imul ${r()}, ${r()}, ${imm()}`,
      () => ['nop', 'db 0x66, 0x90'][rnd(2)],
      // segment overrides (FS has base 0x40 here) on the memory forms
      () => `mov ${r()}, dword [${['fs', 'gs', 'es', 'ss'][rnd(4)]}:ebp + ${rnd(64) * 4 + rnd(4)}]`,
      () => `mov dword [fs:ebp + ${rnd(64) * 4 + rnd(4)}], ${r()}`,
      () => `${ALU[rnd(8)]} ${r()}, dword [fs:ebp + ${rnd(64) * 4}]`,
      () => `${ALU[rnd(8)]} dword [fs:ebp + ${rnd(64) * 4}], ${imm()}`,
      () => `movzx ${r()}, byte [fs:ebp + ${rnd(256)}]`,
      // x87 (replayed through the generic case; balanced, so the stack never overflows)
      () => `fld dword ${m()}\nfadd dword ${m()}\nfstp dword ${m()}`,
      () => `fild dword ${m()}\nfimul dword ${m()}\nfistp dword ${m()}`,
      () => `fld1\nfldz\nfxch\nfsubp st1, st0\nfstp dword ${m()}`,
      () => `fld dword ${m()}\nfcomp dword ${m()}\nfnstsw ax\nfwait`,
      // compare-and-branch pairs (fused into one entry), with equal operands often
      () => `${['cmp', 'test'][rnd(2)]} ${r()}, ${r()}\nj${CC[rnd(16)]} $+4\nnop\nnop`,
      () => `${['cmp', 'test'][rnd(2)]} ${r()}, ${imm()}\nj${CC[rnd(16)]} $+4\nnop\nnop`,
      () => { const a = r(); const b = r(); return `mov ${a}, ${b}\ncmp ${a}, ${b}\nj${CC[rnd(16)]} $+4\nnop\nnop`; },
      () => { const a = r(); const v = imm(); return `mov ${a}, ${v}\ncmp ${a}, ${[v, v + 1, v - 1][rnd(3)]}\nj${CC[rnd(16)]} $+4\nnop\nnop`; },
    ];
    for (let p = 0; p < 300; p++) {
      const body = Array.from({ length: 20 }, () => forms[rnd(forms.length)]()).join('\n');
      const src = `fninit\nmov dword [0x40000], 4\ntop:\n${body}\ndec dword [0x40000]\njnz top\nhlt`;
      const init = Array.from({ length: 6 }, () => rnd(1 << 30) * 4 + rnd(4));
      const data = Array.from({ length: 80 }, () => rnd(1 << 30) * 4 + rnd(4));
      const out = [0, 1].map((on) => {
        const h = flatMachine(src, AT, 0x11, (mm) => {
          R.forEach((name, i) => mm.setReg(name as 'eax', init[i]));
          mm.setReg('ebp', 0x30000);
          mm.setSeg('fs', 0x10, 0x40, 0xffffffff, 0xc093);
          data.forEach((v, i) => mm.write32(0x30000 + i * 4, v));
        });
        h.core.traces(on);
        expect(runAll(h, 1_000_000)).toBe(EXIT.HLT);
        return { s: state(h), data: Array.from(h.read(0x30000, 320)), stack: Array.from(h.read(0x70000 - 64, 64)) };
      });
      expect(out[1], `program ${p}:\n${body}`).toEqual(out[0]);
    }
  });
});
