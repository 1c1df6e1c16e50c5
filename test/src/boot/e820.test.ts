import { describe, expect, it } from 'vitest';
import {
  E820Builder, contiguousRam, encodeE820, pcMemoryMap, ramEnd,
} from '../../../src/boot/e820.ts';
import { MiB, u32, u64 } from './helpers.ts';

describe('e820: builder', () => {
  it('lays out the PC map for 256 MiB', () => {
    expect(pcMemoryMap(256 * MiB).build()).toEqual([
      { base: 0, size: 0x9fc00, type: 'ram' },
      { base: 0x9fc00, size: 0x400, type: 'reserved' },
      { base: 0xf0000, size: 0x10000, type: 'reserved' },
      { base: 0x100000, size: 255 * MiB, type: 'ram' },
    ]);
  });

  it('sorts ranges added in any order', () => {
    const m = new E820Builder().reserve(0xfee00000, 0x1000, 'LAPIC').ram(0x100000, MiB).reserve(0xfec00000, 0x1000, 'IOAPIC');
    expect(m.build().map((e) => e.base)).toEqual([0x100000, 0xfec00000, 0xfee00000]);
  });

  it('merges adjacent and overlapping ranges of one type', () => {
    const m = new E820Builder().ram(0, 0x1000).ram(0x1000, 0x1000).ram(0x1800, 0x2000).reserve(0x10000, 0x100, 'a').reserve(0x10100, 0x100, 'b');
    expect(m.build()).toEqual([
      { base: 0, size: 0x3800, type: 'ram' },
      { base: 0x10000, size: 0x200, type: 'reserved' },
    ]);
  });

  it('lets a reserved range punch a hole in RAM', () => {
    const m = new E820Builder().ram(0x100000, 0xff000000).reserve(0xfec00000, 0x1000, 'IOAPIC');
    expect(m.build()).toEqual([
      { base: 0x100000, size: 0xfec00000 - 0x100000, type: 'ram' },
      { base: 0xfec00000, size: 0x1000, type: 'reserved' },
      { base: 0xfec01000, size: 0x100000 + 0xff000000 - 0xfec01000, type: 'ram' },
    ]);
  });

  it('keeps addresses above 4 GiB exact', () => {
    const m = new E820Builder().ram(0x100000000, 0x80000000);
    const bytes = encodeE820(m.build());
    expect(u64(bytes, 0)).toBe(0x100000000);
    expect(u64(bytes, 8)).toBe(0x80000000);
  });

  it('reports two different non-RAM types overlapping, naming both owners', () => {
    const m = new E820Builder().reserve(0xf0000, 0x10000, 'BIOS area').add(0xff000, 0x2000, 'acpi', 'ACPI tables');
    expect(() => m.build()).toThrow('e820: BIOS area (reserved) and ACPI tables (acpi) overlap at 0xff000-0x100000');
  });

  it('rejects bad ranges', () => {
    expect(() => new E820Builder().ram(-1, 10)).toThrow('e820: RAM: bad range');
    expect(() => new E820Builder().reserve(0, 0, 'empty')).toThrow('e820: empty: bad range base 0x0 size 0x0');
    expect(() => new E820Builder().reserve(0.5, 1, 'x')).toThrow(/bad range/);
    expect(() => pcMemoryMap(MiB)).toThrow('e820: 1 MiB of RAM is too small (need at least 2 MiB)');
  });

  it('encodes 20-byte entries: u64 base, u64 length, u32 type', () => {
    const b = encodeE820(pcMemoryMap(32 * MiB).build());
    expect(b.length).toBe(80);
    expect([u64(b, 20), u64(b, 28), u32(b, 36)]).toEqual([0x9fc00, 0x400, 2]);
    expect([u64(b, 60), u64(b, 68), u32(b, 76)]).toEqual([0x100000, 31 * MiB, 1]);
  });

  it('measures contiguous RAM and the end of RAM', () => {
    const map = pcMemoryMap(32 * MiB).build();
    expect(contiguousRam(map, 0)).toBe(0x9fc00);
    expect(contiguousRam(map, 0x100000)).toBe(31 * MiB);
    expect(contiguousRam(map, 0xa0000)).toBe(0);
    expect(ramEnd(map)).toBe(32 * MiB);
  });
});
