// Boot-to-prompt seconds in Node: the default Linux (images/bzImage + initramfs.cpio.gz, handed
// to the guest as the CLI does, compressed, with the CLI's command line) from Machine.run() to
// the shell prompt after SEOULWEB-READY, per vCPU count and placement.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Machine } from '../vmm/machine.ts';
import { loadCoreModule } from '../vmm/core-module-node.ts';
import { nodeThreads } from '../vmm/threads-node.ts';
import type { Placement } from './placement.ts';

const IMAGES = fileURLToPath(new URL('../../images/', import.meta.url));
/** The CLI's default (src/cli/main.ts DEFAULT_APPEND): the same boot as `npx seoulweb`. */
const APPEND = 'console=ttyS0 earlyprintk=serial,ttyS0,115200';
const READY = /SEOULWEB-READY[\s\S]*~ # /;

export interface BootResult { cpus: number; placement: Placement; seconds?: number; firstOutput?: number; error?: string }

export async function bootToPrompt(cpus: number, placement: Placement, timeoutMs = 600_000): Promise<BootResult> {
  const kernel = new Uint8Array(readFileSync(IMAGES + 'bzImage'));
  const initrd = new Uint8Array(readFileSync(IMAGES + 'initramfs.cpio.gz'));
  let text = '';
  let t0 = 0;
  let first: number | undefined;
  let prompt: number | undefined;
  const decoder = new TextDecoder('latin1');
  let m: Machine;
  const reached = new Promise<void>((ok) => {
    m = new Machine(loadCoreModule(), {
      ramMiB: 256, cpus, placement, machine: 'pc', noReboot: true,
      boot: { kind: 'linux', kernel, kernelName: 'images/bzImage', initrd, initrdName: 'images/initramfs.cpio.gz', append: APPEND },
    }, {
      threads: nodeThreads,
      console: (b) => {
        first ??= performance.now();
        if (prompt !== undefined) return;
        text = (text + decoder.decode(b, { stream: true })).slice(-4096);
        if (READY.test(text)) { prompt = performance.now(); ok(); }
      },
      log: () => {},
    });
  });
  t0 = performance.now();
  const done = m!.run();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const outcome = await Promise.race([
    reached.then(() => 'prompt'),
    done.then((st) => `machine stopped before the prompt (${st.reason})`),
    new Promise<string>((ok) => { timer = setTimeout(() => ok(`no prompt within ${timeoutMs / 1000} s`), timeoutMs); }),
  ]);
  clearTimeout(timer);
  m!.stop('boot measured');
  await done;
  const r: BootResult = { cpus, placement, firstOutput: first === undefined ? undefined : (first - t0) / 1000 };
  if (outcome === 'prompt') r.seconds = (prompt! - t0) / 1000;
  else r.error = outcome;
  return r;
}
