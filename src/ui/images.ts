/// <reference types="vite/client" />
// Guest images for the page: the built-in Linux (bundled by Vite, cached in IndexedDB after the
// first download), images at a URL (?kernel=…), and the user's own files. Also tells a file's
// kind from its content, as the user may drop anything on the page.
import bzImageUrl from '../../images/bzImage?url';
import initrdUrl from '../../images/initramfs.cpio.gz?url';
import { cachedImage, cacheImage } from './storage.ts';

export const BUILTIN = {
  kernel: { url: bzImageUrl, name: 'images/bzImage' },
  initrd: { url: initrdUrl, name: 'images/initramfs.cpio.gz' },
  append: 'console=ttyS0 earlyprintk=serial,ttyS0,115200',
} as const;

export type Progress = (loaded: number, total: number) => void;

export class ImageLoadError extends Error {
  constructor(message: string) { super(message); this.name = 'ImageLoadError'; }
}

interface Fetched { bytes: Uint8Array; etag?: string; lastModified?: string }

/** GET `url` with progress; `name` is what error messages call the file. */
export async function fetchBytes(url: string, name: string, progress: Progress): Promise<Fetched> {
  let res: Response;
  try { res = await fetch(url); } catch (e) {
    throw new ImageLoadError(`${name}: download failed (${(e as Error).message})`);
  }
  if (!res.ok) throw new ImageLoadError(`${name}: download failed (HTTP ${res.status} ${res.statusText})`);
  const total = Number(res.headers.get('content-length') ?? 0);
  const parts: Uint8Array[] = [];
  let loaded = 0;
  if (res.body) {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      loaded += value.length;
      progress(loaded, Math.max(total, loaded));
    }
  } else {
    parts.push(new Uint8Array(await res.arrayBuffer()));
    loaded = parts[0].length;
  }
  const bytes = new Uint8Array(loaded);
  let at = 0;
  for (const p of parts) { bytes.set(p, at); at += p.length; }
  progress(loaded, loaded);
  return {
    bytes,
    etag: res.headers.get('etag') ?? undefined,
    lastModified: res.headers.get('last-modified') ?? undefined,
  };
}

/**
 * A built-in image: from IndexedDB when cached, else downloaded and cached. Production builds
 * name assets by content hash, so a cached copy is always right; the dev server does not, so
 * there a cheap HEAD request checks the cached copy against the file on disk.
 */
export async function loadBuiltin(url: string, name: string, progress: Progress): Promise<{ bytes: Uint8Array; cached: boolean }> {
  const c = await cachedImage(url);
  if (c && (!import.meta.env.DEV || (await stillFresh(url, c)))) {
    progress(c.size, c.size);
    return { bytes: c.bytes, cached: true };
  }
  const f = await fetchBytes(url, name, progress);
  void cacheImage(url, { bytes: f.bytes, etag: f.etag, lastModified: f.lastModified, size: f.bytes.length });
  return { bytes: f.bytes, cached: false };
}

async function stillFresh(url: string, c: { etag?: string; lastModified?: string }): Promise<boolean> {
  try {
    const h = await fetch(url, { method: 'HEAD', cache: 'no-store' });
    if (!h.ok) return false;
    const etag = h.headers.get('etag');
    const lm = h.headers.get('last-modified');
    if (!etag && !lm) return false;
    return (etag ?? undefined) === c.etag && (lm ?? undefined) === c.lastModified;
  } catch {
    return true; // offline: the cached copy is the best there is
  }
}

export type ImageKind = 'linux' | 'multiboot' | 'rom' | 'initrd' | 'unknown';

const isGzip = (b: Uint8Array) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
const isCpio = (b: Uint8Array) => b.length >= 6 && String.fromCharCode(...b.subarray(0, 6)).startsWith('07070');

export async function gunzip(bytes: Uint8Array, name: string): Promise<Uint8Array> {
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (e) {
    throw new ImageLoadError(`${name}: broken gzip data (${(e as Error).message})`);
  }
}

/** Kernels and ROMs may be gzip-compressed; initrds stay as they are (the kernel unpacks them). */
export async function unpackKernel(bytes: Uint8Array, name: string): Promise<Uint8Array> {
  return isGzip(bytes) ? gunzip(bytes, name) : bytes;
}

/**
 * The built-in initramfs unpacked by the browser (natively) rather than by the guest (in the
 * interpreter): Linux takes an uncompressed cpio archive as well. Static servers differ — some
 * label *.gz as Content-Encoding: gzip and the browser has already unpacked it in transit.
 */
export async function unpackInitramfs(bytes: Uint8Array, name: string): Promise<Uint8Array> {
  return isGzip(bytes) ? gunzip(bytes, name) : bytes;
}

/** What a file is, by content (and, for compressed ramdisks, by name). */
export async function detectKind(bytes: Uint8Array, name: string): Promise<ImageKind> {
  if (isCpio(bytes)) return 'initrd';
  if (isGzip(bytes)) {
    if (/cpio|initr|initramfs|\.img/i.test(name)) return 'initrd';
    try {
      const inner = await gunzip(bytes, name);
      return isCpio(inner) ? 'initrd' : kernelKind(inner);
    } catch { return 'unknown'; }
  }
  return kernelKind(bytes);
}

function kernelKind(b: Uint8Array): ImageKind {
  if (b.length > 0x206 && String.fromCharCode(...b.subarray(0x202, 0x206)) === 'HdrS') return 'linux';
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let off = 0; off + 12 <= Math.min(b.length, 8192); off += 4) {
    if (dv.getUint32(off, true) !== 0x1badb002) continue;
    if (((dv.getUint32(off, true) + dv.getUint32(off + 4, true) + dv.getUint32(off + 8, true)) >>> 0) === 0) return 'multiboot';
  }
  if (b.length > 0 && b.length <= 256 * 1024 && b.length % 2048 === 0) return 'rom';
  return 'unknown';
}

/** Vite serves public/ at the base URL. */
export function coreWasmUrl(): string {
  return `${import.meta.env.BASE_URL}core.wasm`;
}

export async function compileCore(): Promise<WebAssembly.Module> {
  const url = coreWasmUrl();
  let res: Response;
  try { res = await fetch(url); } catch (e) { throw new ImageLoadError(`core.wasm: download failed (${(e as Error).message})`); }
  if (!res.ok) throw new ImageLoadError(`core.wasm: download failed (HTTP ${res.status}); run npm run build:wasm`);
  if (res.headers.get('content-type')?.startsWith('application/wasm')) {
    return WebAssembly.compileStreaming(res);
  }
  return WebAssembly.compile(await res.arrayBuffer());
}
