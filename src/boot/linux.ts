// linux.ts — Linux/x86 bzImage loader, 32-bit boot protocol (Documentation/x86/boot.rst,
// "32-bit BOOT PROTOCOL"; boot_params layout from Documentation/x86/zero-page.rst).
//
// The kernel's real-mode setup code never runs: we do its job. The zero page is built from
// zeros plus the setup header copied from the image at 0x1F1, the protected-mode kernel is
// loaded at 1 MiB and entered at its start in flat 32-bit mode with ESI = zero page.
// By default a gzip payload is unpacked by the host instead (vmlinux.ts): the ELF segments go
// to their physical addresses and the kernel is entered at startup_32, as its decompressor
// would; a gzip initrd is handed over as a plain cpio archive. `hostUnpack: false` turns both off.
//
// Placement (see boot-state.ts for the whole low-memory table):
//   zero page 0x7000, command line 0x20000, GDT 0x500, kernel 0x100000 (a relocatable kernel
//   decompresses itself to max(align_up(load, kernel_alignment), pref_address) and needs
//   init_size bytes there), initrd at the highest 4 KiB-aligned RAM address below
//   min(initrd_addr_max + 1, 0x38000000, end of its RAM range) that clears the kernel.
// 0x38000000 is the i386 lowmem limit (896 MiB): a 32-bit kernel must reach the initrd through
// its direct map, whatever initrd_addr_max says.
//
// Refused: images without the boot flag or "HdrS", protocol < 2.06 (no cmdline_size), zImages
// (LOADED_HIGH clear), truncated files, E820 maps of more than 128 entries, command lines longer
// than cmdline_size, RAM too small for init_size, initrds that do not fit.

import {
  BootError, CMDLINE_BASE, CMDLINE_END, ZERO_PAGE, alignDown, alignUp, cString, flat32State, hex, sizeText,
  writeChecked, type BootState, type GuestMemory,
} from './boot-state.ts';
import { contiguousRam, encodeE820, ramEnd, type E820Entry } from './e820.ts';
import { bzPayload, unpackInitrd, unpackVmlinux, type Vmlinux } from './vmlinux.ts';

/** setup_header field offsets in the image and in boot_params (they coincide). */
export const HDR = {
  setup_sects: 0x1f1, root_flags: 0x1f2, syssize: 0x1f4, vid_mode: 0x1fa, boot_flag: 0x1fe,
  jump: 0x200, header: 0x202, version: 0x206, kernel_version: 0x20e, type_of_loader: 0x210,
  loadflags: 0x211, code32_start: 0x214, ramdisk_image: 0x218, ramdisk_size: 0x21c,
  heap_end_ptr: 0x224, ext_loader_ver: 0x226, ext_loader_type: 0x227, cmd_line_ptr: 0x228,
  initrd_addr_max: 0x22c, kernel_alignment: 0x230, relocatable_kernel: 0x234, min_alignment: 0x235,
  xloadflags: 0x236, cmdline_size: 0x238, hardware_subarch: 0x23c, setup_data: 0x250,
  pref_address: 0x258, init_size: 0x260,
} as const;

/** boot_params fields outside the setup header (zero-page.rst). */
export const BP = {
  screen_info: 0x000, acpi_rsdp_addr: 0x070, ext_ramdisk_image: 0x0c0, ext_ramdisk_size: 0x0c4,
  ext_cmd_line_ptr: 0x0c8, alt_mem_k: 0x1e0, e820_entries: 0x1e8, sentinel: 0x1ef, e820_table: 0x2d0,
  size: 0x1000,
} as const;

export const BOOT_FLAG = 0xaa55;
export const HDRS_MAGIC = 0x53726448; // "HdrS"
export const MIN_PROTOCOL = 0x0206;
export const LOADED_HIGH = 1 << 0;
export const CAN_USE_HEAP = 1 << 7;
export const KERNEL_LOAD_ADDRESS = 0x100000;
export const LOWMEM_LIMIT = 0x38000000;
export const E820_MAX_ENTRIES_ZEROPAGE = 128;
/** boot_params has room for the header up to edd_mbr_sig_buffer at 0x290. */
const HEADER_LIMIT = 0x290;
/** boot.rst's sample layout: heap to 0xE000 of the (unused) real-mode segment. */
const HEAP_END = 0xe000;
const TYPE_OF_LOADER_UNDEFINED = 0xff;
const PAGE = 0x1000;

export interface LinuxHeader {
  /** Protocol version, e.g. 0x020f for 2.15. */
  version: number;
  setupSects: number;
  /** Bytes of real-mode code (boot sector + setup) before the protected-mode kernel. */
  setupBytes: number;
  /** Bytes of protected-mode kernel (syssize paragraphs). */
  kernelBytes: number;
  loadflags: number;
  relocatable: boolean;
  kernelAlignment: number;
  prefAddress: number;
  initSize: number;
  cmdlineSize: number;
  initrdAddrMax: number;
  /** First byte after the setup header (0x202 + the jump's displacement byte). */
  headerEnd: number;
  /** The kernel's version string, if the header points to one. */
  kernelVersion?: string;
}

export interface LinuxBootOptions {
  /** The memory map the kernel gets (from firmware.ts or pcMemoryMap(...).build()). */
  e820: readonly E820Entry[];
  cmdline?: string;
  initrd?: Uint8Array;
  /** Physical address of the ACPI RSDP, if the machine has ACPI tables. */
  acpiRsdp?: number;
  /** File names for messages. */
  names?: { kernel?: string; initrd?: string };
  /**
   * Unpack a gzip kernel payload and a gzip initrd on the host (vmlinux.ts), default true; false
   * boots the image exactly as a BIOS boot loader would, the guest decompressing both.
   */
  hostUnpack?: boolean;
}

export interface LinuxBoot {
  state: BootState;
  header: LinuxHeader;
  zeroPage: number;
  cmdline: { addr: number; length: number };
  /** RAM the kernel occupies from its load address to the end of its init_size area. */
  kernel: { base: number; end: number };
  initrd?: { base: number; size: number };
  /** Set when the host unpacked the kernel: where its ELF segments went. */
  vmlinux?: { lo: number; hi: number; entry: number };
}

/** Parses and validates the setup header of a bzImage. */
export function parseBzImage(image: Uint8Array, name = 'bzImage'): LinuxHeader {
  if (image.length < 1024) {
    throw new BootError(`${name}: truncated (${image.length} bytes; the boot sector and setup header need 1024)`);
  }
  const v = new DataView(image.buffer, image.byteOffset, image.byteLength);
  if (v.getUint16(HDR.boot_flag, true) !== BOOT_FLAG) {
    throw new BootError(`${name}: not a Linux kernel (no boot flag 0xAA55 at 0x1FE)`);
  }
  if (v.getUint32(HDR.header, true) !== HDRS_MAGIC) {
    throw new BootError(`${name}: not a Linux kernel (no HdrS magic at 0x202)`);
  }
  const version = v.getUint16(HDR.version, true);
  if (version < MIN_PROTOCOL) {
    throw new BootError(`${name}: boot protocol ${protocolText(version)} is too old (need ${protocolText(MIN_PROTOCOL)} or later)`);
  }
  const loadflags = image[HDR.loadflags];
  if (!(loadflags & LOADED_HIGH)) {
    throw new BootError(`${name}: a zImage (LOADED_HIGH clear in loadflags) — only bzImage kernels are supported`);
  }
  const headerEnd = 0x202 + image[HDR.jump + 1];
  if (image[HDR.jump] !== 0xeb || headerEnd > HEADER_LIMIT) {
    throw new BootError(`${name}: setup header ends at ${hex(headerEnd)}, beyond boot_params' limit ${hex(HEADER_LIMIT)}`);
  }
  const setupSects = image[HDR.setup_sects] || 4;
  const setupBytes = (setupSects + 1) * 512;
  const kernelBytes = v.getUint32(HDR.syssize, true) * 16;
  if (kernelBytes === 0) throw new BootError(`${name}: syssize is 0 (no protected-mode kernel)`);
  if (image.length < setupBytes + kernelBytes) {
    throw new BootError(
      `${name}: truncated (${image.length} bytes; setup ${setupBytes} + kernel ${kernelBytes} need ${setupBytes + kernelBytes})`,
    );
  }
  const u32 = (off: number) => (off + 4 <= headerEnd ? v.getUint32(off, true) : 0);
  const hdr: LinuxHeader = {
    version,
    setupSects,
    setupBytes,
    kernelBytes,
    loadflags,
    relocatable: HDR.relocatable_kernel < headerEnd && image[HDR.relocatable_kernel] !== 0,
    kernelAlignment: u32(HDR.kernel_alignment),
    // pref_address is a u64; a 32-bit kernel's fits in the low half.
    prefAddress: u32(HDR.pref_address),
    initSize: u32(HDR.init_size),
    cmdlineSize: u32(HDR.cmdline_size),
    initrdAddrMax: u32(HDR.initrd_addr_max),
    headerEnd,
  };
  const kv = v.getUint16(HDR.kernel_version, true);
  if (kv !== 0 && kv + 0x200 < setupBytes) {
    const at = kv + 0x200;
    const end = image.indexOf(0, at);
    if (end > at && end < setupBytes) hdr.kernelVersion = new TextDecoder().decode(image.subarray(at, end));
  }
  return hdr;
}

/** Loads a bzImage (and initrd) into guest RAM and returns the 32-bit entry state. */
export function loadLinux(mem: GuestMemory, image: Uint8Array, opts: LinuxBootOptions): LinuxBoot {
  const kname = opts.names?.kernel ?? 'bzImage';
  const hdr = parseBzImage(image, kname);
  const e820 = opts.e820;
  if (e820.length > E820_MAX_ENTRIES_ZEROPAGE) {
    throw new BootError(`e820: ${e820.length} entries do not fit in the zero page (max ${E820_MAX_ENTRIES_ZEROPAGE})`);
  }

  const kernel = kernelFootprint(hdr);
  const extended = contiguousRam(e820, KERNEL_LOAD_ADDRESS);
  if (KERNEL_LOAD_ADDRESS + extended < kernel.end) {
    throw new BootError(
      `${kname}: needs RAM up to ${hex(kernel.end)} (init_size ${sizeText(hdr.initSize)}), but RAM from 1 MiB ends at ${hex(KERNEL_LOAD_ADDRESS + extended)}`,
    );
  }
  const hostUnpack = opts.hostUnpack ?? true;
  const vml = hostUnpack ? hostKernel(image, hdr, kernel, kname) : undefined;
  if (vml) {
    for (const s of vml.segments) writeChecked(mem, s.paddr, s.data, kname);
  } else {
    writeChecked(mem, KERNEL_LOAD_ADDRESS, image.subarray(hdr.setupBytes, hdr.setupBytes + hdr.kernelBytes), kname);
  }

  const cmdline = placeCmdline(mem, hdr, opts.cmdline ?? '');
  let initrd: LinuxBoot['initrd'];
  if (opts.initrd && opts.initrd.length > 0) {
    const iname = opts.names?.initrd ?? 'initrd';
    const bytes = hostUnpack ? unpackInitrd(opts.initrd) : opts.initrd;
    const base = placeInitrd(hdr, e820, bytes.length, kernel, iname);
    writeChecked(mem, base, bytes, iname);
    initrd = { base, size: bytes.length };
  }

  const bp = buildZeroPage(image, hdr, { e820, cmdline: cmdline.addr, initrd, acpiRsdp: opts.acpiRsdp });
  writeChecked(mem, ZERO_PAGE, bp, 'zero page');

  // boot.rst: ESI = boot_params, EBP = EDI = EBX = 0, CS = __BOOT_CS, DS = ES = SS = __BOOT_DS.
  // The unpacked kernel's startup_32 takes the same state, at its ELF entry.
  const state = flat32State(mem, vml ? vml.entry : KERNEL_LOAD_ADDRESS, { esi: ZERO_PAGE, ebp: 0, edi: 0, ebx: 0, eax: 0 });
  const loaded: LinuxBoot = { state, header: hdr, zeroPage: ZERO_PAGE, cmdline, kernel, initrd };
  if (vml) loaded.vmlinux = { lo: vml.lo, hi: vml.hi, entry: vml.entry };
  return loaded;
}

/**
 * The kernel unpacked on the host, if its payload is gzip and its segments lie inside the RAM the
 * header asks for (from 1 MiB to the end of init_size); otherwise the guest decompresses it.
 */
function hostKernel(image: Uint8Array, hdr: LinuxHeader, kernel: { base: number; end: number }, name: string): Vmlinux | undefined {
  const payload = bzPayload(image, hdr.setupBytes, hdr.version);
  if (!payload) return undefined;
  const vml = unpackVmlinux(payload, name);
  if (!vml || vml.lo < kernel.base || vml.hi > kernel.end) return undefined;
  return vml;
}

/** [load address, end of what the kernel touches before it reads the memory map). */
export function kernelFootprint(hdr: LinuxHeader): { base: number; end: number } {
  const base = KERNEL_LOAD_ADDRESS;
  let runtime = base;
  if (hdr.relocatable && hdr.kernelAlignment > 0) runtime = alignUp(base, hdr.kernelAlignment);
  // The decompressor never runs below LOAD_PHYSICAL_ADDR, which the header reports as
  // pref_address (2.10+); a non-relocatable kernel runs exactly there.
  if (hdr.version >= 0x020a && hdr.prefAddress > runtime) runtime = hdr.prefAddress;
  const end = Math.max(base + hdr.kernelBytes, runtime + (hdr.version >= 0x020a ? hdr.initSize : 0));
  return { base, end: alignUp(end, PAGE) };
}

function placeCmdline(mem: GuestMemory, hdr: LinuxHeader, text: string): { addr: number; length: number } {
  const bytes = cString(text);
  const length = bytes.length - 1;
  if (length > hdr.cmdlineSize) {
    throw new BootError(`cmdline: ${length} bytes exceed the kernel's cmdline_size ${hdr.cmdlineSize}`);
  }
  if (CMDLINE_BASE + bytes.length > CMDLINE_END) {
    throw new BootError(`cmdline: ${length} bytes do not fit below ${hex(CMDLINE_END)}`);
  }
  writeChecked(mem, CMDLINE_BASE, bytes, 'cmdline');
  return { addr: CMDLINE_BASE, length };
}

function placeInitrd(
  hdr: LinuxHeader, e820: readonly E820Entry[], size: number, kernel: { end: number }, name: string,
): number {
  const max = Math.min(hdr.initrdAddrMax || LOWMEM_LIMIT - 1, LOWMEM_LIMIT - 1);
  const limit = max + 1; // initrd_addr_max is the highest byte the initrd may occupy
  const ram = e820.filter((e) => e.type === 'ram').sort((a, b) => b.base - a.base);
  for (const r of ram) {
    const top = Math.min(r.base + r.size, limit);
    const base = alignDown(top - size, PAGE);
    if (base >= r.base && base >= kernel.end) return base;
  }
  throw new BootError(
    `${name}: ${sizeText(size)} does not fit below initrd_addr_max ${hex(max)} with ${sizeText(ramEnd(e820))} of RAM` +
      ` (the kernel needs up to ${hex(kernel.end)})`,
  );
}

interface ZeroPageInputs {
  e820: readonly E820Entry[];
  cmdline: number;
  initrd?: { base: number; size: number };
  acpiRsdp?: number;
}

/** struct boot_params: zeros, the image's setup header, and what the boot loader must fill in. */
export function buildZeroPage(image: Uint8Array, hdr: LinuxHeader, inp: ZeroPageInputs): Uint8Array {
  const bp = new Uint8Array(BP.size);
  const v = new DataView(bp.buffer);
  bp.set(image.subarray(HDR.setup_sects, hdr.headerEnd), HDR.setup_sects);
  // screen_info stays zero: orig_video_isVGA = 0 and no lines/columns mean "no VGA console".
  v.setUint16(HDR.vid_mode, 0xffff, true); // "normal"
  bp[HDR.type_of_loader] = TYPE_OF_LOADER_UNDEFINED;
  bp[HDR.loadflags] = hdr.loadflags | CAN_USE_HEAP;
  v.setUint16(HDR.heap_end_ptr, HEAP_END - 0x200, true);
  v.setUint32(HDR.code32_start, KERNEL_LOAD_ADDRESS, true);
  v.setUint32(HDR.cmd_line_ptr, inp.cmdline, true);
  v.setUint32(HDR.ramdisk_image, inp.initrd?.base ?? 0, true);
  v.setUint32(HDR.ramdisk_size, inp.initrd?.size ?? 0, true);
  if (inp.acpiRsdp !== undefined) v.setUint32(BP.acpi_rsdp_addr, inp.acpiRsdp, true);
  v.setUint32(BP.alt_mem_k, Math.floor(contiguousRam(inp.e820, KERNEL_LOAD_ADDRESS) / 1024), true);
  bp[BP.e820_entries] = inp.e820.length;
  bp.set(encodeE820(inp.e820), BP.e820_table);
  return bp;
}

function protocolText(version: number): string {
  return `${version >> 8}.${(version & 0xff).toString().padStart(2, '0')}`;
}
