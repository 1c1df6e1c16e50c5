// pci/config-space.ts — a PCI function's 256-byte configuration space (header type 0), for every
// PCI device model to reuse.
//
// Status:    complete for type-0 headers.
// Implements: read-only / writable / write-1-to-clear masks per byte; vendor, device, class,
//            revision, header type (with the multi-function bit), subsystem IDs; command
//            register (I/O, memory, bus master, parity, SERR, INTx disable writable); status
//            (error bits write-1-to-clear, capability-list bit); cache line size and latency
//            timer; BARs for I/O, 32-bit and 64-bit memory (prefetchable or not) whose address
//            bits below the size read 0, so writing all-ones and reading back yields the size;
//            expansion ROM BAR; interrupt line (writable) and pin (read-only); a capability list.
// Missing:   header types 1 and 2 (bridges, CardBus); extended (PCIe) configuration space.
// Ignored:   byte accesses that cross a dword are split by the caller (the host bridge).
// Reference: PCI Local Bus Specification 3.0, chapter 6 (configuration space).
import type { Size } from '../../vmm/device-api.ts';

/** What the host bridge calls for a configuration access to one function. */
export interface PciFunction {
  /** Read `size` bytes at `offset` (0..255; offset + size stays within one dword). */
  configRead(offset: number, size: Size): number;
  configWrite(offset: number, size: Size, value: number): void;
}

/** A PCI root that functions register with (the host bridge). */
export interface PciRoot {
  registerFunction(bus: number, dev: number, fn: number, f: PciFunction): void;
}

export interface PciIdentity {
  vendor: number;
  device: number;
  /** class << 16 | subclass << 8 | programming interface. */
  classCode: number;
  revision?: number;
  subsystemVendor?: number;
  subsystemId?: number;
  /** Sets bit 7 of the header type: this device has functions 1..7. */
  multiFunction?: boolean;
  /** 0 = none, 1..4 = INTA#..INTD#. */
  interruptPin?: number;
}

export type BarKind = 'io' | 'mem32' | 'mem64';

export const PCI_COMMAND = 0x04;
export const PCI_STATUS = 0x06;
export const PCI_BAR0 = 0x10;
export const PCI_ROM = 0x30;
export const PCI_CAP_PTR = 0x34;
export const PCI_INTERRUPT_LINE = 0x3c;
export const PCI_INTERRUPT_PIN = 0x3d;

export const CMD_IO = 0x0001;
export const CMD_MEMORY = 0x0002;
export const CMD_MASTER = 0x0004;
export const CMD_INTX_DISABLE = 0x0400;
const CMD_WRITABLE = 0x0547; // I/O, memory, master, parity response, SERR#, INTx disable
const STATUS_W1C = 0xf900; // parity, signalled/received aborts, SERR, detected parity
const STATUS_CAP_LIST = 0x0010;

export class PciConfigSpace implements PciFunction {
  /** The 256 bytes. The owning device keeps this array in its `state` and re-binds it on restore. */
  bytes: Uint8Array = new Uint8Array(256);
  /** Called after every guest write, with the offset and size written (BAR moves, command). */
  onWrite?: (offset: number, size: Size) => void;

  private readonly wmask = new Uint8Array(256);
  private readonly w1c = new Uint8Array(256);
  private readonly barSize = [0, 0, 0, 0, 0, 0];
  private capEnd = 0x40;
  private lastCap = -1;

  constructor(id: PciIdentity) {
    this.set16(0x00, id.vendor);
    this.set16(0x02, id.device);
    this.set8(0x08, id.revision ?? 0);
    this.set8(0x09, id.classCode & 0xff);
    this.set16(0x0a, id.classCode >>> 8);
    this.set8(0x0e, id.multiFunction ? 0x80 : 0);
    this.set16(0x2c, id.subsystemVendor ?? 0);
    this.set16(0x2e, id.subsystemId ?? 0);
    this.set8(PCI_INTERRUPT_PIN, id.interruptPin ?? 0);
    this.setWritable(PCI_COMMAND, 2, CMD_WRITABLE);
    this.w1c[PCI_STATUS] = STATUS_W1C & 0xff;
    this.w1c[PCI_STATUS + 1] = STATUS_W1C >> 8;
    this.setWritable(0x0c, 2, 0xffff); // cache line size, latency timer
    this.setWritable(PCI_INTERRUPT_LINE, 1, 0xff);
  }

  // ---- device-side setup ----

  set8(offset: number, v: number): void { this.bytes[offset] = v; }

  set16(offset: number, v: number): void {
    this.bytes[offset] = v;
    this.bytes[offset + 1] = v >>> 8;
  }

  set32(offset: number, v: number): void {
    for (let i = 0; i < 4; i++) this.bytes[offset + i] = v >>> (8 * i);
  }

  get32(offset: number): number {
    const b = this.bytes;
    return (b[offset] | (b[offset + 1] << 8) | (b[offset + 2] << 16) | (b[offset + 3] << 24)) >>> 0;
  }

  /** Marks the bits of `mask` in the `size` bytes at `offset` guest-writable (others read-only). */
  setWritable(offset: number, size: number, mask: number): void {
    for (let i = 0; i < size; i++) this.wmask[offset + i] = (mask >>> (8 * i)) & 0xff;
  }

  /** Marks bits as write-1-to-clear (status-style). */
  setWriteOneToClear(offset: number, size: number, mask: number): void {
    for (let i = 0; i < size; i++) this.w1c[offset + i] = (mask >>> (8 * i)) & 0xff;
  }

  /**
   * Declares BAR `index` of `size` bytes (a power of two; at least 4 for I/O, 16 for memory).
   * A 64-bit BAR also takes index + 1 for its high dword.
   */
  defineBar(index: number, size: number, kind: BarKind, prefetchable = false): void {
    const min = kind === 'io' ? 4 : 16;
    if (size < min || (size & (size - 1)) !== 0 || index < 0 || index > (kind === 'mem64' ? 4 : 5)) {
      throw new Error(`PCI BAR ${index}: bad size ${size} for ${kind}`);
    }
    const off = PCI_BAR0 + 4 * index;
    const flags = kind === 'io' ? 0x1 : (kind === 'mem64' ? 0x4 : 0) | (prefetchable ? 0x8 : 0);
    this.set32(off, flags);
    this.setWritable(off, 4, ~(size - 1) >>> 0);
    this.barSize[index] = size;
    if (kind === 'mem64') {
      this.set32(off + 4, 0);
      this.setWritable(off + 4, 4, 0xffffffff);
    }
  }

  /** Declares an expansion ROM of `size` bytes (a power of two, at least 2 KiB). */
  defineRom(size: number): void {
    this.setWritable(PCI_ROM, 4, ((~(size - 1) & 0xfffff800) | 1) >>> 0);
  }

  /** Appends a capability with `length` bytes (id and next pointer included); returns its offset. */
  addCapability(id: number, length: number): number {
    const off = this.capEnd;
    if (off + length > 256) throw new Error('PCI capability list overflows the config space');
    this.set8(off, id);
    this.set8(off + 1, 0);
    if (this.lastCap < 0) this.set8(PCI_CAP_PTR, off);
    else this.set8(this.lastCap + 1, off);
    this.lastCap = off;
    this.capEnd = (off + length + 3) & ~3;
    this.bytes[PCI_STATUS] |= STATUS_CAP_LIST;
    return off;
  }

  // ---- decoded values for the device ----

  get command(): number { return this.bytes[PCI_COMMAND] | (this.bytes[PCI_COMMAND + 1] << 8); }

  /** The address a BAR decodes (flag bits stripped; a 64-bit BAR's high dword must be 0 here). */
  barAddress(index: number): number {
    const v = this.get32(PCI_BAR0 + 4 * index);
    return (v & 1 ? v & ~0x3 : v & ~0xf) >>> 0;
  }

  barSizeOf(index: number): number { return this.barSize[index]; }

  /** Sets the read-only interrupt status bit (status bit 3) from the device's INTx level. */
  setInterruptStatus(asserted: boolean): void {
    if (asserted) this.bytes[PCI_STATUS] |= 0x08;
    else this.bytes[PCI_STATUS] &= ~0x08;
  }

  // ---- guest access ----

  configRead(offset: number, size: Size): number {
    const b = this.bytes;
    if (size === 1) return b[offset];
    if (size === 2) return b[offset] | (b[offset + 1] << 8);
    return this.get32(offset);
  }

  configWrite(offset: number, size: Size, value: number): void {
    const b = this.bytes;
    for (let i = 0; i < size; i++) {
      const o = offset + i;
      const v = (value >>> (8 * i)) & 0xff;
      const m = this.wmask[o];
      b[o] = ((b[o] & ~m) | (v & m)) & ~(v & this.w1c[o]);
    }
    this.onWrite?.(offset, size);
  }
}

/** True for a device that PCI functions can register with. */
export function isPciRoot<T>(d: T): d is T & PciRoot {
  return typeof (d as Partial<PciRoot> | undefined)?.registerFunction === 'function';
}
