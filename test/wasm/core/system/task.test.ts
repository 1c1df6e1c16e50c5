// Hardware task switches: #DF through a task gate (as Linux does), JMP and CALL to a TSS, IRET
// with NT back to the caller, busy bits, back link.
import { describe, it, expect } from 'vitest';
import {
  protMachine, runTo, code, setDesc, gate, seg, stack, GDT, IDT, CODE, STUBS, K_CODE, K_DATA, TSS1, TSS2,
  TSS1_SEL, TSS2_SEL,
} from './env.ts';

const TASK2_EIP = 0x3c80;
const TASK2_ESP = 0x7800;

/** TSS2: a ring-0 task starting at TASK2_EIP. */
function task2(h: ReturnType<typeof protMachine>): void {
  h.write32(TSS2 + 0x1c, 0); // CR3
  h.write32(TSS2 + 0x20, TASK2_EIP);
  h.write32(TSS2 + 0x24, 2);
  for (let i = 0; i < 8; i++) h.write32(TSS2 + 0x28 + i * 4, 0x100 + i);
  h.write32(TSS2 + 0x38, TASK2_ESP);
  for (let s = 0; s < 6; s++) h.write32(TSS2 + 0x48 + s * 4, s === 1 ? K_CODE : K_DATA);
  h.write32(TSS2 + 0x60, 0);
  h.write32(TSS2 + 0x64, 0x68 << 16);
}
const busy = (h: ReturnType<typeof protMachine>, sel: number) => (h.read32(GDT + sel + 4) >> 9) & 1;

describe('system: task switches', () => {
  it('delivers #DF through a task gate: nested task, back link, error code on the new stack', () => {
    const h = protMachine();
    task2(h);
    setDesc(h, IDT, 8, gate(TSS2_SEL, 0, 0x5, 0));
    const [lo, hi] = gate(K_CODE, STUBS + 13 * 0x20, 0xe, 0);
    setDesc(h, IDT, 13, [lo, hi & ~0x8000]);
    code(h, TASK2_EIP, 'pop esi\npushfd\npop edi\nstr ebp\nhlt');
    code(h, CODE, `mov ax, ${TSS1_SEL}\nltr ax\nmov eax, 0xaaaa\nmov bx, 0x80\nmov ds, bx\nhlt`);
    runTo(h);
    expect(h.reg('esi')).toBe(0); // #DF error code
    expect(h.reg('edi') & 0x4000).toBe(0x4000); // NT
    expect(h.reg('ebp')).toBe(TSS2_SEL);
    expect(h.reg('esp')).toBe(TASK2_ESP);
    expect(h.reg('ecx')).toBe(0x101); // loaded from TSS2
    expect(h.read32(TSS2) & 0xffff).toBe(TSS1_SEL); // back link
    expect(h.read32(TSS1 + 0x20)).toBe(CODE + 16); // EIP of the faulting MOV DS
    expect(h.read32(TSS1 + 0x28)).toBe(0xaaaa); // EAX saved
    expect(busy(h, TSS1_SEL)).toBe(1);
    expect(busy(h, TSS2_SEL)).toBe(1);
    expect(h.field('cr0') & 8).toBe(8); // TS
  });

  it('JMPs to a TSS: the old task becomes available, no back link, no NT', () => {
    const h = protMachine();
    task2(h);
    code(h, TASK2_EIP, 'pushfd\npop edi\nstr ebp\nhlt');
    code(h, CODE, `mov ax, ${TSS1_SEL}\nltr ax\nmov edx, 0x5555\njmp ${TSS2_SEL}:0`);
    runTo(h);
    expect(h.reg('edi') & 0x4000).toBe(0);
    expect(h.reg('ebp')).toBe(TSS2_SEL);
    expect(h.read32(TSS1 + 0x30)).toBe(0x5555);
    expect(h.read32(TSS1 + 0x20)).toBe(CODE + 19); // after the JMP
    expect(busy(h, TSS1_SEL)).toBe(0);
    expect(busy(h, TSS2_SEL)).toBe(1);
  });

  it('CALLs a task and comes back with IRET through the back link', () => {
    const h = protMachine();
    task2(h);
    code(h, TASK2_EIP, 'mov eax, 0x77\niretd\nmov ebx, 1\njmp $');
    code(h, CODE, `mov ax, ${TSS1_SEL}\nltr ax\nmov esi, 0x1234\ncall ${TSS2_SEL}:0\nmov edi, eax\nstr ebp\nhlt`);
    runTo(h);
    expect(h.reg('esi')).toBe(0x1234); // restored from TSS1
    expect(h.reg('eax')).toBe(TSS1_SEL); // restored: the LTR left the selector in AX
    expect(h.reg('ebp')).toBe(TSS1_SEL);
    expect(busy(h, TSS2_SEL)).toBe(0);
    expect(busy(h, TSS1_SEL)).toBe(1);
    expect(h.read32(TSS2 + 0x28)).toBe(0x77); // task 2's EAX saved by the IRET switch
    expect(h.read32(TSS2 + 0x24) & 0x4000).toBe(0); // NT cleared in its saved EFLAGS
  });

  it('refuses to JMP to a busy TSS with #GP(selector)', () => {
    const h = protMachine();
    code(h, CODE, `mov ax, ${TSS1_SEL}\nltr ax\njmp ${TSS1_SEL}:0`);
    expect(runTo(h)).toMatchObject({ vec: 13, err: TSS1_SEL });
  });

  it('raises #TS in the new task when its CS is not a code segment', () => {
    const h = protMachine();
    task2(h);
    h.write32(TSS2 + 0x4c, K_DATA);
    code(h, CODE, `mov ax, ${TSS1_SEL}\nltr ax\njmp ${TSS2_SEL}:0`);
    const r = runTo(h);
    expect(r).toMatchObject({ vec: 10, err: K_DATA });
    expect(stack(h, r.esp, 1)[0]).toBe(TASK2_EIP);
    expect(h.field('seg_sel', 7)).toBe(TSS2_SEL);
  });
});

describe('system: 16-bit TSS and gates', () => {
  it('switches to a 16-bit TSS with JMP', () => {
    const h = protMachine();
    setDesc(h, GDT, 6, seg(TSS2, 0x2b, 0x81, 0)); // 16-bit available TSS
    h.write(TSS2 + 0x0e, [0x80, 0x3c, 0x02, 0x00]); // IP, FLAGS
    for (let i = 0; i < 8; i++) h.write(TSS2 + 0x12 + i * 2, [i === 4 ? 0x00 : 0x10 + i, i === 4 ? 0x78 : 0]);
    for (let s = 0; s < 4; s++) h.write(TSS2 + 0x22 + s * 2, [s === 1 ? K_CODE : K_DATA, 0]);
    h.write(TSS2 + 0x2a, [0, 0]);
    code(h, TASK2_EIP, 'str ebp\nhlt');
    code(h, CODE, `mov ax, ${TSS1_SEL}\nltr ax\nmov ebx, 0xabcd0000\njmp ${TSS2_SEL}:0`);
    runTo(h);
    expect(h.reg('ebp')).toBe(TSS2_SEL);
    expect(h.reg('ebx')).toBe(0xabcd0013); // low half from the TSS, high half kept
    expect(h.reg('esp') & 0xffff).toBe(0x7800);
    expect(h.seg('tr').attr & 0xf).toBe(3); // busy 16-bit TSS
    expect(h.seg('fs').sel).toBe(0);
  });

  it('pushes a 16-bit frame through a 16-bit interrupt gate', () => {
    const h = protMachine();
    setDesc(h, IDT, 0x42, gate(K_CODE, 0x3900, 0x6, 0));
    code(h, 0x3900, 'mov eax, esp\nhlt');
    code(h, CODE, 'int 0x42');
    runTo(h);
    expect(h.reg('eax')).toBe(0x9000 - 6);
    expect(Array.from(h.read(0x9000 - 6, 6))).toEqual([0x02, 0x10, K_CODE, 0, 0x02, 0]);
  });
});
