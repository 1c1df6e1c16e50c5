// mptable.ts — Intel MultiProcessor Specification 1.4 tables: the MP floating pointer structure
// (§4.1) and the MP configuration table (§4.2 header, §4.3 base table entries). This file only
// encodes a typed description; firmware.ts collects the description from the devices.
//
// Choices: spec revision 4 (1.4) in both structures; feature byte 1 = 0 (a configuration table
// is present, no default configuration); feature byte 2 bit 7 (IMCRP) = 0, i.e. virtual-wire
// mode — the 8259's INTR reaches the BSP's LINT0 without an IMCR; no OEM table; no extended
// entries (extended table length 0, checksum 0). Entries are emitted ordered by entry type, as
// the spec's table lists them.

import { BootError } from './boot-state.ts';

export const MP_FLOATING_SIZE = 16;
export const MP_HEADER_SIZE = 44;
export const MP_SPEC_REV = 4;
export const MP_PROCESSOR_SIZE = 20;
export const MP_ENTRY_SIZE = 8;

export const MP_ENTRY = { processor: 0, bus: 1, ioapic: 2, ioInterrupt: 3, localInterrupt: 4 } as const;
export const CPU_ENABLED = 1 << 0;
export const CPU_BOOTPROCESSOR = 1 << 1;
export const IOAPIC_ENABLED = 1 << 0;

export type MpInterruptType = 'int' | 'nmi' | 'smi' | 'extint';
export type MpPolarity = 'conforming' | 'high' | 'low';
export type MpTrigger = 'conforming' | 'edge' | 'level';

const INT_TYPE: Record<MpInterruptType, number> = { int: 0, nmi: 1, smi: 2, extint: 3 };
const POLARITY: Record<MpPolarity, number> = { conforming: 0, high: 1, low: 3 };
const TRIGGER: Record<MpTrigger, number> = { conforming: 0, edge: 1, level: 3 };

export interface MpProcessor {
  apicId: number;
  apicVersion: number;
  enabled: boolean;
  bsp: boolean;
  /** CPUID(1).EAX layout: stepping 3:0, model 7:4, family 11:8. */
  signature: number;
  /** CPUID(1).EDX. */
  features: number;
}

export interface MpBus {
  id: number;
  /** Bus type string from the spec's table 4-8, e.g. "ISA", "PCI" (padded to 6 with spaces). */
  type: string;
}

export interface MpIoapic {
  id: number;
  version: number;
  enabled: boolean;
  address: number;
}

interface MpInterruptCommon {
  type: MpInterruptType;
  polarity: MpPolarity;
  trigger: MpTrigger;
  srcBus: number;
  /** ISA: the IRQ number; PCI: device << 2 | INTx# (0 = INTA#). */
  srcIrq: number;
}

export interface MpIoInterrupt extends MpInterruptCommon {
  ioapicId: number;
  pin: number;
}

export interface MpLocalInterrupt extends MpInterruptCommon {
  /** Destination local APIC ID; 0xFF = all local APICs. */
  apicId: number;
  lint: 0 | 1;
}

export interface MpConfig {
  oemId: string;
  productId: string;
  lapicAddress: number;
  processors: readonly MpProcessor[];
  buses: readonly MpBus[];
  ioapics: readonly MpIoapic[];
  ioInterrupts: readonly MpIoInterrupt[];
  localInterrupts: readonly MpLocalInterrupt[];
}

/** The MP configuration table (header + base entries) with its checksum. */
export function buildMpConfigTable(cfg: MpConfig): Uint8Array {
  const entries = [
    ...cfg.processors.map(processorEntry),
    ...cfg.buses.map(busEntry),
    ...cfg.ioapics.map(ioapicEntry),
    ...cfg.ioInterrupts.map((e) => interruptEntry(MP_ENTRY.ioInterrupt, e, e.ioapicId, e.pin)),
    ...cfg.localInterrupts.map((e) => interruptEntry(MP_ENTRY.localInterrupt, e, e.apicId, e.lint)),
  ];
  const length = MP_HEADER_SIZE + entries.reduce((n, e) => n + e.length, 0);
  if (length > 0xffff) throw new BootError(`mptable: base table of ${length} bytes exceeds 64 KiB`);
  const t = new Uint8Array(length);
  const v = new DataView(t.buffer);
  ascii(t, 0, 'PCMP', 4);
  v.setUint16(4, length, true);
  t[6] = MP_SPEC_REV;
  ascii(t, 8, cfg.oemId, 8);
  ascii(t, 16, cfg.productId, 12);
  v.setUint32(28, 0, true); // OEM table pointer
  v.setUint16(32, 0, true); // OEM table size
  v.setUint16(34, entries.length, true);
  v.setUint32(36, cfg.lapicAddress, true);
  v.setUint16(40, 0, true); // extended table length
  t[42] = 0; // extended table checksum (of an empty extended table)
  let at = MP_HEADER_SIZE;
  for (const e of entries) {
    t.set(e, at);
    at += e.length;
  }
  t[7] = checksum(t);
  return t;
}

/** The 16-byte floating pointer structure pointing at the configuration table. */
export function buildMpFloatingPointer(configAddress: number): Uint8Array {
  const f = new Uint8Array(MP_FLOATING_SIZE);
  ascii(f, 0, '_MP_', 4);
  new DataView(f.buffer).setUint32(4, configAddress, true);
  f[8] = MP_FLOATING_SIZE / 16; // length in paragraphs
  f[9] = MP_SPEC_REV;
  f[11] = 0; // feature 1: configuration table present
  f[12] = 0; // feature 2: IMCRP clear — virtual-wire mode
  f[10] = checksum(f);
  return f;
}

/** Byte that makes the sum of all bytes of `b` zero (modulo 256), given b's current contents. */
export function checksum(b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < b.length; i++) s += b[i];
  return (256 - (s & 0xff)) & 0xff;
}

function processorEntry(p: MpProcessor): Uint8Array {
  const e = new Uint8Array(MP_PROCESSOR_SIZE);
  const v = new DataView(e.buffer);
  e[0] = MP_ENTRY.processor;
  e[1] = u8(p.apicId, 'processor APIC ID');
  e[2] = u8(p.apicVersion, 'APIC version');
  e[3] = (p.enabled ? CPU_ENABLED : 0) | (p.bsp ? CPU_BOOTPROCESSOR : 0);
  v.setUint32(4, p.signature >>> 0, true);
  v.setUint32(8, p.features >>> 0, true);
  return e; // bytes 12-19 reserved
}

function busEntry(b: MpBus): Uint8Array {
  const e = new Uint8Array(MP_ENTRY_SIZE);
  e[0] = MP_ENTRY.bus;
  e[1] = u8(b.id, 'bus ID');
  ascii(e, 2, b.type, 6);
  return e;
}

function ioapicEntry(io: MpIoapic): Uint8Array {
  const e = new Uint8Array(MP_ENTRY_SIZE);
  e[0] = MP_ENTRY.ioapic;
  e[1] = u8(io.id, 'IOAPIC ID');
  e[2] = u8(io.version, 'IOAPIC version');
  e[3] = io.enabled ? IOAPIC_ENABLED : 0;
  new DataView(e.buffer).setUint32(4, io.address >>> 0, true);
  return e;
}

function interruptEntry(kind: number, i: MpInterruptCommon, dest: number, destPin: number): Uint8Array {
  const e = new Uint8Array(MP_ENTRY_SIZE);
  e[0] = kind;
  e[1] = INT_TYPE[i.type];
  new DataView(e.buffer).setUint16(2, POLARITY[i.polarity] | (TRIGGER[i.trigger] << 2), true);
  e[4] = u8(i.srcBus, 'source bus');
  e[5] = u8(i.srcIrq, 'source IRQ');
  e[6] = u8(dest, 'destination APIC ID');
  e[7] = u8(destPin, 'destination pin');
  return e;
}

/** Writes `s` space-padded into `len` bytes (the spec's string fields are not NUL-terminated). */
function ascii(b: Uint8Array, at: number, s: string, len: number): void {
  if (s.length > len || !/^[\x20-\x7e]*$/.test(s)) throw new BootError(`mptable: "${s}" is not ${len} printable ASCII characters`);
  for (let i = 0; i < len; i++) b[at + i] = i < s.length ? s.charCodeAt(i) : 0x20;
}

function u8(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 0 || n > 0xff) throw new BootError(`mptable: ${what} ${n} does not fit in a byte`);
  return n;
}
