// Test-only wasm entry for the x87 f80 library: one dispatcher that mirrors
// test/wasm/x87/native/f80ref.c, including what the instruction does with the
// register stack, so both sides print ST0/ST1 (or the stored memory) and SW.
import {
  f80Add, f80Sub, f80Mul, f80Div, f80Sqrt, f80Rndint, f80NoResult,
  rSig, rSe, r2Sig, r2Se, rInt, fpuExc,
} from "../../../wasm/core/x87/f80";
import { f80Cmp, f80Xam, f80Xtract, f80Scale, f80Prem, f80Const } from "../../../wasm/core/x87/f80-misc";
import {
  f80FromF32, f80FromF64, f80ToF32, f80ToF64, f80FromInt, f80ToInt, f80FromBcd, f80ToBcd,
  f80LoadF32Operand, f80LoadF64Operand,
} from "../../../wasm/core/x87/f80-conv";
import {
  f80F2xm1, f80Fyl2x, f80Fyl2xp1, f80Ptan, f80Patan, f80Sin, f80Cos, f80Sincos,
} from "../../../wasm/core/x87/f80-trans";

export { setVendor } from "../../../wasm/core/vendor";

export let o1Sig: u64 = 0;
export let o1Se: u32 = 0;
export let o2Sig: u64 = 0;
export let o2Se: u32 = 0;
export let oSw: u32 = 0;

function st(aSig: u64, aSe: u32, bSig: u64, bSe: u32): void {
  o1Sig = aSig; o1Se = aSe; o2Sig = bSig; o2Se = bSe;
}

/** Result replaces ST0 unless the instruction had no result. */
function unary(cw: u32, aSig: u64, aSe: u32, bSig: u64, bSe: u32): void {
  if (f80NoResult(cw)) st(aSig, aSe, bSig, bSe);
  else st(rSig, rSe, bSig, bSe);
}

/** Result pushed (loads): ST0 = result, ST1 = B. A denormal #D does not stop a load. */
function pushed(cw: u32, bSig: u64, bSe: u32): void {
  if ((fpuExc & ~cw & 1) != 0) st(bSig, bSe, bSig, bSe);
  else st(rSig, rSe, bSig, bSe);
}

/** Store to memory: R1 = the stored bytes, or 0 when nothing is stored. */
function stored(cw: u32, lo: u64, hi: u32): void {
  const none = f80NoResult(cw) || (fpuExc & ~cw & 0x18) != 0;
  st(none ? 0 : lo, none ? 0 : hi, 0, 0);
}

function toInt(aSig: u64, aSe: u32, cw: u32, bits: u32, chop: bool): void {
  f80ToInt(aSig, aSe, cw, bits, chop);
  const v = bits == 64 ? rInt : rInt & ((u64(1) << u64(bits)) - 1);
  stored(cw, v, 0);
}

export function run(op: u32, cw: u32, aSig: u64, aSe: u32, bSig: u64, bSe: u32): void {
  switch (op) {
    case 0: f80Add(aSig, aSe, bSig, bSe, cw); unary(cw, aSig, aSe, bSig, bSe); break;
    case 1: f80Sub(aSig, aSe, bSig, bSe, cw); unary(cw, aSig, aSe, bSig, bSe); break;
    case 2: f80Mul(aSig, aSe, bSig, bSe, cw); unary(cw, aSig, aSe, bSig, bSe); break;
    case 3: f80Div(aSig, aSe, bSig, bSe, cw); unary(cw, aSig, aSe, bSig, bSe); break;
    case 4: f80Sqrt(aSig, aSe, cw); unary(cw, aSig, aSe, bSig, bSe); break;
    case 5: f80Rndint(aSig, aSe, cw); unary(cw, aSig, aSe, bSig, bSe); break;
    case 6: f80Cmp(aSig, aSe, bSig, bSe, cw, false); st(aSig, aSe, bSig, bSe); break;
    case 7: f80Cmp(aSig, aSe, bSig, bSe, cw, true); st(aSig, aSe, bSig, bSe); break;
    case 8: f80Xam(aSig, aSe); st(aSig, aSe, bSig, bSe); break;
    case 9:
      f80Xtract(aSig, aSe, cw);
      if (f80NoResult(cw)) st(aSig, aSe, bSig, bSe);
      else st(rSig, rSe, r2Sig, r2Se);
      break;
    case 10: f80Scale(aSig, aSe, bSig, bSe, cw); unary(cw, aSig, aSe, bSig, bSe); break;
    case 11: f80Prem(aSig, aSe, bSig, bSe, cw, false); unary(cw, aSig, aSe, bSig, bSe); break;
    case 12: f80Prem(aSig, aSe, bSig, bSe, cw, true); unary(cw, aSig, aSe, bSig, bSe); break;
    case 13: f80FromF32(<u32>aSig, cw); pushed(cw, bSig, bSe); break;
    case 14: f80FromF64(aSig, cw); pushed(cw, bSig, bSe); break;
    case 15: f80ToF32(aSig, aSe, cw); stored(cw, rInt & 0xFFFFFFFF, 0); break;
    case 16: f80ToF64(aSig, aSe, cw); stored(cw, rInt, 0); break;
    case 17: f80FromInt(<i64><i16>aSig); pushed(cw, bSig, bSe); break;
    case 18: f80FromInt(<i64><i32>aSig); pushed(cw, bSig, bSe); break;
    case 19: f80FromInt(<i64>aSig); pushed(cw, bSig, bSe); break;
    case 20: toInt(aSig, aSe, cw, 16, false); break;
    case 21: toInt(aSig, aSe, cw, 32, false); break;
    case 22: toInt(aSig, aSe, cw, 64, false); break;
    case 23: toInt(aSig, aSe, cw, 16, true); break;
    case 24: toInt(aSig, aSe, cw, 32, true); break;
    case 25: toInt(aSig, aSe, cw, 64, true); break;
    case 26: f80FromBcd(aSig, aSe); pushed(cw, bSig, bSe); break;
    case 27: f80ToBcd(aSig, aSe, cw); stored(cw, rSig, rSe); break;
    case 28: f80Const(<u32>bSig, cw); pushed(cw, bSig, bSe); break;
    case 29: f80F2xm1(aSig, aSe, cw); unary(cw, aSig, aSe, bSig, bSe); break;
    case 30: f80Fyl2x(aSig, aSe, bSig, bSe, cw); popped(cw, aSig, aSe, bSig, bSe); break;
    case 31: f80Fyl2xp1(aSig, aSe, bSig, bSe, cw); popped(cw, aSig, aSe, bSig, bSe); break;
    case 32:
      f80Ptan(aSig, aSe, cw);
      if (f80NoResult(cw) || (fpuExc & 0x400) != 0) st(aSig, aSe, bSig, bSe);
      else st(rSig, rSe, r2Sig, r2Se);
      break;
    case 33: f80Patan(aSig, aSe, bSig, bSe, cw); popped(cw, aSig, aSe, bSig, bSe); break;
    case 34: f80Sin(aSig, aSe, cw); unaryC2(cw, aSig, aSe, bSig, bSe); break;
    case 35: f80Cos(aSig, aSe, cw); unaryC2(cw, aSig, aSe, bSig, bSe); break;
    case 36:
      f80Sincos(aSig, aSe, cw);
      if (f80NoResult(cw) || (fpuExc & 0x400) != 0) st(aSig, aSe, bSig, bSe);
      else st(rSig, rSe, r2Sig, r2Se);
      break;
    case 37: f80Cmp(aSig, aSe, 0, 0, cw, false); st(aSig, aSe, bSig, bSe); break;
    default:
      if (op >= 40 && op <= 49) memOp(op, cw, aSig, aSe, bSig, bSe);
      else st(0, 0, 0, 0);
      break;
  }
  oSw = fpuExc;
}

/** Arithmetic with a memory source (B's low bytes), as an integrator would compose it. */
function memOp(op: u32, cw: u32, aSig: u64, aSe: u32, bSig: u64, bSe: u32): void {
  let den = false;
  if (op == 40 || op == 41 || op == 43) den = f80LoadF32Operand(<u32>bSig);
  else if (op == 42 || op == 44 || op == 45 || op == 49) den = f80LoadF64Operand(bSig);
  else if (op == 47) f80FromInt(<i64><i32>bSig);
  else f80FromInt(<i64><i16>bSig);
  const mSig = rSig, mSe = rSe;
  switch (op) {
    case 40: case 46: f80Add(aSig, aSe, mSig, mSe, cw, den); break;
    case 41: f80Sub(mSig, mSe, aSig, aSe, cw, den); break;
    case 42: f80Mul(aSig, aSe, mSig, mSe, cw, den); break;
    case 43: f80Div(aSig, aSe, mSig, mSe, cw, den); break;
    case 44: case 47: f80Div(mSig, mSe, aSig, aSe, cw, den); break;
    case 49: f80Sub(aSig, aSe, mSig, mSe, cw, den); break;
    default: // 45, 48: FCOM m64, FICOM m16
      f80Cmp(aSig, aSe, mSig, mSe, cw, false, den);
      st(aSig, aSe, bSig, bSe);
      return;
  }
  unary(cw, aSig, aSe, bSig, bSe);
}

/** Popping binary op (FYL2X, FYL2XP1, FPATAN): ST0 = result, ST1 = the B below. */
function popped(cw: u32, aSig: u64, aSe: u32, bSig: u64, bSe: u32): void {
  if (f80NoResult(cw)) st(aSig, aSe, bSig, bSe);
  else st(rSig, rSe, bSig, bSe);
}

/** FSIN/FCOS: out-of-range operand (C2) leaves ST0 unchanged. */
function unaryC2(cw: u32, aSig: u64, aSe: u32, bSig: u64, bSe: u32): void {
  if ((fpuExc & 0x400) != 0) st(aSig, aSe, bSig, bSe);
  else unary(cw, aSig, aSe, bSig, bSe);
}
