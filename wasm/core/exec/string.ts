// String instructions (SDM vol. 2: MOVS CMPS SCAS LODS STOS INS OUTS) with REP/REPE/REPNE, for
// 16- and 32-bit address sizes. A REP instruction runs a bounded number of iterations per step and
// then re-executes itself, so interrupts are taken between iterations as on real hardware.
import * as C from '../cpu';
import { fault, r32, w32, r16, w16, ECX, ESI, EDI, DS, ES, raiseGP } from '../cpu';
import { fl, DF } from '../flags';
import { alu, K_CMP } from './alu';
import { getReg, setReg, rdMem, wrMem, sign, maskOf } from './operand';
import { getZF } from '../flags';
import { hostIoRead, hostIoWrite } from '../host';
import { ioAllowed } from './system';

const CHUNK: u32 = 1024;

@inline function srcSeg(): u32 { return C.segOv != 0xFFFFFFFF ? C.segOv : DS; }
@inline function idx(r: u32): u32 { return C.adsz32 ? r32(r) : r16(r); }
@inline function advance(r: u32, size: u32): void {
  const d: u32 = (fl & DF) ? 0 - size : size;
  if (C.adsz32) w32(r, r32(r) + d); else w16(r, r16(r) + d);
}
@inline function count(): u32 { return C.adsz32 ? r32(ECX) : r16(ECX); }
@inline function setCount(v: u32): void { if (C.adsz32) w32(ECX, v); else w16(ECX, v); }

/** kind: 0 MOVS, 1 STOS, 2 LODS, 3 CMPS, 4 SCAS, 5 INS, 6 OUTS */
@inline function one<T>(kind: u32): void {
  const size = <u32>sizeof<T>();
  switch (kind) {
    case 0: {
      const v = rdMem<T>(srcSeg(), idx(ESI)); if (fault) return;
      wrMem<T>(ES, idx(EDI), v); if (fault) return;
      advance(ESI, size); advance(EDI, size);
      break;
    }
    case 1: wrMem<T>(ES, idx(EDI), getReg<T>(0)); if (fault) return; advance(EDI, size); break;
    case 2: { const v = rdMem<T>(srcSeg(), idx(ESI)); if (fault) return; setReg<T>(0, v); advance(ESI, size); break; }
    case 3: {
      const a = rdMem<T>(srcSeg(), idx(ESI)); if (fault) return;
      const b = rdMem<T>(ES, idx(EDI)); if (fault) return;
      alu<T>(K_CMP, a, b);
      advance(ESI, size); advance(EDI, size);
      break;
    }
    case 4: {
      const b = rdMem<T>(ES, idx(EDI)); if (fault) return;
      alu<T>(K_CMP, getReg<T>(0), b);
      advance(EDI, size);
      break;
    }
    case 5: {
      // The destination must be writable before the port is read (a port read can have effects).
      wrMem<T>(ES, idx(EDI), 0); if (fault) return;
      const v = hostIoRead(r16(2), size) & maskOf<T>();
      wrMem<T>(ES, idx(EDI), v); if (fault) return;
      advance(EDI, size);
      break;
    }
    default: {
      const v = rdMem<T>(srcSeg(), idx(ESI)); if (fault) return;
      hostIoWrite(r16(2), size, v);
      advance(ESI, size);
      break;
    }
  }
}

@inline function str<T>(kind: u32): void {
  if ((kind == 5 || kind == 6) && !ioAllowed(r16(2), <u32>sizeof<T>())) { raiseGP(0); return; }
  if (C.repPfx == 0) { one<T>(kind); return; }
  const cond = kind == 3 || kind == 4;
  let n = count();
  let i: u32 = 0;
  while (n != 0) {
    one<T>(kind);
    if (fault) return;
    n--;
    setCount(n);
    if (cond && (C.repPfx == 0xF3 ? !getZF() : getZF())) return;
    if (++i == CHUNK && n != 0) { C.ip = C.startIp; return; } // continue after pending events
  }
}
export function op_movs8(op: u32): void { str<u8>(0); }
export function op_movs(op: u32): void { if (C.opsz32) str<u32>(0); else str<u16>(0); }
export function op_stos8(op: u32): void { str<u8>(1); }
export function op_stos(op: u32): void { if (C.opsz32) str<u32>(1); else str<u16>(1); }
export function op_lods8(op: u32): void { str<u8>(2); }
export function op_lods(op: u32): void { if (C.opsz32) str<u32>(2); else str<u16>(2); }
export function op_cmps8(op: u32): void { str<u8>(3); }
export function op_cmps(op: u32): void { if (C.opsz32) str<u32>(3); else str<u16>(3); }
export function op_scas8(op: u32): void { str<u8>(4); }
export function op_scas(op: u32): void { if (C.opsz32) str<u32>(4); else str<u16>(4); }
export function op_ins8(op: u32): void { str<u8>(5); }
export function op_ins(op: u32): void { if (C.opsz32) str<u32>(5); else str<u16>(5); }
export function op_outs8(op: u32): void { str<u8>(6); }
export function op_outs(op: u32): void { if (C.opsz32) str<u32>(6); else str<u16>(6); }
export { sign };
