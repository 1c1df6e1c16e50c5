// Every message that travels on a motherboard bus (see the bus list in motherboard.ts).
// Each bus carries one union; `kind` discriminates. Messages sent per guest access are
// preallocated by their sender and reused, so listeners must not keep a reference.

// ───────────── Interrupts to CPUs (bus `cpu`) ─────────────

/** The 8259 master's INTR output (wired to the BSP's LINT0 / the IOAPIC's pin 0). */
export interface IntrMessage {
  kind: 'intr';
  cpu: number;
  level: boolean;
}

export type ApicDelivery = 'fixed' | 'lowest' | 'smi' | 'nmi' | 'init' | 'extint';

/** An interrupt message from the IOAPIC (or an MSI) to local APICs, as on the APIC bus. */
export interface ApicMessage {
  kind: 'apic';
  /** Physical APIC ID, or the logical destination byte when destMode is 'logical'. 0xff = broadcast. */
  dest: number;
  destMode: 'physical' | 'logical';
  delivery: ApicDelivery;
  vector: number;
  trigger: 'edge' | 'level';
}

export type CpuMessage = IntrMessage | ApicMessage;

// ───────────── End of interrupt (bus `eoi`) ─────────────

/** A local APIC's EOI of a level-triggered vector, broadcast to IOAPICs (remote IRR). */
export interface EoiMessage {
  kind: 'eoi';
  vector: number;
}

// ───────────── Interrupt acknowledge (bus `inta`, delivery 'first') ─────────────

/**
 * An INTA cycle. The CPU side asks with cascade = -1 and the master 8259 answers by writing
 * `vector`; a master that acknowledges a cascaded input asks again with cascade = that input,
 * and the slave wired to it answers.
 */
export interface IntAckMessage {
  kind: 'inta';
  cascade: number;
  vector: number;
}

// ───────────── PIT control (bus `pit`, delivery 'first') ─────────────

/** Drives the GATE input of a PIT counter (channel 2's gate is port 0x61 bit 0). */
export interface PitGateMessage {
  kind: 'pitGate';
  channel: number;
  gate: boolean;
}

/** Asks for a PIT counter's OUT pin; the PIT answers by writing `out` and returning true. */
export interface PitOutMessage {
  kind: 'pitOut';
  channel: number;
  out: boolean;
}

export type PitMessage = PitGateMessage | PitOutMessage;

// ───────────── x87 error signalling (bus `fpu`, delivery 'first') ─────────────

/**
 * A vCPU's FERR# output changed or is sampled (CR0.NE = 0: a pending unmasked x87 exception at a
 * waiting instruction). The coprocessor-error logic answers with its IGNNE# output.
 */
export interface FerrMessage {
  kind: 'ferr';
  cpu: number;
  level: boolean;
  /** Written by the answering device: IGNNE# asserted. */
  ignne: boolean;
}

// ───────────── Machine control to the host (bus `system`) ─────────────

/** The A20 gate changed. `source` names the gate (port 0x92, the 8042): the host ORs them. */
export interface A20Message {
  kind: 'a20';
  enabled: boolean;
  source?: string;
}

/** The guest asked for a system reset (port 0x92 bit 0, 8042 pulse, 0xcf9, triple fault...). */
export interface ResetMessage {
  kind: 'reset';
  reason: string;
}

/** A write to the isa-debug-exit port: the run ends with `status` = (value << 1) | 1. */
export interface DebugExitMessage {
  kind: 'debugExit';
  status: number;
}

export type SystemMessage = A20Message | ResetMessage | DebugExitMessage;

// ───────────── Debug console output (bus `debugcon`) ─────────────

/** One byte written to a debug console port (0xe9 by convention). */
export interface DebugconMessage {
  kind: 'debugcon';
  port: number;
  byte: number;
}
