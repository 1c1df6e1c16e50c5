// Per-instance globals of one vCPU: where its state block lives, the decoder's scratch, fault state.
// Guest registers live in the state block (load<T>(S, OFF_X)); module-level `let`s are wasm globals,
// private to each instance, so each vCPU's scratch is its own.
import { OFF_GPR, OFF_EIP, OFF_SEG_BASE, OFF_SEG_LIMIT, OFF_SEG_SEL, OFF_SEG_ATTR, OFF_CR0, OFF_CPL } from './state';

/** Base address of this vCPU's state block. */
export let S: u32 = 0;
export function setStateBase(base: u32): void { S = base; }

// ---- segment register numbers (also the order of seg_* arrays) ----
export const ES: u32 = 0;
export const CS: u32 = 1;
export const SS: u32 = 2;
export const DS: u32 = 3;
export const FS: u32 = 4;
export const GS: u32 = 5;
export const LDTR: u32 = 6;
export const TR: u32 = 7;

// ---- general registers ----
export const EAX: u32 = 0;
export const ECX: u32 = 1;
export const EDX: u32 = 2;
export const EBX: u32 = 3;
export const ESP: u32 = 4;
export const EBP: u32 = 5;
export const ESI: u32 = 6;
export const EDI: u32 = 7;

@inline export function r32(r: u32): u32 { return load<u32>(S + (r << 2)); }
@inline export function w32(r: u32, v: u32): void { store<u32>(S + (r << 2), v); }
@inline export function r16(r: u32): u32 { return load<u16>(S + (r << 2)); }
@inline export function w16(r: u32, v: u32): void { store<u16>(S + (r << 2), <u16>v); }
// AL CL DL BL AH CH DH BH: 0-3 low bytes of EAX..EBX, 4-7 the second bytes.
@inline export function r8(r: u32): u32 { return load<u8>(S + ((r & 3) << 2) + (r >> 2)); }
@inline export function w8(r: u32, v: u32): void { store<u8>(S + ((r & 3) << 2) + (r >> 2), <u8>v); }

@inline export function getEip(): u32 { return load<u32>(S, OFF_EIP); }
@inline export function setEip(v: u32): void { store<u32>(S, v, OFF_EIP); }
@inline export function segBase(s: u32): u32 { return load<u32>(S + (s << 2), OFF_SEG_BASE); }
@inline export function segLimit(s: u32): u32 { return load<u32>(S + (s << 2), OFF_SEG_LIMIT); }
@inline export function segSel(s: u32): u32 { return load<u32>(S + (s << 2), OFF_SEG_SEL); }
@inline export function segAttr(s: u32): u32 { return load<u32>(S + (s << 2), OFF_SEG_ATTR); }
@inline export function cr0(): u32 { return load<u32>(S, OFF_CR0); }
@inline export function cpl(): u32 { return load<u32>(S, OFF_CPL); }

// ---- decoder scratch (valid during one instruction) ----
/** Offset of the next byte to fetch, relative to CS. */
export let ip: u32 = 0;
/** EIP of the instruction being executed (faults restart here). */
export let startIp: u32 = 0;
/** ESP at the start of the instruction (restored on faults). */
export let startEsp: u32 = 0;
export let opsz32: bool = true;
export let adsz32: bool = true;
/** Segment override, or 0xFFFFFFFF for none. */
export let segOv: u32 = 0xFFFFFFFF;
/** 0 none, 0xF3 REP/REPE, 0xF2 REPNE. */
export let repPfx: u32 = 0;
export let lockPfx: bool = false;
export let modrm: u32 = 0;
/** Effective address of a memory operand: segment and offset. */
export let eaSeg: u32 = 0;
export let eaOff: u32 = 0;

export function setIp(v: u32): void { ip = v; }
export function setStart(eip: u32, esp: u32): void { startIp = eip; startEsp = esp; }
export function setPrefixDefaults(c32: bool): void {
  opsz32 = c32; adsz32 = c32; segOv = 0xFFFFFFFF; repPfx = 0; lockPfx = false;
}
export function setOpsz(v: bool): void { opsz32 = v; }
export function setAdsz(v: bool): void { adsz32 = v; }
export function setSegOv(v: u32): void { segOv = v; }
export function setRep(v: u32): void { repPfx = v; }
export function setLock(v: bool): void { lockPfx = v; }
export function setModrm(v: u32): void { modrm = v; }
export function setEa(seg: u32, off: u32): void { eaSeg = seg; eaOff = off; }

// ---- mode caches, refreshed whenever CS, SS, CR0 or EFLAGS.VM change ----
/** CS.D: default operand and address size 32. */
export let code32: bool = false;
/** SS.B: stack pointer is ESP (else SP). */
export let stack32: bool = false;
/** CR0.PE and not virtual-8086. */
export let protMode: bool = false;
export let v86: bool = false;
export function setModes(c32: bool, s32: bool, pm: bool, vm: bool): void {
  code32 = c32; stack32 = s32; protMode = pm; v86 = vm;
}

// ---- faults ----
/** Set when the current instruction raised an exception; it is delivered at the instruction boundary. */
export let fault: bool = false;
export let faultVec: u32 = 0;
export let faultErr: u32 = 0;
export let faultHasErr: bool = false;
export function clearFault(): void { fault = false; }

/** Raise exception `vec` with error code `err` (hasErr says whether the vector pushes one). */
export function raise(vec: u32, err: u32, hasErr: bool): void {
  if (fault) return; // the first fault of an instruction wins
  fault = true; faultVec = vec; faultErr = err; faultHasErr = hasErr;
}
@inline export function raiseGP(err: u32): void { raise(13, err, true); }
@inline export function raiseUD(): void { raise(6, 0, false); }
@inline export function raiseSS(err: u32): void { raise(12, err, true); }
@inline export function raiseNP(err: u32): void { raise(11, err, true); }
@inline export function raiseTS(err: u32): void { raise(10, err, true); }

// ---- run-loop control ----
/** Non-zero when the instruction asked run() to return (HLT, shutdown, host request). */
export let exitReq: u32 = 0;
export function requestExit(reason: u32): void { exitReq = reason; }
export function clearExit(): void { exitReq = 0; }

export const EXIT_BUDGET: u32 = 0;
export const EXIT_HLT: u32 = 1;
export const EXIT_SHUTDOWN: u32 = 2;
export const EXIT_PAUSE: u32 = 3;
export const EXIT_RESET: u32 = 4;
export const EXIT_DEBUG: u32 = 5;
export const EXIT_WAIT_SIPI: u32 = 6;
/**
 * The guest spins: PAUSE_SPIN_EXIT executions of the same PAUSE instruction in one run() call,
 * as in a spin-wait loop (a lock, an MCS queue node, a CSD flag). The host should give its thread's
 * time to the other vCPUs (the one the guest waits for may be descheduled on an overcommitted
 * host), as VMX's PAUSE-loop exiting lets a hypervisor do. Architecturally a PAUSE is a NOP.
 */
export const EXIT_SPIN: u32 = 7;

/**
 * PAUSEs at one EIP before run() returns EXIT_SPIN. A guest spin-wait iteration is 4-10
 * instructions, so this is some 0.1-0.5 ms of spinning at this core's speed: longer than a lock
 * held by a running vCPU, far shorter than the host's scheduling quantum.
 */
export const PAUSE_SPIN_EXIT: u32 = 1000;
/** PAUSEs in a row at `pauseEip` during this run() call. */
export let pauseStreak: u32 = 0;
let pauseEip: u32 = 0xFFFFFFFF;
export function resetSpin(): void { pauseStreak = 0; pauseEip = 0xFFFFFFFF; }
/** A PAUSE (F3 90) at startIp: count the spin and ask for EXIT_SPIN after PAUSE_SPIN_EXIT in a row. */
export function pause(): void {
  if (startIp != pauseEip) { pauseEip = startIp; pauseStreak = 0; }
  if (++pauseStreak >= PAUSE_SPIN_EXIT) { pauseStreak = 0; requestExit(EXIT_SPIN); }
}
