// Privilege changes: IRET to ring 3, INT from ring 3 with the TSS stack switch, call gates with
// parameter copy, RETF to an outer level, data segments nulled on the way out, SYSENTER/SYSEXIT.
import { describe, it, expect } from 'vitest';
import {
  protMachine, runTo, code, setDesc, gate, seg, stack, GDT, IDT, CODE, USER, RESULT, STACK0, STACK3,
  K_CODE, K_DATA, U_CODE, U_DATA, TSS1_SEL, TO_RING3, STUBS,
} from './env.ts';

describe('system: rings', () => {
  it('IRETs to ring 3 and nulls data segments the outer level may not use', () => {
    const h = protMachine();
    code(h, CODE, TO_RING3);
    code(h, USER, 'mov eax, ds\nmov ebx, es\nint 0x80');
    const r = runTo(h);
    expect(r.vec).toBe(0x80);
    expect(h.reg('eax')).toBe(0);
    expect(h.reg('ebx')).toBe(0);
  });

  it('takes INT 0x80 from ring 3 on the ring-0 stack from the TSS', () => {
    const h = protMachine();
    code(h, CODE, TO_RING3);
    code(h, USER, 'mov ax, 0x23\nmov ds, ax\nmov esp, 0xa000 - 16\nint 0x80');
    const r = runTo(h);
    expect(r.vec).toBe(0x80);
    expect(r.esp).toBe(STACK0 - 20);
    const [eip, cs, fl, esp, ss] = stack(h, r.esp, 5);
    expect(eip).toBe(USER + 13); // after INT 0x80
    expect(cs).toBe(U_CODE);
    expect(fl & 2).toBe(2);
    expect(esp).toBe(STACK3 - 16);
    expect(ss).toBe(U_DATA);
    expect(h.seg('ss').sel).toBe(K_DATA);
    expect(h.seg('cs').sel).toBe(K_CODE);
    expect(h.field('cpl')).toBe(0);
    expect(h.seg('ds').sel).toBe(U_DATA); // DS is not touched on the way in
  });

  it('refuses INT n through a DPL-0 gate from ring 3 with #GP(vec*8+2)', () => {
    const h = protMachine();
    code(h, CODE, TO_RING3);
    code(h, USER, 'int 0x40');
    setDesc(h, IDT, 0x40, gate(K_CODE, STUBS, 0xe, 0));
    const r = runTo(h);
    expect(r).toMatchObject({ vec: 13, err: 0x40 * 8 + 2 });
    expect(stack(h, r.esp, 2)).toEqual([USER, U_CODE]); // faulting INT restarts
  });

  it('clears IF through an interrupt gate but not through a trap gate', () => {
    for (const [type, ifSet] of [[0xe, 0], [0xf, 0x200]] as const) {
      const h = protMachine();
      setDesc(h, IDT, 0x41, gate(K_CODE, 0x3900, type, 0));
      code(h, 0x3900, 'pushfd\npop eax\nhlt');
      code(h, CODE, 'sti\nint 0x41');
      runTo(h);
      expect(h.reg('eax') & 0x200).toBe(ifSet);
    }
  });

  it('calls a ring-0 procedure through a call gate, copying parameters, and RETFs to ring 3', () => {
    const h = protMachine();
    setDesc(h, GDT, 7, gate(K_CODE, 0x3a00, 0xc, 3, 2)); // 0x38: 32-bit call gate, 2 dwords
    code(h, 0x3a00, `
      mov eax, [esp+8]   ; first parameter (pushed last)
      mov ebx, [esp+12]
      mov ecx, [esp+4]   ; caller CS
      mov edx, [esp+20]  ; caller SS
      mov esi, esp
      retf 8`);
    code(h, CODE, TO_RING3);
    code(h, USER, `
      mov ax, 0x23
      mov ds, ax
      push dword 0x2222
      push dword 0x1111
      call 0x3b:0
      mov edi, esp
      int 0x80`);
    const r = runTo(h);
    expect(r.vec).toBe(0x80);
    expect(h.reg('eax')).toBe(0x1111);
    expect(h.reg('ebx')).toBe(0x2222);
    expect(h.reg('ecx')).toBe(U_CODE);
    expect(h.reg('edx')).toBe(U_DATA);
    expect(h.reg('esi')).toBe(STACK0 - 24);
    expect(h.reg('edi')).toBe(STACK3); // RETF 8 released the parameters on the outer stack
  });

  it('faults #GP(selector) when a call gate DPL is below CPL', () => {
    const h = protMachine();
    setDesc(h, GDT, 7, gate(K_CODE, 0x3a00, 0xc, 0));
    code(h, CODE, TO_RING3);
    code(h, USER, 'call 0x3b:0');
    expect(runTo(h)).toMatchObject({ vec: 13, err: 0x38 });
  });

  it('jumps through a call gate to a conforming segment without changing CPL', () => {
    const h = protMachine();
    setDesc(h, GDT, 8, seg(0, 0xfffff, 0x9f, 0xc)); // 0x40: conforming code, DPL 0
    setDesc(h, GDT, 7, gate(0x40, 0x3a00, 0xc, 3));
    code(h, 0x3a00, 'mov eax, cs\nint 0x80');
    code(h, CODE, TO_RING3);
    code(h, USER, 'jmp 0x3b:0');
    const r = runTo(h);
    expect(r.vec).toBe(0x80);
    expect(h.reg('eax')).toBe(0x43);
  });

  it('runs SYSENTER and SYSEXIT with flat segments from IA32_SYSENTER_CS', () => {
    const h = protMachine();
    code(h, CODE, `
      mov ecx, 0x174
      xor edx, edx
      mov eax, ${K_CODE}
      wrmsr
      inc ecx
      mov eax, 0x8800
      wrmsr
      inc ecx
      mov eax, 0x3c00
      wrmsr
      mov ecx, 0x9f00      ; user ESP
      mov edx, 0x3d00      ; user EIP
      sysexit`);
    code(h, 0x3d00, 'mov ebx, cs\nmov esi, ss\nsysenter');
    code(h, 0x3c00, 'mov eax, cs\nmov edi, esp\nhlt');
    runTo(h);
    expect(h.reg('ebx')).toBe(0x1b);
    expect(h.reg('esi')).toBe(0x23);
    expect(h.reg('eax')).toBe(K_CODE);
    expect(h.reg('edi')).toBe(0x8800);
    expect(h.seg('ss')).toMatchObject({ sel: K_DATA, attr: 0xc093 });
  });

  it('loads SS only with RPL = DPL = CPL (MOV SS from ring 3 with a DPL-0 selector)', () => {
    const h = protMachine();
    code(h, CODE, TO_RING3);
    code(h, USER, 'mov ax, 0x13\nmov ss, ax');
    expect(runTo(h)).toMatchObject({ vec: 13, err: 0x10 });
  });

  it('returns with RETF to the same level and restores ESP', () => {
    const h = protMachine();
    code(h, CODE, 'call 0x08:0x3e00\nmov ebx, esp\nhlt');
    code(h, 0x3e00, 'mov eax, [esp+4]\nretf');
    runTo(h);
    expect(h.reg('eax')).toBe(K_CODE);
    expect(h.reg('ebx')).toBe(STACK0);
    void RESULT; void TSS1_SEL;
  });
});

describe('system: software and external interrupts', () => {
  it('pushes the address after INT3 and INTO (traps)', () => {
    const h = protMachine();
    code(h, CODE, 'nop\nint3\nhlt');
    const r = runTo(h);
    expect(r.vec).toBe(3);
    expect(stack(h, r.esp, 1)[0]).toBe(CODE + 2);
    const h2 = protMachine();
    code(h2, CODE, 'mov al, 0x7f\nadd al, 1\ninto\nhlt');
    const r2 = runTo(h2);
    expect(r2.vec).toBe(4);
    expect(stack(h2, r2.esp, 1)[0]).toBe(CODE + 5);
    const h3 = protMachine();
    code(h3, CODE, 'xor eax, eax\ninto\nmov ebx, 1\nhlt');
    runTo(h3);
    expect(h3.reg('ebx')).toBe(1);
  });

  it('delivers an external interrupt between instructions, with EXT in a resulting fault', () => {
    const h = protMachine();
    setDesc(h, IDT, 0x20, gate(K_CODE, 0x3900, 0xe, 0));
    code(h, 0x3900, 'mov eax, [esp]\nhlt');
    code(h, CODE, 'mov ecx, 1\nsti\nnop\nnop\nhlt');
    h.setField('pending', 1);
    runTo(h);
    expect(h.reg('eax')).toBe(CODE + 7); // after STI's shadow: the first NOP ran
    const h2 = protMachine();
    const [lo, hi] = gate(K_CODE, 0x3900, 0xe, 0);
    setDesc(h2, IDT, 0x20, [lo, hi & ~0x8000]);
    code(h2, CODE, 'sti\nnop\nnop\nhlt');
    h2.setField('pending', 1);
    expect(runTo(h2)).toMatchObject({ vec: 11, err: 0x20 * 8 + 3 });
  });
});
