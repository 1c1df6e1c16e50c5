// The x87 FPU escape opcodes D8..DF and FWAIT (SDM vol. 1 ch. 8, vol. 2 instruction pages).
//
// Order of checks for an escape opcode: #NM when CR0.EM or CR0.TS; the ModRM byte and its memory
// operand; #UD for the reserved encodings; then, for every waiting instruction (all but FNINIT,
// FNCLEX, FNSTSW, FNSTCW, FNSTENV, FNSAVE and the 8087/287 no-ops), a pending unmasked exception
// (status-word ES) is reported as #MF before anything happens. Non-control instructions then
// record FIP/FCS/FOP (and FDP/FDS with a memory operand) for FSTENV/FSAVE.
//
// The undocumented register-form aliases of the P6 and later (FCOM2 DC D0+i, FCOMP3 DC D8+i,
// FXCH4 DD C8+i, FCOMP5 DE D0+i, FXCH7 DF C8+i, FSTP1 D9 D8+i, FSTP8/FSTP9 DF D0+i/D8+i and
// FFREEP DF C0+i) behave as the instructions they repeat. FISTTP (an SSE3 instruction, not
// advertised in CPUID) is executed too.
import * as C from '../cpu';
import { fault, raise, raiseUD } from '../cpu';
import { modrmFetch } from '../decode';
import { OFF_CR0, OFF_HALTED } from '../state';
import { hostFpuError } from '../host';
import { noStepTrap } from '../debug';
import { getSw, getTop, setTop, setTag, phys, pop, setCc, notePtrs, SW_ES, SW_C1, TAG_EMPTY } from './x87-state';
import { loadOperand, fldMem, fstMem } from './x87-mem';
import { fninit, fnclex, fldcw, fnstcw, fnstswM, fnstswAx, fnstenv, fldenv, fnsave, frstor } from './x87-env';
import {
  arithReg, arithMem, fcomReg, fcomMem, ftst, fcomi, fxam, fsign, fldConst, unary, binary, twoResults,
  fcmov, fxch, fldReg, fstReg, fstp1,
} from './x87-arith';

const CR0_MP: u32 = 0x2;
const CR0_EM: u32 = 0x4;
const CR0_TS: u32 = 0x8;
const CR0_NE: u32 = 0x20;

/**
 * A pending unmasked x87 exception at a waiting instruction: #MF with CR0.NE = 1. With CR0.NE = 0
 * (MS-DOS compatibility mode, SDM vol. 1 §D.2.1.3) the CPU asserts FERR#, which a PC routes to
 * IRQ 13: unless the board answers with IGNNE# the instruction freezes before it executes until an
 * interrupt comes (the vCPU halts with EIP at the instruction, so the IRQ 13 handler returns to
 * it). Returns true when the instruction must not run.
 */
function pendingStops(): bool {
  if ((getSw() & SW_ES) == 0) return false;
  if (load<u32>(C.S, OFF_CR0) & CR0_NE) {
    raise(16, 0, false);
    return true;
  }
  if (hostFpuError(1) != 0) return false; // IGNNE#: run as if nothing were pending
  C.ip = C.startIp;
  store<u32>(C.S, 1, OFF_HALTED);
  noStepTrap();
  return true;
}

/** WAIT/FWAIT: #NM when CR0.MP and CR0.TS are both set, then the pending-exception check. */
export function op_fwait(op: u32): void {
  if ((load<u32>(C.S, OFF_CR0) & (CR0_MP | CR0_TS)) == (CR0_MP | CR0_TS)) {
    raise(7, 0, false);
    return;
  }
  pendingStops();
}

/** Reserved encodings (#UD). */
function reserved(op: u32, m: u32): bool {
  const reg = (m >> 3) & 7;
  const i = m & 7;
  if (m < 0xC0) {
    return (op == 0xD9 && reg == 1) || (op == 0xDB && (reg == 4 || reg == 6)) || (op == 0xDD && reg == 5);
  }
  switch (op) {
    case 0xD9:
      if (reg == 2) return i != 0;
      if (reg == 4) return i == 2 || i == 3 || i == 6 || i == 7;
      if (reg == 5) return i == 7;
      return false;
    case 0xDA: return reg >= 6 || reg == 4 || (reg == 5 && i != 1);
    case 0xDB: return reg == 7 || (reg == 4 && i >= 5);
    case 0xDD: return reg >= 6;
    case 0xDE: return reg == 3 && i != 1;
    case 0xDF: return reg == 7 || (reg == 4 && i != 0);
    default: return false;
  }
}

/** Instructions that neither wait for pending exceptions nor record the instruction pointers. */
function noWait(op: u32, m: u32): bool {
  if (m < 0xC0) return (op == 0xD9 && (m & 0x30) == 0x30) || (op == 0xDD && (m & 0x30) == 0x30);
  return (op == 0xDB && m >= 0xE0 && m <= 0xE4) || (op == 0xDF && m == 0xE0);
}

/** Waiting control instructions: check pending exceptions but do not record the pointers. */
@inline function isControlMem(op: u32, reg: u32): bool {
  return (op == 0xD9 && (reg == 4 || reg == 5)) || (op == 0xDD && reg == 4);
}

/** Escape opcodes D8..DF. */
export function op_x87(op: u32): void {
  if (load<u32>(C.S, OFF_CR0) & (CR0_EM | CR0_TS)) {
    raise(7, 0, false);
    return;
  }
  modrmFetch();
  if (fault) return;
  x87Decoded(op);
}
/** The same, replayed from a trace (wasm/core/trace.ts): ModRM and the memory operand are decoded. */
export function op_x87_decoded(op: u32): void {
  if (load<u32>(C.S, OFF_CR0) & (CR0_EM | CR0_TS)) {
    raise(7, 0, false);
    return;
  }
  x87Decoded(op);
}
/** Class of each escape byte (low 3 bits) and ModRM byte: 0 ordinary, 1 reserved, 2 no-wait. */
const CLASS = memory.data(2048);
let classReady = false;
function buildClass(): void {
  for (let i: u32 = 0; i < 2048; i++) {
    const op = 0xD8 | (i >> 8), m = i & 0xFF;
    store<u8>(CLASS + i, reserved(op, m) ? 1 : noWait(op, m) ? 2 : 0);
  }
  classReady = true;
}

function x87Decoded(op: u32): void {
  const m = C.modrm;
  if (!classReady) buildClass();
  const cls = load<u8>(CLASS + (((op & 7) << 8) | m));
  if (cls != 0) {
    if (cls == 1) raiseUD();
    else noWaitOp(op, m);
    return;
  }
  if ((getSw() & SW_ES) != 0 && pendingStops()) return;
  const reg = (m >> 3) & 7;
  if (m < 0xC0) {
    memOp(op, reg);
    if (!fault && !isControlMem(op, reg)) notePtrs(op, true);
  } else {
    regOp(op, reg, m & 7);
    notePtrs(op, false);
  }
}

function noWaitOp(op: u32, m: u32): void {
  if (op == 0xD9) {
    if (m & 0x08) fnstcw();
    else fnstenv();
  } else if (op == 0xDD) {
    if (m & 0x08) fnstswM();
    else fnsave();
  } else if (op == 0xDF) fnstswAx();
  else if (m == 0xE2) fnclex();
  else if (m == 0xE3) fninit();
  // DB E0 FNENI, E1 FNDISI, E4 FNSETPM: 8087/287 controls, no-ops since the 387
}

@inline function memOp(op: u32, reg: u32): void {
  switch (op) {
    case 0xD9:
      switch (reg) {
        case 0: fldMem(0); break;
        case 2: fstMem(0, false, false); break;
        case 3: fstMem(0, true, false); break;
        case 4: fldenv(); break;
        default: fldcw(); break;
      }
      break;
    case 0xDB:
      switch (reg) {
        case 0: fldMem(4); break;
        case 1: fstMem(4, true, true); break;
        case 2: fstMem(4, false, false); break;
        case 3: fstMem(4, true, false); break;
        case 5: fldMem(2); break;
        default: fstMem(2, true, false); break;
      }
      break;
    case 0xDD:
      switch (reg) {
        case 0: fldMem(1); break;
        case 1: fstMem(5, true, true); break;
        case 2: fstMem(1, false, false); break;
        case 3: fstMem(1, true, false); break;
        default: frstor(); break;
      }
      break;
    case 0xDF:
      switch (reg) {
        case 0: fldMem(3); break;
        case 1: fstMem(3, true, true); break;
        case 2: fstMem(3, false, false); break;
        case 3: fstMem(3, true, false); break;
        case 4: fldMem(6); break;
        case 5: fldMem(5); break;
        case 6: fstMem(6, true, false); break;
        default: fstMem(5, true, false); break;
      }
      break;
    default:
      // D8 m32fp, DA m32int, DC m64fp, DE m16int
      if (!loadOperand((op - 0xD8) >> 1)) return;
      if (reg == 2 || reg == 3) fcomMem(reg - 2);
      else arithMem(reg);
      break;
  }
}

/** FCMOVcc conditions as Jcc numbers: B E BE U, then NB NE NBE NU. */
@inline function fcmovCond(op: u32, reg: u32): u32 {
  return ((0xA642 >> (reg << 2)) & 0xF) | (op == 0xDB ? 1 : 0);
}

@inline function regOp(op: u32, reg: u32, i: u32): void {
  switch (op) {
    case 0xD8:
      if (reg == 2 || reg == 3) fcomReg(i, false, reg - 2);
      else arithReg(reg, 0, i, false);
      break;
    case 0xD9: regD9(reg, i); break;
    case 0xDA:
      if (reg < 4) fcmov(fcmovCond(op, reg), i);
      else fcomReg(1, true, 2); // FUCOMPP
      break;
    case 0xDB:
      if (reg < 4) fcmov(fcmovCond(op, reg), i);
      else fcomi(i, reg == 5, false);
      break;
    case 0xDC:
      if (reg == 2 || reg == 3) fcomReg(i, false, reg - 2);
      else arithReg(reg < 4 ? reg : reg ^ 1, i, 0, false);
      break;
    case 0xDD:
      switch (reg) {
        case 0: ffree(i, false); break;
        case 1: fxch(i); break;
        case 2: fstReg(i, false); break;
        case 3: fstReg(i, true); break;
        default: fcomReg(i, true, reg - 4); break;
      }
      break;
    case 0xDE:
      if (reg == 2) fcomReg(i, false, 1);
      else if (reg == 3) fcomReg(1, false, 2); // FCOMPP
      else arithReg(reg < 4 ? reg : reg ^ 1, i, 0, true);
      break;
    default: // DF
      switch (reg) {
        case 0: ffree(i, true); break; // FFREEP
        case 1: fxch(i); break;
        case 2: case 3: fstReg(i, true); break;
        default: fcomi(i, reg == 5, true); break;
      }
      break;
  }
}

/** FFREE ST(i) (and FFREEP, which pops too); C1 = 0 (observed; the SDM leaves C0..C3 undefined). */
function ffree(i: u32, doPop: bool): void {
  setTag(phys(i), TAG_EMPTY);
  setCc(SW_C1, 0);
  if (doPop) pop();
}

function regD9(reg: u32, i: u32): void {
  switch (reg) {
    case 0: fldReg(i); break;
    case 1: fxch(i); break;
    case 2: break; // FNOP
    case 3: fstp1(i); break;
    case 4:
      if (i == 0) fsign(true);
      else if (i == 1) fsign(false);
      else if (i == 4) ftst();
      else fxam();
      break;
    case 5: fldConst(i); break;
    case 6:
      switch (i) {
        case 0: unary(2); break; // F2XM1
        case 1: binary(3); break; // FYL2X
        case 2: twoResults(1); break; // FPTAN
        case 3: binary(5); break; // FPATAN
        case 4: twoResults(0); break; // FXTRACT
        case 5: binary(2); break; // FPREM1
        case 6: setTop(getTop() - 1); setCc(SW_C1, 0); break; // FDECSTP
        default: setTop(getTop() + 1); setCc(SW_C1, 0); break; // FINCSTP
      }
      break;
    default:
      switch (i) {
        case 0: binary(1); break; // FPREM
        case 1: binary(4); break; // FYL2XP1
        case 2: unary(0); break; // FSQRT
        case 3: twoResults(2); break; // FSINCOS
        case 4: unary(1); break; // FRNDINT
        case 5: binary(0); break; // FSCALE
        case 6: unary(3); break; // FSIN
        default: unary(4); break; // FCOS
      }
      break;
  }
}
