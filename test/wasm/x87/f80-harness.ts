// Shared pieces of the x87 f80 differential tests: building the test wasm and
// the native reference, operand generators, and running both sides.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import asc from "assemblyscript/asc";

const here = dirname(fileURLToPath(import.meta.url));

export interface Rec {
  op: number;
  cw: number;
  a: bigint; // 80-bit: se << 64 | significand (or an integer / f32 / f64 / BCD image)
  b: bigint;
}

export interface Out {
  r1: bigint;
  r2: bigint;
  sw: number;
}

/** Status-word bits compared: exceptions, C0..C3 (TOP, ES and B are derived). */
export const SW_MASK = 0x477f;

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "f80-"));
}

/** Compiles the native reference with gcc -m32; fails loudly when that is impossible. */
export function buildNative(dir: string): string {
  const out = join(dir, "f80ref");
  const src = join(here, "native", "f80ref.c");
  const r = spawnSync("gcc", ["-m32", "-O0", "-fno-pie", "-no-pie", "-o", out, src], { encoding: "utf8" });
  if (r.error || r.status !== 0) {
    throw new Error(
      "the x87 differential test needs a 32-bit C compiler: `gcc -m32` failed " +
        "(install gcc-multilib; .ci/run does):\n" + (r.error ? String(r.error) : r.stderr),
    );
  }
  return out;
}

export interface F80Wasm {
  /** The vendor flavour (wasm/core/vendor.ts): 0 AMD, 1 Intel. */
  setVendor(v: number): void;
  run(op: number, cw: number, aSig: bigint, aSe: number, bSig: bigint, bSe: number): void;
  o1Sig: WebAssembly.Global;
  o1Se: WebAssembly.Global;
  o2Sig: WebAssembly.Global;
  o2Se: WebAssembly.Global;
  oSw: WebAssembly.Global;
}

/** Compiles test/wasm/x87/f80-entry.ts (the library only) and instantiates it. */
export async function buildWasm(dir: string): Promise<F80Wasm> {
  const out = join(dir, "f80.wasm");
  const stderr = asc.createMemoryStream();
  const res = await asc.main(
    [join(here, "f80-entry.ts"), "-O3", "--runtime", "stub", "--noAssert", "-o", out],
    { stderr },
  );
  if (res.error) throw new Error(`asc failed: ${res.error.message}\n${stderr.toString()}`);
  const inst = await WebAssembly.instantiate(readFileSync(out), {
    env: { abort: () => { throw new Error("abort"); } },
  });
  return inst.instance.exports as unknown as F80Wasm;
}

const M64 = (1n << 64n) - 1n;
const hex20 = (v: bigint): string => v.toString(16).padStart(20, "0");

export function runNative(exe: string, recs: Rec[]): Out[] {
  const input = recs.map((r) => `${r.op} ${r.cw.toString(16)} ${hex20(r.a)} ${hex20(r.b)}`).join("\n") + "\n";
  const r = spawnSync(exe, { input, encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`native reference failed: ${r.status} ${r.signal} ${r.stderr}`);
  const lines = r.stdout.trim().split("\n");
  if (lines.length !== recs.length) throw new Error(`native reference gave ${lines.length} of ${recs.length} lines`);
  return lines.map((l) => {
    const [r1, r2, sw] = l.split(" ");
    return { r1: BigInt("0x" + r1), r2: BigInt("0x" + r2), sw: parseInt(sw, 16) };
  });
}

export function runWasm(w: F80Wasm, recs: Rec[]): Out[] {
  return recs.map((r) => {
    w.run(r.op, r.cw, r.a & M64, Number(r.a >> 64n), r.b & M64, Number(r.b >> 64n));
    return {
      r1: ((BigInt(w.o1Se.value as number) & 0xffffn) << 64n) | BigInt.asUintN(64, w.o1Sig.value as bigint),
      r2: ((BigInt(w.o2Se.value as number) & 0xffffn) << 64n) | BigInt.asUintN(64, w.o2Sig.value as bigint),
      sw: w.oSw.value as number,
    };
  });
}

export const fmt = (v: bigint): string => {
  const h = hex20(v);
  return `${h.slice(0, 4)}:${h.slice(4)}`;
};

// ---------------------------------------------------------------------------
// Deterministic operand generation

export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** mulberry32 */
  u32(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  int(n: number): number {
    return this.u32() % n;
  }
  chance(p: number): boolean {
    return this.u32() / 4294967296 < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  u64(): bigint {
    return (BigInt(this.u32()) << 32n) | BigInt(this.u32());
  }
}

export const J = 1n << 63n;
export const f80 = (sign: number, exp: number, sig: bigint): bigint =>
  (BigInt(((sign & 1) << 15) | (exp & 0x7fff)) << 64n) | (sig & M64);

/** Significands that exercise rounding: runs of ones and zeros, ties, carries. */
export function sigPattern(r: Rng): bigint {
  switch (r.int(8)) {
    case 0: return M64; // all ones: carries at every precision
    case 1: return J;
    case 2: { // ones down to a random bit, then a random tail
      const k = BigInt(r.int(64));
      return (M64 << k) & M64 | (r.u64() & ((1n << k) - 1n) & (r.chance(0.5) ? 0n : M64));
    }
    case 3: { // exact half at a precision boundary (24, 53 or 64 bits)
      const p = BigInt(r.pick([24, 53, 64, 25, 54]));
      const keep = (r.u64() | J) & (M64 << (64n - p) & M64);
      return keep | (p < 64n ? 1n << (63n - p) : 0n);
    }
    case 4: return J | (r.u64() >> BigInt(r.int(64))); // few low bits
    case 5: return (r.u64() | J) & (M64 << BigInt(r.int(64)) & M64); // random top, zero tail
    default: return r.u64() | J;
  }
}

export const SPECIALS: readonly bigint[] = [
  f80(0, 0, 0n), f80(1, 0, 0n), // zeros
  f80(0, 0, 1n), f80(1, 0, 1n), f80(0, 0, J - 1n), f80(0, 0, 0x123456789n), // denormals
  f80(0, 0, J), f80(1, 0, J | 5n), // pseudo-denormals
  f80(0, 1, J), f80(1, 1, J), f80(0, 0x7ffe, M64), f80(1, 0x7ffe, M64), // extreme normals
  f80(0, 0x7fff, J), f80(1, 0x7fff, J), // infinities
  f80(0, 0x7fff, 0xc000000000000000n), f80(1, 0x7fff, 0xc000000000000000n), // QNaN (indefinite)
  f80(0, 0x7fff, 0xc000000000000001n), f80(1, 0x7fff, 0xe123456789abcdefn),
  f80(0, 0x7fff, 0x8000000000000001n), f80(1, 0x7fff, 0xa123456789abcdefn), // SNaN
  f80(0, 0x3fff, 0n), f80(0, 0x7fff, 0n), f80(0, 0x7fff, 0x4000000000000000n), // unsupported
  f80(0, 0x3fff, J), f80(1, 0x3fff, J), f80(0, 0x3fff, J + 1n), f80(0, 0x3ffe, M64), // 1, 1 +- ulp
  f80(0, 0x4000, J), f80(0, 0x3ffe, J), f80(0, 0x3ffe, J | (J >> 1n)), // 2, 0.5, 0.75
];

export interface GenOpts {
  expCenter?: number; // exponent the "near" profile centres on
  expSpread?: number;
  specials?: number; // probability of a special operand
}

export function operand(r: Rng, o: GenOpts = {}): bigint {
  const center = o.expCenter ?? 0x3fff;
  const spread = o.expSpread ?? 70;
  if (r.chance(o.specials ?? 0.12)) return r.pick(SPECIALS);
  const sign = r.int(2);
  const sig = r.chance(0.5) ? r.u64() | J : sigPattern(r);
  switch (r.int(10)) {
    case 0: return f80(sign, r.int(0x8000), sig);
    case 1: return f80(sign, r.int(70), r.chance(0.3) ? sig & ~J : sig); // bottom of the range
    case 2: return f80(sign, 0x7fff - 1 - r.int(70), sig); // top of the range
    case 3: return f80(sign, 0, sig & ~J);
    case 4: return (BigInt(r.u32() & 0xffff) << 64n) | r.u64(); // raw bits
    default: return f80(sign, center - spread + r.int(2 * spread + 1), sig);
  }
}

/** A second operand near the first (cancellation in add, ties in div). */
export function near(r: Rng, a: bigint): bigint {
  const se = Number(a >> 64n);
  const sig = a & M64;
  const de = r.pick([0, 0, 1, -1, 2, 63, 64, 65, -64, 24, 53]);
  const dsig = r.chance(0.5) ? sig : sig ^ (r.u64() >> BigInt(r.int(64)));
  return f80(r.int(2), (se & 0x7fff) + de, dsig | (sig & J));
}

/** Control word: RC, PC (24, 53, 64 and the reserved 01), exception masks (mostly all masked). */
export function controlWord(r: Rng, pcs: readonly number[] = [0, 2, 3, 0, 2, 3, 1]): number {
  const masks = r.chance(0.75) ? 0x3f : r.u32() & 0x3f;
  return 0x40 | masks | (r.pick(pcs) << 8) | (r.int(4) << 10);
}

export interface Tally {
  cases: number;
  mismatches: number;
  examples: string[];
}

/** Tallies bit-exact agreement of results and status words per op. */
/** One case as a report line: the operands, then the native and the wasm results (SW masked). */
export function caseLine(rec: Rec, n: Out, g: Out): string {
  return `cw=${rec.cw.toString(16)} a=${fmt(rec.a)} b=${fmt(rec.b)}\n` +
    `   native ${fmt(n.r1)} ${fmt(n.r2)} sw=${(n.sw & SW_MASK).toString(16)}\n` +
    `   wasm   ${fmt(g.r1)} ${fmt(g.r2)} sw=${(g.sw & SW_MASK).toString(16)}`;
}

const C1 = 0x200;

/**
 * A transcendental's result against the reference: bit-exact (SW masked), "near" (each result
 * within one unit in the last place, flags but C1 equal) or "far".
 */
export function transGrade(n: Out, g: Out): "exact" | "near" | "far" {
  if (n.r1 === g.r1 && n.r2 === g.r2 && (n.sw & SW_MASK) === (g.sw & SW_MASK)) return "exact";
  const ulps = Math.max(ulpDistance(n.r1, g.r1), ulpDistance(n.r2, g.r2));
  return ulps > 1 || ((n.sw ^ g.sw) & SW_MASK & ~C1) !== 0 ? "far" : "near";
}

export function compare(recs: Rec[], nat: Out[], got: Out[], names: Record<number, string>): Map<number, Tally> {
  const t = new Map<number, Tally>();
  recs.forEach((rec, i) => {
    let e = t.get(rec.op);
    if (!e) t.set(rec.op, (e = { cases: 0, mismatches: 0, examples: [] }));
    e.cases++;
    const n = nat[i], g = got[i];
    if (n.r1 === g.r1 && n.r2 === g.r2 && (n.sw & SW_MASK) === (g.sw & SW_MASK)) return;
    e.mismatches++;
    if (e.examples.length < 8) e.examples.push(`${names[rec.op]} ${caseLine(rec, n, g)}`);
  });
  return t;
}

/** Ordering key of a non-NaN 80-bit magnitude (consecutive values differ by 1). */
function magKey(v: bigint): bigint {
  const e = (v >> 64n) & 0x7fffn;
  const sig = v & M64;
  return e === 0n ? sig : e * (1n << 63n) + (sig & (J - 1n));
}

/** Distance in units in the last place between two 80-bit values; Infinity across signs. */
export function ulpDistance(a: bigint, b: bigint): number {
  if (a === b) return 0;
  if ((a >> 79n) !== (b >> 79n)) return Infinity;
  const d = magKey(a) - magKey(b);
  return Number(d < 0n ? -d : d);
}
