// System test: guest time is host time on 4 and 8 vCPUs, in both placements, with every vCPU busy.
// Linux must keep the TSC as its clocksource: its rate comes from CPUID (no PIT calibration), the
// TSC is monotonic across vCPUs (no warp at AP bring-up) and invariant (no watchdog verdict).
//
// How the rate is measured robustly on a loaded host: the guest prints its uptime (CLOCK_BOOTTIME,
// 10 ms steps) in groups of samples one second apart, before and after a `sleep 10`; the host
// stamps the moment each line reaches the console. host - guest = a fixed offset + the line's
// delivery delay (never negative), so the smallest value of a group estimates the offset however
// late a single line was. The offset may move by at most 1% of the guest interval between the
// groups, i.e. guest and host clocks agree within 1%. A `sleep 10` measured on the host is checked
// too, loosely (it also holds the guest's fork and exec times), and `date` against the host's.
import { describe, it, expect } from 'vitest';
import { bootLinux, PROMPT, type Session } from './linux.ts';

/** Samples printed by the guest as `@<tag>: <uptime>`, with the host time (s) each one arrived. */
function samples(s: Session, from: number): Map<string, { guest: number; host: number }> {
  const out = new Map<string, { guest: number; host: number }>();
  const text = s.output();
  const re = /@(\w+): (\d+\.\d+)\r?\n/g;
  re.lastIndex = from;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.set(m[1], { guest: Number(m[2]), host: s.arrivedAt(m.index + m[0].length - 1) / 1000 });
  }
  return out;
}

const sample = (tag: string) => `read u x </proc/uptime; echo "@${tag}: $u"`;

async function checkTime(s: Session, cpus: number): Promise<void> {
  expect(await s.cmd('cat /sys/devices/system/clocksource/clocksource0/current_clocksource')).toBe('tsc');
  const bad = await s.cmd('dmesg | grep -i -e "calibration failed" -e "unable to calibrate" -e unstable -e "tsc.*warp" -e "skew is too large"; echo end');
  expect(bad).toBe('end');

  // Every vCPU busy for the whole measurement.
  await s.cmd(`P=""; for j in $(seq ${cpus}); do (while :; do :; done) & P="$P $!"; done`);
  const from = s.output().length;
  const script = [
    sample('a0'), 'sleep 1', sample('a1'), 'sleep 1', sample('a2'),
    'sleep 10',
    sample('b0'), 'sleep 1', sample('b1'), 'sleep 1', sample('b2'),
  ].join('; ');
  await s.cmd(script, 120_000);
  const hostNow = Date.now() / 1000;
  const guestDate = Number(await s.cmd('date +%s'));
  await s.cmd('kill $P; wait');

  const got = samples(s, from);
  expect([...got.keys()]).toEqual(['a0', 'a1', 'a2', 'b0', 'b1', 'b2']);
  const offset = (tags: string[]) => Math.min(...tags.map((t) => got.get(t)!.host - got.get(t)!.guest));
  const a2 = got.get('a2')!;
  const b0 = got.get('b0')!;
  const guestSleep = b0.guest - a2.guest;
  const hostSleep = b0.host - a2.host;
  const interval = got.get('b2')!.guest - got.get('a0')!.guest;
  const drift = offset(['b0', 'b1', 'b2']) - offset(['a0', 'a1', 'a2']);
  console.log(`${cpus} vCPUs: sleep 10 = ${guestSleep.toFixed(2)} s guest, ${hostSleep.toFixed(3)} s host; ` +
    `clock drift ${(drift * 1000).toFixed(0)} ms over ${interval.toFixed(2)} s (${((100 * drift) / interval).toFixed(2)}%); ` +
    `date - host ${(guestDate - hostNow).toFixed(2)} s`);
  // The guest's interval holds fork, exec and scheduling next to busy loops: up to seconds on a
  // loaded host, hence the loose upper bound; the 1% bound is on the clocks' drift.
  expect(guestSleep).toBeGreaterThanOrEqual(10);
  expect(guestSleep).toBeLessThan(15);
  expect(Math.abs(drift)).toBeLessThanOrEqual(0.01 * interval);
  // The same sleep on the host's clock: never shorter, and longer only by the two lines' delays.
  expect(hostSleep).toBeGreaterThanOrEqual(0.99 * guestSleep);
  expect(hostSleep).toBeLessThanOrEqual(1.01 * guestSleep + 0.5);
  // The RTC gives whole seconds at boot and `date +%s` truncates: within 1.5 s of the host.
  expect(Math.abs(guestDate - hostNow)).toBeLessThan(1.5);
}

async function withLinux(cpus: number, placement: 's' | 'd', body: (s: Session) => Promise<void>): Promise<void> {
  const t0 = performance.now();
  const s = bootLinux({ cpus, placement });
  try {
    await s.expect(PROMPT, 300_000);
    console.log(`${cpus} vCPUs (${placement}): prompt after ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await s.cmd('stty cols 250');
    expect(await s.cmd('nproc')).toBe(String(cpus));
    expect(await s.cmd('grep -c ^processor /proc/cpuinfo')).toBe(String(cpus));
    await body(s);
  } finally {
    s.machine.stop('test done');
    await s.done;
  }
}

describe('guest time = host time', () => {
  for (const placement of ['d', 's'] as const) {
    it(`4 vCPUs (placement ${placement}): nproc 4, clocksource tsc, clock and sleep agree with the host`, async () => {
      await withLinux(4, placement, (s) => checkTime(s, 4));
    }, 420_000);
  }

  it('8 vCPUs (placement d): nproc 8, clocksource tsc, clock and sleep agree with the host', async () => {
    await withLinux(8, 'd', (s) => checkTime(s, 8));
  }, 600_000);
});
