// firmware.ts — the typed builder through which the machine's parts describe themselves for
// the firmware tables a direct (BIOS-less) boot must provide: the E820 memory map, the MP
// table, the ACPI tables when an ACPI power-management device described itself (acpi.ts), and
// the BIOS data area words that locate the EBDA. Each device's describe(fw) adds
// its own entries; emit() validates the whole and writes the tables into guest RAM. Nothing
// here knows a particular chip.
//
// Bus numbering: PCI bus numbers are fixed by the hardware (the host bridge is bus 0), so PCI
// buses keep their numbers and the ISA bus takes the next free ID (1 with a PCI host, 0 on a
// machine without PCI). Descriptions name the ISA bus symbolically; IDs are assigned at emit().
//
// Placement: the MP floating pointer at 0xF0000 and the configuration table right after it,
// in the BIOS area that pcMemoryMap() reserves (the MP spec's third search area); the ACPI
// tables follow, RSDP first on a 16-byte boundary (the range OSes scan for it). The ACPI tables
// stay inside the reserved BIOS area rather than an 'acpi' E820 range: nothing to reclaim. A machine
// booted from a ROM (rom.ts) gets its tables from the ROM instead and does not call emit().

import { buildAcpiTables, type AcpiConfig, type AcpiPm } from './acpi.ts';
import { BootError, alignUp, hex, writeChecked, type GuestMemory } from './boot-state.ts';
import { BIOS_AREA_BASE, E820Builder, EBDA_BASE, HIGH_MEMORY, pcMemoryMap, type E820Entry } from './e820.ts';
import {
  MP_FLOATING_SIZE, buildMpConfigTable, buildMpFloatingPointer, type MpConfig, type MpInterruptType,
  type MpIoInterrupt, type MpLocalInterrupt, type MpPolarity, type MpTrigger,
} from './mptable.ts';

export const LAPIC_BASE = 0xfee00000;
export const APIC_PAGE = 0x1000;
/** Local APIC version of the P6 family integrated APIC (xAPIC, 4 LVT entries). */
export const LAPIC_VERSION = 0x14;
/** Family 6, model 1, stepping 9 — a Pentium Pro signature (CPUID(1).EAX layout). */
export const DEFAULT_CPU_SIGNATURE = (6 << 8) | (1 << 4) | 9;
export const OEM_ID = 'SEOULWEB';
export const PRODUCT_ID = 'PC';
/** BIOS data area words (IBM PC BIOS): EBDA segment at 0x40E, base memory KiB at 0x413. */
const BDA_EBDA_SEGMENT = 0x40e;
const BDA_BASE_MEMORY_KIB = 0x413;

/** Anything that adds itself to the firmware tables. */
export interface Describable {
  describe(fw: FirmwareBuilder): void;
}

export interface CpuDescription {
  apicId: number;
  /** CPUID(1).EDX, as the core reports it. */
  features: number;
  bsp?: boolean;
  enabled?: boolean;
  apicVersion?: number;
  signature?: number;
}

export interface IoapicDescription {
  id: number;
  address: number;
  version: number;
  /** Number of input pins (redirection entries). */
  pins: number;
}

/** Routing of one interrupt source to an IOAPIC pin. */
export interface RouteOptions {
  /** Defaults to the only IOAPIC. */
  ioapicId?: number;
  type?: MpInterruptType;
  polarity?: MpPolarity;
  trigger?: MpTrigger;
}

export interface FirmwareTables {
  e820: E820Entry[];
  mp?: { floating: number; config: number; length: number };
  /** ACPI tables, when a PM device described itself; `rsdp` goes to Linux's acpi_rsdp_addr. */
  acpi?: { rsdp: number; tables: Record<string, number>; end: number };
}

type BusRef = { kind: 'isa' } | { kind: 'pci'; bus: number };

interface IoRoute extends Required<Omit<RouteOptions, 'ioapicId'>> {
  ioapicId?: number;
  bus: BusRef;
  srcIrq: number;
  pin: number;
  owner: string;
}

interface LocalRoute {
  type: MpInterruptType;
  lint: 0 | 1;
  apicId: number;
  owner: string;
}

export class FirmwareBuilder {
  readonly memory: E820Builder;
  private readonly cpus: CpuDescription[] = [];
  private readonly ioapics: IoapicDescription[] = [];
  private readonly pciBuses = new Set<number>();
  private readonly routes: IoRoute[] = [];
  private readonly locals: LocalRoute[] = [];
  private lapicReserved = false;
  private pm?: AcpiPm;

  constructor(readonly ramSize: number, readonly lapicAddress = LAPIC_BASE) {
    this.memory = pcMemoryMap(ramSize);
  }

  /** Lets each part add itself; returns this for chaining. */
  describe(...parts: Describable[]): this {
    for (const p of parts) p.describe(this);
    return this;
  }

  cpu(c: CpuDescription): this {
    this.cpus.push(c);
    if (!this.lapicReserved) {
      this.memory.reserve(this.lapicAddress, APIC_PAGE, 'local APIC');
      this.lapicReserved = true;
    }
    return this;
  }

  ioapic(io: IoapicDescription): this {
    this.ioapics.push(io);
    this.memory.reserve(io.address, APIC_PAGE, `IOAPIC ${io.id}`);
    return this;
  }

  /** A reserved range in the memory map (device windows, ROMs). */
  reserve(base: number, size: number, owner: string): this {
    this.memory.reserve(base, size, owner);
    return this;
  }

  /** ISA IRQ `irq` arrives at IOAPIC pin `pin`. Default: INT, conforming polarity and trigger. */
  isaIrq(irq: number, pin: number, owner: string, opts: RouteOptions = {}): this {
    if (!Number.isInteger(irq) || irq < 0 || irq > 15) throw new BootError(`firmware: ${owner}: ISA IRQ ${irq} is not 0-15`);
    return this.route({ kind: 'isa' }, irq, pin, owner, opts);
  }

  /** A PCI bus (bus 0 is the host bridge's). */
  pciBus(bus: number): this {
    if (!Number.isInteger(bus) || bus < 0 || bus > 0xfe) throw new BootError(`firmware: PCI bus ${bus} is not 0-254`);
    this.pciBuses.add(bus);
    return this;
  }

  /** PCI device `device`'s INTx# pin (0 = INTA#) arrives at IOAPIC pin `pin`; PCI is level/low. */
  pciIrq(bus: number, device: number, intx: number, pin: number, owner: string, opts: RouteOptions = {}): this {
    if (!this.pciBuses.has(bus)) throw new BootError(`firmware: ${owner}: PCI bus ${bus} was not described`);
    if (device < 0 || device > 31 || intx < 0 || intx > 3) {
      throw new BootError(`firmware: ${owner}: PCI device ${device} INT${'ABCD'[intx] ?? '?'}# is invalid`);
    }
    return this.route({ kind: 'pci', bus }, (device << 2) | intx, pin, owner, { polarity: 'low', trigger: 'level', ...opts });
  }

  /** A local APIC input: LINT0/LINT1 of CPU `apicId` (0xFF: all CPUs). */
  localInterrupt(lint: 0 | 1, type: MpInterruptType, owner: string, apicId = 0xff): this {
    this.locals.push({ lint, type, apicId, owner });
    return this;
  }

  /** The ACPI fixed-hardware blocks of the power-management device; enables the ACPI tables. */
  acpiPm(pm: AcpiPm): this {
    if (this.pm) throw new BootError('firmware: two ACPI power-management devices described');
    this.pm = pm;
    return this;
  }

  /** The memory map alone (no RAM writes). */
  e820(): E820Entry[] {
    return this.memory.build();
  }

  /** The MP configuration as the tables will hold it, validated. */
  mpConfig(): MpConfig {
    const cpus = this.checkedCpus();
    const pci = [...this.pciBuses].sort((a, b) => a - b);
    const isaId = pci.length > 0 ? pci[pci.length - 1] + 1 : 0;
    const busId = (b: BusRef) => (b.kind === 'isa' ? isaId : b.bus);
    const usesIsa = this.routes.some((r) => r.bus.kind === 'isa') || this.locals.length > 0;
    const ioapicIds = this.checkedIoapics(cpus.map((c) => c.apicId));
    const ioInterrupts: MpIoInterrupt[] = this.routes.map((r) => ({
      type: r.type, polarity: r.polarity, trigger: r.trigger, srcBus: busId(r.bus), srcIrq: r.srcIrq,
      ioapicId: this.routeTarget(r, ioapicIds), pin: r.pin,
    }));
    this.checkDuplicateRoutes(ioInterrupts);
    const localInterrupts: MpLocalInterrupt[] = this.locals.map((l) => ({
      type: l.type, polarity: 'conforming', trigger: 'conforming', srcBus: isaId, srcIrq: 0, apicId: l.apicId, lint: l.lint,
    }));
    return {
      oemId: OEM_ID,
      productId: PRODUCT_ID,
      lapicAddress: this.lapicAddress,
      processors: cpus.map((c) => ({
        apicId: c.apicId, apicVersion: c.apicVersion ?? LAPIC_VERSION, enabled: c.enabled ?? true, bsp: c.bsp ?? false,
        signature: c.signature ?? DEFAULT_CPU_SIGNATURE, features: c.features,
      })),
      buses: [...pci.map((id) => ({ id, type: 'PCI' })), ...(usesIsa ? [{ id: isaId, type: 'ISA' }] : [])],
      ioapics: this.ioapics.map((io) => ({ id: io.id, version: io.version, enabled: true, address: io.address })),
      ioInterrupts,
      localInterrupts,
    };
  }

  /** Writes the MP tables and BDA words into guest RAM; returns the memory map and addresses. */
  emit(mem: GuestMemory): FirmwareTables {
    const e820 = this.e820();
    this.writeBda(mem);
    if (this.cpus.length === 0) return { e820 };
    const config = buildMpConfigTable(this.mpConfig());
    const floating = BIOS_AREA_BASE;
    const configAt = floating + MP_FLOATING_SIZE;
    if (configAt + config.length > HIGH_MEMORY) throw new BootError(`mptable: ${config.length} bytes overflow the BIOS area`);
    writeChecked(mem, floating, buildMpFloatingPointer(configAt), 'MP floating pointer');
    writeChecked(mem, configAt, config, 'MP configuration table');
    const tables: FirmwareTables = { e820, mp: { floating, config: configAt, length: config.length } };
    if (this.pm) {
      const acpi = buildAcpiTables(this.acpiConfig(), alignUp(configAt + config.length, 16));
      if (acpi.base + acpi.bytes.length > HIGH_MEMORY) throw new BootError(`acpi: ${acpi.bytes.length} bytes overflow the BIOS area`);
      writeChecked(mem, acpi.base, acpi.bytes, 'ACPI tables');
      tables.acpi = { rsdp: acpi.rsdp, tables: acpi.tables, end: acpi.base + acpi.bytes.length };
    }
    return tables;
  }

  /**
   * The ACPI view of the same description: processor UIDs are the CPUs' description order,
   * IOAPIC GSI bases follow their order and pin counts, an ISA IRQ gets an interrupt source
   * override when it does not reach GSI = IRQ with conforming flags, LINTx NMI entries become
   * local APIC NMI entries, and an 8259 on LINT0 (ExtINT) sets PCAT_COMPAT.
   */
  acpiConfig(): AcpiConfig {
    if (!this.pm) throw new BootError('firmware: no ACPI power-management device was described');
    const mp = this.mpConfig();
    const gsiBase = new Map<number, number>();
    let gsi = 0;
    for (const io of this.ioapics) {
      gsiBase.set(io.id, gsi);
      gsi += io.pins;
    }
    const isaBus = mp.buses.find((b) => b.type === 'ISA')?.id;
    const overrides = mp.ioInterrupts
      .filter((r) => r.type === 'int' && r.srcBus === isaBus)
      .map((r) => ({ irq: r.srcIrq, gsi: gsiBase.get(r.ioapicId)! + r.pin, polarity: r.polarity, trigger: r.trigger }))
      .filter((o) => o.gsi !== o.irq || o.polarity !== 'conforming' || o.trigger !== 'conforming');
    const uidOf = new Map(mp.processors.map((p, i) => [p.apicId, i]));
    return {
      lapicAddress: this.lapicAddress,
      cpus: mp.processors.map((p, i) => ({ uid: i, apicId: p.apicId, enabled: p.enabled })),
      ioapics: this.ioapics.map((io) => ({ id: io.id, address: io.address, gsiBase: gsiBase.get(io.id)! })),
      overrides,
      nmis: this.locals.filter((l) => l.type === 'nmi').map((l) => ({ uid: this.uidFor(l, uidOf), lint: l.lint })),
      pcatCompat: this.locals.some((l) => l.type === 'extint'),
      pm: this.pm,
    };
  }

  /** The EBDA's location and size as a BIOS leaves them (and the EBDA's own size byte, in KiB). */
  private writeBda(mem: GuestMemory): void {
    const w16 = (addr: number, value: number) => writeChecked(mem, addr, new Uint8Array([value & 0xff, value >> 8]), 'BIOS data area');
    w16(BDA_EBDA_SEGMENT, EBDA_BASE >> 4);
    w16(BDA_BASE_MEMORY_KIB, EBDA_BASE >> 10);
    writeChecked(mem, EBDA_BASE, new Uint8Array([(0xa0000 - EBDA_BASE) >> 10]), 'EBDA');
  }

  private uidFor(l: LocalRoute, uidOf: Map<number, number>): number {
    if (l.apicId === 0xff) return 0xff;
    const uid = uidOf.get(l.apicId);
    if (uid === undefined) throw new BootError(`firmware: ${l.owner}: no CPU with APIC ID ${l.apicId}`);
    return uid;
  }

  private route(bus: BusRef, srcIrq: number, pin: number, owner: string, opts: RouteOptions): this {
    this.routes.push({
      bus, srcIrq, pin, owner, ioapicId: opts.ioapicId,
      type: opts.type ?? 'int', polarity: opts.polarity ?? 'conforming', trigger: opts.trigger ?? 'conforming',
    });
    return this;
  }

  private checkedCpus(): CpuDescription[] {
    if (this.cpus.length === 0) throw new BootError('firmware: no CPU was described');
    const seen = new Set<number>();
    for (const c of this.cpus) {
      if (!Number.isInteger(c.apicId) || c.apicId < 0 || c.apicId >= 0xff) throw new BootError(`firmware: CPU APIC ID ${c.apicId} is not 0-254`);
      if (seen.has(c.apicId)) throw new BootError(`firmware: two CPUs with APIC ID ${c.apicId}`);
      seen.add(c.apicId);
    }
    const bsps = this.cpus.filter((c) => c.bsp).length;
    if (bsps > 1) throw new BootError(`firmware: ${bsps} CPUs claim to be the bootstrap processor`);
    // Without an explicit BSP, the first CPU described is the one that runs the boot code.
    return bsps === 1 ? this.cpus : this.cpus.map((c, i) => ({ ...c, bsp: i === 0 }));
  }

  private checkedIoapics(cpuIds: number[]): Map<number, IoapicDescription> {
    const byId = new Map<number, IoapicDescription>();
    for (const io of this.ioapics) {
      if (byId.has(io.id)) throw new BootError(`firmware: two IOAPICs with ID ${io.id}`);
      // P6-family APICs share one APIC bus: an IOAPIC ID must differ from every local APIC ID.
      if (cpuIds.includes(io.id)) throw new BootError(`firmware: IOAPIC ID ${io.id} is also a CPU's APIC ID`);
      byId.set(io.id, io);
    }
    return byId;
  }

  private routeTarget(r: IoRoute, ioapics: Map<number, IoapicDescription>): number {
    const id = r.ioapicId ?? (ioapics.size === 1 ? [...ioapics.keys()][0] : undefined);
    const io = id === undefined ? undefined : ioapics.get(id);
    if (!io) {
      throw new BootError(`firmware: ${r.owner}: ${r.ioapicId === undefined ? `${ioapics.size} IOAPICs, name one` : `no IOAPIC ${r.ioapicId}`}`);
    }
    if (!Number.isInteger(r.pin) || r.pin < 0 || r.pin >= io.pins) {
      throw new BootError(`firmware: ${r.owner}: IOAPIC ${io.id} has no pin ${r.pin} (${io.pins} pins at ${hex(io.address)})`);
    }
    return io.id;
  }

  private checkDuplicateRoutes(routes: MpIoInterrupt[]): void {
    const seen = new Map<string, number>();
    routes.forEach((r, i) => {
      const key = `${r.srcBus}:${r.srcIrq}:${r.type}`;
      const prev = seen.get(key);
      if (prev !== undefined) {
        throw new BootError(`firmware: ${this.routes[prev].owner} and ${this.routes[i].owner} both route bus ${r.srcBus} IRQ ${r.srcIrq}`);
      }
      seen.set(key, i);
    });
  }
}

/**
 * The PC's fixed interrupt wiring, for the parts that are not devices of their own: LINT0 of
 * every CPU takes the 8259's INTR as ExtINT (virtual wire), LINT1 takes NMI, and each ISA line
 * reaches the IOAPIC pin `pinForIsa` gives (-1: not wired, as the cascade IRQ 2). Also the
 * 8259's INTR on IOAPIC pin 0 as an ExtINT source when `extIntPin` is given.
 */
export function describePcInterrupts(
  fw: FirmwareBuilder, pinForIsa: (irq: number) => number, opts: { extIntPin?: number; isaIrqs?: number[] } = {},
): void {
  fw.localInterrupt(0, 'extint', 'LINT0 virtual wire').localInterrupt(1, 'nmi', 'LINT1 NMI');
  for (const irq of opts.isaIrqs ?? Array.from({ length: 16 }, (_, i) => i)) {
    const pin = pinForIsa(irq);
    if (pin >= 0) fw.isaIrq(irq, pin, `ISA IRQ ${irq}`);
  }
  if (opts.extIntPin !== undefined) fw.isaIrq(0, opts.extIntPin, '8259 INTR', { type: 'extint' });
}
