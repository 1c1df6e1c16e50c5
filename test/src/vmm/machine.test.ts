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

// Linux's check_timer (arch/x86/kernel/apic/io_apic.c) spins on RDTSC with interrupts on and
// wants several PIT ticks to arrive in that time; Debian's stock kernel (HZ=250) panicked when
// vCPU 0 ran on the VMM's thread in 300k-instruction slices and ticks merged. This guest does the
// same: PIT channel 0 in mode 2 through the 8259 (IRQ 0 → vector 8), `spinNs` of RDTSC spinning
// (the TSC counts at 1 GHz), then it reports the number of ticks through the debug-exit port.
// The code runs from RAM (the ROM copies it to 0x1000), where the core fetches at full speed.
export function tickCountingRom(divisor: number, spinNs: number): Uint8Array {
  const payload = assemble(`
      xor ax, ax
      mov ds, ax
      mov ss, ax
      mov sp, 0x7000
      mov word [8 * 4], irq0
      mov word [8 * 4 + 2], 0
      mov word [0x500], 0
      mov al, 0x11
      out 0x20, al
      out 0xa0, al
      mov al, 0x08
      out 0x21, al
      mov al, 0x70
      out 0xa1, al
      mov al, 0x04
      out 0x21, al
      mov al, 0x02
      out 0xa1, al
      mov al, 0x01
      out 0x21, al
      out 0xa1, al
      mov al, 0xfe
      out 0x21, al
      mov al, 0xff
      out 0xa1, al
      mov al, 0x34          ; counter 0, LSB then MSB, mode 2
      out 0x43, al
      mov ax, ${divisor}
      out 0x40, al
      mov al, ah
      out 0x40, al
      rdtsc
      mov ebx, eax
      mov ecx, edx
      sti
    spin:
      pause
      rdtsc
      sub eax, ebx
      sbb edx, ecx
      jnz over
      cmp eax, ${spinNs}
      jb spin
    over:
      cli
      mov ax, [0x500]
      out 0xf4, ax
    stop:
      hlt
      jmp stop
    irq0:
      inc word [0x500]
      push ax
      mov al, 0x20
      out 0x20, al
      pop ax
      iret`, 16, 0x1000);
  return rom(`
      xor ax, ax
      mov es, ax
      mov di, 0x1000
      mov ax, cs
      mov ds, ax
      mov si, payload
      mov cx, ${payload.length}
      rep movsb
      jmp 0:0x1000
    payload: db ${Array.from(payload).join(',')}`);
}

describe('machine: device timers reach a busy vCPU on time', () => {
  it('placement s, on virtual time (100 ns per instruction): every tick arrives', async () => {
    // Guest time advances only by retired instructions, so the result does not depend on the
    // host's load: a slice that overshoots a PIT deadline merges ticks, one that stops at it
    // does not (fixed 300k-instruction slices, 30 ms here, delivered 8 of these 50 ticks).
    let m: Machine | undefined;
    m = new Machine(loadCoreModule(), {
      ramMiB: 16, cpus: 1, placement: 's', machine: 'pc', extraDevices: 'debugexit:0xf4', noReboot: true,
      boot: { kind: 'rom', rom: tickCountingRom(4773, 200_000_000), romName: 'ticks.rom' },
    }, { hostNowMs: () => (m ? m.vcpus[0].block.instructions() * 1e-4 : 0) });
    const st = await m.run();
    expect(st.code & 1).toBe(1);
    const ticks = st.code >>> 1;
    expect(ticks).toBeGreaterThanOrEqual(49);
    expect(ticks).toBeLessThanOrEqual(51);
  });
  it('placement d, on host time: PIT ticks at 250 Hz reach a vCPU spinning on RDTSC for 400 ms', async () => {
    const r = await runRom(tickCountingRom(4773, 400_000_000), 'd');
    expect(r.st.code & 1).toBe(1);
    const ticks = r.st.code >>> 1;
    // 100 are due. Linux's check_timer wants more than 4 in 160 ms: this asserts that criterion
    // over 400 ms, not more, because host stalls on a loaded machine merge ticks (measured with
    // other busy processes on both cores: 77-90). Placement s on host time depends on how often
    // the host schedules the one thread (1-30 measured on the loaded host, 90+ idle).
    expect(ticks).toBeGreaterThanOrEqual(10);
    expect(ticks).toBeLessThanOrEqual(101);
  });
});
