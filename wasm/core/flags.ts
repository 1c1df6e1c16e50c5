// Lazy arithmetic flags. The last flag-setting operation is remembered (kind, operands, result,
// size); CF/PF/AF/ZF/SF/OF are computed only when read. `fl` holds every other EFLAGS bit, and the
// arithmetic bits too when lop == L_NONE (and CF when lop is L_INC/L_DEC, which preserve it).

export const CF: u32 = 0x1;
export const PF: u32 = 0x4;
export const AF: u32 = 0x10;
export const ZF: u32 = 0x40;
export const SF: u32 = 0x80;
export const TF: u32 = 0x100;
export const IF: u32 = 0x200;
export const DF: u32 = 0x400;
export const OF: u32 = 0x800;
export const IOPL: u32 = 0x3000;
export const NT: u32 = 0x4000;
export const RF: u32 = 0x10000;
export const VM: u32 = 0x20000;
export const AC: u32 = 0x40000;
export const VIF: u32 = 0x80000;
export const VIP: u32 = 0x100000;
export const ID: u32 = 0x200000;
export const ARITH: u32 = CF | PF | AF | ZF | SF | OF;

export const L_NONE: u32 = 0;
export const L_ADD: u32 = 1;
export const L_ADC: u32 = 2;
export const L_SUB: u32 = 3;
export const L_SBB: u32 = 4;
export const L_LOGIC: u32 = 5;
export const L_INC: u32 = 6;
export const L_DEC: u32 = 7;
/** CF and OF (AF clear) already in `fl`; ZF SF PF from the result (shifts, MUL/IMUL). */
export const L_RES: u32 = 8;

export let fl: u32 = 2;
export let lop: u32 = L_NONE;
export let lres: u32 = 0;
export let la: u32 = 0;
export let lb: u32 = 0;
/** Carry-in of the last ADC/SBB. */
export let lcin: u32 = 0;
/** Sign bit of the operation size (0x80, 0x8000, 0x80000000). */
export let lsign: u32 = 0x80000000;

@inline function mask(): u32 { return (lsign << 1) - 1; }

// After CMP/SUB/NEG (L_SUB) the conditions are plain comparisons of the operands, and after a
// logic operation CF = OF = 0: both are answered inline, without the lazy-flag switches.
/** Operands of the last L_SUB, shifted so that the operation's sign bit is bit 31. */
@inline function subA(): u32 { return la << clz<u32>(lsign); }
@inline function subB(): u32 { return lb << clz<u32>(lsign); }
/** CF, inline for the common operations (getCF's switch, out of line, for ADC/SBB). */
@inline export function cfNow(): bool {
  const l = lop;
  if (l == L_SUB) return subA() < subB();
  if (l == L_ADD) { const sh = clz<u32>(lsign); return (lres << sh) < (la << sh); }
  if (l == L_LOGIC) return false;
  if (l == L_NONE || l >= L_INC) return (fl & CF) != 0;
  return getCF();
}

export function getCF(): bool {
  const m = mask();
  switch (lop) {
    case L_ADD: return (lres & m) < (la & m);
    case L_ADC: return lcin ? (lres & m) <= (la & m) : (lres & m) < (la & m);
    case L_SUB: return (la & m) < (lb & m);
    case L_SBB: return lcin ? (la & m) <= (lb & m) : (la & m) < (lb & m);
    case L_LOGIC: return false;
    default: return (fl & CF) != 0;
  }
}
export function getOF(): bool {
  switch (lop) {
    case L_ADD: case L_ADC: return (((la ^ lres) & (lb ^ lres)) & lsign) != 0;
    case L_SUB: case L_SBB: return (((la ^ lb) & (la ^ lres)) & lsign) != 0;
    case L_LOGIC: return false;
    case L_INC: return (lres & mask()) == lsign;
    case L_DEC: return (lres & mask()) == lsign - 1;
    default: return (fl & OF) != 0;
  }
}
export function getAF(): bool {
  switch (lop) {
    case L_ADD: case L_ADC: case L_SUB: case L_SBB: return ((la ^ lb ^ lres) & 0x10) != 0;
    case L_LOGIC: return false;
    case L_INC: return (lres & 0xF) == 0;
    case L_DEC: return (lres & 0xF) == 0xF;
    default: return (fl & AF) != 0;
  }
}
@inline export function getZF(): bool { return lop == L_NONE ? (fl & ZF) != 0 : (lres & mask()) == 0; }
@inline export function getSF(): bool { return lop == L_NONE ? (fl & SF) != 0 : (lres & lsign) != 0; }
@inline export function getPF(): bool {
  return lop == L_NONE ? (fl & PF) != 0 : (popcnt<u32>(lres & 0xFF) & 1) == 0;
}

/** The whole EFLAGS value. */
export function getFlags(): u32 {
  if (lop == L_NONE) return fl;
  let f = fl & ~ARITH;
  if (getCF()) f |= CF;
  if (getPF()) f |= PF;
  if (getAF()) f |= AF;
  if (getZF()) f |= ZF;
  if (getSF()) f |= SF;
  if (getOF()) f |= OF;
  return f;
}
/** Make `fl` authoritative for all bits. */
export function materialize(): void { fl = getFlags(); lop = L_NONE; }
/** Replace the whole EFLAGS (bit 1 always set, reserved bits clear). */
export function setFlags(v: u32): void { fl = (v & 0x3F7FD5) | 2; lop = L_NONE; }
/** Set the arithmetic flags eagerly from a bit pattern (other bits kept). */
export function setArith(f: u32): void { materialize(); fl = (fl & ~ARITH) | (f & ARITH); }
@inline export function setCF(v: bool): void { materialize(); fl = v ? fl | CF : fl & ~CF; }

/** Flag pattern from a result alone (ZF SF PF) for size sign bit `sign`. */
export function szp(r: u32, sign: u32): u32 {
  const m = (sign << 1) - 1;
  let f: u32 = 0;
  if ((r & m) == 0) f |= ZF;
  if (r & sign) f |= SF;
  if ((popcnt<u32>(r & 0xFF) & 1) == 0) f |= PF;
  return f;
}

@inline export function lazy(op: u32, a: u32, b: u32, r: u32, sign: u32): void {
  lop = op; la = a; lb = b; lres = r; lsign = sign;
}
/** INC/DEC keep CF: capture it into fl before switching the lazy op. */
@inline export function lazyIncDec(op: u32, a: u32, r: u32, sign: u32): void {
  if (lop != L_INC && lop != L_DEC) { const c = cfNow(); fl = c ? fl | CF : fl & ~CF; }
  lop = op; la = a; lb = 1; lres = r; lsign = sign;
}
/** Shifts and multiplies: CF/OF given (`cfof`, the CF and OF bits), AF cleared, ZF SF PF left to the result. */
@inline export function lazyRes(r: u32, cfof: u32, sign: u32): void {
  fl = (fl & ~(CF | OF | AF)) | cfof; lop = L_RES; lres = r; lsign = sign;
}
@inline export function setLcin(c: u32): void { lcin = c; }

/** Condition codes 0..15 as Jcc/SETcc/CMOVcc encode them. */
@inline export function cond(cc: u32): bool {
  let r: bool;
  switch (cc >> 1) {
    case 0: r = getOF(); break;
    case 1: r = cfNow(); break;
    case 2: r = getZF(); break;
    case 3: r = lop == L_SUB ? subA() <= subB() : cfNow() || getZF(); break;
    case 4: r = getSF(); break;
    case 5: r = getPF(); break;
    case 6: r = lop == L_SUB ? <i32>subA() < <i32>subB() : lop == L_LOGIC ? getSF() : getSF() != getOF(); break;
    default: r = lop == L_SUB ? <i32>subA() <= <i32>subB() : lop == L_LOGIC ? getZF() || getSF() : getZF() || (getSF() != getOF()); break;
  }
  return (cc & 1) ? !r : r;
}
