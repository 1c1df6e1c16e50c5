import { afterEach, describe, expect, it, vi } from 'vitest';
import { InstructionClock, ManualClock, RealClock, TimerQueue } from '../../../src/vmm/clock.ts';

describe('TimerQueue', () => {
  it('fires in deadline order, ties in arming order, and skips cancelled timers', () => {
    const q = new TimerQueue();
    const fired: string[] = [];
    const deadlines = [50, 10, 30, 10, 70, 20, 60, 40];
    const handles = deadlines.map((d, i) => q.at(d, () => void fired.push(`${d}:${i}`)));
    q.cancel(handles[2]);
    q.cancel(handles[2]); // twice is harmless
    q.cancel(12345); // unknown handle is harmless
    expect(q.runDue(45)).toBe(4);
    expect(fired).toEqual(['10:1', '10:3', '20:5', '40:7']);
    expect(q.nextDeadline()).toBe(50);
    expect(q.size).toBe(3);
  });

  it('many cancellations compact the heap and keep order', () => {
    const q = new TimerQueue();
    const fired: number[] = [];
    const hs: number[] = [];
    for (let i = 0; i < 1000; i++) hs.push(q.at(1000 - i, () => void fired.push(1000 - i)));
    for (let i = 0; i < 1000; i++) if (i % 10 !== 0) q.cancel(hs[i]);
    q.runDue(Infinity);
    expect(fired).toEqual([...fired].sort((a, b) => a - b));
    expect(fired).toHaveLength(100);
    expect(q.size).toBe(0);
  });
});

describe('ManualClock', () => {
  it('advance fires due timers in order with now() at each deadline', () => {
    const c = new ManualClock();
    const seen: [string, number][] = [];
    c.at(300, () => void seen.push(['b', c.now()]));
    c.at(100, () => {
      seen.push(['a', c.now()]);
      c.at(150, () => void seen.push(['a2', c.now()])); // armed by a timer, fires in the same advance
    });
    c.at(1000, () => void seen.push(['late', c.now()]));
    expect(c.advance(500)).toBe(3);
    expect(seen).toEqual([['a', 100], ['a2', 150], ['b', 300]]);
    expect(c.now()).toBe(500);
    expect(c.nextDeadline()).toBe(1000);
    expect(() => c.advanceTo(499)).toThrow(/cannot go back/);
  });

  it('a timer in the past fires on poll or the next advance; cancelAll drops everything', () => {
    const c = new ManualClock(1000);
    let n = 0;
    c.at(10, () => void n++);
    expect(c.poll()).toBe(1);
    c.at(2000, () => void n++);
    c.cancelAll();
    c.advance(5000);
    expect(n).toBe(1);
    expect(c.pendingTimers()).toBe(0);
  });
});

describe('InstructionClock', () => {
  it('derives time from the instruction count and says how far the next deadline is', () => {
    const c = new InstructionClock(2.5);
    let fired = 0;
    c.at(1000, () => void fired++);
    expect(c.instructionsUntilNextDeadline()).toBe(400);
    c.setInstructions(399);
    expect(c.now()).toBe(997.5);
    expect(c.poll()).toBe(0);
    c.addInstructions(1);
    expect(c.poll()).toBe(1);
    expect(fired).toBe(1);
    expect(c.instructionsUntilNextDeadline()).toBe(Infinity);
    expect(() => c.setInstructions(10)).toThrow(/went back/);
    c.setNow(1e9);
    expect(c.now()).toBe(1e9);
    c.addInstructions(4);
    expect(c.now()).toBe(1e9 + 10);
  });

  it('is deterministic: the same instruction counts give the same firing times', () => {
    const run = () => {
      const c = new InstructionClock(1);
      const times: number[] = [];
      const tick = () => {
        times.push(c.now());
        c.at(c.now() + 333, tick);
      };
      c.at(333, tick);
      for (let i = 0; i < 50; i++) {
        c.addInstructions(97);
        c.poll();
      }
      return times;
    };
    const a = run();
    expect(a).toEqual(run());
    expect(a.length).toBe(12); // each re-armed 333 ns after a poll, and polls come every 97 ns
    expect(a[0]).toBe(388);
  });
});

describe('RealClock', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('follows the host clock in ns, monotonic, pausable, and settable for restore', () => {
    let ms = 5000;
    const c = new RealClock(() => ms);
    expect(c.now()).toBe(0);
    ms += 1.5;
    expect(c.now()).toBe(1.5e6);
    c.pause();
    ms += 100;
    expect(c.now()).toBe(1.5e6);
    c.resume();
    expect(c.now()).toBe(1.5e6);
    ms += 1;
    expect(c.now()).toBe(2.5e6);
    c.setNow(7e9);
    expect(c.now()).toBe(7e9);
    c.dispose();
  });

  it('poll fires due timers; a host setTimeout fires them while the machine is idle', () => {
    vi.useFakeTimers();
    let ms = 0;
    const c = new RealClock(() => ms);
    const fired: number[] = [];
    c.at(2e6, () => void fired.push(c.now()));
    c.at(5e6, () => void fired.push(c.now()));
    ms = 2.5;
    expect(c.poll()).toBe(1);
    ms = 6;
    vi.advanceTimersByTime(10); // the host timer for the 5 ms deadline
    expect(fired).toEqual([2.5e6, 6e6]);
    expect(c.nextDeadline()).toBe(Infinity);
    c.dispose();
  });

  it('tells onEarliest when a newly armed timer becomes the earliest, and only then', () => {
    const c = new RealClock(() => 0);
    const seen: number[] = [];
    c.onEarliest = (at) => void seen.push(at);
    c.at(5e6, () => {});
    c.at(9e6, () => {}); // later than the earliest: nothing to cut short
    c.at(3e6, () => {});
    expect(seen).toEqual([5e6, 3e6]);
    c.dispose();
  });
});
