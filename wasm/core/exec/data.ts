// Data movement and exchange (SDM vol. 2: MOV XCHG LEA CBW/CWDE CWD/CDQ MOVZX MOVSX BSWAP
// CMOVcc SETcc XLAT SAHF LAHF SALC INC/DEC r CMPXCHG CMPXCHG8B XADD).
import * as C from '../cpu';
import { fault, r8, w8, r16, w16, r32, w32, DS, EAX, EBX, ECX, EDX, raiseUD } from '../cpu';
import { fetch8, fetch16, fetch32, fetchZ, linW } from '../decode';
import { cond, getFlags, setFlags, lazyIncDec, L_INC, L_DEC, lazy, L_SUB, materialize, fl, setArith, ZF } from '../flags';
import { getReg, setReg, readE, writeE, readG, writeG, rdMem, wrMem, readRmw, writeRmw, sign, maskOf, rdLin, wrLin } from './operand';
import { rmwAddr, rdSlow, wrSlow } from '../mmu/mem';
import { globalLock, globalUnlock, alu, K_ADD, K_CMP, atomicMem, M_XCHG, M_ADD, M_CMPXCHG } from './alu';

export function op_mov_eb_gb(op: u32): void { writeE<u8>(readG<u8>()); }
export function op_mov_ev_gv(op: u32): void { if (C.opsz32) writeE<u32>(readG<u32>()); else writeE<u16>(readG<u16>()); }
export function op_mov_gb_eb(op: u32): void { const v = readE<u8>(); if (!fault) writeG<u8>(v); }
export function op_mov_gv_ev(op: u32): void {
  if (C.opsz32) { const v = readE<u32>(); if (!fault) writeG<u32>(v); }
  else { const v = readE<u16>(); if (!fault) writeG<u16>(v); }
}
export function op_mov_eb_ib(op: u32): void { const v = fetch8(); if (!fault) writeE<u8>(v); }
export function op_mov_ev_iz(op: u32): void { const v = fetchZ(); if (fault) return; if (C.opsz32) writeE<u32>(v); else writeE<u16>(v); }
@inline export function op_mov_r8_imm(op: u32): void { const v = fetch8(); if (!fault) w8(op & 7, v); }
@inline export function op_mov_r_imm(op: u32): void { const v = fetchZ(); if (fault) return; if (C.opsz32) w32(op & 7, v); else w16(op & 7, v); }
@inline function moffs(): u32 { return C.adsz32 ? fetch32() : fetch16(); }
@inline function moffsSeg(): u32 { return C.segOv != 0xFFFFFFFF ? C.segOv : DS; }
export function op_mov_al_ob(op: u32): void { const o = moffs(); if (fault) return; const v = rdMem<u8>(moffsSeg(), o); if (!fault) w8(0, v); }
export function op_mov_ax_ov(op: u32): void {
  const o = moffs(); if (fault) return;
  if (C.opsz32) { const v = rdMem<u32>(moffsSeg(), o); if (!fault) w32(0, v); }
  else { const v = rdMem<u16>(moffsSeg(), o); if (!fault) w16(0, v); }
}
export function op_mov_ob_al(op: u32): void { const o = moffs(); if (!fault) wrMem<u8>(moffsSeg(), o, r8(0)); }
export function op_mov_ov_ax(op: u32): void {
  const o = moffs(); if (fault) return;
  if (C.opsz32) wrMem<u32>(moffsSeg(), o, r32(0)); else wrMem<u16>(moffsSeg(), o, r16(0));
}
export function op_lea(op: u32): void {
  if (C.modrm >= 0xC0) { raiseUD(); return; }
  if (C.opsz32) writeG<u32>(C.eaOff); else writeG<u16>(C.eaOff);
}

// ---- exchange ----
@inline function xchgE<T>(): void {
  const g = (C.modrm >> 3) & 7;
  const b = getReg<T>(g);
  if (C.modrm >= 0xC0) { const a = getReg<T>(C.modrm & 7); setReg<T>(C.modrm & 7, b); setReg<T>(g, a); return; }
  // XCHG with memory is always locked.
  const lin = linW(C.eaSeg, C.eaOff, <u32>sizeof<T>());
  if (fault) return;
  const old = atomicMem<T>(M_XCHG, lin, b, 0);
  if (fault) return;
  setReg<T>(g, old);
}
export function op_xchg8(op: u32): void { xchgE<u8>(); }
export function op_xchg(op: u32): void { if (C.opsz32) xchgE<u32>(); else xchgE<u16>(); }
export function op_xchg_ax(op: u32): void {
  const r = op & 7;
  if (r == 0) { if (C.repPfx == 0xF3) C.pause(); return; } // NOP; PAUSE with F3
  if (C.opsz32) { const t = r32(r); w32(r, r32(EAX)); w32(EAX, t); }
  else { const t = r16(r); w16(r, r16(EAX)); w16(EAX, t); }
}

export function op_cbw(op: u32): void {
  if (C.opsz32) w32(EAX, <u32>(<i32>(<i16>r16(EAX))));
  else w16(EAX, <u32>(<i32>(<i8>r8(0))));
}
export function op_cwd(op: u32): void {
  if (C.opsz32) w32(EDX, (r32(EAX) & 0x80000000) ? 0xFFFFFFFF : 0);
  else w16(EDX, (r16(EAX) & 0x8000) ? 0xFFFF : 0);
}
export function op_movzx8(op: u32): void { const v = readE<u8>(); if (fault) return; if (C.opsz32) writeG<u32>(v); else writeG<u16>(v); }
export function op_movzx16(op: u32): void { const v = readE<u16>(); if (fault) return; if (C.opsz32) writeG<u32>(v); else writeG<u16>(v); }
export function op_movsx8(op: u32): void {
  const v = <u32>(<i32>(<i8>readE<u8>())); if (fault) return;
  if (C.opsz32) writeG<u32>(v); else writeG<u16>(v);
}
export function op_movsx16(op: u32): void {
  const v = <u32>(<i32>(<i16>readE<u16>())); if (fault) return;
  if (C.opsz32) writeG<u32>(v); else writeG<u16>(v);
}
export function op_bswap(op: u32): void {
  // BSWAP with a 16-bit operand is undefined; P6 and later clear the register's low word.
  if (C.opsz32) w32(op & 7, bswap<u32>(r32(op & 7))); else w16(op & 7, 0);
}
export function op_cmovcc(op: u32): void {
  // The source is read (and may fault) whether or not the condition holds.
  if (C.opsz32) { const v = readE<u32>(); if (fault) return; if (cond(op & 15)) writeG<u32>(v); }
  else { const v = readE<u16>(); if (fault) return; if (cond(op & 15)) writeG<u16>(v); }
}
export function op_setcc(op: u32): void { writeE<u8>(cond(op & 15) ? 1 : 0); }
export function op_xlat(op: u32): void {
  const off = C.adsz32 ? r32(EBX) + r8(0) : (r16(EBX) + r8(0)) & 0xFFFF;
  const v = rdMem<u8>(C.segOv != 0xFFFFFFFF ? C.segOv : DS, off);
  if (!fault) w8(0, v);
}
export function op_sahf(op: u32): void { setFlags((getFlags() & ~0xD5) | (r8(4) & 0xD5)); }
export function op_lahf(op: u32): void { w8(4, (getFlags() & 0xD5) | 2); }
export function op_salc(op: u32): void { materialize(); w8(0, (fl & 1) ? 0xFF : 0); }

@inline export function op_inc_reg(op: u32): void {
  const r = op & 7;
  if (C.opsz32) { const a = r32(r); const v = a + 1; lazyIncDec(L_INC, a, v, 0x80000000); w32(r, v); }
  else { const a = r16(r); const v = a + 1; lazyIncDec(L_INC, a, v, 0x8000); w16(r, v); }
}
@inline export function op_dec_reg(op: u32): void {
  const r = op & 7;
  if (C.opsz32) { const a = r32(r); const v = a - 1; lazyIncDec(L_DEC, a, v, 0x80000000); w32(r, v); }
  else { const a = r16(r); const v = a - 1; lazyIncDec(L_DEC, a, v, 0x8000); w16(r, v); }
}

// ---- CMPXCHG, XADD, CMPXCHG8B ----
@inline function cmpxchgE<T>(): void {
  const g = (C.modrm >> 3) & 7;
  const acc = getReg<T>(EAX);
  const src = getReg<T>(g);
  if (C.modrm >= 0xC0) {
    const d = getReg<T>(C.modrm & 7);
    alu<T>(K_CMP, acc, d);
    if (d == acc) setReg<T>(C.modrm & 7, src); else setReg<T>(EAX, d);
    return;
  }
  const lin = linW(C.eaSeg, C.eaOff, <u32>sizeof<T>());
  if (fault) return;
  const old = atomicMem<T>(M_CMPXCHG, lin, src, acc);
  if (fault) return;
  alu<T>(K_CMP, acc, old);
  if (old != acc) setReg<T>(EAX, old);
}
export function op_cmpxchg8(op: u32): void { cmpxchgE<u8>(); }
export function op_cmpxchg(op: u32): void { if (C.opsz32) cmpxchgE<u32>(); else cmpxchgE<u16>(); }

@inline function xaddE<T>(): void {
  const g = (C.modrm >> 3) & 7;
  const src = getReg<T>(g);
  if (C.modrm >= 0xC0) {
    const d = getReg<T>(C.modrm & 7);
    const r = alu<T>(K_ADD, d, src);
    setReg<T>(g, d);
    setReg<T>(C.modrm & 7, r);
    return;
  }
  const lin = linW(C.eaSeg, C.eaOff, <u32>sizeof<T>());
  if (fault) return;
  const old = atomicMem<T>(M_ADD, lin, src, 0);
  if (fault) return;
  alu<T>(K_ADD, old, src);
  setReg<T>(g, old);
}
export function op_xadd8(op: u32): void { xaddE<u8>(); }
export function op_xadd(op: u32): void { if (C.opsz32) xaddE<u32>(); else xaddE<u16>(); }

export function op_cmpxchg8b(op: u32): void {
  if (C.modrm >= 0xC0) { raiseUD(); return; }
  const lin = linW(C.eaSeg, C.eaOff, 8);
  if (fault) return;
  const expLo = r32(EAX), expHi = r32(EDX);
  const exp = (<u64>expHi << 32) | <u64>expLo;
  const nv = (<u64>r32(ECX) << 32) | <u64>r32(EBX);
  const addr = rmwAddr(lin, 8);
  if (fault) return;
  let old: u64;
  if (addr != 0 && (addr & 7) == 0) old = atomic.cmpxchg<u64>(addr, exp, nv);
  else {
    // Misaligned or crossing: both halves must be writable before either is touched.
    const a2 = rmwAddr(lin + 4, 4);
    if (fault) return;
    globalLock();
    const lo = rdSlow(lin, 4);
    const hi = rdSlow(lin + 4, 4);
    old = (<u64>hi << 32) | <u64>lo;
    const w = old == exp ? nv : old;
    if (!fault) { wrSlow(lin, 4, <u32>w); wrSlow(lin + 4, 4, <u32>(w >> 32)); }
    globalUnlock();
    if (fault || a2 == 0xFFFFFFFF) return;
  }
  materialize();
  if (old == exp) setArith((fl & 0x8D5) | ZF);
  else {
    setArith(fl & ~ZF & 0x8D5);
    w32(EAX, <u32>old);
    w32(EDX, <u32>(old >> 32));
  }
}
export { sign, maskOf, readRmw, writeRmw, rdLin, wrLin, lazy, L_SUB };
