// The host CPU's vendor, for the differential tests: the core is set to the same flavour
// (wasm/core/vendor.ts) before it is compared with the host.
import { readFileSync } from 'node:fs';

export const VENDOR_AMD = 0;
export const VENDOR_INTEL = 1;

/** 1 on GenuineIntel hosts, 0 otherwise (AuthenticAMD, and anything unknown: the default flavour). */
export function hostVendor(): number {
  let info = '';
  try { info = readFileSync('/proc/cpuinfo', 'utf8'); } catch { return VENDOR_AMD; }
  const m = /^vendor_id\s*:\s*(\S+)/m.exec(info);
  return m && m[1] === 'GenuineIntel' ? VENDOR_INTEL : VENDOR_AMD;
}

export const hostVendorName = (): string => (hostVendor() === VENDOR_INTEL ? 'Intel' : 'AMD');
