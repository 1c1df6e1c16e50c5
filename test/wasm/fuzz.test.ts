// Bounded fuzz test of the CPU core: random 16-byte instruction streams (seeded) with random
// registers run in real mode, virtual-8086 mode, 16-bit protected mode, flat 32-bit protected mode
// at CPL 0 and CPL 3, and CPL 3 with paging. Exceptions go through the IVT/IDT of harness-idt.ts to
// HLT handlers. The module must never trap (no WebAssembly.RuntimeError), the host never throw, and
// every run must end with HLT, SHUTDOWN or an exhausted budget.
//
// Also: every one-byte and 0F two-byte opcode the opcode table does not list, every unlisted /digit
// of a group opcode and every memory-only form given a register operand raises #UD (vector 6).
//
// FUZZ_STREAMS=<n> and FUZZ_SEED=<n> change the amount and the seed.
import { describe, expect, it } from 'vitest';
import { CoreHarness, EXIT, SEG } from './harness.ts';
import { writeTables, handlerVector, readFrame, SEL, ATTR, SYS } from './harness-idt.ts';
import { RAM_BASE, VCPU } from '../../src/shared/layout.ts';
import { rows } from '../../wasm/isa/table.ts';
import { EXIT_NAMES } from '../../src/vmm/core-module.ts';

const STREAMS = Number(process.env.FUZZ_STREAMS ?? 20_000);
const SEED = Number(process.env.FUZZ_SEED ?? 0xf022);
const BUDGET = Number(process.env.FUZZ_BUDGET ?? 300);

/** sfc32 */
function rng(seed: number): () => number {
  let a = seed >>> 0, b = 0x9e3779b9, c = 0x243f6a88, d = 0xb7e15162;
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0; a = b ^ (b >>> 9); b = (c + (c << 3)) | 0; c = (c << 21) | (c >>> 11); c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 16; i++) next();
  return next;
}

const PD = 0x110000; // page directory; page tables follow (identity map of the 16 MiB)
const CODE32 = 0x200000;
const CODE16 = 0x8000; // 16-bit protected mode: CS base 0
const REAL_CS = 0x1000;
/** Guest memory the runs may damage and that is restored before each run (the page tables: before each paging run). */
const SAVED: Array<[number, number]> = [[0, 0x600], [SYS.GDT, SYS.HANDLERS + 0x100]];
const SAVED_PT: [number, number] = [PD, PD + 0x5000];

function writePageTables(h: CoreHarness): void {
  for (let t = 0; t < 4; t++) h.write32(PD + t * 4, (PD + 0x1000 * (t + 1)) | 7);
  for (let p = 0; p < 4096; p++) {
    const a = p << 12;
    // Supervisor-only: the system tables and page tables (0x100000..0x1fffff); the rest user, writable.
    const user = a >= 0x100000 && a < 0x200000 ? 0 : 4;
    h.write32(PD + 0x1000 + p * 4, a | 3 | user);
  }
}

type Mode = 'real' | 'v86' | 'pm16' | 'pm32' | 'pm32-cpl3' | 'paging-cpl3';
const MODES: Mode[] = ['real', 'v86', 'pm16', 'pm32', 'pm32-cpl3', 'paging-cpl3'];

/** Direct writes to the vCPU state block (the harness's accessors allocate a DataView per call). */
class State {
  private readonly dv: DataView;
  private readonly base: number;
  constructor(h: CoreHarness) { this.dv = new DataView(h.mem.buffer); this.base = h.base; }
  set(name: keyof typeof VCPU, v: number, i = 0): void { this.dv.setUint32(this.base + VCPU[name] + i * 4, v >>> 0, true); }
  get(name: keyof typeof VCPU, i = 0): number { return this.dv.getUint32(this.base + VCPU[name] + i * 4, true); }
  seg(s: keyof typeof SEG, sel: number, base: number, limit: number, attr: number): void {
    const i = SEG[s];
    this.set('seg_sel', sel, i); this.set('seg_base', base, i); this.set('seg_limit', limit, i); this.set('seg_attr', attr, i);
  }
  /** GDTR, IDTR, LDTR and TR as loadTableRegisters() sets them. */
  tables(): void {
    this.set('gdt_base', SYS.GDT); this.set('gdt_limit', 11 * 8 - 1);
    this.set('idt_base', SYS.IDT); this.set('idt_limit', 256 * 8 - 1);
    this.seg('ldtr', SEL.LDT, SYS.LDT, 7, ATTR.LDT);
    this.seg('tr', SEL.TSS, SYS.TSS, 0x67, ATTR.TSS32_BUSY);
  }
}

/** Put the vCPU in `mode` (the caller refreshes); returns the linear address of the entry point. */
function enter(h: CoreHarness, st: State, mode: Mode): number {
  h.core.reset();
  st.set('halted', 0);
  const datas = ['ds', 'es', 'fs', 'gs', 'ss'] as const;
  switch (mode) {
    case 'real':
      st.set('cr0', 0x60000010);
      st.seg('cs', REAL_CS, REAL_CS << 4, 0xffff, 0x9b);
      for (const s of datas) st.seg(s, 0x2000, 0x20000, 0xffff, 0x93);
      st.seg('ss', 0x3000, 0x30000, 0xffff, 0x93);
      st.set('idt_base', 0); st.set('idt_limit', 0x3ff);
      st.set('cpl', 0);
      st.set('eip', 0);
      st.set('eflags', 2);
      return REAL_CS << 4;
    case 'v86':
      st.set('cr0', 0x11);
      st.tables();
      st.seg('cs', REAL_CS, REAL_CS << 4, 0xffff, 0xf3);
      for (const s of datas) st.seg(s, 0x2000, 0x20000, 0xffff, 0xf3);
      st.seg('ss', 0x3000, 0x30000, 0xffff, 0xf3);
      st.set('cpl', 3);
      st.set('eip', 0);
      st.set('eflags', 0x20002);
      return REAL_CS << 4;
    case 'pm16':
      st.set('cr0', 0x11);
      st.tables();
      st.seg('cs', SEL.CODE16_0, 0, 0xffff, ATTR.CODE16_0);
      for (const s of datas) st.seg(s, SEL.DATA16_0, 0, 0xffff, ATTR.DATA16_0);
      st.set('cpl', 0);
      st.set('eip', CODE16);
      st.set('eflags', 2);
      return CODE16;
    case 'pm32':
    case 'pm32-cpl3':
    case 'paging-cpl3': {
      const user = mode !== 'pm32';
      st.set('cr0', mode === 'paging-cpl3' ? 0x80010011 : 0x11);
      if (mode === 'paging-cpl3') st.set('cr3', PD);
      st.tables();
      st.seg('cs', user ? SEL.CODE3 : SEL.CODE0, 0, 0xffffffff, user ? ATTR.CODE32_3 : ATTR.CODE32_0);
      for (const s of datas) st.seg(s, user ? SEL.DATA3 : SEL.DATA0, 0, 0xffffffff, user ? ATTR.DATA32_3 : ATTR.DATA32_0);
      st.set('cpl', user ? 3 : 0);
      st.set('eip', CODE32);
      st.set('eflags', 2);
      return CODE32;
    }
  }
}

describe('fuzz: random instruction streams', () => {
  it(`${STREAMS} streams × ${MODES.length} modes never trap the module and always end`, () => {
    const h = new CoreHarness();
    writeTables(h);
    writePageTables(h);
    const saved = SAVED.map(([a, b]) => [a, h.read(a, b - a)] as const);
    const savedPt = h.read(SAVED_PT[0], SAVED_PT[1] - SAVED_PT[0]);
    const st = new State(h);
    const u8 = h.u8;
    const next = rng(SEED);
    const stats = new Map<Mode, Map<string, number>>();
    const failures: string[] = [];
    const code = new Uint8Array(32);
    for (let n = 0; n < STREAMS; n++) {
      for (let i = 0; i < 16; i += 4) {
        const v = next();
        code[i] = v; code[i + 1] = v >>> 8; code[i + 2] = v >>> 16; code[i + 3] = v >>> 24;
      }
      code.fill(0xf4, 16);
      // Registers: random, 16-bit, or an address in the 16 MiB of RAM.
      const regs = Array.from({ length: 8 }, () => {
        const v = next();
        return (v & 3) === 0 ? v : (v & 3) === 1 ? v >>> 16 : v >>> 8;
      });
      const flags = (next() & 0xcd5) | 2;
      for (const mode of MODES) {
        for (const [a, bytes] of saved) u8.set(bytes, RAM_BASE + a);
        if (mode === 'paging-cpl3') u8.set(savedPt, RAM_BASE + SAVED_PT[0]);
        const at = enter(h, st, mode);
        u8.set(code, RAM_BASE + at);
        regs.forEach((v, r) => st.set('gpr', v, r));
        st.set('gpr', mode === 'real' || mode === 'v86' || mode === 'pm16' ? 0x7000 : 0x2f0000, 4);
        st.set('eflags', (st.get('eflags') & ~0xcd5) | flags);
        h.refresh();
        const tag = `${mode} stream ${n} [${[...code.subarray(0, 16)].map((x) => x.toString(16).padStart(2, '0')).join(' ')}]`;
        let exit: number;
        try {
          exit = h.run(BUDGET);
        } catch (e) {
          failures.push(`${tag}: ${e instanceof WebAssembly.RuntimeError ? 'wasm trap' : 'host exception'}: ${(e as Error).message}`);
          continue;
        }
        // SPIN: the stream happened to form a PAUSE loop (a legal early return, like BUDGET).
        if (exit !== EXIT.HLT && exit !== EXIT.SHUTDOWN && exit !== EXIT.BUDGET && exit !== EXIT.SPIN) failures.push(`${tag}: exit ${EXIT_NAMES[exit] ?? exit}`);
        const v = handlerVector(h, exit, mode === 'real');
        const key = exit === EXIT.HLT ? (v >= 32 ? 'int>=32' : v >= 0 ? `#${v}` : 'hlt') : EXIT_NAMES[exit] ?? String(exit);
        const m = stats.get(mode) ?? new Map<string, number>();
        stats.set(mode, m);
        m.set(key, (m.get(key) ?? 0) + 1);
      }
    }
    const lines = [...stats].map(([mode, m]) => `${mode.padEnd(12)} ${[...m].sort((a, b) => b[1] - a[1]).map(([k, c]) => `${k}:${c}`).join(' ')}`);
    console.log(`fuzz: ${STREAMS} streams per mode, outcomes (#n = exception n delivered to its handler, int>=32 = INT n, hlt = HLT outside a handler):\n${lines.join('\n')}`);
    expect(failures.slice(0, 20).join('\n')).toBe('');
  }, 300_000);
});

describe('#UD for everything the opcode table does not list', () => {
  const all = rows();
  const listed = new Set(all.map((r) => r.op));
  const exts = new Map<number, Set<number>>();
  for (const r of all) if (r.ext >= 0) (exts.get(r.op) ?? exts.set(r.op, new Set()).get(r.op)!).add(r.ext);

  /** Run `bytes` at CPL 0 in flat 32-bit mode; returns [vector, faulting EIP] or a description. */
  function runUd(h: CoreHarness, bytes: number[]): string {
    enter(h, new State(h), 'pm32');
    h.setReg('esp', 0x1f0000);
    for (const r of ['eax', 'ecx', 'edx', 'ebx', 'ebp', 'esi', 'edi'] as const) h.setReg(r, 0x300000);
    h.write(CODE32, [...bytes, ...new Array(16).fill(0)]);
    h.refresh();
    const exit = h.run(20);
    const v = handlerVector(h, exit);
    if (v < 0) return `exit ${EXIT_NAMES[exit]} at eip ${h.eip.toString(16)}`;
    const f = readFrame(h, v, false);
    return `#${v} at ${f.eip === CODE32 ? 'start' : f.eip.toString(16)}`;
  }

  it('unlisted opcodes, unlisted group /digits and memory-only forms with a register operand raise #UD', () => {
    const h = new CoreHarness();
    writeTables(h);
    const bad: string[] = [];
    let n = 0;
    const check = (what: string, bytes: number[]) => {
      n++;
      const got = runUd(h, bytes);
      if (got !== '#6 at start') bad.push(`${what} [${bytes.map((x) => x.toString(16).padStart(2, '0')).join(' ')}]: ${got}`);
    };
    for (let op = 0; op < 0x100; op++) if (op !== 0x0f && !listed.has(op)) check(`opcode ${op.toString(16)}`, [op, 0xc0]);
    for (let op = 0x0f00; op < 0x1000; op++) if (!listed.has(op)) check(`opcode 0f ${(op & 0xff).toString(16)}`, [0x0f, op & 0xff, 0xc0]);
    for (const [op, set] of exts) {
      const ob = op > 0xff ? [0x0f, op & 0xff] : [op];
      for (let e = 0; e < 8; e++) {
        if (set.has(e)) continue;
        check(`${op.toString(16)} /${e} memory`, [...ob, e << 3]);
        check(`${op.toString(16)} /${e} register`, [...ob, 0xc0 | (e << 3)]);
      }
    }
    for (const r of all) {
      if (!r.operands.split(',').some((o) => o.startsWith('M'))) continue;
      const ob = r.op > 0xff ? [0x0f, r.op & 0xff] : [r.op];
      check(`${r.mnemonic} ${r.operands} with mod=3`, [...ob, 0xc0 | (Math.max(r.ext, 0) << 3) | 1]);
    }
    console.log(`#UD check: ${n} encodings, ${bad.length} without #UD`);
    expect(bad.join('\n')).toBe('');
  });
});
