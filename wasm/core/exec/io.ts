// Port I/O (SDM vol. 2: IN OUT), with the IOPL / TSS I/O-bitmap check in protected and v86 mode.
import * as C from '../cpu';
import { fault, r8, r16, r32, w8, w16, w32, EAX, EDX, raiseGP } from '../cpu';
import { fetch8 } from '../decode';
import { hostIoRead, hostIoWrite } from '../host';
import { ioAllowed } from './system';
import * as D from '../debug';

@inline function inTo(port: u32, size: u32): void {
  if (!ioAllowed(port, size)) { raiseGP(0); return; }
  const v = hostIoRead(port, size);
  if (D.ioArmed) D.ioCheck(port, size);
  if (size == 1) w8(0, v); else if (size == 2) w16(EAX, v); else w32(EAX, v);
}
@inline function outFrom(port: u32, size: u32): void {
  if (!ioAllowed(port, size)) { raiseGP(0); return; }
  hostIoWrite(port, size, size == 1 ? r8(0) : size == 2 ? r16(EAX) : r32(EAX));
  if (D.ioArmed) D.ioCheck(port, size);
}
export function op_in_al_ib(op: u32): void { const p = fetch8(); if (!fault) inTo(p, 1); }
export function op_in_ax_ib(op: u32): void { const p = fetch8(); if (!fault) inTo(p, C.opsz32 ? 4 : 2); }
export function op_out_ib_al(op: u32): void { const p = fetch8(); if (!fault) outFrom(p, 1); }
export function op_out_ib_ax(op: u32): void { const p = fetch8(); if (!fault) outFrom(p, C.opsz32 ? 4 : 2); }
export function op_in_al_dx(op: u32): void { inTo(r16(EDX), 1); }
export function op_in_ax_dx(op: u32): void { inTo(r16(EDX), C.opsz32 ? 4 : 2); }
export function op_out_dx_al(op: u32): void { outFrom(r16(EDX), 1); }
export function op_out_dx_ax(op: u32): void { outFrom(r16(EDX), C.opsz32 ? 4 : 2); }
