// Turning a boot description (Linux, multiboot, ROM) into guest memory contents, firmware tables
// and the boot vCPU's initial state.
import { byteArrayMemory, BootError, type BootState, type SegmentState } from '../boot/boot-state.ts';
import { FirmwareBuilder, describePcInterrupts } from '../boot/firmware.ts';
import { loadLinux } from '../boot/linux.ts';
import { loadMultiboot } from '../boot/multiboot.ts';
import { loadRom } from '../boot/rom.ts';
import { ioapicPinForIsa } from './irq.ts';
import { RAM_BASE, ROM_BASE, ROM_SIZE, SHARED, VCPU } from '../shared/layout.ts';
import type { Motherboard } from './motherboard.ts';
import type { VcpuBlock } from './vcpu-host.ts';

export type BootSpec =
  | { kind: 'linux'; kernel: Uint8Array; kernelName?: string; initrd?: Uint8Array; initrdName?: string; append?: string }
  | { kind: 'multiboot'; kernel: Uint8Array; kernelName?: string; modules?: { data: Uint8Array; cmdline?: string }[]; append?: string }
  | { kind: 'rom'; rom: Uint8Array; romName?: string };

export interface BootSetupInput {
  memory: WebAssembly.Memory;
  ramBytes: number;
  cpus: number;
  cpuidFeatures: number;
  mb: Motherboard;
  spec: BootSpec;
}

const SEGS = ['es', 'cs', 'ss', 'ds', 'fs', 'gs'] as const;

/** Lay out guest memory for `spec` and return the boot vCPU's state. */
export function setupBoot(inp: BootSetupInput): BootState {
  const { memory, ramBytes, spec } = inp;
  const ram = new Uint8Array(memory.buffer, RAM_BASE, ramBytes);
  ram.fill(0);
  const dv = new DataView(memory.buffer);
  dv.setUint32(SHARED.rom_size, 0, true);
  if (spec.kind === 'rom') {
    const rom = loadRom(spec.rom, { name: spec.romName });
    if (rom.size > ROM_SIZE) throw new BootError(`${spec.romName ?? 'rom'}: ${rom.size} bytes is more than ${ROM_SIZE}`);
    new Uint8Array(memory.buffer, ROM_BASE, rom.size).set(rom.bytes);
    dv.setUint32(SHARED.rom_size, rom.size, true);
    dv.setUint32(SHARED.rom_low_start, rom.lowStart, true);
    return rom.state;
  }
  const gm = byteArrayMemory(ram);
  const fw = new FirmwareBuilder(ramBytes);
  for (let i = 0; i < inp.cpus; i++) fw.cpu({ apicId: i, features: inp.cpuidFeatures, bsp: i === 0 });
  const ioapic = inp.mb.devices.find((d) => d.id.startsWith('ioapic')) as unknown as { apicId: number } | undefined;
  if (ioapic) {
    fw.ioapic({ id: ioapic.apicId, address: 0xfec00000, version: 0x11, pins: 24 });
    describePcInterrupts(fw, ioapicPinForIsa);
  }
  if (inp.mb.devices.some((d) => d.id.startsWith('pcihost'))) fw.pciBus(0);
  const tables = fw.emit(gm);
  if (spec.kind === 'linux') {
    return loadLinux(gm, spec.kernel, {
      e820: tables.e820, cmdline: spec.append ?? '', initrd: spec.initrd, acpiRsdp: tables.acpi?.rsdp,
      names: { kernel: spec.kernelName, initrd: spec.initrdName },
    }).state;
  }
  return loadMultiboot(gm, spec.kernel, { e820: tables.e820, cmdline: spec.append, modules: spec.modules, name: spec.kernelName }).state;
}

/** Put a vCPU into a loader's initial state (the core's refresh() must follow). */
export function applyBootState(block: VcpuBlock, st: BootState): void {
  if (st.mode === 'real') return; // the power-on state the core's reset() set
  const setSeg = (i: number, s: SegmentState) => {
    block.setU32(VCPU.seg_sel + i * 4, s.selector);
    block.setU32(VCPU.seg_base + i * 4, s.base);
    block.setU32(VCPU.seg_limit + i * 4, s.limit);
    block.setU32(VCPU.seg_attr + i * 4, s.attr);
  };
  SEGS.forEach((name, i) => setSeg(i, st.segments[name]));
  block.setU32(VCPU.cr0, 0x11);
  block.setU32(VCPU.cpl, 0);
  block.setU32(VCPU.eflags, 2);
  block.setU32(VCPU.eip, st.eip);
  const regs = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'] as const;
  regs.forEach((r, i) => {
    const v = r === 'esp' ? st.esp : (st.regs as Record<string, number | undefined>)[r];
    block.setU32(VCPU.gpr + i * 4, v ?? 0);
  });
  if (st.gdt) { block.setU32(VCPU.gdt_base, st.gdt.base); block.setU32(VCPU.gdt_limit, st.gdt.limit); }
  block.setU32(VCPU.idt_base, 0);
  block.setU32(VCPU.idt_limit, 0);
}
