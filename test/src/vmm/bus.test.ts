import { describe, expect, it } from 'vitest';
import { Bus } from '../../../src/vmm/bus.ts';

describe('Bus', () => {
  it("'all' delivers to every listener and reports whether any handled it", () => {
    const bus = new Bus<{ n: number }>('test');
    const seen: string[] = [];
    bus.listen((m) => void seen.push(`a${m.n}`));
    bus.listen((m) => (seen.push(`b${m.n}`), true));
    bus.listen((m) => void seen.push(`c${m.n}`));
    expect(bus.send({ n: 1 })).toBe(true);
    expect(seen).toEqual(['a1', 'b1', 'c1']);
  });

  it("'first' stops at the first listener that returns true", () => {
    const bus = new Bus<{ n: number; answer?: string }>('query', 'first');
    const asked: string[] = [];
    bus.listen((m) => (asked.push('x'), m.n === 1 ? ((m.answer = 'x'), true) : false));
    bus.listen((m) => (asked.push('y'), (m.answer = 'y'), true));
    bus.listen(() => (asked.push('z'), true));
    const m = { n: 2 } as { n: number; answer?: string };
    expect(bus.send(m)).toBe(true);
    expect(m.answer).toBe('y');
    expect(asked).toEqual(['x', 'y']);
    const none = new Bus<number>('empty', 'first');
    expect(none.send(1)).toBe(false);
  });

  it('listen returns a remover', () => {
    const bus = new Bus<number>('t');
    let count = 0;
    const off = bus.listen(() => void count++);
    bus.send(0);
    off();
    bus.send(0);
    expect(count).toBe(1);
    expect(bus.listenerCount).toBe(0);
  });
});
