// A text dump of where every vCPU is, read from shared memory without stopping anything: for a
// machine that hangs (the CLI prints it on SIGUSR2 and on --timeout). Registers other than EIP and
// the pending/LAPIC/mailbox words are as of the vCPU's last exit (EFLAGS is materialised only
// then), so a running vCPU shows a stale EFLAGS; two dumps a second apart show which vCPUs move.
// The stack walk follows the EBP chain through the kernel's direct map (PAGE_OFFSET 0xC0000000),
// which is what a frame-pointer kernel gives; map the addresses with images/System.map.gz.
import { VCPU, VCPU_BASE, VCPU_BLOCK_SIZE, RAM_BASE } from '../shared/layout.ts';

export interface DumpSource {
  memory: WebAssembly.Memory;
  ramBytes: number;
  cpus: number;
  /** Per vCPU: 'worker' or 'local', and the worker's last reported stats if any. */
  where(i: number): { kind: string; stats?: unknown; mailboxServing?: boolean };
  /** Host-clock now in ns (the clock the LAPIC deadlines use). */
  nowNs(): number;
  /** Extra lines (device state). */
  extra?(): string[];
}

const PAGE_OFFSET = 0xc0000000;
const hex = (v: number, w = 8) => (v >>> 0).toString(16).padStart(w, '0');

/** Vectors set in a 256-bit LAPIC array (ISR, TMR, IRR) at register offset `reg`. */
function vectors(dv: DataView, base: number, reg: number): number[] {
  const out: number[] = [];
  for (let w = 0; w < 8; w++) {
    const v = dv.getUint32(base + VCPU.lapic + reg + w * 16, true);
    for (let b = 0; b < 32; b++) if ((v >>> b) & 1) out.push(w * 32 + b);
  }
  return out;
}

function kernelWord(dv: DataView, ramBytes: number, va: number): number | undefined {
  const pa = (va >>> 0) - PAGE_OFFSET;
  if (pa < 0 || pa + 4 > ramBytes) return undefined;
  return dv.getUint32(RAM_BASE + pa, true);
}

/** Return addresses along the EBP chain (at most `max`). */
function backtrace(dv: DataView, ramBytes: number, ebp: number, max = 12): number[] {
  const out: number[] = [];
  for (let i = 0; i < max && ebp >>> 0 >= PAGE_OFFSET; i++) {
    const ret = kernelWord(dv, ramBytes, ebp + 4);
    const next = kernelWord(dv, ramBytes, ebp);
    if (ret === undefined || next === undefined) break;
    out.push(ret);
    if (next >>> 0 <= ebp >>> 0) break;
    ebp = next;
  }
  return out;
}

export function dumpVcpus(src: DumpSource): string {
  const dv = new DataView(src.memory.buffer);
  const now = src.nowNs();
  const lines: string[] = [];
  for (let i = 0; i < src.cpus; i++) {
    const b = VCPU_BASE + i * VCPU_BLOCK_SIZE;
    const u = (off: number) => dv.getUint32(b + off, true);
    const l = (reg: number) => u(VCPU.lapic + reg);
    const w = src.where(i);
    const dl = Number(dv.getBigInt64(b + VCPU.lapic_deadline_ns, true));
    const mb = [0, 1, 2, 3, 4].map((k) => u(VCPU.mailbox + 4 * k));
    lines.push(`vCPU ${i} (${w.kind}${w.mailboxServing === false ? ', mailbox NOT served' : ''}): ` +
      `eip=${hex(u(VCPU.eip))} cs=${hex(u(VCPU.seg_sel + 4), 4)} cpl=${u(VCPU.cpl)} eflags=${hex(u(VCPU.eflags))} ` +
      `IF=${(u(VCPU.eflags) >>> 9) & 1} halted=${u(VCPU.halted)} shadow=${u(VCPU.int_shadow)} ` +
      `instret=${dv.getBigUint64(b + VCPU.instret, true)}`);
    lines.push(`  ${['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'].map((r, k) => `${r}=${hex(u(VCPU.gpr + 4 * k))}`).join(' ')} ` +
      `fs=${hex(u(VCPU.seg_sel + 16), 4)}:${hex(u(VCPU.seg_base + 16))} cr3=${hex(u(VCPU.cr3))}`);
    lines.push(`  pending=${hex(Atomics.load(new Int32Array(src.memory.buffer), (b + VCPU.pending) >> 2))} ` +
      `pause=${u(VCPU.pause)} mailbox=[state ${mb[0]} kind ${mb[1]} a ${hex(mb[2])} b ${hex(mb[3])} data ${hex(mb[4])}] ` +
      `apic_base=${hex(u(VCPU.apic_base))}`);
    lines.push(`  lapic id=${l(0x20) >>> 24} tpr=${hex(l(0x80), 2)} svr=${hex(l(0xf0), 3)} ldr=${hex(l(0xd0))} ` +
      `isr=[${vectors(dv, b, 0x100).map((v) => hex(v, 2))}] irr=[${vectors(dv, b, 0x200).map((v) => hex(v, 2))}] ` +
      `tmr=[${vectors(dv, b, 0x180).map((v) => hex(v, 2))}] icr=${hex(l(0x310))}:${hex(l(0x300))} esr_acc=${hex(u(VCPU.lapic_esr_acc))}`);
    lines.push(`  timer lvt=${hex(l(0x320))} icr=${l(0x380)} dcr=${hex(l(0x3e0), 1)} ` +
      `deadline=${dl === 0 ? 'none' : `${((dl - now) / 1e6).toFixed(3)} ms from now`} lint0=${hex(l(0x350))}`);
    const bt = backtrace(dv, src.ramBytes, u(VCPU.gpr + 20));
    if (bt.length) lines.push(`  ebp chain: ${bt.map((a) => hex(a)).join(' ')}`);
    if (w.stats) lines.push(`  worker: ${JSON.stringify(w.stats)}`);
  }
  for (const e of src.extra?.() ?? []) lines.push(e);
  return lines.join('\n');
}
