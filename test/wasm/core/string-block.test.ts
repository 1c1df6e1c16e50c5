// REP MOVS / REP STOS: the block path (whole in-page runs moved at once, exec/string.ts) must give
// exactly the element-by-element result: overlapping copies replicate, page-crossing elements,
// the 1024-element step with restart, DF=1, and a #PF part-way with restartable ECX/ESI/EDI.
import { describe, it, expect } from 'vitest';
import { CoreHarness, EXIT } from '../harness.ts';
import { assemble } from '../nasm.ts';
import { RAM_BASE } from '../../../src/shared/layout.ts';
import { protMachine, code, runTo, CODE } from './system/env.ts';

const BUF = 0x40000;
const LEN = 0x6000;

/** x86 semantics, element by element (each element read whole, then written). */
function model(mem: Uint8Array, kind: 'movs' | 'stos', size: number, src: number, dst: number, n: number, eax: number, down: boolean) {
  const step = down ? -size : size;
  for (let i = 0; i < n; i++) {
    const el: number[] = [];
    for (let j = 0; j < size; j++) el.push(kind === 'movs' ? mem[src + j] : (eax >>> (8 * j)) & 0xff);
    for (let j = 0; j < size; j++) mem[dst + j] = el[j];
    src += step; dst += step;
  }
  return { src, dst };
}

function runRep(kind: 'movs' | 'stos', size: 1 | 2 | 4, src: number, dst: number, n: number, down = false, seed = 1) {
  const h = new CoreHarness();
  h.flat32();
  const suffix = size === 1 ? 'b' : size === 2 ? 'w' : 'd';
  h.write(0x1000, assemble(`${down ? 'std' : 'cld'}\nrep ${kind}${suffix}\nhlt`, 32, 0x1000));
  const init = new Uint8Array(LEN);
  let x = seed;
  for (let i = 0; i < LEN; i++) { x = (x * 1103515245 + 12345) >>> 0; init[i] = x >>> 24; }
  h.write(BUF, [...init]);
  h.eip = 0x1000;
  h.setReg('esp', 0x8000);
  h.setReg('esi', src); h.setReg('edi', dst); h.setReg('ecx', n); h.setReg('eax', 0xa1b2c3d4);
  h.refresh();
  expect(h.run(1_000_000)).toBe(EXIT.HLT);
  const want = new Uint8Array(0x100000);
  want.set(init, BUF);
  const end = model(want, kind, size, src, dst, n, 0xa1b2c3d4, down);
  const mem = new Uint8Array(LEN);
  mem.set(h.u8.subarray(RAM_BASE + BUF, RAM_BASE + BUF + LEN));
  let firstBad = -1;
  for (let i = 0; i < LEN; i++) if (mem[i] !== want[BUF + i]) { firstBad = i; break; }
  expect(firstBad).toBe(-1);
  expect(h.reg('ecx')).toBe(0);
  expect(h.reg('edi')).toBe(end.dst >>> 0);
  if (kind === 'movs') expect(h.reg('esi')).toBe(end.src >>> 0);
}

describe('core: REP MOVS / REP STOS block path', () => {
  for (const size of [1, 2, 4] as const) {
    it(`movs size ${size}: disjoint, page-crossing, longer than one 1024-element step`, () => {
      runRep('movs', size, BUF + 0x10, BUF + 0x3003, 1500);
      runRep('movs', size, BUF + 0xffd, BUF + 0x2ffe, 2100);
      runRep('movs', size, BUF + 0x100, BUF + 0x2100, 3);
    });
    it(`movs size ${size}: overlapping copies replicate (destination above) or move (below)`, () => {
      for (const k of [1, 2, 3, 5, 8, 64]) runRep('movs', size, BUF + 0x800, BUF + 0x800 + k, 1200, false, k);
      for (const k of [1, 3, 4, 100]) runRep('movs', size, BUF + 0x1800, BUF + 0x1800 - k, 1200, false, k);
    });
    it(`stos size ${size}: aligned, unaligned, across pages and steps; DF=1 takes the element path`, () => {
      runRep('stos', size, 0, BUF + 0x10, 2000);
      runRep('stos', size, 0, BUF + 0xfff, 1111);
      runRep('stos', size, 0, BUF + 0x4000, 700, true);
      runRep('movs', size, BUF + 0x3000, BUF + 0x4800, 600, true);
    });
  }
});

describe('core: REP MOVS block path under paging', () => {
  it('faults at the first element in an absent page with ECX/ESI/EDI of the elements done', () => {
    const h = protMachine();
    h.write32(0x20000, 0x21000 | 7);
    for (let i = 0; i < 1024; i++) h.write32(0x21000 + i * 4, (i << 12) | 7);
    h.write32(0x21000 + 0x47 * 4, 0); // 0x47000 absent
    h.write(0x44000, Array.from({ length: 0x2000 }, (_, i) => i & 0xff));
    code(h, CODE, `mov eax, 0x20000\nmov cr3, eax\nmov eax, cr0\nor eax, 0x80010000\nmov cr0, eax
      mov esi, 0x44000\nmov edi, 0x46ff0\nmov ecx, 100\ncld\nrep movsd\nhlt`);
    const r = runTo(h);
    expect(r).toMatchObject({ vec: 14, err: 2 });
    expect(h.field('cr2')).toBe(0x47000);
    expect(h.reg('ecx')).toBe(96); // 4 dwords fitted below the absent page
    expect(h.reg('edi')).toBe(0x47000);
    expect(h.reg('esi')).toBe(0x44010);
    expect([...h.u8.subarray(RAM_BASE + 0x46ff0, RAM_BASE + 0x47000)]).toEqual(Array.from({ length: 16 }, (_, i) => i));
  });
});
