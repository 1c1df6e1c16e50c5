// Shared environment of the x87 differential test: the record format exchanged with the native
// runner (native/x87run.c), the native build, the host's x87 environment traits, and the emulator
// side that runs the same cases in the core with the same linear addresses and selectors.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoreHarness, EXIT } from '../../harness.ts';
import { writeTables, loadTableRegisters, handlerVector, readFrame } from '../../harness-idt.ts';
import { hostVendor } from '../../host-vendor.ts';

const here = dirname(fileURLToPath(import.meta.url));

// Linear addresses (native/x87run.c uses the same ones).
export const REGION = 0x00600000;
export const CODE = REGION + 0x100;
export const MEMBUF = REGION + 0x2000;
export const IMG_IN = REGION + 0x3000;
export const IMG_OUT = REGION + 0x3100;
export const CODE_MAX = 47;
export const MEM_LEN = 128;
/** The user-mode selectors of a 32-bit Linux process, used on the emulator side as well. */
export const USER_CS = 0x23;
export const USER_DS = 0x2b;

export interface Case {
  code: Uint8Array;
  eflags: number;
  eax: number;
  img: Uint8Array; // 108 bytes, 32-bit protected-mode FRSTOR image
  mem: Uint8Array; // MEM_LEN bytes at MEMBUF (EBX points there)
}
export interface Result {
  vec: number; // 0 = ran to the end
  eip: number; // faulting EIP when vec != 0
  eflags: number;
  eax: number;
  img: Uint8Array; // FNSAVE image after the case (or the state at the fault)
  mem: Uint8Array;
  /**
   * Emulator side only, when the host leaves environment fields unrecorded (HostTraits) and the
   * case ran to its end: the image and memory as that host would have them after the same
   * instructions (HostModel). `img` differs from it only in those fields; `mem` is the same (the
   * host's values of those fields replace the core's in its memory as soon as they are stored).
   */
  asHost?: { img: Uint8Array; mem: Uint8Array };
}

const IN_SIZE = 1 + CODE_MAX + 8 + 108 + MEM_LEN;
const OUT_SIZE = 16 + 108 + MEM_LEN;

/**
 * Compiles the native runner into a new temporary directory, which the caller removes (dirname
 * of the result); throws with the compiler's message when gcc -m32 is missing.
 */
export function buildNative(): string {
  const dir = mkdtempSync(join(tmpdir(), 'seoulweb-x87-'));
  const exe = join(dir, 'x87run');
  const r = spawnSync('gcc', ['-m32', '-O1', '-static', '-Wall', '-o', exe, join(here, 'native', 'x87run.c')], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error('the x87 differential test needs `gcc -m32 -static` (gcc-multilib):\n' + (r.error ? String(r.error) : r.stderr));
  }
  return exe;
}

export function runNative(exe: string, cases: Case[]): Result[] {
  const inp = new Uint8Array(cases.length * IN_SIZE);
  const dv = new DataView(inp.buffer);
  cases.forEach((c, k) => {
    const o = k * IN_SIZE;
    if (c.code.length > CODE_MAX) throw new Error('case code too long');
    inp[o] = c.code.length;
    inp.set(c.code, o + 1);
    dv.setUint32(o + 1 + CODE_MAX, c.eflags >>> 0, true);
    dv.setUint32(o + 5 + CODE_MAX, c.eax >>> 0, true);
    inp.set(c.img, o + 9 + CODE_MAX);
    inp.set(c.mem, o + 9 + CODE_MAX + 108);
  });
  const r = spawnSync(exe, { input: inp, maxBuffer: 1 << 28 });
  if (r.status !== 0 || r.stdout.length !== cases.length * OUT_SIZE) {
    throw new Error(`native runner: exit ${r.status} ${r.signal ?? ''}, ${r.stdout?.length} bytes: ${r.stderr}`);
  }
  const out = new Uint8Array(r.stdout.buffer, r.stdout.byteOffset, r.stdout.length);
  const odv = new DataView(out.buffer, out.byteOffset, out.length);
  return cases.map((_, k) => {
    const o = k * OUT_SIZE;
    return {
      vec: odv.getUint32(o, true), eip: odv.getUint32(o + 4, true),
      eflags: odv.getUint32(o + 8, true), eax: odv.getUint32(o + 12, true),
      img: out.slice(o + 16, o + 124), mem: out.slice(o + 124, o + 124 + MEM_LEN),
    };
  });
}

/**
 * Which x87 environment fields the host records. The emulated CPU (a P6) records FCS, FDS, FOP
 * and FDP after every non-control instruction; newer hosts document that they do not, and the
 * differential test then compares those fields as such a host has them (EmuRunner's `asHost`).
 * A field counts as unrecorded only where the host documents it AND a probe confirms it: a
 * documented behaviour the probe contradicts, or an undocumented one, stays a mismatch.
 */
export interface HostTraits {
  vendor: string;
  family: number;
  model: number;
  /** CPUID.(EAX=7,ECX=0):EBX[13] "FCS and FDS deprecated": FSTENV/FSAVE store 0 for both. */
  fcsFdsZero: boolean;
  /** CPUID.(EAX=7,ECX=0):EBX[6] FDP_EXCPTN_ONLY: FDP is written only by an instruction that
   * raises an unmasked exception (and by FLDENV/FRSTOR, FNINIT/FNSAVE). */
  fdpExcOnly: boolean;
  /** Intel since the Pentium 4 (SDM vol. 1 §8.1.9.1 "fopcode compatibility sub-mode", off by
   * default, not supported by recent Intel 64 processors): FOP likewise. No CPUID bit. */
  fopExcOnly: boolean;
  /** One line per field compared differently (or documented but recorded anyway), with the reason. */
  notes: string[];
}

/** Host CPUID words (x87run --cpuid) and a native probe of which environment fields one exact FADD m32 writes. */
export function hostTraits(exe: string): HostTraits {
  const r = spawnSync(exe, ['--cpuid'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`x87run --cpuid: exit ${r.status}: ${r.stderr}`);
  const kv = new Map<string, string>(String(r.stdout).trim().split('\n').map((l: string) => l.split(' ', 2) as [string, string]));
  const vendor = kv.get('vendor') ?? '?';
  const family = Number(kv.get('family')), model = Number(kv.get('model'));
  const leaf7 = Number(kv.get('leaf7ebx')) >>> 0, ext1 = Number(kv.get('ext1edx')) >>> 0;
  const cpuidFcsFds = (leaf7 & (1 << 13)) !== 0;
  const cpuidFdp = (leaf7 & (1 << 6)) !== 0;
  const intel64 = (ext1 & (1 << 29)) !== 0;
  const docFop = vendor === 'GenuineIntel' && (family === 0xf || intel64);

  // Probe: FRSTOR of known pointers, FADD m32 of 1.0 to 1.0 (exact, no exception), FNSAVE.
  const img = new Uint8Array(108);
  const dv = new DataView(img.buffer);
  dv.setUint32(0, 0xffff037f, true);
  dv.setUint32(4, 0xffff3800, true); // TOP 7
  dv.setUint32(8, 0xffff3fff, true); // R7 valid
  dv.setUint32(12, 0x11111111, true);
  dv.setUint32(16, (0x555 << 16) | 0x1234, true);
  dv.setUint32(20, 0x22222222, true);
  dv.setUint32(24, 0xffff5678, true);
  dv.setBigUint64(28, 1n << 63n, true);
  dv.setUint16(36, 0x3fff, true);
  const mem = new Uint8Array(MEM_LEN);
  new DataView(mem.buffer).setFloat32(0, 1, true);
  const [p] = runNative(exe, [{ code: new Uint8Array([0xd8, 0x03]), eflags: 2, eax: 0, img, mem }]);
  const out = new DataView(p.img.buffer, p.img.byteOffset);
  const fcs = out.getUint16(16, true), fop = out.getUint16(18, true), fdp = out.getUint32(20, true), fds = out.getUint16(24, true);
  if (p.vec !== 0 || out.getUint32(12, true) !== CODE) throw new Error(`x87 probe: vec ${p.vec}, FIP ${out.getUint32(12, true).toString(16)}`);
  const noFcsFds = fcs === 0 && fds === 0, noFop = fop === 0x555, noFdp = fdp === 0x22222222;

  const notes: string[] = [];
  const say = (field: string, documented: boolean, unrecorded: boolean, doc: string): boolean => {
    if (documented && unrecorded) notes.push(`${field}: compared as this host records it - ${doc}, and a probe confirms it`);
    else if (documented) notes.push(`${field}: compared as recorded - ${doc}, but a probe shows this host records it`);
    else if (unrecorded) notes.push(`${field}: compared as recorded although a probe shows this host does not record it - undocumented, so it stays a mismatch`);
    return documented && unrecorded;
  };
  const cpu = `${vendor} family ${family} model ${model}`;
  return {
    vendor, family, model,
    fcsFdsZero: say('FCS, FDS', cpuidFcsFds, noFcsFds, `stored as 0 (${cpu}: CPUID.(EAX=7,ECX=0):EBX[13] "FCS/FDS deprecated")`),
    fdpExcOnly: say('FDP', cpuidFdp, noFdp, `written only by an instruction with an unmasked exception (${cpu}: CPUID.(EAX=7,ECX=0):EBX[6] FDP_EXCPTN_ONLY)`),
    fopExcOnly: say('FOP', docFop, noFop, `written only by an instruction with an unmasked exception (${cpu}, ${family === 0xf ? 'a Pentium 4/Xeon' : 'an Intel 64 processor'}: SDM vol. 1 §8.1.9.1, fopcode compatibility mode off or unsupported)`),
    notes,
  };
}

/** Traits of a host that records every field (the emulated CPU's behaviour). */
export const RECORDS_ALL: HostTraits = { vendor: '', family: 0, model: 0, fcsFdsZero: false, fdpExcOnly: false, fopExcOnly: false, notes: [] };

/** `frstor [IMG_IN]` right before CODE, and `fnsave [IMG_OUT]; hlt` after the case. */
const PROLOGUE = [0xdd, 0x25, ...le32(IMG_IN)];
const EPILOGUE = [0xdd, 0x35, ...le32(IMG_OUT), 0xf4];
/** Where a faulted case saves the state: `fnsave [IMG_OUT]; hlt`. */
const FAULT_SAVE = REGION;

function le32(v: number): number[] { return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24]; }

/** The FPU environment instructions the host model of EmuRunner follows. */
type EnvOp = 'fnstenv' | 'fldenv' | 'fnsave' | 'frstor' | 'fninit' | 'fldcw' | null;

interface Decoded {
  len: number;
  env: EnvOp;
  o16: boolean;
  /** A memory operand at MEMBUF + ea; `store` bytes of it written. */
  mem: boolean;
  ea: number;
  store: number;
}

/**
 * Decodes the x87 instruction at `code[at]` as far as the host model needs it: its length, whether
 * it is an environment instruction, its [EBX(+disp)] operand and the bytes it stores there.
 */
function decode(code: Uint8Array, at: number): Decoded {
  let k = at;
  let o16 = false;
  for (;;) {
    const b = code[k];
    if (b === 0x66) o16 = true;
    else if (b !== 0x26 && b !== 0x2e && b !== 0x36 && b !== 0x3e && b !== 0x64 && b !== 0x65) break;
    k++;
  }
  const op = code[k];
  if (op === 0x9b) return { len: k + 1 - at, env: null, o16, mem: false, ea: 0, store: 0 };
  if (op < 0xd8 || op > 0xdf) throw new Error(`x87 host model: opcode ${op.toString(16)} in a case`);
  const modrm = code[k + 1];
  const mod = modrm >> 6, reg = (modrm >> 3) & 7, rm = modrm & 7;
  if (mod === 3) {
    const env = op === 0xdb && modrm === 0xe3 ? 'fninit' : null;
    return { len: k + 2 - at, env, o16, mem: false, ea: 0, store: 0 };
  }
  if (rm !== 3 || mod === 2) throw new Error(`x87 host model: addressing form ${modrm.toString(16)} (only [ebx], [ebx+disp8])`);
  const disp = mod === 1 ? (code[k + 2] << 24) >> 24 : 0;
  const envSize = o16 ? 14 : 28;
  const stores: Record<number, number[]> = {
    0xd9: [0, 0, 4, 4, 0, 0, envSize, 2], 0xdb: [0, 4, 4, 4, 0, 0, 0, 10],
    0xdd: [0, 8, 8, 8, 0, 0, envSize + 80, 2], 0xdf: [0, 2, 2, 2, 0, 0, 10, 8],
  };
  let env: EnvOp = null;
  if (op === 0xd9) env = reg === 4 ? 'fldenv' : reg === 5 ? 'fldcw' : reg === 6 ? 'fnstenv' : null;
  if (op === 0xdd) env = reg === 4 ? 'frstor' : reg === 6 ? 'fnsave' : null;
  return { len: k + 2 + mod - at, env, o16, mem: true, ea: disp, store: stores[op]?.[reg] ?? 0 };
}

/** The emulator side: one core with an IDT (HLT handlers), CR0.NE set, Linux user selectors. */
export class EmuRunner {
  readonly h = new CoreHarness();
  /**
   * `host`: which environment fields the host records (hostTraits); the results then carry
   * `asHost`. `vendor`: the core's flavour (wasm/core/vendor.ts), the host's by default.
   */
  constructor(readonly host: HostTraits = RECORDS_ALL, vendor = hostVendor()) {
    const h = this.h;
    h.core.setVendor(vendor);
    writeTables(h);
    loadTableRegisters(h);
    h.write(FAULT_SAVE, EPILOGUE);
  }

  run(c: Case): Result {
    const h = this.h;
    h.flat32();
    h.setField('cr0', 0x33); // PE MP ET NE, as Linux runs user space
    h.setSeg('cs', USER_CS, 0, 0xffffffff, 0xc09b);
    for (const s of ['ds', 'es', 'ss', 'fs', 'gs'] as const) h.setSeg(s, USER_DS, 0, 0xffffffff, 0xc093);
    h.write(CODE - PROLOGUE.length, PROLOGUE);
    h.write(CODE, c.code);
    h.write(CODE + c.code.length, EPILOGUE);
    h.write(IMG_IN, c.img);
    h.write(MEMBUF, c.mem);
    h.setReg('eax', c.eax);
    h.setReg('ebx', MEMBUF);
    h.setReg('esp', 0x6f0000);
    // IF set: a Linux process always runs with IF = 1, and the runner's POPFD at CPL 3 with
    // IOPL 0 cannot clear it (SDM POPF: IF unchanged, no fault), so the host's EFLAGS have it.
    h.eflags = (c.eflags & 0x8d5) | 0x202;
    h.eip = CODE - PROLOGUE.length;
    h.setField('halted', 0);
    h.write(IMG_OUT, new Uint8Array(108));
    h.refresh();
    // The prologue and the case run one instruction at a time, so that the host model can follow
    // which instructions write the environment fields the host records differently.
    const model = this.host.fcsFdsZero || this.host.fdpExcOnly || this.host.fopExcOnly ? new HostModel(this.host, c) : null;
    let exit = h.run(1);
    model?.loaded(h.field('fpu_op'), h.field('fpu_dp'));
    const end = CODE + c.code.length;
    while (exit === EXIT.BUDGET && h.eip >= CODE && h.eip < end) {
      const at = h.eip - CODE;
      const d = model ? decode(c.code, at) : null;
      const esBefore = h.field('fpu_sw') & 0x80;
      const memBefore = model ? h.read(MEMBUF, MEM_LEN) : null;
      exit = h.run(1);
      if (!model || exit !== EXIT.BUDGET) continue;
      if (h.eip === CODE + at + d!.len) model.step(d!, esBefore !== 0, (h.field('fpu_sw') & 0x80) !== 0, memBefore!, h);
      else if (h.eip >= CODE && h.eip <= end) throw new Error(`x87 host model: decoded length ${d!.len} at +${at}, EIP went to ${h.eip.toString(16)}`);
      // else a fault was delivered: the host's pointers are not compared then
    }
    if (exit === EXIT.BUDGET) exit = h.run(64);
    const res: Result = { vec: 0, eip: 0, eflags: 0, eax: 0, img: new Uint8Array(108), mem: new Uint8Array(0) };
    const endEip = CODE + c.code.length + EPILOGUE.length;
    const ranThrough = exit === EXIT.HLT && h.eip === endEip;
    if (ranThrough) {
      res.eflags = h.eflags;
      res.eax = h.reg('eax');
    } else {
      const vec = handlerVector(h, exit);
      res.vec = vec < 0 ? 0x100 + exit : vec;
      if (vec >= 0) {
        const f = readFrame(h, vec, false);
        res.eip = f.eip;
        res.eflags = f.eflags;
        res.eax = h.reg('eax');
        h.eip = FAULT_SAVE;
        h.setField('halted', 0);
        exit = h.run(4);
      }
    }
    res.img = h.read(IMG_OUT, 108);
    res.mem = h.read(MEMBUF, MEM_LEN);
    if (model && ranThrough) res.asHost = model.result(res.img);
    return res;
  }
}

/**
 * What a host that leaves FCS/FDS, FDP or FOP unrecorded (HostTraits) has after the same
 * instructions: its own FOP and FDP registers, which only an instruction raising an unmasked
 * exception (ES 0 -> 1; not FLDCW, a control instruction; FDP only with a memory operand),
 * FLDENV/FRSTOR and FNINIT/FNSAVE write, and its own copy of the case memory, where
 * FNSTENV/FNSAVE store those registers and 0 for FCS/FDS. That copy replaces the core's memory
 * after each such store, so the core goes on with the bytes the host has. Everything else is
 * the core's.
 */
class HostModel {
  private fop = 0;
  private fdp = 0;
  private readonly mem: Uint8Array;
  constructor(private readonly t: HostTraits, c: Case) { this.mem = c.mem.slice(); }

  /** After the prologue's FRSTOR of the case image: both sides loaded the same pointers. */
  loaded(fop: number, fdp: number): void { this.fop = fop; this.fdp = fdp; }

  step(d: Decoded, esBefore: boolean, esAfter: boolean, memBefore: Uint8Array, h: CoreHarness): void {
    const mem = h.read(MEMBUF, MEM_LEN);
    // the core's stores land in the host's copy too; nothing else may have changed
    for (let i = 0; i < MEM_LEN; i++) {
      const stored = d.store > 0 && i >= d.ea && i < d.ea + d.store;
      if (stored) this.mem[i] = mem[i];
      else if (mem[i] !== memBefore[i]) throw new Error(`x87 host model: byte ${i} changed outside the decoded store`);
    }
    const fop = h.field('fpu_op'), fdp = h.field('fpu_dp');
    const dv = new DataView(this.mem.buffer);
    switch (d.env) {
      case 'fnstenv': case 'fnsave': {
        // the pointers as they were before the instruction (FNSAVE then clears them, as FNINIT)
        const a = d.ea;
        if (d.o16) { // 16-bit protected-mode layout: FIP, FCS, FDP, FDS at 6, 8, 10, 12; no FOP
          if (this.t.fcsFdsZero) { dv.setUint16(a + 8, 0, true); dv.setUint16(a + 12, 0, true); }
          if (this.t.fdpExcOnly) dv.setUint16(a + 10, this.fdp & 0xffff, true);
        } else { // 32-bit: FIP, FCS | FOP << 16, FDP, FDS at 12, 16, 20, 24
          if (this.t.fcsFdsZero) { dv.setUint16(a + 16, 0, true); dv.setUint16(a + 24, 0, true); }
          if (this.t.fopExcOnly) dv.setUint16(a + 18, this.fop & 0x7ff, true);
          if (this.t.fdpExcOnly) dv.setUint32(a + 20, this.fdp, true);
        }
        // the core continues with the host's bytes, so that whatever reads them later (FLDENV,
        // FRSTOR, FLD m80, ...) sees what the host's instructions see
        h.write(MEMBUF, this.mem);
        if (d.env === 'fnsave') { this.fop = fop; this.fdp = fdp; }
        return;
      }
      case 'fldenv': case 'frstor': {
        // the core's memory is the host's (above): both load the same pointers
        const v = new DataView(this.mem.buffer);
        const [mf, md] = d.o16 ? [0, v.getUint16(d.ea + 10, true)] : [v.getUint16(d.ea + 18, true) & 0x7ff, v.getUint32(d.ea + 20, true)];
        if (mf !== fop || md !== fdp) throw new Error(`x87 host model: the core loaded FOP ${fop.toString(16)} FDP ${fdp.toString(16)}, the memory holds ${mf.toString(16)} ${md.toString(16)}`);
        this.fop = fop;
        this.fdp = fdp;
        return;
      }
      case 'fninit': this.fop = fop; this.fdp = fdp; return;
      case 'fldcw': return;
      default:
        // an unmasked exception: the host records FOP, and FDP when there is a memory operand
        // (a register form leaves it, measured; the core leaves its own, which may be newer)
        if (!esBefore && esAfter) { this.fop = fop; if (d.mem) this.fdp = fdp; }
    }
  }

  /** The core's final image and memory with the host's fields. */
  result(img: Uint8Array): { img: Uint8Array; mem: Uint8Array } {
    const out = img.slice();
    const dv = new DataView(out.buffer);
    if (this.t.fcsFdsZero) { dv.setUint16(16, 0, true); dv.setUint16(24, 0, true); }
    if (this.t.fopExcOnly) dv.setUint16(18, this.fop & 0x7ff, true);
    if (this.t.fdpExcOnly) dv.setUint32(20, this.fdp, true);
    return { img: out, mem: this.mem.slice() };
  }
}
