// x87 control instructions: FNINIT, FNCLEX, FLDCW, FNSTCW, FNSTSW, FNSTENV/FLDENV and
// FNSAVE/FRSTOR in the four environment layouts (SDM vol. 1 §8.1.10, figures 8-9 to 8-12):
// 32- or 16-bit operand size, protected or real/virtual-8086 mode.
import * as C from '../cpu';
import { fault, w16, EAX } from '../cpu';
import { linR } from '../decode';
import { rd8, rd16, rd32, wr16, wr32 } from '../mmu/mem';
import {
  OFF_FPU_ST, OFF_FPU_IP, OFF_FPU_CS, OFF_FPU_DP, OFF_FPU_DS, OFF_FPU_OP,
} from '../state';
import {
  getCw, setCw, getSw, setSw, fullSw, setTop, getTop, getTw, setTw, retag, physSig, physSe,
} from './x87-state';
import { wrLinChecked, rdM, mLo } from './x87-mem';

/** Power-on/FNINIT state: CW 037F, SW 0, all registers empty, pointers 0. */
export function fninit(): void {
  setCw(0x37F);
  setSw(0);
  setTop(0);
  setTw(0xFFFF);
  store<u32>(C.S, 0, OFF_FPU_IP);
  store<u32>(C.S, 0, OFF_FPU_CS);
  store<u32>(C.S, 0, OFF_FPU_DP);
  store<u32>(C.S, 0, OFF_FPU_DS);
  store<u32>(C.S, 0, OFF_FPU_OP);
}

/** FNCLEX: clears the exception flags, SF, ES and B; C0..C3 and TOP stay. */
export function fnclex(): void { setSw(getSw() & ~0x80FF); }

export function fldcw(): void {
  if (!rdM(2)) return;
  setCw(<u32>mLo);
}
export function fnstcw(): void {
  const l = wrLinChecked(2);
  if (!fault) wr16(l, getCw());
}
export function fnstswM(): void {
  const l = wrLinChecked(2);
  if (!fault) wr16(l, fullSw());
}
export function fnstswAx(): void { w16(EAX, fullSw()); }

@inline function envSize(): u32 { return C.opsz32 ? 28 : 14; }

/** Writes the environment at l (already checked writable). Reserved halves are written as FFFF. */
function storeEnv(l: u32): void {
  const cw = getCw(), sw = fullSw(), tw = getTw();
  const ip = load<u32>(C.S, OFF_FPU_IP), cs = load<u32>(C.S, OFF_FPU_CS);
  const dp = load<u32>(C.S, OFF_FPU_DP), ds = load<u32>(C.S, OFF_FPU_DS);
  const fop = load<u32>(C.S, OFF_FPU_OP) & 0x7FF;
  const pm = C.protMode;
  if (C.opsz32) {
    wr32(l, 0xFFFF0000 | cw);
    wr32(l + 4, 0xFFFF0000 | sw);
    wr32(l + 8, 0xFFFF0000 | tw);
    if (pm) {
      wr32(l + 12, ip);
      wr32(l + 16, (fop << 16) | (cs & 0xFFFF));
      wr32(l + 20, dp);
      wr32(l + 24, 0xFFFF0000 | ds);
    } else {
      wr32(l + 12, 0xFFFF0000 | (ip & 0xFFFF));
      wr32(l + 16, ((ip >> 16) << 12) | fop);
      wr32(l + 20, 0xFFFF0000 | (dp & 0xFFFF));
      wr32(l + 24, (dp >> 16) << 12);
    }
  } else {
    wr16(l, cw);
    wr16(l + 2, sw);
    wr16(l + 4, tw);
    wr16(l + 6, ip);
    wr16(l + 8, pm ? cs : (((ip >> 16) & 0xF) << 12) | fop);
    wr16(l + 10, dp);
    wr16(l + 12, pm ? ds : ((dp >> 16) & 0xF) << 12);
  }
}

/** Loads the environment at l (already checked readable). */
function loadEnv(l: u32): void {
  let cw: u32, sw: u32, tw: u32, ip: u32, cs: u32, dp: u32, ds: u32, fop: u32;
  if (C.opsz32) {
    cw = rd32(l); sw = rd32(l + 4); tw = rd32(l + 8);
    const w3 = rd32(l + 12), w4 = rd32(l + 16), w5 = rd32(l + 20), w6 = rd32(l + 24);
    if (C.protMode) {
      ip = w3; cs = w4 & 0xFFFF; fop = (w4 >> 16) & 0x7FF; dp = w5; ds = w6 & 0xFFFF;
    } else {
      ip = (w3 & 0xFFFF) | (((w4 >> 12) & 0xFFFF) << 16); fop = w4 & 0x7FF;
      dp = (w5 & 0xFFFF) | (((w6 >> 12) & 0xFFFF) << 16);
      cs = 0; ds = 0;
    }
  } else {
    cw = rd16(l); sw = rd16(l + 2); tw = rd16(l + 4);
    const w3 = rd16(l + 6), w4 = rd16(l + 8), w5 = rd16(l + 10), w6 = rd16(l + 12);
    if (C.protMode) {
      ip = w3; cs = w4; fop = 0; dp = w5; ds = w6;
    } else {
      ip = w3 | ((w4 >> 12) << 16); fop = w4 & 0x7FF;
      dp = w5 | ((w6 >> 12) << 16);
      cs = 0; ds = 0;
    }
  }
  setCw(cw);
  setSw(sw);
  setTop((sw >> 11) & 7);
  setTw(tw);
  store<u32>(C.S, ip, OFF_FPU_IP);
  store<u32>(C.S, cs, OFF_FPU_CS);
  store<u32>(C.S, dp, OFF_FPU_DP);
  store<u32>(C.S, ds, OFF_FPU_DS);
  store<u32>(C.S, fop, OFF_FPU_OP);
}

/** Checks that `size` bytes of the memory operand can be read; returns their linear address. */
function readableRange(size: u32): u32 {
  const l = linR(C.eaSeg, C.eaOff, size);
  if (fault) return 0;
  // the range spans at most two pages: touching both ends finds any page fault up front
  rd8(l);
  if (!fault) rd8(l + size - 1);
  return l;
}

/** FNSTENV: stores the environment, then masks every exception. */
export function fnstenv(): void {
  const l = wrLinChecked(envSize());
  if (fault) return;
  storeEnv(l);
  setCw(getCw() | 0x3F);
}

export function fldenv(): void {
  const l = readableRange(envSize());
  if (fault) return;
  loadEnv(l);
  retag();
}

/** FNSAVE: environment plus ST(0)..ST(7) as 80-bit values, then FNINIT. */
export function fnsave(): void {
  const n = envSize();
  const l = wrLinChecked(n + 80);
  if (fault) return;
  storeEnv(l);
  const top = getTop();
  for (let i: u32 = 0; i < 8; i++) {
    const p = (top + i) & 7;
    const a = l + n + i * 10;
    const sig = physSig(p);
    wr32(a, <u32>sig);
    wr32(a + 4, <u32>(sig >> 32));
    wr16(a + 8, physSe(p));
  }
  fninit();
}

export function frstor(): void {
  const n = envSize();
  const l = readableRange(n + 80);
  if (fault) return;
  loadEnv(l);
  const top = getTop();
  for (let i: u32 = 0; i < 8; i++) {
    const p = (top + i) & 7;
    const a = l + n + i * 10;
    const sig = <u64>rd32(a) | (<u64>rd32(a + 4) << 32);
    store<u64>(C.S + (p << 4), sig, OFF_FPU_ST);
    store<u64>(C.S + (p << 4), <u64>rd16(a + 8), OFF_FPU_ST + 8);
  }
  retag();
}
