import { describe, expect, it } from 'vitest';
import { loadRom, powerOnState } from '../../../src/boot/rom.ts';
import { same } from './helpers.ts';

const KiB = 1024;
const rom = (n: number) => new Uint8Array(n).map((_, i) => (i * 31 + 7) & 0xff);

describe('rom: mapping', () => {
  it.each([
    [64, 0xffff0000, 0xf0000],
    [128, 0xfffe0000, 0xe0000],
    [256, 0xfffc0000, 0xe0000],
  ])('%i KiB ROM: top at 4 GiB, last 128 KiB at most below 1 MiB', (kib, high, low) => {
    const file = rom(kib * KiB);
    const r = loadRom(file);
    expect(r.size).toBe(kib * KiB);
    expect(r.highStart).toBe(high);
    expect(r.lowStart).toBe(low);
    expect(same(r.bytes, file)).toBe(true);
    expect(r.highStart + r.size).toBe(2 ** 32);
  });

  it('pads a 2 KiB-multiple ROM at the bottom to 4 KiB, keeping the reset vector at the top', () => {
    const file = rom(6 * KiB);
    const r = loadRom(file);
    expect(r.size).toBe(8 * KiB);
    expect(r.bytes.subarray(0, 2 * KiB).every((b) => b === 0xff)).toBe(true);
    expect(same(r.bytes.subarray(2 * KiB), file)).toBe(true);
    expect(r.highStart).toBe(2 ** 32 - 8 * KiB);
    expect(r.lowStart).toBe(0x100000 - 8 * KiB);
    // The byte at 0xFFFFFFF0 is file byte size - 16.
    expect(r.bytes[0xfffffff0 - r.highStart]).toBe(file[file.length - 16]);
  });

  it('rejects oversize, odd-sized and empty ROMs', () => {
    expect(() => loadRom(rom(256 * KiB + 2 * KiB), { name: 'bios.bin' })).toThrow('bios.bin: 258 KiB is larger than the 256 KiB ROM window');
    expect(() => loadRom(rom(512 * KiB))).toThrow('rom: 512 KiB is larger than the 256 KiB ROM window');
    expect(() => loadRom(rom(3000))).toThrow('rom: 3000 bytes is not a multiple of 2 KiB');
    expect(() => loadRom(new Uint8Array(0))).toThrow('rom: empty file');
  });
});

describe('rom: entry state', () => {
  it('is the power-on state: real mode, CS F000 base FFFF0000, IP FFF0', () => {
    const s = loadRom(rom(64 * KiB), { cpuSignature: 0x619 }).state;
    expect(s.mode).toBe('real');
    expect(s.eip).toBe(0xfff0);
    expect(s.segments.cs).toMatchObject({ selector: 0xf000, base: 0xffff0000, limit: 0xffff });
    for (const k of ['ds', 'es', 'ss', 'fs', 'gs'] as const) {
      expect(s.segments[k]).toMatchObject({ selector: 0, base: 0, limit: 0xffff });
    }
    expect(s.regs.edx).toBe(0x619);
    expect(s.gdt).toBeUndefined();
    expect(s.interrupts).toBe(false);
    expect(s.segments.cs.base + s.eip).toBe(0xfffffff0);
    expect(powerOnState().regs).toEqual({});
  });
});
