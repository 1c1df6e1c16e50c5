// Multiply and divide (SDM vol. 2: MUL IMUL DIV IDIV), #DE on divide errors.
import * as C from '../cpu';
import { fault, r8, w8, r16, w16, r32, w32, EAX, EDX, raise } from '../cpu';
import { fetchZ, fetchS8 } from '../decode';
import { lazyRes, CF, OF } from '../flags';
import { readE, writeG, sign } from './operand';

/** MUL/IMUL flags: CF=OF=overflow; SF ZF PF from the low result (undefined by the SDM; P6 sets them so). */
@inline function mulFlags(over: bool, lo: u32, s: u32): void {
  lazyRes(lo, over ? CF | OF : 0, s);
}

export function op_mul8(op: u32): void {
  const b = readE<u8>(); if (fault) return;
  const r = r8(0) * b;
  w16(EAX, r);
  mulFlags((r >> 8) != 0, r, 0x80);
}
export function op_imul8(op: u32): void {
  const b = <i32>(<i8>readE<u8>()); if (fault) return;
  const r = <i32>(<i8>r8(0)) * b;
  w16(EAX, <u32>r);
  mulFlags(r != <i32>(<i8>r), <u32>r, 0x80);
}
export function op_mul(op: u32): void {
  if (C.opsz32) {
    const b = readE<u32>(); if (fault) return;
    const r = <u64>r32(EAX) * <u64>b;
    w32(EAX, <u32>r); w32(EDX, <u32>(r >> 32));
    mulFlags((r >> 32) != 0, <u32>r, 0x80000000);
  } else {
    const b = readE<u16>(); if (fault) return;
    const r = r16(EAX) * b;
    w16(EAX, r); w16(EDX, r >> 16);
    mulFlags((r >> 16) != 0, r, 0x8000);
  }
}
export function op_imul1(op: u32): void {
  if (C.opsz32) {
    const b = <i64>(<i32>readE<u32>()); if (fault) return;
    const r = <i64>(<i32>r32(EAX)) * b;
    w32(EAX, <u32>r); w32(EDX, <u32>(r >> 32));
    mulFlags(r != <i64>(<i32>r), <u32>r, 0x80000000);
  } else {
    const b = <i32>(<i16>readE<u16>()); if (fault) return;
    const r = <i32>(<i16>r16(EAX)) * b;
    w16(EAX, <u32>r); w16(EDX, <u32>r >> 16);
    mulFlags(r != <i32>(<i16>r), <u32>r, 0x8000);
  }
}
/** IMUL Gv, Ev, imm and IMUL Gv, Ev: the signed product truncated to the operand size. */
function imulInto(b: u32, imm: u32): void {
  if (C.opsz32) {
    const r = <i64>(<i32>b) * <i64>(<i32>imm);
    writeG<u32>(<u32>r);
    mulFlags(r != <i64>(<i32>r), <u32>r, 0x80000000);
  } else {
    const r = <i32>(<i16>b) * <i32>(<i16>imm);
    writeG<u16>(<u32>r);
    mulFlags(r != <i32>(<i16>r), <u32>r, 0x8000);
  }
}
export function op_imul3(op: u32): void {
  const b = C.opsz32 ? readE<u32>() : readE<u16>(); if (fault) return;
  const i = fetchZ(); if (fault) return;
  imulInto(b, i);
}
export function op_imul3_8(op: u32): void {
  const b = C.opsz32 ? readE<u32>() : readE<u16>(); if (fault) return;
  const i = fetchS8(); if (fault) return;
  imulInto(b, i);
}
export function op_imul2(op: u32): void {
  const b = C.opsz32 ? readE<u32>() : readE<u16>(); if (fault) return;
  const g = (C.modrm >> 3) & 7;
  imulInto(b, C.opsz32 ? r32(g) : r16(g));
}

@inline function divideError(): void { raise(0, 0, false); }

export function op_div8(op: u32): void {
  const b = readE<u8>(); if (fault) return;
  if (b == 0) { divideError(); return; }
  const a = r16(EAX);
  const q = a / b;
  if (q > 0xFF) { divideError(); return; }
  w8(0, q); w8(4, a % b);
}
export function op_idiv8(op: u32): void {
  const b = <i32>(<i8>readE<u8>()); if (fault) return;
  if (b == 0) { divideError(); return; }
  const a = <i32>(<i16>r16(EAX));
  const q = a / b;
  if (q > 127 || q < -128) { divideError(); return; }
  w8(0, <u32>q); w8(4, <u32>(a % b));
}
export function op_div(op: u32): void {
  if (C.opsz32) {
    const b = readE<u32>(); if (fault) return;
    if (b == 0) { divideError(); return; }
    const a = (<u64>r32(EDX) << 32) | <u64>r32(EAX);
    const q = a / <u64>b;
    if (q > 0xFFFFFFFF) { divideError(); return; }
    w32(EAX, <u32>q); w32(EDX, <u32>(a % <u64>b));
  } else {
    const b = readE<u16>(); if (fault) return;
    if (b == 0) { divideError(); return; }
    const a = (r16(EDX) << 16) | r16(EAX);
    const q = a / b;
    if (q > 0xFFFF) { divideError(); return; }
    w16(EAX, q); w16(EDX, a % b);
  }
}
export function op_idiv(op: u32): void {
  if (C.opsz32) {
    const b = <i64>(<i32>readE<u32>()); if (fault) return;
    if (b == 0) { divideError(); return; }
    const a = <i64>((<u64>r32(EDX) << 32) | <u64>r32(EAX));
    if (a == i64.MIN_VALUE && b == -1) { divideError(); return; }
    const q = a / b;
    if (q > 0x7FFFFFFF || q < -0x80000000) { divideError(); return; }
    w32(EAX, <u32>q); w32(EDX, <u32>(a % b));
  } else {
    const b = <i32>(<i16>readE<u16>()); if (fault) return;
    if (b == 0) { divideError(); return; }
    const a = <i32>((r16(EDX) << 16) | r16(EAX));
    if (a == i32.MIN_VALUE && b == -1) { divideError(); return; }
    const q = a / b;
    if (q > 32767 || q < -32768) { divideError(); return; }
    w16(EAX, <u32>q); w16(EDX, <u32>(a % b));
  }
}
export { sign };
