// 128-bit integer helpers for the x87 arithmetic: wasm has 64-bit integers only.
// Results wider than one u64 come back through module-level globals.

/** High and low halves of the last mul64 / shr128Jam result. */
export let wHi: u64 = 0;
export let wLo: u64 = 0;
/** Remainder of the last div128. */
export let wRem: u64 = 0;

/** wHi:wLo = a * b (full 128-bit product). */
@inline export function mul64(a: u64, b: u64): void {
  const a0 = a & 0xFFFFFFFF, a1 = a >> 32;
  const b0 = b & 0xFFFFFFFF, b1 = b >> 32;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  // middle column: at most 3 * (2^32 - 1) summands of 32 bits each, fits in 64 bits
  const mid = (p00 >> 32) + (p01 & 0xFFFFFFFF) + (p10 & 0xFFFFFFFF);
  wLo = (mid << 32) | (p00 & 0xFFFFFFFF);
  wHi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

/** High 64 bits of a * b. */
@inline export function mulHi64(a: u64, b: u64): u64 {
  mul64(a, b);
  return wHi;
}

/**
 * Quotient of the 128-bit u1:u0 by v, remainder in wRem.
 * Requires v >= 2^63 (normalised) and u1 < v, so the quotient fits in 64 bits.
 * Schoolbook division in base 2^32 (Knuth vol. 2, 4.3.1, algorithm D with two
 * quotient digits): each digit is estimated from the top divisor digit and
 * corrected at most twice.
 */
export function div128(u1: u64, u0: u64, v: u64): u64 {
  const vh = v >> 32, vl = v & 0xFFFFFFFF;
  const u0h = u0 >> 32, u0l = u0 & 0xFFFFFFFF;
  const B: u64 = 0x100000000;

  let q1 = u1 / vh;
  let rh = u1 - q1 * vh;
  while (q1 >= B || q1 * vl > ((rh << 32) | u0h)) {
    q1--;
    rh += vh;
    if (rh >= B) break;
  }
  const r1 = ((u1 << 32) | u0h) - q1 * v; // < v, exact mod 2^64

  let q0 = r1 / vh;
  rh = r1 - q0 * vh;
  while (q0 >= B || q0 * vl > ((rh << 32) | u0l)) {
    q0--;
    rh += vh;
    if (rh >= B) break;
  }
  wRem = ((r1 << 32) | u0l) - q0 * v;
  return (q1 << 32) | q0;
}

/**
 * wHi:wLo = hi:lo shifted right by n (n >= 0), with every bit shifted out
 * OR-ed into bit 0 of wLo ("jamming"), so rounding later still sees them.
 */
export function shr128Jam(hi: u64, lo: u64, n: i32): void {
  if (n == 0) {
    wHi = hi; wLo = lo;
  } else if (n < 64) {
    wLo = (hi << u64(64 - n)) | (lo >> u64(n)) | u64((lo << u64(64 - n)) != 0);
    wHi = hi >> u64(n);
  } else if (n == 64) {
    wLo = hi | u64(lo != 0);
    wHi = 0;
  } else if (n < 128) {
    wLo = (hi >> u64(n - 64)) | u64(((hi << u64(128 - n)) | lo) != 0);
    wHi = 0;
  } else {
    wLo = u64((hi | lo) != 0);
    wHi = 0;
  }
}

/** Number of leading zeros of a u64 as i32 (64 for zero). */
@inline export function clz64(x: u64): i32 {
  return <i32>clz<u64>(x);
}
