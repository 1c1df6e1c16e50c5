// The motherboard: buses, port/MMIO decoding, IRQ wires, the clock and the log, and the devices
// a config string asks for. The CPU side calls ioRead/ioWrite/mmioRead/mmioWrite/intAck (plain
// bound functions, no allocation per access) and listens on `cpu` for interrupt messages.

import { Bus } from './bus.ts';
import { ManualClock, type MachineClock } from './clock.ts';
import { ConfigArgError, WordArgs, lookupWord, parseConfig, wordError } from './config.ts';
import type { Device, DeviceContext, Log, Size } from './device-api.ts';
import { IoSpace } from './io-space.ts';
import { IrqRouter } from './irq.ts';
import type {
  CpuMessage,
  DebugconMessage,
  EoiMessage,
  FerrMessage,
  IntAckMessage,
  PitMessage,
  SystemMessage,
} from './messages.ts';

/** A log that says each distinct thing once, keeps the last lines, and passes them to a sink. */
export class MachineLog implements Log {
  readonly lines: string[] = [];
  private readonly said = new Set<string>();

  constructor(private readonly sink: (line: string) => void = (l) => console.warn(`[vmm] ${l}`)) {}

  once(key: string, message: string): void {
    if (this.said.has(key)) return;
    this.said.add(key);
    this.info(message);
  }

  info(message: string): void {
    if (this.lines.length >= 1000) this.lines.shift();
    this.lines.push(message);
    this.sink(message);
  }
}

export interface DeviceSnapshot {
  id: string;
  version: number;
  state: unknown;
}

export interface MachineSnapshot {
  format: 'seoulweb-machine';
  version: 1;
  clockNs: number;
  irqWires: boolean[];
  devices: DeviceSnapshot[];
}

export interface MotherboardOptions {
  /** Default: a ManualClock at 0 (tests); a running machine passes a RealClock. */
  clock?: MachineClock;
  log?: Log;
}

export class Motherboard {
  // ───────────── buses ─────────────
  /** Interrupts to vCPUs: the 8259's INTR line, IOAPIC/MSI messages. Listener: the vCPU host. */
  readonly cpu = new Bus<CpuMessage>('cpu');
  /** EOIs of level-triggered vectors from the local APICs to the IOAPICs. */
  readonly eoi = new Bus<EoiMessage>('eoi');
  /** INTA cycles: CPU → master 8259 → the cascaded slave. First answer wins. */
  readonly inta = new Bus<IntAckMessage>('inta', 'first');
  /** PIT gate inputs and OUT queries (port 0x61 ↔ PIT channel 2). First answer wins. */
  readonly pit = new Bus<PitMessage>('pit', 'first');
  /** Machine control to the host: A20, reset requests, debug exit. */
  readonly system = new Bus<SystemMessage>('system');
  /** Debug console bytes (port 0xe9) to the host. */
  readonly debugcon = new Bus<DebugconMessage>('debugcon');
  /** FERR# from the vCPUs to the coprocessor-error logic, which answers IGNNE#. First answer wins. */
  readonly fpu = new Bus<FerrMessage>('fpu', 'first');

  readonly io: IoSpace;
  readonly irqs = new IrqRouter();
  readonly clock: MachineClock;
  readonly log: Log;
  readonly devices: Device[] = [];
  /** The context every device gets; one object, its functions bound to this board. */
  readonly ctx: DeviceContext;

  private readonly intaMsg: IntAckMessage = { kind: 'inta', cascade: -1, vector: 0 };
  private readonly ferrMsg: FerrMessage = { kind: 'ferr', cpu: 0, level: false, ignne: false };

  constructor(opts: MotherboardOptions = {}) {
    this.clock = opts.clock ?? new ManualClock();
    this.log = opts.log ?? new MachineLog();
    this.io = new IoSpace(this.log);
    const io = this.io;
    this.ctx = {
      claimPorts: (base, count, owner, handler) => io.claimPorts(base, count, owner, handler),
      claimMmio: (base, size, owner, handler) => io.claimMmio(base, size, owner, handler),
      irq: (n) => this.irqs.wire(n),
      clock: this.clock,
      log: this.log,
    };
  }

  /** A motherboard with the devices of a config string (see machines.ts for presets). */
  static fromConfig(config: string, opts: MotherboardOptions = {}): Motherboard {
    const mb = new Motherboard(opts);
    mb.addFromConfig(config);
    return mb;
  }

  /** Creates the devices of a config string, in order. */
  addFromConfig(config: string): void {
    for (const word of parseConfig(config)) {
      const w = lookupWord(word.name)!;
      let made: Device | Device[] | void;
      try {
        made = w.create(this.ctx, new WordArgs(w.params, word.args), this);
      } catch (e) {
        if (e instanceof ConfigArgError) throw wordError(word.text, w, e.message);
        throw new Error(`machine config: "${word.text}": ${(e as Error).message}`, { cause: e });
      }
      if (Array.isArray(made)) made.forEach((d) => this.add(d));
      else if (made) this.add(made);
    }
  }

  add<D extends Device>(d: D): D {
    if (this.devices.some((o) => o.id === d.id)) throw new Error(`two devices with id ${d.id}`);
    this.devices.push(d);
    return d;
  }

  device<D extends Device>(id: string): D | undefined {
    return this.devices.find((d) => d.id === id) as D | undefined;
  }

  // ───────────── the CPU side (hot paths) ─────────────

  readonly ioRead = (port: number, size: Size): number => this.io.ioRead(port, size);
  readonly ioWrite = (port: number, size: Size, value: number): void => this.io.ioWrite(port, size, value);
  readonly mmioRead = (addr: number, size: Size): number => this.io.mmioRead(addr, size);
  readonly mmioWrite = (addr: number, size: Size, value: number): void => this.io.mmioWrite(addr, size, value);

  /** The INTA cycle of an ExtINT interrupt: the 8259 pair's vector (spurious 7/15 included). */
  readonly intAck = (): number => {
    const m = this.intaMsg;
    m.cascade = -1;
    m.vector = 0;
    if (this.inta.send(m)) return m.vector;
    this.log.once('inta-no-pic', 'INTA cycle with no 8259 on the board: vector 0xff');
    return 0xff;
  };

  /**
   * A vCPU's FERR# (level 1 asserted, 0 released); returns IGNNE# as 0/1. Without the
   * coprocessor-error logic on the board FERR# goes nowhere and IGNNE# stays low.
   */
  readonly fpuError = (cpu: number, level: number): number => {
    const m = this.ferrMsg;
    m.cpu = cpu;
    m.level = level !== 0;
    m.ignne = false;
    if (this.fpu.send(m)) return m.ignne ? 1 : 0;
    if (level) this.log.once('ferr-nowhere', 'FERR# asserted (CR0.NE = 0) but no coprocessor-error logic on the board');
    return 0;
  };

  // ───────────── machine state ─────────────

  reset(): void {
    for (const d of this.devices) d.reset();
  }

  snapshot(): MachineSnapshot {
    return {
      format: 'seoulweb-machine',
      version: 1,
      clockNs: this.clock.now(),
      irqWires: this.irqs.wireLevels(),
      devices: this.devices.map((d) => ({ id: d.id, version: d.version, state: structuredClone(d.state) })),
    };
  }

  /** Replaces every device's state; checks the whole snapshot first so a mismatch changes nothing. */
  restore(snap: MachineSnapshot): void {
    if (snap?.format !== 'seoulweb-machine' || snap.version !== 1) {
      throw new Error('restore: not a seoulweb machine snapshot (format/version)');
    }
    const ds = snap.devices;
    if (ds.length !== this.devices.length) {
      throw new Error(`restore: snapshot has ${ds.length} devices, this machine ${this.devices.length}`);
    }
    this.devices.forEach((d, i) => {
      const s = ds[i];
      if (s.id !== d.id) throw new Error(`restore: device ${i} is ${d.id} here but ${s.id} in the snapshot`);
      if (s.version !== d.version) {
        throw new Error(`restore: ${d.id} has state version ${d.version}, the snapshot ${s.version}`);
      }
    });
    if (snap.irqWires.length !== this.irqs.wireCount) {
      throw new Error(`restore: snapshot has ${snap.irqWires.length} IRQ wires, this machine ${this.irqs.wireCount}`);
    }
    this.clock.setNow(snap.clockNs);
    this.irqs.restoreWireLevels(snap.irqWires);
    this.devices.forEach((d, i) => {
      d.state = structuredClone(ds[i].state);
    });
    for (const d of this.devices) d.afterRestore();
  }
}
