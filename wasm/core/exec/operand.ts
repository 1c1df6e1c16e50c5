// Size-generic operand access: T is u8, u16 or u32 and selects the width at compile time.
import * as C from '../cpu';
import { r8, r16, r32, w8, w16, w32, fault } from '../cpu';
import { linR, linW, fetch8, fetch16, fetch32 } from '../decode';
import { rd8, rd16, rd32, wr8, wr16, wr32, rdForWrite } from '../mmu/mem';

@inline export function sign<T>(): u32 { return sizeof<T>() == 1 ? 0x80 : sizeof<T>() == 2 ? 0x8000 : 0x80000000; }
@inline export function maskOf<T>(): u32 { return sizeof<T>() == 1 ? 0xFF : sizeof<T>() == 2 ? 0xFFFF : 0xFFFFFFFF; }
@inline export function bits<T>(): u32 { return <u32>sizeof<T>() << 3; }

@inline export function getReg<T>(r: u32): u32 {
  if (sizeof<T>() == 1) return r8(r);
  if (sizeof<T>() == 2) return r16(r);
  return r32(r);
}
@inline export function setReg<T>(r: u32, v: u32): void {
  if (sizeof<T>() == 1) w8(r, v);
  else if (sizeof<T>() == 2) w16(r, v);
  else w32(r, v);
}
@inline export function rdLin<T>(lin: u32): u32 {
  if (sizeof<T>() == 1) return rd8(lin);
  if (sizeof<T>() == 2) return rd16(lin);
  return rd32(lin);
}
@inline export function wrLin<T>(lin: u32, v: u32): void {
  if (sizeof<T>() == 1) wr8(lin, v);
  else if (sizeof<T>() == 2) wr16(lin, v);
  else wr32(lin, v);
}
@inline export function rdMem<T>(seg: u32, off: u32): u32 {
  const l = linR(seg, off, <u32>sizeof<T>());
  if (fault) return 0;
  return rdLin<T>(l);
}
@inline export function wrMem<T>(seg: u32, off: u32, v: u32): void {
  const l = linW(seg, off, <u32>sizeof<T>());
  if (fault) return;
  wrLin<T>(l, v);
}
@inline export function fetchImm<T>(): u32 {
  if (sizeof<T>() == 1) return fetch8();
  if (sizeof<T>() == 2) return fetch16();
  return fetch32();
}

@inline export function readE<T>(): u32 {
  if (C.modrm >= 0xC0) return getReg<T>(C.modrm & 7);
  return rdMem<T>(C.eaSeg, C.eaOff);
}
@inline export function writeE<T>(v: u32): void {
  if (C.modrm >= 0xC0) setReg<T>(C.modrm & 7, v);
  else wrMem<T>(C.eaSeg, C.eaOff, v);
}
@inline export function readG<T>(): u32 { return getReg<T>((C.modrm >> 3) & 7); }
@inline export function writeG<T>(v: u32): void { setReg<T>((C.modrm >> 3) & 7, v); }

/** Linear address of the memory operand for a read-modify-write (write checks). */
export let rmwLin: u32 = 0;
/** Read the E operand for a read-modify-write; writeback with writeRmw<T>(). */
@inline export function readRmw<T>(): u32 {
  if (C.modrm >= 0xC0) return getReg<T>(C.modrm & 7);
  const l = linW(C.eaSeg, C.eaOff, <u32>sizeof<T>());
  if (fault) return 0;
  rmwLin = l;
  return rdForWrite(l, <u32>sizeof<T>());
}
@inline export function writeRmw<T>(v: u32): void {
  if (C.modrm >= 0xC0) setReg<T>(C.modrm & 7, v);
  else wrLin<T>(rmwLin, v);
}
