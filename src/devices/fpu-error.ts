// Status:    complete.
// Implements: the PC/AT coprocessor-error logic of the chipset (MS-DOS compatibility mode of the
//            x87, CR0.NE = 0): FERR# from any vCPU raises IRQ 13 (latched); a write to port 0xF0
//            clears the latch and asserts IGNNE# while FERR# is still asserted; IGNNE# drops when
//            FERR# is released (the guest cleared ES with FNCLEX, FNINIT, FLDENV, FRSTOR...).
// Missing:   nothing a guest can see.
// Ignored:   port 0xF1 (the 80287 reset on the AT; a P6 x87 is reset by FNINIT); reads of both
//            ports (all-ones).
// Reference: Intel SDM vol. 1 §8.7 and Appendix D (MS-DOS compatibility sub-mode, FERR#/IGNNE#);
//            Intel 82371AB PIIX4 datasheet (coprocessor error function, port F0h); IBM PC/AT
//            Technical Reference (ports F0h/F1h).
// Config:    ferr:port,irq ("ferr:0xf0,13") — claims port and port + 1.
//
// FERR# is the OR of the vCPUs' outputs (state.ferr has one bit per vCPU). IRQ 13 rises on the
// OR's rising edge and stays up until the port write, as the AT's flip-flop does; an IRQ 13
// handler that never writes the port gets no further interrupt.

import { registerDevice } from '../vmm/config.ts';
import type { Device, DeviceContext, IrqWire } from '../vmm/device-api.ts';
import type { FerrMessage } from '../vmm/messages.ts';
import type { Motherboard } from '../vmm/motherboard.ts';

export interface FpuErrorState {
  /** FERR# per vCPU (bit i = vCPU i asserts it). */
  ferr: number;
  /** The IRQ latch (IRQ 13's level). */
  irq: boolean;
  /** IGNNE# to the vCPUs. */
  ignne: boolean;
}

export class FpuError implements Device<FpuErrorState> {
  readonly id: string;
  readonly version = 1;
  state: FpuErrorState = { ferr: 0, irq: false, ignne: false };
  private readonly wire: IrqWire;

  constructor(ctx: DeviceContext, mb: Motherboard, port: number, irq: number) {
    this.id = `ferr@0x${port.toString(16)}`;
    this.wire = ctx.irq(irq);
    ctx.claimPorts(port, 2, this.id, {
      read: (_p, size) => (size === 4 ? 0xffffffff : (1 << (8 * size)) - 1),
      write: (p) => {
        if (p === port) this.clearLatch();
        else ctx.log.once(`${this.id}-reset`, `${this.id}: write to port 0x${p.toString(16)} (80287 reset) ignored`);
      },
    });
    mb.fpu.listen((m: FerrMessage) => {
      this.ferr(m.cpu, m.level);
      m.ignne = this.state.ignne;
      return true;
    });
  }

  /** FERR# of vCPU `cpu` asserted or released. */
  ferr(cpu: number, level: boolean): void {
    const s = this.state;
    const before = s.ferr;
    s.ferr = level ? s.ferr | (1 << cpu) : s.ferr & ~(1 << cpu);
    if (before === 0 && s.ferr !== 0 && !s.irq) {
      s.irq = true;
      this.wire.raise();
    }
    if (s.ferr === 0) s.ignne = false;
  }

  /** The port write: IRQ 13 drops; IGNNE# follows FERR#. */
  private clearLatch(): void {
    const s = this.state;
    if (s.irq) {
      s.irq = false;
      this.wire.lower();
    }
    s.ignne = s.ferr !== 0;
  }

  reset(): void {
    if (this.state.irq) this.wire.lower();
    this.state = { ferr: 0, irq: false, ignne: false };
  }

  afterRestore(): void {
    // The IRQ wire levels are restored by the motherboard.
  }
}

registerDevice({
  word: 'ferr',
  params: ['port', 'irq'],
  help: 'x87 error logic (CR0.NE = 0): FERR# raises the IRQ, a write to the port clears it and asserts IGNNE#.',
  create: (ctx, args, mb) => new FpuError(ctx, mb, args.num(0, 0xf0, 0xffff), args.num(1, 13, 23)),
});
