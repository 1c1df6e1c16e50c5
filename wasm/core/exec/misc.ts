// Flag instructions, HLT, NOPs, CPUID, RDTSC.
import * as C from '../cpu';
import { fault, w32, r32, EAX, EBX, ECX, EDX, raiseGP, raise, raiseUD, requestExit, EXIT_HLT } from '../cpu';
import { materialize, fl, setFlags, getFlags, CF, DF, IF, IOPL } from '../flags';
import { OFF_HALTED, OFF_INT_SHADOW, OFF_CR0, OFF_CR4, OFF_TSC_OFFSET, OFF_APIC_ID, SH_CLOCK_HZ, SH_NUM_VCPUS } from '../state';
import { lapicHwEnabled } from '../lapic';
import { clockNs } from '../clock';
import { virtualIf, cliVirtual, stiVirtual } from './vme';

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
  if (!ifAllowed()) { if (virtualIf()) cliVirtual(); else raiseGP(0); return; }
  setFlags(getFlags() & ~IF);
}
export function op_sti(op: u32): void {
  if (!ifAllowed()) { if (virtualIf()) stiVirtual(); else raiseGP(0); return; }
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
/** The TSC: the common clock in ticks of SH_CLOCK_HZ, plus this vCPU's offset (IA32_TSC_ADJUST). */
export function tscNow(): u64 {
  const hz = <f64>load<u32>(SH_CLOCK_HZ);
  return <u64>(<f64>clockNs() * (hz / 1e9)) + load<u64>(C.S, OFF_TSC_OFFSET);
}
export function op_rdtsc(op: u32): void {
  if ((load<u32>(C.S, OFF_CR4) & 4) && C.cpl() != 0) { raiseGP(0); return; }
  const t = tscNow();
  w32(EAX, <u32>t);
  w32(EDX, <u32>(t >> 32));
}

// CPUID features (leaf 1 EDX): exactly what is implemented.
const FEAT_FPU: u32 = 1 << 0;
const FEAT_VME: u32 = 1 << 1; // CR4.VME and CR4.PVI (exec/vme.ts)
const FEAT_DE: u32 = 1 << 2; // CR4.DE: I/O breakpoints, DR4/DR5 #UD (debug.ts)
const FEAT_PSE: u32 = 1 << 3;
const FEAT_TSC: u32 = 1 << 4;
const FEAT_MSR: u32 = 1 << 5;
const FEAT_CX8: u32 = 1 << 8;
const FEAT_APIC: u32 = 1 << 9;
const FEAT_SEP: u32 = 1 << 11;
const FEAT_PGE: u32 = 1 << 13;
const FEAT_CMOV: u32 = 1 << 15;
export const CPUID_FEATURES: u32 = FEAT_FPU | FEAT_VME | FEAT_DE | FEAT_PSE | FEAT_TSC | FEAT_MSR | FEAT_CX8 | FEAT_APIC | FEAT_SEP | FEAT_PGE | FEAT_CMOV;
/** Family 6, model 1, stepping 9: a Pentium Pro-class part without MMX or SSE. */
const SIGNATURE: u32 = 0x619;

// Leaves beyond 1 exist only to tell the guest about its time base, so that Linux takes the TSC
// rate from CPUID (arch/x86/kernel/tsc.c native_calibrate_tsc) instead of calibrating it against
// the PIT with tight port-read loops, which host stalls and mailbox round trips (~20 µs in
// placement d, more than Linux's 10 µs per loop) make fail. Leaf 0xB puts every vCPU in one
// package (one core each, APIC ID = core number): vCPUs share one clock, and Linux then takes an
// AP's delay-loop rate from a sibling instead of calibrating it against jiffies. Every other leaf
// up to the maximum reads as zeros ("nothing here"); Linux walks leaves 2, 4, 6, 0xA with that
// meaning.
const MAX_BASIC: u32 = 0x16;
const MAX_EXTENDED: u32 = 0x80000007;
/** The LAPIC timer's input (the APIC bus, lapic.ts APIC_TICK_NS) is the "core crystal" of leaf 0x15. */
const CRYSTAL_MHZ: u32 = 100;
/** Leaf 7 EBX bit 1: IA32_TSC_ADJUST (MSR 0x3B) exists. */
const FEAT7_TSC_ADJUST: u32 = 1 << 1;
/** Leaf 0x80000007 EDX bit 8: invariant TSC (constant rate, runs in every C-state). */
const FEAT_INVARIANT_TSC: u32 = 1 << 8;

function cpuidOut(a: u32, b: u32, c: u32, d: u32): void {
  w32(EAX, a);
  w32(EBX, b);
  w32(ECX, c);
  w32(EDX, d);
}

/** Leaf 0xB (extended topology), sub-leaf `sub`: level 0 = SMT (1 thread), 1 = core (all vCPUs). */
function topology(sub: u32): void {
  const id = load<u32>(C.S, OFF_APIC_ID);
  const n = load<u32>(SH_NUM_VCPUS);
  if (sub == 0) { cpuidOut(0, 1, (1 << 8), id); return; }
  // EAX: APIC ID bits below the package level.
  if (sub == 1) { cpuidOut(n > 1 ? 32 - clz<u32>(n - 1) : 0, n, (2 << 8) | 1, id); return; }
  cpuidOut(0, 0, sub & 0xFF, id);
}

export function op_cpuid(op: u32): void {
  let leaf = r32(EAX);
  const sub = r32(ECX);
  // Leaves above the maximum (basic or extended) return the highest basic leaf's data (Intel behaviour).
  if (leaf >= 0x80000000 ? leaf > MAX_EXTENDED : leaf > MAX_BASIC) leaf = MAX_BASIC;
  const tscMhz = load<u32>(SH_CLOCK_HZ) / 1000000;
  switch (leaf) {
    case 0: cpuidOut(MAX_BASIC, 0x756E6547, 0x6C65746E, 0x49656E69); return; // "Genu" "ntel" "ineI"
    case 1:
      // With IA32_APIC_BASE's global enable clear the APIC flag reads 0 (SDM 10.4.3).
      cpuidOut(SIGNATURE, load<u32>(C.S, OFF_APIC_ID) << 24, 0, lapicHwEnabled() ? CPUID_FEATURES : CPUID_FEATURES & ~FEAT_APIC);
      return;
    case 7: cpuidOut(0, sub == 0 ? FEAT7_TSC_ADJUST : 0, 0, 0); return;
    case 0xB: topology(sub); return;
    // TSC = crystal × EBX / EAX; ECX = crystal Hz.
    case 0x15: cpuidOut(CRYSTAL_MHZ, tscMhz, CRYSTAL_MHZ * 1000000, 0); return;
    // Base and maximum frequency, bus (reference) frequency, in MHz.
    case 0x16: cpuidOut(tscMhz, tscMhz, CRYSTAL_MHZ, 0); return;
    case 0x80000000: cpuidOut(MAX_EXTENDED, 0, 0, 0); return;
    case 0x80000007: cpuidOut(0, 0, 0, FEAT_INVARIANT_TSC); return;
    default: cpuidOut(0, 0, 0, 0); return;
  }
}
export { fault, IOPL };
