// How many instructions a vCPU on the VMM's thread may run before the VMM looks at its device
// timers again. run(budget) cannot be interrupted from outside on this thread, so a budget that
// overshoots the next device deadline delays that timer's interrupt by the excess. With fixed
// 300k-instruction slices at 5-15 MIPS a 250 Hz PIT tick arrived 20-60 ms late and most ticks
// merged into one: Debian's stock kernel (HZ=250) then saw too few jiffies in check_timer's TSC
// delay and panicked with "IO-APIC + timer doesn't work!". So the budget is the time left to the
// next deadline times the measured instruction rate, between a floor (the cost of leaving run()
// stays small) and the old fixed slice.
//
// vCPUs in workers never need this: their VMM thread is idle and fires timers on time.

/** Upper bound: the old fixed slice. */
export const MAX_BUDGET = 300_000;
/** Lower bound: a run() round trip costs about as much as a few hundred instructions. */
export const MIN_BUDGET = 2_000;
/** Before anything is measured: 10 MIPS, the order of the core's speed during a Linux boot. */
const INITIAL_PER_NS = 0.01;
/** Runs shorter than this say little about the rate (performance.now() granularity, JIT tier-up). */
const MIN_SAMPLE_NS = 200_000;
/** Weight of a new sample in the running average. */
const ALPHA = 0.25;

export class SliceBudget {
  /** Instructions per nanosecond of host time, a running average. */
  private perNs = INITIAL_PER_NS;

  /** The budget for a run that should end `ns` from now (Infinity: no deadline). */
  budget(ns: number): number {
    if (!(ns < Infinity)) return MAX_BUDGET;
    const n = Math.floor(ns * this.perNs);
    return Math.min(MAX_BUDGET, Math.max(MIN_BUDGET, n));
  }

  /** Host time that `instructions` are expected to take at the measured rate. */
  nsFor(instructions: number): number {
    return instructions / this.perNs;
  }

  /** A run retired `instructions` in `ns` of host time. */
  record(instructions: number, ns: number): void {
    if (!(ns >= MIN_SAMPLE_NS) || !(instructions > 0)) return;
    this.perNs += ALPHA * (instructions / ns - this.perNs);
  }

  /** Current estimate in instructions per second (MIPS × 1e6), for stats and tests. */
  get rate(): number {
    return this.perNs * 1e9;
  }
}
