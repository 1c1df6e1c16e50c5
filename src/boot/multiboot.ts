// multiboot.ts — Multiboot 0.6.96 loader (the GNU Multiboot Specification, version 1).
//
// OS image: the header (magic 0x1BADB002, flags, checksum; 32-bit aligned) lies in the first
// 8192 bytes. With flags bit 16 the address fields (the "a.out kludge") say where to load;
// otherwise the image must be a 32-bit little-endian i386 ELF executable whose PT_LOAD segments
// go to p_paddr (bss zeroed). An ELF entry point inside a segment whose p_vaddr differs from its
// p_paddr is translated to the physical address, so higher-half kernels start where they lie.
//
// Requirement flags: bit 0 (page-aligned modules) and bit 1 (memory information) are always
// satisfied; bit 2 (video mode) is accepted, but this machine is headless, so no video fields
// are passed (info flags bits 11/12 stay clear); any other bit in 0-15 makes us refuse the image,
// as the spec requires of a loader that does not understand it.
//
// Boot information (EBX) and everything it points to live at 0x8000-0x1FFFF: the info struct,
// the memory map (one 24-byte entry per E820 range: size 20 + base, length, type), the module
// list (16 bytes each: start, end, string, reserved 0), then the strings. Modules go after the
// kernel's highest byte, each at a 4 KiB boundary. Machine state: EAX = 0x2BADB002, EBX = info,
// flat protected mode, paging and interrupts off, CS/DS/ES/FS/GS/SS flat (GDT at 0x500).
// Missing: ELF section headers / a.out symbols (info bits 4/5), boot_device, drives, APM, VBE.

import {
  BootError, LOW_DATA_END, MB_INFO_BASE, MB_INFO_END, alignUp, cString, flat32State, hex, writeChecked,
  zeroChecked, type BootState, type GuestMemory,
} from './boot-state.ts';
import { E820_TYPE_CODE, contiguousRam, writeU64, type E820Entry } from './e820.ts';

export const MULTIBOOT_HEADER_MAGIC = 0x1badb002;
export const MULTIBOOT_BOOTLOADER_MAGIC = 0x2badb002;
export const MULTIBOOT_SEARCH = 8192;
export const BOOT_LOADER_NAME = 'seoulweb';

/** Header flags (OS image → loader). */
export const MBH = { PAGE_ALIGN: 1 << 0, MEMORY_INFO: 1 << 1, VIDEO_MODE: 1 << 2, AOUT_KLUDGE: 1 << 16 } as const;
const MBH_UNDERSTOOD_REQUIREMENTS = MBH.PAGE_ALIGN | MBH.MEMORY_INFO | MBH.VIDEO_MODE;

/** Info flags (loader → OS) and field offsets of the multiboot_info structure. */
export const MBI_FLAG = { MEM: 1 << 0, CMDLINE: 1 << 2, MODS: 1 << 3, MMAP: 1 << 6, LOADER_NAME: 1 << 9 } as const;
export const MBI = {
  flags: 0, mem_lower: 4, mem_upper: 8, boot_device: 12, cmdline: 16, mods_count: 20, mods_addr: 24,
  syms: 28, mmap_length: 44, mmap_addr: 48, drives_length: 52, drives_addr: 56, config_table: 60,
  boot_loader_name: 64, apm_table: 68, vbe_control_info: 72, size: 88,
} as const;
export const MB_MODULE_SIZE = 16;
export const MB_MMAP_ENTRY_SIZE = 24;

const PAGE = 0x1000;

export interface MultibootModule {
  data: Uint8Array;
  cmdline?: string;
}

export interface MultibootOptions {
  e820: readonly E820Entry[];
  cmdline?: string;
  modules?: readonly MultibootModule[];
  name?: string;
}

export interface MultibootHeader {
  /** File offset of the header. */
  offset: number;
  flags: number;
  /** a.out kludge fields (flags bit 16). */
  addresses?: { headerAddr: number; loadAddr: number; loadEndAddr: number; bssEndAddr: number; entryAddr: number };
}

export interface MultibootBoot {
  state: BootState;
  header: MultibootHeader;
  info: number;
  /** Physical ranges the kernel image occupies (including bss). */
  kernel: { base: number; end: number };
  modules: { start: number; end: number; cmdline: string }[];
}

/** Finds and checks the multiboot header; throws if there is none or it is unusable. */
export function findMultibootHeader(image: Uint8Array, name = 'kernel'): MultibootHeader {
  const v = view(image);
  const limit = Math.min(MULTIBOOT_SEARCH, image.length) - 12;
  for (let off = 0; off <= limit; off += 4) {
    if (v.getUint32(off, true) !== MULTIBOOT_HEADER_MAGIC) continue;
    const flags = v.getUint32(off + 4, true);
    if (((MULTIBOOT_HEADER_MAGIC + flags + v.getUint32(off + 8, true)) >>> 0) !== 0) continue;
    const unknown = flags & 0xffff & ~MBH_UNDERSTOOD_REQUIREMENTS;
    if (unknown) {
      throw new BootError(`${name}: multiboot header at ${hex(off)} requires features this loader does not know (flags ${hex(unknown)})`);
    }
    const hdr: MultibootHeader = { offset: off, flags };
    if (flags & MBH.AOUT_KLUDGE) {
      if (off + 32 > image.length) throw new BootError(`${name}: truncated multiboot header at ${hex(off)}`);
      hdr.addresses = {
        headerAddr: v.getUint32(off + 12, true), loadAddr: v.getUint32(off + 16, true),
        loadEndAddr: v.getUint32(off + 20, true), bssEndAddr: v.getUint32(off + 24, true),
        entryAddr: v.getUint32(off + 28, true),
      };
    }
    return hdr;
  }
  throw new BootError(`${name}: no multiboot header (magic 0x1BADB002 with a valid checksum) in the first 8192 bytes`);
}

/** Loads a multiboot kernel and its modules; returns the entry state (EAX magic, EBX info). */
export function loadMultiboot(mem: GuestMemory, image: Uint8Array, opts: MultibootOptions): MultibootBoot {
  const name = opts.name ?? 'kernel';
  const header = findMultibootHeader(image, name);
  const loaded = header.addresses ? loadAout(mem, image, header, name) : loadElf(mem, image, name);

  const modules: MultibootBoot['modules'] = [];
  let next = alignUp(loaded.end, PAGE);
  (opts.modules ?? []).forEach((m, i) => {
    const what = `module ${i}${m.cmdline ? ` (${m.cmdline.split(' ')[0]})` : ''}`;
    writeChecked(mem, next, m.data, what);
    modules.push({ start: next, end: next + m.data.length, cmdline: m.cmdline ?? '' });
    next = alignUp(next + Math.max(m.data.length, 1), PAGE);
  });

  const info = buildInfo(opts, modules);
  if (MB_INFO_BASE + info.length > MB_INFO_END) {
    throw new BootError(`${name}: multiboot information (${info.length} bytes) does not fit below ${hex(MB_INFO_END)}`);
  }
  writeChecked(mem, MB_INFO_BASE, info, 'multiboot info');
  const state = flat32State(mem, loaded.entry, { eax: MULTIBOOT_BOOTLOADER_MAGIC, ebx: MB_INFO_BASE });
  return { state, header, info: MB_INFO_BASE, kernel: { base: loaded.base, end: loaded.end }, modules };
}

interface Loaded {
  base: number;
  end: number;
  entry: number;
}

function loadAout(mem: GuestMemory, image: Uint8Array, hdr: MultibootHeader, name: string): Loaded {
  const a = hdr.addresses!;
  if (a.loadAddr > a.headerAddr) {
    throw new BootError(`${name}: multiboot load_addr ${hex(a.loadAddr)} is above header_addr ${hex(a.headerAddr)}`);
  }
  const fileStart = hdr.offset - (a.headerAddr - a.loadAddr);
  if (fileStart < 0) {
    throw new BootError(`${name}: multiboot load_addr ${hex(a.loadAddr)} lies before the start of the file`);
  }
  const loadEnd = a.loadEndAddr === 0 ? a.loadAddr + (image.length - fileStart) : a.loadEndAddr;
  if (loadEnd < a.loadAddr || fileStart + (loadEnd - a.loadAddr) > image.length) {
    throw new BootError(`${name}: multiboot load_end_addr ${hex(a.loadEndAddr)} is outside the file (${image.length} bytes)`);
  }
  const bssEnd = a.bssEndAddr === 0 ? loadEnd : a.bssEndAddr;
  if (bssEnd < loadEnd) throw new BootError(`${name}: multiboot bss_end_addr ${hex(bssEnd)} is below load_end_addr`);
  checkPlacement(a.loadAddr, bssEnd, name);
  writeChecked(mem, a.loadAddr, image.subarray(fileStart, fileStart + (loadEnd - a.loadAddr)), name);
  zeroChecked(mem, loadEnd, bssEnd - loadEnd, `${name} bss`);
  return { base: a.loadAddr, end: bssEnd, entry: a.entryAddr };
}

// ELF32 header and program header fields (System V ABI, i386 supplement).
const ELF_MAGIC = 0x464c457f;
const ET_EXEC = 2;
const EM_386 = 3;
const PT_LOAD = 1;

function loadElf(mem: GuestMemory, image: Uint8Array, name: string): Loaded {
  const v = view(image);
  if (image.length < 52 || v.getUint32(0, true) !== ELF_MAGIC) {
    throw new BootError(`${name}: multiboot header without the a.out kludge (flags bit 16), and not an ELF file`);
  }
  if (image[4] !== 1 || image[5] !== 1) throw new BootError(`${name}: not a 32-bit little-endian ELF file`);
  const type = v.getUint16(16, true), machine = v.getUint16(18, true);
  if (type !== ET_EXEC || machine !== EM_386) {
    throw new BootError(`${name}: ELF type ${type} machine ${machine}; need an i386 executable (type 2, machine 3)`);
  }
  const entry = v.getUint32(24, true), phoff = v.getUint32(28, true);
  const phentsize = v.getUint16(42, true), phnum = v.getUint16(44, true);
  if (phnum === 0 || phentsize < 32 || phoff + phnum * phentsize > image.length) {
    throw new BootError(`${name}: ELF program headers missing or truncated`);
  }
  let base = Infinity, end = 0, physEntry = entry;
  for (let i = 0; i < phnum; i++) {
    const p = phoff + i * phentsize;
    if (v.getUint32(p, true) !== PT_LOAD) continue;
    const offset = v.getUint32(p + 4, true), vaddr = v.getUint32(p + 8, true), paddr = v.getUint32(p + 12, true);
    const filesz = v.getUint32(p + 16, true), memsz = v.getUint32(p + 20, true);
    if (memsz === 0) continue;
    if (filesz > memsz || offset + filesz > image.length) {
      throw new BootError(`${name}: ELF segment ${i} (file ${hex(offset)}+${hex(filesz)}) is outside the file or larger than memsz`);
    }
    checkPlacement(paddr, paddr + memsz, name);
    writeChecked(mem, paddr, image.subarray(offset, offset + filesz), `${name} segment ${i}`);
    zeroChecked(mem, paddr + filesz, memsz - filesz, `${name} segment ${i} bss`);
    if (entry >= vaddr && entry < vaddr + memsz) physEntry = entry - vaddr + paddr;
    base = Math.min(base, paddr);
    end = Math.max(end, paddr + memsz);
  }
  if (end === 0) throw new BootError(`${name}: ELF file has no loadable segment`);
  return { base, end, entry: physEntry };
}

/** Kernels may not reach into the loaders' low-memory data (boot-state.ts) or past 4 GiB. */
function checkPlacement(base: number, end: number, name: string): void {
  if (base < LOW_DATA_END || end > 2 ** 32) {
    throw new BootError(`${name}: loads at ${hex(base)}-${hex(end)}; a multiboot kernel must lie between ${hex(LOW_DATA_END)} and 4 GiB`);
  }
}

/** The info struct with the mmap, module list and strings behind it, for MB_INFO_BASE. */
function buildInfo(opts: MultibootOptions, modules: MultibootBoot['modules']): Uint8Array {
  const e820 = opts.e820;
  const mmapAt = MBI.size;
  const modsAt = mmapAt + e820.length * MB_MMAP_ENTRY_SIZE;
  const strings: Uint8Array[] = [];
  let stringsAt = modsAt + modules.length * MB_MODULE_SIZE;
  const addString = (s: string): number => {
    const b = cString(s);
    strings.push(b);
    const at = MB_INFO_BASE + stringsAt;
    stringsAt += b.length;
    return at;
  };
  const loaderName = addString(BOOT_LOADER_NAME);
  const cmdline = addString(opts.cmdline ?? '');
  const modStrings = modules.map((m) => addString(m.cmdline));

  const out = new Uint8Array(stringsAt);
  const v = view(out);
  let flags = MBI_FLAG.MEM | MBI_FLAG.CMDLINE | MBI_FLAG.MMAP | MBI_FLAG.LOADER_NAME;
  // mem_lower: KiB from 0 (at most 640); mem_upper: KiB from 1 MiB to the first hole.
  v.setUint32(MBI.mem_lower, Math.min(640, Math.floor(contiguousRam(e820, 0) / 1024)), true);
  v.setUint32(MBI.mem_upper, Math.floor(contiguousRam(e820, 0x100000) / 1024), true);
  v.setUint32(MBI.cmdline, cmdline, true);
  if (modules.length > 0) {
    flags |= MBI_FLAG.MODS;
    v.setUint32(MBI.mods_count, modules.length, true);
    v.setUint32(MBI.mods_addr, MB_INFO_BASE + modsAt, true);
  }
  v.setUint32(MBI.mmap_length, e820.length * MB_MMAP_ENTRY_SIZE, true);
  v.setUint32(MBI.mmap_addr, MB_INFO_BASE + mmapAt, true);
  v.setUint32(MBI.boot_loader_name, loaderName, true);
  v.setUint32(MBI.flags, flags, true);
  writeMmap(v, mmapAt, e820);
  modules.forEach((m, i) => {
    const o = modsAt + i * MB_MODULE_SIZE;
    v.setUint32(o, m.start, true);
    v.setUint32(o + 4, m.end, true);
    v.setUint32(o + 8, modStrings[i], true);
  });
  let at = MBI.size + e820.length * MB_MMAP_ENTRY_SIZE + modules.length * MB_MODULE_SIZE;
  for (const s of strings) {
    out.set(s, at);
    at += s.length;
  }
  return out;
}

/** One entry per E820 range; 'size' counts the bytes after itself, mmap_addr points at it. */
function writeMmap(v: DataView, at: number, e820: readonly E820Entry[]): void {
  e820.forEach((e, i) => {
    const o = at + i * MB_MMAP_ENTRY_SIZE;
    v.setUint32(o, MB_MMAP_ENTRY_SIZE - 4, true);
    writeU64(v, o + 4, e.base);
    writeU64(v, o + 12, e.size);
    v.setUint32(o + 20, E820_TYPE_CODE[e.type], true);
  });
}

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}
