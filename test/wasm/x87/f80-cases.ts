// Case generation for the core f80 differential test (f80.test.ts).
import { type Rec, Rng, J, f80, operand, near, controlWord, sigPattern, SPECIALS } from "./f80-harness";

export const NAMES: Record<number, string> = {
  0: "FADD", 1: "FSUB", 2: "FMUL", 3: "FDIV", 4: "FSQRT", 5: "FRNDINT", 6: "FCOM", 7: "FUCOM",
  8: "FXAM", 9: "FXTRACT", 10: "FSCALE", 11: "FPREM", 12: "FPREM1", 13: "FLD m32", 14: "FLD m64",
  15: "FST m32", 16: "FST m64", 17: "FILD m16", 18: "FILD m32", 19: "FILD m64", 20: "FIST m16",
  21: "FIST m32", 22: "FISTP m64", 23: "FISTTP m16", 24: "FISTTP m32", 25: "FISTTP m64",
  26: "FBLD", 27: "FBSTP", 28: "FLDconst", 37: "FTST",
  40: "FADD m32", 41: "FSUBR m32", 42: "FMUL m64", 43: "FDIV m32", 44: "FDIVR m64", 45: "FCOM m64",
  46: "FIADD m16", 47: "FIDIVR m32", 48: "FICOM m16", 49: "FSUB m64",
};

type Gen = (r: Rng) => [bigint, bigint];

const binary: Gen = (r) => {
  const a = operand(r);
  return [a, r.chance(0.35) ? near(r, a) : operand(r)];
};
const unary: Gen = (r) => [operand(r), operand(r)];

/** f32/f64 bit patterns: special exponents often. */
function binaryBits(r: Rng, ew: number, fw: number): bigint {
  const emax = (1 << ew) - 1;
  const e = r.pick([0, 0, emax, emax, 1, emax - 1, r.int(emax + 1), r.int(emax + 1)]);
  let f = r.u64() & ((1n << BigInt(fw)) - 1n);
  if (r.chance(0.3)) f >>= BigInt(r.int(fw));
  return (BigInt(r.int(2)) << BigInt(ew + fw)) | (BigInt(e) << BigInt(fw)) | f;
}

/** f80 values around a binary format's exponent limits (bias b, emin..emax). */
function aroundFormat(r: Rng, bias: number, fw: number): bigint {
  if (r.chance(0.15)) return operand(r);
  const edges = [1 - bias, 1 - bias - fw, -bias - fw, 2 - bias, bias, bias + 1, 0, -1 - bias];
  const e = r.pick(edges) + r.int(5) - 2;
  return f80(r.int(2), 0x3fff + e, sigPattern(r));
}

/** Values near integer boundaries 2^15, 2^31, 2^63 and small fractions. */
function intish(r: Rng): bigint {
  if (r.chance(0.15)) return operand(r);
  const e = r.pick([-2, -1, 0, 1, 5, 14, 15, 16, 30, 31, 32, 52, 62, 63, 64, r.int(66)]);
  return f80(r.int(2), 0x3fff + e, r.chance(0.5) ? sigPattern(r) : r.u64() | J);
}

function intBits(r: Rng, bits: number): bigint {
  const v = r.chance(0.3) ? r.pick([0n, 1n, -1n, 1n << BigInt(bits - 1), (1n << BigInt(bits - 1)) - 1n])
    : r.u64() >> BigInt(r.int(64));
  return BigInt.asUintN(bits, v);
}

/** Packed BCD, sometimes with invalid digits (A-F) or junk in the sign byte. */
function bcd(r: Rng): bigint {
  let v = 0n;
  const n = r.int(19);
  const bad = r.chance(0.1);
  for (let i = 0; i < n; i++) v |= BigInt(r.int(bad ? 16 : 10)) << BigInt(4 * i);
  if (r.chance(0.05)) v |= BigInt(r.int(128)) << 72n;
  return (BigInt(r.chance(0.5) ? 0x80 : 0) << 72n) | v;
}

/** Values with up to 18 decimal digits and a fraction. */
function bcdish(r: Rng): bigint {
  if (r.chance(0.15)) return operand(r);
  const e = r.pick([-1, 0, 3, 20, 40, 58, 59, 59, 60, r.int(62)]);
  return f80(r.int(2), 0x3fff + e, r.chance(0.5) ? sigPattern(r) : r.u64() | J);
}

/** FPREM operands: exponent differences around 0, 63, 64 and large. */
const prem: Gen = (r) => {
  const b = operand(r);
  if (r.chance(0.2)) return [operand(r), b];
  const eb = Number((b >> 64n) & 0x7fffn);
  const d = r.pick([-2, -1, 0, 1, 2, 31, 32, 33, 62, 63, 64, 65, 95, 96, 100, r.int(300)]);
  const ea = Math.max(0, Math.min(0x7ffe, eb + d));
  return [f80(r.int(2), ea, r.chance(0.5) ? sigPattern(r) : r.u64() | J), b];
};

/** FSCALE: small integers and fractions as the scale, some huge. */
const scale: Gen = (r) => {
  const a = operand(r);
  if (r.chance(0.2)) return [a, operand(r)];
  const e = r.pick([-1, 0, 1, 3, 5, 10, 13, 14, 15, 16, 20, 31]);
  return [a, f80(r.int(2), 0x3fff + e, r.u64() | J)];
};

export const SPECS: [number, number, Gen][] = [
  [0, 4000, binary], [1, 4000, binary], [2, 4000, binary], [3, 4000, binary],
  [4, 3000, unary], [5, 3000, (r) => [intish(r), 0n]],
  [6, 2000, binary], [7, 2000, binary], [37, 500, unary], [8, 500, unary], [9, 1000, unary],
  [10, 3000, scale], [11, 3000, prem], [12, 3000, prem],
  [13, 1500, (r) => [binaryBits(r, 8, 23), 0n]], [14, 1500, (r) => [binaryBits(r, 11, 52), 0n]],
  [15, 3000, (r) => [aroundFormat(r, 127, 23), 0n]], [16, 3000, (r) => [aroundFormat(r, 1023, 52), 0n]],
  [17, 200, (r) => [intBits(r, 16), 0n]], [18, 300, (r) => [intBits(r, 32), 0n]],
  [19, 500, (r) => [intBits(r, 64), 0n]],
  [20, 1500, (r) => [intish(r), 0n]], [21, 1500, (r) => [intish(r), 0n]], [22, 1500, (r) => [intish(r), 0n]],
  [23, 800, (r) => [intish(r), 0n]], [24, 800, (r) => [intish(r), 0n]], [25, 800, (r) => [intish(r), 0n]],
  [26, 500, (r) => [bcd(r), 0n]], [27, 1500, (r) => [bcdish(r), 0n]],
  [28, 200, (r) => [0n, BigInt(r.int(7))]],
  [40, 1000, (r) => [operand(r), binaryBits(r, 8, 23)]], [41, 600, (r) => [operand(r), binaryBits(r, 8, 23)]],
  [42, 1000, (r) => [operand(r), binaryBits(r, 11, 52)]], [43, 600, (r) => [operand(r), binaryBits(r, 8, 23)]],
  [44, 600, (r) => [operand(r), binaryBits(r, 11, 52)]], [45, 600, (r) => [operand(r), binaryBits(r, 11, 52)]],
  [46, 300, (r) => [operand(r), intBits(r, 16)]], [47, 300, (r) => [operand(r), intBits(r, 32)]],
  [48, 300, (r) => [operand(r), intBits(r, 16)]], [49, 600, (r) => [operand(r), binaryBits(r, 11, 52)]],
];

export function cases(seed = 0x87f80, scale = 1): Rec[] {
  const r = new Rng(seed);
  const recs: Rec[] = [];
  for (const [op, n, gen] of SPECS) {
    for (let i = 0; i < n * scale; i++) {
      const [a, b] = gen(r);
      recs.push({ op, cw: controlWord(r), a, b: b & ((1n << 80n) - 1n) });
    }
    // every special against every special for the two-operand ops
    if (op <= 3 || op === 6 || op === 7 || op === 10 || op === 11 || op === 12) {
      for (const a of SPECIALS) for (const b of SPECIALS) recs.push({ op, cw: controlWord(r), a, b });
    }
    if (op === 4 || op === 5 || op === 8 || op === 9 || (op >= 15 && op <= 27 && op !== 17 && op !== 18 && op !== 19 && op !== 26)) {
      for (const a of SPECIALS) recs.push({ op, cw: controlWord(r), a, b: 0n });
    }
  }
  return recs;
}

