// Measurement harness for issue 4 (x87 transcendentals vs the host CPU): generates in-domain
// finite operands for each transcendental under every RC and PC, runs them on the host x87
// (test/wasm/x87/native/f80ref.c) and in the core's f80 library (test/wasm/x87/f80-entry.ts),
// and writes one line per case for scripts/x87-trans/analyse.py, which adds the exact values.
// Usage: [OPS=29,33] [VENDOR=0|1] npx tsx scripts/x87-trans/measure.ts [perOp=4000] [seed=1] > cases.tsv
// (OPS: the f80ref op numbers to measure, default all eight: 29 F2XM1 .. 36 FSINCOS)
import { rmSync } from "node:fs";
import { type Rec, Rng, J, f80, sigPattern, buildNative, buildWasm, runNative, runWasm, tempDir } from "../../test/wasm/x87/f80-harness";
import { hostVendor } from "../../test/wasm/host-vendor";

const perOp = Number(process.argv[2] ?? 4000);
const r = new Rng(Number(process.argv[3] ?? 1));
const M64 = (1n << 64n) - 1n;
const sig = (): bigint => (r.chance(0.8) ? r.u64() | J : sigPattern(r));
const val = (lo: number, hi: number, sign = r.int(2)): bigint => f80(sign, 0x3fff + lo + r.int(hi - lo + 1), sig());

function nearPiHalf(): bigint {
  const p = 0x3243f6a8885a308d3n; // pi66/2 * 2^65
  const k = r.u64() >> BigInt(r.int(64)) || 1n;
  const x = k * p;
  const n = x.toString(2).length;
  const m = (x >> BigInt(n - 64)) + BigInt(r.int(3)) - 1n;
  return f80(r.int(2), 0x3fff + n - 1 - 65, (m & M64) | J);
}

function gen(op: number): [bigint, bigint] {
  const k = r.int(10);
  switch (op) {
    case 29: return [val(k < 7 ? -8 : -70, -1), 0n]; // F2XM1, |x| < 1
    case 30: { // FYL2X
      const x = k < 3 ? f80(0, 0x3fff - r.int(2), r.chance(0.5) ? J + (r.u64() >> BigInt(8 + r.int(56))) : M64 - (r.u64() >> BigInt(8 + r.int(56))))
        : k < 8 ? val(-4, 4, 0) : val(-300, 300, 0);
      return [x, k < 5 ? f80(0, 0x3fff, J) : val(-20, 20)];
    }
    case 31: return [val(k < 7 ? -8 : -70, -3), k < 5 ? f80(0, 0x3fff, J) : val(-20, 20)]; // FYL2XP1
    case 33: return k < 5 ? [val(-3, 3), val(-3, 3)] : [val(-60, 60), val(-60, 60)]; // FPATAN
    default: // trig
      if (k < 5) return [val(-3, 2), 0n];
      if (k < 7) return [val(-40, -3), 0n];
      if (k < 9) return [val(2, 62), 0n];
      return [nearPiHalf(), 0n];
  }
}

const recs: Rec[] = [];
for (const op of (process.env.OPS ?? "29,30,31,32,33,34,35,36").split(",").map(Number)) {
  for (let i = 0; i < perOp; i++) {
    const [a, b] = gen(op);
    const pc = [0, 2, 3][r.int(3)];
    recs.push({ op, cw: 0x40 | 0x3f | (pc << 8) | (r.int(4) << 10), a, b });
  }
}
const dir = tempDir();
const nat = runNative(buildNative(dir), recs);
const w = await buildWasm(dir);
w.setVendor(Number(process.env.VENDOR ?? hostVendor())); // the host's flavour unless VENDOR=0 (AMD) / 1 (Intel)
const got = runWasm(w, recs);
const h = (v: bigint): string => v.toString(16).padStart(20, "0");
const out = recs.map((c, i) => [c.op, c.cw.toString(16), h(c.a), h(c.b), h(nat[i].r1), h(nat[i].r2), nat[i].sw.toString(16), h(got[i].r1), h(got[i].r2), got[i].sw.toString(16)].join(" "));
process.stdout.write(out.join("\n") + "\n");
rmSync(dir, { recursive: true, force: true });
