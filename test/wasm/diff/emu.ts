// Emulator side of the differential test: runs IN records on the core in the environment the
// native runner has (CPL 3, LDT segments over the region, INT3 everywhere around the instruction)
// and in the host CPU's vendor flavour (wasm/core/vendor.ts), and writes OUT records. Exceptions
// (and the INT3 landings) go through the IDT of harness-idt.ts to ring-0 HLT handlers; the frame
// on the ring-0 stack gives EIP, CS, EFLAGS, ESP and SS.
import { CoreHarness, EXIT } from '../harness.ts';
import { hostVendor } from '../host-vendor.ts';
import { writeTables, HAS_ERROR_CODE, SYS, SEL, ATTR } from '../harness-idt.ts';
import * as SL from '../../../src/shared/layout.ts';
import * as L from './layout.ts';

// Plain local bindings: vitest turns imported names into property reads, which is slow in the hot paths.
const { RAM_BASE } = SL;
const VCPU = { ...SL.VCPU };
const {
  REGION_BASE, BUF_OFF, BUF_LEN, CODE_OFF, EDGE_LEN, REGION_SIZE, SEL_DATA, SEL_CODE, ATTR_DATA, ATTR_CODE,
  SEL_DATA16, SEL_CODE16, ATTR_DATA16, ATTR_CODE16, CASE_CODE16, CASE_STACK16,
  VEC_EMU_BUDGET, VEC_EMU_SHUTDOWN, VEC_EMU_OTHER,
} = L;
const IN = { ...L.IN };
const OUT = { ...L.OUT };

const SEG_LIMIT = 0xffff;

export class EmuRunner {
  readonly h = new CoreHarness();
  private readonly dv: DataView;
  private readonly u8: Uint8Array;
  private readonly vb: number;
  private readonly region: number;

  /** `vendor`: the core's flavour (wasm/core/vendor.ts), by default the host CPU's. */
  constructor(vendor = hostVendor()) {
    const h = this.h;
    h.core.setVendor(vendor);
    writeTables(h, { ldt: [[REGION_BASE, SEG_LIMIT, ATTR_DATA], [REGION_BASE, SEG_LIMIT, ATTR_CODE], [REGION_BASE, SEG_LIMIT, ATTR_DATA16], [REGION_BASE, SEG_LIMIT, ATTR_CODE16]] });
    this.dv = new DataView(h.mem.buffer);
    this.u8 = new Uint8Array(h.mem.buffer);
    this.vb = h.base;
    this.region = RAM_BASE + REGION_BASE;
    // INT3 over the whole region, as on the host (the code page and any stray branch target).
    this.u8.fill(0xcc, this.region, this.region + REGION_SIZE);
  }

  private set(off: number, v: number): void { this.dv.setUint32(this.vb + off, v >>> 0, true); }
  private get(off: number): number { return this.dv.getUint32(this.vb + off, true); }
  private seg(i: number, sel: number, base: number, limit: number, attr: number): void {
    this.set(VCPU.seg_sel + i * 4, sel); this.set(VCPU.seg_base + i * 4, base);
    this.set(VCPU.seg_limit + i * 4, limit); this.set(VCPU.seg_attr + i * 4, attr);
  }

  /** Run record `i` of `inp`, write OUT record `i` of `out`. */
  run(inp: Uint8Array, i: number, out: Uint8Array, budget = 100_000): void {
    const h = this.h;
    const ib = i * IN.size;
    const idv = new DataView(inp.buffer, inp.byteOffset + ib, IN.size);
    const len = inp[ib + IN.len];
    const code = this.region + CODE_OFF;
    this.u8.set(inp.subarray(ib + IN.code, ib + IN.code + len), code);
    this.u8.set(inp.subarray(ib + IN.buf, ib + IN.buf + BUF_LEN), this.region + BUF_OFF);
    this.u8.fill(0xcc, this.region, this.region + EDGE_LEN);
    this.u8.fill(0xcc, this.region + REGION_SIZE - EDGE_LEN, this.region + REGION_SIZE);
    for (let r = 0; r < 8; r++) this.set(VCPU.gpr + r * 4, idv.getUint32(IN.regs + r * 4, true));
    this.set(VCPU.eip, CODE_OFF);
    const fin = idv.getUint32(IN.eflags, true);
    this.set(VCPU.eflags, ((fin & ~(CASE_CODE16 | CASE_STACK16)) | 0x202) >>> 0);
    this.set(VCPU.cr0, 0x11);
    this.set(VCPU.cpl, 3);
    this.set(VCPU.halted, 0);
    this.set(VCPU.int_shadow, 0);
    this.set(VCPU.pending, 0);
    // GDTR, IDTR, LDTR, TR as loadTableRegisters(h, 2) sets them (inlined: this runs per case).
    this.set(VCPU.gdt_base, SYS.GDT); this.set(VCPU.gdt_limit, 11 * 8 - 1);
    this.set(VCPU.idt_base, SYS.IDT); this.set(VCPU.idt_limit, 256 * 8 - 1);
    this.seg(6, SEL.LDT, SYS.LDT, 31, ATTR.LDT);
    this.seg(7, SEL.TSS, SYS.TSS, 0x67, ATTR.TSS32_BUSY);
    for (const s of [0, 3, 4]) this.seg(s, SEL_DATA, REGION_BASE, SEG_LIMIT, ATTR_DATA);
    if (fin & CASE_STACK16) this.seg(2, SEL_DATA16, REGION_BASE, SEG_LIMIT, ATTR_DATA16);
    else this.seg(2, SEL_DATA, REGION_BASE, SEG_LIMIT, ATTR_DATA);
    if (fin & CASE_CODE16) this.seg(1, SEL_CODE16, REGION_BASE, SEG_LIMIT, ATTR_CODE16);
    else this.seg(1, SEL_CODE, REGION_BASE, SEG_LIMIT, ATTR_CODE);
    this.seg(5, 0, 0, 0, 0x10000);
    h.refresh();
    const exit = h.run(budget);

    const ob = i * OUT.size;
    const odv = new DataView(out.buffer, out.byteOffset + ob, OUT.size);
    // The handler of vector v is the HLT at SYS.HANDLERS + v (flat ring-0 CS).
    const lin = (this.get(VCPU.seg_base + 4) + this.get(VCPU.eip) - 1) >>> 0;
    const vec = exit === EXIT.HLT && lin >= SYS.HANDLERS && lin < SYS.HANDLERS + 256 ? lin - SYS.HANDLERS : -1;
    for (let r = 0; r < 8; r++) odv.setUint32(OUT.regs + r * 4, this.get(VCPU.gpr + r * 4), true);
    const sel = (s: number) => this.get(VCPU.seg_sel + s * 4) & 0xffff;
    for (const [k, s] of [[0, 0], [1, 1], [2, 2], [3, 3], [4, 4]]) odv.setUint16(OUT.sel + k * 2, sel(s), true);
    if (vec >= 0) {
      // Frame on the ring-0 stack: [err] EIP CS EFLAGS ESP SS (delivery from CPL 3).
      let a = RAM_BASE + this.get(VCPU.gpr + 16);
      const next = () => { const v = this.dv.getUint32(a, true); a += 4; return v; };
      const err = HAS_ERROR_CODE.has(vec) ? next() : 0;
      odv.setUint32(OUT.vec, vec, true);
      odv.setUint32(OUT.err, err, true);
      odv.setUint32(OUT.eip, next(), true);
      const cs = next() & 0xffff;
      odv.setUint16(OUT.sel + 2, cs, true);
      odv.setUint32(OUT.eflags, next(), true);
      if ((cs & 3) === 3) {
        odv.setUint32(OUT.regs + 16, next(), true);
        odv.setUint16(OUT.sel + 4, next() & 0xffff, true);
      }
    } else {
      odv.setUint32(OUT.vec, exit === EXIT.BUDGET ? VEC_EMU_BUDGET : exit === EXIT.SHUTDOWN ? VEC_EMU_SHUTDOWN : VEC_EMU_OTHER, true);
      odv.setUint32(OUT.eip, this.get(VCPU.eip), true);
      odv.setUint32(OUT.err, exit, true);
      odv.setUint32(OUT.eflags, this.get(VCPU.eflags), true);
    }
    out.set(this.u8.subarray(this.region + BUF_OFF, this.region + BUF_OFF + BUF_LEN), ob + OUT.buf);
    this.u8.fill(0xcc, code - 32, code + 32);
  }
}
