// A minimal WebAssembly binary writer for the trace compiler: LEB128 numbers, the opcodes it
// uses, and the module sections (types, imports, functions, exports, code). Reference: the
// WebAssembly core specification, binary format (chapter 5).
/** Opcodes used by compiled traces. */
export const OP = {
  block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b, br: 0x0c, return: 0x0f, call: 0x10, drop: 0x1a, select: 0x1b,
  localGet: 0x20, localSet: 0x21, localTee: 0x22, globalGet: 0x23, globalSet: 0x24,
  i32Load: 0x28, i32Load8S: 0x2c, i32Load8U: 0x2d, i32Load16S: 0x2e, i32Load16U: 0x2f,
  i32Store: 0x36, i32Store8: 0x3a, i32Store16: 0x3b,
  i32Const: 0x41, i64Const: 0x42,
  i32Eqz: 0x45, i32Eq: 0x46, i32Ne: 0x47, i32LtS: 0x48, i32LtU: 0x49, i32GtS: 0x4a, i32GtU: 0x4b,
  i32LeS: 0x4c, i32LeU: 0x4d, i32GeS: 0x4e, i32GeU: 0x4f,
  i64Ne: 0x52,
  i32Popcnt: 0x69, i32Add: 0x6a, i32Sub: 0x6b, i32Mul: 0x6c, i32And: 0x71, i32Or: 0x72, i32Xor: 0x73,
  i32Shl: 0x74, i32ShrS: 0x75, i32ShrU: 0x76,
  i64Mul: 0x7e, i64ShrU: 0x88, i32WrapI64: 0xa7, i64ExtendI32S: 0xac, i64ExtendI32U: 0xad,
  i32Extend8S: 0xc0, i32Extend16S: 0xc1,
};
export const I32 = 0x7f;
export const VOID = 0x40;
/** A growable byte buffer with the binary format's encodings. */
export class Bytes {
  constructor() {
    this.buf = new Uint8Array(1024);
    this.n = 0;
  }
  /** Room for `k` more bytes. */
  room(k) {
    if (this.n + k <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.n + k) size *= 2;
    const nb = new Uint8Array(size);
    nb.set(this.buf.subarray(0, this.n));
    this.buf = nb;
  }
  byte(b) {
    if (this.n === this.buf.length) this.room(1);
    this.buf[this.n++] = b;
    return this;
  }
  bytes(b) {
    this.room(b.length);
    for (let i = 0; i < b.length; i++) this.buf[this.n++] = b[i];
    return this;
  }
  /** Unsigned LEB128. */
  u32(v) {
    v >>>= 0;
    this.room(5);
    do { let b = v & 0x7f; v >>>= 7; if (v !== 0) b |= 0x80; this.buf[this.n++] = b; } while (v !== 0);
    return this;
  }
  /** Signed LEB128 of a 32-bit value. */
  s32(v) {
    v |= 0;
    this.room(5);
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) { this.buf[this.n++] = b; return this; }
      this.buf[this.n++] = b | 0x80;
    }
  }
  name(s) { this.u32(s.length); for (let i = 0; i < s.length; i++) this.byte(s.charCodeAt(i)); return this; }
  /** A length-prefixed copy of `b`. */
  vec(b) { this.u32(b.n); this.room(b.n); this.buf.set(b.buf.subarray(0, b.n), this.n); this.n += b.n; return this; }
  /** The bytes of `b`, appended. */
  append(b) { this.room(b.n); this.buf.set(b.buf.subarray(0, b.n), this.n); this.n += b.n; return this; }
  section(id, body) { this.byte(id); return this.vec(body); }
  view() { return this.buf.subarray(0, this.n); }
}
/** A module of functions of the given types, each exported as f0, f1, ... */
export function buildModule(types, imports, funcs) {
  const out = new Bytes().bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  const t = new Bytes().u32(types.length);
  for (const ft of types) {
    t.byte(0x60).u32(ft.params.length).bytes(ft.params).u32(ft.results.length).bytes(ft.results);
  }
  out.section(1, t);
  const im = new Bytes().u32(imports.length);
  for (const i of imports) {
    im.name(i.module).name(i.name);
    if (i.kind === 'func') im.byte(0x00).u32(i.type);
    else if (i.kind === 'global')
      im.byte(0x03).byte(I32).byte(0x01);
    else im.byte(0x02).byte(0x03).u32(i.min).u32(i.max);
  }
  out.section(2, im);
  const fs = new Bytes().u32(funcs.length);
  for (const f of funcs) fs.u32(f.type);
  out.section(3, fs);
  const nImportFuncs = imports.filter((i) => i.kind === 'func').length;
  const ex = new Bytes().u32(funcs.length);
  funcs.forEach((_, k) => ex.name('f' + k).byte(0x00).u32(nImportFuncs + k));
  out.section(7, ex);
  const code = new Bytes().u32(funcs.length);
  for (const f of funcs) code.vec(f.body);
  out.section(10, code);
  return out.view().slice();
}
