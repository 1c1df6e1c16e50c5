// Stack frames built before they are committed: interrupts, call gates and task switches push onto
// a stack (often one that is not loaded yet) and only then change registers, so a fault while
// pushing leaves the architectural state untouched. Also the inner-level stacks of the TSS.
import { fault, raiseSS, raiseTS, TR, segBase, segLimit, segAttr, segSel } from '../cpu';
import { linWr, linRd, inLimit, ATTR_UNUSABLE_BIT } from '../mmu/descriptor';

let fBase: u32 = 0;
let fLimit: u32 = 0;
let fAttr: u32 = 0;
let fSp: u32 = 0;
let fUser: bool = false;
let fErr: u32 = 0;

/**
 * Start a frame on the stack segment (base, limit, attr) at stack pointer `sp`; writes use user
 * rights when `user`. A push beyond the limit raises #SS(err).
 */
export function frameOpen(base: u32, limit: u32, attr: u32, sp: u32, user: bool, err: u32): void {
  fBase = base; fLimit = limit; fAttr = attr; fSp = sp; fUser = user; fErr = err;
}
/** Push a 2- or 4-byte value (SP wraps at 64 KiB on a 16-bit stack). */
export function framePush(v: u32, size: u32): void {
  if (fault) return;
  const big = (fAttr & 0x4000) != 0;
  const n = fSp - size;
  const off = big ? n : n & 0xFFFF;
  if ((fAttr & ATTR_UNUSABLE_BIT) || !inLimit(fAttr, fLimit, off, size)) { raiseSS(fErr); return; }
  linWr(fBase + off, size, v, fUser);
  if (fault) return;
  fSp = big ? n : (fSp & 0xFFFF0000) | off;
}
/** The stack pointer after the pushes so far. */
export function frameSp(): u32 { return fSp; }

/** SS and ESP for privilege level `pl` read from the current TSS by tssStack(). */
export let tssSs: u32 = 0;
export let tssEsp: u32 = 0;

/** Read the stack for privilege `pl` from the TSS (32- or 16-bit); #TS(TR | ext) beyond its limit. */
export function tssStack(pl: u32, ext: u32): bool {
  const is32 = (segAttr(TR) & 8) != 0;
  const off: u32 = is32 ? 4 + (pl << 3) : 2 + (pl << 2);
  if (off + (is32 ? 7 : 3) > segLimit(TR)) { raiseTS((segSel(TR) & 0xFFFC) | ext); return false; }
  const a = segBase(TR) + off;
  tssEsp = linRd(a, is32 ? 4 : 2, false);
  if (fault) return false;
  tssSs = linRd(a + (is32 ? 4 : 2), 2, false);
  return !fault;
}
