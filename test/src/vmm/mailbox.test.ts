// The exit mailbox between vCPU workers and the VMM thread, with real worker threads over real
// shared memory: (1) guest code in a vCPU worker doing port I/O of each size, string I/O, MMIO
// and an interrupt acknowledge, every access checked on the VMM side in order; (2) the protocol
// exercised directly by small workers: concurrent requests from several workers, a request that
// arrives while the VMM thread is busy, bad kinds and throwing handlers; (3) a pause request
// while the vCPU sleeps in HLT (Atomics.wait) wakes it.
import { describe, it, expect, afterEach } from 'vitest';
import { Worker } from 'node:worker_threads';
import { MailboxServer, KIND, STATE, type MailboxHost } from '../../../src/vmm/mailbox.ts';
import { liveWorkers } from '../../../src/vmm/threads-node.ts';
import type { Size } from '../../../src/vmm/device-api.ts';
import { VCPU } from '../../../src/shared/layout.ts';
import { guestMachine, multiboot, until, within } from './guest.ts';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);

afterEach(async () => {
  await until('all worker threads gone', () => liveWorkers() === 0, 10_000);
});

describe('exit mailbox: guest accesses from a vCPU worker', () => {
  it('port I/O of each size, string I/O, MMIO and INTA arrive in order with their values', async () => {
    const kernel = multiboot(`
      mov dx, 0x500
      in al, dx
      mov dx, 0x504
      out dx, al
      mov dx, 0x500
      in ax, dx
      mov dx, 0x504
      out dx, ax
      mov dx, 0x500
      in eax, dx
      mov dx, 0x504
      out dx, eax
      mov eax, 0xfedcba98
      out dx, eax

      cld
      mov dx, 0x508
      mov esi, bytes
      mov ecx, 3
      rep outsb
      mov esi, words
      mov ecx, 2
      rep outsw
      mov esi, dwords
      mov ecx, 2
      rep outsd
      mov dx, 0x50c
      mov edi, buf
      mov ecx, 3
      rep insb
      mov edi, buf + 4
      mov ecx, 2
      rep insd
      mov dx, 0x508
      mov esi, buf
      mov ecx, 3
      rep outsb
      mov esi, buf + 4
      mov ecx, 2
      rep outsd

      mov ebx, 0xd0000000
      mov byte [ebx], 0x11
      mov word [ebx + 2], 0x3322
      mov dword [ebx + 4], 0x77665544
      mov dx, 0x504
      mov eax, [ebx]
      out dx, eax
      movzx eax, word [ebx + 4]
      out dx, ax
      mov al, [ebx + 7]
      out dx, al
      add dword [ebx + 4], 1
      mov eax, [ebx + 4]
      out dx, eax

      mov al, 0x11                ; 8259 master: ICW1..4, vectors 0x20.., then only IRQ 5 unmasked
      out 0x20, al
      mov al, 0x20
      out 0x21, al
      mov al, 4
      out 0x21, al
      mov al, 1
      out 0x21, al
      mov al, 0xdf
      out 0x21, al
      mov al, 0xff
      out 0xa1, al
      mov eax, irq5
      mov [idt + 0x25 * 8], ax
      mov [idt + 0x25 * 8 + 2], cs
      mov word [idt + 0x25 * 8 + 4], 0x8e00
      shr eax, 16
      mov [idt + 0x25 * 8 + 6], ax
      lidt [idtr]
      mov dx, 0x510               ; the test device pulses IRQ 5
      out dx, al
      sti
      hlt
      cli
      mov dx, 0x504
      mov eax, 0xd04e
      out dx, eax
      mov al, 1
      out 0xf4, al
      hlt
    irq5:
      push eax
      push edx
      mov dx, 0x504
      mov eax, 0x1e5
      out dx, eax
      mov al, 0x20
      out 0x20, al
      pop edx
      pop eax
      iret
    bytes: db 0x41, 0x42, 0x43
    words: dw 0x1234, 0x5678
    dwords: dd 0x89abcdef, 0x01020304
    idtr: dw 256 * 8 - 1
          dd idt
    align 8
    buf: times 16 db 0
    idt: times 256 * 8 db 0`);
    const m = guestMachine(kernel);
    const log: string[] = [];
    const h = (n: number) => '0x' + (n >>> 0).toString(16);
    const mask = (v: number, s: Size) => (s === 4 ? v >>> 0 : v & (s === 2 ? 0xffff : 0xff));
    let seq = 0x61;
    const irq5 = m.mb.ctx.irq(5);
    m.mb.io.claimPorts(0x500, 0x20, 'mailbox-test', {
      read: (port, size) => {
        const v = port === 0x50c ? seq++ * 0x01010101 : 0xa1b2c3d4;
        log.push(`in ${h(port)}/${size} ${h(mask(v, size))}`);
        return mask(v, size);
      },
      write: (port, size, value) => {
        log.push(`out ${h(port)}/${size} ${h(value)}`);
        if (port === 0x510) irq5.pulse();
      },
    });
    const mmio = new Uint8Array(16);
    m.mb.io.claimMmio(0xd0000000, 16, 'mailbox-test-mmio', {
      read: (off, size) => {
        let v = 0;
        for (let i = size - 1; i >= 0; i--) v = (v << 8) | mmio[off + i];
        log.push(`rd ${h(off)}/${size} ${h(v)}`);
        return v >>> 0;
      },
      write: (off, size, value) => {
        for (let i = 0; i < size; i++) mmio[off + i] = (value >>> (8 * i)) & 0xff;
        log.push(`wr ${h(off)}/${size} ${h(value)}`);
      },
    });
    const st = await within('the guest', m.run(), 60_000);
    expect(st).toEqual({ code: 3, reason: 'debug exit 3' });
    const ours = log.filter((l) => !/ 0x(20|21|a1)\//.test(l));
    expect(ours).toEqual([
      'in 0x500/1 0xd4', 'out 0x504/1 0xd4', 'in 0x500/2 0xc3d4', 'out 0x504/2 0xc3d4',
      'in 0x500/4 0xa1b2c3d4', 'out 0x504/4 0xa1b2c3d4', 'out 0x504/4 0xfedcba98',
      'out 0x508/1 0x41', 'out 0x508/1 0x42', 'out 0x508/1 0x43', 'out 0x508/2 0x1234', 'out 0x508/2 0x5678',
      'out 0x508/4 0x89abcdef', 'out 0x508/4 0x1020304',
      'in 0x50c/1 0x61', 'in 0x50c/1 0x62', 'in 0x50c/1 0x63', 'in 0x50c/4 0x64646464', 'in 0x50c/4 0x65656565',
      'out 0x508/1 0x61', 'out 0x508/1 0x62', 'out 0x508/1 0x63', 'out 0x508/4 0x64646464', 'out 0x508/4 0x65656565',
      'wr 0x0/1 0x11', 'wr 0x2/2 0x3322', 'wr 0x4/4 0x77665544',
      'rd 0x0/4 0x33220011', 'out 0x504/4 0x33220011', 'rd 0x4/2 0x5544', 'out 0x504/2 0x5544',
      'rd 0x7/1 0x77', 'out 0x504/1 0x77',
      'rd 0x4/4 0x77665544', 'wr 0x4/4 0x77665545', 'rd 0x4/4 0x77665545', 'out 0x504/4 0x77665545',
      'out 0x510/1 0x10', 'out 0x504/4 0x1e5', 'out 0x504/4 0xd04e',
    ]);
    const exits = m.stats().vcpus[0].exits;
    expect(exits.inta).toBe(1);
    expect(exits.mmio).toBe(ours.filter((l) => /^(rd|wr) /.test(l)).length);
  });
});

/** Deterministic reply for a request, computed by both ends. */
function expected(kind: number, a: number, b: number): number {
  return (Math.imul((a ^ 0x9e3779b9) >>> 0, 0x85ebca6b) ^ (kind << 28) ^ b) >>> 0;
}

interface Recorded { kind: number; a: number; b: number; c: number }

/** A host that answers every read with expected() and records every request. */
function recordingHost(seen: Recorded[]): MailboxHost {
  return {
    ioRead: (a, b) => { seen.push({ kind: KIND.IO_READ, a, b, c: 0 }); return expected(KIND.IO_READ, a, b); },
    ioWrite: (a, b, c) => { seen.push({ kind: KIND.IO_WRITE, a, b, c }); },
    mmioRead: (a, b) => { seen.push({ kind: KIND.MMIO_READ, a, b, c: 0 }); return expected(KIND.MMIO_READ, a, b); },
    mmioWrite: (a, b, c) => { seen.push({ kind: KIND.MMIO_WRITE, a, b, c }); },
    intAck: () => { seen.push({ kind: KIND.INTA, a: 0, b: 0, c: 0 }); return 0x30; },
    apicMessage: (a, b, c) => { seen.push({ kind: KIND.APIC, a, b, c }); },
  };
}

interface ClientResult { id: number; calls: number; bad: string[]; waitedMs: number }

/**
 * Workers running test/src/vmm/fixtures/mailbox-client.js, each with its own mailbox (a 64-byte
 * line) in one shared memory, released together through a start word.
 */
function clients(n: number, calls: number, memory: WebAssembly.Memory, mode = 'mixed') {
  const workers: Worker[] = [];
  const results: Promise<ClientResult>[] = [];
  for (let id = 0; id < n; id++) {
    const w = new Worker(fixture('mailbox-client.js'), { workerData: { memory, id, at: (64 + id * 64) >> 2, startAt: 0, calls, mode } });
    workers.push(w);
    results.push(new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
      w.once('exit', (code) => reject(new Error(`client ${id} exited with ${code}`)));
    }));
  }
  return { workers, results: Promise.all(results), end: () => Promise.all(workers.map((w) => w.terminate())) };
}

function release(i32: Int32Array): void {
  Atomics.store(i32, 0, 1);
  Atomics.notify(i32, 0);
}

describe('exit mailbox: the protocol with real workers', () => {
  it('answers concurrent requests of every kind from 4 workers, each with its own reply', async () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    const i32 = new Int32Array(memory.buffer);
    const seen: Recorded[][] = [];
    const servers = [0, 1, 2, 3].map((id) => {
      seen.push([]);
      const s = new MailboxServer(i32, (64 + id * 64) >> 2, recordingHost(seen[id]));
      s.start();
      return s;
    });
    const c = clients(4, 3000, memory);
    release(i32);
    const results = await within('4 clients × 3000 calls', c.results, 60_000);
    await c.end();
    await Promise.all(servers.map((s) => s.stop()));
    for (const r of results) {
      expect(r.bad).toEqual([]);
      expect(r.calls).toBe(3000);
    }
    // Every request reached the server of its own mailbox, in order, with its arguments.
    for (let id = 0; id < 4; id++) {
      expect(seen[id]).toHaveLength(3000);
      seen[id].forEach((q, i) => {
        const kind = (i % 6) + 1;
        expect(q.kind).toBe(kind);
        if (kind !== KIND.INTA) expect(q.a).toBe(((id << 24) | i) >>> 0);
        if (kind === KIND.IO_WRITE || kind === KIND.MMIO_WRITE || kind === KIND.APIC) expect(q.c).toBe((i * 0x01000193) >>> 0);
      });
      expect(servers[id].counts).toEqual({ io: 1000, mmio: 1000, inta: 500, apic: 500 });
    }
  });

  it('a request that arrives while the VMM thread is busy waits for it, then gets its answer', async () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    const i32 = new Int32Array(memory.buffer);
    const seen: Recorded[] = [];
    const server = new MailboxServer(i32, 64 >> 2, recordingHost(seen));
    server.start();
    const c = clients(1, 1, memory, 'read-one');
    await new Promise((r) => setTimeout(r, 100)); // the worker is up and waits for the start word
    // Busy: release the worker and spin (no event loop turn) until its request is posted, then 50 ms more.
    release(i32);
    const t0 = performance.now();
    let sawRequest = false;
    while (performance.now() - t0 < 10_000) {
      if (Atomics.load(i32, 64 >> 2) === STATE.REQUEST) { sawRequest = true; break; }
    }
    const busyUntil = performance.now() + 50;
    while (performance.now() < busyUntil) { /* busy */ }
    expect(sawRequest).toBe(true);
    expect(seen).toHaveLength(0); // not answered while busy
    const [r] = await within('the answer after the busy period', c.results, 10_000);
    await c.end();
    await server.stop();
    expect(r.bad).toEqual([]);
    expect(r.waitedMs).toBeGreaterThanOrEqual(45);
    expect(seen).toHaveLength(1);
  });

  it('an unknown kind gets all-ones, a throwing handler gets all-ones and is reported; neither hangs', async () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    const i32 = new Int32Array(memory.buffer);
    const faults: unknown[] = [];
    const host = recordingHost([]);
    host.ioRead = () => { throw new Error('device bug'); };
    const server = new MailboxServer(i32, 64 >> 2, host, (e) => faults.push(e));
    server.start();
    const c = clients(1, 1, memory, 'bad');
    release(i32);
    const [r] = await within('answers to bad requests', c.results, 10_000);
    await c.end();
    await server.stop();
    expect(r.bad).toEqual([]);
    expect(faults.map(String)).toEqual(['Error: device bug']);
  });
});

describe('exit mailbox: pause while the vCPU sleeps in HLT', () => {
  it('a pause request wakes a vCPU from Atomics.wait in HLT (not its timeout)', async () => {
    const m = guestMachine(multiboot(`
      sti
    .h: hlt
      jmp .h`));
    const w = m.workers[0]!;
    w.hltMaxMs = 600_000; // only a notify can end the sleep within the test
    const run = m.run();
    // A worker asleep in HLT answers no control call: watch its state block instead.
    await until('the vCPU halts', () => w.block.u32(VCPU.halted) === 1);
    await new Promise((r) => setTimeout(r, 100));
    await within('pause from HLT', w.pause(), 20_000);
    const after = await w.stats();
    expect(after).toMatchObject({ halts: 1, woken: 1, timedOut: 0, running: false });
    m.stop();
    expect(await run).toEqual({ code: 0, reason: 'stopped' });
  });
});
