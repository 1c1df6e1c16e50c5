// In-process A/B of core builds: each build is compiled once, then the builds run alternately
// (intmix, fpmix, the register ALU loop and, with --micro, loops of one instruction kind), and the medians
// of MIPS per CPU second are printed. One process sees the same tiering and host load for all
// builds, which separate runs did not (their figures moved by ±10% on this 2-core host). The builds
// must share the layout (src/shared/layout.ts) of this checkout.
// Usage: npx tsx scripts/core-ab.ts A.wasm B.wasm [...] [--micro] [--rounds N]
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runFlat } from '../src/bench/cpu.ts';

const args = process.argv.slice(2);
const micro = args.includes('--micro');
const ri = args.indexOf('--rounds');
const rounds = ri >= 0 ? Number(args[ri + 1]) : 8;
const files = args.filter((a, i) => a.endsWith('.wasm') && args[i - 1] !== '--rounds');
if (files.length === 0) { console.error('usage: npx tsx scripts/core-ab.ts A.wasm B.wasm [...] [--micro] [--rounds N]'); process.exit(2); }
const mods = files.map((p) => new WebAssembly.Module(readFileSync(p)));

/** MIPS per CPU second of `bin` (loaded and entered at `at`) run to HLT by core build `mod`. */
function run(mod: WebAssembly.Module, bin: Uint8Array, at: number, entry = at): number {
  const r = runFlat('', bin, at, entry, 2_000_000, mod);
  return r.instructions / r.cpuSeconds / 1e6;
}

const work = fileURLToPath(new URL('../src/bench/workloads/', import.meta.url));
const meta = JSON.parse(readFileSync(join(work, 'intmix.json'), 'utf8')) as { load: number; entry: number };
const tests: Array<[string, Uint8Array, number, number]> = [
  ['intmix', new Uint8Array(readFileSync(join(work, 'intmix.bin'))), meta.load, meta.entry],
  ['fpmix', new Uint8Array(readFileSync(join(work, 'fpmix.bin'))), 0x10000, (JSON.parse(readFileSync(join(work, 'fpmix.json'), 'utf8')) as { entry: number }).entry],
  ['alu loop', new Uint8Array([0xb9, 0x00, 0x2d, 0x31, 0x01, 0x01, 0xc8, 0x31, 0xc2, 0xd1, 0xe3, 0x49, 0x75, 0xf7, 0xf4]), 0x1000, 0x1000],
];
if (micro) {
  const dir = mkdtempSync(join(tmpdir(), 'core-ab-'));
  const rep = (s: string, n: number) => Array(n).fill(s).join('\n');
  const loops: Record<string, string> = {
    'nop ×10': rep('nop', 10),
    'mov r,r ×10': rep('mov eax, ebx\nmov edx, esi', 5),
    'add r,r ×10': rep('add eax, ebx\nadd edx, esi', 5),
    'load ×10': rep('mov eax, [ebp+8]\nmov edx, [ebp+12]', 5),
    'store ×10': rep('mov [ebp+8], eax\nmov [ebp+12], edx', 5),
    'push/pop ×5': rep('push eax\npop edx', 5),
    'x87 fld/fmul/fstp m64 ×9': 'fld1\nfstp qword [ebp+8]\nfldpi\nfstp qword [ebp+16]\n' + rep('fld qword [ebp+8]\nfmul qword [ebp+16]\nfstp qword [ebp+24]', 3),
    'x87 fadd/fmul st(i) ×10': 'fld1\nfldz\n' + rep('fadd st0, st1\nfmul st0, st1', 5) + '\nfstp st0\nfstp st0',
  };
  try {
    for (const [name, body] of Object.entries(loops)) {
      writeFileSync(join(dir, 'l.asm'), `bits 32\norg 0x1000\nfninit\nmov ecx, 2000000\nmov ebp, 0x20000\nl:\n${body}\ndec ecx\njnz l\nhlt\n`);
      execFileSync('nasm', ['-f', 'bin', '-o', join(dir, 'l.bin'), join(dir, 'l.asm')]);
      tests.push([name, new Uint8Array(readFileSync(join(dir, 'l.bin'))), 0x1000, 0x1000]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true }); // the loops are in memory now
  }
}
const res = tests.map(() => mods.map(() => [] as number[]));
for (let r = 0; r < rounds; r++) tests.forEach(([, bin, at, entry], t) => mods.forEach((m, i) => res[t][i].push(run(m, bin, at, entry))));
const med = (a: number[]) => { const b = [...a].sort((x, y) => x - y); return b[b.length >> 1]; };
console.log(['MIPS per CPU s (median of ' + rounds + ')', ...files.map((f) => f.split('/').pop())].join(' | '));
tests.forEach(([name], t) => console.log([name, ...res[t].map((v) => med(v).toFixed(1))].join(' | ')));
