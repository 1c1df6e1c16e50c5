// The trace compiler reads the core's trace slots: its copy of their format must be the core's.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as F from '../../../../src/worker/jit/trace-format.js';
import { Bytes } from '../../../../src/worker/jit/wasm-writer.js';

function constants(file: string): Map<string, number> {
  const src = readFileSync(fileURLToPath(new URL(`../../../../wasm/core/${file}`, import.meta.url)), 'utf8');
  const out = new Map<string, number>();
  for (const m of src.matchAll(/^(?:export )?const (\w+): u32 = ([^;]+);/gm)) {
    const v = m[2].trim();
    const shift = /^1 << (\d+)$/.exec(v);
    if (shift) out.set(m[1], 1 << Number(shift[1]));
    else if (/^(0x[0-9a-fA-F]+|\d+)$/.test(v)) out.set(m[1], Number(v));
  }
  return out;
}

describe('trace compiler: slot format', () => {
  it("equals wasm/core/trace.ts's and flags.ts's constants", () => {
    const core = new Map([...constants('trace.ts'), ...constants('flags.ts')]);
    const names = Object.keys(F) as Array<keyof typeof F>;
    expect(names.length).toBeGreaterThan(50);
    for (const name of names) {
      expect(core.has(name), `${name} in the core`).toBe(true);
      expect(F[name], name).toBe(core.get(name));
    }
  });

  it('writes LEB128 numbers as the wasm binary format defines them', () => {
    const enc = (f: (b: Bytes) => void) => { const b = new Bytes(); f(b); return Array.from(b.view()); };
    expect(enc((b) => b.u32(0))).toEqual([0]);
    expect(enc((b) => b.u32(624485))).toEqual([0xe5, 0x8e, 0x26]);
    expect(enc((b) => b.u32(0xffffffff))).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(enc((b) => b.s32(-123456))).toEqual([0xc0, 0xbb, 0x78]);
    expect(enc((b) => b.s32(63))).toEqual([0x3f]);
    expect(enc((b) => b.s32(64))).toEqual([0xc0, 0x00]);
    expect(enc((b) => b.s32(-64))).toEqual([0x40]);
    expect(enc((b) => b.s32(0x80000000))).toEqual([0x80, 0x80, 0x80, 0x80, 0x78]);
  });
});
