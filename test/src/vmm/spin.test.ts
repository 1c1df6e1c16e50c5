// Spin exits between vCPUs on different threads (issue 7). Two vCPUs ping-pong through RAM, each
// waiting for the other in a PAUSE loop; before each answer the AP makes a port write, which goes
// through its mailbox to the VMM's thread. In placement s that thread also runs vCPU 0: spinning
// there, it served the AP's mailbox only when its slice ended (every round cost a slice, and
// with 8 vCPUs on 2 host cores the kernel's spinlock queues stalled for good); with spin exits it
// leaves the slice at once. In placement d the spinning workers sleep briefly instead.
import { describe, it, expect, afterEach } from 'vitest';
import { liveWorkers } from '../../../src/vmm/threads-node.ts';
import { guestMachine, multiboot, until, within } from './guest.ts';
import { assemble } from '../../wasm/nasm.ts';
import { RAM_BASE } from '../../../src/shared/layout.ts';

const ROUNDS = 300;

/** The AP's real-mode code at 0x8000 (STARTUP vector 8): port write, then its turn's flag, then wait. */
const AP = assemble(`
     xor ax, ax
     mov ds, ax
     mov cx, 1
  l: out 0x80, al
     mov [0x7000], cx
  w: pause
     cmp [0x7004], cx
     jne w
     inc cx
     cmp cx, ${ROUNDS + 1}
     jne l
     cli
     hlt`, 16, 0);

/** vCPU 0: start vCPU 1 (INIT, STARTUP), answer each of its rounds, then end the run (status 1). */
const PING_PONG = multiboot(`
     mov esi, ap
     mov edi, 0x8000
     mov ecx, ap_end - ap
     rep movsb
     mov dword [0xfee00310], 1 << 24
     mov dword [0xfee00300], 0x4500
     mov dword [0xfee00300], 0x4608
     mov ecx, 1
  l: pause
     cmp word [0x7000], cx
     jne l
     mov [0x7004], cx
     inc ecx
     cmp ecx, ${ROUNDS + 1}
     jne l
     mov al, 0
     out 0xf4, al
  ap: db ${Array.from(AP).join(',')}
  ap_end:`);

afterEach(async () => {
  await until('all worker threads gone', () => liveWorkers() === 0, 10_000);
});

describe('spin exits: vCPUs waiting for each other in PAUSE loops', () => {
  for (const placement of ['s', 'd'] as const) {
    it(`${ROUNDS} rounds of a ping-pong with a mailbox exit in each (placement ${placement})`, async () => {
      const m = guestMachine(PING_PONG, { cpus: 2, placement });
      const st = await within('the ping-pong', m.run(), 60_000);
      expect(st.code).toBe(1);
      expect(new DataView(m.memory.buffer).getUint16(RAM_BASE + 0x7004, true)).toBe(ROUNDS);
      const s = m.stats();
      // The AP made one port write per round, through its mailbox.
      expect(s.vcpus[1].exits.io).toBeGreaterThanOrEqual(ROUNDS);
      if (placement === 's') {
        // vCPU 0 left its slices through spin exits, not by running each one out.
        expect(s.vcpus[0].exits.spin ?? 0).toBeGreaterThan(0);
      }
    }, 90_000);
  }
});
