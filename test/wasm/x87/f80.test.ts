// Differential test of the x87 f80 library (wasm/core/x87) against the host's
// real x87: every case runs as the same instruction on both sides (the native
// side through test/wasm/x87/native/f80ref.c, built with gcc -m32), comparing
// ST0, ST1 (or the stored memory) and the status word.
//
// Arithmetic, compares, conversions and constants must agree bit for bit.
// Transcendentals: the CPU is not always correctly rounded, and the library
// reproduces what was read back from the host (scripts/x87-trans). The core is
// set to the host's vendor flavour (wasm/core/vendor.ts). Special operands and
// domain edges must match bit for bit on every host. Finite in-domain results
// must match bit for bit on AMD hosts (the fitted model); on Intel hosts, whose
// microcode is modelled in part, they must lie within one unit in the last
// place with the same flags but C1, a least share of them must be bit-exact
// (INTEL_FLOOR), the share is printed, and the missing bit-exactness shows as
// a todo (issue 4).
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Tally, buildNative, buildWasm, runNative, runWasm, compare, tempDir, caseLine, transGrade,
} from "./f80-harness";
import { NAMES, SPECS, cases } from "./f80-cases";
import { TRANS_NAMES, transCases } from "./f80-trans-cases";
import { hostVendor, hostVendorName, VENDOR_INTEL } from "../host-vendor";

const VENDOR = hostVendor();

// Intel hosts: the least share of finite in-domain results the read-back Intel models must
// reproduce bit for bit, by op code. On the Xeon they were read on (family 6 model 167, sessions
// 18-20) this set gives F2XM1 99.8, FYL2X 99.8, FYL2XP1 99.8, FPTAN 99.4, FPATAN 100, FSIN 99.8,
// FCOS 99.5, FSINCOS 99.6%. The floors catch a broken model and leave 3-4 points for other Intel
// CPUs, whose tables may differ (the exact functions alone give 95-98%); f80-vendor.test.ts pins
// the models' exact results on any host. Below a floor: a regression, or an Intel CPU whose
// microcode differs (re-measure: scripts/x87-trans).
const INTEL_FLOOR: Record<number, number> = { 29: 96, 30: 96, 31: 96, 32: 95, 33: 96, 34: 96, 35: 96, 36: 95 };

interface TransStat {
  cases: number;
  exact: number;
  strict: number;
  strictBad: string[];
  far: string[]; // more than 1 ulp apart, or flags other than C1 differ
  near: string[]; // one ulp apart (C1 may differ)
}

let tally: Map<number, Tally>;
const trans = new Map<number, TransStat>();
const dir = tempDir(); // the native reference and the test wasm are built here

function transCompare(native: string, wasm: Awaited<ReturnType<typeof buildWasm>>): void {
  const recs = transCases();
  const nat = runNative(native, recs);
  const got = runWasm(wasm, recs);
  recs.forEach((rec, i) => {
    let s = trans.get(rec.op);
    if (!s) trans.set(rec.op, (s = { cases: 0, exact: 0, strict: 0, strictBad: [], far: [], near: [] }));
    const n = nat[i], g = got[i];
    s.cases++;
    if (rec.strict) s.strict++;
    const grade = transGrade(n, g);
    if (grade === "exact") {
      s.exact++;
      return;
    }
    const line = caseLine(rec, n, g);
    if (rec.strict) s.strictBad.push(line);
    else (grade === "far" ? s.far : s.near).push(line);
  });
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  const native = buildNative(dir);
  const wasm = await buildWasm(dir);
  wasm.setVendor(VENDOR);
  const recs = cases();
  tally = compare(recs, runNative(native, recs), runWasm(wasm, recs), NAMES);
  transCompare(native, wasm);
  const rows = [...tally].map(([op, t]) =>
    `${NAMES[op].padEnd(11)} ${String(t.cases).padStart(6)} ${String(t.mismatches).padStart(6)}`);
  const trows = [...trans].map(([op, s]) => {
    const approx = s.cases - s.strict;
    const approxExact = s.exact - (s.strict - s.strictBad.length);
    return `${TRANS_NAMES[op].padEnd(11)} ${String(s.cases).padStart(6)} ${(100 * s.exact / s.cases).toFixed(2).padStart(8)}%` +
      ` ${(100 * approxExact / approx).toFixed(2).padStart(8)}% ${String(s.strict).padStart(6)}`;
  });
  console.log(`host: ${hostVendorName()} (vendor flavour of the library)\n` +
    `op          cases mismatches\n${rows.join("\n")}\n\n` +
    `op          cases bit-exact (finite in-domain) strict\n${trows.join("\n")}`);
}, 180_000);

describe("x87 f80 arithmetic vs the host x87", () => {
  for (const [op] of SPECS) {
    it(`${NAMES[op]} matches bit for bit`, () => {
      const t = tally.get(op)!;
      expect(t.mismatches, t.examples.join("\n")).toBe(0);
    });
  }
});

describe("x87 transcendentals vs the host x87", () => {
  for (const op of Object.keys(TRANS_NAMES).map(Number)) {
    it(`${TRANS_NAMES[op]}: special operands and domain edges match bit for bit`, () => {
      const s = trans.get(op)!;
      expect(s.strictBad.length, s.strictBad.slice(0, 8).join("\n")).toBe(0);
    });
    if (VENDOR !== VENDOR_INTEL) {
      it(`${TRANS_NAMES[op]}: finite results bit-exact`, () => {
        const s = trans.get(op)!;
        expect(s.far.length, s.far.slice(0, 8).join("\n")).toBe(0);
        // every result of this fixed set (including LOG_DECISIVE, EXP_DECISIVE, COS_DECISIVE and
        // TAN_DECISIVE, operands earlier models got wrong); on random operands the AMD model
        // still differs by one unit in about 1 in several million results (scripts/x87-trans,
        // docs/RESULTS.md), which a set of this size does not meet
        expect(s.exact, s.near.slice(0, 8).join("\n")).toBe(s.cases);
      });
    } else {
      it(`${TRANS_NAMES[op]}: finite results within one unit of the Intel host, flags but C1 equal`, () => {
        const s = trans.get(op)!;
        expect(s.far.length, s.far.slice(0, 8).join("\n")).toBe(0);
      });
      it(`${TRANS_NAMES[op]}: at least ${INTEL_FLOOR[op]}% of finite results bit-exact on Intel hosts`, () => {
        const s = trans.get(op)!;
        const approx = s.cases - s.strict;
        const approxExact = s.exact - (s.strict - s.strictBad.length);
        expect(100 * approxExact / approx, s.near.slice(0, 8).join("\n")).toBeGreaterThanOrEqual(INTEL_FLOOR[op]);
      });
      it.todo(`${TRANS_NAMES[op]}: finite results bit-exact on Intel hosts (microcode modelled in part; issue 4)`);
    }
  }
});
