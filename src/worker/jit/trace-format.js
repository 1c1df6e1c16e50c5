// The trace cache's slot and entry format, as wasm/core/trace.ts writes it (test/src/worker/jit checks
// that these numbers equal the core's). Read by the trace compiler.
/** Slot fields (byte offsets). */
export const T_MODE = 4;
export const T_COUNT = 8;
export const T_NENT = 10;
export const T_FN = 12;
export const T_HITS = 14;
export const T_CODE = 16;
export const T_ENTRIES = 64;
export const MODE_VALID = 0x100;
export const MAX_CODE = 48;
/** Entry word 0. */
export const E_LEN_SHIFT = 9;
export const E_IMM_SHIFT = 13;
export const E_MEM = 1 << 17;
export const E_UPTO_SHIFT = 26;
export const E_NEXT = 1 << 30;
/** Entry word 1. */
export const NONE = 8;
export const E1_FLAT = 1 << 25;
/** Entry word 3. */
export const E3_OFF_SHIFT = 24;
/** Fast-form ids (entry word 3 bits 0-7). */
export const F_ALU_RR_K = 1;
export const F_ALU_RI_K = 10;
export const F_ALU_RM_K = 19;
export const F_JCC_CC = 27;
export const F_INC = 43;
export const F_DEC = 44;
export const F_MOV_RR = 45;
export const F_MOV_RI = 46;
export const F_JMP = 47;
export const F_LEA = 48;
export const F_SHIFT_RI = 49;
export const F_ALU8_RI = 50;
export const F_MOV_RI8 = 51;
export const F_UNARY = 52;
export const F_MUL = 53;
export const F_IMUL = 54;
export const F_NOP = 55;
export const F_CMPRR_JCC = 56;
export const F_CMPRI_JCC = 57;
export const F_TESTRR_JCC = 58;
export const F_TESTRI_JCC = 59;
export const F_SETCC = 60;
export const F_ALU8_RR = 61;
export const F_LOAD = 62;
export const F_LOAD8 = 63;
export const F_MOVX = 64;
export const F_CMP8_MI = 65;
export const F_ALU_MR = 66;
export const F_ALU_MI = 67;
export const F_STORE = 68;
export const F_STORE8 = 69;
export const F_MOV_MI = 70;
export const F_MOV_MI8 = 71;
export const F_PUSH = 72;
export const F_CALL = 73;
export const F_POP = 74;
export const F_RET = 75;
/** Lazy-flag operations (wasm/core/flags.ts). */
export const L_ADD = 1;
export const L_SUB = 3;
export const L_LOGIC = 5;
export const L_INC = 6;
export const L_DEC = 7;
export const L_RES = 8;
