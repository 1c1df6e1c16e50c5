// System test: the committed Linux image boots to a shell in Node and answers commands.
import { describe, it, expect } from 'vitest';
import { bootLinux, PROMPT } from './linux.ts';

describe('Linux on one vCPU', () => {
  it('boots to the shell prompt and runs commands (placement s)', async () => {
    const s = bootLinux({ placement: 's' });
    try {
      await s.expect('SEOULWEB-READY');
      await s.expect(PROMPT);
      await s.shellSetup();
      expect(await s.cmd('uname -a')).toMatch(/^Linux seoulweb 6\.1\.\d+-seoulweb .* i686 GNU\/Linux$/m);
      const cpuinfo = await s.cmd('cat /proc/cpuinfo');
      expect(cpuinfo).toMatch(/vendor_id\s+: GenuineIntel/);
      expect(cpuinfo).toMatch(/cpu family\s+: 6/);
      expect(cpuinfo).toMatch(/^fpu\s+: yes/m);
      expect(cpuinfo).toMatch(/^flags\s+:.* vme de /m);
      expect(await s.cmd('nproc')).toBe('1');
      // The guest's wall clock comes from the CMOS RTC, which follows the host's.
      const guest = Number(await s.cmd('date +%s'));
      expect(Math.abs(guest - Date.now() / 1000)).toBeLessThan(120);
      // Guest time follows host time: a 2 s sleep in the guest takes 2 s on the host.
      const t0 = performance.now();
      expect(await s.cmd('sleep 2; echo woke')).toBe('woke');
      const slept = (performance.now() - t0) / 1000;
      expect(slept).toBeGreaterThan(1.9);
      expect(slept).toBeLessThan(15);
      expect(await s.cmd('i=0; s=0; while [ $i -lt 50 ]; do s=$((s+i*i)); i=$((i+1)); done; echo sum=$s')).toBe('sum=40425');
      // Floating point in user space (busybox awk computes in double on the x87).
      expect(await s.cmd(`awk 'BEGIN { printf "%.6f %.3e", 22 / 7, 1 / 3e10 }'`)).toBe('3.142857 3.333e-11');
    } finally {
      s.machine.stop('test done');
      await s.done;
    }
  });

  it('ends the run on reboot -f with --no-reboot (placement d)', async () => {
    const s = bootLinux({ placement: 'd', noReboot: true });
    await s.expect(PROMPT);
    s.send('reboot -f\r');
    expect(await s.done).toEqual({ code: 0, reason: 'guest reset (--no-reboot)' });
  });
});
