// Bit operations (SDM vol. 2: BT BTS BTR BTC BSF BSR SHLD SHRD).
import * as C from '../cpu';
import { fault, r8, raiseUD } from '../cpu';
import { fetch8, linW, linR } from '../decode';
import { setArith, materialize, fl, szp, CF, OF, ZF, AF } from '../flags';
import { getReg, setReg, readE, readRmw, writeRmw, writeG, sign, maskOf, bits, rdLin, wrLin } from './operand';
import { rmwAddr, rdSlow, wrSlow } from '../mmu/mem';
import { atomicMem, M_OR, M_AND, M_XOR } from './alu';

/** k: 0 BT, 1 BTS, 2 BTR, 3 BTC */
@inline function btApply(k: u32, v: u32, m: u32): u32 {
  return k == 1 ? v | m : k == 2 ? v & ~m : k == 3 ? v ^ m : v;
}
@inline function setCarry(c: bool): void { materialize(); setArith(c ? fl | CF : fl & ~CF); }

@inline function btOp<T>(k: u32, off: u32, fromReg: bool): void {
  const w = bits<T>();
  if (C.modrm >= 0xC0) {
    const r = C.modrm & 7;
    const v = getReg<T>(r);
    const m: u32 = 1 << (off & (w - 1));
    setCarry((v & m) != 0);
    if (k != 0) setReg<T>(r, btApply(k, v, m));
    return;
  }
  // Memory: a register bit offset is signed and may address outside the operand.
  let ea = C.eaOff;
  if (fromReg) {
    const so = sizeof<T>() == 2 ? <i32>(<i16>off) : <i32>off;
    ea += <u32>((so >> (sizeof<T>() == 2 ? 4 : 5)) * <i32>sizeof<T>());
    if (!C.adsz32) ea &= 0xFFFF;
  }
  const m: u32 = 1 << (off & (w - 1));
  const size = <u32>sizeof<T>();
  if (k == 0) {
    const l = linR(C.eaSeg, ea, size); if (fault) return;
    const v = rdLin<T>(l); if (fault) return;
    setCarry((v & m) != 0);
    return;
  }
  const l = linW(C.eaSeg, ea, size); if (fault) return;
  if (C.lockPfx) {
    const old = atomicMem<T>(k == 1 ? M_OR : k == 2 ? M_AND : M_XOR, l, k == 2 ? ~m : m, 0);
    if (fault) return;
    setCarry((old & m) != 0);
    return;
  }
  const v = rdLin<T>(l); if (fault) return;
  wrLin<T>(l, btApply(k, v, m)); if (fault) return;
  setCarry((v & m) != 0);
}
@inline function btG(k: u32): void {
  const g = (C.modrm >> 3) & 7;
  if (C.opsz32) btOp<u32>(k, getReg<u32>(g), true); else btOp<u16>(k, getReg<u16>(g), true);
}
@inline function btI(k: u32): void {
  const i = fetch8(); if (fault) return;
  if (C.opsz32) btOp<u32>(k, i, false); else btOp<u16>(k, i, false);
}
export function op_bt_ev_gv(op: u32): void { if (C.lockPfx) { raiseUD(); return; } btG(0); }
export function op_bts_ev_gv(op: u32): void { btG(1); }
export function op_btr_ev_gv(op: u32): void { btG(2); }
export function op_btc_ev_gv(op: u32): void { btG(3); }
export function op_bt_ev_ib(op: u32): void { if (C.lockPfx) { raiseUD(); return; } btI(0); }
export function op_bts_ev_ib(op: u32): void { btI(1); }
export function op_btr_ev_ib(op: u32): void { btI(2); }
export function op_btc_ev_ib(op: u32): void { btI(3); }

// BSF/BSR: ZF=1 and the destination unchanged for a zero source; other flags are undefined and
// follow what P6-family parts do (SF PF from... the SDM leaves them undefined: we clear CF OF SF AF PF).
@inline function bsx<T>(rev: bool): void {
  const v = readE<T>(); if (fault) return;
  materialize();
  if (v == 0) { setArith((fl & ~0x8D5) | ZF); return; }
  const idx: u32 = rev ? 31 - clz<u32>(v) : ctz<u32>(v);
  writeG<T>(idx);
  setArith((fl & ~0x8D5) | szp(idx, sign<T>()) & ~ZF);
}
export function op_bsf(op: u32): void { if (C.opsz32) bsx<u32>(false); else bsx<u16>(false); }
export function op_bsr(op: u32): void { if (C.opsz32) bsx<u32>(true); else bsx<u16>(true); }

// SHLD/SHRD
@inline function shxd<T>(left: bool, n: u32): void {
  const g = getReg<T>((C.modrm >> 3) & 7);
  const a = readRmw<T>(); if (fault) return;
  n &= 31;
  if (n == 0) return;
  const w = bits<T>();
  const s = sign<T>();
  let r: u32;
  let cf: u32;
  if (sizeof<T>() == 4) {
    if (left) { r = (a << n) | (g >>> (32 - n)); cf = (a >>> (32 - n)) & 1; }
    else { r = (a >>> n) | (g << (32 - n)); cf = (a >>> (n - 1)) & 1; }
  } else {
    // 16-bit: the 32-bit concatenation (dest:src); counts above 16 are undefined — P6 shifts
    // through the 48-bit pattern dest:src:dest.
    const x: u64 = left ? (<u64>a << 32) | (<u64>g << 16) | <u64>a : (<u64>a << 32) | (<u64>g << 16) | <u64>a;
    if (left) { r = <u32>(x >> (32 - n)) & 0xFFFF; cf = <u32>(x >> (48 - n)) & 1; }
    else {
      const y: u64 = (<u64>a) | (<u64>g << 16) | (<u64>a << 32);
      r = <u32>(y >> n) & 0xFFFF; cf = <u32>(y >> (n - 1)) & 1;
    }
  }
  r &= maskOf<T>();
  writeRmw<T>(r); if (fault) return;
  const ov = ((r ^ a) & s) != 0;
  materialize();
  setArith(szp(r, s) | (cf ? CF : 0) | (ov ? OF : 0));
  if (w == 0) return;
}
export function op_shld_ib(op: u32): void { const n = fetch8(); if (fault) return; if (C.opsz32) shxd<u32>(true, n); else shxd<u16>(true, n); }
export function op_shld_cl(op: u32): void { const n = r8(1); if (C.opsz32) shxd<u32>(true, n); else shxd<u16>(true, n); }
export function op_shrd_ib(op: u32): void { const n = fetch8(); if (fault) return; if (C.opsz32) shxd<u32>(false, n); else shxd<u16>(false, n); }
export function op_shrd_cl(op: u32): void { const n = r8(1); if (C.opsz32) shxd<u32>(false, n); else shxd<u16>(false, n); }
export { AF };
