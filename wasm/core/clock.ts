// The common clock as the cores see it: the host's clock (env.timeNs, the same clock on every
// thread), made monotonic across vCPUs. Each thread computes host time from its own
// performance.now() and time origin, which agree to well under a microsecond in Node but may not
// in a browser (coarsened timers); a read that comes after another vCPU's read (through a lock,
// say) must never return less, or Linux's TSC warp check (arch/x86/kernel/tsc_sync.c) turns the
// TSC off. So every read raises the machine-wide high-water mark SH_TIME_NS and returns at least it.
import { SH_TIME_NS } from './state';
import { hostTimeNs } from './host';

/** Nanoseconds on the common clock, never less than any earlier read by any vCPU. */
export function clockNs(): i64 {
  const t = <i64>hostTimeNs();
  let seen = atomic.load<i64>(SH_TIME_NS);
  while (t > seen) {
    const was = atomic.cmpxchg<i64>(SH_TIME_NS, seen, t);
    if (was == seen) return t;
    seen = was;
  }
  return seen;
}
