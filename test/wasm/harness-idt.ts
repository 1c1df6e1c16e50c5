// System tables for core tests: a GDT, an LDT, a 32-bit TSS and an IDT (or a real-mode IVT) whose
// handlers are single HLT bytes, one per vector, so that after an exception the vCPU halts and the
// vector can be read back from EIP. Used by the differential test (test/wasm/diff) and the fuzz test.
import { CoreHarness, EXIT } from './harness.ts';
import { assemble } from './nasm.ts';

/** Guest-physical addresses of the tables (all below 2 MiB, above the real-mode area). */
export const SYS = {
  GDT: 0x100000,
  TSS: 0x101000,
  LDT: 0x102000,
  IDT: 0x103000,
  /** HLT bytes: the handler of vector v is at HANDLERS + v. */
  HANDLERS: 0x104000,
  /** Ring-0 stack (for deliveries from CPL 3 through the TSS), grows down from here. */
  STACK0_TOP: 0x180000,
  /** Real mode: handler of vector v at 0000:(REAL_HANDLERS + v); the IVT is at 0. */
  REAL_HANDLERS: 0x500,
} as const;

/** GDT selectors. */
export const SEL = {
  CODE0: 0x08, DATA0: 0x10, TSS: 0x18, LDT: 0x20, CODE16_0: 0x28, DATA16_0: 0x30,
  CODE3: 0x3b, DATA3: 0x43, CODE16_3: 0x4b, DATA16_3: 0x53,
} as const;

/** The segment-attribute word the core caches: descriptor bits 40..55 (type, S, DPL, P, AVL, L, D/B, G). */
export const ATTR = {
  CODE32_0: 0xc09b, DATA32_0: 0xc093, CODE16_0: 0x009b, DATA16_0: 0x0093,
  CODE32_3: 0xc0fb, DATA32_3: 0xc0f3, CODE16_3: 0x00fb, DATA16_3: 0x00f3,
  TSS32_BUSY: 0x008b, LDT: 0x0082, UNUSABLE: 0x10000,
} as const;

/** Vectors that push an error code (SDM vol. 3 table 6-1). */
export const HAS_ERROR_CODE = new Set([8, 10, 11, 12, 13, 14, 17]);

/** An 8-byte segment descriptor as [low dword, high dword]; `attr` as in ATTR (G scales the limit). */
export function segDescriptor(base: number, limit: number, attr: number): [number, number] {
  const lim = attr & 0x8000 ? limit >>> 12 : limit;
  const lo = ((base & 0xffff) << 16) | (lim & 0xffff);
  const hi = (base & 0xff000000) | ((attr & 0xf0ff) << 8) | (lim & 0xf0000) | ((base >>> 16) & 0xff);
  return [lo >>> 0, hi >>> 0];
}

/** A 32-bit interrupt gate (type 0xE) to sel:off with the given DPL. */
export function intGate(sel: number, off: number, dpl: number): [number, number] {
  const lo = ((sel & 0xffff) << 16) | (off & 0xffff);
  const hi = (off & 0xffff0000) | 0x8000 | (dpl << 13) | 0x0e00;
  return [lo >>> 0, hi >>> 0];
}

export interface TableOptions {
  /** LDT descriptors as [base, limit, attr]; selector of entry i = (i << 3) | 4 | RPL. */
  ldt?: Array<[number, number, number]>;
  /** Vectors whose gate has DPL 3 (INT n / INT3 / INTO allowed from CPL 3). Default: 3 and 4. */
  dpl3Vectors?: number[];
}

/** Write the GDT, LDT, TSS, IDT, HLT handlers and the real-mode IVT into guest memory. */
export function writeTables(h: CoreHarness, opts: TableOptions = {}): void {
  const put = (addr: number, d: [number, number]) => { h.write32(addr, d[0]); h.write32(addr + 4, d[1]); };
  const ldt = opts.ldt ?? [];
  const gdt: Array<[number, number]> = [
    [0, 0],
    segDescriptor(0, 0xffffffff, ATTR.CODE32_0),
    segDescriptor(0, 0xffffffff, ATTR.DATA32_0),
    segDescriptor(SYS.TSS, 0x67, ATTR.TSS32_BUSY),
    segDescriptor(SYS.LDT, Math.max(ldt.length * 8, 8) - 1, ATTR.LDT),
    segDescriptor(0, 0xffff, ATTR.CODE16_0),
    segDescriptor(0, 0xffff, ATTR.DATA16_0),
    segDescriptor(0, 0xffffffff, ATTR.CODE32_3),
    segDescriptor(0, 0xffffffff, ATTR.DATA32_3),
    segDescriptor(0, 0xffff, ATTR.CODE16_3),
    segDescriptor(0, 0xffff, ATTR.DATA16_3),
  ];
  gdt.forEach((d, i) => put(SYS.GDT + i * 8, d));
  ldt.forEach(([b, l, a], i) => put(SYS.LDT + i * 8, segDescriptor(b, l, a)));
  // 32-bit TSS: ESP0/SS0 for deliveries from CPL 3; no I/O bitmap (base beyond the limit).
  h.write(SYS.TSS, new Uint8Array(0x68));
  h.write32(SYS.TSS + 4, SYS.STACK0_TOP);
  h.write32(SYS.TSS + 8, SEL.DATA0);
  h.write32(SYS.TSS + 0x64, 0x68 << 16);
  const dpl3 = new Set(opts.dpl3Vectors ?? [3, 4]);
  for (let v = 0; v < 256; v++) put(SYS.IDT + v * 8, intGate(SEL.CODE0, SYS.HANDLERS + v, dpl3.has(v) ? 3 : 0));
  h.write(SYS.HANDLERS, new Uint8Array(256).fill(0xf4));
  // Real mode: IVT at 0, handler v at 0000:REAL_HANDLERS+v.
  for (let v = 0; v < 256; v++) h.write32(v * 4, SYS.REAL_HANDLERS + v);
  h.write(SYS.REAL_HANDLERS, new Uint8Array(256).fill(0xf4));
}

/** Point GDTR, IDTR, LDTR and TR at the tables (protected mode); call before refresh(). */
export function loadTableRegisters(h: CoreHarness, ldtEntries = 1): void {
  h.setField('gdt_base', SYS.GDT); h.setField('gdt_limit', 11 * 8 - 1);
  h.setField('idt_base', SYS.IDT); h.setField('idt_limit', 256 * 8 - 1);
  h.setSeg('ldtr', SEL.LDT, SYS.LDT, Math.max(ldtEntries * 8, 8) - 1, ATTR.LDT);
  h.setSeg('tr', SEL.TSS, SYS.TSS, 0x67, ATTR.TSS32_BUSY);
}

/** Real mode: IDTR = the IVT at 0. */
export function loadRealIvt(h: CoreHarness): void {
  h.setField('idt_base', 0); h.setField('idt_limit', 0x3ff);
}

export interface Outcome {
  /** EXIT reason of run(). */
  exit: number;
  /** Vector delivered to a HLT handler, or -1 (HLT elsewhere, shutdown or budget). */
  vector: number;
}

/** After run(): which handler (if any) the vCPU halted in. Protected and real mode. */
export function handlerVector(h: CoreHarness, exit: number, real = false): number {
  if (exit !== EXIT.HLT) return -1;
  const cs = h.seg('cs');
  const lin = (cs.base + h.eip - 1) >>> 0;
  const start = real ? SYS.REAL_HANDLERS : SYS.HANDLERS;
  return lin >= start && lin < start + 256 ? lin - start : -1;
}

export interface Frame { err: number; eip: number; cs: number; eflags: number; esp?: number; ss?: number }

/** The frame a 32-bit gate pushed for `vector` (with ESP/SS when it came from an outer level). */
export function readFrame(h: CoreHarness, vector: number, fromOuter: boolean): Frame {
  let a = (h.seg('ss').base + h.reg('esp')) >>> 0;
  const next = () => { const v = h.read32(a); a += 4; return v; };
  const err = HAS_ERROR_CODE.has(vector) ? next() : 0;
  const f: Frame = { err, eip: next(), cs: next() & 0xffff, eflags: next() };
  if (fromOuter) { f.esp = next(); f.ss = next() & 0xffff; }
  return f;
}

/**
 * A fresh core in flat 32-bit protected mode with these tables loaded, CR0 = `cr0`, `src`
 * assembled at `at` and EIP there, ESP = 0x70000; `setup` runs before the final refresh().
 */
export function flatMachine(src: string, at: number, cr0: number, setup?: (h: CoreHarness) => void): CoreHarness {
  const h = new CoreHarness();
  writeTables(h);
  loadTableRegisters(h);
  h.flat32();
  h.setField('cr0', cr0);
  h.write(at, assemble(src, 32, at));
  h.eip = at;
  h.setReg('esp', 0x70000);
  setup?.(h);
  h.refresh();
  return h;
}
