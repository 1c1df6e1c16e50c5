// x87 transcendental instructions (placeholder while the kernels are written).
import { fpuExc, setIndefinite } from "./f80";

export function f80F2xm1(aSig: u64, aSe: u32, cw: u32): void { fpuExc = 0; setIndefinite(); }
export function f80Fyl2x(aSig: u64, aSe: u32, bSig: u64, bSe: u32, cw: u32): void { fpuExc = 0; setIndefinite(); }
export function f80Fyl2xp1(aSig: u64, aSe: u32, bSig: u64, bSe: u32, cw: u32): void { fpuExc = 0; setIndefinite(); }
export function f80Ptan(aSig: u64, aSe: u32, cw: u32): void { fpuExc = 0; setIndefinite(); }
export function f80Patan(aSig: u64, aSe: u32, bSig: u64, bSe: u32, cw: u32): void { fpuExc = 0; setIndefinite(); }
export function f80Sin(aSig: u64, aSe: u32, cw: u32): void { fpuExc = 0; setIndefinite(); }
export function f80Cos(aSig: u64, aSe: u32, cw: u32): void { fpuExc = 0; setIndefinite(); }
export function f80Sincos(aSig: u64, aSe: u32, cw: u32): void { fpuExc = 0; setIndefinite(); }
