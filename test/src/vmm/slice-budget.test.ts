import { describe, it, expect } from 'vitest';
import { SliceBudget, MAX_BUDGET, MIN_BUDGET } from '../../../src/vmm/slice-budget.ts';

describe('SliceBudget: instructions until the next device deadline', () => {
  it('runs the full slice when no timer is armed', () => {
    expect(new SliceBudget().budget(Infinity)).toBe(MAX_BUDGET);
  });
  it('scales the time to the deadline by the measured rate, within the bounds', () => {
    const b = new SliceBudget();
    for (let i = 0; i < 40; i++) b.record(20_000_000, 1e9); // 20 MIPS
    expect(b.rate).toBeCloseTo(20e6, -3);
    expect(Math.abs(b.budget(4e6) - 80_000)).toBeLessThan(100); // 4 ms at 20 MIPS
    expect(b.budget(1e9)).toBe(MAX_BUDGET);
    expect(b.budget(838)).toBe(MIN_BUDGET); // one PIT tick away
    expect(b.budget(-5e6)).toBe(MIN_BUDGET); // already due
  });
  it('follows a slower host', () => {
    const b = new SliceBudget();
    for (let i = 0; i < 40; i++) b.record(20_000_000, 1e9);
    for (let i = 0; i < 40; i++) b.record(5_000_000, 1e9);
    expect(Math.abs(b.budget(4e6) - 20_000)).toBeLessThan(100);
  });
  it('ignores samples too short to measure and nonsense', () => {
    const b = new SliceBudget();
    const before = b.rate;
    b.record(1_000_000, 1000); // 1 µs: timer granularity, not a rate
    b.record(0, 1e9);
    b.record(5, NaN);
    expect(b.rate).toBe(before);
  });
});
