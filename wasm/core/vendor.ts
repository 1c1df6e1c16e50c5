// Which vendor's implementation-specific behaviour the core reproduces, where the SDM and AMD's
// APM leave a choice and Intel and AMD processors measurably differ (the differential tests set
// it to the host's vendor; docs/DESIGN-NOTES.md "Vendor flavours" lists every difference).
// One wasm global per instance: the host sets it once after instantiation, like traces().
export const VENDOR_AMD: u32 = 0;
export const VENDOR_INTEL: u32 = 1;

/**
 * The flavour in force (default AMD: the x87 transcendentals were fitted to an AMD EPYC first);
 * a machine sets Intel unless told otherwise (src/vmm/machine.ts MachineOptions.flavour).
 */
export let vendor: u32 = VENDOR_AMD;

export function setVendor(v: u32): void {
  vendor = v == VENDOR_INTEL ? VENDOR_INTEL : VENDOR_AMD;
}
