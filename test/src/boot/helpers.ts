// Test helpers for src/boot: guest RAM over a byte array, little-endian readers, and a
// synthetic bzImage built from boot.rst's header table.
import { byteArrayMemory, type GuestMemory } from '../../../src/boot/boot-state.ts';

export const MiB = 1024 * 1024;

export function ram(size: number): { mem: GuestMemory; bytes: Uint8Array } {
  const bytes = new Uint8Array(size);
  return { mem: byteArrayMemory(bytes), bytes };
}

export const u8 = (b: Uint8Array, o: number) => b[o];
export const u16 = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8);
export const u32 = (b: Uint8Array, o: number) => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
export const u64 = (b: Uint8Array, o: number) => u32(b, o) + u32(b, o + 4) * 2 ** 32;
export const str = (b: Uint8Array, o: number, n: number) => String.fromCharCode(...b.subarray(o, o + n));
export function cstr(b: Uint8Array, o: number): string {
  let e = o;
  while (b[e] !== 0) e++;
  return String.fromCharCode(...b.subarray(o, e));
}
export const sum8 = (b: Uint8Array) => b.reduce((s, x) => (s + x) & 0xff, 0);

export function put16(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
}
export function put32(b: Uint8Array, o: number, v: number): void {
  for (let i = 0; i < 4; i++) b[o + i] = (v >>> (8 * i)) & 0xff;
}

export interface FakeKernel {
  version?: number;
  setupSects?: number;
  kernelBytes?: number;
  loadflags?: number;
  relocatable?: number;
  kernelAlignment?: number;
  prefAddress?: number;
  initSize?: number;
  cmdlineSize?: number;
  initrdAddrMax?: number;
  versionString?: string;
}

/** A bzImage with a protocol-2.15 style header and a patterned protected-mode part. */
export function fakeBzImage(o: FakeKernel = {}): Uint8Array {
  const setupSects = o.setupSects ?? 4;
  const setupBytes = ((setupSects || 4) + 1) * 512;
  const kernelBytes = o.kernelBytes ?? 0x3000;
  const img = new Uint8Array(setupBytes + kernelBytes);
  img[0x1f1] = setupSects;
  put32(img, 0x1f4, kernelBytes / 16);
  put16(img, 0x1fa, 0xfffd); // vid_mode as the image ships it ("ask")
  put16(img, 0x1fe, 0xaa55);
  img[0x200] = 0xeb;
  img[0x201] = 0x6a; // header ends at 0x26c
  put32(img, 0x202, 0x53726448);
  put16(img, 0x206, o.version ?? 0x020f);
  img[0x211] = o.loadflags ?? 0x01;
  put32(img, 0x214, 0x100000);
  put32(img, 0x22c, o.initrdAddrMax ?? 0x7fffffff);
  put32(img, 0x230, o.kernelAlignment ?? 0x200000);
  img[0x234] = o.relocatable ?? 1;
  img[0x235] = 13;
  put32(img, 0x238, o.cmdlineSize ?? 2047);
  put32(img, 0x258, o.prefAddress ?? 0x1000000);
  put32(img, 0x260, o.initSize ?? 0x200000);
  img[0x1ef] = 0xff; // the sentinel a broken loader would copy
  if (o.versionString) {
    put16(img, 0x20e, 0x400);
    img.set(new TextEncoder().encode(o.versionString), 0x600);
  }
  for (let i = 0; i < kernelBytes; i++) img[setupBytes + i] = (i * 7 + 3) & 0xff;
  return img;
}

/** Byte-wise equality (vitest's toEqual on large typed arrays is slow). */
export function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
