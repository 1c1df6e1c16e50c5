// A protected-mode test machine: GDT, IDT with a recording stub per exception, TSSs, and helpers
// to place code (assembled by nasm) at fixed addresses.
import { expect } from 'vitest';
import { CoreHarness, EXIT } from '../../harness.ts';
import { assemble } from '../../nasm.ts';

export { CoreHarness, EXIT, assemble };

// Memory map of the test machine (guest-physical = linear, paging off unless a test enables it).
export const GDT = 0x10000;
export const IDT = 0x11000;
export const TSS1 = 0x12000;
export const TSS2 = 0x12100;
export const CODE = 0x1000; // ring-0 entry code
export const USER = 0x2000; // ring-3 code
export const STUBS = 0x3000; // exception stubs, 0x20 bytes each
export const RESULT = 0x5000; // stubs record [vector, error code, ESP at entry]
export const STACK0 = 0x9000; // ring-0 stack top (TSS1.ESP0)
export const STACK3 = 0xa000; // ring-3 stack top
export const SYSCALL = 0x3800; // INT 0x80 handler (ring 0, DPL-3 gate)

// Selectors.
export const K_CODE = 0x08;
export const K_DATA = 0x10;
export const U_CODE = 0x1b;
export const U_DATA = 0x23;
export const TSS1_SEL = 0x28;
export const TSS2_SEL = 0x30;

/** Descriptor words for a segment: access byte (P DPL S type) and flags nibble (G D/B L AVL). */
export function seg(base: number, limit: number, access: number, flags: number): [number, number] {
  const lo = ((base & 0xffff) << 16) | (limit & 0xffff);
  const hi = ((base >>> 16) & 0xff) | (access << 8) | (limit & 0xf0000) | (flags << 20) | (base & 0xff000000);
  return [lo >>> 0, hi >>> 0];
}
/** Gate descriptor words (type 4/C call, 5 task, 6/E interrupt, 7/F trap). */
export function gate(sel: number, off: number, type: number, dpl: number, params = 0): [number, number] {
  const lo = ((sel & 0xffff) << 16) | (off & 0xffff);
  const hi = (off & 0xffff0000) | 0x8000 | (dpl << 13) | (type << 8) | (params & 0x1f);
  return [lo >>> 0, hi >>> 0];
}

export function setDesc(h: CoreHarness, table: number, index: number, d: [number, number]): void {
  h.write32(table + index * 8, d[0]);
  h.write32(table + index * 8 + 4, d[1]);
}
export function code(h: CoreHarness, addr: number, src: string, bits: 16 | 32 = 32): void {
  h.write(addr, assemble(src, bits, addr));
}

/** Vectors that push an error code. */
export const HAS_ERR = new Set([8, 10, 11, 12, 13, 14, 17]);

/**
 * Flat 32-bit protected mode at CPL 0 with a populated GDT and IDT, TR not loaded (the entry code
 * runs `ltr`). Stub for vector v: records v, the error code (or -1) and ESP, then HLT.
 */
export function protMachine(h = new CoreHarness()): CoreHarness {
  h.flat32();
  setDesc(h, GDT, 0, [0, 0]);
  setDesc(h, GDT, 1, seg(0, 0xfffff, 0x9b, 0xc));
  setDesc(h, GDT, 2, seg(0, 0xfffff, 0x93, 0xc));
  setDesc(h, GDT, 3, seg(0, 0xfffff, 0xfb, 0xc));
  setDesc(h, GDT, 4, seg(0, 0xfffff, 0xf3, 0xc));
  setDesc(h, GDT, 5, seg(TSS1, 0x67, 0x89, 0));
  setDesc(h, GDT, 6, seg(TSS2, 0x67, 0x89, 0));
  h.setField('gdt_base', GDT);
  h.setField('gdt_limit', 16 * 8 - 1);
  h.setField('idt_base', IDT);
  h.setField('idt_limit', 256 * 8 - 1);
  for (let v = 0; v < 32; v++) {
    const at = STUBS + v * 0x20;
    const pop = HAS_ERR.has(v) ? 'pop eax' : 'mov eax, -1';
    code(h, at, `mov dword [ss:${RESULT}], ${v}\n${pop}\nmov [ss:${RESULT + 4}], eax\nmov [ss:${RESULT + 8}], esp\nhlt`);
    setDesc(h, IDT, v, gate(K_CODE, at, 0xe, 0));
  }
  setDesc(h, IDT, 0x80, gate(K_CODE, SYSCALL, 0xe, 3));
  code(h, SYSCALL, `mov dword [ss:${RESULT}], 0x80\nmov [ss:${RESULT + 8}], esp\nhlt`);
  // TSS1: ring-0 stack.
  h.write32(TSS1 + 4, STACK0);
  h.write32(TSS1 + 8, K_DATA);
  h.write32(TSS1 + 0x64, 0x68 << 16); // I/O map base = limit + 1: no bitmap
  h.write32(RESULT, 0xffffffff);
  h.eip = CODE;
  h.setReg('esp', STACK0);
  return h;
}

/** Ring-0 prologue: load TR, then IRET to ring-3 code at USER with the ring-3 stack. */
export const TO_RING3 = `
  mov ax, ${TSS1_SEL}
  ltr ax
  push dword ${U_DATA}
  push dword ${STACK3}
  pushfd
  push dword ${U_CODE}
  push dword ${USER}
  iretd`;

/** Run to HLT (or the given exit) and return the recorded stub result. */
export function runTo(h: CoreHarness, exit: number = EXIT.HLT): { vec: number; err: number; esp: number } {
  h.refresh();
  expect(h.run(100_000)).toBe(exit);
  return { vec: h.read32(RESULT) | 0, err: h.read32(RESULT + 4) | 0, esp: h.read32(RESULT + 8) };
}
/** Dwords on the guest stack at `esp`. */
export function stack(h: CoreHarness, esp: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(h.read32(esp + 4 * i));
  return out;
}

/** Page directory at 0x20000 with one table at 0x21000: the first 4 MiB identity-mapped, user, writable. */
export const PAGE_DIR = 0x20000;
export const PAGE_TABLE = 0x21000;
export function identityPaging(h: CoreHarness): void {
  h.write32(PAGE_DIR, PAGE_TABLE | 7);
  for (let i = 0; i < 1024; i++) h.write32(PAGE_TABLE + i * 4, (i << 12) | 7);
}
