// Model-specific registers (SDM vol. 2 RDMSR/WRMSR; vol. 4 for the addresses): exactly the MSRs
// this P6-class CPU has. Any other address raises #GP(0) — Linux's rdmsr_safe relies on it.
import { S, r32, w32, EAX, ECX, EDX, raiseGP } from '../cpu';
import {
  OFF_APIC_BASE, OFF_SYSENTER_CS, OFF_SYSENTER_ESP, OFF_SYSENTER_EIP, OFF_TSC_OFFSET,
  OFF_MTRR_VAR, OFF_MTRR_FIX, OFF_MTRR_DEF, OFF_PAT,
} from '../state';
import { tscNow } from './misc';
import { lapicBaseWritten } from '../lapic';
import { tlbFlush } from '../mmu/paging';
import { flushFetch } from '../decode';

const MSR_TSC: u32 = 0x10;
const MSR_PLATFORM_ID: u32 = 0x17;
const MSR_APIC_BASE: u32 = 0x1B;
/** IA32_TSC_ADJUST: this vCPU's TSC offset from the common clock (SDM 17.17.3). */
const MSR_TSC_ADJUST: u32 = 0x3B;
const MSR_BIOS_SIGN_ID: u32 = 0x8B;
const MSR_MTRRCAP: u32 = 0xFE;
const MSR_SYSENTER_CS: u32 = 0x174;
const MSR_SYSENTER_ESP: u32 = 0x175;
const MSR_SYSENTER_EIP: u32 = 0x176;
const MSR_MISC_ENABLE: u32 = 0x1A0;
const MSR_PAT: u32 = 0x277;
const MSR_MTRR_DEF: u32 = 0x2FF;

/** 8 variable ranges, fixed ranges supported, write-combining supported. */
const MTRRCAP_VALUE: u64 = 0x508;
/** IA32_MISC_ENABLE: fast strings enabled. */
const MISC_ENABLE_VALUE: u64 = 1;
/** APIC base: BSP (bit 8, read-only), global enable (bit 11), base (bits 12-31). */
const APIC_BASE_WRITABLE: u32 = 0xFFFFF800;

/** State offset of an MTRR/PAT MSR, or 0 if `msr` is not one. */
function mtrrSlot(msr: u32): u32 {
  if (msr >= 0x200 && msr <= 0x20F) return OFF_MTRR_VAR + ((msr - 0x200) << 3);
  if (msr == 0x250) return OFF_MTRR_FIX;
  if (msr == 0x258 || msr == 0x259) return OFF_MTRR_FIX + ((msr - 0x257) << 3);
  if (msr >= 0x268 && msr <= 0x26F) return OFF_MTRR_FIX + ((msr - 0x265) << 3);
  if (msr == MSR_MTRR_DEF) return OFF_MTRR_DEF;
  if (msr == MSR_PAT) return OFF_PAT;
  return 0;
}

let known: bool = false;
function readMsr(msr: u32): u64 {
  known = true;
  switch (msr) {
    case MSR_TSC: return tscNow();
    case MSR_PLATFORM_ID: return 0;
    case MSR_APIC_BASE: return <u64>load<u32>(S, OFF_APIC_BASE);
    case MSR_TSC_ADJUST: return load<u64>(S, OFF_TSC_OFFSET);
    case MSR_BIOS_SIGN_ID: return 0; // no microcode update loaded
    case MSR_MTRRCAP: return MTRRCAP_VALUE;
    case MSR_SYSENTER_CS: return <u64>load<u32>(S, OFF_SYSENTER_CS);
    case MSR_SYSENTER_ESP: return <u64>load<u32>(S, OFF_SYSENTER_ESP);
    case MSR_SYSENTER_EIP: return <u64>load<u32>(S, OFF_SYSENTER_EIP);
    case MSR_MISC_ENABLE: return MISC_ENABLE_VALUE;
  }
  const slot = mtrrSlot(msr);
  if (slot != 0) return load<u64>(S + slot);
  known = false;
  return 0;
}

/** Returns false for an unknown or read-only MSR. */
function writeMsr(msr: u32, v: u64): bool {
  switch (msr) {
    case MSR_TSC_ADJUST: store<u64>(S, v, OFF_TSC_OFFSET); return true;
    case MSR_TSC: {
      // Writing the TSC moves this vCPU's offset (so IA32_TSC_ADJUST too) so that it reads `v` now.
      const off = load<u64>(S, OFF_TSC_OFFSET);
      store<u64>(S, off + (v - tscNow()), OFF_TSC_OFFSET);
      return true;
    }
    case MSR_APIC_BASE: {
      const old = load<u32>(S, OFF_APIC_BASE);
      store<u32>(S, (<u32>v & APIC_BASE_WRITABLE) | (old & 0x100), OFF_APIC_BASE);
      // The APIC window moved or (dis)appeared: no TLB entry may cover the old or new page.
      lapicBaseWritten(old);
      tlbFlush(false);
      flushFetch();
      return true;
    }
    case MSR_BIOS_SIGN_ID: return true; // written with 0 before CPUID to read the revision
    case MSR_MISC_ENABLE: return true; // fixed value: writes are ignored
    case MSR_SYSENTER_CS: store<u32>(S, <u32>v & 0xFFFF, OFF_SYSENTER_CS); return true;
    case MSR_SYSENTER_ESP: store<u32>(S, <u32>v, OFF_SYSENTER_ESP); return true;
    case MSR_SYSENTER_EIP: store<u32>(S, <u32>v, OFF_SYSENTER_EIP); return true;
  }
  const slot = mtrrSlot(msr);
  if (slot == 0) return false;
  store<u64>(S + slot, v);
  return true;
}

/** RDMSR: EDX:EAX = MSR[ECX]. */
export function op_rdmsr(op: u32): void {
  const v = readMsr(r32(ECX));
  if (!known) { raiseGP(0); return; }
  w32(EAX, <u32>v);
  w32(EDX, <u32>(v >> 32));
}
/** WRMSR: MSR[ECX] = EDX:EAX. */
export function op_wrmsr(op: u32): void {
  const v = (<u64>r32(EDX) << 32) | <u64>r32(EAX);
  if (!writeMsr(r32(ECX), v)) raiseGP(0);
}
