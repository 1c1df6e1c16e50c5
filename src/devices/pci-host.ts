// pci-host.ts — PCI host bridge with configuration mechanism #1 (Intel 440FX-like, 8086:1237).
//
// Status:    complete for Linux's pci_check_type1/pci_sanity_check and bus enumeration.
// Implements: CONFIG_ADDRESS at iobase (dword accesses only: enable bit 31, bus, device, function,
//            register; bits 30:24 and 1:0 read 0) and CONFIG_DATA at iobase+4..+7 with byte, word
//            and dword accesses at their offsets; all-ones for absent functions, for a clear
//            enable bit and for accesses that would cross the data dword; the host bridge itself
//            at 00:00.0 (8086:1237 rev 02, class 060000, header type 0); registerFunction() for
//            other device models; the PIIX reset control register at iobase+1 (byte access:
//            writing bit 2 with bit 1 set or clear asks for a reset).
// Missing:   440FX chipset registers (PAM, SMRAM, DRAM rows: they read 0, writes are dropped);
//            PCI-to-PCI bridges (functions on other buses must register directly).
// Ignored:   byte/word accesses to CONFIG_ADDRESS other than the reset control register read
//            all-ones (they are plain I/O cycles on real chipsets).
// Reference: PCI Local Bus Specification 3.0, §3.2.2.3.2 (configuration mechanism #1); Intel
//            82441FX PMC datasheet (host bridge IDs); Intel 82371SB PIIX3 datasheet (port 0xCF9).
// Config:    pcihost:iobase — e.g. `pcihost:0xcf8`.
import { registerDevice } from '../vmm/config.ts';
import type { Device, DeviceContext, PortHandler, Size } from '../vmm/device-api.ts';
import type { ResetMessage } from '../vmm/messages.ts';
import { PciConfigSpace, type PciFunction, type PciRoot } from './pci/config-space.ts';

const ENABLE = 0x80000000;
const ADDRESS_MASK = 0x80fffffc;
const ALL_ONES = [0, 0xff, 0xffff, 0, 0xffffffff];

export interface PciHostState {
  address: number;
  /** PIIX reset control register (port iobase + 1). */
  resetControl: number;
  /** The host bridge's configuration space. */
  hostBridge: Uint8Array;
}

export interface PciHostOptions {
  iobase: number;
  /** The guest asked for a reset through the reset control register. */
  onReset?: () => void;
}

export class PciHost implements Device<PciHostState>, PciRoot {
  readonly id: string;
  readonly version = 1;
  state: PciHostState;

  private readonly ctx: DeviceContext;
  private readonly iobase: number;
  private readonly onReset?: () => void;
  private readonly functions = new Map<number, PciFunction>();
  private readonly bridge: PciConfigSpace;
  private readonly bridgeAtReset: Uint8Array;

  constructor(ctx: DeviceContext, opts: PciHostOptions) {
    this.ctx = ctx;
    this.iobase = opts.iobase;
    this.onReset = opts.onReset;
    this.id = `pcihost@0x${opts.iobase.toString(16)}`;
    this.bridge = new PciConfigSpace({ vendor: 0x8086, device: 0x1237, classCode: 0x060000, revision: 0x02 });
    this.bridge.set16(0x04, 0x0006); // memory space, bus master
    this.bridge.set16(0x06, 0x0280); // fast back-to-back capable, medium DEVSEL
    this.bridgeAtReset = this.bridge.bytes.slice();
    this.state = { address: 0, resetControl: 0, hostBridge: this.bridge.bytes };
    this.registerFunction(0, 0, 0, this.bridge);
    const handler: PortHandler = {
      read: (port: number, size: Size) => this.portRead(port - this.iobase, size),
      write: (port: number, size: Size, value: number) => this.portWrite(port - this.iobase, size, value),
    };
    ctx.claimPorts(opts.iobase, 8, this.id, handler);
  }

  reset(): void {
    this.state.address = 0;
    this.state.resetControl = 0;
    this.state.hostBridge.set(this.bridgeAtReset);
  }

  afterRestore(): void {
    this.bridge.bytes = this.state.hostBridge;
  }

  /** Puts a function at bus:dev.fn. Two functions at one address is a configuration error. */
  registerFunction(bus: number, dev: number, fn: number, f: PciFunction): void {
    if (bus < 0 || bus > 255 || dev < 0 || dev > 31 || fn < 0 || fn > 7) {
      throw new Error(`PCI address ${bus}:${dev}.${fn} out of range`);
    }
    const key = (bus << 8) | (dev << 3) | fn;
    if (this.functions.has(key)) throw new Error(`PCI function ${bus}:${dev}.${fn} registered twice`);
    this.functions.set(key, f);
  }

  // ---- ports ----

  private portRead(off: number, size: Size): number {
    if (off >= 4) return this.dataRead(off - 4, size);
    if (off === 0 && size === 4) return this.state.address;
    if (off === 1 && size === 1) return this.state.resetControl;
    return ALL_ONES[size];
  }

  private portWrite(off: number, size: Size, value: number): void {
    if (off >= 4) { this.dataWrite(off - 4, size, value); return; }
    if (off === 0 && size === 4) { this.state.address = (value & ADDRESS_MASK) >>> 0; return; }
    if (off === 1 && size === 1) { this.writeResetControl(value & 0xff); return; }
    this.ctx.log.once(`${this.id}:addr${off}.${size}`, `${this.id}: ${size}-byte write to port +${off} ignored`);
  }

  private writeResetControl(v: number): void {
    const old = this.state.resetControl;
    this.state.resetControl = v & 0x0a; // bit 1 (hard reset) and bit 3 (full reset) are kept
    if ((v & 0x04) && !(old & 0x04)) this.onReset?.();
  }

  /** The function the address register selects, or undefined (disabled, absent). */
  private selected(): PciFunction | undefined {
    const a = this.state.address;
    if (!(a & ENABLE)) return undefined;
    return this.functions.get((a >>> 8) & 0xffff);
  }

  private dataRead(byte: number, size: Size): number {
    const f = this.selected();
    if (f === undefined) return ALL_ONES[size];
    if (byte + size > 4) return this.straddle(size);
    return f.configRead((this.state.address & 0xfc) + byte, size);
  }

  private dataWrite(byte: number, size: Size, value: number): void {
    const f = this.selected();
    if (f === undefined) return;
    if (byte + size > 4) { this.straddle(size); return; }
    const mask = ALL_ONES[size];
    f.configWrite((this.state.address & 0xfc) + byte, size, (value & mask) >>> 0);
  }

  private straddle(size: Size): number {
    this.ctx.log.once(`${this.id}:straddle`, `${this.id}: config data access crossing the dword ignored`);
    return ALL_ONES[size];
  }
}

registerDevice({
  word: 'pcihost',
  params: ['iobase'],
  help: 'PCI host bridge 8086:1237 at 00:00.0 with configuration mechanism #1 at iobase..iobase+7\n'
    + '(default 0xcf8) and the PIIX reset control register at iobase+1.',
  create(ctx, args, mb) {
    const reset: ResetMessage = { kind: 'reset', reason: 'PCI reset control register' };
    return new PciHost(ctx, { iobase: args.num(0, 0xcf8, 0xfff8), onReset: () => { mb.system.send(reset); } });
  },
});
