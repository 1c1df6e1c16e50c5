// Differential test of the x87 f80 library (wasm/core/x87) against the host's
// real x87: every case runs as the same instruction on both and must agree
// bit for bit in ST0, ST1 (or the stored memory) and the status word.
import { beforeAll, describe, expect, it } from "vitest";
import { type Tally, buildNative, buildWasm, runNative, runWasm, compare, tempDir } from "./f80-harness";
import { NAMES, SPECS, cases } from "./f80-cases";

describe("x87 f80 arithmetic vs the host x87", () => {
  let tally: Map<number, Tally>;

  beforeAll(async () => {
    const dir = tempDir();
    const native = buildNative(dir);
    const wasm = await buildWasm(dir);
    const recs = cases();
    tally = compare(recs, runNative(native, recs), runWasm(wasm, recs), NAMES);
    const rows = [...tally].map(([op, t]) => `${NAMES[op].padEnd(11)} ${String(t.cases).padStart(6)} ${String(t.mismatches).padStart(6)}`);
    console.log(`op          cases mismatches\n${rows.join("\n")}`);
  }, 120_000);

  for (const [op] of SPECS) {
    it(`${NAMES[op]} matches bit for bit`, () => {
      const t = tally.get(op)!;
      expect(t.mismatches, t.examples.join("\n")).toBe(0);
    });
  }
});
