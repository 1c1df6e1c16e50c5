// Real mode ↔ protected mode, real-mode interrupts and far transfers, descriptor-table and control
// registers.
import { describe, it, expect } from 'vitest';
import { CoreHarness, EXIT, code, seg, setDesc, GDT, protMachine, runTo, CODE, RESULT, K_CODE } from './env.ts';

describe('system: real mode', () => {
  it('switches to protected mode with LGDT, MOV CR0 and a far jump', () => {
    const h = new CoreHarness();
    h.real(0, 0x7c00);
    setDesc(h, GDT, 1, seg(0, 0xfffff, 0x9b, 0xc));
    setDesc(h, GDT, 2, seg(0, 0xfffff, 0x93, 0xc));
    h.write(0x600, [0x17, 0, 0, 0, 1, 0]); // GDTR image: limit 0x17, base 0x10000
    code(h, 0x7c00, `
      cli
      lgdt [0x600]
      mov eax, cr0
      or al, 1
      mov cr0, eax
      jmp 0x08:pm
    bits 32
    pm:
      mov ax, 0x10
      mov ds, ax
      mov ss, ax
      mov esp, 0x9000
      push dword 0x12345678
      pop ebx
      sgdt [0x700]
      hlt`, 16);
    h.refresh();
    expect(h.run()).toBe(EXIT.HLT);
    expect(h.seg('cs')).toMatchObject({ sel: 0x08, base: 0, limit: 0xffffffff, attr: 0xc09b });
    expect(h.seg('ss')).toMatchObject({ sel: 0x10, limit: 0xffffffff, attr: 0xc093 });
    expect(h.reg('ebx')).toBe(0x12345678);
    expect(Array.from(h.read(0x700, 6))).toEqual([0x17, 0, 0, 0, 1, 0]);
    // The accessed bit was set in the GDT.
    expect(h.read32(GDT + 12) & 0x100).toBe(0x100);
  });

  it('delivers INT n through the IVT and returns with IRET', () => {
    const h = new CoreHarness();
    h.real(0, 0x7c00);
    h.write32(0x21 * 4, 0x01000100); // 0100:0100 → linear 0x1100
    code(h, 0x1100, 'mov bx, sp\nmov cx, [ss:bx+4]\nmov dx, 0x55\niret', 16);
    code(h, 0x7c00, 'mov sp, 0x8000\nsti\nstc\nint 0x21\npushf\npop ax\nhlt', 16);
    h.refresh();
    expect(h.run()).toBe(EXIT.HLT);
    expect(h.reg('edx') & 0xffff).toBe(0x55);
    expect(h.reg('ecx') & 0x201).toBe(0x201); // pushed FLAGS had IF and CF
    expect(h.reg('eax') & 0x201).toBe(0x201); // restored by IRET
    expect(h.reg('esp') & 0xffff).toBe(0x8000);
    expect(h.seg('cs')).toMatchObject({ sel: 0, base: 0 });
  });

  it('clears IF and TF on a real-mode interrupt', () => {
    const h = new CoreHarness();
    h.real(0, 0x7c00);
    h.write32(0x30 * 4, 0x00001200);
    code(h, 0x1200, 'pushf\npop ax\nhlt', 16);
    code(h, 0x7c00, 'mov sp, 0x8000\nsti\nint 0x30', 16);
    h.refresh();
    expect(h.run()).toBe(EXIT.HLT);
    expect(h.reg('eax') & 0x300).toBe(0);
  });

  it('does far CALL, RETF and JMP FAR in real mode', () => {
    const h = new CoreHarness();
    h.real(0, 0x7c00);
    code(h, 0x20000, 'mov ax, cs\nretf', 16); // 2000:0000
    code(h, 0x7c00, 'mov sp, 0x8000\ncall 0x2000:0\nmov bx, ax\njmp 0x3000:0x10', 16);
    code(h, 0x30010, 'mov cx, cs\nhlt', 16);
    h.refresh();
    expect(h.run()).toBe(EXIT.HLT);
    expect(h.reg('ebx') & 0xffff).toBe(0x2000);
    expect(h.reg('ecx') & 0xffff).toBe(0x3000);
    expect(h.reg('esp') & 0xffff).toBe(0x8000);
  });

  it('keeps a 4 GiB data limit after returning to real mode (unreal mode)', () => {
    const h = protMachine();
    code(h, CODE, `
      mov eax, cr0
      and al, 0xfe
      mov cr0, eax
      jmp 0:real
    real:
      xor ax, ax
      mov ds, ax
      mov dword [0x200000], 0xcafe
      hlt`);
    runTo(h);
    expect(h.read32(0x200000)).toBe(0xcafe);
    expect(h.seg('ds')).toMatchObject({ sel: 0, base: 0, limit: 0xffffffff });
  });

  it('faults #GP when IP leaves the CS limit on a far jump', () => {
    const h = new CoreHarness();
    h.real(0, 0x7c00);
    h.write32(13 * 4, 0x00001300);
    code(h, 0x1300, 'mov si, 0x77\nhlt', 16);
    code(h, 0x7c00, 'mov sp, 0x8000\njmp dword 0x10:0x10000', 16);
    h.refresh();
    expect(h.run()).toBe(EXIT.HLT);
    expect(h.reg('esi') & 0xffff).toBe(0x77);
    expect(Array.from(h.read(0x7ffa, 4))).toEqual([0x03, 0x7c, 0, 0]); // IP of the JMP, CS
  });
});

describe('system: control and table registers', () => {
  it('reads and writes CR0, CR3, CR4 and SMSW/LMSW', () => {
    const h = protMachine();
    code(h, CODE, `
      mov eax, cr0
      mov ebx, 0x123000
      mov cr3, ebx
      mov ecx, cr3
      mov edx, 0x90
      mov cr4, edx
      mov esi, cr4
      smsw edi
      lmsw ax
      clts
      mov ebp, cr0
      hlt`);
    runTo(h);
    expect(h.reg('eax') & 0x11).toBe(0x11);
    expect(h.reg('ecx')).toBe(0x123000);
    expect(h.reg('esi')).toBe(0x90);
    expect(h.reg('edi')).toBe(h.reg('eax'));
    expect(h.reg('ebp') & 8).toBe(0);
  });

  it('rejects CR4.PAE and PG without PE with #GP(0)', () => {
    const h = protMachine();
    code(h, CODE, 'mov eax, 0x20\nmov cr4, eax\nhlt');
    expect(runTo(h)).toMatchObject({ vec: 13, err: 0 });
    const h2 = protMachine();
    code(h2, CODE, 'mov eax, 0x80000000\nmov cr0, eax\nhlt');
    expect(runTo(h2)).toMatchObject({ vec: 13, err: 0 });
  });

  it('SIDT/LIDT with a 16-bit operand keep 24 bits of base', () => {
    const h = protMachine();
    h.write(0x600, [0xff, 0x07, 0x00, 0x10, 0x21, 0xab]);
    code(h, CODE, 'sidt [0x700]\no16 lidt [0x600]\nsidt [0x710]\nlidt [0x700]\nhlt');
    runTo(h);
    expect(Array.from(h.read(0x710, 6))).toEqual([0xff, 0x07, 0x00, 0x10, 0x21, 0x00]);
    expect(h.field('idt_base')).toBe(0x11000);
  });

  it('moves to and from debug registers, DR4 aliasing DR6', () => {
    const h = protMachine();
    code(h, CODE, 'mov eax, 0x1234\nmov dr0, eax\nmov ebx, dr0\nmov ecx, dr4\nmov edx, dr7\nhlt');
    runTo(h);
    expect(h.reg('ebx')).toBe(0x1234);
    expect(h.reg('ecx')).toBe(0xffff0ff0);
    expect(h.reg('edx')).toBe(0x400);
  });

  it('LMSW cannot clear PE', () => {
    const h = protMachine();
    code(h, CODE, 'xor eax, eax\nlmsw ax\nmov ebx, cr0\nhlt');
    runTo(h);
    expect(h.reg('ebx') & 1).toBe(1);
    expect(h.seg('cs').sel).toBe(K_CODE);
    void RESULT;
  });
});
