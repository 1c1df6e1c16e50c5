// Exit round trip: a ROM loop of 65,536 port reads (port 0x61, the sysctrl device) timed per
// placement. In `s` every read is a direct call; in `d` it is a mailbox round trip to the VMM.
import { Machine } from '../vmm/machine.ts';
import { loadCoreModule } from '../vmm/core-module-node.ts';
import { nodeThreads } from '../vmm/threads-node.ts';

/** 64 KiB ROM: cli; mov cx,0; mov dx,0x61; l: in al,dx; loop l; mov al,1; out 0xf4,al; hlt. */
function loopRom(): Uint8Array {
  const rom = new Uint8Array(0x10000).fill(0x90);
  rom.set([0xfa, 0xb9, 0x00, 0x00, 0xba, 0x61, 0x00, 0xec, 0xe2, 0xfd, 0xb0, 0x01, 0xe6, 0xf4, 0xf4], 0);
  rom.set([0xea, 0x00, 0x00, 0x00, 0xf0], 0xfff0); // jmp f000:0000
  return rom;
}

export async function exitRoundTrip(placement: 's' | 'd'): Promise<number> {
  const m = new Machine(loadCoreModule(), {
    ramMiB: 16, cpus: 1, placement, machine: 'pc', extraDevices: 'debugexit:0xf4', noReboot: true,
    boot: { kind: 'rom', rom: loopRom(), romName: 'exit-loop.rom' },
  }, { threads: nodeThreads });
  const t0 = performance.now();
  const st = await m.run();
  const ms = performance.now() - t0;
  if (st.code !== 3) throw new Error(`exit loop ended with ${st.reason}`);
  return (ms * 1000) / 65536;
}
