// The placement benchmark's guest in Node: a Machine per cell from the image files on disk,
// vCPUs in worker_threads (placement d) or on the main thread (s). The initramfs is unpacked
// here (natively), as the page does, rather than by the guest in the interpreter.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Machine } from '../vmm/machine.ts';
import { loadCoreModule } from '../vmm/core-module-node.ts';
import { nodeThreads } from '../vmm/threads-node.ts';
import { gunzipSync } from 'node:zlib';
import type { GuestFactory } from './placement.ts';

const IMAGES = fileURLToPath(new URL('../../images/', import.meta.url));
export interface NodeGuestOptions { kernel?: string; initrd?: string; ramMiB?: number; append?: string }

export function nodeGuest(g: NodeGuestOptions = {}): GuestFactory {
  const kernelFile = g.kernel ?? IMAGES + 'bzImage';
  const initrdFile = g.initrd ?? IMAGES + 'initramfs-bench.cpio.gz';
  const kernel = new Uint8Array(readFileSync(kernelFile));
  const raw = new Uint8Array(readFileSync(initrdFile));
  const initrd = raw[0] === 0x1f && raw[1] === 0x8b ? new Uint8Array(gunzipSync(raw)) : raw;
  return (cell) => {
    let out: ((t: string) => void) | null = null;
    let early = '';
    const decoder = new TextDecoder('latin1');
    const machine = new Machine(loadCoreModule(), {
      ramMiB: g.ramMiB ?? 256, cpus: cell.cpus, placement: cell.placement, machine: 'pc', noReboot: true,
      boot: { kind: 'linux', kernel, kernelName: kernelFile, initrd, initrdName: initrdFile, append: g.append ?? 'console=ttyS0' },
    }, {
      threads: nodeThreads,
      console: (b) => { const t = decoder.decode(b, { stream: true }); if (out) out(t); else early += t; },
      log: () => {},
    });
    const done = machine.run();
    return {
      onOutput: (cb) => { out = cb; if (early) { cb(early); early = ''; } },
      send: (t) => machine.sendConsole(new TextEncoder().encode(t)),
      done,
      stop: async () => { machine.stop('benchmark done'); await done; },
    };
  };
}
