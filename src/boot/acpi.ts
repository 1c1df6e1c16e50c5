// acpi.ts — ACPI 1.0b-style tables for a BIOS-less boot: RSDP (revision 0), RSDT, FADT
// (revision 1, 116 bytes), FACS, a DSDT with the processor objects and the \_S5 sleep package,
// and the MADT (local APICs, IOAPICs, interrupt source overrides, local APIC NMI). This file
// encodes a typed description; firmware.ts derives it from what the devices described.
//
// Why ACPI 1.0 layouts: every ACPI-aware kernel accepts them, and a revision-1 FADT keeps Linux
// from reading the 2.0 IAPC_BOOT_ARCH flags (which would otherwise have to promise or deny an
// 8042 and legacy devices). The DSDT is revision 1, so AML integers are 32-bit.
// The FADT's SMI_CMD is 0: the machine is always in ACPI mode, so the PM device must read
// SCI_EN = 1 in PM1a_CNT from reset. C2/C3 are declared unsupported (latencies > 100 / 1000).
// Reference: ACPI specification 1.0b and 6.4 (§5.2 tables, §5.2.12 MADT, §20 AML encoding).

import { BootError } from './boot-state.ts';
import { checksum, type MpPolarity, type MpTrigger } from './mptable.ts';

export const ACPI_OEM_ID = 'SEOULW';
export const ACPI_OEM_TABLE_ID = 'SEOULWEB';
export const ACPI_CREATOR_ID = 'SWEB';
export const HEADER_SIZE = 36;
export const RSDP_SIZE = 20;
export const FADT_SIZE = 116;
export const FACS_SIZE = 64;

export interface AcpiPm {
  /** I/O port bases of the fixed-hardware register blocks. */
  pm1aEvt: number;
  pm1aCnt: number;
  pmTmr: number;
  /** General-purpose event block (0/0: none); length in bytes, a multiple of 2. */
  gpe0?: { port: number; length: number };
  /** ISA IRQ of the SCI. */
  sciIrq: number;
  /** SLP_TYP value that selects soft-off in PM1_CNT. */
  s5SlpTyp: number;
  /** The PM timer counts 32 bits (else 24). */
  timer32: boolean;
  /** CMOS index of the century byte (0: none). */
  century?: number;
}

export interface AcpiConfig {
  lapicAddress: number;
  cpus: readonly { uid: number; apicId: number; enabled: boolean }[];
  ioapics: readonly { id: number; address: number; gsiBase: number }[];
  /** ISA IRQs that do not reach GSI = IRQ with conforming flags. */
  overrides: readonly { irq: number; gsi: number; polarity: MpPolarity; trigger: MpTrigger }[];
  /** Local APIC inputs wired to NMI; uid 0xFF = all processors. */
  nmis: readonly { uid: number; lint: 0 | 1 }[];
  /** The machine also has the PC's dual 8259 (MADT flag PCAT_COMPAT). */
  pcatCompat: boolean;
  pm: AcpiPm;
}

export interface AcpiTables {
  /** All tables, to be written at `base`. */
  bytes: Uint8Array;
  base: number;
  rsdp: number;
  /** Address of each table by signature (RSDP as "RSD PTR "). */
  tables: Record<string, number>;
}

const MADT_LAPIC = 0, MADT_IOAPIC = 1, MADT_ISO = 2, MADT_LAPIC_NMI = 4;
// MPS INTI flags, the same encoding the MP table uses (polarity bits 1:0, trigger bits 3:2).
const POLARITY: Record<MpPolarity, number> = { conforming: 0, high: 1, low: 3 };
const TRIGGER: Record<MpTrigger, number> = { conforming: 0, edge: 1, level: 3 };
// FADT flags.
const WBINVD = 1 << 0, PROC_C1 = 1 << 2, PWR_BUTTON = 1 << 4, SLP_BUTTON = 1 << 5, TMR_VAL_EXT = 1 << 8;

/** Lays the tables out from `base` (16-byte aligned; the RSDP comes first). */
export function buildAcpiTables(cfg: AcpiConfig, base: number): AcpiTables {
  if (base % 16 !== 0) throw new BootError(`acpi: tables must start 16-byte aligned, not at ${base}`);
  const parts: { sig: string; bytes: Uint8Array; align: number }[] = [];
  const at: Record<string, number> = {};
  let next = base;
  const place = (sig: string, size: number, align: number) => {
    next = Math.ceil(next / align) * align;
    at[sig] = next;
    next += size;
  };
  const dsdt = buildDsdt(cfg);
  const madt = buildMadt(cfg);
  place('RSD PTR ', RSDP_SIZE, 16);
  place('RSDT', HEADER_SIZE + 8, 4);
  place('FACP', FADT_SIZE, 4);
  place('FACS', FACS_SIZE, 64);
  place('DSDT', dsdt.length, 4);
  place('APIC', madt.length, 4);
  parts.push(
    { sig: 'RSD PTR ', bytes: buildRsdp(at.RSDT), align: 16 },
    { sig: 'RSDT', bytes: buildRsdt([at.FACP, at.APIC]), align: 4 },
    { sig: 'FACP', bytes: buildFadt(cfg.pm, at.FACS, at.DSDT), align: 4 },
    { sig: 'FACS', bytes: buildFacs(), align: 64 },
    { sig: 'DSDT', bytes: dsdt, align: 4 },
    { sig: 'APIC', bytes: madt, align: 4 },
  );
  const bytes = new Uint8Array(next - base);
  for (const p of parts) bytes.set(p.bytes, at[p.sig] - base);
  return { bytes, base, rsdp: at['RSD PTR '], tables: at };
}

/** RSDP, ACPI 1.0 form: signature, checksum over 20 bytes, OEM ID, revision 0, RSDT address. */
export function buildRsdp(rsdt: number): Uint8Array {
  const r = new Uint8Array(RSDP_SIZE);
  ascii(r, 0, 'RSD PTR ', 8);
  ascii(r, 9, ACPI_OEM_ID, 6);
  r[15] = 0;
  new DataView(r.buffer).setUint32(16, rsdt, true);
  r[8] = checksum(r);
  return r;
}

export function buildRsdt(entries: readonly number[]): Uint8Array {
  const t = table('RSDT', 1, entries.length * 4);
  const v = new DataView(t.buffer);
  entries.forEach((e, i) => v.setUint32(HEADER_SIZE + 4 * i, e, true));
  return sealed(t);
}

export function buildFadt(pm: AcpiPm, facs: number, dsdt: number): Uint8Array {
  const t = table('FACP', 1, FADT_SIZE - HEADER_SIZE);
  const v = new DataView(t.buffer);
  v.setUint32(36, facs, true); // FIRMWARE_CTRL
  v.setUint32(40, dsdt, true);
  t[44] = 1; // INT_MODEL (1.0): multiple APIC
  v.setUint16(46, pm.sciIrq, true); // SCI_INT
  v.setUint32(48, 0, true); // SMI_CMD: no SMI, always in ACPI mode
  v.setUint32(56, pm.pm1aEvt, true);
  v.setUint32(64, pm.pm1aCnt, true);
  v.setUint32(76, pm.pmTmr, true);
  v.setUint32(80, pm.gpe0?.port ?? 0, true);
  t[88] = 4; // PM1_EVT_LEN: status + enable, 2 bytes each
  t[89] = 2; // PM1_CNT_LEN
  t[91] = 4; // PM_TMR_LEN
  t[92] = pm.gpe0?.length ?? 0;
  v.setUint16(96, 101, true); // P_LVL2_LAT > 100: no C2
  v.setUint16(98, 1001, true); // P_LVL3_LAT > 1000: no C3
  t[108] = pm.century ?? 0;
  v.setUint32(112, WBINVD | PROC_C1 | PWR_BUTTON | SLP_BUTTON | (pm.timer32 ? TMR_VAL_EXT : 0), true);
  return sealed(t);
}

/** FACS: no checksum; hardware signature 0, no waking vector, no global lock owner. */
export function buildFacs(): Uint8Array {
  const f = new Uint8Array(FACS_SIZE);
  ascii(f, 0, 'FACS', 4);
  new DataView(f.buffer).setUint32(4, FACS_SIZE, true);
  return f;
}

export function buildMadt(cfg: AcpiConfig): Uint8Array {
  const entries: number[][] = [];
  const le16 = (n: number) => [n & 0xff, (n >> 8) & 0xff];
  const le32 = (n: number) => [...le16(n & 0xffff), ...le16(n >>> 16)];
  for (const c of cfg.cpus) entries.push([MADT_LAPIC, 8, c.uid, c.apicId, ...le32(c.enabled ? 1 : 0)]);
  for (const io of cfg.ioapics) entries.push([MADT_IOAPIC, 12, io.id, 0, ...le32(io.address), ...le32(io.gsiBase)]);
  for (const o of cfg.overrides) {
    entries.push([MADT_ISO, 10, 0, o.irq, ...le32(o.gsi), ...le16(POLARITY[o.polarity] | (TRIGGER[o.trigger] << 2))]);
  }
  for (const n of cfg.nmis) entries.push([MADT_LAPIC_NMI, 6, n.uid, 0, 0, n.lint]);
  const body = entries.flat();
  const t = table('APIC', 1, 8 + body.length);
  const v = new DataView(t.buffer);
  v.setUint32(36, cfg.lapicAddress, true);
  v.setUint32(40, cfg.pcatCompat ? 1 : 0, true);
  for (const b of body) u8check(b, 'MADT field');
  t.set(body, 44);
  return sealed(t);
}

/** DefinitionBlock: Scope (\_SB) { Processor (Cxxx, uid, 0, 0) {} ... }  Name (\_S5, Package {...}). */
export function buildDsdt(cfg: AcpiConfig): Uint8Array {
  const procs = cfg.cpus.map((c) => [
    0x5b, 0x83, // ProcessorOp
    ...pkgLength([...nameSeg(`C${c.uid.toString(16).toUpperCase().padStart(3, '0')}`), c.uid, 0, 0, 0, 0, 0]),
  ]);
  const scope = [0x10, ...pkgLength([...nameSeg('_SB_'), ...procs.flat()])]; // ScopeOp
  const s5 = cfg.pm.s5SlpTyp;
  const pkg = [0x12, ...pkgLength([4, ...amlInteger(s5), ...amlInteger(s5), 0x00, 0x00])]; // PackageOp
  const name = [0x08, 0x5c, ...nameSeg('_S5_'), ...pkg]; // NameOp \_S5_
  const aml = [...scope, ...name];
  const t = table('DSDT', 1, aml.length);
  t.set(aml, HEADER_SIZE);
  return sealed(t);
}

/** PkgLength (AML §20.2.4) prepended to `body`: the encoded length counts its own bytes too. */
export function pkgLength(body: number[]): number[] {
  for (let extra = 0; extra <= 3; extra++) {
    const total = body.length + 1 + extra;
    if (extra === 0 && total < 0x40) return [total, ...body];
    if (extra > 0 && total < 1 << (4 + 8 * extra)) {
      const lead = (extra << 6) | (total & 0xf);
      const rest = Array.from({ length: extra }, (_, i) => (total >> (4 + 8 * i)) & 0xff);
      return [lead, ...rest, ...body];
    }
  }
  throw new BootError(`acpi: AML package of ${body.length} bytes is too long`);
}

function amlInteger(n: number): number[] {
  if (n === 0) return [0x00]; // ZeroOp
  if (n === 1) return [0x01]; // OneOp
  return [0x0a, u8check(n, 'AML byte')]; // BytePrefix
}

function nameSeg(s: string): number[] {
  if (!/^[A-Z_][A-Z0-9_]{3}$/.test(s)) throw new BootError(`acpi: "${s}" is not an AML name segment`);
  return [...s].map((c) => c.charCodeAt(0));
}

/** A table with its 36-byte header filled in (length, revision, IDs); checksum by sealed(). */
function table(sig: string, revision: number, bodySize: number): Uint8Array {
  const t = new Uint8Array(HEADER_SIZE + bodySize);
  const v = new DataView(t.buffer);
  ascii(t, 0, sig, 4);
  v.setUint32(4, t.length, true);
  t[8] = revision;
  ascii(t, 10, ACPI_OEM_ID, 6);
  ascii(t, 16, ACPI_OEM_TABLE_ID, 8);
  v.setUint32(24, 1, true); // OEM revision
  ascii(t, 28, ACPI_CREATOR_ID, 4);
  v.setUint32(32, 1, true); // creator revision
  return t;
}

function sealed(t: Uint8Array): Uint8Array {
  t[9] = 0;
  t[9] = checksum(t);
  return t;
}

function ascii(b: Uint8Array, at: number, s: string, len: number): void {
  for (let i = 0; i < len; i++) b[at + i] = i < s.length ? s.charCodeAt(i) : 0x20;
}

function u8check(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 0 || n > 0xff) throw new BootError(`acpi: ${what} ${n} does not fit in a byte`);
  return n;
}
