// From an image choice to a BootSpec: fetch (with progress and caching) or read the user's
// stored files, unpack compressed kernels. Every failure names the file.
import type { BootSpec } from '../vmm/boot-setup.ts';
import { BUILTIN, ImageLoadError, fetchBytes, loadBuiltin, unpackInitramfs, unpackKernel } from './images.ts';
import { userImage } from './storage.ts';
import type { ImageChoice } from './settings.ts';

export type ProgressReport = (label: string, loaded: number, total: number) => void;

/** Files added in this tab; used when IndexedDB could not store them. */
export const sessionFiles = new Map<string, Uint8Array>();

/** Sums the progress of parallel downloads into one bar. */
function combined(label: string, report: ProgressReport, n: number): ((i: number) => (loaded: number, total: number) => void) {
  const loaded = new Array<number>(n).fill(0);
  const total = new Array<number>(n).fill(0);
  return (i) => (l, t) => {
    loaded[i] = l;
    total[i] = t;
    report(label, loaded.reduce((a, b) => a + b, 0), total.reduce((a, b) => a + b, 0));
  };
}

async function userBytes(name: string, what: string): Promise<Uint8Array> {
  if (!name) throw new ImageLoadError(`${what}: none chosen (add a file or drop one on the page)`);
  const mem = sessionFiles.get(name);
  if (mem) return mem;
  const stored = await userImage(name);
  if (!stored) throw new ImageLoadError(`${name}: this ${what} is no longer stored in the browser; add the file again`);
  return stored.bytes;
}

export async function resolveBoot(image: ImageChoice, report: ProgressReport): Promise<BootSpec> {
  if (image.source === 'builtin') {
    const part = combined('Loading the built-in Linux', report, 2);
    const [k, i] = await Promise.all([
      loadBuiltin(BUILTIN.kernel.url, BUILTIN.kernel.name, part(0)),
      loadBuiltin(BUILTIN.initrd.url, BUILTIN.initrd.name, part(1)),
    ]);
    return {
      kind: 'linux', kernel: k.bytes, kernelName: BUILTIN.kernel.name,
      initrd: await unpackInitramfs(i.bytes, BUILTIN.initrd.name), initrdName: BUILTIN.initrd.name, append: BUILTIN.append,
    };
  }
  let kernel: Uint8Array;
  let initrd: Uint8Array | undefined;
  if (image.source === 'user') {
    kernel = await userBytes(image.kernel, image.kind === 'rom' ? 'ROM' : 'kernel');
    initrd = image.initrd ? await userBytes(image.initrd, 'initrd') : undefined;
  } else {
    const part = combined(`Loading ${image.kernel}`, report, image.initrd ? 2 : 1);
    const [k, i] = await Promise.all([
      fetchBytes(image.kernel, image.kernel, part(0)),
      image.initrd ? fetchBytes(image.initrd, image.initrd, part(1)) : Promise.resolve(undefined),
    ]);
    kernel = k.bytes;
    initrd = i?.bytes;
  }
  const kernelName = image.kernel;
  kernel = await unpackKernel(kernel, kernelName);
  switch (image.kind) {
    case 'rom':
      return { kind: 'rom', rom: kernel, romName: kernelName };
    case 'multiboot':
      return {
        kind: 'multiboot', kernel, kernelName, append: image.append,
        modules: initrd ? [{ data: initrd, cmdline: image.initrd }] : [],
      };
    default:
      return {
        kind: 'linux', kernel, kernelName, initrd, initrdName: image.initrd,
        append: image.append ?? BUILTIN.append,
      };
  }
}
