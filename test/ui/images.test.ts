// Telling a user's file apart by content (the page sorts dropped files into kernel and initrd).
import { describe, it, expect } from 'vitest';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { detectKind, unpackKernel, unpackInitramfs, ImageLoadError } from '../../src/ui/images.ts';

const IMAGES = new URL('../../images/', import.meta.url);

function multiboot(): Uint8Array {
  const b = new Uint8Array(8192);
  const dv = new DataView(b.buffer);
  dv.setUint32(64, 0x1badb002, true);
  dv.setUint32(68, 0x00010003, true);
  dv.setUint32(72, (-(0x1badb002 + 0x00010003)) >>> 0, true);
  return b;
}

describe('ui/images', () => {
  it('knows the built-in kernel and initramfs', async () => {
    expect(await detectKind(new Uint8Array(readFileSync(new URL('bzImage', IMAGES))), 'bzImage')).toBe('linux');
    const rd = new Uint8Array(readFileSync(new URL('initramfs.cpio.gz', IMAGES)));
    expect(await detectKind(rd, 'initramfs.cpio.gz')).toBe('initrd');
    expect(await detectKind(rd, 'whatever')).toBe('initrd'); // by content, after unpacking
    const cpio = await unpackInitramfs(rd, 'initramfs.cpio.gz');
    expect(new TextDecoder().decode(cpio.subarray(0, 6))).toBe('070701');
    expect(await unpackInitramfs(cpio, 'x')).toBe(cpio);
  });

  it('finds a multiboot header, a ROM by size, and gives up on the rest', async () => {
    expect(await detectKind(multiboot(), 'kernel')).toBe('multiboot');
    expect(await detectKind(new Uint8Array(4096).fill(0xff), 'bios.bin')).toBe('rom');
    expect(await detectKind(new Uint8Array(5000), 'junk')).toBe('unknown');
    expect(await detectKind(new Uint8Array(gzipSync(multiboot())), 'kernel.gz')).toBe('multiboot');
  });

  it('unpacks gzip kernels and names the file when the data is broken', async () => {
    const k = multiboot();
    expect(await unpackKernel(new Uint8Array(gzipSync(k)), 'k.gz')).toEqual(k);
    expect(await unpackKernel(k, 'k')).toBe(k);
    const broken = new Uint8Array(gzipSync(k)).subarray(0, 40);
    await expect(unpackKernel(broken, 'broken.gz')).rejects.toThrow(ImageLoadError);
    await expect(unpackKernel(broken, 'broken.gz')).rejects.toThrow(/^broken\.gz: broken gzip data/);
  });
});
