// Flag instructions, HLT, NOPs, CPUID, RDTSC.
import * as C from '../cpu';
import { fault, w32, r32, EAX, EBX, ECX, EDX, raiseGP, raise, raiseUD, requestExit, EXIT_HLT } from '../cpu';
import { materialize, fl, setFlags, getFlags, CF, DF, IF, IOPL } from '../flags';
import { OFF_HALTED, OFF_INT_SHADOW, OFF_CR0, OFF_CR4, OFF_TSC_OFFSET, OFF_APIC_ID, SH_CLOCK_HZ } from '../state';
import { lapicHwEnabled } from '../lapic';
import { hostTimeNs } from '../host';

export function op_clc(op: u32): void { materialize(); setFlags(fl & ~CF); }
export function op_stc(op: u32): void { materialize(); setFlags(fl | CF); }
export function op_cmc(op: u32): void { materialize(); setFlags(fl ^ CF); }
export function op_cld(op: u32): void { setFlags(getFlags() & ~DF); }
export function op_std(op: u32): void { setFlags(getFlags() | DF); }

/** CLI/STI are allowed when CPL ≤ IOPL (always in real mode; IOPL 3 in v86 mode). */
@inline function ifAllowed(): bool {
  if (!C.protMode && !C.v86) return true;
  const iopl = (fl >> 12) & 3;
  return C.v86 ? iopl == 3 : C.cpl() <= iopl;
}
export function op_cli(op: u32): void {
  if (!ifAllowed()) { raiseGP(0); return; }
  setFlags(getFlags() & ~IF);
}
export function op_sti(op: u32): void {
  if (!ifAllowed()) { raiseGP(0); return; }
  const f = getFlags();
  // Interrupts stay blocked until after the next instruction.
  if (!(f & IF)) store<u32>(C.S, 1, OFF_INT_SHADOW);
  setFlags(f | IF);
}
export function op_hlt(op: u32): void {
  store<u32>(C.S, 1, OFF_HALTED);
  requestExit(EXIT_HLT);
}
export function op_hint_nop(op: u32): void { /* 0F 18..1F: hints and multi-byte NOPs */ }
/** The TSC: the common clock in ticks of SH_CLOCK_HZ, plus this vCPU's offset. */
export function tscNow(): u64 {
  const hz = <f64>load<u32>(SH_CLOCK_HZ);
  return <u64>(hostTimeNs() * (hz / 1e9)) + load<u64>(C.S, OFF_TSC_OFFSET);
}
export function op_rdtsc(op: u32): void {
  if ((load<u32>(C.S, OFF_CR4) & 4) && C.cpl() != 0) { raiseGP(0); return; }
  const t = tscNow();
  w32(EAX, <u32>t);
  w32(EDX, <u32>(t >> 32));
}

// CPUID features (leaf 1 EDX): exactly what is implemented.
const FEAT_FPU: u32 = 1 << 0;
const FEAT_PSE: u32 = 1 << 3;
const FEAT_TSC: u32 = 1 << 4;
const FEAT_MSR: u32 = 1 << 5;
const FEAT_CX8: u32 = 1 << 8;
const FEAT_APIC: u32 = 1 << 9;
const FEAT_SEP: u32 = 1 << 11;
const FEAT_PGE: u32 = 1 << 13;
const FEAT_CMOV: u32 = 1 << 15;
export const CPUID_FEATURES: u32 = FEAT_FPU | FEAT_PSE | FEAT_TSC | FEAT_MSR | FEAT_CX8 | FEAT_APIC | FEAT_SEP | FEAT_PGE | FEAT_CMOV;
/** Family 6, model 1, stepping 9: a Pentium Pro-class part without MMX or SSE. */
const SIGNATURE: u32 = 0x619;

export function op_cpuid(op: u32): void {
  let leaf = r32(EAX);
  // Leaves above the maximum return the highest basic leaf's data (Intel behaviour).
  if (leaf > 1) leaf = 1;
  if (leaf == 0) {
    w32(EAX, 1);
    w32(EBX, 0x756E6547); // "Genu"
    w32(EDX, 0x49656E69); // "ineI"
    w32(ECX, 0x6C65746E); // "ntel"
    return;
  }
  w32(EAX, SIGNATURE);
  w32(EBX, load<u32>(C.S, OFF_APIC_ID) << 24);
  w32(ECX, 0);
  // With IA32_APIC_BASE's global enable clear the APIC flag reads 0 (SDM 10.4.3).
  w32(EDX, lapicHwEnabled() ? CPUID_FEATURES : CPUID_FEATURES & ~FEAT_APIC);
}
export { fault, IOPL };
