// Shared environment of the x87 differential test: the record format exchanged with the native
// runner (native/x87run.c), the native build, and the emulator side that runs the same cases in
// the core with the same linear addresses and selectors.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoreHarness, EXIT } from '../../harness.ts';
import { writeTables, loadTableRegisters, handlerVector, readFrame } from '../../harness-idt.ts';

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
}

const IN_SIZE = 1 + CODE_MAX + 8 + 108 + MEM_LEN;
const OUT_SIZE = 16 + 108 + MEM_LEN;

/** Compiles the native runner; throws with the compiler's message when gcc -m32 is missing. */
export function buildNative(): string {
  const dir = mkdtempSync(join(tmpdir(), 'seoulweb-x87-'));
  const exe = join(dir, 'x87run');
  const r = spawnSync('gcc', ['-m32', '-O1', '-static', '-Wall', '-o', exe, join(here, 'native', 'x87run.c')], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
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

/** `frstor [IMG_IN]` right before CODE, and `fnsave [IMG_OUT]; hlt` after the case. */
const PROLOGUE = [0xdd, 0x25, ...le32(IMG_IN)];
const EPILOGUE = [0xdd, 0x35, ...le32(IMG_OUT), 0xf4];
/** Where a faulted case saves the state: `fnsave [IMG_OUT]; hlt`. */
const FAULT_SAVE = REGION;

function le32(v: number): number[] { return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24]; }

/** The emulator side: one core with an IDT (HLT handlers), CR0.NE set, Linux user selectors. */
export class EmuRunner {
  readonly h = new CoreHarness();
  constructor() {
    const h = this.h;
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
    h.eflags = (c.eflags & 0x8d5) | 2;
    h.eip = CODE - PROLOGUE.length;
    h.setField('halted', 0);
    h.write(IMG_OUT, new Uint8Array(108));
    h.refresh();
    let exit = h.run(64);
    const res: Result = { vec: 0, eip: 0, eflags: 0, eax: 0, img: new Uint8Array(108), mem: new Uint8Array(0) };
    const endEip = CODE + c.code.length + EPILOGUE.length;
    if (exit === EXIT.HLT && h.eip === endEip) {
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
    return res;
  }
}

