// Near control transfer (SDM vol. 2: Jcc JMP CALL RET LOOP/LOOPcc JCXZ/JECXZ BOUND).
import * as C from '../cpu';
import { fault, r32, w32, r16, w16, ECX, raise, raiseUD } from '../cpu';
import { fetch8, fetchS8, fetch16, fetch32, branchOk } from '../decode';
import { cond, getZF } from '../flags';
import { readE, rdMem } from './operand';
import { pushV, pushCheck, pop32, pop16, sp, setSp } from './stack';
import { vendor, VENDOR_INTEL } from '../vendor';

@inline function jumpTo(target: u32): void {
  const t = C.opsz32 ? target : target & 0xFFFF;
  if (branchOk(t)) C.ip = t;
}

@inline export function op_jcc8(op: u32): void {
  const d = fetchS8();
  if (fault) return;
  if (cond(op & 15)) jumpTo(C.ip + d);
}
export function op_jcc_z(op: u32): void {
  const d = C.opsz32 ? fetch32() : <u32>(<i32>(<i16>fetch16()));
  if (fault) return;
  if (cond(op & 15)) jumpTo(C.ip + d);
}
export function op_jmp_jb(op: u32): void { const d = fetchS8(); if (!fault) jumpTo(C.ip + d); }
export function op_jmp_jz(op: u32): void {
  const d = C.opsz32 ? fetch32() : fetch16();
  if (!fault) jumpTo(C.ip + d);
}
/**
 * Near CALL to `t`. The SDM's pseudo-code checks the target against the CS limit before the push;
 * Intel checks the return address's stack slot first (#SS/#PF before #GP; measured with the diff
 * test's runner, vendor.ts). AMD keeps the SDM's order (not measured).
 */
@inline function callTo(t: u32): void {
  if (vendor == VENDOR_INTEL) {
    pushCheck(C.opsz32 ? 4 : 2);
    if (fault) return;
  }
  if (!branchOk(t)) return;
  pushV(C.ip);
  if (!fault) C.ip = t;
}
export function op_call_jz(op: u32): void {
  const d = C.opsz32 ? fetch32() : fetch16();
  if (fault) return;
  callTo(C.opsz32 ? C.ip + d : (C.ip + d) & 0xFFFF);
}
export function op_call_ev(op: u32): void {
  const t = C.opsz32 ? readE<u32>() : readE<u16>();
  if (!fault) callTo(t);
}
export function op_jmp_ev(op: u32): void {
  const t = C.opsz32 ? readE<u32>() : readE<u16>();
  if (!fault) jumpTo(t);
}
export function op_ret(op: u32): void {
  const t = C.opsz32 ? pop32() : pop16();
  if (!fault) jumpTo(t);
}
export function op_ret_imm(op: u32): void {
  const n = fetch16();
  if (fault) return;
  const t = C.opsz32 ? pop32() : pop16();
  if (fault) return;
  setSp(sp() + n);
  jumpTo(t);
}

/** Decrement CX/ECX (by address size) and return the new value. */
@inline function decCount(): u32 {
  if (C.adsz32) { const v = r32(ECX) - 1; w32(ECX, v); return v; }
  const v = (r16(ECX) - 1) & 0xFFFF; w16(ECX, v); return v;
}
export function op_loop(op: u32): void {
  const d = fetchS8(); if (fault) return;
  if (decCount() != 0) jumpTo(C.ip + d);
}
export function op_loope(op: u32): void {
  const d = fetchS8(); if (fault) return;
  if (decCount() != 0 && getZF()) jumpTo(C.ip + d);
}
export function op_loopne(op: u32): void {
  const d = fetchS8(); if (fault) return;
  if (decCount() != 0 && !getZF()) jumpTo(C.ip + d);
}
export function op_jcxz(op: u32): void {
  const d = fetchS8(); if (fault) return;
  if ((C.adsz32 ? r32(ECX) : r16(ECX)) == 0) jumpTo(C.ip + d);
}

export function op_bound(op: u32): void {
  if (C.modrm >= 0xC0) { raiseUD(); return; }
  const g = (C.modrm >> 3) & 7;
  const v = C.opsz32 ? <i32>r32(g) : <i32>(<i16>r16(g));
  const lo = boundAt(0);
  if (fault) return;
  // Intel compares with the lower bound before it reads the upper one: an index below it raises
  // #BR where reading the upper bound would fault (#GP, #SS, #PF); AMD reads both first (measured,
  // vendor.ts).
  if (vendor == VENDOR_INTEL && v < lo) { raise(5, 0, false); return; }
  const hi = boundAt(C.opsz32 ? 4 : 2);
  if (fault) return;
  if (v < lo || v > hi) raise(5, 0, false);
}
/** The signed bound `d` bytes into BOUND's operand (the offset wraps at the address size). */
@inline function boundAt(d: u32): i32 {
  const off = (C.eaOff + d) & (C.adsz32 ? 0xFFFFFFFF : 0xFFFF);
  return C.opsz32 ? <i32>rdMem<u32>(C.eaSeg, off) : <i32>(<i16>rdMem<u16>(C.eaSeg, off));
}
export { fetch8 };
