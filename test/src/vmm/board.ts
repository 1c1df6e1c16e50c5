// A real motherboard for device tests: manual clock, a quiet log that keeps its lines, and
// recorders for the CPU interrupt messages and the IOAPIC-side pin levels.

import { ManualClock } from '../../../src/vmm/clock.ts';
import { MachineLog, Motherboard } from '../../../src/vmm/motherboard.ts';
import '../../../src/vmm/machines.ts';

export interface PinEvent {
  pin: number;
  level: boolean;
  ns: number;
}

export function board(config: string) {
  const clock = new ManualClock();
  const log = new MachineLog(() => {});
  const mb = Motherboard.fromConfig(config, { clock, log });
  let intr = false;
  mb.cpu.listen((m) => {
    if (m.kind === 'intr') intr = m.level;
  });
  const pins: PinEvent[] = [];
  mb.irqs.attachIoapic({ setLevel: (pin, level) => pins.push({ pin, level, ns: clock.now() }) });
  return {
    mb,
    clock,
    log,
    /** IOAPIC-side pin transitions, in order. */
    pins,
    intr: () => intr,
    outb: (port: number, v: number) => mb.ioWrite(port, 1, v),
    inb: (port: number) => mb.ioRead(port, 1),
  };
}
