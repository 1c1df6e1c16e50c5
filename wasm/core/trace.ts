// Trace cache: straight-line runs of instructions, decoded once and replayed (DESIGN §4's decoded-
// block cache, in the form that needs no write tracking).
//
// A trace is recorded while the ordinary fetch-decode-execute path runs: after each instruction
// that the opcode table marks as traceable (wasm/gen/dispatch.ts traceBits: plain data
// instructions and, as the last one, a near branch), its prefixes, opcode, ModRM, SIB and
// displacement, the position of its immediate and its length are stored as a 16-byte entry, and
// its bytes are copied into the trace. A trace ends at a branch, at the first instruction that is
// not traceable, at the end of the code page, or when full. It is keyed by where its first byte
// is (the wasm address under the current code translation: the physical location, so shared
// libraries at other addresses in other processes find their traces; entries hold offsets and
// displacements, never linear addresses), CS.D (the default operand and address size), SS.B (the
// fast stack forms) and whether ES/SS/DS are flat.
//
// Replay is valid exactly when the trace's bytes still equal the bytes in memory at that place
// under the current code translation: the check compares the copy with guest memory (two
// or three 8-byte compares for a typical trace), so code written by this vCPU, another vCPU, the
// host or a device, or a new process mapped at the same address, simply fails the compare and the
// trace is recorded again. Nothing has to track writes to code pages. A store by a replayed
// instruction into the trace's own bytes ends the replay after that instruction (x86 executes the
// new bytes at once); a store to them through another linear alias is seen at the next entry to
// the trace, as is a write by another processor (cross-modifying code needs serialisation anyway).
//
// Replay sets the decoder's state (C.startIp, C.startEsp, C.ip at the immediate, prefixes, ModRM,
// eaSeg/eaOff) and calls the same instruction bodies as the ordinary path (dispatchDecoded: the
// generated cases without the ModRM fetch), so faults, exits and results are the ordinary ones.
// run() replays a trace only at a boundary with no single-step, RF, debug event or interrupt
// shadow pending, and only if the budget covers the whole trace; events are taken between traces.
import * as C from './cpu';
import { S, r8, w8, r32, w32, EAX, EDX, ESP, segBase } from './cpu';
import * as Dec from './decode';
import { OFF_TRACE, OFF_PENDING, OFF_JIT_QUEUE } from './state';
import { tagR, tagW } from './mmu/paging';
import { traceInfo, dispatchDecoded } from './gen/dispatch';
import { op_x87_decoded } from './exec/x87';
import { alu, shift } from './exec/alu';
import { lazyIncDec, lazy, lazyRes, cond, L_INC, L_DEC, L_SUB, CF, OF } from './flags';
import { rd8, rd16, rd32, wr8, wr32, rdForWrite } from './mmu/mem';

/** Slots of the direct-mapped cache; a slot is 256 bytes (2 MiB per vCPU). With 2048 slots the tcc
 * build of Lua took 55.8 s (1 vCPU, d), with 8192 46.2 s, with 16384 46.7 s: the rest of its
 * recording is new code (each compiler run is a new process). */
const TRACE_SLOTS: u32 = 8192;
const SLOT_BYTES: u32 = 256;
/** Slot fields: tag (linear address), mode (VALID | CS.D | SS.B << 1), count, code length, code, entries. */
const T_TAG: u32 = 0;
const T_MODE: u32 = 4;
const T_COUNT: u32 = 8;
const T_LEN: u32 = 9;
const T_NENT: u32 = 10; // entries (a fused entry holds two instructions)
/** Function-table index (u16) of the trace compiled to wasm by the host (src/worker/jit/), 0 = none. */
const T_FN: u32 = 12;
/** Executions so far (u16) while the trace compiler is on (0xFFFF: handed to the host). */
const T_HITS: u32 = 14;
const T_CODE: u32 = 16;
const MAX_CODE: u32 = 48;
const T_ENTRIES: u32 = 64;
const MAX_ENTRIES: u32 = 12;
const MODE_VALID: u32 = 0x100;

// Entry word 0: opcode (0x100 | xx for 0F xx), length, immediate offset, flags and prefixes.
const E_LEN_SHIFT: u32 = 9;
const E_IMM_SHIFT: u32 = 13;
const E_MEM: u32 = 1 << 17;
const E_PFX: u32 = 1 << 18;
const E_OPSZ32: u32 = 1 << 19;
const E_ADSZ32: u32 = 1 << 20;
const E_LOCK: u32 = 1 << 21;
const E_SEGOV: u32 = 1 << 22;
const E_SEGOV_SHIFT: u32 = 23;
/** Instructions of the trace up to and including this entry (4 bits). */
const E_UPTO_SHIFT: u32 = 26;
/** Replay sets `next` (the EIP after this entry) itself: branches and the generic case. For the
 * others the next EIP is the entry's own offset plus its length. */
const E_NEXT: u32 = 1 << 30;
// Entry word 3 bits 24-29: the instruction's offset from the trace's first byte (its EIP minus the trace's).
const E3_OFF_SHIFT: u32 = 24;
// Entry word 1: ModRM, base register (8 = none), index register (8 = none), scale, segment, ESP base.
const NONE: u32 = 8;
/** Word 1: the operand's segment (ES, SS or DS; the stack for PUSH/POP/CALL/RET) was flat when
 * recorded, and the trace runs only while it still is (the mode word has Dec.flatData): linear = offset. */
const E1_FLAT: u32 = 1 << 25;

// Entry word 3: a fast form (0 = none: the generated body runs) and its fields. Fast forms are
// register-only or branch instructions of 32-bit code without prefixes: they cannot fault, so they
// run without the decoder state (startIp, ModRM, C.ip), straight from the entry.
const F_ALU_RR: u32 = 250; // d = d op s (ALU kind k; CMP/TEST write nothing)
const F_ALU_RI: u32 = 251; // d = d op imm
const F_INC: u32 = 43;
const F_DEC: u32 = 44;
const F_MOV_RR: u32 = 45;
const F_MOV_RI: u32 = 46;
const F_JCC: u32 = 252; // condition cc, rel in word 2
const F_JMP: u32 = 47;
const F_LEA: u32 = 48; // d = the memory operand's offset (word 1 and word 2)
// Forms with one 32-bit memory access (32-bit stack for PUSH/POP/CALL/RET): a fault leaves the
// registers untouched, so the fault path needs only startIp/startEsp, set when it happens.
const F_LOAD: u32 = 62; // d = [m]
const F_STORE: u32 = 68; // [m] = s
const F_ALU_RM: u32 = 253; // d = d op [m] (CMP writes nothing)
const F_PUSH: u32 = 72;
const F_POP: u32 = 74;
const F_CALL: u32 = 73; // push the next EIP, jump by word 2
const F_RET: u32 = 75;
const F_ALU_MR: u32 = 66; // [m] = [m] op s (CMP/TEST: flags only); the only forms with a read-modify-write
const F_ALU_MI: u32 = 67; // [m] = [m] op imm (imm8 sign-extended when s == 1), imm read from the code
const F_MOV_MI: u32 = 70; // [m] = imm32 from the code
const F_SHIFT_RI: u32 = 49; // d = d shifted/rotated (group-2 kind k) by the count in word 2
const F_SETCC: u32 = 60; // byte register d = condition k
const F_MOVX: u32 = 64; // d = byte/word register s or [m], extended: k = 0 zx8, 1 sx8, 2 zx16, 3 sx16; bit 4 of k: register
const F_ALU8_RR: u32 = 61; // byte register d = d op s (CMP/TEST write nothing)
const F_LOAD8: u32 = 63; // byte register d = byte [m]
const F_STORE8: u32 = 69; // byte [m] = byte register s
const F_CMP8_MI: u32 = 65; // byte [m] - imm8 from the code, flags only
const F_ALU8_RI: u32 = 50; // byte register d = d op imm8 (word 2; CMP/TEST write nothing)
const F_MOV_RI8: u32 = 51; // byte register d = imm8 (word 2)
const F_UNARY: u32 = 52; // d = NOT d (k 2) or NEG d (k 3)
const F_MUL: u32 = 53; // EDX:EAX = EAX * register s, unsigned (k 4) or signed (k 5)
const F_IMUL: u32 = 54; // d = d * s (k 0) or d = s * imm (k 1, imm in word 2), signed, truncated
const F_NOP: u32 = 55;
const F_MOV_MI8: u32 = 71; // byte [m] = imm8 from the code
// The families whose kind is an ALU operation or a condition are stored as one id per kind (the
// family's base + kind), so replay's one switch selects the operation too.
// The ids are dense and ascend in the order of replay's cases, so binaryen turns the switch into
// one jump table (cases out of order gave two tables, one behind the other's default). The
// families F_ALU_RR, F_ALU_RI, F_ALU_RM and F_JCC (250-253) exist only while recording.
const F_ALU_RR_K: u32 = 1; // + ALU kind 0..8 (8 = TEST)
const F_ALU_RI_K: u32 = 10;
const F_ALU_RM_K: u32 = 19; // + 0..7
const F_JCC_CC: u32 = 27; // + condition 0..15
// Fused pairs: CMP/TEST of registers or a register and an immediate, then a Jcc (two instructions
// in one entry; the condition in k, the branch displacement in word 1, the length the pair's).
const F_CMPRR_JCC: u32 = 56;
const F_TESTRR_JCC: u32 = 58;
const F_CMPRI_JCC: u32 = 57;
const F_TESTRI_JCC: u32 = 59;

/** Word 3 of a fast form: id, d, s, ALU kind or condition. */
@inline function fast(id: u32, d: u32, s: u32, k: u32): u32 { return id | (d << 8) | (s << 12) | (k << 16); }

// Bits of traceInfo() (generated from the table).
const TI_BRANCH: u32 = 0x10;
const TI_MODRM: u32 = 0x20;

/** Traces on (the default) or off: every instruction then takes the ordinary path. */
export let enabled: bool = true;
export function setEnabled(on: bool): void { enabled = on; recSlot = 0; }

// ---- recording state ----
/** Slot being recorded (0 = none), the linear address the next instruction must have, entries so far. */
let recSlot: u32 = 0;
let recLin: u32 = 0;
let recNext: u32 = 0;
let recN: u32 = 0;
/** Instructions so far (a fused entry holds two). */
let recI: u32 = 0;
let recLen: u32 = 0;
/** modeWord() when the recording started. */
let recMode: u32 = 0;

/** What a trace's decoding depends on besides its bytes: CS.D, and SS.B for the fast stack forms. */
@inline function modeWord(): u32 { return MODE_VALID | (C.code32 ? 1 : 0) | (C.stack32 ? 2 : 0) | (Dec.flatData ? 4 : 0); }

/** The slot for the trace whose first byte is at wasm address `key` (Dec.fetchAdd + its linear
 * address: the physical location, so a library mapped at another address in another process,
 * or the same code under another mapping, finds its traces; entries hold no linear addresses). */
@inline function slotFor(key: u32): u32 {
  return S + OFF_TRACE + (((key ^ (key >> 11)) & (TRACE_SLOTS - 1)) * SLOT_BYTES);
}

/** The trace's copy of its code equals the bytes at wasm address `h`. */
@inline function sameBytes(slot: u32, h: u32, len: u32): bool {
  const c = slot + T_CODE;
  if (len >= 8) {
    let i: u32 = 0;
    for (; i + 8 <= len; i += 8) if (load<u64>(h + i) != load<u64>(c + i)) return false;
    return i == len || load<u64>(h + len - 8) == load<u64>(c + len - 8);
  }
  if (len >= 4) return load<u32>(h) == load<u32>(c) && load<u32>(h + len - 4) == load<u32>(c + len - 4);
  for (let i: u32 = 0; i < len; i++) if (load<u8>(h + i) != load<u8>(c + i)) return false;
  return true;
}

/** Slot `slot` holds a trace starting at wasm address `key` (in the cached code page) in mode `mode`, and its bytes are still those in memory. */
@inline function valid(slot: u32, key: u32, mode: u32): bool {
  return load<u32>(slot, T_TAG) == key && load<u32>(slot, T_MODE) == mode
    && sameBytes(slot, key, load<u8>(slot, T_LEN));
}

/**
 * At an instruction boundary with EIP `eip` (the caller checked that no single-step, RF or debug
 * event is pending): the slot of a valid trace that starts here and fits in `room` instructions,
 * or 0 to run the instruction the ordinary way (which then records a trace here if none exists).
 */
export function traceAt(eip: u32, room: u32): u32 {
  const lin = Dec.csBase + eip;
  if ((lin & 0xFFFFF000) != Dec.fetchPage) { if (recSlot) finish(); return 0; }
  const key = Dec.fetchAdd + lin;
  const slot = slotFor(key);
  const mode = modeWord();
  if (valid(slot, key, mode)) {
    if (recSlot) finish();
    const n = <u32>load<u8>(slot, T_COUNT);
    return n != 0 && n <= room ? slot : 0;
  }
  // Recording continues while the instructions follow each other; otherwise a new trace starts.
  if (recSlot && lin == recNext) return 0;
  if (recSlot) finish();
  recSlot = slot; recLin = lin; recNext = lin; recN = 0; recI = 0; recLen = 0; recMode = mode;
  store<u32>(slot, 0, T_MODE); // not valid while it is being recorded
  store<u64>(slot, 0, T_COUNT); // count, lengths, hits and the compiled function: none yet
  store<u32>(slot, key, T_TAG);
  return 0;
}

/** End the trace being recorded (if any) and make it valid. */
export function finish(): void {
  const slot = recSlot;
  if (!slot) return;
  recSlot = 0;
  // No instruction to trace here: keep the first byte, so new code at this address is looked at again.
  if (recN == 0 && (recLin & 0xFFFFF000) == Dec.fetchPage) {
    store<u8>(slot + T_CODE, load<u8>(Dec.fetchAdd + recLin));
    recLen = 1;
  }
  store<u8>(slot, <u8>recI, T_COUNT);
  store<u8>(slot, <u8>recN, T_NENT);
  store<u8>(slot, <u8>recLen, T_LEN);
  store<u32>(slot, recMode, T_MODE);
}

/** Forget the trace being recorded, leaving its slot invalid (the instance moves to another state block). */
export function abandon(): void { recSlot = 0; }

/** Recording: is a trace being recorded? */
@inline export function recording(): bool { return recSlot != 0; }

@inline function codeByte(off: u32): u32 { return load<u8>(Dec.fetchAdd + Dec.csBase + off); }

/**
 * After the ordinary path executed an instruction without a fault: add it to the trace being
 * recorded, or end the trace. `op` is its first opcode byte, `opEnd` the offset of the byte
 * after it.
 */
export function record(op: u32, opEnd: u32): void {
  const start = C.startIp;
  const lin = Dec.csBase + start;
  const page = lin & 0xFFFFF000;
  if (lin != recNext || C.repPfx != 0 || page != Dec.fetchPage || recN >= MAX_ENTRIES || modeWord() != recMode) { finish(); return; }
  let p = opEnd;
  // Every byte read below must be inside the code page (the copy and the replay assume it).
  const last = start + (0xFFF - (lin & 0xFFF));
  if (p > last) { finish(); return; }
  let op9 = op;
  if (op == 0x0F) { op9 = 0x100 | codeByte(p++); if (p > last) { finish(); return; } }
  const bits = traceInfo(op9, codeByte(p));
  if (bits == 0) { finish(); return; }
  let w0: u32 = op9;
  let w1: u32 = (NONE << 8) | (NONE << 12);
  let disp: u32 = 0;
  if (bits & TI_MODRM) {
    const m = codeByte(p++);
    w1 = (w1 & ~0xFF) | m;
    if (m < 0xC0) {
      if (!C.adsz32) { finish(); return; }
      const mod = m >> 6;
      const rm = m & 7;
      let base: u32 = NONE;
      let idx: u32 = NONE;
      let scale: u32 = 0;
      let seg = C.DS;
      if (rm == 4) {
        if (p > last) { finish(); return; }
        const sib = codeByte(p++);
        const b = sib & 7;
        const x = (sib >> 3) & 7;
        if (x != 4) { idx = x; scale = sib >> 6; }
        if (b == 5 && mod == 0) { if (p + 3 > last) { finish(); return; } disp = load<u32>(Dec.fetchAdd + Dec.csBase + p); p += 4; }
        else { base = b; if (b == 4 || b == 5) seg = C.SS; }
      } else if (rm == 5 && mod == 0) {
        if (p + 3 > last) { finish(); return; }
        disp = load<u32>(Dec.fetchAdd + Dec.csBase + p); p += 4;
      } else {
        base = rm;
        if (rm == 5) seg = C.SS;
      }
      if (mod == 1) { if (p > last) { finish(); return; } disp += <u32>(<i32>(<i8>codeByte(p))); p += 1; }
      else if (mod == 2) { if (p + 3 > last) { finish(); return; } disp += load<u32>(Dec.fetchAdd + Dec.csBase + p); p += 4; }
      if (C.segOv != 0xFFFFFFFF) seg = C.segOv;
      w0 |= E_MEM;
      w1 = m | (base << 8) | (idx << 12) | (scale << 16) | (seg << 20) | (base == 4 ? 1 << 24 : 0);
      if (Dec.flatData && seg != C.CS && seg < C.FS) w1 |= E1_FLAT;
      // A store into the trace's own bytes: end the trace before this instruction.
      if (segBase(C.eaSeg) + C.eaOff - recLin < MAX_CODE + 16) { finish(); return; }
    }
  }
  const ik = (bits >> 1) & 7;
  const imm: u32 = ik == 1 ? 1 : ik == 2 ? 2 : ik == 3 ? (C.opsz32 ? 4 : 2) : ik == 4 ? (C.adsz32 ? 4 : 2) : 0;
  const immOff = p - start;
  const len = immOff + imm;
  if (len > 15 || p + imm - 1 > last || recLen + len > MAX_CODE) { finish(); return; }
  // The ordinary path must have consumed exactly these bytes (a branch may have moved C.ip).
  if (!(bits & TI_BRANCH) && C.ip != start + len) { finish(); return; }
  w0 |= (len << E_LEN_SHIFT) | (immOff << E_IMM_SHIFT);
  const code32 = C.code32;
  if (C.opsz32 != code32 || C.adsz32 != code32 || C.lockPfx || C.segOv != 0xFFFFFFFF) {
    w0 |= E_PFX | (C.opsz32 ? E_OPSZ32 : 0) | (C.adsz32 ? E_ADSZ32 : 0) | (C.lockPfx ? E_LOCK : 0);
    if (C.segOv != 0xFFFFFFFF) w0 |= E_SEGOV | (C.segOv << E_SEGOV_SHIFT);
  }
  let w3: u32 = 0;
  if (op9 == 0x90) w3 = fast(F_NOP, 0, 0, 0); // also with prefixes: 66 90 is a NOP too (F3 90 is not recorded)
  // Fast forms: 32-bit code without prefixes, or with only a segment override (a memory operand's
  // segment is in word 1; register forms ignore it, the stack forms use SS as the CPU does).
  else if (code32 && (!(w0 & E_PFX) || (w0 & (E_PFX | E_OPSZ32 | E_ADSZ32 | E_LOCK)) == (E_PFX | E_OPSZ32 | E_ADSZ32))) {
    const m = w1 & 0xFF;
    const regForm = (bits & TI_MODRM) != 0 && m >= 0xC0;
    const rm = m & 7;
    const reg = (m >> 3) & 7;
    const at = Dec.fetchAdd + Dec.csBase + immOff + start;
    if (op9 < 0x40 && (op9 & 7) == 1 && regForm) w3 = fast(F_ALU_RR, rm, reg, op9 >> 3);
    else if (op9 < 0x40 && (op9 & 7) == 3 && regForm) w3 = fast(F_ALU_RR, reg, rm, op9 >> 3);
    else if (op9 == 0x85 && regForm) w3 = fast(F_ALU_RR, rm, reg, 8);
    else if (op9 < 0x40 && (op9 & 7) == 5) { w3 = fast(F_ALU_RI, 0, 0, op9 >> 3); disp = load<u32>(at); }
    else if (op9 == 0xA9) { w3 = fast(F_ALU_RI, 0, 0, 8); disp = load<u32>(at); }
    else if (op9 == 0x81 && regForm) { w3 = fast(F_ALU_RI, rm, 0, reg); disp = load<u32>(at); }
    else if (op9 == 0x83 && regForm) { w3 = fast(F_ALU_RI, rm, 0, reg); disp = <u32>(<i32>load<i8>(at)); }
    else if (op9 == 0xF7 && regForm && reg < 2) { w3 = fast(F_ALU_RI, rm, 0, 8); disp = load<u32>(at); }
    else if (op9 >= 0x40 && op9 < 0x48) w3 = fast(F_INC, op9 & 7, 0, 0);
    else if (op9 >= 0x48 && op9 < 0x50) w3 = fast(F_DEC, op9 & 7, 0, 0);
    else if (op9 == 0x89 && regForm) w3 = fast(F_MOV_RR, rm, reg, 0);
    else if (op9 == 0x8B && regForm) w3 = fast(F_MOV_RR, reg, rm, 0);
    else if (op9 >= 0xB8 && op9 < 0xC0) { w3 = fast(F_MOV_RI, op9 & 7, 0, 0); disp = load<u32>(at); }
    else if (op9 >= 0x70 && op9 < 0x80) { w3 = fast(F_JCC, 0, 0, op9 & 15); disp = <u32>(<i32>load<i8>(at)); }
    else if (op9 >= 0x180 && op9 < 0x190) { w3 = fast(F_JCC, 0, 0, op9 & 15); disp = load<u32>(at); }
    else if (op9 == 0xEB) { w3 = fast(F_JMP, 0, 0, 0); disp = <u32>(<i32>load<i8>(at)); }
    else if (op9 == 0xE9) { w3 = fast(F_JMP, 0, 0, 0); disp = load<u32>(at); }
    else if (op9 == 0x8D && (w0 & E_MEM)) w3 = fast(F_LEA, reg, 0, 0);
    else if ((w0 & E_MEM) && op9 == 0x8B) w3 = fast(F_LOAD, reg, 0, 0);
    else if ((w0 & E_MEM) && op9 == 0x89) w3 = fast(F_STORE, 0, reg, 0);
    else if ((w0 & E_MEM) && op9 < 0x40 && (op9 & 7) == 3) w3 = fast(F_ALU_RM, reg, 0, op9 >> 3);
    else if ((w0 & E_MEM) && op9 < 0x40 && (op9 & 7) == 1) w3 = fast(F_ALU_MR, 0, reg, op9 >> 3);
    else if ((w0 & E_MEM) && op9 == 0x85) w3 = fast(F_ALU_MR, 0, reg, 8);
    else if ((w0 & E_MEM) && op9 == 0x81) w3 = fast(F_ALU_MI, 0, 0, reg);
    else if ((w0 & E_MEM) && op9 == 0x83) w3 = fast(F_ALU_MI, 0, 1, reg);
    else if ((w0 & E_MEM) && op9 == 0xC7 && reg == 0) w3 = fast(F_MOV_MI, 0, 0, 0);

    else if ((op9 == 0xC1 || op9 == 0xD1) && regForm) {
      const n: u32 = op9 == 0xD1 ? 1 : load<u8>(at) & 31;
      w3 = fast(F_SHIFT_RI, rm, 0, reg); disp = n;
    }
    else if (op9 >= 0x190 && op9 < 0x1A0 && regForm) w3 = fast(F_SETCC, rm, 0, op9 & 15);
    else if (op9 == 0x1B6 || op9 == 0x1BE || op9 == 0x1B7 || op9 == 0x1BF) {
      const kx: u32 = op9 == 0x1B6 ? 0 : op9 == 0x1BE ? 1 : op9 == 0x1B7 ? 2 : 3;
      w3 = regForm ? fast(F_MOVX, reg, rm, kx | 0x10) : (w0 & E_MEM) ? fast(F_MOVX, reg, 0, kx) : 0;
    }
    else if (op9 < 0x40 && (op9 & 7) == 0 && regForm) w3 = fast(F_ALU8_RR, rm, reg, op9 >> 3);
    else if (op9 < 0x40 && (op9 & 7) == 2 && regForm) w3 = fast(F_ALU8_RR, reg, rm, op9 >> 3);
    else if (op9 == 0x84 && regForm) w3 = fast(F_ALU8_RR, rm, reg, 8);
    else if ((w0 & E_MEM) && op9 == 0x8A) w3 = fast(F_LOAD8, reg, 0, 0);
    else if ((w0 & E_MEM) && op9 == 0x88) w3 = fast(F_STORE8, 0, reg, 0);
    else if ((w0 & E_MEM) && op9 == 0x80 && reg == 7) w3 = fast(F_CMP8_MI, 0, 0, 7);
    else if (op9 < 0x40 && (op9 & 7) == 4) { w3 = fast(F_ALU8_RI, 0, 0, op9 >> 3); disp = load<u8>(at); }
    else if (op9 == 0xA8) { w3 = fast(F_ALU8_RI, 0, 0, 8); disp = load<u8>(at); }
    else if (op9 == 0x80 && regForm) { w3 = fast(F_ALU8_RI, rm, 0, reg); disp = load<u8>(at); }
    else if (op9 == 0xF6 && regForm && reg < 2) { w3 = fast(F_ALU8_RI, rm, 0, 8); disp = load<u8>(at); }
    else if (op9 >= 0xB0 && op9 < 0xB8) { w3 = fast(F_MOV_RI8, op9 & 7, 0, 0); disp = load<u8>(at); }
    else if (op9 == 0xF7 && regForm && (reg == 2 || reg == 3)) w3 = fast(F_UNARY, rm, 0, reg);
    else if (op9 == 0xF7 && regForm && (reg == 4 || reg == 5)) w3 = fast(F_MUL, 0, rm, reg);
    else if (op9 == 0x1AF && regForm) w3 = fast(F_IMUL, reg, rm, 0);
    else if (op9 == 0x69 && regForm) { w3 = fast(F_IMUL, reg, rm, 1); disp = load<u32>(at); }
    else if (op9 == 0x6B && regForm) { w3 = fast(F_IMUL, reg, rm, 1); disp = <u32>(<i32>load<i8>(at)); }
    else if ((w0 & E_MEM) && op9 == 0xC6 && reg == 0) w3 = fast(F_MOV_MI8, 0, 0, 0);
    else if (C.stack32 && op9 >= 0x50 && op9 < 0x58) w3 = fast(F_PUSH, op9 & 7, 0, 0);
    else if (C.stack32 && op9 >= 0x58 && op9 < 0x60) w3 = fast(F_POP, op9 & 7, 0, 0);
    else if (C.stack32 && op9 == 0xE8) { w3 = fast(F_CALL, 0, 0, 0); disp = load<u32>(at); }
    else if (C.stack32 && op9 == 0xC3) w3 = fast(F_RET, 0, 0, 0);
  }
  const fam = w3 & 0xFF;
  const kind = (w3 >> 16) & 0xF;
  if ((fam == F_PUSH || fam == F_POP || fam == F_CALL || fam == F_RET) && Dec.flatData) w1 |= E1_FLAT;
  if (fam == F_ALU_RR) w3 += F_ALU_RR_K - F_ALU_RR + kind;
  else if (fam == F_ALU_RI) w3 += F_ALU_RI_K - F_ALU_RI + kind;
  else if (fam == F_ALU_RM) w3 += F_ALU_RM_K - F_ALU_RM + kind;
  else if (fam == F_JCC) w3 += F_JCC_CC - F_JCC + kind;
  const slot = recSlot;
  if (fam == F_JCC && recN != 0) { // fuse with a CMP/TEST before it
    const pe = slot + T_ENTRIES + (recN - 1) * 16;
    const pw0 = load<u32>(pe);
    const pw3 = load<u32>(pe, 12);
    const pid = pw3 & 0xFF;
    const plen = (pw0 >> E_LEN_SHIFT) & 0xF;
    const fid: u32 = pid == F_ALU_RR_K + 7 ? F_CMPRR_JCC : pid == F_ALU_RR_K + 8 ? F_TESTRR_JCC
      : pid == F_ALU_RI_K + 7 ? F_CMPRI_JCC : pid == F_ALU_RI_K + 8 ? F_TESTRI_JCC : 0;
    if (fid != 0 && plen + len <= 15) {
      store<u32>(pe, ((pw0 & ~(0xF << E_LEN_SHIFT)) | ((plen + len) << E_LEN_SHIFT) | E_NEXT) + (1 << E_UPTO_SHIFT));
      store<u32>(pe, disp, 4);
      store<u32>(pe, (pw3 & 0x3F00FF00) | fid | (kind << 16), 12);
      memory.copy(slot + T_CODE + recLen, Dec.fetchAdd + lin, len);
      recI++;
      recLen += len;
      recNext = lin + len;
      finish();
      return;
    }
  }
  const e = slot + T_ENTRIES + recN * 16;
  w0 |= (recI + 1) << E_UPTO_SHIFT;
  w3 |= recLen << E3_OFF_SHIFT;
  const id = w3 & 0xFF;
  if (id == 0 || (id >= F_JCC_CC && id < F_JCC_CC + 16) || id == F_JMP || id == F_CALL || id == F_RET) w0 |= E_NEXT;
  store<u32>(e, w0);
  store<u32>(e, w1, 4);
  store<u32>(e, disp, 8);
  store<u32>(e, w3, 12);
  memory.copy(slot + T_CODE + recLen, Dec.fetchAdd + lin, len);
  recN++;
  recI++;
  recLen += len;
  recNext = lin + len;
  if (bits & TI_BRANCH) finish();
}

/** Offset of an entry's memory operand. */
@inline function eaOf(e: u32, w1: u32): u32 {
  const base = (w1 >> 8) & 0xF;
  const idx = (w1 >> 12) & 0xF;
  let off = load<u32>(e, 8);
  if (base != NONE) off += r32(base);
  if (idx != NONE) off += r32(idx) << ((w1 >> 16) & 3);
  return off;
}
/** A read of `size` bytes (1, 2, 4: a constant at each use) of an entry's memory operand. */
@inline function rdOp(e: u32, size: u32): u32 {
  const w1 = load<u32>(e, 4);
  let l = eaOf(e, w1);
  if (!(w1 & E1_FLAT)) { l = Dec.linR((w1 >> 20) & 7, l, size); if (C.fault) return 0; }
  return size == 1 ? rd8(l) : size == 2 ? rd16(l) : rd32(l);
}
/** Linear address of a write to an entry's memory operand at `off` (the checks unless E1_FLAT). */
@inline function linWr(w1: u32, off: u32, size: u32): u32 {
  return (w1 & E1_FLAT) ? off : Dec.linW((w1 >> 20) & 7, off, size);
}
/** Wasm address of the immediate of the entry at `ip` (its bytes are in the validated code page). */
@inline function immAt(w0: u32, ip: u32): u32 { return Dec.fetchAdd + Dec.csBase + ip + ((w0 >> E_IMM_SHIFT) & 0xF); }
/** After a fast form's memory access: on a fault, the state run()'s fault path restarts from. */
@inline function faulted(ip: u32): bool {
  if (!C.fault) return false;
  C.startIp = ip;
  C.startEsp = r32(ESP);
  return true;
}

/** Register ALU forms of kind `k` (a constant at each use): d = d op s, d = d op imm; CMP/TEST write nothing. */
@inline function aluRR(w3: u32, k: u32): void {
  const d = (w3 >> 8) & 0xF;
  const r = alu<u32>(k, r32(d), r32((w3 >> 12) & 0xF));
  if (k < 7) w32(d, r);
}
@inline function aluRI(e: u32, w3: u32, k: u32): void {
  const d = (w3 >> 8) & 0xF;
  const r = alu<u32>(k, r32(d), load<u32>(e, 8));
  if (k < 7) w32(d, r);
}
/** d = d op [m]: true if replay must stop here (a fault, or an exit the access asked for). */
@inline function aluRM(e: u32, w3: u32, ip: u32, k: u32): bool {
  const v = rdOp(e, 4);
  if (faulted(ip)) return true;
  const d = (w3 >> 8) & 0xF;
  const r = alu<u32>(k, r32(d), v);
  if (k < 7) w32(d, r);
  return C.exitReq != 0;
}

/** Replay ends after the entry `w0` (a fault, an exit, a store into the trace): C.ip = `ipAfter`
 * (unused after a fault); `stopN` = the trace's instructions up to and including it. */
@inline function stopAt(w0: u32, ipAfter: u32): u32 {
  C.ip = ipAfter;
  stopN = (w0 >> E_UPTO_SHIFT) & 0xF;
  return 0;
}
/** EIP after the entry whose first byte is at `ip`. */
@inline function endOf(ip: u32, w0: u32): u32 { return ip + ((w0 >> E_LEN_SHIFT) & 0xF); }

// Replay's state that only the trace ends and the stores look at, kept out of its locals (fewer
// values live across the big switch: TurboFan spilled them around every case).
/** Linear address of the current trace (a store into [lin0, lin0 + 64) ends the replay). */
let lin0: u32 = 0;
/** Set where replay stops inside a trace (a fault, an exit, a store into the trace's bytes): the
 * trace's instructions up to and including the stopping one; C.ip is then the EIP after it. Set by
 * the interpreter below and by compiled traces (through jStop and genEntry); 0 otherwise. */
export let stopN: u32 = 0;
/** Instructions a compiled trace ran in passes after its first (it loops on itself); replay adds
 * them to its count and clears it. */
export let jitExtra: u32 = 0;

/** The trace compiler (src/worker/jit/) is on: hot traces are queued for it. */
export let jitOn: bool = false;
/** Executions of a trace before it is queued for compilation (1..65534; set by jitSet). */
let jitHot: u32 = 24;
const Q_MAX: u32 = 255;

/** Turn the trace compiler off (0) or on with a trace compiled after `hot` executions (1..65534);
 * either way, forget every compiled trace of this state block. */
export function jitSet(hot: u32): void { jitOn = hot != 0; jitHot = hot > 0xFFFE ? 0xFFFE : hot; jitForget(); }
/** Forget compiled traces and hit counts (their table indices belong to another instance after attach). */
export function jitForget(): void {
  for (let i: u32 = 0; i < TRACE_SLOTS; i++) {
    const slot = S + OFF_TRACE + i * SLOT_BYTES;
    store<u32>(slot, 0, T_FN); // and T_HITS
  }
  store<u32>(S, 0, OFF_JIT_QUEUE);
}
/** Count an execution of the (not compiled) trace in `slot`; queue it for the host once hot. */
@inline function hot(slot: u32): void {
  const h = <u32>load<u16>(slot, T_HITS);
  if (h < jitHot) { store<u16>(slot, <u16>(h + 1), T_HITS); return; }
  if (h != jitHot) return;
  const n = load<u32>(S, OFF_JIT_QUEUE);
  if (n >= Q_MAX) return; // full: asked again at its next execution
  store<u32>(S + OFF_JIT_QUEUE + 4 + (n << 2), slot);
  store<u32>(S, n + 1, OFF_JIT_QUEUE);
  store<u16>(slot, 0xFFFF, T_HITS);
}

/**
 * The generic case: the entry at `e` (first byte at EIP `ip`) through the ordinary instruction
 * body. Returns the EIP after it; sets stopN if replay must stop here.
 */
export function genEntry(e: u32, ip: u32): u32 {
  const w0 = load<u32>(e);
  // x87 escapes run through a small function of their own (replay calls it directly too): the
  // body of this one holds the whole instruction switch (dispatchDecoded inlined), whose frame
  // costs more than an x87 operation
  if (((w0 & 0x1FF) >>> 3) == (0xD8 >>> 3)) return x87Entry(e, ip, w0);
  genSetup(e, ip, w0);
  dispatchDecoded(w0 & 0x1FF);
  return genFinish(w0);
}
function x87Entry(e: u32, ip: u32, w0: u32): u32 {
  genSetup(e, ip, w0);
  op_x87_decoded(w0 & 0xFF);
  return genFinish(w0);
}
/** The decoder state of the generic case's instruction, from its entry. */
@inline function genSetup(e: u32, ip: u32, w0: u32): void {
  const w1 = load<u32>(e, 4);
  C.startIp = ip;
  C.startEsp = r32(ESP);
  if (w0 & E_PFX) {
    C.opsz32 = (w0 & E_OPSZ32) != 0;
    C.adsz32 = (w0 & E_ADSZ32) != 0;
    C.lockPfx = (w0 & E_LOCK) != 0;
    if (w0 & E_SEGOV) C.segOv = (w0 >> E_SEGOV_SHIFT) & 7;
  }
  C.modrm = w1 & 0xFF;
  if (w0 & E_MEM) {
    C.eaSeg = (w1 >> 20) & 7;
    C.eaOff = eaOf(e, w1);
    Dec.eaEspBase = (w1 & (1 << 24)) != 0;
  }
  C.ip = ip + ((w0 >> E_IMM_SHIFT) & 0xF);
}
/** After the generic case's instruction: the EIP after it, or stopN set. */
@inline function genFinish(w0: u32): u32 {
  if (w0 & E_PFX) C.setPrefixDefaults(C.code32);
  const next = C.ip;
  // A fault or an exit, or a store into the trace's own bytes (the next instruction must be fetched anew).
  if (C.fault || C.exitReq || ((w0 & E_MEM) && segBase(C.eaSeg) + C.eaOff - lin0 < MAX_CODE + 16)) stopAt(w0, next);
  return next;
}

/** Compiled traces stop here (after a fault: before the entry at EIP `ip`; else after it, at `ipAfter`). */
export function jStop(upto: u32, ip: u32, ipAfter: u32): void {
  faulted(ip);
  C.ip = ipAfter;
  stopN = upto;
}

/** Interpret the trace in `slot` whose first instruction is at EIP `t0`: the EIP after it, or stopN set. */
function interp(slot: u32, t0: u32): u32 {
  let e = slot + T_ENTRIES;
  const eEnd = e + (<u32>load<u8>(slot, T_NENT) << 4);
  /** The EIP after an E_NEXT entry (set by its case). */
  let next: u32 = 0;
  while (true) {
    const w0 = load<u32>(e);
    const w3 = load<u32>(e, 12);
    const ip = t0 + ((w3 >> E3_OFF_SHIFT) & 0x3F);
    const d = (w3 >> 8) & 0xF;
    switch (w3 & 0xFF) {
      case F_ALU_RR_K + 0: aluRR(w3, 0); break;
      case F_ALU_RR_K + 1: aluRR(w3, 1); break;
      case F_ALU_RR_K + 2: aluRR(w3, 2); break;
      case F_ALU_RR_K + 3: aluRR(w3, 3); break;
      case F_ALU_RR_K + 4: aluRR(w3, 4); break;
      case F_ALU_RR_K + 5: aluRR(w3, 5); break;
      case F_ALU_RR_K + 6: aluRR(w3, 6); break;
      case F_ALU_RR_K + 7: aluRR(w3, 7); break;
      case F_ALU_RR_K + 8: aluRR(w3, 8); break;
      case F_ALU_RI_K + 0: aluRI(e, w3, 0); break;
      case F_ALU_RI_K + 1: aluRI(e, w3, 1); break;
      case F_ALU_RI_K + 2: aluRI(e, w3, 2); break;
      case F_ALU_RI_K + 3: aluRI(e, w3, 3); break;
      case F_ALU_RI_K + 4: aluRI(e, w3, 4); break;
      case F_ALU_RI_K + 5: aluRI(e, w3, 5); break;
      case F_ALU_RI_K + 6: aluRI(e, w3, 6); break;
      case F_ALU_RI_K + 7: aluRI(e, w3, 7); break;
      case F_ALU_RI_K + 8: aluRI(e, w3, 8); break;
      case F_ALU_RM_K + 0: if (aluRM(e, w3, ip, 0)) return stopAt(w0, endOf(ip, w0)); break;
      case F_ALU_RM_K + 1: if (aluRM(e, w3, ip, 1)) return stopAt(w0, endOf(ip, w0)); break;
      case F_ALU_RM_K + 2: if (aluRM(e, w3, ip, 2)) return stopAt(w0, endOf(ip, w0)); break;
      case F_ALU_RM_K + 3: if (aluRM(e, w3, ip, 3)) return stopAt(w0, endOf(ip, w0)); break;
      case F_ALU_RM_K + 4: if (aluRM(e, w3, ip, 4)) return stopAt(w0, endOf(ip, w0)); break;
      case F_ALU_RM_K + 5: if (aluRM(e, w3, ip, 5)) return stopAt(w0, endOf(ip, w0)); break;
      case F_ALU_RM_K + 6: if (aluRM(e, w3, ip, 6)) return stopAt(w0, endOf(ip, w0)); break;
      case F_ALU_RM_K + 7: if (aluRM(e, w3, ip, 7)) return stopAt(w0, endOf(ip, w0)); break;
      case F_JCC_CC + 0: next = endOf(ip, w0) + (cond(0) ? load<u32>(e, 8) : 0); break;
      case F_JCC_CC + 1: next = endOf(ip, w0) + (cond(1) ? load<u32>(e, 8) : 0); break;
      case F_JCC_CC + 2: next = endOf(ip, w0) + (cond(2) ? load<u32>(e, 8) : 0); break;
      case F_JCC_CC + 3: next = endOf(ip, w0) + (cond(3) ? load<u32>(e, 8) : 0); break;
      case F_JCC_CC + 4: next = endOf(ip, w0) + (cond(4) ? load<u32>(e, 8) : 0); break;
      case F_JCC_CC + 5: next = endOf(ip, w0) + (cond(5) ? load<u32>(e, 8) : 0); break;
      case F_JCC_CC + 6: next = endOf(ip, w0) + (cond(6) ? load<u32>(e, 8) : 0); break;
      case F_JCC_CC + 7: next = endOf(ip, w0) + (cond(7) ? load<u32>(e, 8) : 0); break;
      case F_JCC_CC + 8: next = endOf(ip, w0) + (cond(8) ? load<u32>(e, 8) : 0); break;
      case F_JCC_CC + 9: next = endOf(ip, w0) + (cond(9) ? load<u32>(e, 8) : 0); break;
      case F_JCC_CC + 10: next = endOf(ip, w0) + (cond(10) ? load<u32>(e, 8) : 0); break;
      case F_JCC_CC + 11: next = endOf(ip, w0) + (cond(11) ? load<u32>(e, 8) : 0); break;
      case F_JCC_CC + 12: next = endOf(ip, w0) + (cond(12) ? load<u32>(e, 8) : 0); break;
      case F_JCC_CC + 13: next = endOf(ip, w0) + (cond(13) ? load<u32>(e, 8) : 0); break;
      case F_JCC_CC + 14: next = endOf(ip, w0) + (cond(14) ? load<u32>(e, 8) : 0); break;
      case F_JCC_CC + 15: next = endOf(ip, w0) + (cond(15) ? load<u32>(e, 8) : 0); break;
      case F_INC: { const a = r32(d); const v = a + 1; lazyIncDec(L_INC, a, v, 0x80000000); w32(d, v); break; }
      case F_DEC: { const a = r32(d); const v = a - 1; lazyIncDec(L_DEC, a, v, 0x80000000); w32(d, v); break; }
      case F_MOV_RR: w32(d, r32((w3 >> 12) & 0xF)); break;
      case F_MOV_RI: w32(d, load<u32>(e, 8)); break;
      case F_JMP: next = endOf(ip, w0) + load<u32>(e, 8); break;
      case F_LEA: w32(d, eaOf(e, load<u32>(e, 4))); break;
      case F_SHIFT_RI: {
        const cnt = load<u32>(e, 8); // 0..31
        if (cnt == 0) break;
        const kk = (w3 >> 16) & 7;
        const a = r32(d);
        if (kk >= 4) { // SHL/SAL, SHR, SAR as shift<u32> computes them, inline
          let r: u32, cf: u32, ov: u32;
          if (kk == 5) { r = a >>> cnt; cf = (a >>> (cnt - 1)) & 1; ov = a >>> 31; }
          else if (kk == 7) { r = <u32>(<i32>a >> cnt); cf = <u32>(<i32>a >> (cnt - 1)) & 1; ov = 0; }
          else { r = a << cnt; cf = (a >>> (32 - cnt)) & 1; ov = (r >>> 31) ^ cf; }
          lazyRes(r, cf | (ov << 11), 0x80000000);
          w32(d, r);
        } else w32(d, shift<u32>(kk, a, cnt));
        break;
      }
      case F_ALU8_RI: {
        const kk = (w3 >> 16) & 0xF;
        const r = alu<u8>(kk, r8(d), load<u32>(e, 8));
        if (kk < 7) w8(d, r);
        break;
      }
      case F_MOV_RI8: w8(d, load<u32>(e, 8)); break;
      case F_UNARY: {
        const a = r32(d);
        if ((w3 >> 16) & 1) { const r = 0 - a; lazy(L_SUB, 0, a, r, 0x80000000); w32(d, r); }
        else w32(d, ~a);
        break;
      }
      case F_MUL: {
        const b = r32((w3 >> 12) & 0xF);
        if (((w3 >> 16) & 0xF) == 4) {
          const r = <u64>r32(EAX) * <u64>b;
          w32(EAX, <u32>r); w32(EDX, <u32>(r >> 32));
          lazyRes(<u32>r, (r >> 32) != 0 ? CF | OF : 0, 0x80000000);
        } else {
          const r = <i64>(<i32>r32(EAX)) * <i64>(<i32>b);
          w32(EAX, <u32>r); w32(EDX, <u32>(r >> 32));
          lazyRes(<u32>r, r != <i64>(<i32>r) ? CF | OF : 0, 0x80000000);
        }
        break;
      }
      case F_IMUL: {
        const b = ((w3 >> 16) & 0xF) != 0 ? load<u32>(e, 8) : r32(d);
        const r = <i64>(<i32>r32((w3 >> 12) & 0xF)) * <i64>(<i32>b);
        w32(d, <u32>r);
        lazyRes(<u32>r, r != <i64>(<i32>r) ? CF | OF : 0, 0x80000000);
        break;
      }
      case F_NOP: break;
      case F_CMPRR_JCC: case F_CMPRI_JCC: {
        const b = (w3 & 0xFF) == F_CMPRR_JCC ? r32((w3 >> 12) & 0xF) : load<u32>(e, 8);
        alu<u32>(7, r32(d), b);
        next = endOf(ip, w0) + (cond((w3 >> 16) & 0xF) ? load<u32>(e, 4) : 0);
        break;
      }
      case F_TESTRR_JCC: case F_TESTRI_JCC: {
        const b = (w3 & 0xFF) == F_TESTRR_JCC ? r32((w3 >> 12) & 0xF) : load<u32>(e, 8);
        alu<u32>(8, r32(d), b);
        next = endOf(ip, w0) + (cond((w3 >> 16) & 0xF) ? load<u32>(e, 4) : 0);
        break;
      }
      case F_SETCC: w8(d, cond((w3 >> 16) & 0xF) ? 1 : 0); break;
      case F_ALU8_RR: {
        const kk = (w3 >> 16) & 0xF;
        const r = alu<u8>(kk, r8(d), r8((w3 >> 12) & 0xF));
        if (kk < 7) w8(d, r);
        break;
      }
      // Forms with one memory access: on a fault nothing has changed yet (PUSH/POP move ESP only
      // after their access), so run()'s fault path needs startIp and startEsp, set by faulted().
      case F_LOAD: {
        const v = rdOp(e, 4);
        if (faulted(ip)) return stopAt(w0, 0);
        w32(d, v);
        if (C.exitReq) return stopAt(w0, endOf(ip, w0));
        break;
      }
      case F_LOAD8: {
        const v = rdOp(e, 1);
        if (faulted(ip)) return stopAt(w0, 0);
        w8(d, v);
        if (C.exitReq) return stopAt(w0, endOf(ip, w0));
        break;
      }
      case F_MOVX: {
        const kx = (w3 >> 16) & 0x1F;
        let v: u32;
        if (kx & 0x10) v = (kx & 2) ? r32((w3 >> 12) & 0xF) & 0xFFFF : r8((w3 >> 12) & 0xF);
        else {
          v = (kx & 2) ? rdOp(e, 2) : rdOp(e, 1);
          if (faulted(ip)) return stopAt(w0, 0);
        }
        if (kx & 1) v = (kx & 2) ? <u32>(<i32>(<i16>v)) : <u32>(<i32>(<i8>v));
        w32(d, v);
        if (C.exitReq) return stopAt(w0, endOf(ip, w0));
        break;
      }
      case F_CMP8_MI: {
        const v = rdOp(e, 1);
        if (faulted(ip)) return stopAt(w0, 0);
        alu<u8>(7, v, load<u8>(immAt(w0, ip)));
        if (C.exitReq) return stopAt(w0, endOf(ip, w0));
        break;
      }
      case F_ALU_MR: case F_ALU_MI: {
        const kk = (w3 >> 16) & 0xF;
        let b: u32;
        if ((w3 & 0xFF) == F_ALU_MR) b = r32((w3 >> 12) & 0xF);
        else b = ((w3 >> 12) & 0xF) != 0 ? <u32>(<i32>load<i8>(immAt(w0, ip))) : load<u32>(immAt(w0, ip));
        if (kk >= 7) { // CMP, TEST: read only
          const v = rdOp(e, 4);
          if (faulted(ip)) return stopAt(w0, 0);
          alu<u32>(kk, v, b);
          if (C.exitReq) return stopAt(w0, endOf(ip, w0));
        } else { // write access checked before the read, so a fault comes before any effect
          const w1 = load<u32>(e, 4);
          const l = linWr(w1, eaOf(e, w1), 4);
          const v = C.fault ? 0 : rdForWrite(l, 4);
          if (faulted(ip)) return stopAt(w0, 0);
          wr32(l, alu<u32>(kk, v, b));
          // An exit, or a store into this trace's bytes (the next instruction must be fetched anew).
          if (C.exitReq || l - lin0 < MAX_CODE + 16) return stopAt(w0, endOf(ip, w0));
        }
        break;
      }
      case F_STORE: case F_STORE8: case F_MOV_MI: case F_MOV_MI8: {
        const w1 = load<u32>(e, 4);
        const f = w3 & 0xFF;
        const size: u32 = f == F_STORE8 || f == F_MOV_MI8 ? 1 : 4;
        const l = linWr(w1, eaOf(e, w1), size);
        if (!C.fault) {
          if (f == F_STORE8) wr8(l, r8((w3 >> 12) & 0xF));
          else if (f == F_MOV_MI8) wr8(l, load<u8>(immAt(w0, ip)));
          else wr32(l, f == F_STORE ? r32((w3 >> 12) & 0xF) : load<u32>(immAt(w0, ip)));
        }
        if (faulted(ip)) return stopAt(w0, 0);
        // A store into this trace's bytes: the next instruction must be fetched anew.
        if (C.exitReq || l - lin0 < MAX_CODE + 16) return stopAt(w0, endOf(ip, w0));
        break;
      }
      // 32-bit stack (SS.B is part of the trace's mode): push32/pop32 inline.
      case F_PUSH: case F_CALL: {
        const sp = r32(ESP) - 4;
        const l = (load<u32>(e, 4) & E1_FLAT) ? sp : Dec.linW(C.SS, sp, 4);
        if (!C.fault) wr32(l, (w3 & 0xFF) == F_PUSH ? r32(d) : endOf(ip, w0));
        if (faulted(ip)) return stopAt(w0, 0);
        w32(ESP, sp);
        if ((w3 & 0xFF) == F_CALL) next = endOf(ip, w0) + load<u32>(e, 8);
        if (C.exitReq) return stopAt(w0, (w3 & 0xFF) == F_CALL ? next : endOf(ip, w0));
        break;
      }
      case F_POP: case F_RET: {
        const sp = r32(ESP);
        const l = (load<u32>(e, 4) & E1_FLAT) ? sp : Dec.linR(C.SS, sp, 4);
        const v = C.fault ? 0 : rd32(l);
        if (faulted(ip)) return stopAt(w0, 0);
        w32(ESP, sp + 4); // before the write: POP ESP leaves the popped value in ESP
        if ((w3 & 0xFF) == F_POP) w32(d, v); else next = v;
        if (C.exitReq) return stopAt(w0, (w3 & 0xFF) == F_RET ? next : endOf(ip, w0));
        break;
      }
      default:
        next = ((w0 & 0x1FF) >>> 3) == (0xD8 >>> 3) ? x87Entry(e, ip, w0) : genEntry(e, ip);
        if (stopN) return 0;
    }
    e += 16;
    if (e < eEnd) continue;
    return (w0 & E_NEXT) ? next : endOf(ip, w0);
  }
}

/**
 * Replay the trace in `slot` starting at EIP `eip`, then the traces that follow while they are
 * valid and no event is pending (chaining). Returns the instructions executed (the last one may
 * have faulted or asked for an exit: C.fault / C.exitReq, handled by run() as on the ordinary
 * path); C.ip is the EIP after the last one.
 */
export function replay(slot: u32, eip: u32, room: u32, soft: u32): u32 {
  lin0 = Dec.csBase + eip;
  let done: u32 = 0;
  C.setPrefixDefaults(C.code32);
  let t0 = eip;
  while (true) {
    const fn = <u32>load<u16>(slot, T_FN);
    let ipOut: u32;
    if (fn != 0) {
      // What a trace that loops on itself may run after its first pass: up to the budget and the timer poll.
      const lim = soft < room ? soft : room;
      const after = done + <u32>load<u8>(slot, T_COUNT);
      ipOut = call_indirect<u32>(fn, S, t0, lin0, tagR, tagW, lim > after ? lim - after : 0);
      done += jitExtra;
      jitExtra = 0;
    } else {
      if (jitOn) hot(slot);
      ipOut = interp(slot, t0);
    }
    if (stopN) { const u = stopN; stopN = 0; return done + u; }
    done += <u32>load<u8>(slot, T_COUNT);
    C.ip = ipOut;
    if (done >= soft || atomic.load<u32>(S + OFF_PENDING) != 0) return done;
    const lin = Dec.csBase + ipOut;
    if ((lin & 0xFFFFF000) != Dec.fetchPage) return done;
    const key = Dec.fetchAdd + lin;
    const s2 = slotFor(key);
    if (!valid(s2, key, modeWord())) return done;
    const n2 = <u32>load<u8>(s2, T_COUNT);
    if (n2 == 0 || n2 > room - done) return done;
    slot = s2;
    lin0 = lin;
    t0 = ipOut;
  }
}
