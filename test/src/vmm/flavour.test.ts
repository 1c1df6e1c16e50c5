// The machine's vendor flavour (MachineOptions.flavour, src/vmm/machine.ts) reaches every vCPU,
// on this thread (placement s) and in a worker (placement d). The guest shows it in two results
// where Intel and AMD processors differ (docs/DESIGN-NOTES.md "Vendor flavours"): the slot that
// PUSH FS writes with a 32-bit operand (Intel writes only the low 16 bits) and FPTAN's last bit
// on one operand (Intel's value measured on an Intel Xeon, test/wasm/x87/f80-vendor.test.ts).
import { describe, it, expect } from 'vitest';
import { Machine, type Flavour } from '../../../src/vmm/machine.ts';
import { loadCoreModule } from '../../../src/vmm/core-module-node.ts';
import { nodeThreads } from '../../../src/vmm/threads-node.ts';
import { RAM_BASE } from '../../../src/shared/layout.ts';
import { multiboot, within } from './guest.ts';

const GUEST = multiboot(`
    mov dword [esp - 4], 0xffffffff
    push fs
    pop eax
    mov [0x2000], eax
    finit
    fldcw [cw]
    fld tword [arg]
    fptan
    fstp tword [0x2010]
    fstp tword [0x2020]
    mov al, 0
    out 0xf4, al
    hlt
  cw:  dw 0x0c7f
  arg: dq 0xd1984d644f7fe8ff
       dw 0xc01c`);

/** FPTAN's tangent of -0xd1984d644f7fe8ff * 2^-66 * 2^30 rounded toward zero, on an Intel Xeon. */
const INTEL_TAN = 'bfdc:f42a2eabffffffff';

async function run(placement: 's' | 'd', flavour?: Flavour): Promise<{ slotHigh: number; one: string; tan: string }> {
  const m = new Machine(loadCoreModule(), {
    ramMiB: 16, cpus: 1, placement, machine: 'pc', extraDevices: 'debugexit:0xf4', noReboot: true, flavour,
    boot: { kind: 'multiboot', kernel: GUEST, kernelName: 'flavour-test', modules: [] },
  }, { threads: nodeThreads });
  const st = await within('the guest', m.run());
  expect(st.code, st.reason).toBe(1);
  const dv = new DataView(m.memory.buffer, RAM_BASE);
  const f80 = (a: number) => `${dv.getUint16(a + 8, true).toString(16).padStart(4, '0')}:` +
    dv.getBigUint64(a, true).toString(16).padStart(16, '0');
  return { slotHigh: dv.getUint32(0x2000, true) >>> 16, one: f80(0x2010), tan: f80(0x2020) };
}

describe('machine: the vendor flavour reaches the vCPUs', () => {
  for (const placement of ['s', 'd'] as const) {
    it(`intel by default and when asked for (placement ${placement})`, async () => {
      for (const flavour of [undefined, 'intel'] as const) {
        const r = await run(placement, flavour);
        expect(r.slotHigh).toBe(0xffff);
        expect(r.one).toBe('3fff:8000000000000000');
        expect(r.tan).toBe(INTEL_TAN);
      }
    });
    it(`amd when asked for (placement ${placement})`, async () => {
      const r = await run(placement, 'amd');
      expect(r.slotHigh).toBe(0);
      expect(r.one).toBe('3fff:8000000000000000');
      expect(r.tan).not.toBe(INTEL_TAN);
      expect(r.tan.slice(0, 11)).toBe(INTEL_TAN.slice(0, 11)); // the same value but for its last bits
    });
  }
  it('rejects an unknown flavour with a clear message', () => {
    expect(() => new Machine(loadCoreModule(), {
      ramMiB: 16, cpus: 1, placement: 's', machine: 'pc', flavour: 'via' as Flavour,
      boot: { kind: 'multiboot', kernel: GUEST, kernelName: 'flavour-test', modules: [] },
    })).toThrow('flavour: "via" is not intel or amd');
    expect(() => new Machine(loadCoreModule(), {
      ramMiB: 16, cpus: 1, placement: 's', machine: 'pc', flavour: 'toString' as Flavour,
      boot: { kind: 'multiboot', kernel: GUEST, kernelName: 'flavour-test', modules: [] },
    })).toThrow('flavour: "toString" is not intel or amd');
  });
});
