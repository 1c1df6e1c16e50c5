// Small guests for the vCPU-worker tests: a multiboot kernel of our own (32-bit flat protected
// mode at entry, loaded at 1 MiB) and a Machine that runs it with worker threads.
import { Machine } from '../../../src/vmm/machine.ts';
import { loadCoreModule } from '../../../src/vmm/core-module-node.ts';
import { nodeThreads } from '../../../src/vmm/threads-node.ts';
import type { ThreadFactory } from '../../../src/vmm/vcpu-control.ts';
import { assemble } from '../../wasm/nasm.ts';

/** A multiboot (a.out kludge) kernel whose entry runs `body`, 32-bit, at 1 MiB. */
export function multiboot(body: string): Uint8Array {
  return assemble(`
    hdr: dd 0x1BADB002
         dd 0x00010003
         dd -(0x1BADB002 + 0x00010003)
         dd hdr, hdr, end, end, entry
    entry:
      mov esp, 0x90000
      ${body}
    end:`, 32, 0x100000);
}

export interface GuestRun {
  cpus?: number;
  placement?: 's' | 'd';
  threads?: ThreadFactory;
  /** A guest reset reboots (default: it ends the run). */
  reboot?: boolean;
}

/** A machine (pc + debug-exit at 0xf4) booting `kernel`; not started. */
export function guestMachine(kernel: Uint8Array, o: GuestRun = {}): Machine {
  return new Machine(loadCoreModule(), {
    ramMiB: 16, cpus: o.cpus ?? 1, placement: o.placement ?? 'd', machine: 'pc', extraDevices: 'debugexit:0xf4', noReboot: !o.reboot,
    boot: { kind: 'multiboot', kernel, kernelName: 'test-kernel', modules: [] },
  }, { threads: o.threads ?? nodeThreads });
}

/** Resolves when `cond` holds (polled every 10 ms); rejects after `ms`. */
export async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A promise's value, or a rejection naming `what` after `ms`. */
export function within<T>(what: string, p: Promise<T>, ms = 20_000): Promise<T> {
  let t: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => { t = setTimeout(() => reject(new Error(`${what}: not within ${ms / 1000} s`)), ms); });
  return Promise.race([p, timeout]).finally(() => clearTimeout(t));
}
