// The placement benchmark's guest in Node: a Machine per cell from the image files on disk,
// vCPUs in worker_threads (placement d) or on the main thread (s). The loader unpacks the gzip
// initramfs on the host (src/boot/vmlinux.ts), not the guest.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Machine } from '../vmm/machine.ts';
import { loadCoreModule } from '../vmm/core-module-node.ts';
import { nodeThreads } from '../vmm/threads-node.ts';
import { machineGuest } from './machine-guest.ts';
import type { GuestFactory } from './placement.ts';

const IMAGES = fileURLToPath(new URL('../../images/', import.meta.url));
export interface NodeGuestOptions { kernel?: string; initrd?: string; ramMiB?: number; append?: string }

export function nodeGuest(g: NodeGuestOptions = {}): GuestFactory {
  const kernelFile = g.kernel ?? IMAGES + 'bzImage';
  const initrdFile = g.initrd ?? IMAGES + 'initramfs-bench.cpio.gz';
  const kernel = new Uint8Array(readFileSync(kernelFile));
  const initrd = new Uint8Array(readFileSync(initrdFile)); // a gzip initrd is unpacked by the loader
  return (cell) => machineGuest((tap) => new Machine(loadCoreModule(), {
    ramMiB: g.ramMiB ?? 256, cpus: cell.cpus, placement: cell.placement, machine: 'pc', noReboot: true,
    boot: { kind: 'linux', kernel, kernelName: kernelFile, initrd, initrdName: initrdFile, append: g.append ?? 'console=ttyS0' },
  }, { threads: nodeThreads, console: tap, log: () => {} }));
}
