// The integer core's vendor flavours (wasm/core/vendor.ts), each checked in both flavours on any
// host: PUSH Sreg and POP Sreg with a 32-bit operand (exec/segment.ts, exec/stack.ts), the CS slot
// of RETF (exec/far.ts) and the order in which BOUND reads and compares its bounds
// (exec/control.ts), and the order of near CALL's checks (exec/control.ts). The cases sit at a segment limit or a page boundary, where the two flavours
// fault differently: Intel's rules as measured natively on an Intel Xeon, AMD's as the core had
// them when the differential test agreed with AMD EPYC hosts (docs/DESIGN-NOTES.md).
import { describe, it, expect } from 'vitest';
import {
  CoreHarness, EXIT, assemble, protMachine, runTo, code, setDesc, seg, stack, identityPaging, GDT, CODE, USER,
  TO_RING3, U_CODE, U_DATA, PAGE_TABLE,
} from '../system/env.ts';

const AMD = 0;
const INTEL = 1;
const FLAVOURS = [['AMD', AMD], ['Intel', INTEL]] as const;
/** The stub of INT 0x80 records this vector: the user code ran to its end. */
const DONE = 0x80;

/** Ring-3 data segment 0x3b: base LIM_BASE, limit 0xFFFF (byte granular), 32-bit, read/write. */
const LIM = 0x3b;
const LIM_BASE = 0x40000;

interface Outcome { vec: number; err: number; h: CoreHarness; esp: number }

/**
 * Run `user` at CPL 3 in flavour `vendor`, with DS, ES and SS = LIM (or, `paged`, the flat ring-3
 * data segment with page 0x7000 absent) and ESP = `esp`; it ends with INT 0x80. `esp` is the
 * ring-3 ESP at the end (from the INT 0x80 frame) when the code ran through.
 */
function runUser(vendor: number, user: string, esp: number, opts: { paged?: boolean; setup?: (h: CoreHarness) => void } = {}): Outcome {
  const h = protMachine();
  h.core.setVendor(vendor);
  setDesc(h, GDT, 7, seg(LIM_BASE, 0xffff, 0xf3, 0x4));
  let enable = '';
  if (opts.paged) {
    identityPaging(h);
    h.write32(PAGE_TABLE + 7 * 4, 0);
    enable = 'mov eax, 0x20000\nmov cr3, eax\nmov eax, cr0\nor eax, 0x80010000\nmov cr0, eax\n';
  }
  opts.setup?.(h);
  code(h, CODE, enable + TO_RING3);
  const sel = opts.paged ? U_DATA : LIM;
  code(h, USER, `mov ax, ${sel}\nmov ds, ax\nmov es, ax\nmov ss, ax\nmov esp, ${esp}\n${user}\nint 0x80`);
  const r = runTo(h);
  return { ...r, h, esp: r.vec === DONE ? stack(h, r.esp, 5)[3] : -1 };
}

describe('vendor flavours: PUSH Sreg with a 32-bit operand', () => {
  it('AMD stores the selector zero-extended, Intel only its 16 bits (all six registers)', () => {
    for (const [name, v] of FLAVOURS) {
      const r = runUser(v, 'mov ax, 0x23\nmov fs, ax\nmov gs, ax\npush cs\npush ss\npush ds\npush es\npush fs\npush gs', 0x1000, {
        setup: (h) => { for (let a = 0xfe8; a < 0x1000; a += 4) h.write32(LIM_BASE + a, 0xaaaaaaaa); },
      });
      expect(r.vec, name).toBe(DONE);
      expect(r.esp, name).toBe(0xfe8);
      const hi = v === INTEL ? 0xaaaa0000 : 0;
      const want = [0x23, 0x23, LIM, LIM, LIM, U_CODE].map((s) => (hi | s) >>> 0);
      expect(stack(r.h, LIM_BASE + 0xfe8, 6), name).toEqual(want);
    }
  });
  it('a 16-bit operand writes 16 bits in both', () => {
    for (const [name, v] of FLAVOURS) {
      const r = runUser(v, 'o16 push es', 0x1000, { setup: (h) => h.write32(LIM_BASE + 0xffc, 0xaaaaaaaa) });
      expect(r.vec, name).toBe(DONE);
      expect(r.esp, name).toBe(0xffe);
      expect(r.h.read32(LIM_BASE + 0xffc), name).toBe(((LIM << 16) | 0xaaaa) >>> 0);
    }
  });
  it('slot across the stack limit: AMD #SS(0), Intel writes the two bytes inside', () => {
    const amd = runUser(AMD, 'push es', 0x10002);
    expect(amd).toMatchObject({ vec: 12, err: 0 });
    const intel = runUser(INTEL, 'push es', 0x10002, { setup: (h) => h.write32(LIM_BASE + 0x10000, 0xaaaaaaaa) });
    expect(intel).toMatchObject({ vec: DONE, esp: 0xfffe });
    expect(intel.h.read(LIM_BASE + 0xfffe, 2)).toEqual(new Uint8Array([LIM, 0]));
    expect(intel.h.read32(LIM_BASE + 0x10000)).toBe(0xaaaaaaaa);
  });
  it('slot across a page boundary (upper half absent): AMD #PF, Intel writes the two bytes present', () => {
    const amd = runUser(AMD, 'push es', 0x7002, { paged: true });
    expect(amd).toMatchObject({ vec: 14, err: 6 });
    expect(amd.h.field('cr2')).toBe(0x7000);
    const intel = runUser(INTEL, 'push es', 0x7002, { paged: true });
    expect(intel).toMatchObject({ vec: DONE, esp: 0x6ffe });
    expect(intel.h.read(0x6ffe, 2)).toEqual(new Uint8Array([U_DATA, 0]));
  });
});

describe('vendor flavours: POP Sreg with a 32-bit operand', () => {
  const sel = (h: CoreHarness) => h.write(LIM_BASE + 0xfffe, [0x23, 0]);
  it('slot across the stack limit: AMD #SS(0), Intel loads the selector from the two bytes inside', () => {
    expect(runUser(AMD, 'pop es', 0xfffe, { setup: sel })).toMatchObject({ vec: 12, err: 0 });
    const intel = runUser(INTEL, 'pop es', 0xfffe, { setup: sel });
    expect(intel).toMatchObject({ vec: DONE, esp: 0x10002 });
    expect(intel.h.seg('es').sel).toBe(0x23);
  });
  it('slot across a page boundary: AMD #PF, Intel reads only the present half', () => {
    const put = (h: CoreHarness) => h.write(0x6ffe, [U_DATA, 0]);
    const amd = runUser(AMD, 'mov ax, 0\nmov es, ax\npop es', 0x6ffe, { paged: true, setup: put });
    expect(amd).toMatchObject({ vec: 14, err: 4 });
    expect(amd.h.field('cr2')).toBe(0x7000);
    const intel = runUser(INTEL, 'mov ax, 0\nmov es, ax\npop es', 0x6ffe, { paged: true, setup: put });
    expect(intel).toMatchObject({ vec: DONE, esp: 0x7002 });
    expect(intel.h.seg('es').sel).toBe(U_DATA);
  });
  it('the upper half of the slot is ignored by both when it is readable', () => {
    for (const [name, v] of FLAVOURS) {
      const r = runUser(v, 'pop es', 0x1000, { setup: (h) => h.write32(LIM_BASE + 0x1000, 0xcccc0023) });
      expect(r, name).toMatchObject({ vec: DONE, esp: 0x1004 });
      expect(r.h.seg('es').sel, name).toBe(0x23);
    }
  });
});

describe('vendor flavours: RETF with a 32-bit operand', () => {
  // EIP at 0xfffa, CS in the slot at 0xfffe whose upper half lies beyond the limit.
  const src = `mov dword [0xfffa], land\nmov word [0xfffe], ${U_CODE}\nmov esp, 0xfffa\nretf\nland:`;
  it('CS slot across the stack limit: AMD #SS(0), Intel reads CS from the two bytes inside', () => {
    expect(runUser(AMD, src, 0x1000)).toMatchObject({ vec: 12, err: 0 });
    expect(runUser(INTEL, src, 0x1000)).toMatchObject({ vec: DONE, esp: 0x10002 });
  });
  it('CS slot across a page boundary: AMD #PF, Intel reads only the present half', () => {
    const p = `mov dword [0x6ffa], land\nmov word [0x6ffe], ${U_CODE}\nmov esp, 0x6ffa\nretf\nland:`;
    const amd = runUser(AMD, p, 0x1000, { paged: true });
    expect(amd).toMatchObject({ vec: 14, err: 4 });
    expect(amd.h.field('cr2')).toBe(0x7000);
    expect(runUser(INTEL, p, 0x1000, { paged: true })).toMatchObject({ vec: DONE, esp: 0x7002 });
  });
});

describe('vendor flavours: BOUND with the upper bound unreadable', () => {
  // Lower bound 100 inside the limit (or on a present page), upper bound beyond it.
  const lo32 = (h: CoreHarness) => h.write32(LIM_BASE + 0xfffc, 100);
  const lo16 = (h: CoreHarness) => h.write(LIM_BASE + 0xfffe, [100, 0]);
  // what, instruction, setup, AMD's vector (Intel: #BR for an index below 100, else the same), paged
  const forms: Array<[string, string, (h: CoreHarness) => void, number, boolean]> = [
    ['o32 beyond the DS limit', 'bound eax, [0xfffc]', lo32, 13, false],
    ['o32 beyond the SS limit', 'bound eax, [ss:0xfffc]', lo32, 12, false],
    ['o16 beyond the DS limit', 'bound ax, [0xfffe]', lo16, 13, false],
    ['o32 on an absent page', 'bound eax, [0x6ffc]', (h) => h.write32(0x6ffc, 100), 14, true],
  ];
  const cases = forms.flatMap(([what, insn, setup, vec, paged]) =>
    [99, -5, 100, 101, 1000].map((index) => ({ what, insn, setup, vec, paged, index })));
  for (const { what, insn, setup, vec, paged, index } of cases) {
    it(`${what}, index ${index}: ${index < 100 ? 'AMD faults reading the upper bound, Intel #BR' : 'both fault reading the upper bound'}`, () => {
      const err = vec === 14 ? 4 : 0;
      const amd = runUser(AMD, `mov eax, ${index}\n${insn}`, 0x1000, { setup, paged });
      expect(amd).toMatchObject({ vec, err });
      const intel = runUser(INTEL, `mov eax, ${index}\n${insn}`, 0x1000, { setup, paged });
      if (index < 100) expect(intel).toMatchObject({ vec: 5, err: -1 });
      else expect(intel).toMatchObject({ vec, err });
      if (vec === 14) expect(amd.h.field('cr2')).toBe(0x7000);
    });
  }
  it('both bounds readable: the same #BR and pass in both flavours', () => {
    for (const [name, v] of FLAVOURS) {
      const setup = (h: CoreHarness) => { h.write32(LIM_BASE + 0x2000, 100); h.write32(LIM_BASE + 0x2004, 200); };
      for (const [index, vec] of [[99, 5], [100, DONE], [200, DONE], [201, 5], [-1, 5]]) {
        expect(runUser(v, `mov eax, ${index}\nbound eax, [0x2000]`, 0x1000, { setup }).vec, `${name} ${index}`).toBe(vec);
      }
    }
  });
});

// Traces (wasm/core/trace.ts, src/worker/jit/) hold none of these instructions today (wasm/gen/
// dispatch.ts STRAIGHT); this guards the flavour should PUSH Sreg ever join them.
describe('vendor flavours: near CALL with a target beyond the CS limit and a stack slot out of reach', () => {
  // CS 0x43: ring-3 code, base 0, limit 0xFFFFF; SS = LIM with ESP = 2, so the return address's
  // slot lies beyond SS's limit: Intel checks the slot first (#SS), AMD the target (#GP), as the
  // SDM's pseudo-code orders it.
  const setup = (h: CoreHarness): void => setDesc(h, GDT, 8, seg(0, 0xfffff, 0xfb, 0x4));
  for (const [form, insn] of [['rel32', 'call 0x7ffffff0'], ['r/m32', 'mov eax, 0x7ffffff0\ncall eax']] as const) {
    it(`CALL ${form}: AMD #GP(0), Intel #SS(0)`, () => {
      for (const [name, v] of FLAVOURS) {
        const r = runUser(v, `jmp 0x43:far_in\nfar_in:\n${insn}`, 2, { setup });
        expect(r, name).toMatchObject({ vec: v === INTEL ? 12 : 13, err: 0 });
      }
    });
  }
  it('either fault alone is the same in both', () => {
    for (const [name, v] of FLAVOURS) {
      expect(runUser(v, 'jmp 0x43:far_in\nfar_in:\ncall 0x7ffffff0', 0x8000, { setup }), name).toMatchObject({ vec: 13, err: 0 });
      expect(runUser(v, 'jmp 0x43:far_in\nfar_in:\ncall far_in', 2, { setup }), name).toMatchObject({ vec: 12, err: 0 });
    }
  });
});

describe('vendor flavours with the trace cache and compiler on', () => {
  it('a hot loop around PUSH ES keeps the flavour once the loop is compiled', () => {
    for (const [name, v] of FLAVOURS) {
      const h = new CoreHarness();
      h.core.setVendor(v);
      h.flat32();
      // Each pass refills the slot, pushes ES over it and counts the passes that read the flavour's value.
      const want = v === INTEL ? 0xaaaa0010 : 0x10;
      h.write(0x1000, assemble(`
        mov ecx, 6000
        xor edx, edx
      l: mov dword [esp-4], 0xaaaaaaaa
        push es
        pop eax
        cmp eax, ${want}
        jne n
        inc edx
      n: dec ecx
        jnz l
        hlt`, 32, 0x1000));
      h.eip = 0x1000;
      h.setReg('esp', 0x8000);
      h.refresh();
      expect(h.run(1_000_000), name).toBe(EXIT.HLT);
      expect(h.reg('edx'), name).toBe(6000);
      // (No compiler when SEOULWEB_JIT=0: then this checks the trace cache's replay alone.)
      if (h.core.compiler) expect(h.core.compiler.stats.compiled, name).toBeGreaterThan(0);
    }
  });
});
