import { describe, expect, it } from 'vitest';
import { FirmwareBuilder, describePcInterrupts, type Describable } from '../../../src/boot/firmware.ts';
import { buildMpConfigTable, buildMpFloatingPointer, checksum } from '../../../src/boot/mptable.ts';
import { ioapicPinForIsa } from '../../../src/vmm/irq.ts';
import { MiB, ram, str, sum8, u16, u32, u8 } from './helpers.ts';

const FEATURES = 0x0000a1bf; // fpu vme de pse tsc msr cx8 apic sep pge cmov (an example CPUID EDX)

// Parts of a machine, each describing itself the way devices will.
const cpu = (i: number): Describable => ({ describe: (fw) => fw.cpu({ apicId: i, bsp: i === 0, features: FEATURES }) });
const ioapic = (id: number): Describable => ({ describe: (fw) => fw.ioapic({ id, address: 0xfec00000, version: 0x11, pins: 24 }) });
const pciHost: Describable = { describe: (fw) => fw.pciBus(0) };
const isaWiring: Describable = { describe: (fw) => describePcInterrupts(fw, ioapicPinForIsa, { extIntPin: 0 }) };

function machine(cpus: number, parts: Describable[] = [pciHost, isaWiring]) {
  const fw = new FirmwareBuilder(64 * MiB);
  fw.describe(...Array.from({ length: cpus }, (_, i) => cpu(i)), ioapic(cpus), ...parts);
  return fw;
}

/** The floating pointer as an OS finds it (MP spec §4: 16-byte boundaries, checksum). */
function findFloating(b: Uint8Array): number {
  for (let a = 0xf0000; a < 0x100000; a += 16) {
    if (str(b, a, 4) === '_MP_' && b[a + 8] === 1 && sum8(b.subarray(a, a + 16)) === 0) return a;
  }
  return -1;
}

interface Entry { type: number; at: number; bytes: Uint8Array }

/** Walks the base table by entry type lengths (processor 20 bytes, others 8). */
function entries(t: Uint8Array): Entry[] {
  const out: Entry[] = [];
  for (let at = 44; at < u16(t, 4);) {
    const len = t[at] === 0 ? 20 : 8;
    out.push({ type: t[at], at, bytes: t.subarray(at, at + len) });
    at += len;
  }
  return out;
}

function emitted(cpus = 2) {
  const { mem, bytes } = ram(64 * MiB);
  const tables = machine(cpus).emit(mem);
  const fp = findFloating(bytes);
  const cfgAt = u32(bytes, fp + 4);
  const cfg = bytes.subarray(cfgAt, cfgAt + u16(bytes, cfgAt + 4));
  return { bytes, tables, fp, cfgAt, cfg, list: entries(cfg) };
}

describe('mptable: floating pointer structure (MP spec 4.1)', () => {
  it('lies 16-byte aligned in the BIOS area with a zero byte sum', () => {
    const { fp, bytes, tables } = emitted();
    expect(fp).toBe(0xf0000);
    expect(tables.mp!.floating).toBe(fp);
    const f = bytes.subarray(fp, fp + 16);
    expect(sum8(f)).toBe(0);
    expect(u32(f, 4)).toBe(tables.mp!.config); // physical address pointer
    expect(u8(f, 8)).toBe(1); // length in paragraphs
    expect(u8(f, 9)).toBe(4); // spec rev 1.4
    expect(u8(f, 11)).toBe(0); // feature 1: configuration table present
    expect(u8(f, 12) & 0x80).toBe(0); // IMCRP clear: virtual wire
    expect([...f.subarray(12, 16)]).toEqual([0, 0, 0, 0]);
  });
});

describe('mptable: configuration table header (MP spec 4.2)', () => {
  it('has signature, length, revision, checksum, OEM/product IDs, count and the LAPIC address', () => {
    const { cfg, list } = emitted();
    expect(str(cfg, 0, 4)).toBe('PCMP');
    expect(u16(cfg, 4)).toBe(cfg.length);
    expect(u8(cfg, 6)).toBe(4);
    expect(sum8(cfg)).toBe(0);
    expect(str(cfg, 8, 8)).toBe('SEOULWEB');
    expect(str(cfg, 16, 12)).toBe('PC          ');
    expect(u32(cfg, 28)).toBe(0); // no OEM table
    expect(u16(cfg, 32)).toBe(0);
    expect(u16(cfg, 34)).toBe(list.length);
    expect(u32(cfg, 36)).toBe(0xfee00000);
    expect(u16(cfg, 40)).toBe(0); // extended table length
    expect(u8(cfg, 42)).toBe(0); // extended table checksum
    // 2 processors, 2 buses, 1 IOAPIC, 15 ISA IRQs + ExtINT, 2 local interrupts.
    expect(list.length).toBe(2 + 2 + 1 + 16 + 2);
    expect(cfg.length).toBe(44 + 2 * 20 + 21 * 8);
  });

  it('orders entries by type', () => {
    const types = emitted().list.map((e) => e.type);
    expect(types).toEqual([...types].sort((a, b) => a - b));
  });
});

describe('mptable: base table entries (MP spec 4.3)', () => {
  it('lists every CPU with its APIC ID, version 0x14, enabled, BSP flag on CPU 0, signature and features', () => {
    const cpus = emitted(4).list.filter((e) => e.type === 0).map(({ bytes: p }) => ({
      apicId: p[1], version: p[2], flags: p[3], signature: u32(p, 4), features: u32(p, 8), reserved: [...p.subarray(12, 20)],
    }));
    expect(cpus.length).toBe(4);
    cpus.forEach((c, i) => {
      expect(c).toEqual({ apicId: i, version: 0x14, flags: i === 0 ? 3 : 1, signature: 0x619, features: FEATURES, reserved: [0, 0, 0, 0, 0, 0, 0, 0] });
    });
    expect((0x619 >> 8) & 0xf).toBe(6); // family
    expect((0x619 >> 4) & 0xf).toBe(1); // model
    expect(0x619 & 0xf).toBe(9); // stepping
  });

  it('has PCI as bus 0 and ISA as bus 1', () => {
    const buses = emitted().list.filter((e) => e.type === 1).map(({ bytes: b }) => ({ id: b[1], type: str(b, 2, 6) }));
    expect(buses).toEqual([{ id: 0, type: 'PCI   ' }, { id: 1, type: 'ISA   ' }]);
  });

  it('has the IOAPIC with ID = number of CPUs, version 0x11, enabled, at 0xFEC00000', () => {
    const io = emitted(2).list.filter((e) => e.type === 2).map(({ bytes: b }) => ({ id: b[1], version: b[2], flags: b[3], address: u32(b, 4) }));
    expect(io).toEqual([{ id: 2, version: 0x11, flags: 1, address: 0xfec00000 }]);
  });

  it('routes ISA IRQs 0-15 (0 to pin 2, 2 skipped) conforming, plus the 8259 as ExtINT on pin 0', () => {
    const ints = emitted(2).list.filter((e) => e.type === 3).map(({ bytes: b }) => ({
      type: b[1], flags: u16(b, 2), bus: b[4], irq: b[5], ioapic: b[6], pin: b[7],
    }));
    const int = ints.filter((i) => i.type === 0);
    expect(int.map((i) => i.irq)).toEqual([0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    expect(int.map((i) => i.pin)).toEqual([2, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    for (const i of int) expect(i).toMatchObject({ flags: 0, bus: 1, ioapic: 2 });
    expect(ints.filter((i) => i.type === 3)).toEqual([{ type: 3, flags: 0, bus: 1, irq: 0, ioapic: 2, pin: 0 }]);
  });

  it('wires LINT0 as ExtINT and LINT1 as NMI on all local APICs', () => {
    const locals = emitted().list.filter((e) => e.type === 4).map(({ bytes: b }) => ({
      type: b[1], flags: u16(b, 2), bus: b[4], irq: b[5], dest: b[6], lint: b[7],
    }));
    expect(locals).toEqual([
      { type: 3, flags: 0, bus: 1, irq: 0, dest: 0xff, lint: 0 },
      { type: 1, flags: 0, bus: 1, irq: 0, dest: 0xff, lint: 1 },
    ]);
  });

  it('encodes PCI interrupts as device << 2 | INTx, active low, level', () => {
    const fw = machine(1, [pciHost, { describe: (f) => f.pciIrq(0, 3, 1, 17, 'virtio-blk') }]);
    const { mem, bytes } = ram(64 * MiB);
    fw.emit(mem);
    const cfgAt = u32(bytes, findFloating(bytes) + 4);
    const cfg = bytes.subarray(cfgAt, cfgAt + u16(bytes, cfgAt + 4));
    const [e] = entries(cfg).filter((x) => x.type === 3);
    expect([...e.bytes]).toEqual([3, 0, 0x0f, 0, 0, (3 << 2) | 1, 1, 17]);
  });

  it('gives the ISA bus ID 0 on a machine without PCI', () => {
    const cfg = machine(1, [isaWiring]).mpConfig();
    expect(cfg.buses).toEqual([{ id: 0, type: 'ISA' }]);
    expect(cfg.ioInterrupts.every((i) => i.srcBus === 0)).toBe(true);
  });
});

describe('mptable: encoders', () => {
  it('computes checksums that make the byte sum zero', () => {
    const b = new Uint8Array([1, 2, 3, 250, 0]);
    b[4] = checksum(b);
    expect(sum8(b)).toBe(0);
    const f = buildMpFloatingPointer(0xf0010);
    expect(sum8(f)).toBe(0);
    expect(str(f, 0, 4)).toBe('_MP_');
  });

  it('rejects values that do not fit the fields', () => {
    const base = machine(1).mpConfig();
    expect(() => buildMpConfigTable({ ...base, oemId: 'TOO LONG OEM' })).toThrow('mptable: "TOO LONG OEM" is not 8 printable ASCII characters');
    expect(() => buildMpConfigTable({ ...base, ioapics: [{ id: 300, version: 0x11, enabled: true, address: 0 }] })).toThrow(
      'mptable: IOAPIC ID 300 does not fit in a byte',
    );
  });
});

describe('firmware: validation', () => {
  const build = (...parts: Describable[]) => () => new FirmwareBuilder(64 * MiB).describe(...parts).mpConfig();
  it('names the conflicting parts', () => {
    expect(build()).toThrow('firmware: no CPU was described');
    expect(build(cpu(0), cpu(0))).toThrow('firmware: two CPUs with APIC ID 0');
    expect(build(cpu(0), cpu(1), ioapic(1))).toThrow("firmware: IOAPIC ID 1 is also a CPU's APIC ID");
    expect(build(cpu(0), ioapic(1), ioapic(1))).toThrow('firmware: two IOAPICs with ID 1');
    expect(build(cpu(0), ioapic(1), { describe: (fw) => fw.isaIrq(4, 24, 'uart') })).toThrow(
      'firmware: uart: IOAPIC 1 has no pin 24 (24 pins at 0xfec00000)',
    );
    expect(build(cpu(0), ioapic(1), { describe: (fw) => fw.isaIrq(4, 4, 'uart').isaIrq(4, 5, 'uart2') })).toThrow(
      'firmware: uart and uart2 both route bus 0 IRQ 4',
    );
    expect(build(cpu(0), { describe: (fw) => fw.isaIrq(4, 4, 'uart') })).toThrow('firmware: uart: 0 IOAPICs, name one');
    expect(() => new FirmwareBuilder(64 * MiB).isaIrq(16, 1, 'x')).toThrow('firmware: x: ISA IRQ 16 is not 0-15');
    const bsp = (i: number): Describable => ({ describe: (fw) => fw.cpu({ apicId: i, bsp: true, features: 0 }) });
    expect(build(bsp(0), bsp(1))).toThrow('firmware: 2 CPUs claim to be the bootstrap processor');
    expect(() => new FirmwareBuilder(64 * MiB).pciIrq(0, 1, 0, 16, 'nic')).toThrow('firmware: nic: PCI bus 0 was not described');
  });

  it('makes the first CPU the BSP when none says so', () => {
    const plain = (i: number): Describable => ({ describe: (fw) => fw.cpu({ apicId: i + 4, features: 0 }) });
    const cfg = new FirmwareBuilder(64 * MiB).describe(plain(0), plain(1)).mpConfig();
    expect(cfg.processors.map((p) => p.bsp)).toEqual([true, false]);
  });
});

describe('firmware: memory map and BIOS data area', () => {
  it('reserves the local APIC and IOAPIC pages and device ranges', () => {
    const fw = machine(2);
    fw.reserve(0xfffc0000, 0x40000, 'ROM');
    expect(fw.e820().filter((e) => e.base >= 0x100000000 - 0x2000000)).toEqual([
      { base: 0xfec00000, size: 0x1000, type: 'reserved' },
      { base: 0xfee00000, size: 0x1000, type: 'reserved' },
      { base: 0xfffc0000, size: 0x40000, type: 'reserved' },
    ]);
  });

  it('points the BDA at the EBDA and reports 639 KiB of base memory', () => {
    const { bytes } = emitted();
    expect(u16(bytes, 0x40e)).toBe(0x9fc0);
    expect(u16(bytes, 0x413)).toBe(639);
    expect(bytes[0x9fc00]).toBe(1); // EBDA size in KiB
  });

  it('emits only the memory map when no CPU was described', () => {
    const { mem } = ram(64 * MiB);
    const t = new FirmwareBuilder(64 * MiB).emit(mem);
    expect(t.mp).toBeUndefined();
    expect(t.e820.length).toBe(4);
  });
});
