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
import { segFast } from '../decode';
import { tlbHostR, tlbHostW } from '../mmu/mem';
import { segBase } from '../cpu';
import * as D from '../debug';

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

/**
 * REP MOVS / REP STOS, forward, 32-bit addresses, flat segments: whole runs of elements that stay
 * inside one page of the source and one of the destination, both already in the TLB, move as
 * one block (the per-element path fills the TLB, faults and handles page-crossing elements).
 * A MOVS whose destination overlaps the source from above is element-wise replication on x86,
 * not memmove: left to the per-element path. Returns the elements done (at most `limit`).
 */
@inline function repBlock<T>(kind: u32, limit: u32): u32 {
  const size = <u32>sizeof<T>();
  const src = srcSeg();
  if (!C.adsz32 || (fl & DF) || !(segFast & (1 << (ES + 8))) || (kind == 0 && !(segFast & (1 << src)))) return 0;
  let n = r32(ECX);
  if (n > limit) n = limit;
  let done: u32 = 0;
  while (n != 0) {
    const edi = r32(EDI);
    const dLin = segBase(ES) + edi;
    const dh = tlbHostW(dLin);
    if (dh == 0) break;
    let m: u32 = (0x1000 - (dLin & 0xFFF)) / size;
    if (m > n) m = n;
    if (kind == 0) {
      const esi = r32(ESI);
      const sLin = segBase(src) + esi;
      const sh = tlbHostR(sLin);
      if (sh == 0) break;
      const ms: u32 = (0x1000 - (sLin & 0xFFF)) / size;
      if (ms < m) m = ms;
      if (m == 0) break;
      const bytes = m * size;
      if (dh > sh && dh - sh < bytes) break; // overlapping from above: replicate element-wise
      memory.copy(dh, sh, bytes);
      w32(ESI, esi + bytes);
    } else {
      if (m == 0) break;
      const v = getReg<T>(0);
      if (size == 1) memory.fill(dh, <u8>v, m);
      else for (let k: u32 = 0; k < m; k++) store<T>(dh + k * size, <T>v);
    }
    w32(EDI, edi + m * size);
    n -= m;
    done += m;
    w32(ECX, r32(ECX) - m);
  }
  return done;
}

@inline function str<T>(kind: u32): void {
  if (kind == 5 || kind == 6) {
    if (!ioAllowed(r16(2), <u32>sizeof<T>())) { raiseGP(0); return; }
    if (D.ioArmed && (C.repPfx == 0 || count() != 0)) D.ioCheck(r16(2), <u32>sizeof<T>());
  }
  if (C.repPfx == 0) { one<T>(kind); return; }
  const cond = kind == 3 || kind == 4;
  let i: u32 = 0;
  let n = count();
  while (n != 0) {
    if (kind <= 1) { // block moves first; the per-element path takes what they leave
      i += repBlock<T>(kind, CHUNK - i);
      n = count();
      if (n == 0) break;
      if (i >= CHUNK) { C.ip = C.startIp; return; }
    }
    one<T>(kind);
    if (fault) return;
    n--;
    setCount(n);
    if (cond && (C.repPfx == 0xF3 ? !getZF() : getZF())) return;
    // A breakpoint hit traps after this iteration; the instruction resumes with the next one.
    if (D.hits() != 0) { if (n != 0) C.ip = C.startIp; return; }
    if (++i >= CHUNK && n != 0) { C.ip = C.startIp; return; } // continue after pending events
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
