import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BootError } from '../../../src/boot/boot-state.ts';
import { pcMemoryMap } from '../../../src/boot/e820.ts';
import { findMultibootHeader, loadMultiboot } from '../../../src/boot/multiboot.ts';
import { MiB, cstr, put16, put32, ram, same, u32, u64 } from './helpers.ts';

const MAGIC = 0x1badb002;

function header(flags: number, aout?: number[]): Uint8Array {
  const h = new Uint8Array(aout ? 32 : 12);
  put32(h, 0, MAGIC);
  put32(h, 4, flags);
  put32(h, 8, (-(MAGIC + flags)) >>> 0);
  aout?.forEach((v, i) => put32(h, 12 + 4 * i, v));
  return h;
}

interface Seg { vaddr: number; paddr: number; data: Uint8Array; memsz: number }

/** A minimal ELF32 i386 executable: header, program headers, then each segment's bytes. */
function elf(entry: number, segs: Seg[], opts: { machine?: number; type?: number } = {}): Uint8Array {
  const phoff = 52;
  let off = phoff + 32 * segs.length;
  const offsets = segs.map((s) => { const o = off; off += s.data.length; return o; });
  const f = new Uint8Array(off);
  f.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]);
  put16(f, 16, opts.type ?? 2);
  put16(f, 18, opts.machine ?? 3);
  put32(f, 20, 1);
  put32(f, 24, entry);
  put32(f, 28, phoff);
  put16(f, 40, 52);
  put16(f, 42, 32);
  put16(f, 44, segs.length);
  segs.forEach((s, i) => {
    const p = phoff + 32 * i;
    put32(f, p, 1); // PT_LOAD
    put32(f, p + 4, offsets[i]);
    put32(f, p + 8, s.vaddr);
    put32(f, p + 12, s.paddr);
    put32(f, p + 16, s.data.length);
    put32(f, p + 20, s.memsz);
    put32(f, p + 24, 5);
    put32(f, p + 28, 0x1000);
    f.set(s.data, offsets[i]);
  });
  return f;
}

function textWithHeader(flags = 3, pad = 0): Uint8Array {
  const t = new Uint8Array(pad + 12 + 16).fill(0x90);
  t.set(header(flags), pad);
  return t;
}

const e820 = pcMemoryMap(32 * MiB).build();

function boot(image: Uint8Array, opts: { cmdline?: string; modules?: { data: Uint8Array; cmdline?: string }[] } = {}) {
  const { mem, bytes } = ram(32 * MiB);
  bytes.fill(0xaa, 0x100000, 0x200000);
  return { r: loadMultiboot(mem, image, { e820, ...opts }), bytes };
}

describe('multiboot: header search', () => {
  it('finds a header at any 32-bit aligned offset in the first 8192 bytes', () => {
    const img = new Uint8Array(16384);
    img.set(header(0x3), 8180);
    expect(findMultibootHeader(img)).toEqual({ offset: 8180, flags: 3 });
  });

  it('ignores headers beyond 8192 bytes, unaligned, or with a bad checksum', () => {
    const late = new Uint8Array(16384);
    late.set(header(3), 8192);
    expect(() => findMultibootHeader(late, 'k.elf')).toThrow(
      'k.elf: no multiboot header (magic 0x1BADB002 with a valid checksum) in the first 8192 bytes',
    );
    const unaligned = new Uint8Array(4096);
    unaligned.set(header(3), 2);
    expect(() => findMultibootHeader(unaligned)).toThrow(BootError);
    const badsum = new Uint8Array(4096);
    badsum.set(header(3), 64);
    put32(badsum, 72, 0);
    expect(() => findMultibootHeader(badsum)).toThrow(/no multiboot header/);
  });

  it('refuses requirement bits it does not understand', () => {
    const img = new Uint8Array(4096);
    img.set(header(0x10003), 0);
    img.set(header(0x8), 64);
    expect(() => findMultibootHeader(img.subarray(64))).toThrow(
      'kernel: multiboot header at 0x0 requires features this loader does not know (flags 0x8)',
    );
  });
});

describe('multiboot: ELF', () => {
  it('loads PT_LOAD segments at p_paddr, zeroes bss, enters at e_entry', () => {
    const text = textWithHeader();
    const data = new Uint8Array([1, 2, 3, 4, 5]);
    const img = elf(0x100004, [
      { vaddr: 0x100000, paddr: 0x100000, data: text, memsz: text.length },
      { vaddr: 0x102000, paddr: 0x102000, data, memsz: 0x1800 },
    ]);
    const { r, bytes } = boot(img);
    expect(bytes.subarray(0x100000, 0x100000 + text.length)).toEqual(text);
    expect(bytes.subarray(0x102000, 0x102005)).toEqual(data);
    expect(bytes.subarray(0x102005, 0x103800).every((b) => b === 0)).toBe(true);
    expect(bytes[0x103800]).toBe(0xaa);
    expect(r.kernel).toEqual({ base: 0x100000, end: 0x103800 });
    expect(r.state.eip).toBe(0x100004);
  });

  it('translates a higher-half entry point to its physical address', () => {
    const text = textWithHeader();
    const img = elf(0xc0100010, [{ vaddr: 0xc0100000, paddr: 0x100000, data: text, memsz: 0x1000 }]);
    expect(boot(img).r.state.eip).toBe(0x100010);
  });

  it('rejects non-ELF files without the a.out kludge, foreign ELF files, bad segments', () => {
    const raw = new Uint8Array(4096);
    raw.set(header(3), 0);
    expect(() => boot(raw)).toThrow('kernel: multiboot header without the a.out kludge (flags bit 16), and not an ELF file');
    const text = textWithHeader();
    const seg = [{ vaddr: 0x100000, paddr: 0x100000, data: text, memsz: 0x1000 }];
    expect(() => boot(elf(0x100000, seg, { machine: 62 }))).toThrow(/ELF type 2 machine 62; need an i386 executable/);
    expect(() => boot(elf(0x100000, [{ ...seg[0], memsz: 4 }]))).toThrow(/larger than memsz/);
    expect(() => boot(elf(0x1000, [{ ...seg[0], vaddr: 0x1000, paddr: 0x1000 }]))).toThrow(
      'kernel: loads at 0x1000-0x2000; a multiboot kernel must lie between 0xa0000 and 4 GiB',
    );
    expect(() => boot(elf(0x100000, [{ ...seg[0], vaddr: 0x3000000, paddr: 0x3000000 }]))).toThrow(
      /kernel segment 0: 0x3000000-0x300001c \(28 bytes\) is outside guest RAM \(32 MiB\)/,
    );
  });
});

describe('multiboot: a.out kludge', () => {
  // File: 0x40 bytes of junk, then the header at file offset 0x40 = address 0x100040.
  function aoutImage(loadEnd: number, bssEnd: number): Uint8Array {
    const img = new Uint8Array(0x1000).map((_, i) => (i * 13) & 0xff);
    img.set(header(0x10003, [0x100040, 0x100000, loadEnd, bssEnd, 0x100060]), 0x40);
    return img;
  }

  it('loads from load_addr to load_end_addr, zeroes to bss_end_addr, enters at entry_addr', () => {
    const img = aoutImage(0x100800, 0x101000);
    const { r, bytes } = boot(img);
    expect(r.header.addresses).toEqual({ headerAddr: 0x100040, loadAddr: 0x100000, loadEndAddr: 0x100800, bssEndAddr: 0x101000, entryAddr: 0x100060 });
    expect(same(bytes.subarray(0x100000, 0x100800), img.subarray(0, 0x800))).toBe(true);
    expect(bytes.subarray(0x100800, 0x101000).every((b) => b === 0)).toBe(true);
    expect(bytes[0x101000]).toBe(0xaa);
    expect(r.state.eip).toBe(0x100060);
    expect(r.kernel).toEqual({ base: 0x100000, end: 0x101000 });
  });

  it('loads the whole file when load_end_addr is 0 and skips bss when bss_end_addr is 0', () => {
    const img = aoutImage(0, 0);
    const { r, bytes } = boot(img);
    expect(same(bytes.subarray(0x100000, 0x101000), img)).toBe(true);
    expect(bytes[0x101000]).toBe(0xaa);
    expect(r.kernel.end).toBe(0x101000);
  });

  it('uses the header offset when the header is not at the start of the file', () => {
    const img = new Uint8Array(0x2000);
    img.set(header(0x10000, [0x200000, 0x1ff800, 0, 0, 0x200000]), 0x1000); // file 0x800 = load_addr
    img[0x800] = 0x5a;
    const { bytes } = boot(img);
    expect(bytes[0x1ff800]).toBe(0x5a);
    expect(same(bytes.subarray(0x1ff800, 0x1ff800 + 0x1800), img.subarray(0x800))).toBe(true);
  });

  it('rejects inconsistent addresses', () => {
    const bad = (a: number[], msg: RegExp) => {
      const img = new Uint8Array(0x1000);
      img.set(header(0x10000, a), 0x40);
      expect(() => boot(img)).toThrow(msg);
    };
    bad([0x100040, 0x100080, 0, 0, 0x100080], /load_addr 0x100080 is above header_addr/);
    bad([0x100040, 0xfff00, 0, 0, 0x100000], /lies before the start of the file/);
    bad([0x100040, 0x100000, 0x102000, 0, 0x100000], /load_end_addr 0x102000 is outside the file/);
    bad([0x100040, 0x100000, 0x100800, 0x100400, 0x100000], /bss_end_addr 0x100400 is below load_end_addr/);
  });
});

describe('multiboot: boot information', () => {
  const text = textWithHeader();
  const img = elf(0x100000, [{ vaddr: 0x100000, paddr: 0x100000, data: text, memsz: 0x2345 }]);
  const modules = [
    { data: new Uint8Array(5000).fill(0x11), cmdline: 'initrd.img ro' },
    { data: new Uint8Array(10).fill(0x22), cmdline: 'second' },
  ];

  it('enters with EAX = 0x2BADB002 and EBX = info, flat 32-bit', () => {
    const { r } = boot(img);
    expect(r.state.regs.eax).toBe(0x2badb002);
    expect(r.state.regs.ebx).toBe(0x8000);
    expect(r.info).toBe(0x8000);
    expect(r.state.mode).toBe('flat32');
    expect(r.state.interrupts).toBe(false);
    expect(r.state.segments.cs.limit).toBe(0xffffffff);
    expect(r.state.segments.ds.base).toBe(0);
  });

  it('fills flags, memory sizes, cmdline and the boot loader name', () => {
    const { bytes } = boot(img, { cmdline: 'kernel.elf -v' });
    const i = 0x8000;
    expect(u32(bytes, i)).toBe((1 << 0) | (1 << 2) | (1 << 6) | (1 << 9));
    expect(u32(bytes, i + 4)).toBe(639); // mem_lower
    expect(u32(bytes, i + 8)).toBe(31 * 1024); // mem_upper
    expect(cstr(bytes, u32(bytes, i + 16))).toBe('kernel.elf -v');
    expect(cstr(bytes, u32(bytes, i + 64))).toBe('seoulweb');
    expect(u32(bytes, i + 12)).toBe(0); // no boot_device (flag 1 clear)
  });

  it('passes the E820 map as mmap entries with a size field in front', () => {
    const { bytes } = boot(img);
    const i = 0x8000;
    const len = u32(bytes, i + 44), addr = u32(bytes, i + 48);
    expect(len).toBe(4 * 24);
    const entries = [];
    for (let p = addr; p < addr + len; p += u32(bytes, p) + 4) {
      entries.push({ size: u32(bytes, p), base: u64(bytes, p + 4), length: u64(bytes, p + 12), type: u32(bytes, p + 20) });
    }
    expect(entries).toEqual([
      { size: 20, base: 0, length: 0x9fc00, type: 1 },
      { size: 20, base: 0x9fc00, length: 0x400, type: 2 },
      { size: 20, base: 0xf0000, length: 0x10000, type: 2 },
      { size: 20, base: 0x100000, length: 31 * MiB, type: 1 },
    ]);
  });

  it('places modules page-aligned after the kernel and lists them with their command lines', () => {
    const { bytes, r } = boot(img, { modules });
    const i = 0x8000;
    expect(u32(bytes, i) & (1 << 3)).toBe(1 << 3);
    expect(u32(bytes, i + 20)).toBe(2);
    const list = u32(bytes, i + 24);
    const mod = (k: number) => ({
      start: u32(bytes, list + 16 * k), end: u32(bytes, list + 16 * k + 4),
      cmdline: cstr(bytes, u32(bytes, list + 16 * k + 8)), reserved: u32(bytes, list + 16 * k + 12),
    });
    expect(mod(0)).toEqual({ start: 0x103000, end: 0x103000 + 5000, cmdline: 'initrd.img ro', reserved: 0 });
    expect(mod(1)).toEqual({ start: 0x105000, end: 0x10500a, cmdline: 'second', reserved: 0 });
    expect(bytes.subarray(0x103000, 0x103000 + 5000).every((b) => b === 0x11)).toBe(true);
    expect(bytes.subarray(0x105000, 0x10500a).every((b) => b === 0x22)).toBe(true);
    expect(r.modules.map((m) => m.start)).toEqual([0x103000, 0x105000]);
  });

  it('names a module that does not fit in RAM', () => {
    const big = [{ data: new Uint8Array(32 * MiB), cmdline: 'huge.bin arg' }];
    expect(() => boot(img, { modules: big })).toThrow(/^module 0 \(huge.bin\): 0x103000-/);
  });
});

function hasGcc32(): boolean {
  try {
    execFileSync('gcc', ['-m32', '-print-libgcc-file-name'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!hasGcc32())('multiboot: a kernel built by gcc -m32', () => {
  it('loads a real ELF: text at 1 MiB, bss zeroed, entry at _start', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mb-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'k.S'), [
      '.text', '.globl _start', '_start: jmp 1f', '.align 4',
      '.long 0x1BADB002', '.long 0x00000003', '.long -(0x1BADB002 + 0x00000003)',
      '1: cli', 'movl $0x12345678, marker', 'hlt',
      '.data', 'marker: .long 0xcafef00d', '.bss', 'buffer: .space 0x3000', '',
    ].join('\n'));
    const out = join(dir, 'k.elf');
    execFileSync('gcc', ['-m32', '-nostdlib', '-static', '-no-pie', '-Wl,-Ttext=0x100000', '-Wl,--build-id=none',
      '-Wl,-z,max-page-size=0x1000', '-o', out, join(dir, 'k.S')], { stdio: 'pipe' });
    const image = new Uint8Array(readFileSync(out));
    const syms = execFileSync('nm', [out], { encoding: 'utf8' });
    const sym = (n: string) => parseInt(new RegExp(`^([0-9a-f]+) \\w ${n}$`, 'm').exec(syms)![1], 16);
    const { mem, bytes } = ram(32 * MiB);
    bytes.fill(0xaa, 0x100000, 0x110000);
    const r = loadMultiboot(mem, image, { e820, cmdline: 'k.elf' });
    expect(r.state.eip).toBe(sym('_start'));
    expect(r.state.eip).toBe(0x100000);
    expect(bytes[0x100000]).toBe(0xeb); // jmp rel8
    expect(u32(bytes, 0x100004)).toBe(0x1badb002);
    expect(u32(bytes, sym('marker'))).toBe(0xcafef00d);
    const buffer = sym('buffer');
    expect(bytes.subarray(buffer, buffer + 0x3000).every((b) => b === 0)).toBe(true);
    expect(r.kernel.end).toBeGreaterThanOrEqual(buffer + 0x3000);
  });
});
