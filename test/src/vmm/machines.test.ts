import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/vmm/clock.ts';
import { knownWords, parseConfig } from '../../../src/vmm/config.ts';
import { MACHINES, createMachine, machinesHelp, resolveMachine } from '../../../src/vmm/machines.ts';
import { MachineLog } from '../../../src/vmm/motherboard.ts';

const quiet = () => ({ log: new MachineLog(() => {}), clock: new ManualClock() });

describe('machine presets', () => {
  it('every preset parses with registered words only', () => {
    for (const m of MACHINES) expect(() => parseConfig(resolveMachine(m.name))).not.toThrow();
    const words = knownWords().map((w) => w.word);
    for (const w of ['pic', 'pit', 'sysctrl', 'rtc', 'uart', 'kbc', 'ioapic', 'pcihost', 'post', 'debugcon', 'debugexit']) {
      expect(words).toContain(w);
    }
  });

  it('pc builds the whole default PC without port or MMIO conflicts', () => {
    const mb = createMachine('pc', quiet());
    expect(mb.devices.map((d) => d.id)).toEqual([
      'pic8259@0x20', 'pic8259@0xa0', 'pit8254@0x40', 'sysctrl', 'rtc146818@0x70', 'uart16550@0x3f8',
      expect.stringMatching(/^i8042/), expect.stringMatching(/^ioapic@0xfec00000/), 'pcihost@0xcf8', 'post@0x80',
      'ferr@0xf0',
    ]);
    const owners = [0x20, 0xa1, 0x4d0, 0x4d1, 0x40, 0x43, 0x61, 0x92, 0x70, 0x3f8, 0x60, 0x64, 0xcf8, 0xcfc, 0x80, 0xf0, 0xf1];
    for (const p of owners) expect(mb.io.ownerOfPort(p), `port ${p.toString(16)}`).toBeDefined();
    expect(mb.io.ownerOfPort(0xe9)).toBeUndefined();
    expect(mb.io.ownerOfMmio(0xfec00000)).toMatch(/^ioapic/);
  });

  it('pc: IRQ 4 from the UART reaches both the 8259 and IOAPIC pin 4; IRQ 0 reaches pin 2', () => {
    const mb = createMachine('pc', quiet());
    const seen: string[] = [];
    mb.irqs.attachIoapic({ setLevel: (pin, l) => void (l && seen.push(`io${pin}`)) });
    let intr = false;
    mb.cpu.listen((m) => void (m.kind === 'intr' && (intr = m.level)));
    const out = (p: number, v: number) => mb.ioWrite(p, 1, v);
    out(0x20, 0x11); out(0x21, 0x30); out(0x21, 0x04); out(0x21, 0x01); out(0x21, 0xee); // IRQ 0 and 4 open
    out(0x3f9, 0x02); // UART: THRE interrupt
    out(0x3fc, 0x08); // OUT2 opens the IRQ gate
    expect(seen).toContain('io4');
    expect(intr).toBe(true);
    expect(mb.intAck()).toBe(0x34);
    out(0x43, 0x30); out(0x40, 2); out(0x40, 0);
    (mb.clock as ManualClock).advance(10_000);
    expect(seen).toContain('io2');
  });

  it('pc-debug adds the debug ports; the help lists every preset', () => {
    const mb = createMachine('pc-debug', quiet());
    expect(mb.io.ownerOfPort(0xe9)).toBe('debugcon@0xe9');
    expect(mb.io.ownerOfPort(0xf4)).toBe('debugexit@0xf4');
    for (const m of MACHINES) expect(machinesHelp()).toContain(m.name);
    expect(resolveMachine('pc-core uart:0x2f8,3')).toMatch(/ post:0x80 uart:0x2f8,3$/);
  });
});
