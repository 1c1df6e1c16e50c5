// Stack operations (SDM vol. 2: PUSH POP PUSHA POPA ENTER LEAVE PUSHF POPF).
import * as C from '../cpu';
import { fault, r32, w32, r16, w16, SS, ESP, EBP, raiseGP } from '../cpu';
import { linR, linW, fetch16, fetch8, fetchZ, fetchS8, eaEspBase } from '../decode';
import { rd16, rd32, wr16, wr32 } from '../mmu/mem';
import { getFlags, setFlags, IF, IOPL, VM, RF, VIF, VIP, AC, ID, NT, TF, DF, ARITH } from '../flags';
import { getReg, setReg, readE, writeE } from './operand';
import { pushfV86, popfV86 } from './vme';

@inline export function sp(): u32 { return C.stack32 ? r32(ESP) : r16(ESP); }
@inline export function setSp(v: u32): void { if (C.stack32) w32(ESP, v); else w16(ESP, v); }
@inline function spOff(v: u32): u32 { return C.stack32 ? v : v & 0xFFFF; }

export function push32(v: u32): void {
  const n = sp() - 4;
  const l = linW(SS, spOff(n), 4);
  if (fault) return;
  wr32(l, v);
  if (fault) return;
  setSp(n);
}
export function push16(v: u32): void {
  const n = sp() - 2;
  const l = linW(SS, spOff(n), 2);
  if (fault) return;
  wr16(l, v);
  if (fault) return;
  setSp(n);
}
/**
 * A 32-bit slot whose low half alone is written: ESP moves by 4, the 16-bit value lands at the new
 * ESP, and only those two bytes are checked (limit, paging) and stored (Intel's PUSH Sreg, vendor.ts).
 */
export function push16Slot32(v: u32): void {
  const n = sp() - 4;
  const l = linW(SS, spOff(n), 2);
  if (fault) return;
  wr16(l, v);
  if (fault) return;
  setSp(n);
}
@inline export function pushV(v: u32): void { if (C.opsz32) push32(v); else push16(v); }
/** Checks (limit, paging) the slot a push of `size` bytes would write, without writing it. */
export function pushCheck(size: u32): void { linW(SS, spOff(sp() - size), size); }
/** Read the value `depth` bytes above the stack top without popping. */
export function peek32(depth: u32): u32 {
  const l = linR(SS, spOff(sp() + depth), 4);
  return fault ? 0 : rd32(l);
}
export function peek16(depth: u32): u32 {
  const l = linR(SS, spOff(sp() + depth), 2);
  return fault ? 0 : rd16(l);
}
export function pop32(): u32 { const v = peek32(0); if (!fault) setSp(sp() + 4); return v; }
export function pop16(): u32 { const v = peek16(0); if (!fault) setSp(sp() + 2); return v; }
@inline export function popV(): u32 { return C.opsz32 ? pop32() : pop16(); }

export function op_push_reg(op: u32): void { pushV(C.opsz32 ? r32(op & 7) : r16(op & 7)); }
export function op_pop_reg(op: u32): void {
  const v = popV();
  if (fault) return;
  if (C.opsz32) w32(op & 7, v); else w16(op & 7, v);
}
export function op_push_imm(op: u32): void { const v = fetchZ(); if (!fault) pushV(v); }
export function op_push_imm8(op: u32): void { const v = fetchS8(); if (!fault) pushV(v); }
export function op_push_ev(op: u32): void {
  if (C.opsz32) { const v = readE<u32>(); if (!fault) push32(v); }
  else { const v = readE<u16>(); if (!fault) push16(v); }
}
export function op_pop_ev(op: u32): void {
  // The ESP used to address the destination is the value after the pop (SDM POP).
  const v = popV();
  if (fault) return;
  // SDM POP: an ESP-based destination address is computed with the incremented ESP.
  if (C.modrm < 0xC0 && eaEspBase) C.eaOff += C.opsz32 ? 4 : 2;
  if (C.opsz32) writeE<u32>(v); else writeE<u16>(v);
}

export function op_pusha(op: u32): void {
  const s = sp();
  const size: u32 = C.opsz32 ? 4 : 2;
  // Check the whole area first: nothing is written if any part faults.
  linW(SS, spOff(s - size * 8), size);
  if (fault) return;
  linW(SS, spOff(s - size), size);
  if (fault) return;
  for (let r: u32 = 0; r < 8; r++) {
    const v = r == ESP ? (C.opsz32 ? r32(ESP) : r16(ESP)) : C.opsz32 ? r32(r) : r16(r);
    const off = spOff(s - size * (r + 1));
    const l = linW(SS, off, size);
    if (C.opsz32) wr32(l, v); else wr16(l, v);
    if (fault) return;
  }
  setSp(s - size * 8);
}
export function op_popa(op: u32): void {
  // Read all eight slots before any register changes (a fault leaves the registers untouched).
  const s = sp();
  const size: u32 = C.opsz32 ? 4 : 2;
  const v7 = popSlot(s, size, 0); if (fault) return;
  const v6 = popSlot(s, size, 1); if (fault) return;
  const v5 = popSlot(s, size, 2); if (fault) return;
  const v3 = popSlot(s, size, 4); if (fault) return;
  const v2 = popSlot(s, size, 5); if (fault) return;
  const v1 = popSlot(s, size, 6); if (fault) return;
  const v0 = popSlot(s, size, 7); if (fault) return;
  if (C.opsz32) {
    w32(7, v7); w32(6, v6); w32(5, v5); w32(3, v3); w32(2, v2); w32(1, v1); w32(0, v0);
  } else {
    w16(7, v7); w16(6, v6); w16(5, v5); w16(3, v3); w16(2, v2); w16(1, v1); w16(0, v0);
  }
  setSp(s + size * 8);
}
/** Slot k (0 = the top, EDI) of a POPA frame at stack offset s. */
function popSlot(s: u32, size: u32, k: u32): u32 {
  const l = linR(SS, spOff(s + size * k), size);
  if (fault) return 0;
  return size == 4 ? rd32(l) : rd16(l);
}

export function op_enter(op: u32): void {
  const size = fetch16();
  const level = fetch8() & 31;
  if (fault) return;
  const osz: u32 = C.opsz32 ? 4 : 2;
  const bp = C.stack32 ? r32(EBP) : r16(EBP);
  pushV(C.opsz32 ? r32(EBP) : r16(EBP));
  if (fault) return;
  // FrameTemp is ESP for a 32-bit operand size, SP for 16 (SDM ENTER), whatever the stack size.
  const frame = C.opsz32 ? r32(ESP) : r16(ESP);
  let tbp = bp;
  if (level > 0) {
    for (let i: u32 = 1; i < level; i++) {
      tbp -= osz;
      const l = linR(SS, spOff(tbp), osz);
      if (fault) return;
      const v = C.opsz32 ? rd32(l) : rd16(l);
      if (fault) return;
      pushV(v);
      if (fault) return;
    }
    pushV(frame);
    if (fault) return;
  }
  const nsp = sp() - size;
  // The new stack top must be writable (SDM: ENTER checks the final ESP).
  linW(SS, spOff(nsp), 1);
  if (fault) return;
  if (C.opsz32) w32(EBP, frame); else w16(EBP, frame);
  setSp(nsp);
}
export function op_leave(op: u32): void {
  const bp = C.stack32 ? r32(EBP) : r16(EBP);
  const l = linR(SS, spOff(bp), C.opsz32 ? 4 : 2);
  if (fault) return;
  const v = C.opsz32 ? rd32(l) : rd16(l);
  if (fault) return;
  setSp(bp + (C.opsz32 ? 4 : 2));
  if (C.opsz32) w32(EBP, v); else w16(EBP, v);
}

export function op_pushf(op: u32): void {
  const f = getFlags();
  if (C.v86 && (f & IOPL) != IOPL) { pushfV86(C.opsz32); return; }
  if (C.opsz32) push32(f & ~(VM | RF)); else push16(f);
}
export function op_popf(op: u32): void {
  const f = getFlags();
  const iopl = (f >> 12) & 3;
  if (C.v86 && iopl != 3) { popfV86(C.opsz32); return; }
  const v = C.opsz32 ? pop32() : pop16() | (f & 0xFFFF0000);
  if (fault) return;
  // Which bits POPF may change depends on CPL and IOPL (SDM POPF table).
  let mask: u32 = ARITH | TF | DF | NT | AC | ID;
  const cpl = C.cpl();
  if (!C.protMode && !C.v86) mask |= IF | IOPL;
  else if (C.v86) mask |= IF;
  else {
    if (cpl == 0) mask |= IOPL;
    if (cpl <= iopl) mask |= IF;
  }
  if (!C.opsz32) mask &= 0xFFFF;
  setFlags((f & ~mask) | (v & mask));
}
export { getReg, setReg, VIF, VIP, fetch16 };
