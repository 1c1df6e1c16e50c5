// Virtual-8086 mode: IRET into it, INT n to the protected-mode handler (IOPL 3) or #GP (IOPL < 3),
// IRET back, I/O through the TSS bitmap.
import { describe, it, expect } from 'vitest';
import { protMachine, runTo, code, setDesc, gate, seg, stack, GDT, IDT, CODE, STACK0, K_CODE, TSS1, TSS1_SEL } from './env.ts';

const V86_CS = 0x2000; // v86 code at linear 0x20000
const V86_SS = 0x3000; // stack at 0x3000:0xfff0
const HANDLER = 0x3c00;

/** Ring-0 code that enters v86 mode at V86_CS:0 with the given IOPL. */
function enterV86(iopl: number): string {
  return `
    mov ax, ${TSS1_SEL}
    ltr ax
    push dword 0x4444      ; GS
    push dword 0x3333      ; FS
    push dword 0x2222      ; DS
    push dword 0x1111      ; ES
    push dword ${V86_SS}
    push dword 0xfff0
    push dword ${0x20002 | (iopl << 12)}
    push dword ${V86_CS}
    push dword 0
    iretd`;
}

function machine(iopl: number) {
  const h = protMachine();
  setDesc(h, IDT, 0x21, gate(K_CODE, HANDLER, 0xe, 3));
  // TSS1 with an I/O bitmap: only port 0x80 allowed.
  setDesc(h, GDT, 5, seg(TSS1, 0x68 + 0x20, 0x89, 0));
  h.write32(TSS1 + 0x64, 0x68 << 16);
  for (let i = 0; i < 0x20; i++) h.write(TSS1 + 0x68 + i, [i === 0x10 ? 0xfe : 0xff]);
  code(h, CODE, enterV86(iopl));
  return h;
}

describe('system: virtual-8086 mode', () => {
  it('enters v86 mode with IRET and takes INT n to ring 0 with the v86 segments on the stack', () => {
    const h = machine(3);
    code(h, V86_CS << 4, 'mov ax, cs\nmov bx, ds\nmov cx, ss\nint 0x21', 16);
    code(h, HANDLER, 'mov esi, ds\nmov edi, esp\nhlt');
    runTo(h);
    expect(h.reg('eax') & 0xffff).toBe(V86_CS);
    expect(h.reg('ebx') & 0xffff).toBe(0x2222);
    expect(h.reg('ecx') & 0xffff).toBe(V86_SS);
    expect(h.reg('esi')).toBe(0); // data segments nulled in the handler
    expect(h.reg('edi')).toBe(STACK0 - 36);
    const [eip, cs, fl, esp, ss, es, ds, fs, gs] = stack(h, STACK0 - 36, 9);
    expect([eip, cs, esp, ss, es, ds, fs, gs]).toEqual([8, V86_CS, 0xfff0, V86_SS, 0x1111, 0x2222, 0x3333, 0x4444]);
    expect(fl & 0x23000).toBe(0x23000); // VM and IOPL 3 in the pushed image
    expect(h.eflags & 0x20000).toBe(0);
    expect(h.field('cpl')).toBe(0);
  });

  it('returns to v86 mode with IRET from the handler', () => {
    const h = machine(3);
    code(h, V86_CS << 4, 'int 0x21\nmov dx, 0x55\nmov si, ds\nmov [0x10], dx\nint 0x21', 16);
    code(h, HANDLER, 'inc dword [ss:0x600]\ncmp dword [ss:0x600], 2\nje done\niretd\ndone: hlt');
    runTo(h);
    expect(h.read32(0x600)).toBe(2);
    expect(h.read(0x22230, 2)).toEqual(new Uint8Array([0x55, 0]));
  });

  it('makes INT n #GP(0) with IOPL < 3, and allows I/O by the TSS bitmap', () => {
    const h = machine(0);
    code(h, V86_CS << 4, 'out 0x80, al\nout 0x81, al', 16);
    const r = runTo(h);
    expect(r).toMatchObject({ vec: 13, err: 0 });
    expect(stack(h, r.esp, 2)).toEqual([2, V86_CS]);
    expect(h.io.filter((x) => x.dir === 'out').map((x) => x.port)).toEqual([0x80]);
    const h2 = machine(0);
    code(h2, V86_CS << 4, 'int 0x21', 16);
    expect(runTo(h2)).toMatchObject({ vec: 13, err: 0 });
  });

  it('executes IRET inside v86 mode with IOPL 3 like real mode', () => {
    const h = machine(3);
    // A far-return frame built on the v86 stack: FLAGS, CS, IP → continue at V86_CS:0x20.
    code(h, V86_CS << 4, `push word 0x3202\npush word ${V86_CS}\npush word 0x20\niret`, 16);
    code(h, (V86_CS << 4) + 0x20, 'pushf\npop bx\nint 0x21', 16);
    code(h, HANDLER, 'hlt');
    runTo(h);
    expect(h.reg('ebx') & 0x3000).toBe(0x3000); // IOPL kept
  });
});
