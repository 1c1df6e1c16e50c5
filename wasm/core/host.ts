// Calls from the core to its host (the VMM). In a worker they go through the vCPU's mailbox and
// wait for the reply; on the VMM's thread they are direct calls. The EXIT record in the state block
// is filled by the host side for statistics and tracing.
@external("env", "ioRead") export declare function hostIoRead(port: u32, size: u32): u32;
@external("env", "ioWrite") export declare function hostIoWrite(port: u32, size: u32, value: u32): void;
@external("env", "mmioRead") export declare function hostMmioRead(addr: u32, size: u32): u32;
@external("env", "mmioWrite") export declare function hostMmioWrite(addr: u32, size: u32, value: u32): void;
/** INTA cycle on the PIC: returns the vector of the highest pending interrupt. */
@external("env", "intAck") export declare function hostIntAck(): u32;
/** Host time in nanoseconds (a common clock for every vCPU). */
@external("env", "timeNs") export declare function hostTimeNs(): f64;
/** A LAPIC sent an inter-processor message (ICR write) or an EOI; details in the exit record. */
@external("env", "apicMessage") export declare function hostApicMessage(kind: u32, a: u32, b: u32): void;
/**
 * FERR# (CR0.NE = 0, SDM vol. 1 §8.7, Appendix D): the x87 signals a pending unmasked exception
 * (level 1) or its end (level 0, ES cleared). The board routes it to IRQ 13; the return value is
 * the IGNNE# input (non-zero: run the waiting instruction as if no exception were pending).
 */
@external("env", "fpuError") export declare function hostFpuError(level: u32): u32;
