// Random looped programs of the forms the trace cache knows (fast and generic), for comparing
// the ordinary path, replay and compiled traces (test/wasm/core/trace.test.ts, test/src/worker/jit/),
// and the two helpers those tests share.
import { flatMachine } from '../harness-idt.ts';
import { EXIT, type CoreHarness } from '../harness.ts';
import { VCPU } from '../../../src/shared/layout.ts';

/** What the tests compare: registers, EIP, EFLAGS, instructions retired. */
export function state(h: CoreHarness) {
  const regs = (['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'] as const).map((r) => h.reg(r));
  return { regs, eip: h.eip, flags: h.core.flags(), instret: h.dv.getBigUint64(VCPU.instret + h.base, true) };
}

/** Run to the end in slices of `slice`: the instructions each run() retired, in order. */
export function sliceCounts(h: CoreHarness, slice: number): { ran: number[]; last: number } {
  const ran: number[] = [];
  let exit: number = EXIT.BUDGET;
  while (exit === EXIT.BUDGET) {
    const before = Number(h.dv.getBigUint64(VCPU.instret + h.base, true));
    exit = h.run(slice);
    ran.push(Number(h.dv.getBigUint64(VCPU.instret + h.base, true)) - before);
  }
  return { ran, last: exit };
}

/** Run to HLT (or another exit that is not a budget or spin) in slices of `slice` instructions. */
export function runAll(h: CoreHarness, slice: number): number {
  let exit: number = EXIT.BUDGET;
  for (let k = 0; k < 10_000_000 && (exit === EXIT.BUDGET || exit === EXIT.SPIN); k++) exit = h.run(slice);
  return exit;
}

export const AT = 0x10000;
export const R = ['eax', 'ebx', 'ecx', 'edx', 'esi', 'edi'];

export interface RandomProgram { body: string; src: string; setup: (h: CoreHarness) => void }

/**
 * `count` programs from `seed`: 20 random instructions looped `passes` times. EBP points at a data
 * area, ESP at a stack; the other six registers are operands; FS has base 0x40.
 */
export function* randomPrograms(seed: number, count: number, passes: number): Generator<RandomProgram> {
  const rnd = (n: number) => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return (seed >>> 8) % n; };
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
    () => `call $+5\npop ${r()}`,
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
  for (let p = 0; p < count; p++) {
    const body = Array.from({ length: 20 }, () => forms[rnd(forms.length)]()).join('\n');
    const src = `fninit\nmov dword [0x40000], ${passes}\ntop:\n${body}\ndec dword [0x40000]\njnz top\nhlt`;
    const init = Array.from({ length: 6 }, () => rnd(1 << 30) * 4 + rnd(4));
    const data = Array.from({ length: 80 }, () => rnd(1 << 30) * 4 + rnd(4));
    const setup = (mm: CoreHarness) => {
      R.forEach((name, i) => mm.setReg(name as 'eax', init[i]));
      mm.setReg('ebp', 0x30000);
      mm.setSeg('fs', 0x10, 0x40, 0xffffffff, 0xc093);
      data.forEach((v, i) => mm.write32(0x30000 + i * 4, v));
    };
    yield { body, src, setup };
  }
}

/** Build a program's machine at AT (not yet run). */
export function programMachine(p: RandomProgram): CoreHarness { return flatMachine(p.src, AT, 0x11, p.setup); }
