// A whole machine in Node: a ROM of our own, entered at the reset vector, talks to the UART and
// ends through the debug-exit port; in both placements.
import { describe, it, expect } from 'vitest';
import { Machine } from '../../../src/vmm/machine.ts';
import { loadCoreModule } from '../../../src/vmm/core-module-node.ts';
import { nodeThreads } from '../../../src/vmm/threads-node.ts';
import { assemble } from '../../wasm/nasm.ts';

/** A 64 KiB ROM: real mode at F000:FFF0, jumps to its start, prints, reads a key, exits. */
function rom(body: string): Uint8Array {
  const src = `
    start:
      cli
      mov ax, 0x9000
      mov ss, ax
      mov sp, 0xfff0
      ${body}
    hang: hlt
      jmp hang
    print:            ; ds:si -> UART, NUL-terminated
      mov dx, 0x3fd
    .wait: in al, dx
      test al, 0x20
      jz .wait
      mov dx, 0x3f8
      cs lodsb
      test al, al
      jz .done
      out dx, al
      jmp print
    .done: ret
    msg: db 'hello from the ROM', 13, 10, 0
      times 0xfff0 - ($ - $$) db 0x90
      jmp 0xf000:start
      times 0x10000 - ($ - $$) db 0`;
  return assemble(src, 16, 0);
}

async function runRom(bytes: Uint8Array, placement: 's' | 'd', cpus = 1, input?: string) {
  const out: number[] = [];
  const m = new Machine(loadCoreModule(), {
    ramMiB: 16, cpus, placement, machine: 'pc', extraDevices: 'debugexit:0xf4', noReboot: true,
    boot: { kind: 'rom', rom: bytes, romName: 'test.rom' },
  }, { threads: nodeThreads, console: (b) => out.push(...b) });
  if (input) setTimeout(() => m.sendConsole(new TextEncoder().encode(input)), 50);
  const st = await m.run();
  return { st, text: Buffer.from(out).toString('latin1'), stats: m.stats() };
}

describe('machine: ROM boot through the devices', () => {
  for (const placement of ['s', 'd'] as const) {
    it(`prints on the UART and exits through port 0xf4 (placement ${placement})`, async () => {
      const r = await runRom(rom(`
        mov si, msg
        call print
        mov al, 0x21
        out 0xf4, al`), placement);
      expect(r.text).toBe('hello from the ROM\r\n');
      expect(r.st).toEqual({ code: (0x21 << 1) | 1, reason: 'debug exit 67' });
      expect(r.stats.vcpus[0].instructions).toBeGreaterThan(100);
    });
    it(`reads typed bytes from the UART (placement ${placement})`, async () => {
      const r = await runRom(rom(`
      .poll: mov dx, 0x3fd
        in al, dx
        test al, 1
        jz .poll
        mov dx, 0x3f8
        in al, dx
        out 0xf4, al`), placement, 1, 'x');
      expect(r.st.code).toBe((0x78 << 1) | 1);
    });
  }
  it('ends when every vCPU halts with interrupts disabled', async () => {
    const r = await runRom(rom(''), 's');
    expect(r.st).toEqual({ code: 0, reason: 'all vCPUs halted with interrupts disabled' });
  });
  it('rejects impossible memory sizes with a clear message', () => {
    expect(() => new Machine(loadCoreModule(), {
      ramMiB: 100000, cpus: 1, placement: 's', machine: 'pc', boot: { kind: 'rom', rom: rom('') },
    })).toThrow(/memory: 100000 MiB is not possible/);
  });
});
