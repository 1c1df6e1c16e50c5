// PAUSE-loop exits: a guest spin-wait (the same PAUSE executed again and again) makes run()
// return EXIT.SPIN, so the host can give the thread's time to the vCPU the guest waits for
// (issue 7: 8 vCPUs on 2 host cores livelocked in the kernel's queued spinlocks). PAUSE stays a
// NOP architecturally: the loop continues where it was on the next run().
import { describe, it, expect } from 'vitest';
import { CoreHarness, EXIT } from '../harness.ts';
import { assemble } from '../nasm.ts';

/** The core's PAUSE_SPIN_EXIT (wasm/core/cpu.ts). */
const PAUSE_SPIN_EXIT = 1000;

function guest(src: string): CoreHarness {
  const h = new CoreHarness();
  h.flat32();
  h.write(0x1000, assemble(src, 32, 0x1000));
  h.eip = 0x1000;
  h.setReg('esp', 0x8000);
  h.refresh();
  return h;
}

const instret = (h: CoreHarness) => Number(h.dv.getBigUint64(h.base + 280, true));

describe('core: PAUSE-loop exits', () => {
  it('a spin-wait on a flag returns EXIT.SPIN after PAUSE_SPIN_EXIT pauses, then continues where it was', () => {
    const h = guest(`
      w: pause
         cmp dword [0x2000], 0
         je w
         mov eax, 0x1234
         hlt`);
    expect(h.run(1_000_000)).toBe(EXIT.SPIN);
    // Three instructions per iteration: the exit comes after PAUSE_SPIN_EXIT iterations.
    expect(instret(h)).toBeGreaterThanOrEqual(3 * PAUSE_SPIN_EXIT - 3);
    expect(instret(h)).toBeLessThanOrEqual(3 * PAUSE_SPIN_EXIT);
    expect(h.eip).toBeGreaterThanOrEqual(0x1000);
    expect(h.eip).toBeLessThan(0x100b);
    expect(h.run(1_000_000)).toBe(EXIT.SPIN); // still spinning: another exit, no fault
    h.write32(0x2000, 1); // the awaited store from "another vCPU"
    expect(h.run(1_000_000)).toBe(EXIT.HLT);
    expect(h.reg('eax')).toBe(0x1234);
  });

  it('pauses spread over different instructions, a plain NOP loop and PAUSE without a loop do not exit', () => {
    // 3000 iterations with two PAUSEs at different addresses: no streak at one EIP.
    const h = guest(`
         mov ecx, 3000
      l: pause
         nop
         pause
         loop l
         hlt`);
    expect(h.run(1_000_000)).toBe(EXIT.HLT);
    const n = guest(`
         mov ecx, 5000
      l: nop
         loop l
         hlt`);
    expect(n.run(1_000_000)).toBe(EXIT.HLT);
  });

  it('the streak starts again at each run(): a budget exit mid-spin does not carry it over', () => {
    const h = guest(`
      w: pause
         jmp w`);
    // Two instructions per iteration: 1500 instructions hold 750 pauses, under the threshold.
    expect(h.run(1500)).toBe(EXIT.BUDGET);
    expect(h.run(1500)).toBe(EXIT.BUDGET);
    expect(h.run(1_000_000)).toBe(EXIT.SPIN);
  });
});
