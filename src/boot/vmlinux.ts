// vmlinux.ts — the bzImage's compressed kernel unpacked by the host instead of by the guest.
//
// A bzImage's protected-mode part is a small decompressor plus the real kernel (an ELF vmlinux,
// followed by its relocation table when relocatable) compressed as one payload; boot.rst
// (protocol 2.08+) gives its place: payload_offset (from the start of the protected-mode code)
// and payload_length. The decompressor's job — inflate, copy the PT_LOAD segments to their
// physical addresses, apply relocations when the kernel does not run where it was linked — is
// what this file does on the host, natively fast, for gzip payloads. The kernel is then entered at
// its ELF entry (startup_32 in arch/x86/kernel/head_32.S, a physical address) in the same state
// the decompressor leaves it: flat 32-bit protected mode, paging off, interrupts off, ESI = the
// zero page. We load it at its link address, so no relocation and no KASLR: the kernel's own
// text says "KASLR disabled" then, as with nokaslr.
//
// Payloads in other formats (xz, lzma, zstd, lz4, bzip2) are left to the guest's decompressor.
// Why: in our interpreter inflating a 5 MB kernel costs ~50 M guest instructions, a third of a
// boot; here it takes milliseconds.
import { inflateSync } from 'fflate';
import { BootError, hex } from './boot-state.ts';

/** Setup header fields of protocol 2.08 (relative to the image start). */
const PAYLOAD_OFFSET = 0x248;
const PAYLOAD_LENGTH = 0x24c;

export interface ElfSegment { paddr: number; data: Uint8Array; memsz: number }
export interface Vmlinux {
  /** Physical entry address. */
  entry: number;
  segments: ElfSegment[];
  /** Lowest and end physical address of the loaded image (bss included). */
  lo: number;
  hi: number;
}

/** The compressed payload inside a bzImage, or undefined before protocol 2.08. */
export function bzPayload(image: Uint8Array, setupBytes: number, version: number): Uint8Array | undefined {
  if (version < 0x0208 || image.length < PAYLOAD_LENGTH + 4) return undefined;
  const v = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const off = setupBytes + v.getUint32(PAYLOAD_OFFSET, true);
  const len = v.getUint32(PAYLOAD_LENGTH, true);
  if (len === 0 || off + len > image.length) return undefined;
  return image.subarray(off, off + len);
}

/**
 * The kernel's vmlinux from a gzip payload, or undefined if the payload is in another format
 * (the guest then decompresses it). A gzip payload that does not inflate to an i386 ELF is an
 * error naming the file: the guest's decompressor would fail on it too.
 */
export function unpackVmlinux(payload: Uint8Array, name: string): Vmlinux | undefined {
  if (payload.length < 18 || payload[0] !== 0x1f || payload[1] !== 0x8b) return undefined;
  let elf: Uint8Array;
  try {
    elf = gunzipFirst(payload);
  } catch (e) {
    throw new BootError(`${name}: the kernel's gzip payload is broken (${(e as Error).message})`);
  }
  return parseElf32(elf, name);
}

/**
 * The first gzip member of `b`, inflated. Raw inflate after the header, not fflate's gunzipSync:
 * that one sizes its output by the input's last four bytes, which are the last member's size
 * (or, in a kernel payload, whatever follows the member).
 */
function gunzipFirst(b: Uint8Array): Uint8Array {
  return inflateSync(b.subarray(gzipHeaderLength(b)));
}

/** Length of a gzip member's header (RFC 1952 §2.3: FEXTRA, FNAME, FCOMMENT, FHCRC). */
function gzipHeaderLength(b: Uint8Array): number {
  if (b[2] !== 8) throw new Error(`compression method ${b[2]}, not deflate`);
  const flg = b[3];
  let p = 10;
  if (flg & 4) p += 2 + (b[p] | (b[p + 1] << 8));
  if (flg & 8) { while (p < b.length && b[p] !== 0) p++; p++; }
  if (flg & 16) { while (p < b.length && b[p] !== 0) p++; p++; }
  if (flg & 2) p += 2;
  if (p >= b.length) throw new Error('truncated gzip header');
  return p;
}

/** PT_LOAD segments and entry of an ELF32 i386 executable. */
export function parseElf32(elf: Uint8Array, name: string): Vmlinux {
  const bad = (why: string) => new BootError(`${name}: the unpacked kernel is not a usable i386 ELF (${why})`);
  if (elf.length < 52 || elf[0] !== 0x7f || elf[1] !== 0x45 || elf[2] !== 0x4c || elf[3] !== 0x46) throw bad('no ELF magic');
  const v = new DataView(elf.buffer, elf.byteOffset, elf.byteLength);
  if (elf[4] !== 1 || elf[5] !== 1) throw bad('not 32-bit little-endian');
  if (v.getUint16(18, true) !== 3) throw bad(`machine ${v.getUint16(18, true)}, not 80386`);
  const entryV = v.getUint32(24, true);
  const phoff = v.getUint32(28, true);
  const phentsize = v.getUint16(42, true);
  const phnum = v.getUint16(44, true);
  if (phentsize < 32 || phoff + phnum * phentsize > elf.length) throw bad('program headers outside the file');
  const segments: ElfSegment[] = [];
  let entry = -1;
  let lo = 0xffffffff;
  let hi = 0;
  for (let i = 0; i < phnum; i++) {
    const p = phoff + i * phentsize;
    if (v.getUint32(p, true) !== 1) continue; // PT_LOAD only
    const offset = v.getUint32(p + 4, true);
    const vaddr = v.getUint32(p + 8, true);
    const paddr = v.getUint32(p + 12, true);
    const filesz = v.getUint32(p + 16, true);
    const memsz = v.getUint32(p + 20, true);
    if (offset + filesz > elf.length || filesz > memsz) throw bad(`segment ${i} outside the file`);
    if (memsz === 0) continue;
    segments.push({ paddr, data: elf.subarray(offset, offset + filesz), memsz });
    lo = Math.min(lo, paddr);
    hi = Math.max(hi, paddr + memsz);
    // The linker script makes e_entry physical (ENTRY(phys_startup_32)); accept a virtual one too.
    if (entryV >= paddr && entryV < paddr + memsz) entry = entryV;
    else if (entry < 0 && entryV >= vaddr && entryV < vaddr + memsz) entry = paddr + (entryV - vaddr);
  }
  if (segments.length === 0) throw bad('no loadable segment');
  if (entry < 0) throw bad(`entry ${hex(entryV)} is in no segment`);
  return { entry, segments, lo, hi };
}

/**
 * A gzip initrd unpacked on the host (Linux takes an uncompressed cpio archive just as well), or
 * the bytes as they are when they are not exactly one gzip member (concatenated archives, other
 * formats, broken data: the kernel then sees what the user gave it).
 */
export function unpackInitrd(bytes: Uint8Array): Uint8Array {
  if (bytes.length < 18 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  let out: Uint8Array;
  try { out = gunzipFirst(bytes); } catch { return bytes; }
  // One member exactly: the file's trailer is this output's CRC-32 and size.
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length;
  if (v.getUint32(n - 4, true) !== out.length >>> 0 || v.getUint32(n - 8, true) !== crc32(out)) return bytes;
  return out;
}

let crcTable: Uint32Array | undefined;
function crc32(b: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      let c = i;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[i] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < b.length; i++) c = crcTable[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
