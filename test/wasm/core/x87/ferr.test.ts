// x87 errors with CR0.NE = 0 (SDM vol. 1 §8.7, Appendix D, MS-DOS compatibility mode): a pending
// unmasked exception at a waiting instruction asserts FERR# instead of raising #MF; without IGNNE#
// the instruction freezes until an interrupt, whose handler returns to it; FNCLEX releases FERR#.
// The last tests run the core against a real motherboard with the 8259 pair and the port 0xF0
// logic (src/devices/fpu-error.ts).
import { describe, expect, it } from 'vitest';
import { CoreHarness, EXIT } from '../../harness.ts';
import { handlerVector, readFrame, SYS, flatMachine } from '../../harness-idt.ts';
import { assemble } from '../../nasm.ts';
import { board } from '../../../src/vmm/board.ts';

const CODE = 0x2000;
const IRQ13_VECTOR = 0x75;

/** Divide by zero with ZE unmasked, then FWAIT at label `w` (offset returned). */
const DIV0 = `
  fninit
  fldcw [cw]
  fld1
  fldz
  fdivp st1, st0
w: fwait
  fld1
  hlt
cw: dw 0x037b`;
const fwaitAt = (prefix = '') => CODE + assemble(prefix + DIV0, 32, CODE).indexOf(0x9b);

function machine(src: string, cr0 = 0x13): CoreHarness {
  return flatMachine(src, CODE, cr0);
}

describe('x87: FERR# with CR0.NE = 0', () => {
  it('asserts FERR# and freezes at the waiting instruction: no #MF, EIP stays, the vCPU halts', () => {
    const h = machine(DIV0);
    expect(h.run(10_000)).toBe(EXIT.HLT);
    expect(h.eip).toBe(fwaitAt());
    expect(h.field('halted')).toBe(1);
    expect(h.ferr).toEqual([1]);
    expect(h.field('exc_count', 16)).toBe(0);
    expect(h.field('fpu_top')).toBe(6); // FDIVP left TOP at 6; FLD1 after FWAIT did not run
    // Still frozen: another run makes no progress.
    expect(h.run(10_000)).toBe(EXIT.HLT);
    expect(h.eip).toBe(fwaitAt());
  });

  it('an interrupt while frozen returns to the waiting instruction', () => {
    const h = machine('sti\n' + DIV0);
    expect(h.run(10_000)).toBe(EXIT.HLT);
    h.intVector = IRQ13_VECTOR;
    h.setField('pending', 1);
    const exit = h.run(10_000);
    expect(handlerVector(h, exit)).toBe(IRQ13_VECTOR);
    expect(readFrame(h, IRQ13_VECTOR, false).eip).toBe(fwaitAt('sti\n'));
  });

  it('with IGNNE# asserted the instruction runs as if nothing were pending; FNCLEX releases FERR#', () => {
    const h = machine(DIV0.replace('  fld1\n  hlt', '  fld1\n  fnclex\n  hlt'));
    h.ignne = 1;
    expect(h.run(10_000)).toBe(EXIT.HLT);
    expect(h.field('halted')).toBe(1);
    expect(h.field('fpu_top')).toBe(5); // FLD1 after FWAIT ran
    expect(h.ferr).toEqual([1, 1, 0]); // FWAIT, FLD1 (still pending), FNCLEX
    expect(h.field('exc_count', 16)).toBe(0);
  });

  it('CR0.NE = 1 still raises #MF and never signals FERR#', () => {
    const h = machine(DIV0, 0x33);
    expect(handlerVector(h, h.run(10_000))).toBe(16);
    expect(h.ferr).toEqual([]);
  });
});

describe('x87: FERR# through the board (IRQ 13, port 0xF0)', () => {
  /** Ring-0 IRQ 13 handler: port 0xF0, optionally FNCLEX, EOI to both 8259s, count, IRET. */
  const HANDLER = 0x3000;
  const COUNT = 0x3800;
  function wired(clear: boolean) {
    const b = board('pic:0x20,,0x4d0 pic:0xa0,2,0x4d1 ferr:0xf0,13');
    const h = machine(`
      mov al, 0x11
      out 0x20, al
      out 0xa0, al
      mov al, 0x08
      out 0x21, al
      mov al, 0x70
      out 0xa1, al
      mov al, 4
      out 0x21, al
      mov al, 2
      out 0xa1, al
      mov al, 1
      out 0x21, al
      out 0xa1, al
      xor eax, eax
      out 0x21, al
      out 0xa1, al
      sti
      ${DIV0}`);
    h.write(HANDLER, assemble(`
      push eax
      xor eax, eax
      out 0xf0, al
      ${clear ? 'fnclex' : ''}
      mov al, 0x20
      out 0xa0, al
      out 0x20, al
      inc dword [${COUNT}]
      pop eax
      iretd`, 32, HANDLER));
    h.write32(SYS.IDT + IRQ13_VECTOR * 8, ((0x08 << 16) | (HANDLER & 0xffff)) >>> 0);
    h.write32(SYS.IDT + IRQ13_VECTOR * 8 + 4, ((HANDLER & 0xffff0000) | 0x8e00) >>> 0);
    b.mb.cpu.listen((m) => {
      if (m.kind === 'intr') h.setField('pending', m.level ? h.field('pending') | 1 : h.field('pending') & ~1);
    });
    h.hooks = {
      ioRead: (p, s) => b.mb.ioRead(p, s as 1 | 2 | 4),
      ioWrite: (p, s, v) => b.mb.ioWrite(p, s as 1 | 2 | 4, v),
      intAck: () => b.mb.intAck(),
      fpuError: (level) => b.mb.fpuError(0, level),
    };
    return { h, b };
  }

  it('IRQ 13 runs the handler once; after FNCLEX in it the FWAIT completes', () => {
    const { h } = wired(true);
    const exit = h.run(100_000);
    expect(exit).toBe(EXIT.HLT);
    expect(handlerVector(h, exit)).toBe(-1); // the program's own HLT
    expect(h.read32(COUNT)).toBe(1);
    expect(h.ferr).toEqual([1, 0]);
    expect(h.field('fpu_top')).toBe(5);
    expect(h.field('exc_count', 16)).toBe(0);
  });

  it('without FNCLEX the port write alone (IGNNE#) lets the FWAIT and FLD1 run with ES still set', () => {
    const { h, b } = wired(false);
    expect(h.run(100_000)).toBe(EXIT.HLT);
    expect(h.read32(COUNT)).toBe(1);
    expect(h.ferr).toEqual([1, 1, 1]);
    expect(h.field('fpu_sw') & 0x80).toBe(0x80);
    expect(b.mb.device('ferr@0xf0')!.state).toEqual({ ferr: 1, irq: false, ignne: true });
  });
});
