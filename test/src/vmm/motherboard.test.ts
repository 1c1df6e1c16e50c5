import { describe, expect, it } from 'vitest';
import type { Device } from '../../../src/vmm/device-api.ts';
import { ManualClock } from '../../../src/vmm/clock.ts';
import { MachineLog, Motherboard } from '../../../src/vmm/motherboard.ts';
import '../../../src/vmm/machines.ts';

const quiet = () => ({ log: new MachineLog(() => {}), clock: new ManualClock() });

class Counter implements Device<{ n: number; armed: boolean }> {
  readonly version: number;
  state = { n: 0, armed: false };
  restored = 0;
  constructor(
    readonly id: string,
    version = 1,
  ) {
    this.version = version;
  }
  reset(): void {
    this.state = { n: 0, armed: false };
  }
  afterRestore(): void {
    this.restored++;
  }
}

describe('Motherboard', () => {
  it('the CPU-side functions work unbound and reach the claimed ports and MMIO', () => {
    const mb = Motherboard.fromConfig('post:0x80', quiet());
    const { ioRead, ioWrite, mmioRead, mmioWrite } = mb;
    ioWrite(0x80, 1, 0x5a);
    expect(ioRead(0x80, 1)).toBe(0x5a);
    expect(ioRead(0x81, 2)).toBe(0xffff);
    let last = 0;
    mb.ctx.claimMmio(0xfed00000, 0x400, 'test', { read: (o) => o, write: (_o, _s, v) => void (last = v) });
    mmioWrite(0xfed00010, 4, 0xdeadbeef);
    expect(last).toBe(0xdeadbeef);
    expect(mmioRead(0xfed00010, 4)).toBe(0x10);
    expect(mmioRead(0xfed00400, 4)).toBe(0xffffffff);
  });

  it('intAck without an 8259 answers 0xff and logs once', () => {
    const lines: string[] = [];
    const mb = new Motherboard({ log: new MachineLog((l) => lines.push(l)) });
    expect(mb.intAck()).toBe(0xff);
    expect(mb.intAck()).toBe(0xff);
    expect(lines).toEqual(['INTA cycle with no 8259 on the board: vector 0xff']);
  });

  it('device ids are unique and findable', () => {
    const mb = new Motherboard(quiet());
    const a = mb.add(new Counter('a'));
    expect(mb.device('a')).toBe(a);
    expect(mb.device('nope')).toBeUndefined();
    expect(() => mb.add(new Counter('a'))).toThrow('two devices with id a');
  });

  it('snapshot deep-copies state; restore replaces it, sets the clock, calls afterRestore', () => {
    const o = quiet();
    const mb = new Motherboard(o);
    const a = mb.add(new Counter('a'));
    a.state.n = 5;
    o.clock.advance(1234);
    const snap = mb.snapshot();
    a.state.n = 6;
    expect((snap.devices[0].state as { n: number }).n).toBe(5);
    o.clock.advance(1000);
    mb.restore(snap);
    expect(a.state.n).toBe(5);
    expect(o.clock.now()).toBe(1234);
    expect(a.restored).toBe(1);
    a.state.n = 9;
    expect((snap.devices[0].state as { n: number }).n).toBe(5); // restore copied again
    mb.reset();
    expect(a.state.n).toBe(0);
  });

  it('a mismatching snapshot is refused with the device named, and nothing changes', () => {
    const mb = new Motherboard(quiet());
    const a = mb.add(new Counter('a'));
    mb.add(new Counter('b', 2));
    const snap = mb.snapshot();
    const other = new Motherboard(quiet());
    other.add(new Counter('a'));
    other.add(new Counter('b', 3));
    expect(() => other.restore(snap)).toThrow('restore: b has state version 3, the snapshot 2');
    const renamed = new Motherboard(quiet());
    renamed.add(new Counter('a'));
    renamed.add(new Counter('c', 2));
    expect(() => renamed.restore(snap)).toThrow('restore: device 1 is c here but b in the snapshot');
    const fewer = new Motherboard(quiet());
    fewer.add(new Counter('a'));
    expect(() => fewer.restore(snap)).toThrow('restore: snapshot has 2 devices, this machine 1');
    expect(() => mb.restore({ ...snap, format: 'x' } as never)).toThrow(/not a seoulweb machine snapshot/);
    a.state.n = 7;
    expect(() => mb.restore({ ...snap, irqWires: [true] })).toThrow(/IRQ wires/);
    expect(a.state.n).toBe(7);
    expect(a.restored).toBe(0);
  });

  it('snapshots survive structuredClone (what a worker or IndexedDB would do)', () => {
    const mb = Motherboard.fromConfig('pic:0x20,,0x4d0 pic:0xa0,2,0x4d1 pit:0x40,0 sysctrl post:0x80', quiet());
    mb.ioWrite(0x43, 1, 0x34);
    mb.ioWrite(0x40, 1, 0x00);
    mb.ioWrite(0x40, 1, 0x10);
    const snap = structuredClone(mb.snapshot());
    expect(snap.devices.map((d) => d.id)).toEqual(['pic8259@0x20', 'pic8259@0xa0', 'pit8254@0x40', 'sysctrl', 'post@0x80']);
    expect(() => mb.restore(snap)).not.toThrow();
  });
});
