// The host-side kernel unpacker (src/boot/vmlinux.ts): bzImage payload → ELF segments, and
// gzip initrds unpacked only when they are exactly one gzip member.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BootError } from '../../../src/boot/boot-state.ts';
import { pcMemoryMap } from '../../../src/boot/e820.ts';
import { loadLinux } from '../../../src/boot/linux.ts';
import { bzPayload, parseElf32, unpackInitrd, unpackVmlinux } from '../../../src/boot/vmlinux.ts';
import { MiB, fakeBzImage, put32, ram, same } from './helpers.ts';

/** An ELF32 i386 executable with the given PT_LOAD segments (vaddr = paddr + 0xC0000000). */
function elf32(entry: number, segs: { paddr: number; data: Uint8Array; memsz?: number }[], machine = 3): Uint8Array {
  const phoff = 52;
  let off = phoff + 32 * segs.length;
  const out = new Uint8Array(off + segs.reduce((n, s) => n + s.data.length, 0));
  const v = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]);
  v.setUint16(16, 2, true); // ET_EXEC
  v.setUint16(18, machine, true);
  v.setUint32(24, entry, true);
  v.setUint32(28, phoff, true);
  v.setUint16(42, 32, true);
  v.setUint16(44, segs.length, true);
  segs.forEach((s, i) => {
    const p = phoff + 32 * i;
    v.setUint32(p, 1, true);
    v.setUint32(p + 4, off, true);
    v.setUint32(p + 8, s.paddr + 0xc0000000, true);
    v.setUint32(p + 12, s.paddr, true);
    v.setUint32(p + 16, s.data.length, true);
    v.setUint32(p + 20, s.memsz ?? s.data.length, true);
    out.set(s.data, off);
    off += s.data.length;
  });
  return out;
}

/** A fake bzImage (protocol 2.15) whose payload is `payload`. */
function bzWithPayload(payload: Uint8Array): Uint8Array {
  const base = fakeBzImage({ kernelBytes: 0x1000 });
  const setupBytes = 5 * 512;
  const img = new Uint8Array(setupBytes + 0x1000 + payload.length + 16);
  img.set(base.subarray(0, setupBytes + 0x1000));
  put32(img, 0x1f4, (img.length - setupBytes) / 16);
  put32(img, 0x248, 0x1000); // payload_offset, from the protected-mode code
  put32(img, 0x24c, payload.length);
  img.set(payload, setupBytes + 0x1000);
  return img;
}

const code = new Uint8Array([0xf4, 0xeb, 0xfd, 0x90]);
const data = new Uint8Array(64).map((_, i) => i + 1);

describe('vmlinux: ELF32 segments', () => {
  it('reads PT_LOAD segments and a physical or virtual entry', () => {
    const e = parseElf32(elf32(0x1000000, [{ paddr: 0x1000000, data: code }, { paddr: 0x1002000, data, memsz: 0x3000 }]), 'k');
    expect(e.entry).toBe(0x1000000);
    expect(e.segments.map((s) => [s.paddr, s.data.length, s.memsz])).toEqual([[0x1000000, 4, 4], [0x1002000, 64, 0x3000]]);
    expect([e.lo, e.hi]).toEqual([0x1000000, 0x1005000]);
    expect(parseElf32(elf32(0xc1000002, [{ paddr: 0x1000000, data: code }]), 'k').entry).toBe(0x1000002);
  });
  it('refuses what is not an i386 ELF, naming the file', () => {
    expect(() => parseElf32(new Uint8Array(100), 'k.bin')).toThrow(/k\.bin: .*no ELF magic/);
    expect(() => parseElf32(elf32(0x1000000, [{ paddr: 0x1000000, data: code }], 62), 'k')).toThrow(/machine 62/);
    expect(() => parseElf32(elf32(0x5000000, [{ paddr: 0x1000000, data: code }]), 'k')).toThrow(/entry 0x5000000 is in no segment/);
    const cut = elf32(0x1000000, [{ paddr: 0x1000000, data }]).subarray(0, 100);
    expect(() => parseElf32(cut, 'k')).toThrow(BootError);
  });
  it('unpacks gzip payloads only; a broken gzip payload is an error naming the file', () => {
    const elf = elf32(0x1000000, [{ paddr: 0x1000000, data: code }]);
    expect(unpackVmlinux(new Uint8Array(gzipSync(elf)), 'k')!.entry).toBe(0x1000000);
    expect(unpackVmlinux(new Uint8Array([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0, ...new Array(40).fill(0)]), 'k')).toBeUndefined(); // xz
    const broken = new Uint8Array(gzipSync(elf));
    broken.fill(0xff, 10, 30);
    expect(() => unpackVmlinux(broken, 'vmlinuz-x')).toThrow(/vmlinuz-x: the kernel's gzip payload is broken/);
  });
});

describe('vmlinux: loadLinux with a gzip payload', () => {
  const e820 = pcMemoryMap(64 * MiB).build();
  const elf = elf32(0x1000000, [{ paddr: 0x1000000, data: code }, { paddr: 0x1001000, data, memsz: 0x2000 }]);
  const img = bzWithPayload(new Uint8Array(gzipSync(elf)));

  it('finds the payload through payload_offset/payload_length', () => {
    expect(same(bzPayload(img, 5 * 512, 0x020f)!, new Uint8Array(gzipSync(elf)))).toBe(true);
    expect(bzPayload(img, 5 * 512, 0x0207)).toBeUndefined(); // before 2.08 there is no payload field
  });
  it('loads the segments and enters at the ELF entry with ESI = zero page', () => {
    const { mem, bytes } = ram(64 * MiB);
    const r = loadLinux(mem, img, { e820 });
    expect(r.state.eip).toBe(0x1000000);
    expect(r.state.regs.esi).toBe(0x7000);
    expect(same(bytes.subarray(0x1000000, 0x1000004), code)).toBe(true);
    expect(same(bytes.subarray(0x1001000, 0x1001040), data)).toBe(true);
    expect(bytes[0x100000]).toBe(0); // the decompressor itself was not loaded
  });
  it('boots the image as-is when asked, or when the ELF lies outside the header\'s init_size area', () => {
    const { mem, bytes } = ram(64 * MiB);
    expect(loadLinux(mem, img, { e820, hostUnpack: false }).state.eip).toBe(0x100000);
    expect(bytes[0x100000]).toBe(img[5 * 512]);
    const far = bzWithPayload(new Uint8Array(gzipSync(elf32(0x2000000, [{ paddr: 0x2000000, data: code }]))));
    const r2 = loadLinux(ram(64 * MiB).mem, far, { e820 });
    expect(r2.state.eip).toBe(0x100000);
    expect(r2.vmlinux).toBeUndefined();
  });
});

describe('vmlinux: initrd unpacking', () => {
  const cpio = new TextEncoder().encode('070701' + 'x'.repeat(500));
  it('unpacks exactly one gzip member', () => {
    expect(same(unpackInitrd(new Uint8Array(gzipSync(cpio))), cpio)).toBe(true);
  });
  it('leaves concatenated members, plain archives and broken data as they are', () => {
    // (the first member inflates fine: the trailer CRC/size check is what refuses the file)
    const two = new Uint8Array([...gzipSync(cpio), ...gzipSync(new Uint8Array(300).fill(0x79))]);
    expect(unpackInitrd(two)).toBe(two);
    expect(unpackInitrd(cpio)).toBe(cpio);
    const broken = new Uint8Array(gzipSync(cpio));
    broken[broken.length - 6] ^= 0xff; // CRC mismatch
    expect(unpackInitrd(broken)).toBe(broken);
  });
});
