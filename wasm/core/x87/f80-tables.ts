// Constant tables for the x87 transcendental kernels (f128 format: high, low,
// sign << 32 | exponent), generated offline with 400-bit arithmetic and rounded
// to nearest at 128 bits.

// ln 2, log2 e, and pi66, pi66/2, pi66/4, 3pi66/4 with the CPU's 66-bit pi (the read-back
// polynomial coefficients of FPTAN and F2XM1 are in f80-trig.ts and f80-exp.ts)
export const T_CONST = memory.data<u64>([
  0xB17217F7D1CF79AB, 0xC9E3B39803F2F6AF, 0xFFFFFFFF,
  0xB8AA3B295C17F0BB, 0xBE87FED0691D3E89, 0x0,
  0xC90FDAA22168C234, 0xC000000000000000, 0x1,
  0xC90FDAA22168C234, 0xC000000000000000, 0x0,
  0xC90FDAA22168C234, 0xC000000000000000, 0xFFFFFFFF,
  0x96CBE3F9990E91A7, 0x9000000000000000, 0x1,
]);
