import { describe, expect, it } from 'vitest';
import { PciHost } from '../../../src/devices/pci-host.ts';
import { PciConfigSpace, isPciRoot } from '../../../src/devices/pci/config-space.ts';
import { Motherboard } from '../../../src/vmm/motherboard.ts';
import type { SystemMessage } from '../../../src/vmm/messages.ts';
import { FakeContext } from './fake-context.ts';

function setup() {
  const ctx = new FakeContext();
  const resets: number[] = [];
  const host = new PciHost(ctx, { iobase: 0xcf8, onReset: () => resets.push(1) });
  const addr = (bus: number, dev: number, fn: number, reg: number) =>
    (0x80000000 | (bus << 16) | (dev << 11) | (fn << 8) | (reg & 0xfc)) >>> 0;
  const read = (bus: number, dev: number, fn: number, reg: number, size: 1 | 2 | 4 = 4) => {
    ctx.out(0xcf8, addr(bus, dev, fn, reg), 4);
    return ctx.in(0xcfc + (reg & 3), size) >>> 0;
  };
  const write = (bus: number, dev: number, fn: number, reg: number, v: number, size: 1 | 2 | 4 = 4) => {
    ctx.out(0xcf8, addr(bus, dev, fn, reg), 4);
    ctx.out(0xcfc + (reg & 3), v >>> 0, size);
  };
  return { ctx, host, read, write, resets };
}

/** A test function with every kind of BAR. */
function testFunction() {
  const f = new PciConfigSpace({
    vendor: 0x1af4, device: 0x1000, classCode: 0x020000, revision: 1,
    subsystemVendor: 0x1af4, subsystemId: 1, interruptPin: 1,
  });
  f.defineBar(0, 0x20, 'io');
  f.defineBar(1, 0x1000, 'mem32');
  f.defineBar(2, 0x100000, 'mem64', true);
  f.defineRom(0x10000);
  return f;
}

describe('pci-host: configuration mechanism #1', () => {
  it('passes Linux\'s pci_check_type1 and fails its type 2 probe', () => {
    const { ctx } = setup();
    ctx.out(0xcfb, 0x01, 1);
    const tmp = ctx.in(0xcf8, 4);
    ctx.out(0xcf8, 0x80000000, 4);
    expect(ctx.in(0xcf8, 4) >>> 0).toBe(0x80000000);
    ctx.out(0xcf8, tmp, 4);
    // type 2: writes 0 to 0xcfb, 0xcf8, 0xcfa and expects 0 back from 0xcf8 and 0xcfa
    ctx.out(0xcfb, 0, 1);
    ctx.out(0xcf8, 0, 1);
    ctx.out(0xcfa, 0, 1);
    expect(ctx.in(0xcf8, 1)).toBe(0xff);
    expect(ctx.in(0xcfa, 1)).toBe(0xff);
  });

  it('masks reserved address bits', () => {
    const { ctx } = setup();
    ctx.out(0xcf8, 0xffffffff, 4);
    expect(ctx.in(0xcf8, 4) >>> 0).toBe(0x80fffffc);
  });

  it('reads the host bridge IDs with dword, word and byte accesses', () => {
    const { read } = setup();
    expect(read(0, 0, 0, 0x00)).toBe(0x12378086);
    expect(read(0, 0, 0, 0x00, 2)).toBe(0x8086);
    expect(read(0, 0, 0, 0x02, 2)).toBe(0x1237);
    expect(read(0, 0, 0, 0x03, 1)).toBe(0x12);
    expect(read(0, 0, 0, 0x08)).toBe(0x06000002);
    expect(read(0, 0, 0, 0x0a, 2)).toBe(0x0600); // PCI_CLASS_BRIDGE_HOST for pci_sanity_check
    expect(read(0, 0, 0, 0x0e, 1)).toBe(0x00);
    expect(read(0, 0, 0, 0x04)).toBe(0x02800006);
  });

  it('answers all-ones for absent functions, other buses and a clear enable bit', () => {
    const { ctx, read } = setup();
    expect(read(0, 1, 0, 0x00)).toBe(0xffffffff);
    expect(read(0, 0, 1, 0x00)).toBe(0xffffffff);
    expect(read(1, 0, 0, 0x00)).toBe(0xffffffff);
    expect(read(0, 31, 7, 0x00, 2)).toBe(0xffff);
    ctx.out(0xcf8, 0x00000000, 4);
    expect(ctx.in(0xcfc, 4) >>> 0).toBe(0xffffffff);
    ctx.out(0xcf8, 0x80000000, 4);
    expect(ctx.in(0xcfe, 4) >>> 0).toBe(0xffffffff); // crosses the dword
  });

  it('keeps the host bridge identity read-only', () => {
    const { read, write } = setup();
    write(0, 0, 0, 0x00, 0);
    write(0, 0, 0, 0x08, 0);
    expect(read(0, 0, 0, 0x00)).toBe(0x12378086);
    expect(read(0, 0, 0, 0x08)).toBe(0x06000002);
    write(0, 0, 0, 0x0d, 0x40, 1); // latency timer is writable
    expect(read(0, 0, 0, 0x0d, 1)).toBe(0x40);
  });

  it('returns to its power-on state on reset', () => {
    const { ctx, host, read, write } = setup();
    write(0, 0, 0, 0x0d, 0x40, 1);
    write(0, 0, 0, 0x04, 0x0000, 2);
    host.reset();
    expect(ctx.in(0xcf8, 4)).toBe(0);
    expect(read(0, 0, 0, 0x0c)).toBe(0);
    expect(read(0, 0, 0, 0x04, 2)).toBe(0x0006);
  });

  it('asks for a reset through the reset control register', () => {
    const { ctx, resets } = setup();
    ctx.out(0xcf9, 0x02, 1);
    expect(resets.length).toBe(0);
    ctx.out(0xcf9, 0x06, 1);
    expect(resets.length).toBe(1);
    expect(ctx.in(0xcf9, 1)).toBe(0x02);
  });
});

describe('pci-host: registered functions and BARs', () => {
  it('sizes BARs by writing all-ones', () => {
    const { host, read, write } = setup();
    host.registerFunction(0, 3, 0, testFunction());
    expect(read(0, 3, 0, 0x00)).toBe(0x10001af4);
    expect(read(0, 3, 0, 0x2c)).toBe(0x00011af4);
    expect(read(0, 3, 0, 0x3c)).toBe(0x00000100);
    const bars = [0x10, 0x14, 0x18, 0x1c, 0x20, 0x24, 0x30];
    expect(bars.map((r) => read(0, 3, 0, r))).toEqual([0x1, 0x0, 0xc, 0x0, 0x0, 0x0, 0x0]);
    for (const r of bars) write(0, 3, 0, r, 0xffffffff);
    expect(bars.map((r) => read(0, 3, 0, r))).toEqual([
      0xffffffe1, 0xfffff000, 0xfff0000c, 0xffffffff, 0, 0, 0xffff0001,
    ]);
  });

  it('decodes programmed BARs, the command register and write-1-to-clear status', () => {
    const { host, read, write } = setup();
    const f = testFunction();
    const writes: number[] = [];
    f.onWrite = (off) => writes.push(off);
    host.registerFunction(0, 3, 0, f);
    write(0, 3, 0, 0x10, 0xc0a3);
    write(0, 3, 0, 0x14, 0xfebf1234);
    write(0, 3, 0, 0x18, 0xfe000000);
    expect(f.barAddress(0)).toBe(0xc0a0);
    expect(f.barAddress(1)).toBe(0xfebf1000);
    expect(f.barAddress(2)).toBe(0xfe000000);
    expect(f.barSizeOf(2)).toBe(0x100000);
    write(0, 3, 0, 0x04, 0xffff, 2);
    expect(f.command).toBe(0x0547);
    f.set16(0x06, 0x8010);
    write(0, 3, 0, 0x06, 0x8000, 2);
    expect(read(0, 3, 0, 0x06, 2)).toBe(0x0010);
    write(0, 3, 0, 0x3c, 0x0b, 1);
    write(0, 3, 0, 0x3d, 0x04, 1);
    expect(read(0, 3, 0, 0x3c, 2)).toBe(0x010b);
    expect(writes).toEqual([0x10, 0x14, 0x18, 0x04, 0x06, 0x3c, 0x3d]);
    expect(() => host.registerFunction(0, 3, 0, f)).toThrow(/twice/);
  });

  it('links capabilities and sets the capability-list status bit', () => {
    const f = new PciConfigSpace({ vendor: 1, device: 2, classCode: 0 });
    const a = f.addCapability(0x09, 5);
    const b = f.addCapability(0x11, 12);
    expect([a, b]).toEqual([0x40, 0x48]);
    expect(f.configRead(0x34, 1)).toBe(0x40);
    expect(f.configRead(0x40, 2)).toBe(0x4809);
    expect(f.configRead(0x48, 2)).toBe(0x0011);
    expect(f.configRead(0x06, 2) & 0x10).toBe(0x10);
  });
});

describe('pci-host: on a real motherboard', () => {
  it('is made by the config word and takes other functions', () => {
    const mb = Motherboard.fromConfig('pcihost:0xcf8');
    const host = mb.devices.find(isPciRoot)!;
    expect(host).toBeInstanceOf(PciHost);
    host.registerFunction(0, 5, 0, testFunction());
    mb.ioWrite(0xcf8, 4, 0x80002800);
    expect(mb.ioRead(0xcfc, 4) >>> 0).toBe(0x10001af4);
    mb.ioWrite(0xcf8, 4, 0x80000000);
    expect(mb.ioRead(0xcfe, 2)).toBe(0x1237);
    const got: SystemMessage[] = [];
    mb.system.listen((m) => { got.push({ ...m }); });
    mb.ioWrite(0xcf9, 1, 0x06);
    expect(got).toEqual([{ kind: 'reset', reason: 'PCI reset control register' }]);
  });
});

describe('pci-host: snapshot', () => {
  it('restores into a new instance with identical behaviour', () => {
    const a = setup();
    a.write(0, 0, 0, 0x0c, 0x4010);
    a.ctx.out(0xcf8, 0x80000008, 4);
    const b = setup();
    b.host.state = structuredClone(a.host.state);
    b.host.afterRestore();
    const script = (x: ReturnType<typeof setup>) => {
      const r = [x.ctx.in(0xcf8, 4) >>> 0, x.ctx.in(0xcfc, 4) >>> 0, x.read(0, 0, 0, 0x0c)];
      x.write(0, 0, 0, 0x3c, 0x09, 1);
      return r.concat(x.read(0, 0, 0, 0x3c));
    };
    const ra = script(a);
    expect(script(b)).toEqual(ra);
    expect(ra).toEqual([0x80000008, 0x06000002, 0x4010, 0x09]);
    expect(a.host.state.hostBridge).not.toBe(b.host.state.hostBridge);
  });
});
