// LAR LSL VERR VERW, LLDT with LDT segments, ARPL, segment-register moves and loads, MSRs, the
// I/O permission check at ring 3.
import { describe, it, expect } from 'vitest';
import {
  protMachine, runTo, code, setDesc, seg, GDT, CODE, USER, TSS1, K_DATA, U_DATA, TO_RING3, TSS1_SEL,
} from './env.ts';
import { SHARED } from '../../../../src/shared/layout.ts';

describe('system: descriptor queries', () => {
  it('LAR and LSL return access rights and limits, ZF=0 for unusable selectors', () => {
    const h = protMachine();
    setDesc(h, GDT, 9, seg(0x1000, 0x2345, 0x93, 0x4)); // 0x48: byte-granular data, B=1
    code(h, CODE, `
      mov ecx, 0x48
      lar eax, ecx
      lsl ebx, ecx
      mov ecx, 0x28
      lsl esi, ecx
      mov ecx, 0x80
      mov edi, 0xdead
      lar edi, ecx
      setz dl
      mov ecx, 0x08
      lsl ebp, ecx
      hlt`);
    runTo(h);
    expect(h.reg('eax')).toBe(0x00409300);
    expect(h.reg('ebx')).toBe(0x2345);
    expect(h.reg('esi')).toBe(0x67);
    expect(h.reg('edi')).toBe(0xdead);
    expect(h.reg('edx') & 0xff).toBe(0);
    expect(h.reg('ebp')).toBe(0xffffffff);
  });

  it('VERR/VERW check readability and writability at the current privilege', () => {
    const h = protMachine();
    setDesc(h, GDT, 11, seg(0, 0xfffff, 0x99, 0xc)); // 0x58: execute-only code
    code(h, CODE, TO_RING3);
    code(h, USER, `
      mov ax, 0x23
      verw ax
      setz bl
      verr ax
      setz bh
      mov ax, 0x13
      verr ax
      setz cl
      mov ax, 0x1b
      verr ax
      setz ch
      verw ax
      setz dl
      mov ax, 0x5b
      verr ax
      setz dh
      int 0x80`);
    runTo(h);
    expect(h.reg('ebx') & 0xffff).toBe(0x0101);
    expect(h.reg('ecx') & 0xffff).toBe(0x0100); // DPL-0 data invisible at ring 3; user code readable
    expect(h.reg('edx') & 0xffff).toBe(0x0000);
  });
});

describe('system: segment registers', () => {
  it('loads a data segment from the LDT after LLDT', () => {
    const h = protMachine();
    setDesc(h, GDT, 9, seg(0x40000, 0x7f, 0x82, 0)); // 0x48: LDT at 0x40000, 16 entries
    setDesc(h, 0x40000, 1, seg(0x50000, 0xfff, 0x93, 0)); // LDT selector 0x0c
    code(h, CODE, 'mov ax, 0x48\nlldt ax\nmov bx, 0x0c\nmov es, bx\nmov dword [es:4], 0x99\nsldt ecx\nhlt');
    runTo(h);
    expect(h.read32(0x50004)).toBe(0x99);
    expect(h.reg('ecx')).toBe(0x48);
    expect(h.seg('es')).toMatchObject({ sel: 0x0c, base: 0x50000, limit: 0xfff });
  });

  it('enforces the segment limit of a byte-granular data segment', () => {
    const h = protMachine();
    setDesc(h, GDT, 9, seg(0x50000, 0xff, 0x93, 0x4));
    code(h, CODE, 'mov ax, 0x48\nmov es, ax\nmov eax, [es:0xfc]\nmov eax, [es:0xfd]\nhlt');
    expect(runTo(h)).toMatchObject({ vec: 13, err: 0 });
  });

  it('ARPL raises the RPL and reports it in ZF', () => {
    const h = protMachine();
    code(h, CODE, 'mov ax, 0x10\nmov bx, 0x23\narpl ax, bx\nsetz cl\narpl ax, bx\nsetz ch\nhlt');
    runTo(h);
    expect(h.reg('eax') & 0xffff).toBe(0x13);
    expect(h.reg('ecx') & 0xffff).toBe(0x0001);
  });

  it('moves segment registers to 32-bit registers zero-extended, pushes and pops them', () => {
    const h = protMachine();
    code(h, CODE, `
      mov eax, 0xffffffff
      mov eax, ds
      push fs
      pop gs
      mov ebx, esp
      push word 0x10
      pop es
      lss esp, [0x700]
      mov ecx, ss
      hlt`);
    h.write(0x700, [0x00, 0x80, 0, 0, 0x10, 0]);
    runTo(h);
    expect(h.reg('eax')).toBe(K_DATA);
    expect(h.seg('gs').sel).toBe(K_DATA);
    expect(h.reg('ebx')).toBe(0x9000);
    expect(h.reg('esp')).toBe(0x8000);
    expect(h.reg('ecx')).toBe(0x10);
  });

  it('makes MOV to CS undefined (#UD)', () => {
    const h = protMachine();
    h.write(CODE, [0x8e, 0xc8]); // mov cs, ax
    expect(runTo(h)).toMatchObject({ vec: 6 });
  });
});

describe('system: MSRs', () => {
  it('reads and writes the MSRs it has and #GPs on others', () => {
    const h = protMachine();
    code(h, CODE, `
      mov ecx, 0x277
      mov eax, 0x06060606
      mov edx, 0x00070406
      wrmsr
      xor eax, eax
      xor edx, edx
      rdmsr
      mov esi, eax
      mov edi, edx
      mov ecx, 0xfe
      rdmsr
      mov ebp, eax
      mov ecx, 0x1b
      rdmsr
      mov ebx, eax
      mov ecx, 0x12345
      rdmsr
      hlt`);
    const r = runTo(h);
    expect(r).toMatchObject({ vec: 13, err: 0 });
    expect(h.reg('esi')).toBe(0x06060606);
    expect(h.reg('edi')).toBe(0x00070406);
    expect(h.reg('ebp')).toBe(0x508);
    expect(h.reg('ebx')).toBe(0xfee00900);
  });

  it('writes the TSC: RDTSC continues from the written value', () => {
    const h = protMachine();
    h.timeNs = 1000;
    code(h, CODE, 'mov ecx, 0x10\nmov eax, 0x5000\nxor edx, edx\nwrmsr\nrdtsc\nhlt');
    runTo(h);
    expect(h.reg('eax')).toBe(0x5000);
    expect(h.reg('edx')).toBe(0);
  });
});

describe('system: the time base in CPUID and IA32_TSC_ADJUST', () => {
  const cpu = protMachine();
  const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
  /** CPUID with EAX = leaf, ECX = sub-leaf; returns [EAX, EBX, ECX, EDX]. */
  const cpuid = (leaf: number, sub = 0) => {
    cpu.write(CODE, [0xb8, ...le32(leaf), 0xb9, ...le32(sub), 0x0f, 0xa2, 0xf4]); // mov eax; mov ecx; cpuid; hlt
    cpu.setField('eip', CODE);
    cpu.setField('halted', 0);
    runTo(cpu);
    return [cpu.reg('eax'), cpu.reg('ebx'), cpu.reg('ecx'), cpu.reg('edx')];
  };

  it('reports the TSC as crystal × ratio (leaf 0x15) and the frequencies (leaf 0x16) at the 1 GHz clock', () => {
    expect(cpuid(0)).toEqual([0x16, 0x756e6547, 0x6c65746e, 0x49656e69]); // max leaf, "GenuineIntel"
    const [den, num, crystalHz] = cpuid(0x15);
    expect(crystalHz).toBe(100_000_000); // the LAPIC timer's 100 MHz bus clock
    expect((crystalHz * num) / den).toBe(1e9); // = SHARED.clock_hz
    expect(cpuid(0x16).slice(0, 3)).toEqual([1000, 1000, 100]);
  });

  it('flags IA32_TSC_ADJUST (leaf 7) and an invariant TSC (leaf 0x80000007); the rest is zeros', () => {
    expect(cpuid(7)).toEqual([0, 2, 0, 0]);
    expect(cpuid(7, 1)).toEqual([0, 0, 0, 0]);
    expect(cpuid(0x80000000)[0]).toBe(0x80000007);
    expect(cpuid(0x80000007)).toEqual([0, 0, 0, 0x100]);
    for (const leaf of [2, 4, 6, 0xa, 0xd, 0x80000001, 0x80000004]) expect(cpuid(leaf)).toEqual([0, 0, 0, 0]);
    // Above the maximum basic or extended leaf: the highest basic leaf's data.
    expect(cpuid(0x17)).toEqual(cpuid(0x16));
    expect(cpuid(0x80000008)).toEqual(cpuid(0x16));
  });

  it('puts every vCPU in one package (leaf 0xB: one thread per core, num_vcpus cores)', () => {
    cpu.setField('apic_id', 5);
    for (const [n, shift] of [[1, 0], [2, 1], [3, 2], [4, 2], [5, 3], [8, 3]]) {
      cpu.dv.setUint32(SHARED.num_vcpus, n, true);
      expect(cpuid(0xb, 0)).toEqual([0, 1, 0x100, 5]);
      expect(cpuid(0xb, 1)).toEqual([shift, n, 0x201, 5]);
      expect(cpuid(0xb, 2)).toEqual([0, 0, 2, 5]);
    }
  });

  it('IA32_TSC_ADJUST moves the TSC, and a TSC write moves IA32_TSC_ADJUST', () => {
    const h = protMachine();
    h.timeNs = 1000;
    code(h, CODE, `
      mov ecx, 0x3b
      rdmsr
      mov ebx, eax
      mov eax, 0x10000
      xor edx, edx
      wrmsr
      rdtsc
      mov esi, eax
      mov ecx, 0x10
      mov eax, 0x5000
      xor edx, edx
      wrmsr
      mov ecx, 0x3b
      rdmsr
      mov edi, eax
      mov ebp, edx
      hlt`);
    runTo(h);
    expect(h.reg('ebx')).toBe(0); // 0 at power-on
    expect(h.reg('esi')).toBe(1000 + 0x10000);
    expect(h.reg('edi')).toBe(0x5000 - 1000);
    expect(h.reg('ebp')).toBe(0);
  });
});

describe('system: I/O permission', () => {
  it('lets ring 3 use ports allowed by the TSS bitmap when CPL > IOPL', () => {
    const h = protMachine();
    setDesc(h, GDT, 5, seg(TSS1, 0x68 + 0x80, 0x89, 0));
    for (let i = 0; i <= 0x80; i++) h.write(TSS1 + 0x68 + i, [0xff]);
    h.write(TSS1 + 0x68 + (0x3f8 >> 3), [0xfe]); // port 0x3f8 only
    code(h, CODE, TO_RING3);
    code(h, USER, 'mov dx, 0x3f8\nout dx, al\nin al, dx\nmov dx, 0x3f9\nout dx, al');
    const r = runTo(h);
    expect(r).toMatchObject({ vec: 13, err: 0 });
    expect(h.io.map((x) => x.port)).toEqual([0x3f8, 0x3f8]);
    void U_DATA; void TSS1_SEL;
  });

  it('refuses a 16-bit access that straddles an allowed and a denied port', () => {
    const h = protMachine();
    setDesc(h, GDT, 5, seg(TSS1, 0x68 + 0x20, 0x89, 0));
    for (let i = 0; i < 0x20; i++) h.write(TSS1 + 0x68 + i, [0xff]);
    h.write(TSS1 + 0x68 + 0x10, [0x7f]); // port 0x87 allowed, 0x88 denied
    code(h, CODE, TO_RING3);
    code(h, USER, 'in al, 0x87\nin ax, 0x87');
    expect(runTo(h)).toMatchObject({ vec: 13, err: 0 });
    expect(h.io.map((x) => x.port)).toEqual([0x87]);
  });
});
