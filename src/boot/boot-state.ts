// boot-state.ts — what every loader in src/boot/ shares: the guest-memory interface, the initial
// CPU state a loader returns, BootError, checked writes, and the flat GDT both 32-bit loaders use.
//
// Low-memory layout used by the direct (BIOS-less) loaders — one table, so they cannot collide:
//   0x00000-0x004FF  real-mode IVT + BIOS data area (firmware.ts writes the EBDA pointer there)
//   0x00500-0x0051F  GDT: null, null, 0x10 = 4 GiB flat code, 0x18 = 4 GiB flat data
//   0x00520-0x06FFF  initial stack (ESP = 0x7000, grows down)
//   0x07000-0x07FFF  Linux zero page (struct boot_params)
//   0x08000-0x1FFFF  multiboot info, memory map, module list and strings
//   0x20000-0x9EFFF  kernel command line (Linux; NUL-terminated)
//   0x9FC00-0x9FFFF  EBDA (reserved in the E820 map)
//   0xF0000-0xFFFFF  firmware tables (MP table, ACPI) — see firmware.ts
// Kernels load at 1 MiB and above; loaders refuse images whose segments reach into this area.

/** Guest RAM as the loaders see it: guest-physical address = index. */
export interface GuestMemory {
  readonly size: number;
  write(addr: number, bytes: Uint8Array): void;
  read(addr: number, len: number): Uint8Array;
}

/** A GuestMemory over a byte array (e.g. the RAM part of the shared wasm memory). */
export function byteArrayMemory(ram: Uint8Array): GuestMemory {
  return {
    size: ram.length,
    write: (addr, bytes) => ram.set(bytes, addr),
    read: (addr, len) => ram.slice(addr, addr + len),
  };
}

/**
 * A segment register as the CPU holds it after the loader: the visible selector and the hidden
 * descriptor cache. `limit` is in bytes (granularity already applied); `attr` holds descriptor
 * byte 5 (P, DPL, S, type) in bits 7:0 and the high nibble of byte 6 (G, D/B, L, AVL) in bits 15:12.
 */
export interface SegmentState {
  selector: number;
  base: number;
  limit: number;
  attr: number;
}

export interface BootState {
  /** flat32: protected mode, paging off, flat segments from `gdt`; real: the power-on state. */
  mode: 'flat32' | 'real';
  eip: number;
  esp?: number;
  regs: { eax?: number; ebx?: number; ecx?: number; edx?: number; esi?: number; edi?: number; ebp?: number };
  /** GDTR (flat32 only); the table is already in guest RAM. */
  gdt?: { base: number; limit: number };
  segments: { cs: SegmentState; ds: SegmentState; es: SegmentState; ss: SegmentState; fs: SegmentState; gs: SegmentState };
  /** EFLAGS.IF; every loader here starts with interrupts off. */
  interrupts: false;
}

/** A file the machine cannot boot: the message names the file and the problem. */
export class BootError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BootError';
  }
}

export const KiB = 1024;
export const MiB = 1024 * 1024;

export const GDT_BASE = 0x500;
export const BOOT_STACK_TOP = 0x7000;
export const ZERO_PAGE = 0x7000;
export const MB_INFO_BASE = 0x8000;
export const MB_INFO_END = 0x20000;
export const CMDLINE_BASE = 0x20000;
export const CMDLINE_END = 0x9f000;
/** The loaders' own data lives below this address; kernels must not reach into it. */
export const LOW_DATA_END = 0xa0000;

/** __BOOT_CS and __BOOT_DS of Linux's boot.rst; multiboot uses the same table. */
export const BOOT_CS = 0x10;
export const BOOT_DS = 0x18;

/** Descriptor byte 5 / attr low byte: present, DPL 0, code or data segment. */
const ACCESS_CODE_RX = 0x9b; // present, S, execute/read, accessed
const ACCESS_DATA_RW = 0x93; // present, S, read/write, accessed
const FLAGS_4K_32 = 0xc; // G = 4 KiB granularity, D/B = 32-bit

/** An 8-byte segment descriptor (base, 20-bit limit field, access byte, flags nibble). */
export function segmentDescriptor(base: number, limitField: number, access: number, flags: number): Uint8Array {
  const d = new Uint8Array(8);
  const v = new DataView(d.buffer);
  v.setUint16(0, limitField & 0xffff, true);
  v.setUint16(2, base & 0xffff, true);
  d[4] = (base >>> 16) & 0xff;
  d[5] = access;
  d[6] = ((flags & 0xf) << 4) | ((limitField >>> 16) & 0xf);
  d[7] = (base >>> 24) & 0xff;
  return d;
}

/** Writes the flat GDT at GDT_BASE and returns the flat32 entry state for `eip`. */
export function flat32State(mem: GuestMemory, eip: number, regs: BootState['regs'], esp = BOOT_STACK_TOP): BootState {
  const gdt = new Uint8Array(0x20);
  gdt.set(segmentDescriptor(0, 0xfffff, ACCESS_CODE_RX, FLAGS_4K_32), BOOT_CS);
  gdt.set(segmentDescriptor(0, 0xfffff, ACCESS_DATA_RW, FLAGS_4K_32), BOOT_DS);
  writeChecked(mem, GDT_BASE, gdt, 'GDT');
  const seg = (selector: number, access: number): SegmentState => ({
    selector, base: 0, limit: 0xffffffff, attr: access | (FLAGS_4K_32 << 12),
  });
  const data = () => seg(BOOT_DS, ACCESS_DATA_RW);
  return {
    mode: 'flat32',
    eip: eip >>> 0,
    esp,
    regs,
    gdt: { base: GDT_BASE, limit: gdt.length - 1 },
    segments: { cs: seg(BOOT_CS, ACCESS_CODE_RX), ds: data(), es: data(), ss: data(), fs: data(), gs: data() },
    interrupts: false,
  };
}

/** Writes `bytes` at `addr`, or throws a BootError naming `what` if they do not fit in RAM. */
export function writeChecked(mem: GuestMemory, addr: number, bytes: Uint8Array, what: string): void {
  checkRange(mem, addr, bytes.length, what);
  mem.write(addr, bytes);
}

/** Zero-fills [addr, addr+len) with the same check. */
export function zeroChecked(mem: GuestMemory, addr: number, len: number, what: string): void {
  checkRange(mem, addr, len, what);
  const CHUNK = 1 << 20;
  const zeros = new Uint8Array(Math.min(CHUNK, len));
  for (let off = 0; off < len; off += CHUNK) mem.write(addr + off, zeros.subarray(0, Math.min(CHUNK, len - off)));
}

/** Throws a BootError naming `what` unless [addr, addr+len) lies in guest RAM. */
export function checkRange(mem: GuestMemory, addr: number, len: number, what: string): void {
  if (!Number.isInteger(addr) || addr < 0 || addr + len > mem.size) {
    throw new BootError(`${what}: ${hex(addr)}-${hex(addr + len)} (${len} bytes) is outside guest RAM (${sizeText(mem.size)})`);
  }
}

/** NUL-terminated ASCII/UTF-8 bytes of a string. */
export function cString(s: string): Uint8Array {
  const b = new TextEncoder().encode(s);
  const out = new Uint8Array(b.length + 1);
  out.set(b);
  return out;
}

export function hex(n: number): string {
  return '0x' + n.toString(16);
}

/** "256 MiB", "300 KiB", "1234 bytes" — whichever is exact or, failing that, readable. */
export function sizeText(n: number): string {
  if (n >= MiB && n % MiB === 0) return `${n / MiB} MiB`;
  if (n >= KiB && n % KiB === 0) return `${n / KiB} KiB`;
  if (n >= 10 * MiB) return `${(n / MiB).toFixed(1)} MiB`;
  return `${n} bytes`;
}

export function alignUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

export function alignDown(n: number, a: number): number {
  return Math.floor(n / a) * a;
}
