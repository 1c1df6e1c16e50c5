// rom.ts — a raw firmware ROM image (a BIOS, coreboot payload, or a test ROM).
//
// The ROM is mapped so that its last byte is at 4 GiB - 1 (where the reset vector at
// 0xFFFFFFF0 finds it), and its last min(size, 128 KiB) bytes appear again below 1 MiB, ending
// at 0xFFFFF, as the PC chipsets alias the top of the flash into the E and F segments. Files
// must be a multiple of 2 KiB (option-ROM granularity) and at most 256 KiB; they are padded at
// the bottom with 0xFF (erased flash) to a multiple of 4 KiB, so the top stays at 4 GiB and the
// mapping is page-granular. The core reads ROM bytes from its ROM area: this file only returns
// the bytes and the mapping addresses.
//
// Entry: the processor's power-on state (Intel SDM vol. 3, "Processor State After Reset"):
// real mode, CS selector 0xF000 with hidden base 0xFFFF0000, IP 0xFFF0, the other segments
// selector 0 base 0 limit 0xFFFF, EDX = the CPU signature when given.

import { BootError, KiB, sizeText, type BootState, type SegmentState } from './boot-state.ts';

export const ROM_MAX_SIZE = 256 * KiB;
export const ROM_LOW_WINDOW = 128 * KiB;
export const ROM_GRANULE = 2 * KiB;
const PAGE = 4 * KiB;
const FOUR_GIB = 2 ** 32;
const ONE_MIB = 0x100000;

export interface RomImage {
  /** The padded image, `size` bytes. */
  bytes: Uint8Array;
  size: number;
  /** Guest-physical start of the mapping that ends at 4 GiB. */
  highStart: number;
  /** Guest-physical start of the low alias that ends at 1 MiB (its last min(size, 128 KiB) bytes). */
  lowStart: number;
  state: BootState;
}

export interface RomOptions {
  name?: string;
  /** Family/model/stepping in CPUID(1).EAX layout, reported in EDX after reset. */
  cpuSignature?: number;
}

export function loadRom(file: Uint8Array, opts: RomOptions = {}): RomImage {
  const name = opts.name ?? 'rom';
  if (file.length === 0) throw new BootError(`${name}: empty file`);
  if (file.length > ROM_MAX_SIZE) {
    throw new BootError(`${name}: ${sizeText(file.length)} is larger than the ${sizeText(ROM_MAX_SIZE)} ROM window`);
  }
  if (file.length % ROM_GRANULE !== 0) {
    throw new BootError(`${name}: ${file.length} bytes is not a multiple of 2 KiB`);
  }
  const size = Math.ceil(file.length / PAGE) * PAGE;
  const bytes = new Uint8Array(size).fill(0xff);
  bytes.set(file, size - file.length);
  return {
    bytes,
    size,
    highStart: FOUR_GIB - size,
    lowStart: ONE_MIB - Math.min(size, ROM_LOW_WINDOW),
    state: powerOnState(opts.cpuSignature),
  };
}

/** The state after RESET: real mode at the reset vector 0xF000:0xFFF0 (linear 0xFFFFFFF0). */
export function powerOnState(cpuSignature?: number): BootState {
  // Real-mode descriptor caches: present, DPL 0, accessed; CS is marked as code.
  const data = (): SegmentState => ({ selector: 0, base: 0, limit: 0xffff, attr: 0x93 });
  return {
    mode: 'real',
    eip: 0xfff0,
    esp: 0,
    regs: cpuSignature === undefined ? {} : { edx: cpuSignature },
    segments: {
      cs: { selector: 0xf000, base: 0xffff0000, limit: 0xffff, attr: 0x9b },
      ds: data(), es: data(), ss: data(), fs: data(), gs: data(),
    },
    interrupts: false,
  };
}
