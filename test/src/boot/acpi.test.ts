import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pkgLength } from '../../../src/boot/acpi.ts';
import { FirmwareBuilder, describePcInterrupts } from '../../../src/boot/firmware.ts';
import { loadLinux } from '../../../src/boot/linux.ts';
import { ioapicPinForIsa } from '../../../src/vmm/irq.ts';
import { MiB, fakeBzImage, ram, str, sum8, u16, u32, u64, u8 } from './helpers.ts';

const PM = { pm1aEvt: 0xb000, pm1aCnt: 0xb004, pmTmr: 0xb008, sciIrq: 9, s5SlpTyp: 5, timer32: true, century: 0x32 };

function machine(cpus: number) {
  const fw = new FirmwareBuilder(64 * MiB);
  for (let i = 0; i < cpus; i++) fw.cpu({ apicId: i, features: 0 });
  fw.ioapic({ id: cpus, address: 0xfec00000, version: 0x11, pins: 24 });
  const isa = Array.from({ length: 16 }, (_, i) => i).filter((i) => i !== 9);
  describePcInterrupts(fw, ioapicPinForIsa, { isaIrqs: isa });
  fw.isaIrq(9, 9, 'ACPI SCI', { polarity: 'high', trigger: 'level' });
  fw.acpiPm(PM);
  const { mem, bytes } = ram(64 * MiB);
  const tables = fw.emit(mem);
  return { bytes, tables, mem };
}

/** The RSDP as an OS finds it: 16-byte boundaries in 0xE0000-0xFFFFF, checksum over 20 bytes. */
function findRsdp(b: Uint8Array): number {
  for (let a = 0xe0000; a < 0x100000; a += 16) {
    if (str(b, a, 8) === 'RSD PTR ' && sum8(b.subarray(a, a + 20)) === 0) return a;
  }
  return -1;
}

const tableAt = (b: Uint8Array, a: number) => b.subarray(a, a + u32(b, a + 4));

function rsdtTables(b: Uint8Array): Record<string, Uint8Array> {
  const rsdt = tableAt(b, u32(b, findRsdp(b) + 16));
  const out: Record<string, Uint8Array> = { RSDT: rsdt };
  for (let o = 36; o < rsdt.length; o += 4) {
    const t = tableAt(b, u32(rsdt, o));
    out[str(t, 0, 4)] = t;
  }
  return out;
}

describe('acpi: RSDP and RSDT', () => {
  it('has an ACPI 1.0 RSDP in the BIOS area pointing at a valid RSDT', () => {
    const { bytes, tables } = machine(2);
    const r = findRsdp(bytes);
    expect(r).toBe(tables.acpi!.rsdp);
    expect(str(bytes, r + 9, 6)).toBe('SEOULW');
    expect(u8(bytes, r + 15)).toBe(0); // revision 0: ACPI 1.0, 20 bytes
    const t = rsdtTables(bytes);
    expect(str(t.RSDT, 0, 4)).toBe('RSDT');
    expect(t.RSDT.length).toBe(36 + 8);
    expect(Object.keys(t).sort()).toEqual(['APIC', 'FACP', 'RSDT']);
    for (const tab of Object.values(t)) {
      expect(sum8(tab)).toBe(0);
      expect(str(tab, 10, 6)).toBe('SEOULW');
      expect(str(tab, 16, 8)).toBe('SEOULWEB');
    }
    expect(tables.acpi!.end).toBeLessThanOrEqual(0x100000);
    expect(tables.acpi!.rsdp).toBeGreaterThanOrEqual(tables.mp!.config + tables.mp!.length);
  });
});

describe('acpi: FADT, FACS, DSDT', () => {
  it('describes the PM blocks, SCI, FACS and DSDT (revision 1 layout)', () => {
    const { bytes } = machine(2);
    const f = rsdtTables(bytes).FACP;
    expect(f.length).toBe(116);
    expect(u8(f, 8)).toBe(1);
    const facs = u32(f, 36), dsdt = u32(f, 40);
    expect(facs % 64).toBe(0);
    expect(str(bytes, facs, 4)).toBe('FACS');
    expect(u32(bytes, facs + 4)).toBe(64);
    expect(str(bytes, dsdt, 4)).toBe('DSDT');
    expect(sum8(tableAt(bytes, dsdt))).toBe(0);
    expect(u16(f, 46)).toBe(9); // SCI_INT
    expect(u32(f, 48)).toBe(0); // SMI_CMD: always in ACPI mode
    expect([u32(f, 56), u32(f, 64), u32(f, 76)]).toEqual([0xb000, 0xb004, 0xb008]);
    expect([u8(f, 88), u8(f, 89), u8(f, 91)]).toEqual([4, 2, 4]);
    expect(u8(f, 108)).toBe(0x32); // century
    expect(u32(f, 112) & (1 << 8)).toBe(1 << 8); // TMR_VAL_EXT: 32-bit PM timer
  });

  it('encodes the DSDT AML: processor objects under \\_SB and the \\_S5 package', () => {
    const { bytes } = machine(2);
    const d = tableAt(bytes, u32(rsdtTables(bytes).FACP, 40));
    const name = (s: string) => [...s].map((c) => c.charCodeAt(0));
    const proc = (n: string, id: number) => [0x5b, 0x83, 11, ...name(n), id, 0, 0, 0, 0, 0];
    expect([...d.subarray(36)]).toEqual([
      0x10, 31, ...name('_SB_'), ...proc('C000', 0), ...proc('C001', 1),
      0x08, 0x5c, ...name('_S5_'), 0x12, 8, 4, 0x0a, 5, 0x0a, 5, 0, 0,
    ]);
  });

  it('encodes PkgLength in one to four bytes', () => {
    expect(pkgLength(new Array(62).fill(0)).slice(0, 1)).toEqual([63]);
    expect(pkgLength(new Array(63).fill(0)).slice(0, 2)).toEqual([0x41, 0x04]); // 65
    expect(pkgLength(new Array(100).fill(0)).slice(0, 2)).toEqual([0x46, 0x06]); // 102
    expect(pkgLength(new Array(5000).fill(0)).slice(0, 3)).toEqual([0x8b, 0x38, 0x01]); // 5003 = 0x138b
  });
});

describe('acpi: MADT', () => {
  it('lists local APICs, the IOAPIC, the overrides for IRQ 0 and the level SCI, and LINT1 NMI', () => {
    const { bytes } = machine(2);
    const m = rsdtTables(bytes).APIC;
    expect(u32(m, 36)).toBe(0xfee00000);
    expect(u32(m, 40)).toBe(1); // PCAT_COMPAT
    const subs: number[][] = [];
    for (let o = 44; o < m.length; o += m[o + 1]) subs.push([...m.subarray(o, o + m[o + 1])]);
    expect(subs).toEqual([
      [0, 8, 0, 0, 1, 0, 0, 0],
      [0, 8, 1, 1, 1, 0, 0, 0],
      [1, 12, 2, 0, 0x00, 0x00, 0xc0, 0xfe, 0, 0, 0, 0],
      [2, 10, 0, 0, 2, 0, 0, 0, 0, 0], // IRQ0 -> GSI 2, conforming
      [2, 10, 0, 9, 9, 0, 0, 0, 0x0d, 0], // SCI: active high, level
      [4, 6, 0xff, 0, 0, 1], // NMI on LINT1 of all processors
    ]);
  });
});

describe('acpi: Linux gets the RSDP address', () => {
  it('lands in boot_params.acpi_rsdp_addr', () => {
    const { tables, mem, bytes } = machine(1);
    loadLinux(mem, fakeBzImage(), { e820: tables.e820, acpiRsdp: tables.acpi!.rsdp });
    expect(u64(bytes, 0x7000 + 0x70)).toBe(tables.acpi!.rsdp);
  });
});

function hasIasl(): boolean {
  try {
    execFileSync('iasl', ['-v'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!hasIasl())('acpi: ACPICA disassembler (iasl -d) accepts every table', () => {
  it.each([2, 24])('%i CPUs', (cpus) => {
    const { bytes, tables } = machine(cpus);
    const dir = mkdtempSync(join(tmpdir(), 'acpi-'));
    try {
      const t = rsdtTables(bytes);
      t.FACS = bytes.subarray(u32(t.FACP, 36), u32(t.FACP, 36) + 64);
      t.DSDT = tableAt(bytes, u32(t.FACP, 40));
      const dsl: Record<string, string> = {};
      for (const [sig, tab] of Object.entries(t)) {
        const file = join(dir, `${sig}.dat`);
        writeFileSync(file, tab);
        execFileSync('iasl', ['-d', file], { stdio: 'pipe', cwd: dir });
        const out = join(dir, `${sig}.dsl`);
        expect(existsSync(out)).toBe(true);
        dsl[sig] = readFileSync(out, 'utf8');
        expect(dsl[sig]).not.toMatch(/Incorrect|Error|Invalid/i);
      }
      expect(dsl.DSDT).toContain('Name (\\_S5, Package (0x04)');
      expect(dsl.DSDT).toContain(`Processor (C${(cpus - 1).toString(16).toUpperCase().padStart(3, '0')}, 0x${(cpus - 1).toString(16).toUpperCase().padStart(2, '0')}, 0x00000000, 0x00) {}`);
      expect(dsl.APIC.match(/\[Processor Local APIC\]/g)!.length).toBe(cpus);
      expect(dsl.APIC).toContain('[Interrupt Source Override]');
      expect(dsl.FACP).toContain('PM Timer Block Address : 0000B008');
      expect(tables.acpi).toBeDefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
