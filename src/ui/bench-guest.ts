// The placement benchmark's guest in the page: a fresh Machine per cell from the built-in kernel
// and the benchmark initramfs (images/initramfs-bench.cpio.gz: tcc, libc, Lua's sources), both
// bundled by Vite and cached in IndexedDB after the first download; vCPUs in Web Workers.
// Node's counterpart is src/bench/node-guest.ts.
import benchInitrdUrl from '../../images/initramfs-bench.cpio.gz?url';
import { Machine } from '../vmm/machine.ts';
import type { BootSpec } from '../vmm/boot-setup.ts';
import type { GuestFactory } from '../bench/placement.ts';
import { machineGuest } from '../bench/machine-guest.ts';
import { BUILTIN, loadBuiltin, unpackInitramfs } from './images.ts';
import { webThreads } from './threads-web.ts';

export const BENCH_INITRD = { url: benchInitrdUrl, name: 'images/initramfs-bench.cpio.gz' } as const;
/** The same command line as the CLI's benchmark guest (no earlyprintk: rows must compare). */
export const BENCH_APPEND = 'console=ttyS0';

export type Progress = (label: string, loaded: number, total: number) => void;

/** Kernel and benchmark initramfs, loaded once per page (the initramfs unpacked natively). */
export async function loadBenchImages(progress: Progress): Promise<BootSpec> {
  const [k, i] = await Promise.all([
    loadBuiltin(BUILTIN.kernel.url, BUILTIN.kernel.name, (l, t) => progress('kernel', l, t)),
    loadBuiltin(BENCH_INITRD.url, BENCH_INITRD.name, (l, t) => progress('benchmark initramfs', l, t)),
  ]);
  return {
    kind: 'linux', kernel: k.bytes, kernelName: BUILTIN.kernel.name,
    initrd: await unpackInitramfs(i.bytes, BENCH_INITRD.name), initrdName: BENCH_INITRD.name, append: BENCH_APPEND,
  };
}

export interface WebGuestOptions {
  module: WebAssembly.Module;
  boot: BootSpec;
  ramMiB?: number;
  /** Every byte of the guest's console, e.g. for the page's terminal. */
  console?(bytes: Uint8Array): void;
  log?(line: string): void;
}

export function webGuest(o: WebGuestOptions): GuestFactory {
  return (cell) => machineGuest((tap) => new Machine(o.module, {
    ramMiB: o.ramMiB ?? 256, cpus: cell.cpus, placement: cell.placement, machine: 'pc', noReboot: true, boot: o.boot,
  }, {
    threads: webThreads,
    console: (b) => { o.console?.(b); tap(b); },
    log: o.log,
  }));
}
