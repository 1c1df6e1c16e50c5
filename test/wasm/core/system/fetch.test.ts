// Instruction fetch across page boundaries: immediates and displacements read with one wide load
// inside the cached code page must fall back to byte fetches when they straddle into the next
// linear page (mapped here to a physical page that is NOT the next one: a contiguous read would
// return the decoy bytes), and a straddle into an absent page is a #PF at the instruction's start
// with CR2 = the first byte of the absent page.
import { describe, it, expect } from 'vitest';
import { protMachine, code, runTo, stack, identityPaging, CODE } from './env.ts';

/** Identity map of the first 4 MiB, except linear 0xE000 → physical 0x13000 and 0xF000 absent. */
function paged() {
  const h = protMachine();
  identityPaging(h);
  h.write32(0x21000 + 0xe * 4, 0x13000 | 7);
  h.write32(0x21000 + 0xf * 4, 0);
  h.write(0xe000, new Array(16).fill(0xcc)); // what a read across physical pages would see
  h.write32(0x6000, 0x12345678);
  h.write32(0x6004, 0x9abcdef0);
  return h;
}
const jumpTo = (lin: number) => `mov eax, 0x20000\nmov cr3, eax\nmov eax, cr0\nor eax, 0x80010000\nmov cr0, eax\nxor eax, eax\nmov ebx, ${lin}\njmp ebx`;

/** Put `bytes` so that they end up at linear `lin` (pages 0xD000 and 0xE000 → 0xD000, 0x13000). */
function place(h: ReturnType<typeof paged>, lin: number, bytes: number[]) {
  bytes.forEach((b, i) => {
    const a = lin + i;
    const phys = a >= 0xe000 && a < 0xf000 ? a - 0xe000 + 0x13000 : a;
    h.write(phys, [b]);
  });
}

describe('system: instruction fetch across pages', () => {
  const cases: { name: string; at: number; bytes: number[]; eax: number }[] = [
    { name: 'imm32 split 2+2', at: 0xdffd, bytes: [0xb8, 0x11, 0x22, 0x33, 0x44], eax: 0x44332211 },
    { name: 'imm32 split 3+1', at: 0xdffc, bytes: [0xb8, 0x11, 0x22, 0x33, 0x44], eax: 0x44332211 },
    { name: 'imm32 split 1+3', at: 0xdffe, bytes: [0xb8, 0x11, 0x22, 0x33, 0x44], eax: 0x44332211 },
    { name: 'imm32 just inside', at: 0xdffb, bytes: [0xb8, 0x11, 0x22, 0x33, 0x44], eax: 0x44332211 },
    { name: 'imm16 split 1+1', at: 0xdffd, bytes: [0x66, 0xb8, 0x11, 0x22], eax: 0x2211 },
    { name: 'disp32 split 2+2', at: 0xdffc, bytes: [0x8b, 0x05, 0x04, 0x60, 0x00, 0x00], eax: 0x9abcdef0 },
    { name: 'imm32 after disp8 split', at: 0xdff9, bytes: [0xc7, 0x45, 0x00, 0x55, 0x66, 0x77, 0x88, 0x8b, 0x45, 0x00], eax: 0x88776655 },
  ];
  for (const c of cases) {
    it(`reads ${c.name} from two non-adjacent physical pages`, () => {
      const h = paged();
      h.setReg('ebp', 0x6100);
      place(h, c.at, [...c.bytes, 0xf4]);
      code(h, CODE, jumpTo(c.at));
      const r = runTo(h);
      expect(r.vec).toBe(-1);
      expect(h.reg('eax')).toBe(c.eax >>> 0);
      expect(h.eip >>> 0).toBe(c.at + c.bytes.length + 1);
    });
  }

  const faults: { name: string; at: number; bytes: number[] }[] = [
    { name: 'imm32', at: 0xeffd, bytes: [0xb8, 0x11, 0x22] },
    { name: 'imm16', at: 0xeffd, bytes: [0x66, 0xb8, 0x11] },
    { name: 'disp32', at: 0xeffc, bytes: [0x8b, 0x05, 0x04, 0x60] },
  ];
  for (const c of faults) {
    it(`faults (#PF, CR2 at the absent page, EIP at the instruction) when ${c.name} runs into an absent page`, () => {
      const h = paged();
      place(h, c.at, c.bytes);
      code(h, CODE, jumpTo(c.at));
      const r = runTo(h);
      expect(r).toMatchObject({ vec: 14, err: 0 });
      expect(h.field('cr2') >>> 0).toBe(0xf000);
      expect(stack(h, r.esp, 1)[0] >>> 0).toBe(c.at);
      expect(h.reg('eax')).toBe(0);
    });
  }
});
