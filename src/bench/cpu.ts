// CPU micro-benchmarks: a flat binary run by one core instance in Node, timed on the host.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createMemory, instantiateCore, vcpuBase, EXIT } from '../vmm/core-module.ts';
import { loadCoreModule } from '../vmm/core-module-node.ts';
import { RAM_BASE, VCPU } from '../shared/layout.ts';

export interface CpuBenchResult { name: string; instructions: number; seconds: number; mips: number; eax: number; cpuSeconds: number }

/** Load `bin` at `load`, enter it at `entry` in flat 32-bit protected mode, run to HLT (with `mod`, another build of the core). */
export function runFlat(name: string, bin: Uint8Array, load: number, entry: number, slice = 2_000_000, mod = loadCoreModule()): CpuBenchResult {
  const mem = createMemory(64 << 20);
  const core = instantiateCore(mod, mem, 0, {
    ioRead: () => 0xffffffff, ioWrite: () => {}, mmioRead: () => 0xffffffff, mmioWrite: () => {},
    intAck: () => 0x20, timeNs: () => performance.now() * 1e6, apicMessage: () => {},
  });
  const base = vcpuBase(0);
  const dv = new DataView(mem.buffer);
  new Uint8Array(mem.buffer).set(bin, RAM_BASE + load);
  const set = (off: number, v: number) => dv.setUint32(base + off, v >>> 0, true);
  set(VCPU.cr0, 0x11);
  for (let s = 0; s < 6; s++) {
    set(VCPU.seg_sel + s * 4, s === 1 ? 8 : 16);
    set(VCPU.seg_base + s * 4, 0);
    set(VCPU.seg_limit + s * 4, 0xffffffff);
    set(VCPU.seg_attr + s * 4, s === 1 ? 0xc09b : 0xc093);
  }
  set(VCPU.eip, entry);
  set(VCPU.gpr + 4 * 4, 0x800000);
  set(VCPU.eflags, 2);
  core.refresh();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let exit = EXIT.BUDGET as number;
  while (exit === EXIT.BUDGET || exit === EXIT.SPIN) exit = core.run(slice);
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  if (exit !== EXIT.HLT) throw new Error(`${name}: stopped with exit ${exit} at eip ${dv.getUint32(base + VCPU.eip, true).toString(16)}`);
  const instructions = Number(dv.getBigUint64(base + VCPU.instret, true));
  return { name, instructions, seconds, mips: instructions / seconds / 1e6, eax: dv.getUint32(base + VCPU.gpr, true), cpuSeconds: (c.user + c.system) / 1e6 };
}

export function intmix(): CpuBenchResult {
  const dir = fileURLToPath(new URL('./workloads/', import.meta.url));
  const meta = JSON.parse(readFileSync(dir + 'intmix.json', 'utf8')) as { load: number; entry: number };
  return runFlat('intmix (gcc -O2: crc32, qsort, sieve, scan)', new Uint8Array(readFileSync(dir + 'intmix.bin')), meta.load, meta.entry);
}

export function fpmix(): CpuBenchResult {
  const dir = fileURLToPath(new URL('./workloads/', import.meta.url));
  const meta = JSON.parse(readFileSync(dir + 'fpmix.json', 'utf8')) as { load: number; entry: number };
  return runFlat('fpmix (gcc -O2 -mfpmath=387: dot, axpy, polynomials, FDIV, FCOMI, conversions)', new Uint8Array(readFileSync(dir + 'fpmix.bin')), meta.load, meta.entry);
}

/** A tight register loop: the dispatch ceiling. */
export function aluLoop(): CpuBenchResult {
  // mov ecx, 20000000; l: add eax, ecx; xor edx, eax; shl ebx, 1; dec ecx; jnz l; hlt
  const code = [0xb9, 0x00, 0x2d, 0x31, 0x01, 0x01, 0xc8, 0x31, 0xc2, 0xd1, 0xe3, 0x49, 0x75, 0xf7, 0xf4];
  return runFlat('alu loop (add/xor/shl/dec/jnz)', new Uint8Array(code), 0x1000, 0x1000);
}
