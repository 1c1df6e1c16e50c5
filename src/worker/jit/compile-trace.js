// The trace compiler's code generator: one recorded trace (wasm/core/trace.ts's slot: decoded
// entries and a copy of the code) becomes one wasm function
//   (S, t0, lin0, tagR, tagW) -> EIP after the trace
// that does what the core's replay of those entries does, with the decoding done once:
// - guest registers live in locals, loaded at first use and stored back where the trace ends or
//   stops and before a call that reads them;
// - the lazy flags of the last flag-setting instruction stay in locals (a Jcc or SETcc after it
//   in the trace is a plain comparison) and reach the core's globals only where the trace ends or
//   stops, or something reads them;
// - memory accesses look up the core's TLB inline and call the core's slow path on a miss;
// - every entry the compiler does not know runs through the core's genEntry (the generic case).
// A fault stops the trace before the faulting instruction with the registers and flags as they
// were before it, an exit request or a store into the trace's own bytes after the instruction:
// jStop hands this to replay exactly as its interpreter does.
import { Bytes, OP, I32, VOID } from './wasm-writer.js';
import * as F from './trace-format.js';
/** Indices of the imported functions and globals (jit.js imports them in this order). */
export const FN = { jRd: 0, jWr: 1, jRdW: 2, jLinR: 3, jLinW: 4, jCond: 5, jIncDec: 6, jShift: 7, genEntry: 8, jStop: 9 };
export const GL = { fl: 0, lop: 1, la: 2, lb: 3, lres: 4, lsign: 5, fault: 6, exitReq: 7, stopN: 8, jitExtra: 9 };
const P_S = 0;
const P_T0 = 1;
const P_LIN0 = 2;
const P_TAGR = 3;
const P_TAGW = 4;
/** Instructions a self-looping trace may run after its first pass (the budget and the timer poll). */
const P_LIMIT = 5;
const N_PARAMS = 6;
const ESP = 4;
const SS = 2;
const CF_OF_AF = 0x1 | 0x800 | 0x10;
class Gen {
  constructor(slot, dv, tlb) {
    this.slot = slot;
    this.dv = dv;
    this.tlb = tlb;
    this.b = new Bytes();
    this.nLocals = 0;
    /** Local counting the instructions of a self-looping trace's passes after the first (-1: no loop). */
    this.extra = -1;
    /** Local holding guest register r (32 bits), once loaded or written. */
    this.reg = [];
    this.dirty = [];
    this.pend = null;
  }
  local() { return N_PARAMS + this.nLocals++; }
  get locals() { return this.nLocals; }
  op(o) { this.b.byte(o); return this; }
  get(l) { this.b.byte(OP.localGet).u32(l); return this; }
  set(l) { this.b.byte(OP.localSet).u32(l); return this; }
  tee(l) { this.b.byte(OP.localTee).u32(l); return this; }
  c(v) { this.b.byte(OP.i32Const).s32(v | 0); return this; }
  gget(g) { this.b.byte(OP.globalGet).u32(g); return this; }
  gset(g) { this.b.byte(OP.globalSet).u32(g); return this; }
  call(f) { this.b.byte(OP.call).u32(f); return this; }
  mem(o, align, offset) { this.b.byte(o).u32(align).u32(offset); return this; }
  /** The value on the stack into a new local. */
  save() { const l = this.local(); this.set(l); return l; }
  /** EIP of the byte at trace offset `off`. */
  eip(off) { return this.get(P_T0).c(off).op(OP.i32Add); }
  // ---- guest registers ----
  regLocal(r) {
    let l = this.reg[r];
    if (l === undefined) {
      l = this.local();
      this.get(P_S).mem(OP.i32Load, 2, r * 4).set(l);
      this.reg[r] = l;
    }
    return l;
  }
  /** A copy of register r (stays valid when r is written). */
  readReg(r) { const l = this.local(); this.get(this.regLocal(r)).set(l); return l; }
  /** Register r = the value on the stack. */
  writeReg(r) {
    let l = this.reg[r];
    if (l === undefined) {
      l = this.local();
      this.reg[r] = l;
    }
    this.set(l);
    this.dirty[r] = true;
  }
  /** A copy of byte register r (AL..BH). */
  readReg8(r) {
    const l = this.local();
    this.get(this.regLocal(r & 3));
    if (r >> 2) this.c(8).op(OP.i32ShrU);
    this.c(0xff).op(OP.i32And).set(l);
    return l;
  }
  /** Byte register r = the low byte of local `v`. */
  writeReg8(r, v) {
    const sh = (r >> 2) * 8;
    const l = this.regLocal(r & 3);
    this.get(l).c(~(0xff << sh)).op(OP.i32And).get(v).c(0xff).op(OP.i32And);
    if (sh) this.c(sh).op(OP.i32Shl);
    this.op(OP.i32Or).set(l);
    this.dirty[r & 3] = true;
  }
  /** Store the written registers (the code goes on: they stay cached). */
  storeRegs() {
    for (let r = 0; r < 8; r++)
      if (this.dirty[r]) this.get(P_S).get(this.reg[r]).mem(OP.i32Store, 2, r * 4);
  }
  /** Store the written registers and forget the cache (before a call that may read or write them). */
  spillRegs() { this.storeRegs(); this.reg = []; this.dirty = []; }
  // ---- lazy flags ----
  /** The pending flags into the core's globals (the code goes on: they stay pending). */
  storeFlags() {
    const p = this.pend;
    if (!p) return;
    if (p.op === F.L_INC || p.op === F.L_DEC) {
      this.gget(GL.fl).c(~1).op(OP.i32And).get(p.cf).op(OP.i32Or).gset(GL.fl);
      this.c(p.op).gset(GL.lop).get(p.a).gset(GL.la).c(1).gset(GL.lb).get(p.r).gset(GL.lres).c(p.sign).gset(GL.lsign);
    } else if (p.op === F.L_RES) {
      this.gget(GL.fl).c(~CF_OF_AF).op(OP.i32And).get(p.cfof).op(OP.i32Or).gset(GL.fl);
      this.c(p.op).gset(GL.lop).get(p.r).gset(GL.lres).c(p.sign).gset(GL.lsign);
    } else {
      this.c(p.op).gset(GL.lop).get(p.a).gset(GL.la).get(p.b).gset(GL.lb).get(p.r).gset(GL.lres).c(p.sign).gset(GL.lsign);
    }
  }
  flushFlags() { this.storeFlags(); this.pend = null; }
  setPend(op, a, b, r, sign, cf = -1, cfof = -1) {
    this.pend = { op, a, b, r, sign, cf, cfof };
  }
  /** x aligned so that the operation's sign bit is bit 31. */
  al(p, x) { this.get(x); if (p.sign === 0x80) this.c(24).op(OP.i32Shl); }
  cfOf(p) {
    switch (p.op) {
      case F.L_SUB:
        this.al(p, p.a);
        this.al(p, p.b);
        this.op(OP.i32LtU);
        break;
      case F.L_ADD:
        this.al(p, p.r);
        this.al(p, p.a);
        this.op(OP.i32LtU);
        break;
      case F.L_LOGIC:
        this.c(0);
        break;
      case F.L_INC:
      case F.L_DEC:
        this.get(p.cf);
        break;
      default: this.get(p.cfof).c(1).op(OP.i32And);
    }
  }
  zfOf(p) { this.al(p, p.r); this.op(OP.i32Eqz); }
  sfOf(p) { this.al(p, p.r); this.c(31).op(OP.i32ShrU); }
  ofOf(p) {
    switch (p.op) {
      case F.L_SUB:
        this.al(p, p.a);
        this.al(p, p.b);
        this.op(OP.i32Xor);
        this.al(p, p.a);
        this.al(p, p.r);
        this.op(OP.i32Xor).op(OP.i32And).c(31).op(OP.i32ShrU);
        break;
      case F.L_ADD:
        this.al(p, p.a);
        this.al(p, p.r);
        this.op(OP.i32Xor);
        this.al(p, p.b);
        this.al(p, p.r);
        this.op(OP.i32Xor).op(OP.i32And).c(31).op(OP.i32ShrU);
        break;
      case F.L_LOGIC:
        this.c(0);
        break;
      case F.L_INC:
        this.get(p.r).c(0x80000000).op(OP.i32Eq);
        break;
      case F.L_DEC:
        this.get(p.r).c(0x7fffffff).op(OP.i32Eq);
        break;
      default: this.get(p.cfof).c(11).op(OP.i32ShrU).c(1).op(OP.i32And);
    }
  }
  pfOf(p) { this.get(p.r).c(0xff).op(OP.i32And).op(OP.i32Popcnt).c(1).op(OP.i32And).op(OP.i32Eqz); }
  /** Condition cc (0..15) as 0 or 1 on the stack. */
  cond(cc) {
    const p = this.pend;
    if (!p) {
      this.c(cc).call(FN.jCond);
      return;
    }
    switch (cc >> 1) {
      case 0:
        this.ofOf(p);
        break;
      case 1:
        this.cfOf(p);
        break;
      case 2:
        this.zfOf(p);
        break;
      case 3:
        if (p.op === F.L_SUB) {
          this.al(p, p.a);
          this.al(p, p.b);
          this.op(OP.i32LeU);
        } else {
          this.cfOf(p);
          this.zfOf(p);
          this.op(OP.i32Or);
        }
        break;
      case 4:
        this.sfOf(p);
        break;
      case 5:
        this.pfOf(p);
        break;
      case 6:
        if (p.op === F.L_SUB) {
          this.al(p, p.a);
          this.al(p, p.b);
          this.op(OP.i32LtS);
        } else if (p.op === F.L_LOGIC)
          this.sfOf(p);
        else {
          this.sfOf(p);
          this.ofOf(p);
          this.op(OP.i32Xor);
        }
        break;
      default:
        if (p.op === F.L_SUB) {
          this.al(p, p.a);
          this.al(p, p.b);
          this.op(OP.i32LeS);
        } else if (p.op === F.L_LOGIC) {
          this.zfOf(p);
          this.sfOf(p);
          this.op(OP.i32Or);
        } else {
          this.zfOf(p);
          this.sfOf(p);
          this.ofOf(p);
          this.op(OP.i32Xor).op(OP.i32Or);
        }
    }
    if (cc & 1) this.op(OP.i32Eqz);
  }
  // ---- stops ----
  /** A fault of the entry (at trace offset `off`): stop before it. */
  stopFault(x) {
    this.storeFlags();
    this.storeRegs();
    this.storeExtra();
    this.c(x.upto).eip(x.off).c(0).call(FN.jStop).c(0).op(OP.return);
  }
  /** Stop after the entry; the EIP after it is on the stack... pushed by `after`. */
  stopAfter(x, after) {
    this.storeFlags();
    this.storeRegs();
    this.storeExtra();
    this.c(x.upto).eip(x.off);
    after();
    this.call(FN.jStop).c(0).op(OP.return);
  }
  /** A self-looping trace: the instructions of its passes after the first, for replay's count. */
  storeExtra() { if (this.extra >= 0) this.get(this.extra).gset(GL.jitExtra); }
  /** If global C.fault: stop before the entry. */
  checkFault(x) { this.gget(GL.fault).b.byte(OP.if).byte(VOID); this.stopFault(x); this.op(OP.end); }
  /** If an exit was requested: stop after the entry (at `after`). */
  checkExit(x, after) { this.gget(GL.exitReq).b.byte(OP.if).byte(VOID); this.stopAfter(x, after); this.op(OP.end); }
  // ---- memory ----
  /** The memory operand's offset on the stack. */
  ea(x) {
    const base = (x.w1 >>> 8) & 0xf;
    const idx = (x.w1 >>> 12) & 0xf;
    this.c(x.w2);
    if (base !== F.NONE) this.get(this.regLocal(base)).op(OP.i32Add);
    if (idx !== F.NONE) {
      this.get(this.regLocal(idx));
      const sc = (x.w1 >>> 16) & 3;
      if (sc) this.c(sc).op(OP.i32Shl);
      this.op(OP.i32Add);
    }
  }
  /** Linear address (a local) of an access of `size` bytes at the offset on the stack in segment `seg`. */
  lin(x, seg, size, write) {
    const l = this.local();
    if (x.w1 & F.E1_FLAT) {
      this.set(l);
      return l;
    }
    const o = this.save();
    this.c(seg).get(o).c(size).call(write ? FN.jLinW : FN.jLinR).set(l);
    this.checkFault(x);
    return l;
  }
  linEa(x, size, write) { this.ea(x); return this.lin(x, (x.w1 >>> 20) & 7, size, write); }
  /** TLB hit test for `lin` on the stack as 0/1; leaves ix4 (TLB index * 4) in its local. */
  hit(lin, ix4, tag, size) {
    this.get(lin).c(10).op(OP.i32ShrU).c((this.tlb.tlbEntries - 1) << 2).op(OP.i32And).tee(ix4);
    this.get(tag).op(OP.i32Add).mem(OP.i32Load, 2, 0).get(lin).c(0xfffff000).op(OP.i32And).op(OP.i32Eq);
    if (size > 1) this.get(lin).c(0xfff).op(OP.i32And).c(0x1000 - size).op(OP.i32LeU).op(OP.i32And);
  }
  host(lin, ix4) {
    this.get(P_S).get(ix4).op(OP.i32Add).mem(OP.i32Load, 2, this.tlb.tlbAdd).get(lin).op(OP.i32Add);
  }
  /** Read `size` bytes at linear `lin` (zero-extended) into a new local; a fault stops before the entry. */
  read(x, lin, size, forWrite = false) {
    const v = this.local();
    const ix4 = this.local();
    this.hit(lin, ix4, forWrite ? P_TAGW : P_TAGR, size);
    this.b.byte(OP.if).byte(VOID);
    this.host(lin, ix4);
    this.mem(size === 1 ? OP.i32Load8U : size === 2 ? OP.i32Load16U : OP.i32Load, size === 4 ? 2 : size === 2 ? 1 : 0, 0).set(v);
    this.op(OP.else);
    this.get(lin).c(size).call(forWrite ? FN.jRdW : FN.jRd).set(v);
    this.checkFault(x);
    this.op(OP.end);
    return v;
  }
  /** Write the low `size` bytes of local `v` at linear `lin`; a fault stops before the entry. */
  write(x, lin, size, v) {
    const ix4 = this.local();
    this.hit(lin, ix4, P_TAGW, size);
    this.b.byte(OP.if).byte(VOID);
    this.host(lin, ix4);
    this.get(v).mem(size === 1 ? OP.i32Store8 : size === 2 ? OP.i32Store16 : OP.i32Store, size === 4 ? 2 : size === 2 ? 1 : 0, 0);
    this.op(OP.else);
    this.get(lin).c(size).get(v).call(FN.jWr);
    this.checkFault(x);
    this.op(OP.end);
  }
  /** After a store to `lin`: stop after the entry on an exit request or a store into the trace's bytes. */
  checkStore(x, lin) {
    this.gget(GL.exitReq).get(lin).get(P_LIN0).op(OP.i32Sub).c(F.MAX_CODE + 16).op(OP.i32LtU).op(OP.i32Or);
    this.b.byte(OP.if).byte(VOID);
    this.stopAfter(x, () => this.eip(x.off + x.len));
    this.op(OP.end);
  }
  // ---- ALU ----
  /** r = a op b for ALU kind k (not ADC/SBB) at operand size `sign`, pending flags set; the result local (not masked). */
  alu(k, a, b, sign) {
    this.get(a).get(b);
    let lop;
    switch (k) {
      case 0:
        this.op(OP.i32Add);
        lop = F.L_ADD;
        break;
      case 1:
        this.op(OP.i32Or);
        lop = F.L_LOGIC;
        break;
      case 4:
      case 8:
        this.op(OP.i32And);
        lop = F.L_LOGIC;
        break;
      case 6:
        this.op(OP.i32Xor);
        lop = F.L_LOGIC;
        break;
      default:
        this.op(OP.i32Sub);
        lop = F.L_SUB; // SUB, CMP
    }
    const r = this.save();
    this.setPend(lop, a, b, r, sign);
    return r;
  }
  const(v) { this.c(v); return this.save(); }
  codeU8(at) { return this.dv.getUint8(this.slot + F.T_CODE + at); }
  codeU32(at) { return this.dv.getUint32(this.slot + F.T_CODE + at, true); }
}
function entry(dv, slot, i) {
  const e = slot + F.T_ENTRIES + i * 16;
  const w0 = dv.getUint32(e, true);
  const w1 = dv.getUint32(e + 4, true);
  const w2 = dv.getUint32(e + 8, true);
  const w3 = dv.getUint32(e + 12, true);
  return {
    e, w0, w1, w2, w3, id: w3 & 0xff, d: (w3 >>> 8) & 0xf, s: (w3 >>> 12) & 0xf, k: (w3 >>> 16) & 0x1f,
    off: (w3 >>> F.E3_OFF_SHIFT) & 0x3f, len: (w0 >>> F.E_LEN_SHIFT) & 0xf, upto: (w0 >>> F.E_UPTO_SHIFT) & 0xf,
  };
}
/** The generic case: the core runs the entry; the EIP after it into `next`; stop if it says so. */
function generic(g, x, next) {
  g.flushFlags();
  g.spillRegs();
  g.c(x.e).eip(x.off).call(FN.genEntry).set(next);
  g.gget(GL.stopN).b.byte(OP.if).byte(VOID);
  g.storeExtra();
  g.c(0).op(OP.return).op(OP.end);
}
/** A conditional branch (condition on the stack as 0/1): next = end + (cond ? rel : 0). */
function branch(g, x, rel, next) {
  const c = g.save();
  g.eip(x.off + x.len).c(rel).op(OP.i32Add).eip(x.off + x.len).get(c).op(OP.select).set(next);
}
/** Compile one entry; false if the generic case must run it. */
function compileEntry(g, x, next) {
  const { id, d, s, k } = x;
  const end = () => g.eip(x.off + x.len);
  if (id >= F.F_ALU_RR_K && id < F.F_ALU_RR_K + 9) {
    const kk = id - F.F_ALU_RR_K;
    if (kk === 2 || kk === 3) return false;
    const r = g.alu(kk, g.readReg(d), g.readReg(s), 0x80000000);
    if (kk < 7) {
      g.get(r);
      g.writeReg(d);
    }
    return true;
  }
  if (id >= F.F_ALU_RI_K && id < F.F_ALU_RI_K + 9) {
    const kk = id - F.F_ALU_RI_K;
    if (kk === 2 || kk === 3) return false;
    const r = g.alu(kk, g.readReg(d), g.const(x.w2), 0x80000000);
    if (kk < 7) {
      g.get(r);
      g.writeReg(d);
    }
    return true;
  }
  if (id >= F.F_ALU_RM_K && id < F.F_ALU_RM_K + 8) {
    const kk = id - F.F_ALU_RM_K;
    if (kk === 2 || kk === 3) return false;
    const v = g.read(x, g.linEa(x, 4, false), 4);
    const r = g.alu(kk, g.readReg(d), v, 0x80000000);
    if (kk < 7) {
      g.get(r);
      g.writeReg(d);
    }
    g.checkExit(x, end);
    return true;
  }
  if (id >= F.F_JCC_CC && id < F.F_JCC_CC + 16) {
    g.cond(id - F.F_JCC_CC);
    branch(g, x, x.w2, next);
    return true;
  }
  switch (id) {
    case F.F_INC:
    case F.F_DEC: {
      const a = g.readReg(d);
      g.get(a).c(1).op(id === F.F_INC ? OP.i32Add : OP.i32Sub);
      const r = g.save();
      const op = id === F.F_INC ? F.L_INC : F.L_DEC;
      if (g.pend) {
        // CF is kept: the pending operation's CF.
        let cf;
        if (g.pend.op === F.L_INC || g.pend.op === F.L_DEC) cf = g.pend.cf;
        else {
          g.cond(2);
          cf = g.save();
        }
        g.setPend(op, a, -1, r, 0x80000000, cf);
      } else g.c(op).get(a).get(r).call(FN.jIncDec);
      g.get(r);
      g.writeReg(d);
      return true;
    }
    case F.F_MOV_RR:
      g.get(g.regLocal(s));
      g.writeReg(d);
      return true;
    case F.F_MOV_RI:
      g.c(x.w2);
      g.writeReg(d);
      return true;
    case F.F_JMP:
      g.eip(x.off + x.len).c(x.w2).op(OP.i32Add).set(next);
      return true;
    case F.F_LEA:
      g.ea(x);
      g.writeReg(d);
      return true;
    case F.F_NOP: return true;
    case F.F_SHIFT_RI: {
      const cnt = x.w2 & 31;
      if (cnt === 0) return true;
      const kk = k & 7;
      const a = g.readReg(d);
      if (kk < 4) { // rotates: the core's shift(), which sets the flags itself
        g.flushFlags();
        g.c(kk).get(a).c(cnt).call(FN.jShift);
        g.writeReg(d);
        return true;
      }
      // r, then CF | OF << 11 as shift<u32> computes them.
      if (kk === 5) {
        g.get(a).c(cnt).op(OP.i32ShrU);
        const r = g.save();
        g.get(a).c(cnt - 1).op(OP.i32ShrU).c(1).op(OP.i32And).get(a).c(31).op(OP.i32ShrU).c(11).op(OP.i32Shl).op(OP.i32Or);
        g.setPend(F.L_RES, -1, -1, r, 0x80000000, -1, g.save());
        g.get(r);
        g.writeReg(d);
      } else if (kk === 7) {
        g.get(a).c(cnt).op(OP.i32ShrS);
        const r = g.save();
        g.get(a).c(cnt - 1).op(OP.i32ShrS).c(1).op(OP.i32And);
        g.setPend(F.L_RES, -1, -1, r, 0x80000000, -1, g.save());
        g.get(r);
        g.writeReg(d);
      } else {
        g.get(a).c(cnt).op(OP.i32Shl);
        const r = g.save();
        g.get(a).c(32 - cnt).op(OP.i32ShrU).c(1).op(OP.i32And);
        const cf = g.save();
        g.get(cf).get(r).c(31).op(OP.i32ShrU).get(cf).op(OP.i32Xor).c(11).op(OP.i32Shl).op(OP.i32Or);
        g.setPend(F.L_RES, -1, -1, r, 0x80000000, -1, g.save());
        g.get(r);
        g.writeReg(d);
      }
      return true;
    }
    case F.F_ALU8_RI:
    case F.F_ALU8_RR: {
      const kk = k & 0xf;
      if (kk === 2 || kk === 3) return false;
      const b = id === F.F_ALU8_RI ? g.const(x.w2 & 0xff) : g.readReg8(s);
      const r = g.alu(kk, g.readReg8(d), b, 0x80);
      if (kk < 7) g.writeReg8(d, r);
      return true;
    }
    case F.F_MOV_RI8:
      g.writeReg8(d, g.const(x.w2));
      return true;
    case F.F_UNARY: {
      const a = g.readReg(d);
      if (k & 1) { // NEG
        const z = g.const(0);
        g.get(z).get(a).op(OP.i32Sub);
        const r = g.save();
        g.setPend(F.L_SUB, z, a, r, 0x80000000);
        g.get(r);
        g.writeReg(d);
      } else {
        g.get(a).c(-1).op(OP.i32Xor);
        g.writeReg(d);
      }
      return true;
    }
    case F.F_MUL:
    case F.F_IMUL: {
      const signed = id === F.F_IMUL || k === 5;
      const ext = signed ? OP.i64ExtendI32S : OP.i64ExtendI32U;
      let x1, x2;
      if (id === F.F_MUL) {
        x1 = g.readReg(0);
        x2 = g.readReg(s);
      } else {
        x1 = g.readReg(s);
        x2 = k ? g.const(x.w2) : g.readReg(d);
      }
      g.get(x1).get(x2).op(OP.i32Mul);
      const lo = g.save();
      g.get(x1).op(ext).get(x2).op(ext).op(OP.i64Mul).b.byte(OP.i64Const).s32(32);
      g.op(OP.i64ShrU).op(OP.i32WrapI64);
      const hi = g.save();
      // CF = OF = the high half is not the extension of the low half (zero for MUL, sign for IMUL).
      if (signed) g.get(hi).get(lo).c(31).op(OP.i32ShrS).op(OP.i32Ne);
      else g.get(hi).c(0).op(OP.i32Ne);
      g.c(0x801).op(OP.i32Mul);
      g.setPend(F.L_RES, -1, -1, lo, 0x80000000, -1, g.save());
      if (id === F.F_MUL) {
        g.get(lo);
        g.writeReg(0);
        g.get(hi);
        g.writeReg(2);
      } else {
        g.get(lo);
        g.writeReg(d);
      }
      return true;
    }
    case F.F_CMPRR_JCC:
    case F.F_CMPRI_JCC:
    case F.F_TESTRR_JCC:
    case F.F_TESTRI_JCC: {
      const b = id === F.F_CMPRR_JCC || id === F.F_TESTRR_JCC ? g.readReg(s) : g.const(x.w2);
      g.alu(id === F.F_CMPRR_JCC || id === F.F_CMPRI_JCC ? 7 : 8, g.readReg(d), b, 0x80000000);
      g.cond(k & 0xf);
      branch(g, x, x.w1, next);
      return true;
    }
    case F.F_SETCC:
      g.cond(k & 0xf);
      g.writeReg8(d, g.save());
      return true;
    case F.F_LOAD: {
      const v = g.read(x, g.linEa(x, 4, false), 4);
      g.get(v);
      g.writeReg(d);
      g.checkExit(x, end);
      return true;
    }
    case F.F_LOAD8: {
      const v = g.read(x, g.linEa(x, 1, false), 1);
      g.writeReg8(d, v);
      g.checkExit(x, end);
      return true;
    }
    case F.F_MOVX: {
      const kx = k & 0x1f;
      let v;
      if (kx & 0x10) {
        if (kx & 2) {
          g.get(g.regLocal(s)).c(0xffff).op(OP.i32And);
          v = g.save();
        } else v = g.readReg8(s);
      } else {
        const size = kx & 2 ? 2 : 1;
        v = g.read(x, g.linEa(x, size, false), size);
      }
      g.get(v);
      if (kx & 1) g.op(kx & 2 ? OP.i32Extend16S : OP.i32Extend8S);
      g.writeReg(d);
      if (!(kx & 0x10)) g.checkExit(x, end);
      return true;
    }
    case F.F_CMP8_MI: {
      const v = g.read(x, g.linEa(x, 1, false), 1);
      g.alu(7, v, g.const(g.codeU8(x.off + ((x.w0 >>> F.E_IMM_SHIFT) & 0xf))), 0x80);
      g.checkExit(x, end);
      return true;
    }
    case F.F_ALU_MR:
    case F.F_ALU_MI: {
      const kk = k & 0xf;
      if (kk === 2 || kk === 3) return false;
      const at = x.off + ((x.w0 >>> F.E_IMM_SHIFT) & 0xf);
      const b = id === F.F_ALU_MR ? g.readReg(s) : g.const(s ? (g.codeU8(at) << 24) >> 24 : g.codeU32(at));
      if (kk >= 7) {
        const v = g.read(x, g.linEa(x, 4, false), 4);
        g.alu(kk, v, b, 0x80000000);
        g.checkExit(x, end);
      } else {
        const l = g.linEa(x, 4, true);
        const v = g.read(x, l, 4, true);
        const r = g.alu(kk, v, b, 0x80000000);
        g.write(x, l, 4, r);
        g.checkStore(x, l);
      }
      return true;
    }
    case F.F_STORE:
    case F.F_STORE8:
    case F.F_MOV_MI:
    case F.F_MOV_MI8: {
      const size = id === F.F_STORE8 || id === F.F_MOV_MI8 ? 1 : 4;
      const at = x.off + ((x.w0 >>> F.E_IMM_SHIFT) & 0xf);
      const v = id === F.F_STORE ? g.readReg(s) : id === F.F_STORE8 ? g.readReg8(s)
        : id === F.F_MOV_MI ? g.const(g.codeU32(at)) : g.const(g.codeU8(at));
      const l = g.linEa(x, size, true);
      g.write(x, l, size, v);
      g.checkStore(x, l);
      return true;
    }
    case F.F_PUSH:
    case F.F_CALL: {
      const v = id === F.F_PUSH ? g.readReg(d) : (end(), g.save());
      g.get(g.regLocal(ESP)).c(4).op(OP.i32Sub);
      const sp = g.save();
      g.get(sp);
      const l = g.lin(x, SS, 4, true);
      g.write(x, l, 4, v);
      g.get(sp);
      g.writeReg(ESP);
      if (id === F.F_CALL) {
        g.eip(x.off + x.len).c(x.w2).op(OP.i32Add).set(next);
        g.checkExit(x, () => g.get(next));
      } else g.checkExit(x, end);
      return true;
    }
    case F.F_POP:
    case F.F_RET: {
      const sp = g.readReg(ESP);
      g.get(sp);
      const l = g.lin(x, SS, 4, false);
      const v = g.read(x, l, 4);
      g.get(sp).c(4).op(OP.i32Add);
      g.writeReg(ESP);
      if (id === F.F_POP) {
        g.get(v);
        g.writeReg(d);
        g.checkExit(x, end);
      } else {
        g.get(v).set(next);
        g.checkExit(x, () => g.get(next));
      }
      return true;
    }
  }
  return false;
}
/** The function body for the trace in `slot` (its entries as the core recorded them). */
/** The branch displacement of a trace-ending Jcc, fused compare-and-branch or JMP, else null. */
function branchRel(x) {
  if ((x.id >= F.F_JCC_CC && x.id < F.F_JCC_CC + 16) || x.id === F.F_JMP) return x.w2;
  if (x.id >= F.F_CMPRR_JCC && x.id <= F.F_TESTRI_JCC) return x.w1;
  return null;
}
export function compileTrace(dv, slot, tlb) {
  const g = new Gen(slot, dv, tlb);
  const n = dv.getUint8(slot + F.T_NENT);
  const count = dv.getUint8(slot + F.T_COUNT);
  const next = g.local();
  // A trace whose branch goes back to its own first instruction loops inside the function while
  // the budget and the timer poll allow and no event is pending: each pass ends as a trace does
  // (registers and flags stored), so the next pass starts from the core's state.
  const lastX = n ? entry(dv, slot, n - 1) : null;
  const rel = lastX ? branchRel(lastX) : null;
  const loops = rel !== null && ((lastX.off + lastX.len + rel) | 0) === 0 && count > 0;
  if (loops) {
    g.extra = g.local();
    g.b.byte(OP.loop).byte(VOID);
  }
  let generic_ = 0;
  let last = null;
  for (let i = 0; i < n; i++) {
    const x = entry(dv, slot, i);
    if (!compileEntry(g, x, next)) {
      generic(g, x, next);
      generic_++;
    }
    last = x;
  }
  if (loops) {
    // Again while next == t0, limit >= count and the pending word is 0.
    g.get(next).get(P_T0).op(OP.i32Eq).get(P_LIMIT).c(count).op(OP.i32GeU).op(OP.i32And);
    g.get(P_S).b.byte(0xfe).byte(0x10).u32(2).u32(tlb.pending); // i32.atomic.load
    g.op(OP.i32Eqz).op(OP.i32And).b.byte(OP.if).byte(VOID);
    g.storeFlags();
    g.storeRegs();
    g.get(P_LIMIT).c(count).op(OP.i32Sub).set(P_LIMIT);
    g.get(g.extra).c(count).op(OP.i32Add).set(g.extra);
    g.b.byte(OP.br).u32(1);
    g.op(OP.end).op(OP.end);
  }
  // The end of the trace: flags and registers to the core, the EIP after it.
  g.flushFlags();
  g.spillRegs();
  g.storeExtra();
  if (last && (last.w0 & F.E_NEXT)) g.get(next);
  else if (last) g.eip(last.off + last.len);
  else g.get(P_T0);
  g.op(OP.end);
  const body = new Bytes();
  body.u32(1).u32(g.locals).byte(I32);
  body.append(g.b);
  return { body, generic: generic_, entries: n, loops };
}
