// The exit mailbox, VMM side: answers one vCPU worker's synchronous host calls (port and MMIO
// accesses, INTA, LAPIC messages) on the VMM's thread, which must never block: it waits with
// Atomics.waitAsync. The worker side and the word layout are in src/worker/mailbox.js.
import { KIND, MBOX, STATE } from '../worker/mailbox.js';
import type { CoreHost } from './core-module.ts';

export { KIND, MBOX, STATE };

/** The host calls a mailbox can carry (a CoreHost without the clock). */
export type MailboxHost = Pick<CoreHost, 'ioRead' | 'ioWrite' | 'mmioRead' | 'mmioWrite' | 'intAck' | 'apicMessage' | 'fpuError'>;

/** waitAsync's timeout: how soon a stopped server notices without a notify. */
const IDLE_WAIT_MS = 200;

export class MailboxServer {
  readonly counts = { io: 0, mmio: 0, inta: 0, apic: 0 };
  private serving = false;
  private loop: Promise<void> = Promise.resolve();

  /**
   * @param i32 a view of the shared memory
   * @param at the index of the mailbox's state word in i32
   * @param onFault a host handler threw: the request is answered with all-ones, never left hanging
   */
  constructor(private readonly i32: Int32Array, readonly at: number, private readonly host: MailboxHost,
    private readonly onFault: (e: unknown) => void = () => {}) {}

  get running(): boolean { return this.serving; }

  /** Serve until stop(). A request already waiting is answered at once. */
  start(): void {
    if (this.serving) return;
    this.serving = true;
    this.loop = this.serve();
  }

  /** Stop serving; resolves when the loop has returned. */
  stop(): Promise<void> {
    this.serving = false;
    Atomics.notify(this.i32, this.at);
    return this.loop;
  }

  private async serve(): Promise<void> {
    const i32 = this.i32;
    const at = this.at;
    while (this.serving) {
      const s = Atomics.load(i32, at);
      if (s === STATE.REQUEST) {
        this.answer();
        continue;
      }
      const w = Atomics.waitAsync(i32, at, s, IDLE_WAIT_MS);
      if (w.async) await w.value;
    }
  }

  /** Answer the posted request (state REQUEST) and wake the requester. */
  answer(): void {
    const i32 = this.i32;
    const at = this.at;
    let r = 0;
    try {
      r = this.dispatch(i32[at + MBOX.KIND], i32[at + MBOX.A] >>> 0, i32[at + MBOX.B], i32[at + MBOX.DATA] >>> 0);
    } catch (e) {
      r = -1;
      this.onFault(e);
    }
    i32[at + MBOX.DATA] = r | 0;
    Atomics.store(i32, at, STATE.REPLY);
    Atomics.notify(i32, at);
  }

  private dispatch(kind: number, a: number, b: number, c: number): number {
    const h = this.host;
    switch (kind) {
      case KIND.IO_READ: this.counts.io++; return h.ioRead(a, b);
      case KIND.IO_WRITE: this.counts.io++; h.ioWrite(a, b, c); return 0;
      case KIND.MMIO_READ: this.counts.mmio++; return h.mmioRead(a, b);
      case KIND.MMIO_WRITE: this.counts.mmio++; h.mmioWrite(a, b, c); return 0;
      case KIND.INTA: this.counts.inta++; return h.intAck();
      case KIND.APIC: this.counts.apic++; h.apicMessage(a, b >>> 0, c); return 0;
      case KIND.FERR: return h.fpuError ? h.fpuError(a) : 0;
      default: return -1;
    }
  }
}
