// Debug registers (SDM vol. 3 chapter 17): instruction breakpoints (fault, RF), data write and
// read/write breakpoints (trap, LEN and alignment), I/O breakpoints (CR4.DE), general detect,
// DR4/DR5 aliasing, single step combined with a breakpoint, REP strings, the TSS T bit and the
// local enables cleared by a task switch. Expected values follow the SDM.
import { describe, it, expect } from 'vitest';
import {
  CoreHarness, protMachine, runTo, code, setDesc, gate, seg, stack, GDT, IDT, CODE, K_CODE,
  K_DATA, TSS2, TSS2_SEL, TSS1_SEL,
} from './env.ts';

const DATA = 0x6000;
const HANDLER = 0x3c00; // a #DB handler that logs and returns
const COUNT = 0x5100;
const LOG = 0x5200; // per #DB: DR6, return EIP
const MARK = 0x5300; // code stores label addresses here

/** DR7 bits: breakpoint i locally enabled with the given R/W and LEN fields. */
function bp(i: number, rw: number, len: number): number {
  return ((1 << (i * 2)) | (rw << (16 + i * 4)) | (len << (18 + i * 4))) >>> 0;
}
/** Code that arms breakpoint i at `addr` (a number or a nasm label) with DR7 = `dr7`. */
function arm(i: number, addr: number | string, dr7: number): string {
  return `mov eax, ${addr}\nmov dr${i}, eax\nmov eax, ${dr7}\nmov dr7, eax\n`;
}

/** A machine whose #DB handler logs DR6 and the return EIP, clears DR6, optionally sets RF, returns. */
function dbMachine(setRf: boolean): CoreHarness {
  const h = protMachine();
  setDesc(h, IDT, 1, gate(K_CODE, HANDLER, 0xe, 0));
  code(h, HANDLER, `
    push eax
    push ebx
    mov ebx, [${COUNT}]
    mov eax, dr6
    mov [${LOG} + ebx*8], eax
    mov eax, [esp + 8]
    mov [${LOG} + ebx*8 + 4], eax
    inc dword [${COUNT}]
    mov eax, 0xffff0ff0
    mov dr6, eax
    ${setRf ? 'or dword [esp + 16], 0x10000' : ''}
    cmp dword [${COUNT}], 20
    jae stop
    pop ebx
    pop eax
    iretd
  stop:
    hlt`);
  return h;
}
function dbLog(h: CoreHarness): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < h.read32(COUNT); i++) out.push([h.read32(LOG + i * 8), h.read32(LOG + i * 8 + 4)]);
  return out;
}

describe('system: instruction breakpoints', () => {
  it('fault before the instruction with DR6.B0 and RF clear in the frame', () => {
    const h = protMachine();
    code(h, CODE, `${arm(0, 'bpx', bp(0, 0, 0))}
      mov dword [${MARK}], bpx
      mov ebx, 1
    bpx: inc ebx
      hlt`);
    const r = runTo(h);
    expect(r.vec).toBe(1);
    expect(h.reg('ebx')).toBe(1); // INC did not run
    const [eip, cs, fl] = stack(h, r.esp, 3);
    expect(eip).toBe(h.read32(MARK));
    expect(cs).toBe(K_CODE);
    expect(fl & 0x10000).toBe(0);
    expect(h.field('dr', 6)).toBe(0xffff0ff1);
  });

  it('RF set by the handler lets the instruction run once; without it the fault repeats', () => {
    const prog = `${arm(2, 'bpx', bp(2, 0, 0) | 0x20 /* G2 too */)}
      mov dword [${MARK}], bpx
      xor ecx, ecx
    bpx: inc ecx
      inc ecx
      hlt`;
    const h = dbMachine(true);
    code(h, CODE, prog);
    runTo(h);
    expect(h.reg('ecx')).toBe(2);
    expect(dbLog(h)).toEqual([[0xffff0ff4, h.read32(MARK)]]);

    const h2 = dbMachine(false);
    code(h2, CODE, prog);
    runTo(h2); // the handler stops after 20 #DBs
    expect(h2.read32(COUNT)).toBe(20);
    expect(h2.reg('ecx')).toBe(0);
  });

  it('a global enable (G1) alone arms it; a disabled one or another address does not fire', () => {
    const h = dbMachine(true);
    code(h, CODE, `
      mov eax, bpx
      mov dr1, eax
      mov eax, at2
      mov dr3, eax
      mov eax, ${(0x8 | bp(3, 0, 0)) & ~0x40 /* G1; DR3 fields but not enabled */}
      mov dr7, eax
      mov dword [${MARK}], bpx
      nop
    at2: nop
    bpx: nop
      hlt`);
    runTo(h);
    expect(dbLog(h)).toEqual([[0xffff0ff2, h.read32(MARK)]]);
  });
});

describe('system: data breakpoints', () => {
  it('a write breakpoint traps after the writing instruction, not on reads', () => {
    const h = dbMachine(false);
    code(h, CODE, `${arm(1, DATA, bp(1, 1, 3))}
      mov eax, [${DATA}]
      mov [${DATA + 4}], eax
      mov byte [${DATA + 2}], 7
    after: mov dword [${MARK}], after
      mov [${DATA + 0x100}], eax
      mov ecx, [${DATA + 0x100}]
      hlt`);
    h.write32(DATA, 0x11223344);
    runTo(h);
    expect(dbLog(h)).toEqual([[0xffff0ff2, h.read32(MARK)]]);
    expect(h.read32(DATA)).toBe(0x11073344); // the write happened
    expect(h.read32(DATA + 4)).toBe(0x11223344);
    expect(h.reg('ecx')).toBe(0x11223344); // same page, other address: no trap, correct data
  });

  it('a read/write breakpoint of LEN 2 matches reads and writes overlapping its aligned range', () => {
    const h = dbMachine(false);
    // DR0 = DATA+0x11 with LEN 2 covers DATA+0x10..0x11 (the low address bit is ignored).
    code(h, CODE, `${arm(0, DATA + 0x11, bp(0, 3, 1))}
      mov al, [${DATA + 0x12}]
      mov al, [${DATA + 0x0f}]
      mov ax, [${DATA + 0x0f}]
    a1: mov dword [${MARK}], a1
      mov [${DATA + 0x10}], bl
    a2: mov dword [${MARK + 4}], a2
      hlt`);
    runTo(h);
    expect(dbLog(h)).toEqual([[0xffff0ff1, h.read32(MARK)], [0xffff0ff1, h.read32(MARK + 4)]]);
  });

  it('LEN 4 covers the aligned dword; reads crossing into it and locked RMWs match', () => {
    const h = dbMachine(false);
    code(h, CODE, `${arm(3, DATA + 0x22, bp(3, 3, 3))}
      mov eax, [${DATA + 0x1e}]
    a1: mov dword [${MARK}], a1
      lock inc dword [${DATA + 0x20}]
    a2: mov dword [${MARK + 4}], a2
      mov eax, [${DATA + 0x24}]
      hlt`);
    runTo(h);
    expect(dbLog(h)).toEqual([[0xffff0ff8, h.read32(MARK)], [0xffff0ff8, h.read32(MARK + 4)]]);
    expect(h.read32(DATA + 0x20)).toBe(1);
  });

  it('one write overlapping two breakpoints sets both B bits in one #DB; reads skip write-only ones', () => {
    const h = dbMachine(false);
    code(h, CODE, `
      mov eax, ${DATA}
      mov dr0, eax
      mov eax, ${DATA + 4}
      mov dr2, eax
      mov eax, ${bp(0, 1, 3) | bp(2, 3, 3)}
      mov dr7, eax
      mov eax, [${DATA}]
      mov [${DATA + 2}], eax
    a1: mov dword [${MARK}], a1
      mov esi, ${DATA}
      mov edi, ${DATA + 8}
      movsd
      mov esi, ${DATA + 4}
      movsd
    a2: mov dword [${MARK + 4}], a2
      hlt`);
    runTo(h);
    // The first MOVSD reads DATA (write-only DR0: no hit); the second reads DATA+4 (DR2).
    expect(dbLog(h)).toEqual([[0xffff0ff5, h.read32(MARK)], [0xffff0ff4, h.read32(MARK + 4)]]);
  });

  it('REP STOSB traps after the iteration that hit, resuming the string with the rest', () => {
    const h = dbMachine(false);
    code(h, CODE, `${arm(0, DATA + 5, bp(0, 1, 0))}
      mov edi, ${DATA}
      mov ecx, 10
      mov al, 0xaa
      cld
    bpx: rep stosb
      mov dword [${MARK}], bpx
      hlt`);
    runTo(h);
    expect(dbLog(h)).toEqual([[0xffff0ff1, h.read32(MARK)]]);
    expect(Array.from(h.read(DATA, 11))).toEqual([...Array(10).fill(0xaa), 0]);
    expect(h.reg('ecx')).toBe(0);
  });

  it('disarming DR7 returns the page to normal operation', () => {
    const h = dbMachine(false);
    code(h, CODE, `${arm(0, DATA, bp(0, 3, 3))}
      xor eax, eax
      mov dr7, eax
      mov dword [${DATA}], 5
      mov ebx, [${DATA}]
      hlt`);
    runTo(h);
    expect(dbLog(h)).toEqual([]);
    expect(h.reg('ebx')).toBe(5);
  });
});

describe('system: single step, I/O breakpoints, general detect, DR4/DR5', () => {
  it('single step and a data breakpoint report BS and B0 in one #DB', () => {
    const h = dbMachine(false);
    code(h, CODE, `${arm(0, DATA, bp(0, 1, 3))}
      pushfd
      or dword [esp], 0x100
      popfd
      mov [${DATA}], eax
    bpx: mov dword [${MARK}], bpx
      pushfd
      and dword [esp], ~0x100
      popfd
      hlt`);
    runTo(h);
    // TF set by POPFD takes effect for the next instruction: five traps, the first with B0 too.
    const l = dbLog(h);
    expect(l.length).toBe(5);
    expect(l[0]).toEqual([0xffff4ff1, h.read32(MARK)]);
    expect(l.slice(1).map((x) => x[0])).toEqual([0xffff4ff0, 0xffff4ff0, 0xffff4ff0, 0xffff4ff0]);
  });

  it('I/O breakpoints need CR4.DE: OUT/IN/OUTSB to the port trap after the instruction', () => {
    const h = dbMachine(false);
    code(h, CODE, `${arm(2, 0x80, bp(2, 2, 0))}
      out 0x80, al
      mov eax, cr4
      or eax, 8
      mov cr4, eax
      out 0x81, al
      out 0x80, al
    a1: mov dword [${MARK}], a1
      mov dx, 0x7f
      in ax, dx
    a2: mov dword [${MARK + 4}], a2
      mov esi, ${DATA}
      mov dx, 0x80
      outsb
    a3: mov dword [${MARK + 8}], a3
      hlt`);
    runTo(h);
    expect(dbLog(h)).toEqual([
      [0xffff0ff4, h.read32(MARK)], [0xffff0ff4, h.read32(MARK + 4)], [0xffff0ff4, h.read32(MARK + 8)],
    ]);
  });

  it('DR7.GD makes MOV DR fault with DR6.BD; GD is clear in the handler', () => {
    const h = protMachine();
    code(h, CODE, `
      mov eax, 0x2400
      mov dr7, eax
      mov dword [${MARK}], bpx
    bpx: mov ebx, dr0
      hlt`);
    const r = runTo(h);
    expect(r.vec).toBe(1);
    expect(stack(h, r.esp, 1)[0]).toBe(h.read32(MARK));
    expect(h.field('dr', 6) & 0x2000).toBe(0x2000);
    expect(h.field('dr', 7)).toBe(0x400);
  });

  it('DR4/DR5 alias DR6/DR7 with CR4.DE = 0 and raise #UD with CR4.DE = 1', () => {
    const h = protMachine();
    code(h, CODE, `
      mov eax, 0x3
      mov dr5, eax
      mov ebx, dr7
      mov ecx, dr4
      mov eax, cr4
      or eax, 8
      mov cr4, eax
      mov edx, dr5
      hlt`);
    const r = runTo(h);
    expect(h.reg('ebx')).toBe(0x403);
    expect(h.reg('ecx')).toBe(0xffff0ff0);
    expect(r.vec).toBe(6);
  });
});

describe('system: debug registers and task switches', () => {
  /** TSS2: a ring-0 task at TASK2 with the T bit as given. */
  const TASK2 = 0x4000;
  function taskMachine(tBit: boolean): CoreHarness {
    const h = dbMachine(false);
    h.write32(TSS2 + 0x20, TASK2);
    h.write32(TSS2 + 0x24, 2);
    h.write32(TSS2 + 0x38, 0x8800);
    for (let s = 0; s < 6; s++) h.write32(TSS2 + 0x48 + s * 4, s === 1 ? K_CODE : K_DATA);
    h.write32(TSS2 + 0x64, (0x68 << 16) | (tBit ? 1 : 0));
    setDesc(h, GDT, 6, seg(TSS2, 0x67, 0x89, 0));
    code(h, TASK2, 'mov ebx, dr7\nhlt');
    return h;
  }
  it('a TSS with T set traps with DR6.BT before the new task\'s first instruction', () => {
    const h = taskMachine(true);
    code(h, CODE, `mov ax, ${TSS1_SEL}\nltr ax\njmp ${TSS2_SEL}:0`);
    runTo(h);
    expect(dbLog(h)).toEqual([[0xffff8ff0, TASK2]]);
  });
  it('a task switch clears the local enables L0-L3 and keeps the global ones', () => {
    const h = taskMachine(false);
    code(h, CODE, `mov ax, ${TSS1_SEL}\nltr ax\nmov eax, ${bp(0, 1, 3) | 0x8 | 0x300}\nmov dr7, eax\njmp ${TSS2_SEL}:0`);
    runTo(h);
    expect(dbLog(h)).toEqual([]);
    expect(h.reg('ebx')).toBe((bp(0, 1, 3) | 0x8 | 0x200 | 0x400) & ~1);
  });
});

