import { describe, expect, it } from 'vitest';
import type { Pic8259 } from '../../../src/devices/pic8259.ts';
import { board } from '../vmm/board.ts';

const PICS = 'pic:0x20,,0x4d0 pic:0xa0,2,0x4d1';

/** Two PICs initialised as Linux does (edge, cascade on IR2, vectors 0x20/0x28), all unmasked. */
function pics(icw4 = 0x01) {
  const b = board(PICS);
  const { outb } = b;
  outb(0x20, 0x11); outb(0x21, 0x20); outb(0x21, 0x04); outb(0x21, icw4);
  outb(0xa0, 0x11); outb(0xa1, 0x28); outb(0xa1, 0x02); outb(0xa1, icw4);
  outb(0x21, 0x00); outb(0xa1, 0x00);
  const wires = Array.from({ length: 16 }, (_, n) => b.mb.irqs.wire(n));
  const irr = (base = 0x20) => (outb(base, 0x0a), b.inb(base));
  const isr = (base = 0x20) => (outb(base, 0x0b), b.inb(base));
  return { ...b, wires, irr, isr, ack: () => b.mb.intAck() };
}

describe('8259A initialisation', () => {
  it('ICW1 clears IMR, ICW2 sets the vector base, OCW1 reads back', () => {
    const b = board(PICS);
    b.outb(0x21, 0x5a);
    expect(b.inb(0x21)).toBe(0x5a);
    b.outb(0x20, 0x11);
    expect(b.inb(0x21)).toBe(0x00); // IMR cleared by ICW1
    b.outb(0x21, 0x70); b.outb(0x21, 0x04); b.outb(0x21, 0x01);
    b.outb(0x21, 0xfe); // OCW1 after ICW4
    expect(b.inb(0x21)).toBe(0xfe);
    b.mb.irqs.wire(0).pulse();
    expect(b.intr()).toBe(true);
    expect(b.mb.intAck()).toBe(0x70);
  });

  it('single mode skips ICW3, and without IC4 skips ICW4', () => {
    const b = board('pic:0x20');
    b.outb(0x20, 0x12); // SNGL, no IC4
    b.outb(0x21, 0x40); // ICW2, then initialised
    b.outb(0x21, 0xf7); // this is OCW1 now
    expect(b.inb(0x21)).toBe(0xf7);
    b.mb.irqs.wire(3).pulse();
    expect(b.mb.intAck()).toBe(0x43);
  });

  it('no INTR while the init sequence is incomplete', () => {
    const b = board(PICS);
    b.outb(0x20, 0x11); b.outb(0x21, 0x20);
    b.mb.irqs.wire(1).raise();
    expect(b.intr()).toBe(false);
    b.outb(0x21, 0x04); b.outb(0x21, 0x01);
    expect(b.intr()).toBe(true);
  });

  it('ICW1 resets the edge sense (IRR), priority and special mask mode', () => {
    const p = pics();
    p.wires[4].pulse();
    expect(p.irr()).toBe(0x10);
    p.outb(0x20, 0xc4); // lowest = 4
    p.outb(0x20, 0x68); // special mask on
    p.outb(0x20, 0x11); p.outb(0x21, 0x20); p.outb(0x21, 0x04); p.outb(0x21, 0x01);
    expect(p.irr()).toBe(0);
    p.wires[3].pulse(); p.wires[6].pulse();
    expect(p.ack()).toBe(0x23); // IR7 lowest again: 3 before 6
  });
});

describe('8259A priority and EOI', () => {
  it('fully nested: higher levels interrupt, lower ones wait for EOI', () => {
    const p = pics();
    p.wires[3].pulse(); p.wires[5].pulse();
    expect(p.irr()).toBe(0x28);
    expect(p.ack()).toBe(0x23);
    expect(p.isr()).toBe(0x08);
    expect(p.intr()).toBe(false); // 5 is below 3
    p.wires[1].pulse();
    expect(p.intr()).toBe(true);
    expect(p.ack()).toBe(0x21);
    expect(p.isr()).toBe(0x0a);
    p.outb(0x20, 0x20); // non-specific EOI clears the highest: 1
    expect(p.isr()).toBe(0x08);
    expect(p.intr()).toBe(false);
    p.outb(0x20, 0x20);
    expect(p.isr()).toBe(0);
    expect(p.intr()).toBe(true);
    expect(p.ack()).toBe(0x25);
  });

  it('specific EOI clears the named level only', () => {
    const p = pics();
    p.wires[3].pulse(); p.ack();
    p.wires[1].pulse(); p.ack();
    expect(p.isr()).toBe(0x0a);
    p.outb(0x20, 0x63); // specific EOI level 3
    expect(p.isr()).toBe(0x02);
  });

  it('rotate on non-specific EOI makes the serviced level the lowest', () => {
    const p = pics();
    p.wires[3].pulse();
    expect(p.ack()).toBe(0x23);
    p.outb(0x20, 0xa0);
    expect(p.isr()).toBe(0);
    p.wires[2].pulse(); p.wires[4].pulse();
    expect(p.ack()).toBe(0x24); // order now 4 5 6 7 0 1 2 3
  });

  it('set priority and rotate on specific EOI', () => {
    const p = pics();
    p.outb(0x20, 0xc4); // lowest 4: order 5 6 7 0 1 2 3 4
    p.wires[4].pulse(); p.wires[6].pulse();
    expect(p.ack()).toBe(0x26);
    p.outb(0x20, 0xe6); // rotate on specific EOI 6: order 7 0 1 ... 6
    expect(p.isr()).toBe(0);
    p.wires[7].pulse();
    expect(p.ack()).toBe(0x27);
    p.outb(0x20, 0x67);
    expect(p.ack()).toBe(0x24);
  });

  it('auto-EOI leaves ISR clear; rotate in auto-EOI rotates priority', () => {
    const p = pics(0x03);
    p.wires[3].pulse(); p.wires[5].pulse();
    expect(p.ack()).toBe(0x23);
    expect(p.isr()).toBe(0);
    expect(p.ack()).toBe(0x25);
    p.outb(0x20, 0x80); // rotate in AEOI on
    p.wires[1].pulse();
    expect(p.ack()).toBe(0x21);
    p.wires[0].pulse(); p.wires[2 + 4].pulse(); // 0 and 6
    expect(p.ack()).toBe(0x26); // 1 became lowest: order 2..7 0 1
    p.outb(0x20, 0x00); // rotate in AEOI off; 6 is the lowest now: order 7 0 1 ... 6
    p.wires[5].pulse();
    expect(p.ack()).toBe(0x20);
    expect(p.ack()).toBe(0x25);
    p.wires[4].pulse(); p.wires[6].pulse();
    expect(p.ack()).toBe(0x24); // acking 5 did not make it the lowest (6 still is)
  });

  it('OCW1 masks and unmasking delivers a latched request', () => {
    const p = pics();
    p.outb(0x21, 0x10);
    p.wires[4].pulse();
    expect(p.intr()).toBe(false);
    expect(p.irr()).toBe(0x10);
    p.outb(0x21, 0x00);
    expect(p.intr()).toBe(true);
    expect(p.ack()).toBe(0x24);
  });
});

describe('8259A cascade and spurious interrupts', () => {
  it('a slave request goes through master IR2; INTA returns the slave vector', () => {
    const p = pics();
    p.wires[12].pulse();
    expect(p.intr()).toBe(true);
    expect(p.irr(0xa0)).toBe(0x10);
    expect(p.ack()).toBe(0x2c);
    expect(p.isr(0xa0)).toBe(0x10);
    expect(p.isr()).toBe(0x04);
    p.outb(0xa0, 0x20); p.outb(0x20, 0x20);
    expect(p.isr(0xa0) | p.isr()).toBe(0);
  });

  it('slave priorities resolve inside IR2', () => {
    const p = pics();
    p.wires[14].pulse(); p.wires[9].pulse(); p.wires[5].pulse();
    expect(p.ack()).toBe(0x29);
    p.outb(0xa0, 0x20); p.outb(0x20, 0x20);
    expect(p.ack()).toBe(0x2e);
    p.outb(0xa0, 0x20); p.outb(0x20, 0x20);
    expect(p.ack()).toBe(0x25);
  });

  it('a request that vanishes before INTA gives IR7 without ISR', () => {
    const p = pics();
    p.outb(0x4d0, 0x20); // IRQ5 level-triggered
    p.wires[5].raise();
    expect(p.intr()).toBe(true);
    p.wires[5].lower();
    expect(p.intr()).toBe(false);
    expect(p.ack()).toBe(0x27);
    expect(p.isr()).toBe(0);
  });

  it('a vanished slave request gives IRQ15 with master ISR2 set', () => {
    const p = pics();
    p.outb(0x4d1, 0x04); // IRQ10 level
    p.wires[10].raise();
    p.wires[10].lower();
    expect(p.ack()).toBe(0x2f);
    expect(p.isr(0xa0)).toBe(0);
    expect(p.isr()).toBe(0x04);
  });

  it('special fully nested mode lets a higher slave level through while IR2 is in service', () => {
    const p = pics(0x11);
    p.wires[12].pulse();
    expect(p.ack()).toBe(0x2c);
    p.wires[9].pulse(); // higher than 12 on the same slave
    expect(p.intr()).toBe(true);
    expect(p.ack()).toBe(0x29);
    const q = pics(0x01);
    q.wires[12].pulse(); q.ack();
    q.wires[9].pulse();
    expect(q.intr()).toBe(false); // normal nesting: IR2 in service blocks its slave
  });

  it('with no ICW3 bit the master answers IR2 itself', () => {
    const b = board(PICS);
    b.outb(0x20, 0x11); b.outb(0x21, 0x20); b.outb(0x21, 0x00); b.outb(0x21, 0x01); b.outb(0x21, 0);
    b.outb(0xa0, 0x11); b.outb(0xa1, 0x28); b.outb(0xa1, 0x02); b.outb(0xa1, 0x01); b.outb(0xa1, 0);
    b.mb.irqs.wire(11).pulse();
    expect(b.mb.intAck()).toBe(0x22);
  });
});

describe('8259A edge and level triggering', () => {
  it('edge: a pulse is latched; a held line does not request again after EOI', () => {
    const p = pics();
    p.wires[3].pulse();
    expect(p.ack()).toBe(0x23);
    p.outb(0x20, 0x20);
    p.wires[4].raise();
    expect(p.ack()).toBe(0x24);
    p.outb(0x20, 0x20);
    expect(p.intr()).toBe(false);
    expect(p.irr()).toBe(0);
  });

  it('level (ELCR): a pulse is lost; a held line requests again after EOI', () => {
    const p = pics();
    p.outb(0x4d0, 0x18);
    expect(p.inb(0x4d0)).toBe(0x18);
    p.wires[3].pulse();
    expect(p.intr()).toBe(false);
    p.wires[4].raise();
    expect(p.ack()).toBe(0x24);
    expect(p.intr()).toBe(false);
    p.outb(0x20, 0x20);
    expect(p.intr()).toBe(true);
    expect(p.ack()).toBe(0x24);
    p.wires[4].lower();
    p.outb(0x20, 0x20);
    expect(p.intr()).toBe(false);
  });

  it('ICW1.LTIM makes every input level-triggered', () => {
    const b = board('pic:0x20');
    b.outb(0x20, 0x1b); b.outb(0x21, 0x08); b.outb(0x21, 0); // SNGL, LTIM, no ICW4
    b.mb.irqs.wire(6).pulse();
    expect(b.intr()).toBe(false);
  });

  it('ELCR: IRQ 0, 1, 2, 8 and 13 are forced to edge', () => {
    const p = pics();
    p.outb(0x4d0, 0xff);
    p.outb(0x4d1, 0xff);
    expect(p.inb(0x4d0)).toBe(0xf8);
    expect(p.inb(0x4d1)).toBe(0xde);
    expect(p.log.lines.some((l) => l.includes('forced to edge'))).toBe(true);
  });
});

describe('8259A OCW3', () => {
  it('poll mode acknowledges by reading the command port', () => {
    const p = pics();
    p.outb(0x21, 0xff);
    p.outb(0x20, 0x0c);
    expect(p.inb(0x20)).toBe(0); // nothing unmasked
    p.outb(0x21, 0x00);
    p.wires[6].pulse();
    p.outb(0x20, 0x0c);
    expect(p.inb(0x20)).toBe(0x86);
    expect(p.isr()).toBe(0x40);
    expect(p.irr()).toBe(0);
    expect(p.inb(0x20)).toBe(0); // the next read is a normal IRR read again
  });

  it('special mask mode lets lower levels through a masked in-service level', () => {
    const p = pics();
    p.wires[3].pulse();
    p.ack();
    p.wires[5].pulse();
    expect(p.intr()).toBe(false);
    p.outb(0x21, 0x08);
    expect(p.intr()).toBe(false); // masking alone does not unblock
    p.outb(0x20, 0x68);
    expect(p.intr()).toBe(true);
    expect(p.ack()).toBe(0x25);
    expect(p.isr()).toBe(0x28);
    p.outb(0x20, 0x20); // non-specific EOI skips the masked level 3
    expect(p.isr()).toBe(0x08);
    p.outb(0x20, 0x48); // special mask off
    p.outb(0x20, 0x63);
    expect(p.isr()).toBe(0);
  });

  it('16-bit access reaches both registers', () => {
    const p = pics();
    p.outb(0x21, 0x12);
    p.outb(0x20, 0x0a);
    p.wires[1].pulse();
    expect(p.mb.ioRead(0x20, 2)).toBe(0x1202);
  });
});

describe('8259A state', () => {
  it('snapshot, restore, identical behaviour', () => {
    const p = pics();
    p.outb(0x20, 0xc5);
    p.wires[3].pulse(); p.wires[6].pulse(); p.wires[10].pulse();
    p.ack();
    const snap = p.mb.snapshot();
    const run = () => [p.ack(), p.isr(), p.isr(0xa0), (p.outb(0x20, 0x20), p.ack()), p.irr(), p.intr()];
    const first = run();
    p.wires[1].pulse();
    p.mb.restore(snap);
    expect(run()).toEqual(first);
    const master = p.mb.device<Pic8259>('pic8259@0x20')!;
    expect(master.state.lowest).toBe(5);
  });

  it('reset returns to the power-on state and drops INTR', () => {
    const p = pics();
    p.wires[4].pulse();
    expect(p.intr()).toBe(true);
    p.mb.reset();
    expect(p.intr()).toBe(false);
    expect(p.inb(0x21)).toBe(0xff);
  });
});
