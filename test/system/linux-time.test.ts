// System test: guest time is host time on 4 and 8 vCPUs, in both placements, with every vCPU busy.
// Linux must keep the TSC as its clocksource: its rate comes from CPUID (no PIT calibration), the
// TSC is monotonic across vCPUs (no warp at AP bring-up) and invariant (no watchdog verdict).
//
// How to measure the rate robustly on a loaded host: console lines arrive late by a delay that
// varies by hundreds of ms here (load 13 on 2 cores), so they cannot carry a 1% check. The host
// instead reads the guest kernel's `jiffies` (System.map) straight from guest memory, with its own
// clock read at the same instant, every 100 ms while the guest runs; with the TSC as clocksource
// (NOHZ, high-res timers) jiffies are computed from the guest's clock, 10 ms per jiffy. Over the
// ~16 s of the run they must agree with the host's clock within 1%. Around that, a `sleep 10`
// timed on both clocks (guest: /proc/uptime; host: when the lines arrive) and `date` against the
// host's wall clock, bounded by when the command was sent and when its answer came back.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { bootLinux, PROMPT, type Session } from './linux.ts';
import { RAM_BASE } from '../../src/shared/layout.ts';

const HZ = 100;
const PAGE_OFFSET = 0xc0000000;
const JIFFIES = (() => {
  const map = gunzipSync(readFileSync(fileURLToPath(new URL('../../images/System.map.gz', import.meta.url)))).toString();
  const m = /^([0-9a-f]{8}) [Dd] jiffies_64$/m.exec(map);
  if (!m) throw new Error('jiffies_64 not in images/System.map.gz');
  return parseInt(m[1], 16) - PAGE_OFFSET;
})();

/** Guest jiffies_64 and host ms, read back to back (a torn 64-bit read is off by 2^32: seen at once). */
function jiffiesNow(s: Session): { j: number; ms: number } {
  const j = Number(new DataView(s.machine.memory.buffer).getBigUint64(RAM_BASE + JIFFIES, true));
  return { j, ms: performance.now() };
}

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

async function checkTime(s: Session, cpus: number): Promise<void> {
  expect(await s.cmd('cat /sys/devices/system/clocksource/clocksource0/current_clocksource')).toBe('tsc');
  const bad = await s.cmd('dmesg | grep -i -e "calibration failed" -e "unable to calibrate" -e unstable -e "tsc.*warp" -e "skew is too large"; echo end');
  expect(bad).toBe('end');

  // Every vCPU busy for the whole measurement, at the lowest priority so that the sampling shell
  // gets the CPU at once (its lines are the measurement; the loops keep the vCPUs from idling).
  await s.cmd(`P=""; for j in $(seq ${cpus}); do (while :; do :; done) & P="$P $!"; done; renice -n 19 $P >/dev/null`);
  // A short command line: its echo must not still be draining through the UART when a0 prints.
  // (Kernel messages are off the console since shellSetup(), so none lands in a sample line.)
  await s.cmd('t() { read u x </proc/uptime; echo "@$1: $u"; }');
  const from = s.output().length;
  const ticks = [jiffiesNow(s)];
  const sampler = setInterval(() => ticks.push(jiffiesNow(s)), 100);
  try {
    await s.cmd('t w; sleep 1; t a0; sleep 1; t a1; sleep 1; t a2; sleep 10; t b0; sleep 1; t b1; sleep 1; t b2', 120_000);
  } finally {
    clearInterval(sampler);
  }
  ticks.push(jiffiesNow(s));
  const sentWall = Date.now() / 1000;
  const guestDate = Number(await s.cmd('date +%s'));
  const backWall = Date.now() / 1000;
  await s.cmd('kill $P; wait');

  // Jiffies never run ahead of the guest's clock, but lag it until the next tick updates them
  // (10 ms, or a host stall more): the largest guest-minus-host value of the first and of the
  // last second of reads estimates the clocks' offset at each end.
  const offset = (part: { j: number; ms: number }[]) => Math.max(...part.map((t) => t.j / HZ - t.ms / 1000));
  const hostS = (ticks[ticks.length - 1].ms - ticks[0].ms) / 1000;
  const drift = offset(ticks.slice(-10)) - offset(ticks.slice(0, 10));
  const rateErr = drift / hostS;

  const got = samples(s, from);
  expect([...got.keys()], s.output().slice(from)).toEqual(['w', 'a0', 'a1', 'a2', 'b0', 'b1', 'b2']);
  const a2 = got.get('a2')!;
  const b0 = got.get('b0')!;
  const guestSleep = b0.guest - a2.guest;
  const hostSleep = b0.host - a2.host;
  console.log(`${cpus} vCPUs: guest clock drift ${(drift * 1000).toFixed(0)} ms over ${hostS.toFixed(2)} s host (${(100 * rateErr).toFixed(2)}%); ` +
    `sleep 10 = ${guestSleep.toFixed(2)} s guest, ${hostSleep.toFixed(3)} s host (console); ` +
    `date ${guestDate} in host [${sentWall.toFixed(2)}, ${backWall.toFixed(2)}]`);
  expect(hostS).toBeGreaterThan(15);
  expect(Math.abs(rateErr)).toBeLessThanOrEqual(0.01);
  // The guest's interval holds fork, exec and scheduling next to busy loops: up to seconds on a
  // loaded host, hence the loose upper bound. On the host the two lines may arrive late by
  // different delays (hundreds of ms here), hence its loose bounds.
  expect(guestSleep).toBeGreaterThanOrEqual(10);
  expect(guestSleep).toBeLessThan(15);
  expect(hostSleep).toBeGreaterThan(9.5);
  expect(hostSleep).toBeLessThan(16);
  // The RTC gives whole seconds at boot (the guest starts up to 1 s behind) and `date +%s`
  // truncates; the guest read its clock between sending and the answer.
  expect(guestDate).toBeGreaterThanOrEqual(Math.floor(sentWall) - 2);
  expect(guestDate).toBeLessThanOrEqual(backWall + 0.5);
}

async function withLinux(cpus: number, placement: 's' | 'd', body: (s: Session) => Promise<void>): Promise<void> {
  const t0 = performance.now();
  const s = bootLinux({ cpus, placement });
  try {
    await s.expect(PROMPT, 300_000);
    console.log(`${cpus} vCPUs (${placement}): prompt after ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await s.shellSetup();
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

  // 8 vCPUs on a 2-core host: 3 of 6 boots once hung for good in the kernel's queued spinlocks
  // (every vCPU waiting in an MCS queue behind a waiter whose thread the host had descheduled,
  // while timer ticks kept adding lock traffic); spin exits (PAUSE loops give the host thread's
  // time to the others, wasm/core/cpu.ts EXIT_SPIN) fixed it (issue 7).
  it('8 vCPUs (placement d): nproc 8, clocksource tsc, clock and sleep agree with the host', async () => {
    await withLinux(8, 'd', (s) => checkTime(s, 8));
  }, 600_000);
});
