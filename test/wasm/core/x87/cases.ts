// Case generation and comparison for the x87 differential test: every D8..DF encoding (memory
// operand [EBX], register forms ST(0..7)), a few prefixed forms, random stack states, control
// words (every RC and PC), operands rich in edge cases, and the SDM's list of undefined
// condition codes per instruction.
import type { Case, Result } from './env.ts';
import { MEM_LEN } from './env.ts';

// ---- random numbers (deterministic) ----
export class Rng {
  private s: number;
  constructor(seed: number) { this.s = seed >>> 0 || 1; }
  u32(): number {
    let x = this.s;
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    this.s = x;
    return x;
  }
  int(n: number): number { return this.u32() % n; }
  chance(p: number): boolean { return this.u32() / 4294967296 < p; }
  u64(): bigint { return (BigInt(this.u32()) << 32n) | BigInt(this.u32()); }
  pick<T>(a: readonly T[]): T { return a[this.int(a.length)]; }
}

const J = 1n << 63n;
const M64 = (1n << 64n) - 1n;

/** An 80-bit value: significand and sign/exponent. */
export interface F80 { sig: bigint; se: number }

/** Significand patterns: random, few bits, runs of ones (rounding carries), halfway points. */
function sigBits(r: Rng): bigint {
  switch (r.int(6)) {
    case 0: return r.u64();
    case 1: return r.u64() & ~((1n << BigInt(r.int(64))) - 1n);
    case 2: return M64 >> BigInt(r.int(64));
    case 3: { const k = BigInt(r.int(63)); return (r.u64() & ~((2n << k) - 1n)) | (1n << k); }
    case 4: return (1n << BigInt(r.int(64))) | (1n << BigInt(r.int(64)));
    default: return (r.u64() >> BigInt(r.int(64))) << BigInt(r.int(20));
  }
}

/** An 80-bit operand, weighted towards the interesting classes. */
export function f80(r: Rng): F80 {
  const s = r.chance(0.5) ? 0x8000 : 0;
  switch (r.int(20)) {
    case 0: return { sig: 0n, se: s };
    case 1: return { sig: J, se: s | 0x7fff };
    case 2: return { sig: J | (1n << 62n) | (sigBits(r) & (M64 >> 2n)), se: s | 0x7fff }; // QNaN
    case 3: return { sig: J | ((sigBits(r) & (M64 >> 2n)) || 1n), se: s | 0x7fff }; // SNaN
    case 4: return { sig: 0xc000000000000000n, se: 0xffff }; // indefinite
    case 5: return { sig: (sigBits(r) & (M64 >> 1n)) || 1n, se: s }; // denormal
    case 6: // unsupported: pseudo-denormal, unnormal, pseudo-infinity/NaN
      switch (r.int(3)) {
        case 0: return { sig: J | (sigBits(r) & (M64 >> 1n)), se: s };
        case 1: return { sig: sigBits(r) & (M64 >> 1n), se: s | (1 + r.int(0x7ffe)) };
        default: return { sig: sigBits(r) & (M64 >> 1n), se: s | 0x7fff };
      }
    case 7: return { sig: J | sigBits(r), se: s | (r.chance(0.5) ? 1 + r.int(3) : 0x7ffe - r.int(3)) };
    case 8: { // near the binary32/64 range limits
      const e = r.pick([0x3fff + 127, 0x3fff + 128, 0x3fff - 126, 0x3fff - 149, 0x3fff + 1023, 0x3fff + 1024, 0x3fff - 1022, 0x3fff - 1074]);
      return { sig: J | sigBits(r), se: s | (e + r.int(5) - 2) };
    }
    case 9: { // integers and halves, near the int16/32/64 limits too
      const bits = r.pick([1, 2, 3, 8, 15, 16, 17, 31, 32, 33, 59, 62, 63, 64, 65]);
      const v = (r.u64() >> BigInt(64 - bits)) | 1n;
      const n = v.toString(2).length;
      const frac = r.chance(0.5) ? 0n : BigInt(r.int(4)) << BigInt(61 - Math.min(n, 61));
      return { sig: ((v << BigInt(64 - n)) | frac) & M64, se: s | (0x3fff + n - 1) };
    }
    case 10: return { sig: J, se: s | 0x3fff }; // +-1
    case 11: return { sig: J | sigBits(r), se: s | (0x3fff + r.int(140) - 70) };
    default: return { sig: J | sigBits(r), se: s | (0x3fff + r.int(40) - 20) };
  }
}

function f32bits(r: Rng): number {
  const s = r.chance(0.5) ? 0x80000000 : 0;
  const e = r.pick([0, 0, 0xff, 0xff, 1, 0xfe, r.int(256), r.int(256), 127, 126 + r.int(3)]);
  const f = r.pick([0, 0x400000, r.u32() & 0x7fffff, 1, 0x7fffff, r.u32() & 0x3fffff]);
  return (s | (e << 23) | f) >>> 0;
}
function f64bits(r: Rng): bigint {
  const s = r.chance(0.5) ? 1n << 63n : 0n;
  const e = BigInt(r.pick([0, 0, 0x7ff, 0x7ff, 1, 0x7fe, r.int(2048), r.int(2048), 1023, 1022 + r.int(3)]));
  const f = r.pick([0n, 1n << 51n, r.u64() & ((1n << 52n) - 1n), 1n, (1n << 52n) - 1n, r.u64() & ((1n << 51n) - 1n)]);
  return s | (e << 52n) | f;
}
function intBits(r: Rng, bits: number): bigint {
  const m = (1n << BigInt(bits)) - 1n;
  const edge = [0n, 1n, m, m >> 1n, (m >> 1n) + 1n, 2n, m - 1n];
  return r.chance(0.3) ? r.pick(edge) : (r.u64() >> BigInt(r.int(64))) & m;
}
function bcd(r: Rng): { lo: bigint; hi: number } {
  let lo = 0n;
  const digits = r.int(19);
  for (let i = 0; i < 16; i++) if (i < digits) lo |= BigInt(r.int(10)) << BigInt(4 * i);
  const hi = (digits > 16 ? r.int(10) | (digits > 17 ? r.int(10) << 4 : 0) : 0) | (r.chance(0.5) ? 0x8000 : 0);
  return { lo, hi };
}

// ---- images ----
function put32(b: Uint8Array, o: number, v: number): void { new DataView(b.buffer, b.byteOffset).setUint32(o, v >>> 0, true); }
function put80(b: Uint8Array, o: number, v: F80): void {
  const dv = new DataView(b.buffer, b.byteOffset);
  dv.setBigUint64(o, v.sig & M64, true);
  dv.setUint16(o + 8, v.se, true);
}

export function controlWord(r: Rng): number {
  const masks = r.chance(0.7) ? 0x3f : r.u32() & 0x3f;
  const pc = r.pick([0, 2, 3, 3]);
  return masks | 0x40 | (pc << 8) | (r.int(4) << 10) | (r.chance(0.2) ? 0x1000 : 0);
}

/**
 * A 32-bit protected-mode FSAVE image: random registers, tags (empties favoured at ST(7) so
 * pushes mostly fit), exception flags only where masked unless `pending`.
 */
export function image(r: Rng, pending = false): Uint8Array {
  const b = new Uint8Array(108);
  const cw = controlWord(r);
  const top = r.int(8);
  let flags = r.u32() & 0x7f & (r.chance(0.5) ? 0 : 0xff);
  flags &= pending ? 0x7f : (cw & 0x3f) | 0x40;
  if (pending && (flags & ~cw & 0x3f) === 0) flags |= ~cw & 0x3f || 0;
  const sw = flags | (r.u32() & 0x4700) | (top << 11);
  const emptyP = [0.04, 0.06, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8];
  let tw = 0;
  for (let i = 0; i < 8; i++) {
    const empty = r.chance(emptyP[i]);
    tw |= (empty ? 3 : r.int(3)) << (((top + i) & 7) * 2);
  }
  put32(b, 0, cw | 0xffff0000);
  put32(b, 4, sw | 0xffff0000);
  put32(b, 8, tw | 0xffff0000);
  put32(b, 12, r.u32());
  put32(b, 16, (r.u32() & 0x07ff0000) | (r.u32() & 0xffff));
  put32(b, 20, r.u32());
  put32(b, 24, r.u32() | 0xffff0000);
  for (let i = 0; i < 8; i++) put80(b, 28 + 10 * i, f80(r));
  return b;
}

// ---- instructions ----
const C0 = 0x100, C1 = 0x200, C2 = 0x400, C3 = 0x4000;
const U023 = C0 | C2 | C3;
const UALL = U023 | C1;
const U03 = C0 | C3;

export type MemKind = 'none' | 'f32' | 'f64' | 'f80' | 'i16' | 'i32' | 'i64' | 'bcd' | 'cw' | 'env' | 'save' | 'out';
export interface Insn {
  name: string;
  bytes: number[];
  mem: MemKind;
  /** Condition codes the SDM leaves undefined after this instruction. */
  ccUndef: number;
  /** Results of the CPU's transcendental approximations (compared to within one unit). */
  trans?: boolean;
  /** Invalid packed-BCD operands give undefined results. */
  bcdIn?: boolean;
}

const ARITH = ['fadd', 'fmul', 'fcom', 'fcomp', 'fsub', 'fsubr', 'fdiv', 'fdivr'];
const MEM_NAMES: Record<number, Array<[string, MemKind, number] | null>> = {
  0xd8: ARITH.map((n, i) => [n + ' m32', 'f32', i === 2 || i === 3 ? 0 : U023]),
  0xd9: [['fld m32', 'f32', U023], null, ['fst m32', 'out', U023], ['fstp m32', 'out', U023],
    ['fldenv', 'env', 0], ['fldcw', 'cw', UALL], ['fnstenv', 'out', UALL], ['fnstcw', 'out', UALL]],
  0xda: ARITH.map((n, i) => ['fi' + n.slice(1) + ' m32', 'i32', i === 2 || i === 3 ? 0 : U023]),
  0xdb: [['fild m32', 'i32', U023], ['fisttp m32', 'out', U023], ['fist m32', 'out', U023], ['fistp m32', 'out', U023],
    null, ['fld m80', 'f80', U023], null, ['fstp m80', 'out', U023]],
  0xdc: ARITH.map((n, i) => [n + ' m64', 'f64', i === 2 || i === 3 ? 0 : U023]),
  0xdd: [['fld m64', 'f64', U023], ['fisttp m64', 'out', U023], ['fst m64', 'out', U023], ['fstp m64', 'out', U023],
    ['frstor', 'save', 0], null, ['fnsave', 'out', 0], ['fnstsw m16', 'out', UALL]],
  0xde: ARITH.map((n, i) => ['fi' + n.slice(1) + ' m16', 'i16', i === 2 || i === 3 ? 0 : U023]),
  0xdf: [['fild m16', 'i16', U023], ['fisttp m16', 'out', U023], ['fist m16', 'out', U023], ['fistp m16', 'out', U023],
    ['fbld', 'bcd', U023], ['fild m64', 'i64', U023], ['fbstp', 'out', U023], ['fistp m64', 'out', U023]],
};

/** Register forms: name and undefined condition codes, or null for #UD. */
function regForm(op: number, reg: number, i: number): [string, number] | null {
  const r = `st${i}`;
  switch (op) {
    case 0xd8: return [`${ARITH[reg]} st0,${r}`, reg === 2 || reg === 3 ? 0 : U023];
    case 0xd9:
      switch (reg) {
        case 0: return ['fld ' + r, U023];
        case 1: return ['fxch ' + r, U023];
        case 2: return i === 0 ? ['fnop', UALL] : null;
        case 3: return ['fstp1 ' + r, U023];
        case 4: return ([['fchs', U023], ['fabs', U023], null, null, ['ftst', 0], ['fxam', 0], null, null] as Array<[string, number] | null>)[i];
        case 5: return i === 7 ? null : [['fld1', 'fldl2t', 'fldl2e', 'fldpi', 'fldlg2', 'fldln2', 'fldz'][i], U023];
        case 6: return ([['f2xm1', U023], ['fyl2x', U023], ['fptan', U03], ['fpatan', U023], ['fxtract', U023],
          ['fprem1', 0], ['fdecstp', U023], ['fincstp', U023]] as Array<[string, number]>)[i];
        default: return ([['fprem', 0], ['fyl2xp1', U023], ['fsqrt', U023], ['fsincos', U03], ['frndint', U023],
          ['fscale', U023], ['fsin', U03], ['fcos', U03]] as Array<[string, number]>)[i];
      }
    case 0xda:
      if (reg < 4) return [['fcmovb', 'fcmove', 'fcmovbe', 'fcmovu'][reg] + ' ' + r, U023];
      return reg === 5 && i === 1 ? ['fucompp', 0] : null;
    case 0xdb:
      if (reg < 4) return [['fcmovnb', 'fcmovne', 'fcmovnbe', 'fcmovnu'][reg] + ' ' + r, U023];
      if (reg === 4) return i < 5 ? [['fneni', 'fndisi', 'fnclex', 'fninit', 'fnsetpm'][i], i === 3 ? 0 : UALL] : null;
      return reg === 7 ? null : [(reg === 5 ? 'fucomi ' : 'fcomi ') + r, 0];
    case 0xdc: return [`${['fadd', 'fmul', 'fcom2', 'fcomp3', 'fsubr', 'fsub', 'fdivr', 'fdiv'][reg]} ${r},st0`, reg === 2 || reg === 3 ? 0 : U023];
    case 0xdd: return reg >= 6 ? null : [['ffree', 'fxch4', 'fst', 'fstp', 'fucom', 'fucomp'][reg] + ' ' + r, reg === 0 ? UALL : reg >= 4 ? 0 : U023];
    case 0xde:
      if (reg === 3) return i === 1 ? ['fcompp', 0] : null;
      return [`${['faddp', 'fmulp', 'fcomp5', '', 'fsubrp', 'fsubp', 'fdivrp', 'fdivp'][reg]} ${r},st0`, reg === 2 ? 0 : U023];
    default:
      if (reg === 4) return i === 0 ? ['fnstsw ax', UALL] : null;
      if (reg === 7) return null;
      return [['ffreep', 'fxch7', 'fstp8', 'fstp9', '', 'fucomip', 'fcomip'][reg] + ' ' + r, reg === 0 ? UALL : U023 & (reg >= 5 ? 0 : U023)];
  }
}

const TRANS = new Set(['f2xm1', 'fyl2x', 'fyl2xp1', 'fptan', 'fpatan', 'fsin', 'fcos', 'fsincos']);

/** Every valid encoding, the #UD ones, and a few prefixed forms. */
export function instructions(): { valid: Insn[]; invalid: Insn[] } {
  const valid: Insn[] = [];
  const invalid: Insn[] = [];
  for (let op = 0xd8; op <= 0xdf; op++) {
    for (let reg = 0; reg < 8; reg++) {
      const m = MEM_NAMES[op][reg];
      const modrm = (reg << 3) | 3;
      if (m) valid.push({ name: m[0], bytes: [op, modrm], mem: m[1], ccUndef: m[2], bcdIn: m[0] === 'fbld' });
      else invalid.push({ name: `${op.toString(16)} /${reg} mem`, bytes: [op, modrm], mem: 'none', ccUndef: 0 });
      for (let i = 0; i < 8; i++) {
        const f = regForm(op, reg, i);
        const bytes = [op, 0xc0 | (reg << 3) | i];
        if (f) valid.push({ name: f[0], bytes, mem: 'none', ccUndef: f[1], trans: TRANS.has(f[0]) });
        else invalid.push({ name: `${op.toString(16)} ${bytes[1].toString(16)}`, bytes, mem: 'none', ccUndef: 0 });
      }
    }
  }
  const o16: Array<[string, number, number, MemKind, number]> = [
    ['o16 fnstenv', 0xd9, 0x33, 'out', UALL], ['o16 fldenv', 0xd9, 0x23, 'env', 0],
    ['o16 fnsave', 0xdd, 0x33, 'out', 0], ['o16 frstor', 0xdd, 0x23, 'save', 0],
  ];
  for (const [name, op, modrm, mem, cc] of o16) valid.push({ name, bytes: [0x66, op, modrm], mem, ccUndef: cc });
  valid.push({ name: 'ds fadd m64+disp', bytes: [0x3e, 0xdc, 0x43, 0x08], mem: 'f64', ccUndef: U023 });
  valid.push({ name: 'fwait', bytes: [0x9b], mem: 'none', ccUndef: UALL });
  valid.push({ name: 'fwait; fadd st0,st1', bytes: [0x9b, 0xd8, 0xc1], mem: 'none', ccUndef: U023 });
  return { valid, invalid };
}

/** The memory buffer for an instruction's operand. */
function memFor(r: Rng, k: MemKind): Uint8Array {
  const b = new Uint8Array(MEM_LEN);
  for (let i = 0; i < MEM_LEN; i++) b[i] = r.u32() & 0xff;
  const dv = new DataView(b.buffer);
  const at = [0, 8];
  for (const o of at) {
    switch (k) {
      case 'f32': dv.setUint32(o, f32bits(r), true); break;
      case 'f64': dv.setBigUint64(o, f64bits(r), true); break;
      case 'f80': put80(b, o, f80(r)); break;
      case 'i16': dv.setUint16(o, Number(intBits(r, 16)), true); break;
      case 'i32': dv.setUint32(o, Number(intBits(r, 32)), true); break;
      case 'i64': dv.setBigUint64(o, intBits(r, 64), true); break;
      case 'bcd': if (r.chance(0.9)) { const v = bcd(r); dv.setBigUint64(o, v.lo, true); dv.setUint16(o + 8, v.hi, true); } break;
      case 'cw': dv.setUint16(o, r.chance(0.5) ? controlWord(r) : r.u32() & 0xffff, true); break;
      default: break;
    }
  }
  if (k === 'env' || k === 'save') {
    const img = image(r, r.chance(0.2));
    if (r.chance(0.9)) b.set(img, 0);
  }
  return b;
}

export function makeCase(r: Rng, insn: Insn, pending = false): Case {
  return {
    code: new Uint8Array(insn.bytes),
    eflags: (r.u32() & 0x8d5) | 2,
    eax: r.u32(),
    img: image(r, pending),
    mem: memFor(r, insn.mem),
  };
}

/**
 * A sequence of 2..5 instructions (no transcendentals, whose one-unit differences would spread,
 * and no FBLD, whose invalid digits are undefined), checking how they chain: pointers, tags,
 * pending exceptions raised by one and reported by the next.
 */
export function makeSequence(r: Rng, valid: Insn[]): { insn: Insn; c: Case } {
  const pool = valid.filter((i) => !i.trans && !i.bcdIn && i.bytes.length <= 4);
  const n = 2 + r.int(4);
  const parts: Insn[] = [];
  for (let k = 0; k < n; k++) parts.push(r.pick(pool));
  const bytes = parts.flatMap((p) => p.bytes);
  const insn: Insn = { name: `sequence of ${n}`, bytes, mem: 'none', ccUndef: parts[n - 1].ccUndef & parts.reduce((m, p) => m & p.ccUndef, UALL) };
  // the case runs the whole sequence (its memory is the first instruction's kind of operand)
  const c = { ...makeCase(r, parts[0]), code: new Uint8Array(bytes) };
  return { insn, c };
}

// ---- comparison ----
const rd32 = (b: Uint8Array, o: number): number => new DataView(b.buffer, b.byteOffset).getUint32(o, true);
const rd80 = (b: Uint8Array, o: number): bigint => {
  const dv = new DataView(b.buffer, b.byteOffset);
  return (BigInt(dv.getUint16(o + 8, true)) << 64n) | dv.getBigUint64(o, true);
};
const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

export function describeImg(b: Uint8Array): string {
  const h = [0, 4, 8, 12, 16, 20, 24].map((o) => rd32(b, o).toString(16)).join(' ');
  const regs = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => rd80(b, 28 + 10 * i).toString(16).padStart(20, '0')).join(' ');
  return `${h} | ${regs}`;
}

/** 'ulp' when only transcendental results differ by one unit (and C1/PE with them). */
export type Verdict = 'ok' | 'ulp' | 'mismatch';

/** EFLAGS compared: the six status flags, DF, OF, and IF (set on both sides, EmuRunner.run). */
const EFLAGS_CMP = 0x8d5 | 0x200;

/**
 * Compares the native result `n` with the core's `e`; where the host leaves environment fields
 * unrecorded (HostTraits), with the core's result as that host would have it (`e.asHost`).
 */
export function compare(insn: Insn, c: Case, n: Result, core: Result): Verdict {
  const e = core.asHost ? { ...core, ...core.asHost } : core;
  if (n.vec !== e.vec) return 'mismatch';
  if (n.vec !== 0) {
    if (n.eip !== e.eip) return 'mismatch';
    if (n.vec !== 16) return 'ok';
    // #MF: the native state comes from the kernel's signal frame; registers and words must agree
    for (const o of [0, 4, 8]) if ((rd32(n.img, o) & 0xffff) !== (rd32(e.img, o) & 0xffff)) return 'mismatch';
    for (let i = 28; i < 108; i++) if (n.img[i] !== e.img[i]) return 'mismatch';
    return 'ok';
  }
  if (((n.eflags ^ e.eflags) & EFLAGS_CMP) !== 0) return 'mismatch';
  if (n.eax !== e.eax) return 'mismatch';
  for (let i = 0; i < MEM_LEN; i++) if (n.mem[i] !== e.mem[i]) return 'mismatch';
  let ulp = false;
  const swN = rd32(n.img, 4), swE = rd32(e.img, 4);
  for (let o = 0; o < 28; o += 4) {
    if (o === 4) continue;
    if (rd32(n.img, o) !== rd32(e.img, o)) return 'mismatch';
  }
  const tw = rd32(n.img, 8);
  const top = (swN >> 11) & 7;
  for (let i = 0; i < 8; i++) {
    const a = rd80(n.img, 28 + 10 * i), b = rd80(e.img, 28 + 10 * i);
    if (a === b) continue;
    // an undefined result: FBLD of invalid digits
    if (insn.bcdIn && i === 0) continue;
    // an empty register's contents are not compared unless the instruction wrote it... they are
    // the same bits on both sides unless written, so any difference counts
    const near = insn.trans && (a - b === 1n || b - a === 1n) && ((tw >> (((top + i) & 7) * 2)) & 3) !== 3;
    if (!near) return 'mismatch';
    ulp = true;
  }
  // C1 after a transcendental reports the CPU's own rounding of its approximation
  const undef = (process.env.X87_NOMASK ? 0 : insn.ccUndef) | (insn.trans ? C1 : 0) | (ulp ? 0x20 : 0);
  if (((swN ^ swE) & ~undef & 0xffff) !== 0) return 'mismatch';
  return ulp ? 'ulp' : 'ok';
}

export function describe(insn: Insn, c: Case, n: Result, e: Result): string {
  const em = e.asHost?.mem ?? e.mem;
  const memDiff = n.vec === 0 ? [...n.mem.keys()].filter((i) => n.mem[i] !== em[i]) : [];
  return `${insn.name} [${Array.from(c.code, (b) => b.toString(16).padStart(2, '0')).join(' ')}]: in ${describeImg(c.img)} mem ${hex(c.mem.slice(0, 16))} efl ${c.eflags.toString(16)}\n` +
    `   native vec ${n.vec} eip ${n.eip.toString(16)} efl ${n.eflags.toString(16)} eax ${n.eax.toString(16)} ${describeImg(n.img)} mem ${hex(n.mem.slice(0, 16))}\n` +
    `   emu    vec ${e.vec} eip ${e.eip.toString(16)} efl ${e.eflags.toString(16)} eax ${e.eax.toString(16)} ${describeImg(e.img)} mem ${hex(e.mem.slice(0, 16))}` +
    (e.asHost ? `\n   emu as this host records it: ${describeImg(e.asHost.img).split(' | ')[0]} mem ${hex(e.asHost.mem.slice(0, 16))}` : '') +
    (memDiff.length > 0 ? `\n   memory differs at bytes ${memDiff.join(',')}` : '');
}
