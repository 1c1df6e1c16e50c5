// Status:    complete for what Linux and firmware use.
// Implements: port 0x61 (AT system control port B: bit 0 PIT channel 2 gate, bit 1 speaker data,
//            bits 2-3 parity/IOCHK enables stored, bit 4 refresh toggle, bit 5 channel 2 OUT) and
//            port 0x92 (PS/2 system control port A: bit 0 fast reset, bit 1 fast A20; the other
//            bits are stored).
// Missing:   NMI sources (bits 6-7 of port 0x61 read 0).
// Ignored:   writes to port 0x61 bits 4-7 (read-only on the AT).
// Reference: IBM PC/AT Technical Reference (port 0x61); IBM PS/2 Hardware Interface Technical
//            Reference (port 0x92); Intel 82371AB PIIX4 datasheet (NMI status and control).
// Config:    sysctrl — claims 0x61 and 0x92.
//
// The refresh bit toggles once per DRAM refresh request: PIT channel 1 on a PC runs with count 18,
// so every 18 PIT clocks (15.085 µs); it is derived from the clock, not from channel 1.

import { registerDevice } from '../vmm/config.ts';
import type { Device, DeviceContext } from '../vmm/device-api.ts';
import type { A20Message, PitGateMessage, PitOutMessage } from '../vmm/messages.ts';
import type { Motherboard } from '../vmm/motherboard.ts';

export const REFRESH_NS = (18 * 1e9) / 1_193_182;

export interface SysctrlState {
  /** Port 0x61 bits 0-3 as written. */
  port61: number;
  /** Port 0x92 as written. */
  port92: number;
}

export class Sysctrl implements Device<SysctrlState> {
  readonly id = 'sysctrl';
  readonly version = 1;
  state: SysctrlState = { port61: 0, port92: 0 };
  private readonly gateMsg: PitGateMessage = { kind: 'pitGate', channel: 2, gate: false };
  private readonly outMsg: PitOutMessage = { kind: 'pitOut', channel: 2, out: false };
  private readonly a20On: A20Message = { kind: 'a20', enabled: true, source: 'port92' };
  private readonly a20Off: A20Message = { kind: 'a20', enabled: false, source: 'port92' };

  constructor(
    private readonly ctx: DeviceContext,
    private readonly mb: Motherboard,
  ) {
    ctx.claimPorts(0x61, 1, `${this.id} port B`, {
      read: () => this.read61(),
      write: (_p, _s, v) => this.write61(v),
    });
    ctx.claimPorts(0x92, 1, `${this.id} port A`, {
      read: () => this.state.port92,
      write: (_p, _s, v) => this.write92(v),
    });
  }

  reset(): void {
    const a20 = (this.state.port92 & 2) !== 0;
    this.state = { port61: 0, port92: 0 };
    this.sendGate();
    if (a20) this.mb.system.send(this.a20Off);
  }

  afterRestore(): void {
    this.sendGate();
    this.mb.system.send(this.state.port92 & 2 ? this.a20On : this.a20Off);
  }

  private read61(): number {
    const refresh = Math.floor(this.ctx.clock.now() / REFRESH_NS) & 1;
    const m = this.outMsg;
    m.out = false;
    this.mb.pit.send(m);
    return (this.state.port61 & 0x0f) | (refresh << 4) | (m.out ? 0x20 : 0);
  }

  private write61(v: number): void {
    const old = this.state.port61;
    this.state.port61 = v & 0x0f;
    if ((old ^ v) & 1) this.sendGate();
  }

  private write92(v: number): void {
    const old = this.state.port92;
    this.state.port92 = v & 0xff;
    if ((old ^ v) & 2) this.mb.system.send(v & 2 ? this.a20On : this.a20Off);
    if (v & 1 && !(old & 1)) this.mb.system.send({ kind: 'reset', reason: 'port 0x92 fast reset' });
  }

  private sendGate(): void {
    this.gateMsg.gate = (this.state.port61 & 1) !== 0;
    this.mb.pit.send(this.gateMsg);
  }
}

registerDevice({
  word: 'sysctrl',
  params: [],
  help: 'System control ports: 0x61 (PIT channel 2 gate and OUT, speaker, refresh) and 0x92 (fast A20, fast reset).',
  create(ctx, _args, mb) {
    return new Sysctrl(ctx, mb);
  },
});
