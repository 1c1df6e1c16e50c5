// x87 system behaviour the differential test cannot reach from user space: #NM under CR0.EM/TS/MP,
// #MF with CR0.NE = 1 (CR0.NE = 0: ferr.test.ts), the environment layouts of real mode and 16-bit operand size, FSAVE/FRSTOR round
// trips, faulting stores that must leave the FPU untouched, and a bounded fuzz of D8..DF.
import { describe, expect, it } from 'vitest';
import { CoreHarness, EXIT } from '../../harness.ts';
import { writeTables, loadTableRegisters, loadRealIvt, handlerVector, readFrame, flatMachine } from '../../harness-idt.ts';
import { assemble } from '../../nasm.ts';

const CODE = 0x2000;
const BUF = 0x8000;
const BUF2 = 0x9000;

/** Flat 32-bit protected mode with an IDT of HLT handlers; returns the halting vector (or -1). */
function prot(src: string, cr0 = 0x33, setup?: (h: CoreHarness) => void): { h: CoreHarness; vec: number } {
  const h = flatMachine(src, CODE, cr0, setup);
  const exit = h.run(10_000);
  return { h, vec: handlerVector(h, exit) };
}

/** The x87 status word with TOP, as FNSTSW would report it. */
function sw(h: CoreHarness): number { return h.field('fpu_sw') | (h.field('fpu_top') << 11); }

describe('x87: #NM', () => {
  it('raises #NM for every escape opcode when CR0.EM is set, but not for WAIT', () => {
    for (const insn of ['fninit', 'fld1', 'fnstsw ax', 'fadd st0, st1', 'fnsave [0x8000]']) {
      const { h, vec } = prot(`${insn}\nhlt`, 0x35);
      expect(vec, insn).toBe(7);
      expect(readFrame(h, 7, false).eip).toBe(CODE);
    }
    expect(prot('fwait\nhlt', 0x35).vec).toBe(-1);
  });
  it('raises #NM for escape opcodes when CR0.TS is set, and for WAIT only with CR0.MP too', () => {
    expect(prot('fnclex\nhlt', 0x39).vec).toBe(7);
    expect(prot('fwait\nhlt', 0x3b).vec).toBe(7);
    expect(prot('fwait\nhlt', 0x39).vec).toBe(-1);
    expect(prot('fld1\nhlt', 0x33).vec).toBe(-1);
  });
});

describe('x87: pending exceptions', () => {
  const divByZero = `
    fninit
    fldcw [cw]
    fld1
    fldz
    fdivp st1, st0
    fnstsw ax
    mov ebx, eax
  w: fwait
    hlt
  cw: dw 0x037b`; // ZE unmasked
  it('reports an unmasked exception as #MF at the next waiting instruction (CR0.NE = 1)', () => {
    const { h, vec } = prot(divByZero);
    expect(vec).toBe(16);
    expect(h.reg('ebx') & 0xffff).toBe(0xb084); // B, ES, ZE, TOP 6: no result, no pop
    const f = readFrame(h, 16, false);
    expect(f.eip).toBe(CODE + assemble(divByZero, 32, CODE).indexOf(0x9b));
    // the destination was not written and the pop did not happen
    expect(h.field('fpu_top')).toBe(6);
  });
  it('does not fault on the no-wait forms, and FNCLEX clears the pending exception', () => {
    const { h, vec } = prot(`
      fninit
      fldcw [cw]
      fld1
      fldz
      fdiv st1, st0
      fnstsw ax
      fnstcw [0x8000]
      fnstenv [0x8010]
      mov ecx, [0x8014]
      fnclex
      fwait
      fld1
      hlt
    cw: dw 0x037b`);
    expect(vec).toBe(-1);
    expect(h.reg('eax') & 0xbf).toBe(0x84);
    expect(h.reg('ecx') & 0xffff).toBe(0xb084); // FSTENV stores the status word before masking
    expect(h.field('fpu_cw')).toBe(0x037f); // FNSTENV masked everything
  });
  it('makes FLDCW that unmasks a raised flag pend the exception for the next waiting instruction', () => {
    const { h, vec } = prot(`
      fninit
      fld1
      fldz
      fdivp st1, st0
      fldcw [cw]
      fnstsw ax
      fld1
      hlt
    cw: dw 0x037b`);
    expect(vec).toBe(16);
    expect(h.reg('eax') & 0x8080).toBe(0x8080);
  });
});

describe('x87: FSAVE/FRSTOR and environment layouts', () => {
  const setupState = `
    fninit
    fldcw [cw]
    fldpi
    fld1
    fldz
    fld dword [val]
    fadd st0, st2
    fstp st1
    fdecstp
    ffree st0
    fincstp
    fld qword [val]`;
  const data = `cw: dw 0x0a7f\nval: dd 0x3f800000, 0x40490fdb`;

  it('round-trips the 32-bit protected-mode image, registers in ST order', () => {
    const { h, vec } = prot(`${setupState}
      fnsave [${BUF}]
      frstor [${BUF}]
      fnsave [${BUF2}]
      hlt
    ${data}`);
    expect(vec).toBe(-1);
    const a = h.read(BUF, 108), b = h.read(BUF2, 108);
    expect(Array.from(b)).toEqual(Array.from(a));
    const dv = new DataView(a.buffer);
    expect(dv.getUint32(0, true)).toBe(0xffff0a7f);
    expect((dv.getUint32(4, true) >> 11) & 7).toBe(4); // TOP after four pushes (one pop, one dec/inc)
    expect(dv.getUint32(12, true)).toBeGreaterThan(CODE); // FIP of the last FLD
    expect(dv.getUint32(16, true) >>> 16).toBe(0x500 | 0x05); // FOP: DD /0 with ModRM 05
    expect(dv.getBigUint64(28, true)).not.toBe(0n); // ST0 is the loaded double
    // after FNSAVE the FPU is initialised
    expect(h.field('fpu_cw')).toBe(0x37f);
    expect(h.field('fpu_tw')).toBe(0xffff);
  });

  it('uses the 14-byte environment with a 16-bit operand size (no FOP in protected mode)', () => {
    const { h, vec } = prot(`${setupState}
      o16 fnsave [${BUF}]
      o16 frstor [${BUF}]
      o16 fnsave [${BUF2}]
      fnstenv [${BUF2 + 0x100}]
      hlt
    ${data}`);
    expect(vec).toBe(-1);
    expect(Array.from(h.read(BUF2, 94))).toEqual(Array.from(h.read(BUF, 94)));
    const dv = new DataView(h.read(BUF, 94).buffer);
    expect(dv.getUint16(0, true)).toBe(0x0a7f);
    expect(dv.getUint16(8, true)).toBe(0x08); // FCS
    expect(dv.getUint16(12, true)).toBe(0x10); // FDS
    // the 16-bit FRSTOR loaded FOP = 0
    expect(h.read32(BUF2 + 0x100 + 16) >>> 16).toBe(0);
  });

  for (const o32 of [true, false]) {
    it(`stores 20-bit linear pointers in the real-mode ${o32 ? '32' : '16'}-bit environment`, () => {
      const h = new CoreHarness();
      loadRealIvt(h);
      writeTables(h);
      h.real(0x1234, 0x0100, 0x2000);
      const p = o32 ? 'o32 ' : '';
      h.write(0x12340 + 0x100, assemble(`
        fninit
        fld dword [0x0200]
        ${p}fnstenv [0x0300]
        ${p}fldenv [0x0300]
        ${p}fnsave [0x0400]
        ${p}frstor [0x0400]
        ${p}fnsave [0x0500]
        hlt`, 16, 0x100));
      h.write32(0x20200, 0x3f800000);
      h.refresh();
      expect(h.run(100)).toBe(EXIT.HLT);
      const fip = 0x12340 + 0x100 + 2; // the FLD after the 2-byte FNINIT
      const fdp = 0x20200;
      const fop = 0x100 | 0x06; // D9 /0 with ModRM 06 (disp16)
      const env = new DataView(h.read(0x20300, 28).buffer);
      if (o32) {
        expect(env.getUint32(12, true)).toBe((0xffff0000 | (fip & 0xffff)) >>> 0);
        expect(env.getUint32(16, true)).toBe(((fip >>> 16) << 12) | fop);
        expect(env.getUint32(20, true)).toBe((0xffff0000 | (fdp & 0xffff)) >>> 0);
        expect(env.getUint32(24, true)).toBe((fdp >>> 16) << 12);
      } else {
        expect(env.getUint16(6, true)).toBe(fip & 0xffff);
        expect(env.getUint16(8, true)).toBe(((fip >>> 16) << 12) | fop);
        expect(env.getUint16(10, true)).toBe(fdp & 0xffff);
        expect(env.getUint16(12, true)).toBe((fdp >>> 16) << 12);
      }
      const n = o32 ? 108 : 94;
      expect(Array.from(h.read(0x20500, n))).toEqual(Array.from(h.read(0x20400, n)));
    });
  }
});

describe('x87: faults leave the FPU unchanged', () => {
  /** DS limited to 0x8fff: stores near the limit fault with #GP(0). */
  function limited(src: string) {
    return prot(src, 0x33, (h) => h.setSeg('ds', 0x10, 0, 0x8fff, 0x4093));
  }
  it('FSTP m64 across the segment limit does not pop', () => {
    const { h, vec } = limited(`fninit\nfld1\nfldpi\nfstp qword [0x8ffc]\nhlt`);
    expect(vec).toBe(13);
    expect(h.field('fpu_top')).toBe(6);
    expect(h.field('fpu_tw')).toBe(0x0fff);
  });
  it('FNSAVE across the segment limit does not reinitialise', () => {
    const { h, vec } = limited(`fninit\nfld1\nfnsave [0x8fa0]\nhlt`);
    expect(vec).toBe(13);
    expect(h.field('fpu_top')).toBe(7);
  });
  it('FRSTOR beyond the limit loads nothing', () => {
    const { h, vec } = limited(`fninit\nfld1\nfrstor [0x8fa0]\nhlt`);
    expect(vec).toBe(13);
    expect(h.field('fpu_top')).toBe(7);
    expect(h.field('fpu_tw')).toBe(0x3fff);
  });
});

describe('x87: bounded fuzz of the escape opcodes', () => {
  it('never traps the module on random D8..DF encodings and FPU states', () => {
    const h = new CoreHarness();
    let seed = 0x1f2e3d4c;
    const rnd = () => { seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0; return seed; };
    const vectors = new Map<number, number>();
    for (let k = 0; k < 4000; k++) {
      if (k % 200 === 0) { writeTables(h); loadTableRegisters(h); }
      h.flat32();
      h.setField('cr0', rnd() & 1 ? 0x33 : 0x13);
      h.setField('halted', 0);
      const bytes: number[] = [];
      const pre = rnd() % 4;
      for (let i = 0; i < pre; i++) bytes.push([0x66, 0x67, 0x3e, 0x9b, 0xf0, 0xf3][rnd() % 6]);
      bytes.push(0xd8 + (rnd() & 7));
      for (let i = 0; i < 6; i++) bytes.push(rnd() & 0xff);
      bytes.push(0xf4);
      h.write(CODE, bytes);
      for (const r of ['eax', 'ecx', 'edx', 'ebx', 'ebp', 'esi', 'edi'] as const) h.setReg(r, rnd() & 0x00ffffff);
      h.setReg('esp', 0x70000);
      h.setField('fpu_cw', rnd() & 0x1f7f);
      h.setField('fpu_sw', rnd() & 0x47ff);
      h.setField('fpu_top', rnd() & 7);
      h.setField('fpu_tw', rnd() & 0xffff);
      for (let i = 0; i < 32; i++) h.setField('fpu_st', rnd(), i);
      h.eip = CODE;
      h.refresh();
      const exit = h.run(16);
      const v = handlerVector(h, exit);
      vectors.set(v, (vectors.get(v) ?? 0) + 1);
    }
    // the common outcomes all occur: completion (-1), #UD, #MF, #GP or #PF from wild operands
    expect(vectors.get(-1)).toBeGreaterThan(1000);
    expect(vectors.get(16)).toBeGreaterThan(0);
  });
});
