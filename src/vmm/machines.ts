// Named machine presets. A machine spec is a config string in which a word that names a preset
// stands for that preset's words: "pc" or "pc debugcon:0xe9 debugexit:0xf4".
// Importing this file imports every device file, so every config word is registered.

import { Motherboard, type MotherboardOptions } from './motherboard.ts';
import '../devices/pic8259.ts';
import '../devices/pit8254.ts';
import '../devices/sysctrl.ts';
import '../devices/debugport.ts';
import '../devices/rtc146818.ts';
import '../devices/uart16550.ts';
import '../devices/i8042.ts';
import '../devices/ioapic.ts';
import '../devices/pci-host.ts';
import '../devices/fpu-error.ts';

export interface MachinePreset {
  name: string;
  help: string;
  config: string;
}

const PC_CORE = 'pic:0x20,,0x4d0 pic:0xa0,2,0x4d1 pit:0x40,0 sysctrl post:0x80';

export const MACHINES: readonly MachinePreset[] = [
  {
    name: 'pc',
    help: 'The default PC: 8259 pair, 8254, port 0x61/0x92, RTC, COM1, 8042, IOAPIC, PCI host, POST port, x87 error logic (0xf0, IRQ 13).',
    config: 'pic:0x20,,0x4d0 pic:0xa0,2,0x4d1 pit:0x40,0 sysctrl rtc:0x70,8 uart:0x3f8,4 kbc:0x60,1,12 ioapic pcihost:0xcf8 post:0x80 ferr:0xf0,13',
  },
  {
    name: 'pc-debug',
    help: 'pc plus the test ports: debug console 0xe9 and isa-debug-exit 0xf4.',
    config: 'pc debugcon:0xe9 debugexit:0xf4',
  },
  {
    name: 'pc-core',
    help: 'Only the core chipset timers and interrupt controllers (no UART, RTC, 8042, IOAPIC, PCI).',
    config: PC_CORE,
  },
];

export function findMachine(name: string): MachinePreset | undefined {
  return MACHINES.find((m) => m.name === name);
}

/** Expands preset names in a machine spec into config words. */
export function resolveMachine(spec: string, depth = 0): string {
  if (depth > 8) throw new Error(`machine presets nest too deep in "${spec}"`);
  return spec
    .split(/\s+/)
    .filter((w) => w !== '')
    .map((w) => {
      const m = findMachine(w);
      return m ? resolveMachine(m.config, depth + 1) : w;
    })
    .join(' ');
}

export function machinesHelp(): string {
  return ['Machines (?machine= or --machine):', ...MACHINES.map((m) => `  ${m.name.padEnd(10)} ${m.help}`)].join('\n');
}

/** A motherboard for a machine spec (preset names and/or config words). */
export function createMachine(spec: string, opts: MotherboardOptions = {}): Motherboard {
  return Motherboard.fromConfig(resolveMachine(spec), opts);
}
