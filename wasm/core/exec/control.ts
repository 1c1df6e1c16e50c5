// Near control transfer (SDM vol. 2: Jcc JMP CALL RET LOOP/LOOPcc JCXZ/JECXZ BOUND).
import * as C from '../cpu';
import { fault, r32, w32, r16, w16, ECX, raise, raiseUD } from '../cpu';
import { fetch8, fetchS8, fetch16, fetch32, branchOk } from '../decode';
import { cond, getZF } from '../flags';
import { readE, rdMem } from './operand';
import { pushV, pop32, pop16, sp, setSp } from './stack';

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
export function op_call_jz(op: u32): void {
  const d = C.opsz32 ? fetch32() : fetch16();
  if (fault) return;
  const t = C.opsz32 ? C.ip + d : (C.ip + d) & 0xFFFF;
  if (!branchOk(t)) return;
  pushV(C.ip);
  if (!fault) C.ip = t;
}
export function op_call_ev(op: u32): void {
  const t = C.opsz32 ? readE<u32>() : readE<u16>();
  if (fault || !branchOk(t)) return;
  pushV(C.ip);
  if (!fault) C.ip = t;
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
  if (C.opsz32) {
    const lo = <i32>rdMem<u32>(C.eaSeg, C.eaOff);
    const hi = <i32>rdMem<u32>(C.eaSeg, (C.eaOff + 4) & (C.adsz32 ? 0xFFFFFFFF : 0xFFFF));
    if (fault) return;
    const v = <i32>r32(g);
    if (v < lo || v > hi) raise(5, 0, false);
  } else {
    const lo = <i32>(<i16>rdMem<u16>(C.eaSeg, (C.eaOff) & (C.adsz32 ? 0xFFFFFFFF : 0xFFFF)));
    const hi = <i32>(<i16>rdMem<u16>(C.eaSeg, (C.eaOff + 2) & (C.adsz32 ? 0xFFFFFFFF : 0xFFFF)));
    if (fault) return;
    const v = <i32>(<i16>r16(g));
    if (v < lo || v > hi) raise(5, 0, false);
  }
}
export { fetch8 };
