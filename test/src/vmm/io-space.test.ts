import { describe, expect, it } from 'vitest';
import type { Size } from '../../../src/vmm/device-api.ts';
import { IoSpace, allOnes, maskTo } from '../../../src/vmm/io-space.ts';
import { MachineLog } from '../../../src/vmm/motherboard.ts';

function space() {
  const lines: string[] = [];
  const log = new MachineLog((l) => lines.push(l));
  return { io: new IoSpace(log), lines };
}

const nullPort = { read: () => 0, write: () => {} };
const nullMmio = nullPort;

describe('ports', () => {
  it('dispatches to the claimed handler with the absolute port and size', () => {
    const { io } = space();
    const calls: string[] = [];
    io.claimPorts(0x3f8, 8, 'uart', {
      read: (p, s) => (calls.push(`r${p.toString(16)}/${s}`), 0x1234567),
      write: (p, s, v) => void calls.push(`w${p.toString(16)}/${s}=${v.toString(16)}`),
    });
    expect(io.ioRead(0x3fd, 1)).toBe(0x67);
    expect(io.ioRead(0x3fd, 2)).toBe(0x4567);
    io.ioWrite(0x3f8, 1, 0x1ff);
    io.ioWrite(0x3f9, 4, -1);
    expect(calls).toEqual(['r3fd/1', 'r3fd/2', 'w3f8/1=ff', 'w3f9/4=ffffffff']);
    expect(io.ownerOfPort(0x3ff)).toBe('uart');
    expect(io.ownerOfPort(0x400)).toBeUndefined();
  });

  it('overlapping claims throw naming both owners and the range', () => {
    const { io } = space();
    io.claimPorts(0x60, 1, 'i8042 data', nullPort);
    io.claimPorts(0x64, 1, 'i8042 command', nullPort);
    expect(() => io.claimPorts(0x61, 4, 'sysctrl', nullPort)).toThrow(
      /port 0x0064 claimed twice: sysctrl wants 0x0061-0x0064, already owned by i8042 command/,
    );
    expect(io.ownerOfPort(0x61)).toBeUndefined(); // nothing half-claimed
    expect(() => io.claimPorts(0xffff, 2, 'wrap', nullPort)).toThrow(/bad port range/);
  });

  it('unclaimed ports read all-ones for the size, ignore writes, and are logged once per port', () => {
    const { io, lines } = space();
    expect(io.ioRead(0x1234, 1)).toBe(0xff);
    expect(io.ioRead(0x1234, 2)).toBe(0xffff);
    expect(io.ioRead(0x1234, 4)).toBe(0xffffffff);
    io.ioWrite(0x1234, 1, 0);
    io.ioRead(0x1235, 1);
    expect(lines).toEqual([
      'unclaimed port 0x1234 (read): all-ones / ignored',
      'unclaimed port 0x1235 (read): all-ones / ignored',
    ]);
  });

  it('a throwing handler is answered with all-ones and logged once, never thrown to the guest', () => {
    const { io, lines } = space();
    io.claimPorts(0x70, 2, 'rtc', {
      read: () => {
        throw new Error('boom');
      },
      write: () => {
        throw new Error('bang');
      },
    });
    expect(io.ioRead(0x70, 2)).toBe(0xffff);
    expect(() => io.ioWrite(0x70, 1, 1)).not.toThrow();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/rtc: port 0x0070 handler threw: Error: boom/);
  });

  it('sizes and masks', () => {
    expect([1, 2, 4].map((s) => allOnes(s as Size))).toEqual([0xff, 0xffff, 0xffffffff]);
    expect(maskTo(-1, 4)).toBe(0xffffffff);
    expect(maskTo(0x12345, 2)).toBe(0x2345);
  });
});

describe('MMIO', () => {
  it('finds the right range among many (binary search) with offsets', () => {
    const { io } = space();
    const bases = [0xfee00000, 0xa0000, 0xfec00000, 0xfed00000, 0xe0000000, 0x100000];
    for (const base of bases) {
      io.claimMmio(base, 0x1000, `dev${base.toString(16)}`, {
        read: (off, size) => base + off + size,
        write: () => {},
      });
    }
    for (const base of bases) {
      expect(io.mmioRead(base + 0x10, 4)).toBe((base + 0x14) >>> 0);
      expect(io.ownerOfMmio(base + 0xfff)).toBe(`dev${base.toString(16)}`);
      expect(io.ownerOfMmio(base + 0x1000)).toBeUndefined();
    }
    expect(io.mmioRanges().map((r) => r.base)).toEqual([...bases].sort((a, b) => a - b));
  });

  it('overlap throws naming both owners and both ranges', () => {
    const { io } = space();
    io.claimMmio(0xfec00000, 0x1000, 'ioapic', nullMmio);
    expect(() => io.claimMmio(0xfebff000, 0x2000, 'bar0', nullMmio)).toThrow(
      'MMIO overlap: bar0 wants 0xfebff000-0xfec00fff, ioapic owns 0xfec00000-0xfec00fff',
    );
    expect(() => io.claimMmio(0xfffff000, 0x1000, 'top', nullMmio)).not.toThrow();
    expect(() => io.claimMmio(0xfffff000 + 0x1000, 1, 'past 4G', nullMmio)).toThrow(/bad MMIO range/);
  });

  it('unclaimed MMIO reads all-ones and is logged once per page; throwing handlers are contained', () => {
    const { io, lines } = space();
    expect(io.mmioRead(0xd0000000, 4)).toBe(0xffffffff);
    expect(io.mmioRead(0xd0000ffc, 1)).toBe(0xff);
    io.mmioWrite(0xd0001000, 2, 5);
    expect(lines).toHaveLength(2);
    io.claimMmio(0x1000, 0x1000, 'bad', {
      read: () => {
        throw new Error('x');
      },
      write: () => {},
    });
    expect(io.mmioRead(0x1004, 2)).toBe(0xffff);
    expect(io.mmioRead(0x1008, 2)).toBe(0xffff);
    expect(lines).toHaveLength(3);
  });
});
