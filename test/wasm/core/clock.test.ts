// The common clock in the cores (wasm/core/clock.ts): never earlier than any vCPU's last reading,
// so the TSC cannot go back across vCPUs even when the threads' host clocks disagree a little.
import { describe, it, expect } from 'vitest';
import { Smp, REG } from './lapic/env.ts';

const RDTSC_TO_ESI_EDI = [0x0f, 0x31, 0x89, 0xc6, 0x89, 0xd7]; // rdtsc; mov esi, eax; mov edi, edx

describe('core clock', () => {
  it('a vCPU whose host clock lags reads no less than another vCPU already read', () => {
    const smp = new Smp(2);
    const [a, b] = smp.cpus;
    a.flat32();
    b.flat32();
    let host = 5000;
    smp.clock = () => host;
    a.exec(RDTSC_TO_ESI_EDI);
    expect(a.reg(6)).toBe(5000);
    host = 4000; // b's thread is 1 µs behind
    b.exec(RDTSC_TO_ESI_EDI);
    expect(b.reg(6)).toBe(5000);
    host = 6000;
    b.exec(RDTSC_TO_ESI_EDI);
    expect(b.reg(6)).toBe(6000);
    host = 5500; // and a never steps back either
    a.exec(RDTSC_TO_ESI_EDI);
    expect(a.reg(6)).toBe(6000);
    expect(a.reg(7)).toBe(0);
  });

  it('the LAPIC timer reads the same clock', () => {
    const smp = new Smp(2);
    const [a, b] = smp.cpus;
    a.flat32();
    b.flat32();
    let host = 100_000;
    smp.clock = () => host;
    b.exec(RDTSC_TO_ESI_EDI); // b has seen 100 µs
    host = 50_000; // a's clock lags by 50 µs
    a.write(REG.TIMER_DCR, 0xb); // divide by 1: 10 ns per count
    a.write(REG.TIMER_ICR, 100_000); // loaded at 100 µs (the high-water mark), not at 50 µs
    host = 150_000;
    expect(a.read(REG.TIMER_CCR)).toBe(100_000 - 5000);
  });
});
