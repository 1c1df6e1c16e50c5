// First-light tests of the core: straight-line code, loops, stack, memory, flags, port I/O, modes.
import { describe, it, expect } from 'vitest';
import { CoreHarness, EXIT } from '../harness.ts';
import { assemble } from '../nasm.ts';

function run32(src: string, setup?: (h: CoreHarness) => void): CoreHarness {
  const h = new CoreHarness();
  h.flat32();
  h.write(0x1000, assemble(src, 32, 0x1000));
  h.eip = 0x1000;
  h.setReg('esp', 0x8000);
  setup?.(h);
  h.refresh();
  expect(h.run(1_000_000)).toBe(EXIT.HLT);
  return h;
}

describe('core: 32-bit flat protected mode', () => {
  it('adds, subtracts and loops', () => {
    const h = run32(`
      mov eax, 0
      mov ecx, 100
    l: add eax, ecx
      loop l
      mov ebx, eax
      sub ebx, 5050
      hlt`);
    expect(h.reg('eax')).toBe(5050);
    expect(h.reg('ebx')).toBe(0);
    expect(h.eflags & 0x40).toBe(0x40); // ZF from the SUB
  });
  it('uses the stack: push/pop, call/ret', () => {
    const h = run32(`
      push dword 0x12345678
      call f
      pop edx
      hlt
    f: mov eax, [esp+4]
      ret`);
    expect(h.reg('eax')).toBe(0x12345678);
    expect(h.reg('edx')).toBe(0x12345678);
    expect(h.reg('esp')).toBe(0x8000);
  });
  it('reads and writes memory with every addressing form', () => {
    const h = run32(`
      mov ebx, 0x2000
      mov esi, 4
      mov dword [ebx], 0x11111111
      mov dword [ebx+esi*2], 0x22222222
      mov byte [ebx+esi*4+1], 0x33
      mov eax, [0x2000]
      add eax, [ebx+8]
      movzx ecx, byte [ebx+17]
      hlt`);
    expect(h.reg('eax')).toBe(0x33333333);
    expect(h.reg('ecx')).toBe(0x33);
    expect(h.read32(0x2008)).toBe(0x22222222);
  });
  it('does port I/O through the host', () => {
    const h = run32(`
      mov dx, 0x3f8
      mov al, 'A'
      out dx, al
      in al, 0x61
      hlt`, (h) => h.portValues.set(0x61, 0x20));
    expect(h.io).toEqual([
      { dir: 'out', port: 0x3f8, size: 1, value: 0x41 },
      { dir: 'in', port: 0x61, size: 1, value: 0x20 },
    ]);
    expect(h.reg('eax') & 0xff).toBe(0x20);
  });
  it('runs REP MOVSB and REP STOSD', () => {
    const h = run32(`
      cld
      mov edi, 0x3000
      mov eax, 0xdeadbeef
      mov ecx, 4
      rep stosd
      mov esi, 0x3000
      mov edi, 0x4001
      mov ecx, 16
      rep movsb
      hlt`);
    expect(h.read32(0x300c)).toBe(0xdeadbeef);
    expect(Array.from(h.read(0x4001, 4))).toEqual([0xef, 0xbe, 0xad, 0xde]);
    expect(h.reg('ecx')).toBe(0);
  });
  it('counts retired instructions', () => {
    const h = run32('nop\nnop\nnop\nhlt');
    expect(h.field('instret')).toBe(4);
  });
});

describe('core: real mode', () => {
  it('starts at the reset vector F000:FFF0 after init', () => {
    const h = new CoreHarness();
    expect(h.eip).toBe(0xfff0);
    expect(h.seg('cs')).toMatchObject({ sel: 0xf000, base: 0xffff0000 });
  });
  it('computes with 16-bit registers and segment:offset addresses', () => {
    const h = new CoreHarness();
    h.real(0x100, 0, 0x200);
    h.write(0x1000, assemble(`
      mov ax, 0x1234
      mov [0x10], ax
      mov bx, 0x10
      mov cx, [bx]
      add cx, 1
      hlt`, 16));
    h.refresh();
    expect(h.run()).toBe(EXIT.HLT);
    expect(h.reg('ecx') & 0xffff).toBe(0x1235);
    expect(h.read(0x2010, 2)).toEqual(new Uint8Array([0x34, 0x12]));
  });
});
