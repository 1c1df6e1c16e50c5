// Virtual-8086 mode extensions and protected-mode virtual interrupts (SDM vol. 3 §20.3-20.4;
// vol. 2 CLI STI PUSHF POPF IRET INT n). With CR4.VME in v86 mode and IOPL < 3, CLI/STI/PUSHF/POPF
// and 16-bit IRET work on VIF instead of trapping, and INT n consults the TSS's software interrupt
// redirection bitmap (methods 3-6 of SDM Table 20-2). With CR4.PVI at CPL 3 and IOPL < 3, CLI and
// STI work on VIF. Setting VIF while VIP is set raises #GP(0) so the monitor can deliver the
// pending virtual interrupt.
import * as C from '../cpu';
import { S, fault, CS, SS, TR, raiseGP, segBase, segLimit, segAttr, segSel, r32, w32, ESP } from '../cpu';
import { OFF_CR4 } from '../state';
import { getFlags, setFlags, ARITH, TF, DF, NT, IF, IOPL, VIF, VIP, AC } from '../flags';
import { linRd } from '../mmu/descriptor';
import { frameOpen, framePush, frameSp } from './frame';
import { loadSegReal } from './segment';
import { peek16, push16, sp, setSp } from './stack';

const CR4_VME: u32 = 1;
const CR4_PVI: u32 = 2;

@inline function cr4(): u32 { return load<u32>(S, OFF_CR4); }
@inline function iopl(f: u32): u32 { return (f >> 12) & 3; }

/** v86 mode with CR4.VME and IOPL < 3: the VIF-based forms of the IOPL-sensitive instructions. */
export function vmeActive(): bool { return C.v86 && (cr4() & CR4_VME) != 0 && iopl(getFlags()) != 3; }

/**
 * CLI/STI that may not touch IF: true when they set or clear VIF instead (VME in v86 mode, or PVI
 * at CPL 3), false for #GP.
 */
export function virtualIf(): bool {
  if (C.v86) return (cr4() & CR4_VME) != 0;
  return C.protMode && C.cpl() == 3 && (cr4() & CR4_PVI) != 0;
}

/** STI on VIF: #GP(0) with VIP set (a virtual interrupt is waiting for the monitor). */
export function stiVirtual(): void {
  const f = getFlags();
  if (f & VIP) { raiseGP(0); return; }
  setFlags(f | VIF);
}
export function cliVirtual(): void { setFlags(getFlags() & ~VIF); }

/** FLAGS as an 8086 program sees them under VME: IF from VIF, IOPL 3. */
@inline function virtualFlags16(f: u32): u32 { return (f & 0xFFFF & ~IF) | ((f & VIF) ? IF : 0) | IOPL; }

/** PUSHF in v86 mode with IOPL < 3: only the 16-bit form under VME. */
export function pushfV86(o32: bool): void {
  if (!(cr4() & CR4_VME) || o32) { raiseGP(0); return; }
  push16(virtualFlags16(getFlags()));
}

/**
 * The flags word `t` popped by POPF or IRET under VME: #GP(0) when it would set VIF while VIP is
 * set, or set TF; otherwise the low flags except IF and IOPL load, and VIF takes the image's IF.
 */
function loadVirtualFlags(t: u32): bool {
  const f = getFlags();
  if (((t & IF) && (f & VIP)) || (t & TF)) { raiseGP(0); return false; }
  const m: u32 = ARITH | DF | NT;
  setFlags((f & ~m & ~VIF) | (t & m) | ((t & IF) ? VIF : 0));
  return true;
}

/** POPF in v86 mode with IOPL < 3: only the 16-bit form under VME. */
export function popfV86(o32: bool): void {
  if (!(cr4() & CR4_VME) || o32) { raiseGP(0); return; }
  const t = peek16(0);
  if (fault) return;
  if (!loadVirtualFlags(t)) return;
  setSp(sp() + 2);
}

/** IRET in v86 mode with IOPL < 3: only the 16-bit form under VME. */
export function iretV86(o32: bool): void {
  if (!(cr4() & CR4_VME) || o32) { raiseGP(0); return; }
  const ip = peek16(0);
  const cs = peek16(2);
  const t = peek16(4);
  if (fault) return;
  if (!loadVirtualFlags(t)) return;
  setSp(sp() + 6);
  loadSegReal(CS, cs);
  C.ip = ip;
}

/**
 * INT n in v86 mode with CR4.VME: the redirection bitmap's bit for n (the 32 bytes below the I/O
 * map base of a 32-bit TSS) decides. Returns true when the instruction is finished (redirected to
 * the 8086 program's handler, or #GP raised); false to continue with the protected-mode path.
 */
export function intV86(v: u32): bool {
  const t = segAttr(TR) & 0xF;
  const lim = segLimit(TR);
  if ((t != 9 && t != 0xB) || lim < 0x67) { raiseGP(0); return true; }
  const base = segBase(TR);
  const map = linRd(base + 0x66, 2, false);
  if (fault) return true;
  const at = map - 32 + (v >> 3);
  if (map < 32 || at > lim) { raiseGP(0); return true; }
  const bits = linRd(base + at, 1, false);
  if (fault) return true;
  if (bits & (1 << (v & 7))) return false; // methods 3 and 4: IOPL decides as without VME
  redirect(v);
  return true;
}

/**
 * Methods 5 and 6: an implicit real-mode style call through the 8086 program's own vector table at
 * linear address 0. With IOPL 3 the pushed FLAGS are the real ones and IF is cleared; with IOPL < 3
 * they carry VIF as IF and IOPL 3, and VIF is cleared instead. TF is cleared either way.
 */
function redirect(v: u32): void {
  const f = getFlags();
  const vme = iopl(f) != 3;
  const ent = linRd(v << 2, 4, true);
  if (fault) return;
  frameOpen(segBase(SS), segLimit(SS), segAttr(SS), r32(ESP), true, 0);
  framePush(vme ? virtualFlags16(f) : f & 0xFFFF, 2);
  framePush(segSel(CS), 2);
  framePush(C.ip, 2);
  if (fault) return;
  w32(ESP, frameSp());
  setFlags(f & ~(TF | AC | (vme ? VIF : IF)));
  loadSegReal(CS, ent >>> 16);
  C.ip = ent & 0xFFFF;
}
