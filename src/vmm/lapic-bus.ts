// The APIC bus, host side: delivers interrupt messages (from the IOAPIC, or IPIs a core sent with
// hostApicMessage) to the local APICs, which live in the vCPUs' state blocks (wasm/core/lapic.ts).
// Everything goes through shared memory, so any thread holding the memory can deliver: set the
// vector's IRR bit (and TMR bit for level) with Atomics.or/and on the target's `lapic` words, set a
// pending bit, Atomics.notify the pending word (a vCPU parked in HLT wakes up). It never blocks.
//
// Choices (SDM vol. 3 §10.6, §10.7, MP spec 1.4):
// - Destinations: physical (8-bit xAPIC ID, 0xFF = broadcast), logical flat (LDR bit mask) and
//   cluster (high nibble = cluster, low nibble = member mask, DFR model per target), logical 0xFF =
//   broadcast in both models; shorthands self, all including self, all excluding self.
// - Lowest priority: among the matching software-enabled APICs, a focus processor (the vector is
//   already in its IRR or ISR, focus checking on) wins, else the lowest TPR, ties to the lowest
//   vCPU index (no rotation).
// - A globally disabled APIC (IA32_APIC_BASE bit 11 clear) receives nothing. A software-disabled
//   one drops fixed and lowest-priority messages and still takes NMI, INIT and STARTUP.
// - Fixed and lowest-priority messages with vectors 0-15 are not delivered: the target logs
//   "receive illegal vector" (ESR bit 6) and signals its LVT error entry.
// - ExtINT sets the target's PEND_EXTINT (the core then runs one INTA on the 8259). SMI and the
//   reserved modes are ignored. INIT level de-assert (ICR) has no effect.
import { VCPU, SHARED, MAX_VCPUS, VCPU_BASE, VCPU_BLOCK_SIZE } from '../shared/layout.ts';
import type { ApicMessage } from './messages.ts';

/** `pending` bits the bus sets (wasm/core/index.ts). */
export const PEND_BITS = { NMI: 2, INIT: 4, SIPI: 8, LAPIC: 16, EXTINT: 256 } as const;

/** hostApicMessage kinds (wasm/core/lapic.ts). */
export const APIC_MSG_IPI = 1;
export const APIC_MSG_EOI = 2;

export type LapicDelivery = 'fixed' | 'lowest' | 'smi' | 'nmi' | 'init' | 'init-deassert' | 'startup' | 'extint';
export type Shorthand = 'none' | 'self' | 'all' | 'others';

/** One message on the APIC bus. */
export interface LapicMessage {
  dest: number;
  destMode: 'physical' | 'logical';
  delivery: LapicDelivery;
  vector: number;
  trigger: 'edge' | 'level';
  shorthand?: Shorthand;
  /** The sending vCPU (for the self shorthands); -1 or absent for the IOAPIC. */
  source?: number;
}

const DELIVERY: (LapicDelivery | undefined)[] = ['fixed', 'lowest', 'smi', undefined, 'nmi', 'init', 'startup', undefined];
const SHORTHAND: Shorthand[] = ['none', 'self', 'all', 'others'];

/** Decode an ICR write (as hostApicMessage(APIC_MSG_IPI, lo, hi | sender) reports it). */
export function decodeIcr(lo: number, hi: number): LapicMessage | undefined {
  let delivery = DELIVERY[(lo >>> 8) & 7];
  if (!delivery) return undefined;
  const level = (lo & 0x4000) !== 0;
  const trigger = (lo & 0x8000) ? 'level' : 'edge';
  // INIT with level 0 (trigger level) is the MP spec's INIT de-assert.
  if (delivery === 'init' && !level && trigger === 'level') delivery = 'init-deassert';
  return {
    dest: hi >>> 24, destMode: (lo & 0x800) ? 'logical' : 'physical', delivery, vector: lo & 0xff,
    trigger, shorthand: SHORTHAND[(lo >>> 18) & 3], source: hi & 0xff,
  };
}

// Register offsets inside the `lapic` words.
const R = { ID: 0x20, TPR: 0x80, LDR: 0xd0, DFR: 0xe0, SVR: 0xf0, ISR: 0x100, TMR: 0x180, IRR: 0x200 } as const;
const ESR_RECV_ILLEGAL = 0x40;
const ESR_SIGNAL = 0x80000000;

export interface LapicBusOptions {
  /** Called with the vCPUs that got a message (bit i = vCPU i): wake whatever does not sleep in Atomics.wait. */
  wake?(mask: number): void;
  /** The EOI of a level-triggered vector (from a core): broadcast it to the IOAPICs. */
  eoi?(vector: number): void;
  /** One-line notes on dropped messages (SMI, reserved modes). */
  log?(key: string, line: string): void;
  /** vCPUs on the bus; defaults to SHARED.num_vcpus. */
  count?: number;
}

export class LapicBus {
  private i32: Int32Array;
  private u32: Uint32Array;

  constructor(readonly memory: WebAssembly.Memory, private readonly opts: LapicBusOptions = {}) {
    this.i32 = new Int32Array(memory.buffer);
    this.u32 = new Uint32Array(memory.buffer);
  }

  /** vCPUs on the bus. */
  get count(): number {
    const n = this.opts.count ?? this.u32[SHARED.num_vcpus >> 2];
    return Math.max(1, Math.min(MAX_VCPUS, n || 1));
  }

  /** The CoreHost `apicMessage` import: an IPI or a level-triggered EOI from a core. */
  coreMessage(kind: number, a: number, b: number): void {
    if (kind === APIC_MSG_IPI) {
      const m = decodeIcr(a >>> 0, b >>> 0);
      if (m) this.deliver(m);
      else this.opts.log?.('apic-icr-mode', `LAPIC: IPI with reserved delivery mode ${(a >>> 8) & 7} dropped`);
    } else if (kind === APIC_MSG_EOI) this.opts.eoi?.(a & 0xff);
  }

  /** Deliver an IOAPIC message or an IPI; returns the mask of vCPUs it reached. */
  deliver(m: LapicMessage | ApicMessage): number {
    const msg = m as LapicMessage;
    if (msg.delivery === 'smi') { this.opts.log?.('apic-smi', 'LAPIC: SMI messages are ignored'); return 0; }
    if (msg.delivery === 'init-deassert') return 0;
    let targets = this.targets(msg);
    if (msg.delivery === 'lowest') targets = this.lowest(targets, msg.vector);
    let reached = 0;
    for (let i = 0; targets >> i; i++) if ((targets >> i) & 1 && this.accept(i, msg)) reached |= 1 << i;
    if (reached) this.opts.wake?.(reached);
    return reached;
  }

  /** The vCPUs a message addresses (bit mask), before lowest-priority arbitration. */
  targets(m: LapicMessage): number {
    const n = this.count;
    const all = n >= 32 ? -1 : (1 << n) - 1;
    const src = m.source ?? -1;
    let mask = 0;
    switch (m.shorthand ?? 'none') {
      case 'self': return src >= 0 && src < n ? 1 << src : 0;
      case 'all': mask = all; break;
      case 'others': mask = src >= 0 ? all & ~(1 << src) : all; break;
      default:
        for (let i = 0; i < n; i++) if (this.matches(i, m.dest & 0xff, m.destMode === 'logical')) mask |= 1 << i;
    }
    for (let i = 0; i < n; i++) if (!this.hwEnabled(i)) mask &= ~(1 << i);
    return mask;
  }

  private matches(i: number, dest: number, logical: boolean): boolean {
    if (dest === 0xff) return true;
    if (!logical) return this.reg(i, R.ID) >>> 24 === dest;
    const ldr = this.reg(i, R.LDR) >>> 24;
    if ((this.reg(i, R.DFR) >>> 28) === 0xf) return (ldr & dest) !== 0;
    return (ldr >>> 4) === (dest >>> 4) && (ldr & dest & 0xf) !== 0;
  }

  /** Lowest-priority arbitration: one target of `mask`, or 0. */
  private lowest(mask: number, vector: number): number {
    let best = -1;
    let bestTpr = 0x100;
    for (let i = 0; mask >> i; i++) {
      if (!((mask >> i) & 1) || !this.swEnabled(i)) continue;
      const focusOn = (this.reg(i, R.SVR) & 0x200) === 0;
      if (focusOn && (this.vecBit(i, R.IRR, vector) || this.vecBit(i, R.ISR, vector))) return 1 << i;
      const tpr = this.reg(i, R.TPR) & 0xff;
      if (tpr < bestTpr) { best = i; bestTpr = tpr; }
    }
    return best < 0 ? 0 : 1 << best;
  }

  /** Hand the message to vCPU i's APIC; false if it dropped it. */
  private accept(i: number, m: LapicMessage): boolean {
    switch (m.delivery) {
      case 'fixed': case 'lowest': {
        if (!this.swEnabled(i)) return false;
        const v = m.vector & 0xff;
        if (v < 16) {
          Atomics.or(this.i32, this.word(i, VCPU.lapic_esr_acc), ESR_RECV_ILLEGAL | ESR_SIGNAL);
          this.post(i, PEND_BITS.LAPIC);
          return false;
        }
        const bit = 1 << (v & 31);
        const tmr = this.word(i, VCPU.lapic + R.TMR + ((v >> 5) << 4));
        if (m.trigger === 'level') Atomics.or(this.i32, tmr, bit); else Atomics.and(this.i32, tmr, ~bit);
        Atomics.or(this.i32, this.word(i, VCPU.lapic + R.IRR + ((v >> 5) << 4)), bit);
        this.post(i, PEND_BITS.LAPIC);
        return true;
      }
      case 'nmi': this.post(i, PEND_BITS.NMI); return true;
      case 'init': this.post(i, PEND_BITS.INIT); return true;
      case 'startup':
        Atomics.store(this.i32, this.word(i, VCPU.sipi_vector), m.vector & 0xff);
        this.post(i, PEND_BITS.SIPI);
        return true;
      case 'extint': this.post(i, PEND_BITS.EXTINT); return true;
      default: return false;
    }
  }

  private post(i: number, bits: number): void {
    const w = this.word(i, VCPU.pending);
    Atomics.or(this.i32, w, bits);
    Atomics.notify(this.i32, w);
  }

  private word(i: number, off: number): number { return (VCPU_BASE + i * VCPU_BLOCK_SIZE + off) >> 2; }
  private reg(i: number, r: number): number { return Atomics.load(this.u32, this.word(i, VCPU.lapic + r)); }
  private vecBit(i: number, arr: number, v: number): boolean {
    return ((this.reg(i, arr + ((v >> 5) << 4)) >>> (v & 31)) & 1) !== 0;
  }
  private hwEnabled(i: number): boolean { return (this.u32[this.word(i, VCPU.apic_base)] & 0x800) !== 0; }
  private swEnabled(i: number): boolean { return (this.reg(i, R.SVR) & 0x100) !== 0; }
}

/** The next LAPIC timer event of vCPU `index` in host-clock ns, or Infinity (a parked vCPU's wake-up time). */
export function lapicDeadlineNs(memory: WebAssembly.Memory, index: number): number {
  const dv = new DataView(memory.buffer);
  const v = dv.getBigInt64(VCPU_BASE + index * VCPU_BLOCK_SIZE + VCPU.lapic_deadline_ns, true);
  return v === 0n ? Infinity : Number(v);
}
