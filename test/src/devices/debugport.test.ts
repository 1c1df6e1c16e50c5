import { describe, expect, it } from 'vitest';
import type { DebugconMessage, SystemMessage } from '../../../src/vmm/messages.ts';
import { board } from '../vmm/board.ts';

describe('debug ports', () => {
  it('debugexit: a write of v ends the run with status (v << 1) | 1', () => {
    const b = board('debugexit:0xf4');
    const got: SystemMessage[] = [];
    b.mb.system.listen((m) => void got.push({ ...m }));
    b.outb(0xf4, 0x10);
    b.mb.ioWrite(0xf4, 4, 0x7fffffff);
    expect(got).toEqual([
      { kind: 'debugExit', status: 0x21 },
      { kind: 'debugExit', status: 0xffffffff },
    ]);
    expect(b.inb(0xf4)).toBe(0xff);
  });

  it('debugcon: every byte goes to the host; a read answers the port low byte', () => {
    const b = board('debugcon:0xe9');
    let text = '';
    b.mb.debugcon.listen((m: DebugconMessage) => {
      expect(m.port).toBe(0xe9);
      text += String.fromCharCode(m.byte);
    });
    for (const c of 'hi!\n') b.outb(0xe9, c.charCodeAt(0));
    expect(text).toBe('hi!\n');
    expect(b.inb(0xe9)).toBe(0xe9);
  });

  it('post: keeps the last code; snapshot round trip and reset', () => {
    const b = board('post:0x80');
    b.outb(0x80, 0x12);
    b.outb(0x80, 0x34);
    expect(b.inb(0x80)).toBe(0x34);
    const snap = b.mb.snapshot();
    b.outb(0x80, 0x56);
    b.mb.restore(snap);
    expect(b.inb(0x80)).toBe(0x34);
    expect(b.mb.device('post@0x80')!.state).toEqual({ last: 0x34, writes: 2 });
    b.mb.reset();
    expect(b.inb(0x80)).toBe(0);
  });

  it('post defaults to port 0x80; debugexit needs its port', () => {
    expect(board('post').mb.io.ownerOfPort(0x80)).toBe('post@0x80');
    expect(() => board('debugexit')).toThrow(/port is required[\s\S]*usage: debugexit:port/);
  });
});
