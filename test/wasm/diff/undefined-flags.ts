// What the architecture leaves undefined, per instruction, so that the differential test compares
// only defined results. Every entry cites the "Flags Affected" (or "Operation"/"Description") text
// of the instruction's page in the Intel SDM vol. 2 (Order No. 325383); the host is an AMD CPU,
// whose APM agrees on these points.
import type { Loc, Meta } from './gen.ts';

export const CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, OF = 0x800;
const ARITH = CF | PF | AF | ZF | SF | OF;

/** EFLAGS bits compared: arithmetic flags, TF, IF, DF, IOPL, NT, AC, ID (RF: only in fault frames, see diff.test.ts). */
export const FLAGS_COMPARED = 0x00247fd5;

export interface Undefined {
  /** EFLAGS bits whose value is undefined after this case. */
  flags: number;
  /** Destination operand whose value is undefined (register bits or memory bytes). */
  dst?: Loc;
}

/**
 * Undefined flags (and destination) of `meta` given the host's result flags `outFlags` (used
 * where the SDM makes it depend on the result, e.g. BSF with a zero source).
 */
export function undefinedFor(meta: Meta, outFlags: number): Undefined {
  const m = meta.mn;
  const c = (meta.count ?? 0) & 0x1f;
  switch (m) {
    // AND/OR/XOR/TEST: "The OF and CF flags are cleared; the SF, ZF, and PF flags are set according
    // to the result. The state of the AF flag is undefined."
    case 'and': case 'or': case 'xor': case 'test':
      return { flags: AF };
    // MUL: "The OF and CF flags are set to 0 if the upper half of the result is 0; otherwise, they
    // are set to 1. The SF, ZF, AF, and PF flags are undefined."
    // IMUL: "The SF, ZF, AF, and PF flags are undefined." (all three forms)
    case 'mul': case 'imul':
      return { flags: SF | ZF | AF | PF };
    // DIV, IDIV: "The CF, OF, SF, ZF, AF, and PF flags are undefined."
    case 'div': case 'idiv':
      return { flags: ARITH };
    // DAA, DAS: "The OF flag is undefined."
    case 'daa': case 'das':
      return { flags: OF };
    // AAA, AAS: "The OF, SF, ZF, and PF flags are undefined."
    case 'aaa': case 'aas':
      return { flags: OF | SF | ZF | PF };
    // AAM, AAD: "The SF, ZF, and PF flags are set according to the resulting binary value in the AL
    // register. The OF, AF, and CF flags are undefined."
    case 'aam': case 'aad':
      return { flags: OF | AF | CF };
    // SAL/SAR/SHL/SHR: "The CF flag contains the value of the last bit shifted out of the
    // destination operand; it is undefined for SHL and SHR instructions where the count is greater
    // than or equal to the size (in bits) of the destination operand. The OF flag is affected only
    // for 1-bit shifts; otherwise, it is undefined. ... If the count is 0, the flags are not
    // affected. For a non-zero count, the AF flag is undefined."
    case 'shl': case 'sal': case 'shr': case 'sar': {
      if (c === 0) return { flags: 0 };
      let f = AF;
      if (c !== 1) f |= OF;
      if (m !== 'sar' && c >= meta.size) f |= CF;
      return { flags: f };
    }
    // RCL/RCR/ROL/ROR: "If the masked count is 0, the flags are not affected. If the masked count is
    // 1, then the OF flag is affected, otherwise (masked count is greater than 1) the OF flag is
    // undefined." (SF, ZF, AF, PF are not affected by rotates.)
    case 'rol': case 'ror': case 'rcl': case 'rcr':
      return { flags: c > 1 ? OF : 0 };
    // SHLD/SHRD: "If the count is 1 or greater, the CF flag is filled with the last bit shifted out
    // of the destination operand and the SF, ZF, and PF flags are set according to the value of the
    // result. For a 1-bit shift, the OF flag is set if a sign change occurred; otherwise, it is
    // cleared. For shifts greater than 1 bit, the OF flag is undefined. If a shift occurs, the AF
    // flag is undefined. If the count operand is 0, the flags are not affected. If the count is
    // greater than the operand size, the flags are undefined." Description: "If the count is
    // greater than the operand size, the result is undefined."
    case 'shld': case 'shrd': {
      if (c === 0) return { flags: 0 };
      if (c > meta.size) return { flags: ARITH, dst: meta.dst };
      return { flags: AF | (c !== 1 ? OF : 0) };
    }
    // BSF/BSR: "The ZF flag is set to 1 if the source operand is 0; otherwise, the ZF flag is
    // cleared. The CF, OF, SF, AF, and PF flags are undefined." Description: "If the content of the
    // source operand is 0, the content of the destination operand is undefined."
    case 'bsf': case 'bsr':
      return { flags: CF | OF | SF | AF | PF, dst: outFlags & ZF ? meta.dst : undefined };
    // BT/BTS/BTR/BTC: "The CF flag contains the value of the selected bit. The ZF flag is
    // unaffected. The OF, SF, AF, and PF flags are undefined."
    case 'bt': case 'bts': case 'btr': case 'btc':
      return { flags: OF | SF | AF | PF };
    // BSWAP: "When the BSWAP instruction references a 16-bit register, the result is undefined."
    case 'bswap':
      return { flags: 0, dst: meta.opsz === 16 ? meta.dst : undefined };
    default:
      return { flags: 0 };
  }
}
