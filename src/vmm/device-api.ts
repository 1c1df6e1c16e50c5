// The contract between the VMM core (src/vmm/) and the device models (src/devices/).
// Devices import only this file and src/shared/; they never import each other, the UI or the DOM.
// They talk through what the motherboard hands them: port/MMIO claims, IRQ wires, the clock, buses.

/** Access size in bytes. */
export type Size = 1 | 2 | 4;

/** A port-I/O handler. `port` is the absolute port; read returns the value in the low `size` bytes. */
export interface PortHandler {
  read(port: number, size: Size): number;
  write(port: number, size: Size, value: number): void;
}

/** An MMIO handler; `offset` is relative to the claimed range's base. */
export interface MmioHandler {
  read(offset: number, size: Size): number;
  write(offset: number, size: Size, value: number): void;
}

/** An interrupt line. Edge devices call pulse() (or raise()+lower()), level devices raise()/lower(). */
export interface IrqWire {
  raise(): void;
  lower(): void;
  pulse(): void;
  readonly level: boolean;
}

/** Time source. All devices derive counters from now() on read and arm only their next edge. */
export interface Clock {
  /** Current time in nanoseconds (a float; monotonic). */
  now(): number;
  /** Call fn at time `atNs` (absolute). Returns a handle for cancel(). */
  at(atNs: number, fn: () => void): number;
  cancel(handle: number): void;
}

/** A log that says each distinct thing once. */
export interface Log {
  once(key: string, message: string): void;
  info(message: string): void;
}

/** What the motherboard gives every device when it is created. */
export interface DeviceContext {
  claimPorts(base: number, count: number, owner: string, handler: PortHandler): void;
  claimMmio(base: number, size: number, owner: string, handler: MmioHandler): void;
  /** ISA IRQ line n (0..15, fans out to PIC and IOAPIC pin), or IOAPIC/PCI pin n >= 16. */
  irq(n: number): IrqWire;
  clock: Clock;
  log: Log;
}

/** Every device model implements this. `state` is one plain, structured-clonable object. */
export interface Device<S = unknown> {
  readonly id: string; // instance id, e.g. "uart16550@0x3f8"
  readonly version: number; // bump when the state shape changes
  state: S;
  reset(): void;
  /** Re-arm timers and recompute derived values after `state` was replaced by a snapshot. */
  afterRestore(): void;
}
