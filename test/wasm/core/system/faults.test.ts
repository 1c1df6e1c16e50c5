// Exception error codes (#GP #NP #SS #TS #PF), double fault and triple fault.
import { describe, it, expect } from 'vitest';
import {
  protMachine, runTo, code, setDesc, gate, seg, stack, EXIT, GDT, IDT, CODE, USER, RESULT, STUBS,
  K_CODE, TO_RING3, TSS1,
  identityPaging,
} from './env.ts';

describe('system: segment-load faults', () => {
  const cases: [string, string, number, number][] = [
    ['a selector beyond the GDT limit', 'mov ax, 0x80\nmov ds, ax', 13, 0x80],
    ['a not-present data segment', 'mov ax, 0x48\nmov es, ax', 11, 0x48],
    ['a not-present stack segment', 'mov ax, 0x48\nmov ss, ax', 12, 0x48],
    ['a TSS descriptor into DS', 'mov ax, 0x28\nmov ds, ax', 13, 0x28],
    ['an execute-only code segment into FS', 'mov ax, 0x58\nmov fs, ax', 13, 0x58],
    ['a read-only data segment into SS', 'mov ax, 0x60\nmov ss, ax', 13, 0x60],
    ['a null selector into SS', 'xor eax, eax\nmov ss, ax', 13, 0],
    ['an LDT selector without an LDT', 'mov ax, 0x0c\nmov gs, ax', 13, 0x0c],
  ];
  for (const [what, src, vec, err] of cases) {
    it(`raises ${vec === 13 ? '#GP' : vec === 11 ? '#NP' : '#SS'}(${err.toString(16)}) for ${what}`, () => {
      const h = protMachine();
      setDesc(h, GDT, 9, seg(0, 0xfffff, 0x13, 0xc)); // 0x48: writable data, not present
      setDesc(h, GDT, 11, seg(0, 0xfffff, 0x99, 0xc)); // 0x58: execute-only code
      setDesc(h, GDT, 12, seg(0, 0xfffff, 0x91, 0xc)); // 0x60: read-only data
      code(h, CODE, `${src}\nhlt`);
      const r = runTo(h);
      expect(r).toMatchObject({ vec, err });
      expect(stack(h, r.esp, 1)[0]).toBe(CODE + (src.startsWith('xor') ? 2 : 4));
    });
  }

  it('loads a null selector into DS and faults #GP(0) on its use', () => {
    const h = protMachine();
    code(h, CODE, 'xor eax, eax\nmov ds, ax\nmov ebx, [0x100]\nhlt');
    const r = runTo(h);
    expect(r).toMatchObject({ vec: 13, err: 0 });
    expect(stack(h, r.esp, 1)[0]).toBe(CODE + 4);
  });

  it('raises #TS(SS0) when the TSS holds a bad ring-0 stack', () => {
    const h = protMachine();
    h.write32(TSS1 + 8, 0x18); // SS0 = a code segment
    // #TS goes to a conforming handler so that it needs no stack switch itself.
    setDesc(h, GDT, 8, seg(0, 0xfffff, 0x9f, 0xc));
    setDesc(h, IDT, 10, gate(0x40, 0x3f00, 0xe, 0));
    code(h, 0x3f00, `mov dword [ss:${RESULT}], 10\npop eax\nmov [ss:${RESULT + 4}], eax\nmov [ss:${RESULT + 8}], esp\njmp $`);
    code(h, CODE, TO_RING3);
    code(h, USER, 'int 0x80');
    const r = runTo(h, EXIT.BUDGET);
    expect(r).toMatchObject({ vec: 10, err: 0x18 });
    expect(stack(h, r.esp, 1)[0]).toBe(USER);
  });

  it('raises #GP(vec*8+2) for a vector beyond the IDT limit', () => {
    const h = protMachine();
    h.setField('idt_limit', 0x90 * 8 - 1);
    code(h, CODE, 'int 0x90\nhlt');
    expect(runTo(h)).toMatchObject({ vec: 13, err: 0x90 * 8 + 2 });
  });

  it('sets EXT in the error code of a fault while delivering an exception', () => {
    const h = protMachine();
    const [lo, hi] = gate(K_CODE, STUBS + 6 * 0x20, 0xe, 0);
    setDesc(h, IDT, 6, [lo, hi & ~0x8000]); // #UD gate not present
    code(h, CODE, 'ud2\nhlt');
    // Benign then contributory: handled serially, no double fault.
    expect(runTo(h)).toMatchObject({ vec: 11, err: 6 * 8 + 2 + 1 });
  });
});

describe('system: double and triple faults', () => {
  it('turns a #NP while delivering #GP into #DF(0)', () => {
    const h = protMachine();
    const [lo, hi] = gate(K_CODE, STUBS + 13 * 0x20, 0xe, 0);
    setDesc(h, IDT, 13, [lo, hi & ~0x8000]);
    code(h, CODE, 'mov ax, 0x80\nmov ds, ax\nhlt');
    const r = runTo(h);
    expect(r).toMatchObject({ vec: 8, err: 0 });
    expect(stack(h, r.esp, 1)[0]).toBe(CODE + 4);
    expect(h.field('exc_count', 8)).toBe(1);
    expect(h.field('exc_count', 13)).toBe(0);
  });

  it('shuts down on a fault while delivering #DF (triple fault)', () => {
    const h = protMachine();
    h.setField('idt_limit', 0);
    code(h, CODE, 'ud2');
    runTo(h, EXIT.SHUTDOWN);
    expect(h.field('halted')).toBe(3);
  });

  it('shuts down in real mode when the IVT cannot be read', () => {
    const h = protMachine();
    code(h, CODE, 'mov eax, cr0\nand al, 0xfe\nmov cr0, eax\nlidt [0x600]\nint 0x10');
    h.write(0x600, [0, 0, 0, 0, 0, 0]);
    runTo(h, EXIT.SHUTDOWN);
    expect(h.field('halted')).toBe(3);
  });
});

describe('system: page faults', () => {
  /** Identity map of the first 4 MiB, user/writable, except 0x6000 (read-only) and 0x7000 (absent). */
  function paged() {
    const h = protMachine();
    identityPaging(h);
    h.write32(0x21000 + 6 * 4, 0x6000 | 5);
    h.write32(0x21000 + 7 * 4, 0);
    return h;
  }
  const enable = 'mov eax, 0x20000\nmov cr3, eax\nmov eax, cr0\nor eax, 0x80010000\nmov cr0, eax\n';

  it('reports a ring-3 write to a read-only page: error 7, CR2', () => {
    const h = paged();
    code(h, CODE, enable + TO_RING3);
    code(h, USER, 'mov ax, 0x23\nmov ds, ax\nmov dword [0x6010], 1');
    const r = runTo(h);
    expect(r).toMatchObject({ vec: 14, err: 7 });
    expect(h.field('cr2')).toBe(0x6010);
  });

  it('reports a ring-0 read of a not-present page: error 0; WP makes ring-0 writes fault too', () => {
    const h = paged();
    code(h, CODE, enable + 'mov eax, [0x7004]\nhlt');
    expect(runTo(h)).toMatchObject({ vec: 14, err: 0 });
    expect(h.field('cr2')).toBe(0x7004);
    const h2 = paged();
    code(h2, CODE, enable + 'mov dword [0x6000], 1\nhlt');
    expect(runTo(h2)).toMatchObject({ vec: 14, err: 3 });
  });

  it('shuts down on #PF → #DF → #PF when the ring-0 stack is not present', () => {
    const h = paged();
    h.setReg('esp', 0x8000);
    code(h, CODE, enable + 'mov esp, 0x8000\nmov eax, [0x7000]\nhlt');
    // The #PF frame lands in the absent page: #PF while delivering #PF is #DF, whose frame
    // faults the same way: shutdown.
    runTo(h, EXIT.SHUTDOWN);
    expect(h.field('exc_count', 14)).toBe(0);
  });
});
