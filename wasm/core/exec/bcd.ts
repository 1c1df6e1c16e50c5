// Decimal arithmetic (SDM vol. 2: DAA DAS AAA AAS AAM AAD).
import { r8, w8, r16, w16, EAX, raise, fault } from '../cpu';
import { fetch8 } from '../decode';
import { getCF, getAF, setArith, szp, CF, AF } from '../flags';

export function op_daa(op: u32): void {
  const old = r8(0);
  const oldCF = getCF();
  let al = old;
  let f: u32 = 0;
  if ((al & 0xF) > 9 || getAF()) {
    const t = al + 6;
    al = t & 0xFF;
    if (oldCF || t > 0xFF) f |= CF;
    f |= AF;
  }
  if (old > 0x99 || oldCF) { al = (al + 0x60) & 0xFF; f |= CF; }
  w8(0, al);
  setArith(f | szp(al, 0x80));
}
export function op_das(op: u32): void {
  const old = r8(0);
  const oldCF = getCF();
  let al = old;
  let f: u32 = 0;
  if ((al & 0xF) > 9 || getAF()) {
    if (oldCF || al < 6) f |= CF;
    al = (al - 6) & 0xFF;
    f |= AF;
  }
  if (old > 0x99 || oldCF) { al = (al - 0x60) & 0xFF; f |= CF; }
  w8(0, al);
  setArith(f | szp(al, 0x80));
}
export function op_aaa(op: u32): void {
  let ax = r16(EAX);
  let f: u32 = 0;
  if ((ax & 0xF) > 9 || getAF()) { ax = ax + 0x106; f = AF | CF; }
  w16(EAX, ax & 0xFF0F);
  setArith(f | szp(ax & 0xF, 0x80));
}
export function op_aas(op: u32): void {
  let ax = r16(EAX);
  let f: u32 = 0;
  // SDM AAS (P6 and later): AX ← AX − 6 (the borrow reaches AH), then AH ← AH − 1.
  if ((ax & 0xF) > 9 || getAF()) { ax = (ax - 6 - 0x100) & 0xFFFF; f = AF | CF; }
  w16(EAX, ax & 0xFF0F);
  setArith(f | szp(ax & 0xF, 0x80));
}
export function op_aam(op: u32): void {
  const b = fetch8();
  if (fault) return;
  if (b == 0) { raise(0, 0, false); return; }
  const al = r8(0);
  w8(4, al / b);
  const r = al % b;
  w8(0, r);
  setArith(szp(r, 0x80));
}
export function op_aad(op: u32): void {
  const b = fetch8();
  if (fault) return;
  const r = (r8(0) + r8(4) * b) & 0xFF;
  w16(EAX, r);
  setArith(szp(r, 0x80));
}
