// The trace compiler's host side, one per core instance: after each run() it takes the traces the
// core found hot (the vCPU block's jit_queue), compiles them into one wasm module
// (compile-trace.js), and puts each function in the instance's function table; the slot's T_FN
// then makes replay call it instead of interpreting the entries (wasm/core/trace.ts).
//
// Table indices are handed out round-robin; an index taken back from an older trace is cleared in
// that trace's slot first, so a slot never names another trace's code. A slot that is recorded
// anew loses its index in the core (traceAt clears T_FN). No guest input reaches the compiler
// except as decoded entries; if the engine rejects a module anyway, the compiler turns itself off
// with one log line and the interpreter goes on.
import { buildModule, I32 } from './wasm-writer.js';
import { compileTrace } from './compile-trace.js';
import * as F from './trace-format.js';
/** Executions of a trace before the core queues it for compilation (the core's jit(hot)). */
export const JIT_HOT = 2000;
/** Function-table entries for compiled traces (index 0 is never used: T_FN 0 = none). */
export const JIT_TABLE_SIZE = 16384;
/** The core's exports a compiled trace imports (names as in wasm/core/index.ts). */
const IMPORT_FUNCS = [
  ['jRd', 1], ['jWr', 2], ['jRdW', 1], ['jLinR', 3], ['jLinW', 3], ['jCond', 4], ['jIncDec', 2], ['jShift', 3], ['genEntry', 1], ['jStop', 2],
];
const IMPORT_GLOBALS = ['fl', 'lop', 'la', 'lb', 'lres', 'lsign', 'fault', 'exitReq', 'stopN', 'jitExtra'];
const TYPES = [
  { params: [I32, I32, I32, I32, I32, I32], results: [I32] }, // 0: a trace (S, t0, lin0, tagR, tagW, limit) -> EIP
  { params: [I32, I32], results: [I32] }, // 1
  { params: [I32, I32, I32], results: [] }, // 2
  { params: [I32, I32, I32], results: [I32] }, // 3
  { params: [I32], results: [I32] }, // 4
];
const IMPORTS = [
  ...IMPORT_FUNCS.map(([name, type]) => ({ module: 'c', name, kind: 'func', type })),
  ...IMPORT_GLOBALS.map((name) => ({ module: 'c', name, kind: 'global' })),
  { module: 'c', name: 'memory', kind: 'memory', shared: true, min: 1, max: 65536 },
];
/** The function table a core instance imports as env.table (empty; filled with compiled traces). */
export function coreTable() { return new WebAssembly.Table({ element: 'anyfunc', initial: JIT_TABLE_SIZE }); }
export class Jit {
  constructor(table, memory, exports, base, layout) {
    this.table = table;
    this.base = base;
    this.layout = layout;
    this.owner = new Int32Array(JIT_TABLE_SIZE);
    this.nextIndex = 1;
    this.off = false;
    this.stats = { compiled: 0, modules: 0, generic: 0, entries: 0, evicted: 0, skipped: 0, loops: 0, ms: 0 };
    const c = { memory };
    for (const [name] of IMPORT_FUNCS) c[name] = exports[name];
    for (const name of IMPORT_GLOBALS) c[name] = exports[name];
    this.imports = { c };
    this.u32 = new Uint32Array(memory.buffer);
    this.dv = new DataView(memory.buffer);
  }
  /** The instance moved to another state block (its compiled traces were forgotten by the core). */
  rebase(base) { this.base = base; this.owner.fill(0); this.nextIndex = 1; }
  /** Compile what the core queued since the last call. Cheap when nothing is queued. */
  service() {
    const q = (this.base + this.layout.jitQueue) >>> 2;
    const n = this.u32[q];
    if (n === 0) return;
    this.u32[q] = 0;
    if (this.off) return;
    const slots = [];
    for (let i = 0; i < n && i < 255; i++) {
      const slot = this.u32[q + 1 + i];
      // Still a valid trace without code (it may have been recorded anew since it was queued).
      if (this.dv.getUint32(slot + F.T_MODE, true) & F.MODE_VALID && this.dv.getUint16(slot + F.T_FN, true) === 0
        && this.dv.getUint8(slot + F.T_NENT) !== 0)
        slots.push(slot);
    }
    if (slots.length === 0) return;
    const t0 = performance.now();
    try {
      const funcs = [];
      const done = [];
      for (const slot of slots) {
        const c = compileTrace(this.dv, slot, this.layout);
        this.stats.generic += c.generic;
        this.stats.entries += c.entries;
        // Nothing but generic entries (16-bit code, system instructions): replay is as fast.
        if (c.generic === c.entries) { this.stats.skipped++; continue; }
        if (c.loops) this.stats.loops++;
        funcs.push({ type: 0, body: c.body });
        done.push(slot);
      }
      if (funcs.length === 0) return;
      const bytes = buildModule(TYPES, IMPORTS, funcs);
      const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), this.imports);
      this.stats.modules++;
      this.stats.ms += performance.now() - t0;
      done.forEach((slot, k) => {
        const idx = this.take(slot);
        this.table.set(idx, inst.exports['f' + k]);
        this.dv.setUint16(slot + F.T_FN, idx, true);
        this.stats.compiled++;
      });
    } catch (e) {
      this.off = true;
      console.warn(`seoulweb: the trace compiler is off for this vCPU: ${e.message}`);
    }
  }
  /** A table index for `slot`, taken back from the trace that had it (which runs interpreted again until hot). */
  take(slot) {
    const idx = this.nextIndex;
    this.nextIndex = idx + 1 >= JIT_TABLE_SIZE ? 1 : idx + 1;
    const old = this.owner[idx];
    if (old !== 0 && this.dv.getUint16(old + F.T_FN, true) === idx) {
      this.dv.setUint16(old + F.T_FN, 0, true);
      this.dv.setUint16(old + F.T_HITS, 0, true);
      this.stats.evicted++;
    }
    this.owner[idx] = slot;
    return idx;
  }
}
