// Port I/O and MMIO address decoding: claimed tables, not broadcast.
// Ports: a 64K handler array indexed by port. MMIO: ranges sorted by base, binary search,
// with a one-entry cache for the range hit last. Claims that overlap throw at setup and name
// both owners; guest accesses never throw.

import type { Log, MmioHandler, PortHandler, Size } from './device-api.ts';

const PORTS = 0x10000;
const ALL_ONES = [0, 0xff, 0xffff, 0, 0xffffffff] as const;

/** All-ones for an access size, as an unclaimed bus floats. */
export function allOnes(size: Size): number {
  return ALL_ONES[size];
}

/** value truncated to an access size, as an unsigned number. */
export function maskTo(value: number, size: Size): number {
  return size === 4 ? value >>> 0 : value & ALL_ONES[size];
}

export function hex(n: number, digits = 0): string {
  return '0x' + n.toString(16).padStart(digits, '0');
}

interface MmioRange {
  base: number;
  end: number; // exclusive
  owner: string;
  handler: MmioHandler;
}

export class IoSpace {
  private readonly portHandler: (PortHandler | undefined)[] = new Array(PORTS).fill(undefined);
  private readonly portOwner: (string | undefined)[] = new Array(PORTS).fill(undefined);
  /** Per port: 1 = unclaimed access logged, 2 = handler fault logged. */
  private readonly portLogged = new Uint8Array(PORTS);
  private readonly ranges: MmioRange[] = [];
  private lastRange: MmioRange | undefined;
  private readonly mmioLoggedPages = new Set<number>();
  private readonly mmioFaultLogged = new Set<MmioRange>();

  constructor(private readonly log: Log) {}

  // ───────────── setup ─────────────

  claimPorts(base: number, count: number, owner: string, handler: PortHandler): void {
    if (!Number.isInteger(base) || !Number.isInteger(count) || count < 1 || base < 0 || base + count > PORTS) {
      throw new Error(`${owner}: bad port range ${hex(base)}+${count}`);
    }
    for (let p = base; p < base + count; p++) {
      const other = this.portOwner[p];
      if (other !== undefined) {
        throw new Error(
          `port ${hex(p, 4)} claimed twice: ${owner} wants ${hex(base, 4)}-${hex(base + count - 1, 4)}, ` +
            `already owned by ${other}`,
        );
      }
    }
    for (let p = base; p < base + count; p++) {
      this.portHandler[p] = handler;
      this.portOwner[p] = owner;
    }
  }

  claimMmio(base: number, size: number, owner: string, handler: MmioHandler): void {
    const end = base + size;
    if (!Number.isInteger(base) || !Number.isInteger(size) || size < 1 || base < 0 || end > 2 ** 32) {
      throw new Error(`${owner}: bad MMIO range ${hex(base)}+${hex(size)}`);
    }
    for (const r of this.ranges) {
      if (base < r.end && r.base < end) {
        throw new Error(
          `MMIO overlap: ${owner} wants ${hex(base, 8)}-${hex(end - 1, 8)}, ` +
            `${r.owner} owns ${hex(r.base, 8)}-${hex(r.end - 1, 8)}`,
        );
      }
    }
    this.ranges.push({ base, end, owner, handler });
    this.ranges.sort((a, b) => a.base - b.base);
  }

  ownerOfPort(port: number): string | undefined {
    return this.portOwner[port & 0xffff];
  }

  ownerOfMmio(addr: number): string | undefined {
    return this.findRange(addr >>> 0)?.owner;
  }

  /** The claimed MMIO ranges, sorted (for firmware tables and debugging). */
  mmioRanges(): { base: number; size: number; owner: string }[] {
    return this.ranges.map((r) => ({ base: r.base, size: r.end - r.base, owner: r.owner }));
  }

  // ───────────── guest accesses (hot; no allocation) ─────────────

  ioRead(port: number, size: Size): number {
    port &= 0xffff;
    const h = this.portHandler[port];
    if (h === undefined) {
      this.unclaimedPort(port, 'read');
      return ALL_ONES[size];
    }
    try {
      return maskTo(h.read(port, size), size);
    } catch (e) {
      this.portFault(port, e);
      return ALL_ONES[size];
    }
  }

  ioWrite(port: number, size: Size, value: number): void {
    port &= 0xffff;
    const h = this.portHandler[port];
    if (h === undefined) {
      this.unclaimedPort(port, 'write');
      return;
    }
    try {
      h.write(port, size, maskTo(value, size));
    } catch (e) {
      this.portFault(port, e);
    }
  }

  mmioRead(addr: number, size: Size): number {
    addr >>>= 0;
    const r = this.findRange(addr);
    if (r === undefined) {
      this.unclaimedMmio(addr, 'read');
      return ALL_ONES[size];
    }
    try {
      return maskTo(r.handler.read(addr - r.base, size), size);
    } catch (e) {
      this.mmioFault(r, addr, e);
      return ALL_ONES[size];
    }
  }

  mmioWrite(addr: number, size: Size, value: number): void {
    addr >>>= 0;
    const r = this.findRange(addr);
    if (r === undefined) {
      this.unclaimedMmio(addr, 'write');
      return;
    }
    try {
      r.handler.write(addr - r.base, size, maskTo(value, size));
    } catch (e) {
      this.mmioFault(r, addr, e);
    }
  }

  // ───────────── internals ─────────────

  private findRange(addr: number): MmioRange | undefined {
    const last = this.lastRange;
    if (last !== undefined && addr >= last.base && addr < last.end) return last;
    const rs = this.ranges;
    let lo = 0;
    let hi = rs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = rs[mid];
      if (addr < r.base) hi = mid - 1;
      else if (addr >= r.end) lo = mid + 1;
      else {
        this.lastRange = r;
        return r;
      }
    }
    return undefined;
  }

  private unclaimedPort(port: number, what: string): void {
    if (this.portLogged[port] & 1) return;
    this.portLogged[port] |= 1;
    this.log.once(`io-unclaimed-${port}`, `unclaimed port ${hex(port, 4)} (${what}): all-ones / ignored`);
  }

  private portFault(port: number, e: unknown): void {
    if (this.portLogged[port] & 2) return;
    this.portLogged[port] |= 2;
    this.log.once(`io-fault-${port}`, `${this.portOwner[port]}: port ${hex(port, 4)} handler threw: ${String(e)}`);
  }

  private unclaimedMmio(addr: number, what: string): void {
    const page = Math.floor(addr / 4096);
    if (this.mmioLoggedPages.has(page)) return;
    this.mmioLoggedPages.add(page);
    this.log.once(`mmio-unclaimed-${page}`, `unclaimed MMIO ${hex(addr, 8)} (${what}): all-ones / ignored`);
  }

  private mmioFault(r: MmioRange, addr: number, e: unknown): void {
    if (this.mmioFaultLogged.has(r)) return;
    this.mmioFaultLogged.add(r);
    this.log.once(`mmio-fault-${r.owner}`, `${r.owner}: MMIO ${hex(addr, 8)} handler threw: ${String(e)}`);
  }
}
