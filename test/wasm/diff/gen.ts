// Test-case generation for the differential test, driven by the opcode table (wasm/isa/table.ts):
// every row is either generated (from its operand notation plus a few per-mnemonic rules that pick
// meaningful inputs) or listed in EXCLUDED with the reason it cannot be compared with the host.
//
// A case is one instruction (with random prefixes: 66, 67, segment overrides, REP, LOCK) at
// CODE_OFF, random edge-biased registers, flags and buffer, and memory operands whose effective
// address is solved into the buffer through whatever registers/displacement the random ModRM/SIB
// form uses (so 16- and 32-bit addressing, scaled indexes and address wrap-around all occur).
import { rows, type Row } from '../../../wasm/isa/table.ts';
import * as L from './layout.ts';

// Plain local bindings: vitest turns imported names into property reads, which is slow in the hot paths.
const { BUF_OFF, BUF_LEN, CODE_PAGE, CODE_OFF, SEL_CODE, SEL_DATA, SEL_CODE16, SEL_DATA16, CASE_CODE16, CASE_STACK16 } = L;
const IN = { ...L.IN };

// ---------------------------------------------------------------- random numbers
export class Rng {
  private a: number; private b: number; private c: number; private d: number;
  constructor(seed: number) {
    this.a = seed >>> 0; this.b = 0x9e3779b9; this.c = 0x243f6a88; this.d = 0xb7e15162;
    for (let i = 0; i < 16; i++) this.u32();
  }
  /** sfc32 */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
  int(n: number): number { return Math.floor((this.u32() / 4294967296) * n); }
  chance(p: number): boolean { return this.u32() < p * 4294967296; }
  pick<T>(a: readonly T[]): T { return a[this.int(a.length)]; }
}

const E8 = [0, 1, 2, 0x0f, 0x10, 0x7f, 0x80, 0x81, 0xfe, 0xff, 0x09, 0x0a, 0x99, 0x9a, 0x3f, 0x40, 0xc0, 0x55, 0xaa];
const E16 = [0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7ffe, 0x7fff, 0x8000, 0x8001, 0xfffe, 0xffff, 0xff00, 0x00ff, 0x5555, 0xaaaa];
const E32 = [
  0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7ffffffe, 0x7fffffff, 0x80000000, 0x80000001,
  0xfffffffe, 0xffffffff, 0xffff0000, 0x0000ff00, 0x00ff00ff, 0x55555555, 0xaaaaaaaa, 0xffff8000, 0xffffff80,
];
/** Shift/rotate counts: both sides of every operand size and of the 5-bit mask. */
const COUNTS = [0, 1, 2, 3, 4, 7, 8, 9, 10, 15, 16, 17, 18, 24, 31, 32, 33, 34, 40, 63, 64, 0x80, 0xff];

/** An edge-biased 32-bit value. */
export function val32(r: Rng): number {
  const k = r.int(10);
  if (k < 3) return r.pick(E32);
  if (k < 5) return ((r.u32() & 0xffff0000) | r.pick(E16)) >>> 0;
  if (k < 7) {
    let v = 0;
    for (let i = 0; i < 4; i++) v |= (r.chance(0.6) ? r.pick(E8) : r.int(256)) << (i * 8);
    return v >>> 0;
  }
  return r.u32();
}
function valSized(r: Rng, size: number): number {
  if (size === 8) return r.chance(0.5) ? r.pick(E8) : r.int(256);
  if (size === 16) return r.chance(0.5) ? r.pick(E16) : r.int(0x10000);
  return val32(r);
}

// ---------------------------------------------------------------- operand locations
/** A register operand (r = register number; 8-bit: 0-3 low bytes, 4-7 = AH CH DH BH) or memory at segment offset `mem`. */
export type Loc = { reg: number; size: number } | { mem: number; size: number };

/** What undefined-flags.ts needs to know about a case. */
export interface Meta {
  mn: string;
  /** Operand size of the operation in bits. */
  size: number;
  /** Shift/rotate/SHLD/SHRD count as given (before masking). */
  count?: number;
  /** Destination operand. */
  dst?: Loc;
  /** Operand-size attribute (16 or 32). */
  opsz?: number;
}

export interface Case {
  /** Index into rows(). */
  row: number;
  meta: Meta;
}

const ESP = 4;
const POOL_WORDS = 1 << 16;

/** One case under construction. */
class Builder {
  regs = new Uint32Array(8);
  buf!: Uint8Array;
  eflags = 2;
  opsz = 32;
  adsz = 32;
  /** The case runs with a 16-bit code segment (default operand and address size 16) / stack segment. */
  code16 = false;
  stack16 = false;
  seg = -1;
  rep = 0;
  lock = false;
  locked = 0;
  // ModRM
  hasModrm = false;
  mod = 3;
  reg = 0;
  rm = 0;
  eaBytes: number[] = [];
  ea = -1;
  imms: Array<{ size: number; value: number } | { jump: number; size: number }> = [];

  /** Edge-biased random words; each case's buffer is a random window of it. */
  private readonly pool: Uint8Array;

  constructor(readonly r: Rng) {
    const w = new Uint32Array(POOL_WORDS);
    for (let i = 0; i < POOL_WORDS; i++) w[i] = val32(r);
    this.pool = new Uint8Array(w.buffer);
  }

  reset(buf: Uint8Array): void {
    const r = this.r;
    this.buf = buf;
    for (let i = 0; i < 8; i++) this.regs[i] = val32(r);
    let sp = BUF_OFF + 0x80 + r.int(0x61);
    if (r.chance(0.8)) sp &= ~3;
    // Sometimes at the ends of the stack segment: pushes below 0 and pops past the limit fault.
    if (r.chance(0.015)) sp = r.pick([0, 1, 2, 3, 0xfffc, 0xfffe, 0xffff, 0x10000]);
    this.code16 = r.chance(0.2);
    this.stack16 = r.chance(0.2);
    // A 16-bit stack uses SP only: the upper half of ESP is random and must survive.
    this.regs[ESP] = this.stack16 ? ((this.regs[ESP] & 0xffff0000) | (sp & 0xffff)) >>> 0 : sp;
    const at = r.int(POOL_WORDS - BUF_LEN / 4) * 4;
    buf.set(this.pool.subarray(at, at + BUF_LEN));
    // CF PF AF ZF SF OF at random, DF sometimes.
    let f = 2;
    for (const bit of [0x1, 0x4, 0x10, 0x40, 0x80, 0x800]) if (r.chance(0.5)) f |= bit;
    if (r.chance(0.3)) f |= 0x400;
    this.eflags = f;
    this.opsz = 32; this.adsz = 32; this.seg = -1; this.rep = 0; this.lock = false;
    this.locked = 1 << ESP;
    this.hasModrm = false; this.mod = 3; this.reg = 0; this.rm = 0; this.eaBytes = []; this.ea = -1;
    this.imms = [];
  }

  /** The stack pointer as the stack segment uses it (SP or ESP). */
  get sp(): number { return this.stack16 ? this.regs[ESP] & 0xffff : this.regs[ESP]; }
  set sp(v: number) { this.regs[ESP] = this.stack16 ? ((this.regs[ESP] & 0xffff0000) | (v & 0xffff)) >>> 0 : v >>> 0; }
  /** The default operand and address size of the code segment. */
  get defSize(): number { return this.code16 ? 16 : 32; }

  isLocked(r: number): boolean { return ((this.locked >> r) & 1) !== 0; }
  lockReg(r: number): void { this.locked |= 1 << r; }

  get(l: Loc): number {
    if ('reg' in l) {
      if (l.size === 8) return l.reg < 4 ? this.regs[l.reg] & 0xff : (this.regs[l.reg - 4] >>> 8) & 0xff;
      if (l.size === 16) return this.regs[l.reg] & 0xffff;
      return this.regs[l.reg];
    }
    let v = 0;
    for (let i = l.size / 8 - 1; i >= 0; i--) v = v * 256 + this.buf[l.mem - BUF_OFF + i];
    return v;
  }
  /** Set an operand; returns false (and changes nothing) if that would move an address register. */
  set(l: Loc, v: number): boolean {
    if ('reg' in l) {
      const r = l.size === 8 ? l.reg & 3 : l.reg;
      if (this.isLocked(r)) return false;
      if (l.size === 8) {
        const sh = l.reg < 4 ? 0 : 8;
        this.regs[r] = ((this.regs[r] & ~(0xff << sh)) | ((v & 0xff) << sh)) >>> 0;
      } else if (l.size === 16) this.regs[r] = ((this.regs[r] & 0xffff0000) | (v & 0xffff)) >>> 0;
      else this.regs[r] = v >>> 0;
      return true;
    }
    this.setMem(l.mem, l.size / 8, v);
    return true;
  }
  setMem(off: number, bytes: number, v: number): void {
    for (let i = 0; i < bytes; i++) { this.buf[off - BUF_OFF + i] = v & 0xff; v = Math.floor(v / 256); }
  }
  getMem(off: number, bytes: number): number { return this.get({ mem: off, size: bytes * 8 }); }
  /** Set a whole 32-bit register unless it is locked. */
  setReg32(r: number, v: number): boolean { return this.set({ reg: r, size: 32 }, v); }

  /** The E operand (after modrm()). */
  E(size: number): Loc { return this.mod === 3 ? { reg: this.rm, size } : { mem: this.ea, size }; }
  G(size: number): Loc { return { reg: this.reg, size }; }

  /** Choose ModRM; `mem`: probability of a memory operand; `span`: bytes the instruction may touch there. */
  modrm(reg: number, mem: number, span = 10): boolean {
    this.hasModrm = true;
    this.reg = reg;
    if (!this.r.chance(mem)) { this.mod = 3; this.rm = this.r.int(8); return true; }
    return this.solveEa(span);
  }

  /** A memory ModRM (and SIB/displacement) whose effective address lands in the buffer. */
  private solveEa(span: number): boolean {
    const r = this.r;
    let target = BUF_OFF + r.int(BUF_LEN - span + 1);
    if (r.chance(0.5)) target &= ~3;
    // Sometimes at the end of the 64 KiB segments: accesses that cross the limit fault (#GP/#SS).
    if (r.chance(0.03)) target = 0x10000 - 1 - r.int(8);
    for (let tries = 0; tries < 20; tries++) {
      if (this.adsz === 16 ? this.ea16(target) : this.ea32(target)) { this.ea = target; return true; }
    }
    return false;
  }

  private ea32(target: number): boolean {
    const r = this.r;
    const mod = r.int(3);
    let rm = r.int(8);
    let base = -1, index = -1, scale = 0;
    const bytes: number[] = [];
    let sib = -1;
    if (rm === 4) {
      const sb = r.int(8), si = r.int(8);
      scale = r.int(4);
      sib = (scale << 6) | (si << 3) | sb;
      base = sb === 5 && mod === 0 ? -1 : sb;
      index = si === 4 ? -1 : si;
    } else if (rm === 5 && mod === 0) base = -1;
    else base = rm;
    const dispSize = mod === 1 ? 1 : mod === 2 ? 4 : base === -1 ? 4 : 0;
    let disp = dispSize === 1 ? r.int(256) - 128 : dispSize === 4 ? (r.chance(0.5) ? r.int(0x2000) - 0x1000 : r.u32()) : 0;
    const mul = 2 ** scale;
    let baseV = base < 0 ? 0 : this.regs[base], idxV = index < 0 ? 0 : this.regs[index];
    if (base >= 0 && base !== index && !this.isLocked(base)) {
      baseV = (target - disp - idxV * mul) >>> 0;
    } else if (index >= 0 && index !== base && !this.isLocked(index)) {
      const need = (target - disp - baseV) >>> 0;
      if (need % mul !== 0) {
        if (dispSize !== 4) return false;
        disp = (disp + (need % mul)) | 0;
      }
      idxV = ((((target - disp - baseV) >>> 0) / mul) + (r.int(mul) * (2 ** 32 / mul))) >>> 0;
    } else if (index >= 0 && index === base && !this.isLocked(base)) {
      // v * (1 + 2^scale) = target - disp (mod 2^32)
      const m = 1 + mul;
      const need = (target - disp) >>> 0;
      if (m === 2) {
        if (need & 1) return false;
        baseV = idxV = (need / 2) >>> 0;
      } else {
        baseV = idxV = Number((BigInt(need) * modInverse(m)) & 0xffffffffn);
      }
    } else if (dispSize === 4) {
      disp = (target - baseV - idxV * mul) | 0;
    } else return false;
    const ea = (baseV + idxV * mul + disp) >>> 0;
    if (ea !== target) return false;
    if (base >= 0) { this.regs[base] = baseV; this.lockReg(base); }
    if (index >= 0) { this.regs[index] = idxV; this.lockReg(index); }
    this.mod = mod; this.rm = rm;
    if (sib >= 0) bytes.push(sib);
    pushLE(bytes, disp, dispSize);
    this.eaBytes = bytes;
    return true;
  }

  private ea16(target: number): boolean {
    const r = this.r;
    const mod = r.int(3);
    const rm = r.int(8);
    const PAIRS = [[3, 6], [3, 7], [5, 6], [5, 7], [6], [7], [5], [3]];
    const regs = rm === 6 && mod === 0 ? [] : PAIRS[rm];
    const dispSize = mod === 1 ? 1 : mod === 2 ? 2 : regs.length === 0 ? 2 : 0;
    let disp = dispSize === 1 ? r.int(256) - 128 : dispSize === 2 ? r.int(0x10000) : 0;
    const free: number[] = [];
    for (const x of regs) if (!this.isLocked(x)) free.push(x);
    if (regs.length && free.length) {
      const s = free[r.int(free.length)];
      let other = 0;
      for (const x of regs) if (x !== s) other += this.regs[x] & 0xffff;
      this.regs[s] = ((this.regs[s] & 0xffff0000) | ((target - other - disp) & 0xffff)) >>> 0;
    } else if (dispSize === 2) {
      let other = 0;
      for (const x of regs) other += this.regs[x] & 0xffff;
      disp = (target - other) & 0xffff;
    } else return false;
    let ea = disp;
    for (const x of regs) ea += this.regs[x] & 0xffff;
    if ((ea & 0xffff) !== target) return false;
    for (const x of regs) this.lockReg(x);
    this.mod = mod; this.rm = rm;
    const bytes: number[] = [];
    pushLE(bytes, disp, dispSize);
    this.eaBytes = bytes;
    return true;
  }

  imm(size: number, value: number): void { this.imms.push({ size, value }); }
  /** A relative branch of `size` bytes to segment offset `target` (computed once the length is known). */
  jump(size: number, target: number): void { this.imms.push({ jump: target, size }); }

  /** Assemble prefixes, opcode, ModRM, immediates; resolve branch displacements. */
  encode(op: number): number[] {
    const pf: number[] = [];
    if (this.opsz !== this.defSize) pf.push(0x66);
    if (this.adsz !== this.defSize) pf.push(0x67);
    if (this.seg >= 0) pf.push([0x26, 0x2e, 0x36, 0x3e, 0x64][this.seg]);
    if (this.rep) pf.push(this.rep);
    if (this.lock) pf.push(0xf0);
    for (let i = pf.length - 1; i > 0; i--) { const j = this.r.int(i + 1); [pf[i], pf[j]] = [pf[j], pf[i]]; }
    const out = [...pf];
    if (op > 0xff) out.push(0x0f, op & 0xff); else out.push(op);
    if (this.hasModrm) out.push((this.mod << 6) | (this.reg << 3) | this.rm, ...this.eaBytes);
    let len = out.length;
    for (const i of this.imms) len += i.size;
    for (const i of this.imms) {
      if ('jump' in i) {
        const d = i.jump - (CODE_OFF + len);
        pushLE(out, d, i.size);
      } else pushLE(out, i.value, i.size);
    }
    return out;
  }
}

function pushLE(out: number[], v: number, n: number): void {
  for (let i = 0; i < n; i++) { out.push(v & 0xff); v = Math.floor(v / 256); }
}
function modInverse(m: number): bigint {
  // m odd: Newton iteration mod 2^32.
  let x = BigInt(m);
  const M = BigInt(m);
  for (let i = 0; i < 5; i++) x = (x * (2n - M * x)) & 0xffffffffn;
  return x;
}

// ---------------------------------------------------------------- the rows
/** Rows that are not compared with the host, and why. Keyed by mnemonic (or "op:XX"). */
export const EXCLUDED: Record<string, string> = {
  esc: 'x87: compared by test/wasm/x87 (the runner does not capture the FPU state)',
  gs: 'GS holds the host process\'s TLS',
  'op:0FA8': 'GS holds the host process\'s TLS',
  'op:0FA9': 'GS holds the host process\'s TLS',
  lgs: 'GS holds the host process\'s TLS',
  sldt: 'UMIP: the host kernel emulates or refuses it at CPL 3',
  str: 'UMIP: the host kernel emulates or refuses it at CPL 3',
  sgdt: 'UMIP: the host kernel emulates or refuses it at CPL 3',
  sidt: 'UMIP: the host kernel emulates or refuses it at CPL 3',
  smsw: 'UMIP: the host kernel emulates or refuses it at CPL 3',
  cpuid: 'host-specific result',
  rdtsc: 'host-specific result',
  sysenter: '#UD in the host\'s compatibility mode (AMD)',
  sysexit: '#UD in the host\'s compatibility mode (AMD)',
  int1: 'the host\'s hypervisor reports ICEBP with EIP at the instruction, not after it',
};
/** Prefix rows are covered by the prefixes the other cases carry. */
const PREFIX_OPS = new Set([0x26, 0x2e, 0x36, 0x3e, 0x64, 0x66, 0x67, 0xf0, 0xf2, 0xf3]);

export function exclusionOf(row: Row): string | undefined {
  const key = 'op:' + row.op.toString(16).toUpperCase().padStart(row.op > 0xff ? 4 : 2, '0');
  return EXCLUDED[key] ?? EXCLUDED[row.mnemonic];
}

/** Group names for the report. */
export function groupOf(row: Row): string {
  const m = row.mnemonic;
  if (row.kind === 'alu') return 'alu';
  if (row.kind === 'shift') return 'shift';
  if (row.kind === 'un' || m === 'inc' || m === 'dec') return 'unary';
  if (row.kind === 'prefix') return 'prefix';
  if (/^(mul|imul|div|idiv)$/.test(m)) return 'muldiv';
  if (/^(daa|das|aaa|aas|aam|aad)$/.test(m)) return 'bcd';
  if (/^(bt|bts|btr|btc|bsf|bsr|shld|shrd|bswap)$/.test(m)) return 'bit';
  if (/^(movs|cmps|stos|lods|scas|ins|outs)b?$/.test(m) || m === 'xlat') return 'string';
  if (m === 'cmovcc' || m === 'setcc') return m;
  if (/^(xchg|xadd|cmpxchg|cmpxchg8b)$/.test(m)) return 'xchg';
  if (/^(jcc|jmp|call|ret|loop|loope|loopne|jcxz)$/.test(m)) return 'branch';
  if (/^(callf|jmpf|retf|iret|int|int3|into|bound)$/.test(m)) return 'far/int';
  if (/^(push|pop|pusha|popa|pushf|popf|enter|leave)$/.test(m)) return 'stack';
  if (/^(les|lds|lss|lfs|lgs|arpl|lar|lsl|verr|verw)$/.test(m) || row.operands.includes('Sw')) return 'segment';
  if (row.cpl0 || /^(in|out|cli|sti|lldt|ltr)$/.test(m)) return 'privileged';
  return 'misc';
}

const STRINGS = new Set(['movsb', 'movs', 'cmpsb', 'cmps', 'stosb', 'stos', 'lodsb', 'lods', 'scasb', 'scas', 'insb', 'ins', 'outsb', 'outs']);
/** Selectors that exist identically on both sides: the two LDT entries (with every RPL), null, and ones beyond the LDT limit. */
const SELECTORS = [SEL_DATA, SEL_DATA, SEL_CODE, SEL_DATA16, SEL_CODE16, 0, 1, 3, 0x04, 0x05, 0x06, 0x0c, 0x0d, 0x0e, 0x14, 0x1c, 0x27, 0x2f, 0xfffc | 7];

function opSizeOf(tok: string, b: Builder): number {
  const c = tok[tok.length - 1];
  if (tok === 'AL' || tok === 'CL') return 8;
  if (c === 'b') return 8;
  if (c === 'w') return 16;
  if (c === 'd') return 32;
  if (c === 'q') return 64;
  return b.opsz;
}

/** A landing offset in the code page outside the instruction bytes [CODE_OFF, CODE_OFF + 16). */
function landing(r: Rng, near = -1, range = 0): number {
  for (;;) {
    const t = near >= 0 ? near + r.int(2 * range + 1) - range : CODE_PAGE + 0x10 + r.int(0x1000 - 0x20);
    if (t >= CODE_PAGE + 8 && t < CODE_PAGE + 0x1000 - 8 && (t < CODE_OFF || t >= CODE_OFF + 16)) return t;
  }
}

/**
 * Build one case for `row` into `rec` (an IN record). Returns its Meta, or null when this attempt
 * could not be completed (the caller retries).
 */
interface RowInfo { ops: string[]; sized: boolean; memOp: boolean; loopish: boolean; eTok?: string; key: string }
const rowInfos = new WeakMap<Row, RowInfo>();
function infoOf(row: Row): RowInfo {
  let i = rowInfos.get(row);
  if (i) return i;
  const mn = row.mnemonic;
  const ops = row.operands === '-' ? [] : row.operands.split(',');
  i = {
    ops,
    sized: ops.some((o) => /(v|z)$|^eAX$/.test(o)) || /^(pusha|popa|pushf|popf|cbw|cwd|movs|cmps|stos|lods|scas|ins|outs|iret|retf|ret|leave|enter|callf|jmpf|jcc|jmp|call|loop|loope|loopne|jcxz|push|pop|push_imm8|lar|lsl)$/.test(mn),
    memOp: ops.some((o) => /^[EMO]/.test(o)) || STRINGS.has(mn) || mn === 'xlat',
    loopish: /^(loop|loope|loopne|jcxz)$/.test(mn),
    eTok: ops.find((o) => /^[EMR]/.test(o)),
    key: row.kind === 'fn' ? row.handler : row.kind,
  };
  rowInfos.set(row, i);
  return i;
}
/** Handlers whose immediates build() writes itself. */
const OWN_IMMS = new Set(['shift', 'shld_ib', 'shrd_ib', 'aam', 'aad', 'enter', 'int_imm', 'ret_imm', 'retf_imm', 'callf_ap', 'jmpf_ap']);

function immFor(b: Builder, tok: string): void {
  const r = b.r;
  if (tok === 'Ib') b.imm(1, valSized(r, 8));
  else if (tok === 'Iw') b.imm(2, valSized(r, 16));
  else if (tok === 'Iz') b.imm(b.opsz / 8, valSized(r, b.opsz === 16 ? 16 : 32));
  else if (tok === 'Iv') b.imm(b.opsz / 8, valSized(r, b.opsz));
}
function jumpFor(b: Builder, tok: string): void {
  const r = b.r;
  const size = tok === 'Jb' ? 1 : b.opsz / 8;
  if (size === 1) b.jump(1, landing(r, CODE_OFF + 8, 120));
  else if (size === 4 && r.chance(0.03)) b.jump(4, 0x10000 + r.int(0x1000)); // beyond the CS limit: #GP
  else b.jump(size, landing(r));
}

function build(b: Builder, row: Row, rec: Uint8Array): Meta | null {
  const r = b.r;
  const mn = row.mnemonic;
  const info = infoOf(row);
  const ops = info.ops;
  b.reset(rec.subarray(IN.buf, IN.buf + BUF_LEN));
  const other = 48 - b.defSize;
  b.opsz = r.chance(info.sized ? 0.3 : 0.08) ? other : b.defSize;
  const memOp = info.memOp;
  b.adsz = r.chance(memOp || info.loopish ? 0.25 : 0.03) ? other : b.defSize;
  if (memOp && r.chance(0.15)) b.seg = r.int(5);
  b.lock = row.lock ? r.chance(0.12) : r.chance(0.01);
  const meta: Meta = { mn, size: 32 };

  // ModRM and the E/G operands.
  const eTok = info.eTok;
  if (row.modrm) {
    let reg = row.ext >= 0 ? row.ext : r.int(8);
    if (ops.includes('Sw')) reg = r.chance(0.9) ? r.pick([0, 1, 2, 3, 4]) : r.pick([6, 7]);
    if (mn === 'mov' && row.op === 0x8e && reg === 1 && r.chance(0.5)) reg = 3;
    const memOnly = eTok !== undefined && eTok[0] === 'M';
    // Memory-only operands always get a memory form: with mod=3, C4/C5/62 are VEX/EVEX prefixes
    // on the host and 0F 01 encodes other instructions (SVM, RDTSCP, MONITOR, ...), so their #UD
    // is checked by the fuzz test instead.
    const pMem = eTok === undefined || eTok[0] === 'R' ? 0 : memOnly ? 1 : 0.5;
    if (!b.modrm(reg, pMem)) return null;
  }
  const E = (size: number) => b.E(size);

  // Per-mnemonic inputs and immediates.
  const size0 = ops.length ? opSizeOf(ops[0], b) : b.opsz;
  meta.size = size0 === 64 ? 32 : size0;
  if (ops[0] && /^[EG]/.test(ops[0])) meta.dst = ops[0][0] === 'E' ? E(size0) : b.G(size0);

  switch (info.key) {
    case 'shift': case 'shld_ib': case 'shld_cl': case 'shrd_ib': case 'shrd_cl': {
      const last = ops[ops.length - 1];
      let count = r.chance(0.75) ? r.pick(COUNTS) : r.int(256);
      if (last === '1') count = 1;
      else if (last === 'CL') { if (!b.set({ reg: 1, size: 8 }, count)) count = b.regs[1] & 0xff; }
      else b.imm(1, count);
      meta.count = count;
      break;
    }
    case 'div8': case 'idiv8': case 'div': case 'idiv': {
      const sz = size0;
      const d = b.get(E(sz));
      if (d !== 0 && r.chance(0.8)) {
        const signed = mn === 'idiv';
        if (sz === 8) {
          const ax = signed ? (((r.int(256) << 24) >> 24) & 0xffff) : ((r.int(d) << 8) | r.int(256));
          b.set({ reg: 0, size: 16 }, ax);
        } else {
          const lo = valSized(r, sz);
          const hi = signed ? ((lo >> (sz - 1)) & 1 ? (sz === 32 ? 0xffffffff : 0xffff) : 0) : r.int(d);
          b.set({ reg: 0, size: sz }, lo); b.set({ reg: 2, size: sz }, hi);
        }
      }
      break;
    }
    case 'cmpxchg8': case 'cmpxchg': {
      if (r.chance(0.5)) b.set({ reg: 0, size: size0 }, b.get(E(size0)));
      break;
    }
    case 'cmpxchg8b': {
      if (b.mod !== 3 && r.chance(0.5)) { b.setReg32(0, b.getMem(b.ea, 4)); b.setReg32(2, b.getMem(b.ea + 4, 4)); }
      meta.dst = undefined;
      break;
    }
    case 'bsf': case 'bsr': {
      if (r.chance(0.15)) b.set(E(size0), 0);
      else if (r.chance(0.3)) b.set(E(size0), 2 ** r.int(size0));
      break;
    }
    case 'bt_ev_gv': case 'bts_ev_gv': case 'btr_ev_gv': case 'btc_ev_gv': {
      if (b.mod !== 3) {
        // Bit offset (signed) whose containing operand stays inside the buffer.
        const w = size0 / 8;
        const lowWords = Math.floor((b.ea - BUF_OFF) / w);
        const highWords = Math.floor((BUF_OFF + BUF_LEN - b.ea - w) / w);
        const word = r.int(lowWords + highWords + 1) - lowWords;
        const off = word * size0 + r.int(size0);
        if (!b.set(b.G(size0), off)) return null;
      }
      break;
    }
    case 'bound': {
      const sz = b.opsz;
      const lo = (b.getMem(b.ea, sz / 8) << (32 - sz)) >> (32 - sz);
      const hi = (b.getMem(b.ea + sz / 8, sz / 8) << (32 - sz)) >> (32 - sz);
      const pick = r.int(4);
      const v = pick === 0 ? lo : pick === 1 ? hi : pick === 2 ? lo + r.int(Math.max(1, hi - lo + 1)) : val32(r);
      b.set(b.G(sz), v >>> 0);
      break;
    }
    case 'aam': case 'aad': b.imm(1, r.pick([10, 10, 10, 0, 1, 2, 7, 16, 0xff, r.int(256)])); break;
    case 'daa': case 'das': case 'aaa': case 'aas': b.set({ reg: 0, size: 8 }, r.int(256)); if (r.chance(0.5)) b.set({ reg: 4, size: 8 }, r.int(256)); break;
    case 'enter': {
      const level = r.pick([0, 0, 1, 1, 2, 3, 4, 5, 8, 31, 32, 33, 63, 255, r.int(256)]);
      const alloc = r.pick([0, 0, 1, 2, 4, 8, 0x10, 0x7f, 0x100, 0x8000, 0xffff, r.int(0x10000)]);
      b.imm(2, alloc); b.imm(1, level);
      const w = b.opsz / 8;
      b.sp = (BUF_OFF + 0xc0 + r.int(0x3c)) & ~(w - 1);
      b.regs[5] = BUF_OFF + (level & 31) * w + r.int(0x100 - (level & 31) * w - w + 1);
      b.lockReg(5);
      break;
    }
    case 'popa':
      // Not at the stack limit: the host (AMD) has already loaded (E)DI and (E)SI when POPA
      // faults there, which no architecture text allows; the comparison would only show that.
      if (!b.stack16 && b.sp > BUF_OFF + BUF_LEN) b.sp = BUF_OFF + 0x80;
      break;
    case 'leave': b.regs[5] = BUF_OFF + 0x20 + r.int(0xd8); if (r.chance(0.8)) b.regs[5] &= ~3; b.lockReg(5); break;
    case 'popf': case 'iret': case 'pop_seg': case 'ret': case 'ret_imm': case 'retf': case 'retf_imm': {
      const w = b.opsz / 8;
      let sp = b.sp;
      if (mn === 'popf') b.setMem(sp, w, flagsImage(r));
      else if (mn === 'pop') b.setMem(sp, w, (r.u32() & 0xffff0000) | r.pick(SELECTORS));
      else {
        b.setMem(sp, w, r.chance(0.05) && w === 4 ? 0x10000 + r.int(0x100) : landing(r));
        // A large RETF imm16 only with a valid selector: with RPL < CPL and the stack limit
        // exceeded, AMD reports #SS(0) where Intel's order of checks gives #GP(selector).
        // A far return whose selector has RPL < CPL is an outer-level return to AMD, which then
        // checks the stack for the outer SS:ESP (#SS) before the selector (#GP(selector) in
        // Intel's order). So: a large RETF imm16 only with a valid selector, and far returns not
        // at the stack limit (the selector would come from the INT3 bytes there).
        const big = r.chance(0.1);
        if ((mn === 'retf' || mn === 'iret') && (big || sp < BUF_OFF || sp > BUF_OFF + BUF_LEN)) { b.sp = BUF_OFF + 0x80; sp = b.sp; }
        if (mn === 'retf' || mn === 'iret') b.setMem(sp + w, w, (r.u32() & 0xffff0000) | (big && mn === 'retf' ? SEL_CODE : farSel(r)));
        if (mn === 'iret') b.setMem(sp + 2 * w, w, flagsImage(r));
        if (row.op === 0xc2 || row.op === 0xca) b.imm(2, big ? r.pick([0xfffc, r.int(0x10000)]) : r.pick([0, 2, 4, 6, 8, 0x10, 0x20, 0x100, r.int(0x200)]));
        if (mn === 'iret') b.eflags &= ~0x4000; // NT=0: a task return is #GP in the host's IA-32e mode
      }
      break;
    }
    case 'call_ev': case 'jmp_ev': {
      const sz = b.opsz;
      const t = landing(r);
      if (!b.set(E(sz), sz === 16 ? t : t)) return null;
      break;
    }
    case 'callf_ap': case 'jmpf_ap': {
      b.imm(b.opsz / 8, b.opsz === 32 && r.chance(0.05) ? 0x10000 + r.int(0x100) : landing(r));
      b.imm(2, farSel(r));
      break;
    }
    case 'callf_mp': case 'jmpf_mp': case 'les': case 'lds': case 'lss': case 'lfs': {
      if (b.mod !== 3) {
        const w = b.opsz / 8;
        const far = mn === 'callf' || mn === 'jmpf';
        b.setMem(b.ea, w, far ? (w === 4 && r.chance(0.05) ? 0x10000 + r.int(0x100) : landing(r)) : val32(r));
        b.setMem(b.ea + w, 2, far ? farSel(r) : r.pick(SELECTORS));
      }
      break;
    }
    case 'mov_sw_ew': case 'lar': case 'lsl': case 'verr': case 'verw': {
      const l = E(16);
      if ('reg' in l) { if (!b.set({ reg: l.reg, size: 32 }, (r.u32() & 0xffff0000) | r.pick(SELECTORS))) return null; }
      else b.set(l, r.pick(SELECTORS));
      if (mn !== 'mov') meta.dst = undefined;
      break;
    }
    case 'int_imm': { let v = r.int(256); if (v === 0x80) v = 0x81; b.imm(1, r.chance(0.1) ? r.pick([3, 4]) : v); break; }
    case 'xlat': case 'movs8': case 'movs': case 'cmps8': case 'cmps': case 'stos8': case 'stos':
    case 'lods8': case 'lods': case 'scas8': case 'scas': case 'ins8': case 'ins': case 'outs8': case 'outs':
      if (!stringCase(b, row)) return null;
      break;
    case 'loop': case 'loope': case 'loopne': case 'jcxz': {
      b.set({ reg: 1, size: 32 }, r.pick([0, 1, 2, 3, 0x10000, 0x10001, 0xffffffff, 0xffff, val32(r)]));
      break;
    }
    case 'alu': {
      if (r.chance(0.1) && ops.length === 2 && /^[EG]/.test(ops[1])) {
        const s = ops[1][0] === 'E' ? E(size0) : b.G(size0);
        if (meta.dst) b.set(meta.dst, b.get(s));
      }
      break;
    }
  }
  const ownImms = OWN_IMMS.has(info.key);
  for (const tok of ops) {
    if (tok[0] === 'I' && tok.length === 2 && !ownImms) immFor(b, tok);
    if (tok === 'Jb' || tok === 'Jz') jumpFor(b, tok);
    if (/^O[bv]$/.test(tok)) {
      const sz = opSizeOf(tok, b) / 8;
      b.imm(b.adsz / 8, BUF_OFF + r.int(BUF_LEN - sz + 1));
    }
  }
  if (row.handler === 'bswap') meta.dst = { reg: row.op & 7, size: 32 };
  meta.opsz = b.opsz;
  const bytes = b.encode(row.op);
  if (bytes.length > 15) return null;
  rec[IN.len] = bytes.length;
  rec.set(bytes, IN.code);
  const dv = new DataView(rec.buffer, rec.byteOffset, IN.size);
  for (let i = 0; i < 8; i++) dv.setUint32(IN.regs + i * 4, b.regs[i], true);
  dv.setUint32(IN.eflags, (b.eflags | (b.code16 ? CASE_CODE16 : 0) | (b.stack16 ? CASE_STACK16 : 0)) >>> 0, true);
  return meta;
}

/** A far-transfer selector: mostly the LDT code segment (RPL 3 or lower), sometimes invalid ones. */
function farSel(r: Rng): number {
  return r.chance(0.7) ? r.pick([SEL_CODE, SEL_CODE, SEL_CODE16, 0x0c, 0x0d, 0x0e, 0x1c]) : r.pick(SELECTORS);
}
/** An EFLAGS image for POPF/IRET: arithmetic flags, DF, and bits CPL 3 may or may not change (never TF or RF). */
function flagsImage(r: Rng): number {
  let f = r.u32() & 0x00ffffff & ~0x10100; // no TF, no RF
  if (r.chance(0.5)) f &= 0xfff; // keep the high bits mostly clear
  if (r.chance(0.7)) f &= ~0x40000; // AC mostly 0
  return f >>> 0;
}

/** String instructions and XLAT: counts and pointers that keep every access inside the buffer. */
function stringCase(b: Builder, row: Row): boolean {
  const r = b.r;
  const mn = row.mnemonic;
  if (mn === 'xlat') {
    const al = r.int(256);
    b.set({ reg: 0, size: 8 }, al);
    const t = BUF_OFF + r.int(BUF_LEN);
    const bx = b.adsz === 16 ? ((b.regs[3] & 0xffff0000) | ((t - al) & 0xffff)) >>> 0 : (t - al) >>> 0;
    b.regs[3] = bx; b.lockReg(3);
    return true;
  }
  const size = mn.endsWith('b') ? 1 : b.opsz / 8;
  if (r.chance(0.7)) b.rep = /^(cmps|scas)/.test(mn) ? r.pick([0xf3, 0xf2]) : 0xf3;
  const n = b.rep ? r.pick([0, 1, 2, 3, 5, 8, r.int(24)]) : 1;
  const cnt = b.adsz === 16 ? ((b.regs[1] & 0xffff0000) | n) >>> 0 : n;
  if (b.rep) { b.regs[1] = cnt; b.lockReg(1); }
  const down = (b.eflags & 0x400) !== 0;
  const span = Math.max(n, 1) * size;
  const start = () => {
    const lo = down ? BUF_OFF + span - size : BUF_OFF;
    const hi = down ? BUF_OFF + BUF_LEN - size : BUF_OFF + BUF_LEN - span;
    let p = lo + r.int(hi - lo + 1);
    if (r.chance(0.6)) p -= (p - BUF_OFF) % size;
    return p;
  };
  const si = start(), di = start();
  const set16 = (reg: number, v: number) => { b.regs[reg] = b.adsz === 16 ? ((b.regs[reg] & 0xffff0000) | v) >>> 0 : v; b.lockReg(reg); };
  set16(6, si); set16(7, di);
  if (/^(cmps|scas)/.test(mn)) {
    // Make the operands equal for a while, so REPE runs and REPNE stops at a random point.
    const dir = down ? -1 : 1;
    const stop = r.int(Math.max(n, 1) + 1);
    for (let k = 0; k < Math.max(n, 1); k++) {
      for (let j = 0; j < size; j++) {
        const dOff = di + dir * k * size + j - BUF_OFF;
        if (mn.startsWith('scas')) b.buf[dOff] = (b.regs[0] >>> (8 * j)) & 0xff;
        else b.buf[dOff] = b.buf[si + dir * k * size + j - BUF_OFF];
      }
      if (k === stop && r.chance(0.7)) b.buf[di + dir * k * size - BUF_OFF] ^= 1 << r.int(8);
    }
    if (b.rep === 0xf2 && r.chance(0.5)) for (let k = 0; k < span; k++) b.buf[(down ? di - span + size : di) + k - BUF_OFF] ^= 0x5a;
  }
  return true;
}

// ---------------------------------------------------------------- plans
/** Cases per row, by group (the total stays near 200k). */
const PER_GROUP: Record<string, number> = {
  alu: 400, shift: 500, unary: 500, muldiv: 1500, bcd: 1500, bit: 900, string: 1400, cmovcc: 150, setcc: 120,
  xchg: 800, branch: 200, 'far/int': 600, stack: 400, segment: 500, privileged: 60, misc: 300,
};

export interface Plan {
  rows: Row[];
  /** Per row: number of cases, or the exclusion reason. */
  counts: number[];
  excluded: Map<number, string>;
}

export function plan(scale = 1): Plan {
  const all = rows();
  const counts: number[] = [];
  const excluded = new Map<number, string>();
  all.forEach((row, i) => {
    const why = exclusionOf(row);
    if (row.kind === 'prefix') { counts.push(0); if (!PREFIX_OPS.has(row.op)) excluded.set(i, why ?? 'prefix'); return; }
    if (why) { excluded.set(i, why); counts.push(0); return; }
    counts.push(Math.max(1, Math.round((PER_GROUP[groupOf(row)] ?? 300) * scale)));
  });
  return { rows: all, counts, excluded };
}

/** Generate the cases of `p` into one buffer of IN records. */
export function generate(p: Plan, seed: number): { input: Uint8Array; cases: Case[] } {
  const total = p.counts.reduce((a, b) => a + b, 0);
  const input = new Uint8Array(total * IN.size);
  const cases: Case[] = [];
  const r = new Rng(seed);
  const b = new Builder(r);
  let k = 0;
  p.rows.forEach((row, i) => {
    for (let n = 0; n < p.counts[i]; n++) {
      const rec = input.subarray(k * IN.size, (k + 1) * IN.size);
      let meta: Meta | null = null;
      for (let tries = 0; tries < 100 && !meta; tries++) { rec.fill(0); meta = build(b, row, rec); }
      if (!meta) throw new Error(`could not build a case for ${row.mnemonic} ${row.operands}`);
      cases.push({ row: i, meta });
      k++;
    }
  });
  return { input, cases };
}
