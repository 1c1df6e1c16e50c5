// e820.ts — the machine's physical memory map, as INT 15h/E820 reports it (ACPI spec, "System
// Address Map Interfaces"). Sources add ranges; build() returns them sorted, with overlaps
// resolved and neighbours of one type merged. The same entries feed Linux's zero page
// (linux.ts), the multiboot mmap (multiboot.ts) and the ACPI tables.
//
// Overlap rule: a non-RAM range wins over RAM (a device window punches a hole in RAM, as the
// IOAPIC page does in a machine with 4 GiB); two different non-RAM types overlapping is a
// configuration error, reported with both owners.

import { BootError, hex, sizeText } from './boot-state.ts';

export type E820Type = 'ram' | 'reserved' | 'acpi' | 'nvs' | 'unusable';

/** The numeric address range types of the E820 interface. */
export const E820_TYPE_CODE: Record<E820Type, number> = { ram: 1, reserved: 2, acpi: 3, nvs: 4, unusable: 5 };

export interface E820Entry {
  base: number;
  size: number;
  type: E820Type;
}

interface OwnedRange extends E820Entry {
  owner: string;
}

/** Bytes per entry in the boot protocols' tables: u64 base, u64 size, u32 type. */
export const E820_ENTRY_SIZE = 20;
/** Highest address we accept (exact in a double, and more than a 32-bit guest can address). */
const ADDRESS_LIMIT = 2 ** 48;

export const EBDA_BASE = 0x9fc00;
export const BIOS_AREA_BASE = 0xf0000;
export const HIGH_MEMORY = 0x100000;

export class E820Builder {
  private readonly ranges: OwnedRange[] = [];

  add(base: number, size: number, type: E820Type, owner: string): this {
    if (!Number.isInteger(base) || base < 0 || !Number.isInteger(size) || size <= 0 || base + size > ADDRESS_LIMIT) {
      throw new BootError(`e820: ${owner}: bad range base ${hex(base)} size ${hex(size)}`);
    }
    this.ranges.push({ base, size, type, owner });
    return this;
  }

  ram(base: number, size: number, owner = 'RAM'): this {
    return this.add(base, size, 'ram', owner);
  }

  reserve(base: number, size: number, owner: string): this {
    return this.add(base, size, 'reserved', owner);
  }

  /** Sorted, non-overlapping entries; adjacent entries of one type are merged. */
  build(): E820Entry[] {
    const cuts = [...new Set(this.ranges.flatMap((r) => [r.base, r.base + r.size]))].sort((a, b) => a - b);
    const out: E820Entry[] = [];
    for (let i = 0; i + 1 < cuts.length; i++) {
      const lo = cuts[i], hi = cuts[i + 1];
      const type = this.typeOf(lo, hi);
      if (!type) continue;
      const last = out[out.length - 1];
      if (last && last.type === type && last.base + last.size === lo) last.size += hi - lo;
      else out.push({ base: lo, size: hi - lo, type });
    }
    return out;
  }

  /** The type of the elementary interval [lo, hi), which no range boundary splits. */
  private typeOf(lo: number, hi: number): E820Type | undefined {
    let found: OwnedRange | undefined;
    for (const r of this.ranges) {
      if (r.base >= hi || r.base + r.size <= lo) continue;
      if (!found || (found.type === 'ram' && r.type !== 'ram')) {
        found = r;
      } else if (r.type !== 'ram' && r.type !== found.type) {
        throw new BootError(
          `e820: ${found.owner} (${found.type}) and ${r.owner} (${r.type}) overlap at ${hex(lo)}-${hex(hi)}`,
        );
      }
    }
    return found?.type;
  }
}

/**
 * The PC map before devices add theirs: conventional memory up to the EBDA, the EBDA, the BIOS
 * area (where firmware.ts puts the MP and ACPI tables) and extended memory from 1 MiB.
 * 0xA0000-0xEFFFF (VGA window, option ROMs) is a hole.
 */
export function pcMemoryMap(ramSize: number): E820Builder {
  if (!Number.isInteger(ramSize) || ramSize < 2 * 1024 * 1024) {
    throw new BootError(`e820: ${sizeText(ramSize)} of RAM is too small (need at least 2 MiB)`);
  }
  return new E820Builder()
    .ram(0, EBDA_BASE, 'conventional memory')
    .reserve(EBDA_BASE, 0xa0000 - EBDA_BASE, 'EBDA')
    .reserve(BIOS_AREA_BASE, HIGH_MEMORY - BIOS_AREA_BASE, 'BIOS area')
    .ram(HIGH_MEMORY, ramSize - HIGH_MEMORY, 'extended memory');
}

/** The entries in the boot-protocol layout (u64 base, u64 size, u32 type), back to back. */
export function encodeE820(entries: readonly E820Entry[], stride = E820_ENTRY_SIZE): Uint8Array {
  const out = new Uint8Array(entries.length * stride);
  const v = new DataView(out.buffer);
  entries.forEach((e, i) => {
    const o = i * stride;
    writeU64(v, o, e.base);
    writeU64(v, o + 8, e.size);
    v.setUint32(o + 16, E820_TYPE_CODE[e.type], true);
  });
  return out;
}

export function writeU64(v: DataView, offset: number, n: number): void {
  v.setUint32(offset, n % 2 ** 32, true);
  v.setUint32(offset + 4, Math.floor(n / 2 ** 32), true);
}

/** Bytes of usable RAM that run contiguously from `from` (0 if `from` is not in RAM). */
export function contiguousRam(entries: readonly E820Entry[], from: number): number {
  let end = from;
  for (const e of entries) {
    if (e.type === 'ram' && e.base <= end && e.base + e.size > end) end = e.base + e.size;
  }
  return end - from;
}

/** End of the highest usable RAM range. */
export function ramEnd(entries: readonly E820Entry[]): number {
  return entries.filter((e) => e.type === 'ram').reduce((m, e) => Math.max(m, e.base + e.size), 0);
}
