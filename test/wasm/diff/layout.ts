// The shared environment of the differential test: one 64 KiB region at the same linear address on
// both sides (the host process maps it, the emulator has it in guest RAM), two LDT segments over it
// and the binary record formats exchanged with the native runner. Keep in sync with
// native/runner.c (same names there).

/** Linear (and, in the emulator, guest-physical) base of the region. */
export const REGION_BASE = 0x00400000;
export const REGION_SIZE = 0x10000;
/** Segment offsets: the compared data buffer, the code page (all INT3) and the instruction. */
export const BUF_OFF = 0x1000;
export const BUF_LEN = 256;
export const CODE_PAGE = 0x8000;
export const CODE_OFF = 0x8800;
/**
 * The first and last EDGE_LEN bytes of the segments (stack pointers at the ends of the stack
 * segment, 16-bit address wrap-around and accesses at the limit reach them) are set back to INT3
 * (0xCC, like the rest of the region) before every case on both sides. A selector read from there
 * (0xCCCC) is beyond the LDT limit, and a branch to an address read there lands on an INT3.
 */
export const EDGE_LEN = 0x100;
/** LDT selectors (RPL 3): entry 0 = read/write data, entry 1 = readable code; base REGION_BASE, limit 0xFFFF, 32-bit, DPL 3. */
export const SEL_DATA = 0x07;
export const SEL_CODE = 0x0f;
/** LDT entries 2 and 3: the same with the 16-bit default size (D/B = 0). */
export const SEL_DATA16 = 0x17;
export const SEL_CODE16 = 0x1f;
/** Bits of the input record's eflags that are no EFLAGS bits: run the case with a 16-bit CS / SS. */
export const CASE_CODE16 = 0x80000000;
export const CASE_STACK16 = 0x40000000;
/** Segment attributes of those two descriptors as the core caches them (modify_ldt sets the accessed bit). */
export const ATTR_DATA = 0x40f3;
export const ATTR_CODE = 0x40fb;
export const ATTR_DATA16 = 0x00f3;
export const ATTR_CODE16 = 0x00fb;

/** Input record: len u8, code[15], regs[8] (EAX..EDI incl. ESP), eflags u32, buf[BUF_LEN]. */
export const IN = { len: 0, code: 1, regs: 16, eflags: 48, buf: 52, size: 52 + BUF_LEN } as const;
/** Output record: vec, eip, err, regs[8], eflags, sel[6] (ES CS SS DS FS -), buf[BUF_LEN]. */
export const OUT = { vec: 0, eip: 4, err: 8, regs: 12, eflags: 44, sel: 48, buf: 60, size: 60 + BUF_LEN } as const;

/** Vectors above 255 in an output record: the emulator did not end in a handler. */
export const VEC_EMU_SHUTDOWN = 0x102;
export const VEC_EMU_BUDGET = 0x100;
export const VEC_EMU_OTHER = 0x1ff;

export const REG_NAMES = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'] as const;
export const SEL_NAMES = ['es', 'cs', 'ss', 'ds', 'fs'] as const;
