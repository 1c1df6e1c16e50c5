// x87 computational instructions on the register stack: FADD/FSUB/FSUBR/FMUL/FDIV/FDIVR (all
// forms), the compares (FCOM, FUCOM, FICOM, FTST, FCOMI, FUCOMI and their popping forms), FXAM,
// the D9 unary group (FCHS FABS FSQRT FRNDINT FSCALE FXTRACT FPREM FPREM1 and the
// transcendentals), the constants, FCMOVcc and FXCH. Results come from the exact 80-bit library
// in wasm/core/x87 (rounding and precision control from the control word).
import { setArith, cond, CF, PF, ZF } from '../flags';
import { FE_IE, FE_DE, FE_ZE, CL_ZERO, CL_QNAN, classify, rSig, rSe, r2Sig, r2Se, fpuExc, f80Add, f80Sub, f80Mul, f80Div, f80Sqrt, f80Rndint } from '../x87/f80';
import { f80Cmp, f80Xam, f80Xtract, f80Scale, f80Prem, f80Const } from '../x87/f80-misc';
import { f80Sin, f80Cos, f80Sincos, f80Ptan, f80Patan, f80Fyl2x, f80Fyl2xp1, f80F2xm1 } from '../x87/f80-trans';
import {
  getCw, getSw, setSw, signal, signalC1, setCc, isEmpty, stSig, stSe, setSt, pop, push, pushRoom,
  underflow, IND_SIG, IND_SE, SW_C0, SW_C1, SW_C2, SW_C3, SW_CC, EXC_MASK,
  getTop, setTop, getTw, setTw, tagOf, TAG_EMPTY,
} from './x87-state';
import { opSig, opSe, opExc } from './x87-mem';
import * as C from '../cpu';
import { OFF_FPU_ST } from '../state';

/** Exceptions that, unmasked, leave the destination (and the stack) untouched. */
const NO_RESULT: u32 = FE_IE | FE_DE | FE_ZE;

@inline function stopped(exc: u32): bool { return (exc & ~getCw() & NO_RESULT) != 0; }

/** Records exc (flags and C1) and writes the result to ST(i) unless an unmasked IE/DE/ZE stops it. */
@inline function commit(i: u32, exc: u32, doPop: bool): void {
  signalC1(exc);
  if (stopped(exc)) return;
  // setSt and pop with one read and one write of TOP and the tag word
  const top = getTop();
  const p = (top + i) & 7;
  store<u64>(C.S + (p << 4), rSig, OFF_FPU_ST);
  store<u64>(C.S + (p << 4), <u64>(rSe & 0xFFFF), OFF_FPU_ST + 8);
  let tw = (getTw() & ~(3 << (p << 1))) | (tagOf(rSig, rSe) << (p << 1));
  if (doPop) {
    tw |= TAG_EMPTY << (top << 1);
    setTop(top + 1);
  }
  setTw(tw);
}

/** Masked stack underflow of an operation with destination ST(i): the indefinite. */
function underflowTo(i: u32, doPop: bool): void {
  if (!underflow()) return;
  setSt(i, IND_SIG, IND_SE);
  if (doPop) pop();
}

/**
 * dest op src into rSig/rSe/fpuExc. kind is the ModRM reg field of the D8 forms: 0 FADD,
 * 1 FMUL, 4 FSUB (dest - src), 5 FSUBR (src - dest), 6 FDIV, 7 FDIVR.
 */
@inline function binop(kind: u32, dSig: u64, dSe: u32, sSig: u64, sSe: u32): void {
  const cw = getCw();
  switch (kind) {
    case 0: f80Add(dSig, dSe, sSig, sSe, cw); break;
    case 1: f80Mul(dSig, dSe, sSig, sSe, cw); break;
    case 4: f80Sub(dSig, dSe, sSig, sSe, cw); break;
    case 5: f80Sub(sSig, sSe, dSig, dSe, cw); break;
    case 6: f80Div(dSig, dSe, sSig, sSe, cw); break;
    default: f80Div(sSig, sSe, dSig, dSe, cw); break;
  }
}

/** Register form: ST(d) = ST(d) op ST(s), popping when asked. */
@inline export function arithReg(kind: u32, d: u32, s: u32, doPop: bool): void {
  if (isEmpty(d) || isEmpty(s)) { underflowTo(d, doPop); return; }
  binop(kind, stSig(d), stSe(d), stSig(s), stSe(s));
  commit(d, fpuExc, doPop);
}

/**
 * The denormal flag of a memory operand (binary32/64 denormals are normal in 80 bits): reported
 * where the operation would have seen a denormal operand, i.e. unless ST(0) is a NaN or
 * unsupported, or FDIVR divides by a zero ST(0). Unmasked, it stops the operation alone.
 */
function memDenormal(kind: u32): u32 {
  if ((opExc & FE_DE) == 0) return 0;
  const c = classify(stSig(0), stSe(0));
  if (c >= CL_QNAN || (kind == 7 && c == CL_ZERO)) return 0;
  return FE_DE;
}

/** Memory form: ST(0) = ST(0) op the operand converted by loadOperand. */
@inline export function arithMem(kind: u32): void {
  if (isEmpty(0)) { underflowTo(0, false); return; }
  const de = memDenormal(kind);
  if (stopped(de)) { signalC1(de); return; }
  binop(kind, stSig(0), stSe(0), opSig, opSe);
  commit(0, fpuExc | de, false);
}

// ---- compares ----
/**
 * Sets C3 C2 C0 (C1 = 0) from fpuExc | extra and pops. The condition codes are set even when an
 * unmasked IE or DE is raised, and the pops then do not happen: so the host CPU (an AMD part)
 * does, which the differential test checks. The SDM says that with IE unmasked the condition
 * codes are not set.
 */
function commitCmp(extra: u32, pops: u32): void {
  const exc = fpuExc | extra;
  setSw((getSw() & ~SW_CC) | (exc & (EXC_MASK | SW_C0 | SW_C2 | SW_C3)));
  if ((exc & ~getCw() & (FE_IE | FE_DE)) != 0) return;
  for (let k: u32 = 0; k < pops; k++) pop();
}
/** Stack underflow of a compare: unordered; the pops happen only with IE masked. */
function cmpUnderflow(pops: u32): void {
  const masked = underflow();
  setCc(SW_CC, SW_C0 | SW_C2 | SW_C3);
  if (!masked) return;
  for (let k: u32 = 0; k < pops; k++) pop();
}

/** FCOM/FCOMP/FCOMPP/FUCOM*: ST(0) with ST(i). */
export function fcomReg(i: u32, quiet: bool, pops: u32): void {
  if (isEmpty(0) || isEmpty(i)) { cmpUnderflow(pops); return; }
  f80Cmp(stSig(0), stSe(0), stSig(i), stSe(i), getCw(), quiet);
  commitCmp(0, pops);
}
/** FCOM/FCOMP m32fp/m64fp, FICOM/FICOMP m16int/m32int (operand from loadOperand). */
export function fcomMem(pops: u32): void {
  if (isEmpty(0)) { cmpUnderflow(pops); return; }
  f80Cmp(stSig(0), stSe(0), opSig, opSe, getCw(), false);
  commitCmp(memDenormal(0), pops);
}
/** FTST: ST(0) with +0.0. */
export function ftst(): void {
  if (isEmpty(0)) { cmpUnderflow(0); return; }
  f80Cmp(stSig(0), stSe(0), 0, 0, getCw(), false);
  commitCmp(0, 0);
}
/**
 * FCOMI/FCOMIP/FUCOMI/FUCOMIP: the result in ZF, PF, CF (OF, SF, AF cleared), set even when an
 * unmasked exception suppresses the pop. C1 is left alone unless the stack underflows. Both as
 * the host CPU does; the SDM says C1 = 0 and no EFLAGS update under an unmasked IE.
 */
export function fcomi(i: u32, quiet: bool, doPop: bool): void {
  let cc: u32;
  let go: bool;
  if (isEmpty(0) || isEmpty(i)) {
    go = underflow();
    cc = SW_C0 | SW_C2 | SW_C3;
  } else {
    f80Cmp(stSig(0), stSe(0), stSig(i), stSe(i), getCw(), quiet);
    cc = fpuExc;
    signal(cc);
    go = (cc & ~getCw() & (FE_IE | FE_DE)) == 0;
  }
  let f: u32 = 0;
  if (cc & SW_C3) f |= ZF;
  if (cc & SW_C2) f |= PF;
  if (cc & SW_C0) f |= CF;
  setArith(f);
  if (doPop && go) pop();
}

/** FXAM: class of ST(0) in C3 C2 C0, its sign in C1; an empty register gives C3 C0 = 1 0 1. */
export function fxam(): void {
  if (isEmpty(0)) {
    setCc(SW_CC, SW_C3 | SW_C0 | ((stSe(0) & 0x8000) != 0 ? SW_C1 : 0));
    return;
  }
  f80Xam(stSig(0), stSe(0));
  setCc(SW_CC, fpuExc);
}

// ---- D9 unary group and friends ----
/** FCHS (neg = true) and FABS: sign only, no exceptions; C1 = 0. */
export function fsign(neg: bool): void {
  if (isEmpty(0)) { underflowTo(0, false); return; }
  const se = stSe(0);
  setCc(SW_C1, 0);
  setSt(0, stSig(0), neg ? se ^ 0x8000 : se & 0x7FFF);
}

/** FLD1 FLDL2T FLDL2E FLDPI FLDLG2 FLDLN2 FLDZ (k = 0..6). */
export function fldConst(k: u32): void {
  if (!pushRoom()) return;
  f80Const(k, getCw());
  setCc(SW_C1, 0);
  push(rSig, rSe);
}

/** One-operand functions on ST(0): 0 FSQRT, 1 FRNDINT, 2 F2XM1, 3 FSIN, 4 FCOS. */
export function unary(fn: u32): void {
  const trig = fn >= 3;
  // C2 reports an out-of-range operand (|x| >= 2^63, left unchanged, C1 = 0); else 0
  if (trig) setCc(SW_C2, 0);
  if (isEmpty(0)) { underflowTo(0, false); return; }
  const sig = stSig(0), se = stSe(0), cw = getCw();
  switch (fn) {
    case 0: f80Sqrt(sig, se, cw); break;
    case 1: f80Rndint(sig, se, cw); break;
    case 2: f80F2xm1(sig, se, cw); break;
    case 3: f80Sin(sig, se, cw); break;
    default: f80Cos(sig, se, cw); break;
  }
  const exc = fpuExc;
  if (trig && (exc & SW_C2) != 0) { setCc(SW_C1 | SW_C2, SW_C2); return; }
  commit(0, exc, false);
}

/**
 * Two-operand functions of ST(0) and ST(1): 0 FSCALE, 1 FPREM, 2 FPREM1 (result in ST(0));
 * 3 FYL2X, 4 FYL2XP1, 5 FPATAN (result in ST(1), then pop).
 */
export function binary(fn: u32): void {
  const toSt1 = fn >= 3;
  const prem = fn == 1 || fn == 2;
  if (isEmpty(0) || isEmpty(1)) {
    if (prem) setCc(SW_C2, 0);
    underflowTo(toSt1 ? 1 : 0, toSt1);
    return;
  }
  const aSig = stSig(0), aSe = stSe(0), bSig = stSig(1), bSe = stSe(1), cw = getCw();
  switch (fn) {
    case 0: f80Scale(aSig, aSe, bSig, bSe, cw); break;
    case 1: f80Prem(aSig, aSe, bSig, bSe, cw, false); break;
    case 2: f80Prem(aSig, aSe, bSig, bSe, cw, true); break;
    case 3: f80Fyl2x(aSig, aSe, bSig, bSe, cw); break;
    case 4: f80Fyl2xp1(aSig, aSe, bSig, bSe, cw); break;
    default: f80Patan(aSig, aSe, bSig, bSe, cw); break;
  }
  const exc = fpuExc;
  if (prem) {
    // C0 C3 C1 = quotient bits 2 1 0, C2 = incomplete reduction; without a quotient (NaN
    // operand, invalid) C0 and C3 stay and C1 = C2 = 0 (observed)
    signalC1(exc);
    if (stopped(exc)) { setCc(SW_C2, 0); return; }
    const noQuotient = (exc & FE_IE) != 0 || classify(aSig, aSe) >= CL_QNAN || classify(bSig, bSe) >= CL_QNAN;
    setCc(noQuotient ? SW_C1 | SW_C2 : SW_CC, exc);
    setSt(0, rSig, rSe);
    return;
  }
  commit(toSt1 ? 1 : 0, exc, toSt1);
}

/**
 * Functions that replace ST(0) and push a second result: 0 FXTRACT (significand pushed over the
 * exponent), 1 FPTAN (1.0 over tan), 2 FSINCOS (cos over sin).
 */
export function twoResults(fn: u32): void {
  if (fn != 0) setCc(SW_C2, 0);
  if (isEmpty(0)) {
    if (!underflow()) return;
    setSt(0, IND_SIG, IND_SE);
    push(IND_SIG, IND_SE);
    return;
  }
  if (!isEmpty(7)) {
    // stack overflow: masked, both results are the indefinite
    setSw(getSw() | FE_IE | 0x40 | SW_C1);
    if ((getCw() & FE_IE) == 0) return;
    setSt(0, IND_SIG, IND_SE);
    push(IND_SIG, IND_SE);
    return;
  }
  const sig = stSig(0), se = stSe(0), cw = getCw();
  switch (fn) {
    case 0: f80Xtract(sig, se, cw); break;
    case 1: f80Ptan(sig, se, cw); break;
    default: f80Sincos(sig, se, cw); break;
  }
  const exc = fpuExc;
  if (fn != 0 && (exc & SW_C2) != 0) { setCc(SW_C1 | SW_C2, SW_C2); return; }
  signalC1(exc);
  if (stopped(exc)) return;
  const hiSig = rSig, hiSe = rSe;
  setSt(0, r2Sig, r2Se);
  push(hiSig, hiSe);
}

// ---- moves ----
/** FCMOVcc: ST(0) = ST(i) when the EFLAGS condition cc (Jcc numbering) holds; C1 kept. */
export function fcmov(cc: u32, i: u32): void {
  if (isEmpty(0) || isEmpty(i)) { underflowTo(0, false); return; }
  if (cond(cc)) setSt(0, stSig(i), stSe(i));
}

/** FXCH ST(i); an empty operand becomes the indefinite when IE is masked. C1 = 0. */
export function fxch(i: u32): void {
  const e0 = isEmpty(0), ei = isEmpty(i);
  if (e0 || ei) {
    if (!underflow()) return;
  } else setCc(SW_C1, 0);
  const aSig = e0 ? IND_SIG : stSig(0), aSe = e0 ? IND_SE : stSe(0);
  const bSig = ei ? IND_SIG : stSig(i), bSe = ei ? IND_SE : stSe(i);
  setSt(0, bSig, bSe);
  setSt(i, aSig, aSe);
}

/** FLD ST(i): pushes a copy; an empty source is an underflow (C1 = 0) even when ST(7) is full. */
export function fldReg(i: u32): void {
  if (isEmpty(i)) {
    if (underflow()) push(IND_SIG, IND_SE);
    return;
  }
  const sig = stSig(i), se = stSe(i);
  if (!pushRoom()) return;
  setCc(SW_C1, 0);
  push(sig, se);
}

/** FST/FSTP ST(i): copies ST(0) to ST(i). */
export function fstReg(i: u32, doPop: bool): void {
  if (isEmpty(0)) { underflowTo(i, doPop); return; }
  setCc(SW_C1, 0);
  setSt(i, stSig(0), stSe(0));
  if (doPop) pop();
}

/**
 * FSTP1 (D9 D8+i, undocumented): FSTP ST(i), except that an empty ST(0) is just popped, C1 = 0
 * (observed, no underflow). */
export function fstp1(i: u32): void {
  if (!isEmpty(0)) { fstReg(i, true); return; }
  setCc(SW_C1, 0);
  pop();
}
