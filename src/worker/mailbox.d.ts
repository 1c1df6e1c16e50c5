// Types for mailbox.js (plain JavaScript, shared by the vCPU worker and the VMM).
export declare const KIND: Readonly<{ IO_READ: 1; IO_WRITE: 2; MMIO_READ: 3; MMIO_WRITE: 4; INTA: 5; APIC: 6; FERR: 7 }>;
export declare const MBOX: Readonly<{ STATE: 0; KIND: 1; A: 2; B: 3; DATA: 4 }>;
export declare const STATE: Readonly<{ IDLE: 0; REQUEST: 1; REPLY: 2 }>;
export declare function mailboxClient(i32: Int32Array, at: number): (kind: number, a: number, b: number, c: number) => number;
