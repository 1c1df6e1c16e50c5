import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BootError } from '../../../src/boot/boot-state.ts';
import { pcMemoryMap } from '../../../src/boot/e820.ts';
import { loadLinux, parseBzImage } from '../../../src/boot/linux.ts';
import { MiB, cstr, fakeBzImage, put16, put32, ram, same, u16, u32, u64, u8 } from './helpers.ts';

const ZP = 0x7000;

function boot(size = 64 * MiB, img = fakeBzImage(), extra: { cmdline?: string; initrd?: Uint8Array; hostUnpack?: boolean } = {}) {
  const { mem, bytes } = ram(size);
  const e820 = pcMemoryMap(size).reserve(0xfec00000, 0x1000, 'IOAPIC').reserve(0xfee00000, 0x1000, 'LAPIC').build();
  const r = loadLinux(mem, img, { e820, ...extra });
  return { r, bytes, e820, zp: bytes.subarray(ZP, ZP + 4096) };
}

describe('linux: setup header', () => {
  it('parses the fields of a protocol 2.15 header', () => {
    const h = parseBzImage(fakeBzImage({ versionString: '6.1.0-test (x@y) #1' }));
    expect(h).toMatchObject({
      version: 0x020f, setupSects: 4, setupBytes: 2560, kernelBytes: 0x3000, relocatable: true,
      kernelAlignment: 0x200000, prefAddress: 0x1000000, initSize: 0x200000, cmdlineSize: 2047,
      initrdAddrMax: 0x7fffffff, headerEnd: 0x26c, kernelVersion: '6.1.0-test (x@y) #1',
    });
  });

  it('reads setup_sects 0 as 4', () => {
    const h = parseBzImage(fakeBzImage({ setupSects: 0 }));
    expect(h.setupSects).toBe(4);
    expect(h.setupBytes).toBe(5 * 512);
  });

  it('rejects files that are not kernels, too old, zImages or truncated', () => {
    const bad = (img: Uint8Array, msg: string | RegExp) => {
      expect(() => parseBzImage(img)).toThrow(BootError);
      expect(() => parseBzImage(img)).toThrow(msg);
    };
    bad(new Uint8Array(100), 'bzImage: truncated (100 bytes; the boot sector and setup header need 1024)');
    const noFlag = fakeBzImage();
    put16(noFlag, 0x1fe, 0);
    bad(noFlag, 'bzImage: not a Linux kernel (no boot flag 0xAA55 at 0x1FE)');
    const noMagic = fakeBzImage();
    put32(noMagic, 0x202, 0x12345678);
    bad(noMagic, 'bzImage: not a Linux kernel (no HdrS magic at 0x202)');
    bad(fakeBzImage({ version: 0x0204 }), 'bzImage: boot protocol 2.04 is too old (need 2.06 or later)');
    bad(fakeBzImage({ loadflags: 0 }), /zImage \(LOADED_HIGH clear/);
    bad(fakeBzImage().subarray(0, 2560 + 0x1000), /bzImage: truncated \(6656 bytes; setup 2560 \+ kernel 12288 need 14848\)/);
    const noSys = fakeBzImage();
    put32(noSys, 0x1f4, 0);
    bad(noSys, 'syssize is 0');
  });

  it('names the file in messages', () => {
    expect(() => parseBzImage(new Uint8Array(10), 'vmlinuz-6.1')).toThrow(/^vmlinuz-6.1: truncated/);
  });
});

describe('linux: loading', () => {
  it('loads the protected-mode kernel at 1 MiB', () => {
    const img = fakeBzImage();
    const { bytes, r } = boot(64 * MiB, img);
    expect(same(bytes.subarray(0x100000, 0x103000), img.subarray(2560))).toBe(true);
    expect(r.kernel).toEqual({ base: 0x100000, end: 0x1200000 }); // pref_address + init_size
  });

  it('builds the zero page at 0x7000 with the setup header and loader fields', () => {
    const img = fakeBzImage();
    const { zp } = boot(64 * MiB, img, { cmdline: 'console=ttyS0 root=/dev/ram0' });
    // The header is copied from 0x1F1 up to 0x202 + jump displacement; nothing before it.
    expect(zp.subarray(0x1f1, 0x1fa)).toEqual(img.subarray(0x1f1, 0x1fa));
    expect(zp.subarray(0x230, 0x26c)).toEqual(img.subarray(0x230, 0x26c));
    expect(u8(zp, 0x1ef)).toBe(0); // sentinel not copied
    expect(zp.subarray(0x26c, 0x290).every((b) => b === 0)).toBe(true);
    expect(u32(zp, 0x202)).toBe(0x53726448);
    expect(u16(zp, 0x206)).toBe(0x020f);
    expect(u16(zp, 0x1fa)).toBe(0xffff); // vid_mode "normal"
    expect(u8(zp, 0x210)).toBe(0xff); // type_of_loader: undefined
    expect(u8(zp, 0x211)).toBe(0x81); // LOADED_HIGH | CAN_USE_HEAP
    expect(u16(zp, 0x224)).toBe(0xde00); // heap_end_ptr = 0xe000 - 0x200
    expect(u32(zp, 0x214)).toBe(0x100000); // code32_start
    expect(u32(zp, 0x228)).toBe(0x20000); // cmd_line_ptr
    expect(u32(zp, 0x218)).toBe(0); // no initrd
    expect(u32(zp, 0x21c)).toBe(0);
    expect(u32(zp, 0x23c)).toBe(0); // hardware_subarch: PC
    expect(u64(zp, 0x250)).toBe(0); // no setup_data
  });

  it('leaves screen_info zero (no VGA) and sets alt_mem_k', () => {
    const { zp } = boot(64 * MiB);
    expect(zp.subarray(0, 0x40).every((b) => b === 0)).toBe(true);
    expect(u8(zp, 0x0f)).toBe(0); // orig_video_isVGA
    expect(u32(zp, 0x1e0)).toBe(63 * 1024); // KiB from 1 MiB to the end of RAM
  });

  it('puts the E820 map at 0x2D0 with its count at 0x1E8', () => {
    const { zp, e820 } = boot(64 * MiB);
    expect(u8(zp, 0x1e8)).toBe(6);
    expect(e820.length).toBe(6);
    const entry = (i: number) => ({ base: u64(zp, 0x2d0 + 20 * i), size: u64(zp, 0x2d8 + 20 * i), type: u32(zp, 0x2e0 + 20 * i) });
    expect([0, 1, 2, 3, 4, 5].map(entry)).toEqual([
      { base: 0, size: 0x9fc00, type: 1 },
      { base: 0x9fc00, size: 0x400, type: 2 },
      { base: 0xf0000, size: 0x10000, type: 2 },
      { base: 0x100000, size: 63 * MiB, type: 1 },
      { base: 0xfec00000, size: 0x1000, type: 2 },
      { base: 0xfee00000, size: 0x1000, type: 2 },
    ]);
    expect(u32(zp, 0x2d0 + 20 * 6 + 16)).toBe(0);
  });

  it('writes the command line NUL-terminated at 0x20000', () => {
    const { bytes, r } = boot(64 * MiB, fakeBzImage(), { cmdline: 'console=ttyS0 quiet' });
    expect(cstr(bytes, 0x20000)).toBe('console=ttyS0 quiet');
    expect(r.cmdline).toEqual({ addr: 0x20000, length: 19 });
    expect(bytes[0x20000 + 19]).toBe(0);
  });

  it('accepts a command line of exactly cmdline_size and rejects a longer one', () => {
    const img = fakeBzImage({ cmdlineSize: 255 });
    expect(() => boot(64 * MiB, img, { cmdline: 'x'.repeat(255) })).not.toThrow();
    expect(() => boot(64 * MiB, img, { cmdline: 'x'.repeat(256) })).toThrow("cmdline: 256 bytes exceed the kernel's cmdline_size 255");
  });

  it('places the initrd at the highest page below the end of RAM', () => {
    const initrd = new Uint8Array(3 * 4096 + 5).map((_, i) => i & 0xff);
    const { bytes, zp, r } = boot(64 * MiB, fakeBzImage(), { initrd });
    const base = 64 * MiB - 4 * 4096;
    expect(r.initrd).toEqual({ base, size: initrd.length });
    expect(u32(zp, 0x218)).toBe(base);
    expect(u32(zp, 0x21c)).toBe(initrd.length);
    expect(same(bytes.subarray(base, base + initrd.length), initrd)).toBe(true);
  });

  it('keeps the initrd below initrd_addr_max', () => {
    const initrd = new Uint8Array(0x2000);
    const { r } = boot(64 * MiB, fakeBzImage({ initrdAddrMax: 0x2ffffff }), { initrd });
    expect(r.initrd!.base).toBe(0x3000000 - 0x2000);
  });

  it('keeps the initrd below the 896 MiB lowmem limit even when initrd_addr_max is higher', () => {
    // Use a memory map that claims 1 GiB without allocating it: only the kernel is written low.
    const size = 1024 * MiB;
    const writes: number[] = [];
    const mem = { size, write: (a: number) => void writes.push(a), read: (_a: number, n: number) => new Uint8Array(n) };
    const r = loadLinux(mem, fakeBzImage(), { e820: pcMemoryMap(size).build(), initrd: new Uint8Array(0x1000) });
    expect(r.initrd!.base).toBe(0x38000000 - 0x1000);
  });

  it('refuses an initrd that does not fit above the kernel', () => {
    const initrd = new Uint8Array(300 * MiB);
    expect(() => boot(256 * MiB, fakeBzImage({ initrdAddrMax: 0x37ffffff }), { initrd })).toThrow(
      'initrd: 300 MiB does not fit below initrd_addr_max 0x37ffffff with 256 MiB of RAM (the kernel needs up to 0x1200000)',
    );
    // 64 MiB machine: RAM above the kernel's init area is 64 - 18 MiB.
    expect(() => boot(64 * MiB, fakeBzImage(), { initrd: new Uint8Array(47 * MiB) })).toThrow(/initrd: 47 MiB does not fit/);
    expect(() => boot(64 * MiB, fakeBzImage(), { initrd: new Uint8Array(46 * MiB) })).not.toThrow();
  });

  it('refuses RAM too small for init_size', () => {
    expect(() => boot(16 * MiB)).toThrow(
      'bzImage: needs RAM up to 0x1200000 (init_size 2 MiB), but RAM from 1 MiB ends at 0x1000000',
    );
  });

  it('accounts for a non-relocatable kernel running at pref_address', () => {
    const { r } = boot(64 * MiB, fakeBzImage({ relocatable: 0, prefAddress: 0x400000, initSize: 0x800000 }));
    expect(r.kernel).toEqual({ base: 0x100000, end: 0xc00000 });
  });

  it('refuses more than 128 E820 entries', () => {
    const { mem } = ram(64 * MiB);
    const e820 = Array.from({ length: 129 }, (_, i) => ({ base: 0x100000 + i * 0x2000, size: 0x1000, type: 'ram' as const }));
    expect(() => loadLinux(mem, fakeBzImage(), { e820 })).toThrow('e820: 129 entries do not fit in the zero page (max 128)');
  });

  it('passes the ACPI RSDP address at 0x070 when given', () => {
    const { mem, bytes } = ram(64 * MiB);
    loadLinux(mem, fakeBzImage(), { e820: pcMemoryMap(64 * MiB).build(), acpiRsdp: 0xf0100 });
    expect(u64(bytes, ZP + 0x70)).toBe(0xf0100);
  });
});

describe('linux: entry state (boot.rst 32-bit boot protocol)', () => {
  it('enters at code32_start in flat protected mode with ESI = zero page', () => {
    const { r, bytes } = boot();
    const s = r.state;
    expect(s.mode).toBe('flat32');
    expect(s.eip).toBe(0x100000);
    expect(s.regs).toMatchObject({ esi: 0x7000, ebp: 0, edi: 0, ebx: 0 });
    expect(s.interrupts).toBe(false);
    expect(s.segments.cs).toEqual({ selector: 0x10, base: 0, limit: 0xffffffff, attr: 0xc09b });
    for (const seg of [s.segments.ds, s.segments.es, s.segments.ss]) {
      expect(seg).toEqual({ selector: 0x18, base: 0, limit: 0xffffffff, attr: 0xc093 });
    }
    // GDT in RAM: descriptors at 0x10 (code, execute/read) and 0x18 (data, read/write), 4 GiB flat.
    expect(s.gdt).toEqual({ base: 0x500, limit: 0x1f });
    const gdt = bytes.subarray(0x500, 0x520);
    expect([...gdt.subarray(0, 0x10)].every((b) => b === 0)).toBe(true);
    expect([...gdt.subarray(0x10, 0x18)]).toEqual([0xff, 0xff, 0, 0, 0, 0x9b, 0xcf, 0]);
    expect([...gdt.subarray(0x18, 0x20)]).toEqual([0xff, 0xff, 0, 0, 0, 0x93, 0xcf, 0]);
    expect(s.esp).toBeLessThanOrEqual(0x7000);
    expect(s.esp).toBeGreaterThan(0x520);
  });
});

const BZIMAGE = new URL('../../../images/bzImage', import.meta.url);
const INITRAMFS = new URL('../../../images/initramfs.cpio.gz', import.meta.url);

describe.skipIf(!existsSync(BZIMAGE))('linux: the project kernel images/bzImage', () => {
  it('has a protocol >= 2.06 header and loads as-is with the gzip initramfs (hostUnpack: false)', () => {
    const img = new Uint8Array(readFileSync(BZIMAGE));
    const h = parseBzImage(img);
    expect(h.version).toBeGreaterThanOrEqual(0x0206);
    expect(h.loadflags & 1).toBe(1);
    expect(h.setupBytes + h.kernelBytes).toBeLessThanOrEqual(img.length);
    expect(h.cmdlineSize).toBeGreaterThanOrEqual(255);
    expect(h.kernelVersion).toMatch(/^\d+\.\d+/);
    const initrd = new Uint8Array(readFileSync(INITRAMFS));
    const { r, zp, bytes } = boot(256 * MiB, img, { cmdline: 'console=ttyS0', initrd, hostUnpack: false });
    expect(same(bytes.subarray(0x100000, 0x100000 + h.kernelBytes), img.subarray(h.setupBytes, h.setupBytes + h.kernelBytes))).toBe(true);
    expect(r.state.eip).toBe(0x100000);
    expect(r.vmlinux).toBeUndefined();
    expect(u32(zp, 0x202)).toBe(0x53726448);
    expect(r.initrd!.base % 4096).toBe(0);
    expect(r.initrd!.base + initrd.length).toBeLessThanOrEqual(256 * MiB);
    expect(r.initrd!.base).toBeGreaterThanOrEqual(r.kernel.end);
    expect(bytes[r.initrd!.base]).toBe(0x1f); // gzip magic
  });

  it('is unpacked on the host by default: ELF segments at their physical addresses, entry = startup_32, cpio initrd', () => {
    const img = new Uint8Array(readFileSync(BZIMAGE));
    const h = parseBzImage(img);
    const initrdGz = new Uint8Array(readFileSync(INITRAMFS));
    const { r, bytes } = boot(256 * MiB, img, { cmdline: 'console=ttyS0', initrd: initrdGz });
    // Checked against an independent inflater (node:zlib) and ELF reading of our own here.
    const dv = new DataView(img.buffer, img.byteOffset, img.byteLength);
    const payload = img.subarray(h.setupBytes + dv.getUint32(0x248, true), h.setupBytes + dv.getUint32(0x248, true) + dv.getUint32(0x24c, true));
    const elf = new Uint8Array(gunzipSync(payload));
    const ev = new DataView(elf.buffer, elf.byteOffset, elf.byteLength);
    const phoff = ev.getUint32(28, true);
    let loads = 0;
    for (let i = 0; i < ev.getUint16(44, true); i++) {
      const p = phoff + i * ev.getUint16(42, true);
      if (ev.getUint32(p, true) !== 1) continue;
      loads++;
      const off = ev.getUint32(p + 4, true), paddr = ev.getUint32(p + 12, true), filesz = ev.getUint32(p + 16, true);
      expect(same(bytes.subarray(paddr, paddr + filesz), elf.subarray(off, off + filesz))).toBe(true);
    }
    expect(loads).toBeGreaterThan(0);
    expect(r.vmlinux!.entry).toBe(ev.getUint32(24, true));
    expect(r.state.eip).toBe(r.vmlinux!.entry);
    expect(r.state.regs.esi).toBe(ZP);
    expect(r.vmlinux!.lo).toBeGreaterThanOrEqual(r.kernel.base);
    expect(r.vmlinux!.hi).toBeLessThanOrEqual(r.kernel.end);
    const cpio = new Uint8Array(gunzipSync(initrdGz));
    expect(r.initrd!.size).toBe(cpio.length);
    expect(same(bytes.subarray(r.initrd!.base, r.initrd!.base + cpio.length), cpio)).toBe(true);
    expect(new TextDecoder().decode(bytes.subarray(r.initrd!.base, r.initrd!.base + 6))).toBe('070701');
    expect(r.initrd!.base).toBeGreaterThanOrEqual(r.kernel.end);
  });
});
