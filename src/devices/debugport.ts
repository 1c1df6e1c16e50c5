// Status:    complete.
// Implements: three debug sinks for test runs: isa-debug-exit (a write of v ends the run with
//            status (v << 1) | 1, as QEMU's isa-debug-exit), a debug console (each byte written is
//            passed to the host; a read answers the port's low byte, as QEMU's debugcon answers
//            0xe9 on port 0xe9), and a POST code port (keeps the last value written).
// Missing:   nothing.
// Ignored:   reads of the debug-exit port (all-ones); the upper bytes of 16/32-bit writes to the
//            console (only the low byte is a character).
// Reference: QEMU's documented isa-debug-exit and debugcon behaviour (not its code).
// Config:    debugexit:port ("debugexit:0xf4"), debugcon:port ("debugcon:0xe9"), post:port
//            ("post:0x80").

import { registerDevice } from '../vmm/config.ts';
import type { Device, DeviceContext } from '../vmm/device-api.ts';
import type { DebugconMessage } from '../vmm/messages.ts';
import type { Motherboard } from '../vmm/motherboard.ts';

type Empty = Record<string, never>;

export class DebugExit implements Device<Empty> {
  readonly id: string;
  readonly version = 1;
  state: Empty = {};

  constructor(ctx: DeviceContext, mb: Motherboard, port: number) {
    this.id = `debugexit@0x${port.toString(16)}`;
    ctx.claimPorts(port, 1, this.id, {
      read: (_p, size) => (size === 4 ? 0xffffffff : (1 << (8 * size)) - 1),
      write: (_p, _s, v) => {
        mb.system.send({ kind: 'debugExit', status: ((v << 1) | 1) >>> 0 });
      },
    });
  }

  reset(): void {}
  afterRestore(): void {}
}

export class DebugCon implements Device<Empty> {
  readonly id: string;
  readonly version = 1;
  state: Empty = {};
  private readonly msg: DebugconMessage;

  constructor(ctx: DeviceContext, mb: Motherboard, port: number) {
    this.id = `debugcon@0x${port.toString(16)}`;
    this.msg = { kind: 'debugcon', port, byte: 0 };
    ctx.claimPorts(port, 1, this.id, {
      read: () => port & 0xff,
      write: (_p, _s, v) => {
        this.msg.byte = v & 0xff;
        mb.debugcon.send(this.msg);
      },
    });
  }

  reset(): void {}
  afterRestore(): void {}
}

export interface PostState {
  last: number;
  /** Number of codes written since reset (progress at a glance). */
  writes: number;
}

export class PostPort implements Device<PostState> {
  readonly id: string;
  readonly version = 1;
  state: PostState = { last: 0, writes: 0 };

  constructor(ctx: DeviceContext, port: number) {
    this.id = `post@0x${port.toString(16)}`;
    ctx.claimPorts(port, 1, this.id, {
      read: () => this.state.last,
      write: (_p, _s, v) => {
        this.state.last = v & 0xff;
        this.state.writes++;
      },
    });
  }

  reset(): void {
    this.state = { last: 0, writes: 0 };
  }

  afterRestore(): void {}
}

registerDevice({
  word: 'debugexit',
  params: ['port'],
  help: 'isa-debug-exit: a write of v ends the run with exit status (v << 1) | 1.',
  create: (ctx, args, mb) => new DebugExit(ctx, mb, args.num(0, undefined, 0xffff)),
});

registerDevice({
  word: 'debugcon',
  params: ['port'],
  help: 'Debug console: every byte written goes to the host (0xe9 by convention).',
  create: (ctx, args, mb) => new DebugCon(ctx, mb, args.num(0, undefined, 0xffff)),
});

registerDevice({
  word: 'post',
  params: ['port'],
  help: 'POST code port: keeps the last byte written (0x80 by convention; also an I/O delay port).',
  create: (ctx, args) => new PostPort(ctx, args.num(0, 0x80, 0xffff)),
});
