import { describe, expect, it } from 'vitest';
import { WordArgs, knownWords, machineHelp, parseConfig, registerDevice } from '../../../src/vmm/config.ts';
import { MACHINES, resolveMachine } from '../../../src/vmm/machines.ts';
import { Motherboard, MachineLog } from '../../../src/vmm/motherboard.ts';

const quiet = () => ({ log: new MachineLog(() => {}) });

describe('config strings', () => {
  it('splits words and arguments, keeping empty arguments', () => {
    expect(parseConfig('  pic:0x20,,0x4d0\tpic:0xa0,2,0x4d1 \n pit:0x40,0 sysctrl ')).toEqual([
      { name: 'pic', args: ['0x20', '', '0x4d0'], text: 'pic:0x20,,0x4d0' },
      { name: 'pic', args: ['0xa0', '2', '0x4d1'], text: 'pic:0xa0,2,0x4d1' },
      { name: 'pit', args: ['0x40', '0'], text: 'pit:0x40,0' },
      { name: 'sysctrl', args: [], text: 'sysctrl' },
    ]);
    expect(parseConfig('')).toEqual([]);
  });

  it('an unknown word lists the known words', () => {
    let msg = '';
    try {
      parseConfig('pic:0x20 floppy:0x3f0');
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/^machine config: unknown device "floppy" in "floppy:0x3f0"; known words: /);
    const listed = msg.split('known words: ')[1].split(', ');
    expect(listed).toEqual(knownWords().map((w) => w.word));
    expect(listed).toEqual(expect.arrayContaining(['debugcon', 'debugexit', 'pic', 'pit', 'post', 'sysctrl']));
  });

  it('a malformed word names the word and shows the device help', () => {
    expect(() => parseConfig(':0x20')).toThrow(/malformed word ":0x20"/);
    expect(() => parseConfig('pit:0x40,0,7')).toThrow(
      /bad word "pit:0x40,0,7": too many arguments \(3, at most 2\)\n  usage: pit:iobase,irq\n  Intel 8254/,
    );
    expect(() => Motherboard.fromConfig('pit:zz', quiet())).toThrow(
      /bad word "pit:zz": iobase "zz" is not a number\n  usage: pit:iobase,irq/,
    );
    expect(() => Motherboard.fromConfig('pic', quiet())).toThrow(/bad word "pic": iobase is required\n  usage: pic:iobase,irq-in-master,elcr-port\n  Intel 8259A/);
    expect(() => Motherboard.fromConfig('pic:0x20,9', quiet())).toThrow(/irq-in-master 9 is larger than 7/);
  });

  it('a device error at creation names the word (port conflicts name both owners)', () => {
    expect(() => Motherboard.fromConfig('pit:0x40 post:0x42', quiet())).toThrow(
      /"post:0x42": port 0x0042 claimed twice: post@0x42 wants 0x0042-0x0042, already owned by pit8254@0x40/,
    );
    expect(() => Motherboard.fromConfig('post post', quiet())).toThrow(/claimed twice/);
  });

  it('numbers: decimal, hex, defaults', () => {
    const a = new WordArgs(['a', 'b', 'c', 'd'], ['0x1F', '42', '', 'name']);
    expect(a.num(0)).toBe(31);
    expect(a.num(1)).toBe(42);
    expect(a.num(2, 7)).toBe(7);
    expect(a.optNum(2)).toBeUndefined();
    expect(a.str(3)).toBe('name');
    expect(a.str(2, 'dflt')).toBe('dflt');
    expect(() => a.num(3)).toThrow('d "name" is not a number');
    expect(() => a.num(1, undefined, 40)).toThrow('b 42 is larger than 40');
  });

  it('the registry lists every word with its help', () => {
    registerDevice({ word: 'testonly', params: ['x'], help: 'A test word.', create: () => undefined });
    const words = knownWords().map((w) => w.word);
    expect(words).toEqual([...words].sort());
    expect(words).toEqual(expect.arrayContaining(['pic', 'pit', 'sysctrl', 'debugexit', 'debugcon', 'post', 'testonly']));
    const help = machineHelp();
    expect(help).toContain('  pic:iobase,irq-in-master,elcr-port\n      Intel 8259A');
    expect(help).toContain('  testonly:x\n      A test word.');
    expect(() => registerDevice({ word: 'bad word', params: [], help: '', create: () => undefined })).toThrow();
  });
});

describe('machine presets', () => {
  it('preset names expand inside a spec', () => {
    const pc = MACHINES.find((m) => m.name === 'pc')!.config;
    expect(resolveMachine('pc-debug')).toBe(`${pc} debugcon:0xe9 debugexit:0xf4`);
    expect(resolveMachine('pc-core debugcon:0xe9')).toMatch(/^pic:0x20,,0x4d0 .* post:0x80 debugcon:0xe9$/);
    expect(resolveMachine('pit:0x40')).toBe('pit:0x40');
  });

  it('pc has no debug ports; pc-core builds with the core chips', () => {
    const pc = resolveMachine('pc');
    expect(pc).not.toMatch(/debug/);
    for (const w of ['pic:0x20,,0x4d0', 'pic:0xa0,2,0x4d1', 'pit:0x40,0', 'sysctrl', 'rtc:0x70,8', 'uart:0x3f8,4', 'kbc:', 'ioapic', 'pcihost:0xcf8', 'post:0x80', 'ferr:0xf0,13']) {
      expect(pc).toContain(w);
    }
    const mb = Motherboard.fromConfig(resolveMachine('pc-core'), quiet());
    expect(mb.devices.map((d) => d.id)).toEqual(['pic8259@0x20', 'pic8259@0xa0', 'pit8254@0x40', 'sysctrl', 'post@0x80']);
  });
});
