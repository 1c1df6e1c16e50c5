// Image files may be gzip-compressed (images/ are committed that way); kernels are detected by content.
import { gunzipSync } from 'node:zlib';
import { UsageError } from './args.ts';

export function gunzipIfNeeded(bytes: Uint8Array, name: string): Uint8Array {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b && !name.endsWith('.cpio.gz')) {
    try { return new Uint8Array(gunzipSync(bytes)); } catch (e) { throw new UsageError(`${name}: broken gzip data (${(e as Error).message})`); }
  }
  return bytes;
}
