// The exit mailbox, worker side: a synchronous request from a vCPU thread to the VMM's thread.
// Plain JavaScript (see vcpu.worker.js); the VMM side is src/vmm/mailbox.ts and imports KIND
// and the word indices from here, so the two ends cannot disagree.
//
// Words (Int32, in the vCPU's block at VCPU.mailbox, its own 64-byte line):
//   [0] state: 0 idle, 1 request posted, 2 reply posted
//   [1] kind (KIND), [2] port or address, [3] size or argument, [4] data in, reply out
// The requester writes [1..4], stores state 1 and notifies; the VMM answers into [4], stores 2
// and notifies; the requester reads [4] and stores 0. One request at a time per mailbox.

export const KIND = Object.freeze({ IO_READ: 1, IO_WRITE: 2, MMIO_READ: 3, MMIO_WRITE: 4, INTA: 5, APIC: 6, FERR: 7 });
export const MBOX = Object.freeze({ STATE: 0, KIND: 1, A: 2, B: 3, DATA: 4 });
export const STATE = Object.freeze({ IDLE: 0, REQUEST: 1, REPLY: 2 });

/**
 * The requester's end of the mailbox whose state word is i32[at]. Blocks the calling thread in
 * Atomics.wait until the reply (never call it on a thread that may not block).
 * @param {Int32Array} i32
 * @param {number} at
 * @returns {(kind: number, a: number, b: number, c: number) => number}
 */
export function mailboxClient(i32, at) {
  return function call(kind, a, b, c) {
    i32[at + MBOX.KIND] = kind;
    i32[at + MBOX.A] = a;
    i32[at + MBOX.B] = b;
    i32[at + MBOX.DATA] = c;
    Atomics.store(i32, at, STATE.REQUEST);
    Atomics.notify(i32, at);
    while (Atomics.load(i32, at) === STATE.REQUEST) Atomics.wait(i32, at, STATE.REQUEST);
    const v = i32[at + MBOX.DATA] >>> 0;
    // No notify: the VMM does not wait for IDLE; the next request's notify wakes it.
    Atomics.store(i32, at, STATE.IDLE);
    return v;
  };
}
