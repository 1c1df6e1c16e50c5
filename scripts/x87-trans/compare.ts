// Runs given cases on the host x87 and in the core's f80 library, for edge checks by hand.
// Usage: [VENDOR=0|1] npx tsx scripts/x87-trans/compare.ts < cases, one case per line:
// "op cw a b" (op: f80ref's number, e.g. 30 FYL2X, 31 FYL2XP1; cw hex; a = ST0, b = ST1 as 20
// hex digits). Output: measure.ts's columns plus "ok" or "DIFF" (results and SW & 0x477f).
import { readFileSync, rmSync } from "node:fs";
import { type Rec, buildNative, buildWasm, runNative, runWasm, tempDir } from "../../test/wasm/x87/f80-harness";
import { hostVendor } from "../../test/wasm/host-vendor";

const recs: Rec[] = readFileSync(0, "utf8").split("\n").filter((l) => l.trim()).map((l) => {
  const [op, cw, a, b] = l.trim().split(/\s+/);
  return { op: Number(op), cw: parseInt(cw, 16), a: BigInt("0x" + a), b: BigInt("0x" + (b ?? "0")) };
});
const dir = tempDir();
const nat = runNative(buildNative(dir), recs);
const w = await buildWasm(dir);
w.setVendor(Number(process.env.VENDOR ?? hostVendor()));
const got = runWasm(w, recs);
const h = (v: bigint): string => v.toString(16).padStart(20, "0");
for (const [i, c] of recs.entries()) {
  const n = nat[i], g = got[i];
  const same = n.r1 === g.r1 && n.r2 === g.r2 && (n.sw & 0x477f) === (g.sw & 0x477f);
  console.log([c.op, c.cw.toString(16), h(c.a), h(c.b), h(n.r1), h(n.r2), n.sw.toString(16), h(g.r1), h(g.r2), g.sw.toString(16), same ? "ok" : "DIFF"].join(" "));
}
rmSync(dir, { recursive: true, force: true });
