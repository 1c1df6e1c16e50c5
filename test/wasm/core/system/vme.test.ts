// CR4.VME and CR4.PVI (SDM vol. 3 §20.3-20.4): VIF-based CLI/STI/PUSHF/POPF/IRET in v86 mode with
// IOPL < 3, the TSS software interrupt redirection bitmap (methods 3-6 of Table 20-2), #GP when VIF
// would be set with VIP pending, and protected-mode virtual interrupts at CPL 3. SDM-based: the
// host cannot run v86 code.
import { describe, it, expect } from 'vitest';
import {
  CoreHarness, protMachine, runTo, code, setDesc, gate, seg, stack, GDT, IDT, CODE, USER, K_CODE,
  TSS1, TSS1_SEL, TO_RING3,
} from './env.ts';

const V86_CS = 0x2000; // v86 code at linear 0x20000
const V86_SS = 0x3000; // stack at 0x3000:0xfff0
const PM_HANDLER = 0x3c00; // protected-mode handler of INT 0x21/0x30 (records and halts)
const IOMAP = 0x88; // I/O map base; the redirection bitmap is the 32 bytes below it
const VIF = 0x80000;
const VIP = 0x100000;
const IF = 0x200;

/** Ring-0 code: CR4 = cr4, then IRET into v86 mode at V86_CS:0 with EFLAGS = VM | flags. */
function enterV86(cr4: number, flags: number): string {
  return `
    mov eax, ${cr4}
    mov cr4, eax
    mov ax, ${TSS1_SEL}
    ltr ax
    push dword 0
    push dword 0
    push dword 0
    push dword 0
    push dword ${V86_SS}
    push dword 0xfff0
    push dword ${(0x20002 | flags) >>> 0}
    push dword ${V86_CS}
    push dword 0
    iretd`;
}

/** A v86 machine: `redirected` vectors have their redirection bit clear (go to the 8086 IVT). */
function machine(cr4: number, flags: number, v86src: string, redirected: number[] = []): CoreHarness {
  const h = protMachine();
  for (const v of [0x21, 0x30]) setDesc(h, IDT, v, gate(K_CODE, PM_HANDLER, 0xe, 3));
  code(h, PM_HANDLER, 'mov esi, esp\nhlt');
  setDesc(h, GDT, 5, seg(TSS1, IOMAP + 0x20, 0x89, 0));
  h.write32(TSS1 + 0x64, IOMAP << 16);
  for (let i = 0; i < 32; i++) h.write(TSS1 + IOMAP - 32 + i, [0xff]);
  for (const v of redirected) {
    const a = TSS1 + IOMAP - 32 + (v >> 3);
    h.write(a, [h.read(a, 1)[0] & ~(1 << (v & 7))]);
  }
  code(h, CODE, enterV86(cr4, flags));
  code(h, V86_CS << 4, v86src, 16);
  return h;
}
/** Protected-mode frame of an exception from v86 mode at `esp`: EIP CS EFLAGS ESP SS. */
function frame(h: CoreHarness, esp: number) {
  const [eip, cs, eflags, sp, ss] = stack(h, esp, 5);
  return { eip, cs, eflags, sp, ss };
}

describe('system: CR4.VME in virtual-8086 mode', () => {
  it('CLI/STI toggle VIF with IOPL 0; PUSHF shows VIF as IF and IOPL 3; IF stays', () => {
    const h = machine(1, IF, `
      cli
      pushf
      pop cx
      sti
      pushf
      pop bx
      cli
      int 0x21`);
    const r = runTo(h);
    expect(r.vec).toBe(13); // INT 0x21 with its redirection bit set and IOPL 0: method 3
    expect(h.reg('ecx') & 0xffff).toBe(0x3002);
    expect(h.reg('ebx') & 0xffff).toBe(0x3202);
    const f = frame(h, r.esp);
    expect(f.eip).toBe(7); // the INT instruction
    expect(f.eflags & (IF | VIF | 0x3000)).toBe(IF); // VIF clear after the last CLI, IF untouched
  });

  it('STI with VIP set raises #GP(0); without VME CLI raises #GP(0)', () => {
    const h = machine(1, VIP, 'nop\nsti\nnop');
    const r = runTo(h);
    expect(r).toMatchObject({ vec: 13, err: 0 });
    expect(frame(h, r.esp).eip).toBe(1);
    const h2 = machine(0, IF, 'cli');
    const r2 = runTo(h2);
    expect(r2).toMatchObject({ vec: 13, err: 0 });
  });

  it('POPF loads VIF from the image\'s IF; TF, IF with VIP, or a 32-bit POPFD raise #GP(0)', () => {
    const h = machine(1, 0, `
      push word 0x0283     ; IF SF CF
      popf
      pushf
      pop dx
      int 0x21`);
    const r = runTo(h);
    expect(r.vec).toBe(13);
    expect(h.reg('edx') & 0xffff).toBe(0x3283);
    const fl = frame(h, r.esp).eflags;
    expect(fl & (VIF | IF | 0x81)).toBe(VIF | 0x81);

    for (const [flags, src] of [
      [0, 'push word 0x0100\npopf'], // TF
      [VIP, 'push word 0x0200\npopf'], // IF with VIP pending
      [0, 'push dword 0\npopfd'], // 32-bit form
    ] as const) {
      const h2 = machine(1, flags, src);
      const r2 = runTo(h2);
      expect(r2).toMatchObject({ vec: 13, err: 0 });
      const f2 = frame(h2, r2.esp);
      expect(f2.sp).toBe(src.includes('dword') ? 0xffec : 0xffee); // nothing popped
    }
  });

  it('16-bit IRET loads VIF from the image; IOPL and IF keep their values', () => {
    const h = machine(1, IF, `
      push word 0x3200     ; IOPL 3 and IF in the image
      push word ${V86_CS}
      push word 0x20
      iret
      times 0x20-($-$$) nop
      pushf
      pop bx
      int 0x21`);
    const r = runTo(h);
    expect(r.vec).toBe(13);
    expect(h.reg('ebx') & 0xffff).toBe(0x3202);
    const fl = frame(h, r.esp).eflags;
    expect(fl & (VIF | IF | 0x3000)).toBe(VIF | IF); // IOPL still 0
    const h2 = machine(1, 0, 'push word 0x0100\npush word 0x2000\npush word 0x20\niret');
    expect(runTo(h2)).toMatchObject({ vec: 13, err: 0 });
  });

  it('method 6: a redirected INT n with IOPL 0 calls the 8086 IVT handler, pushing VIF as IF and IOPL 3', () => {
    const h = machine(1, VIP | VIF, `
      mov ax, 0
      mov ds, ax
      mov word [0x30*4], 0x40
      mov word [0x30*4+2], ${V86_CS}
      mov bx, sp
      int 0x30
    ret1:
      int 0x21
      times 0x40-($-$$) nop
      pushf
      pop cx
      mov di, ret1
      mov bp, sp
      mov dx, [bp]
      mov si, [bp+4]
      int 0x21`, [0x30]);
    const r = runTo(h);
    expect(r.vec).toBe(13); // the INT 0x21 inside the handler (bit set, IOPL 0)
    expect(h.reg('edx') & 0xffff).toBe(h.reg('edi') & 0xffff); // return IP after INT 0x30
    expect(h.reg('esi') & 0xffff).toBe(0x3202); // pushed FLAGS: VIF as IF, IOPL 3
    expect(h.reg('ecx') & 0xffff).toBe(0x3002); // in the handler: VIF clear
    const f = frame(h, r.esp);
    expect(f.cs).toBe(V86_CS);
    expect(f.eflags & (VIF | VIP)).toBe(VIP);
    expect(f.sp).toBe(0xfff0 - 6);
  });

  it('method 5: with IOPL 3 a redirected INT n pushes the real FLAGS and clears IF', () => {
    const h = machine(1, 0x3000 | IF, `
      mov ax, 0
      mov ds, ax
      mov word [0x30*4], 0x40
      mov word [0x30*4+2], ${V86_CS}
      int 0x30
      times 0x40-($-$$) nop
      pushf
      pop cx
      mov bp, sp
      mov si, [bp+4]
      hlt`, [0x30]);
    const r = runTo(h);
    expect(r.vec).toBe(13); // HLT in v86 mode
    expect(h.reg('esi') & 0xffff).toBe(0x3202);
    expect(h.reg('ecx') & 0xffff).toBe(0x3002);
  });

  it('method 4: with IOPL 3 and the bit set INT n goes to the protected-mode handler', () => {
    const h = machine(1, 0x3000, 'int 0x30', [0x21]);
    runTo(h);
    expect(h.field('cpl')).toBe(0);
    expect(h.eip).toBe(PM_HANDLER + 3); // after `mov esi, esp`, at HLT → halted past it
  });
});

describe('system: CR4.PVI at CPL 3', () => {
  it('CLI/STI at CPL 3 with IOPL 0 toggle VIF; STI with VIP raises #GP; without PVI #GP', () => {
    const run = (cr4: number, extra: number, src: string) => {
      const h = protMachine();
      code(h, CODE, `mov eax, ${cr4}\nmov cr4, eax\n${TO_RING3.replace('pushfd', `pushfd\nor dword [esp], ${extra}`)}`);
      code(h, USER, src);
      return { h, r: runTo(h) };
    };
    const a = run(2, IF, 'cli\npushfd\npop eax\nsti\npushfd\npop ebx\nint 0x80');
    expect(a.r.vec).toBe(0x80);
    expect(a.h.reg('eax') & (IF | VIF)).toBe(IF);
    expect(a.h.reg('ebx') & (IF | VIF)).toBe(IF | VIF);
    const b = run(2, VIP, 'sti');
    expect(b.r).toMatchObject({ vec: 13, err: 0 });
    const c = run(0, 0, 'cli');
    expect(c.r).toMatchObject({ vec: 13, err: 0 });
  });
});

describe('system: CPUID', () => {
  it('reports VME and DE', () => {
    const h = protMachine();
    code(h, CODE, 'mov eax, 1\ncpuid\nhlt');
    runTo(h);
    expect(h.reg('edx') & 0x6).toBe(0x6);
  });
});
