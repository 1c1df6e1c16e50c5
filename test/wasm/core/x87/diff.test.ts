// Differential test of the x87 instructions against the host x87: every encoding of D8..DF runs
// on random stack states, control words and operands natively (gcc -m32 runner) and in the core;
// the FSAVE images, memory, EFLAGS and EAX must agree bit for bit, masking only the condition
// codes the SDM leaves undefined. The core records FCS, FDS, FOP and FDP as a P6 does; a host
// that documents them as unrecorded (Intel: CPUID.7.0:EBX[13] FCS/FDS deprecated, EBX[6] FDP
// only on unmasked exceptions, FOP likewise since the Pentium 4) is compared with the core's
// results as that host has them (env.ts HostTraits, HostModel), and the output names them. The
// core runs in the host's vendor flavour (wasm/core/vendor.ts). On AMD hosts it reproduces the
// CPU's transcendental microcode (scripts/x87-trans, docs/RESULTS.md) exactly here: one-ulp differences in the transcendentals
// are counted and reported, and none is allowed (0 in the default set and with X87_DIFF_CASES=300,
// X87_DIFF_SEED 1-3, 151,849 cases each). On random operands outside this set no FSIN, FCOS or
// FSINCOS difference is known (0 in 36,000,000 results, session 16, measure.ts) and FPTAN's last
// known one was fixed in session 16; constructed near-tie operands still differ by one unit in
// rare cases (docs/RESULTS.md). FPTAN had one ulp allowed in 0.5% of its cases here until session 14.
// Larger runs: X87_DIFF_CASES (per encoding, default 48), X87_DIFF_SEQUENCES (default 4000),
// X87_DIFF_SEED; X87_NOMASK=1 compares the undefined condition codes too; X87_DIFF_EXAMPLES (default 3)
// mismatch examples printed per name.
import { afterAll, beforeAll, describe as suite, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildNative, runNative, hostTraits, EmuRunner, type Case, type Result } from './env.ts';
import { hostVendor, hostVendorName, VENDOR_INTEL } from '../../host-vendor.ts';
import { Rng, instructions, makeCase, makeSequence, compare, describe, type Insn, type Verdict } from './cases.ts';

const PER_INSN = Number(process.env.X87_DIFF_CASES ?? 48);
const PENDING_PER_INSN = 3;
const PER_INVALID = 3;
const SEQUENCES = Number(process.env.X87_DIFF_SEQUENCES ?? 4000);

interface Tally { cases: number; ulp: number; bad: number; examples: string[]; ulpExamples: string[] }

suite('x87 instructions vs the host x87', () => {
  const tally = new Map<string, Tally>();
  let total = 0;
  let exeDir = ''; // the native runner's temporary directory
  afterAll(() => { if (exeDir) rmSync(exeDir, { recursive: true, force: true }); });

  beforeAll(() => {
    const exe = buildNative();
    exeDir = dirname(exe);
    // Environment fields the host documents as unrecorded (FCS/FDS deprecated, FDP and FOP only
    // on unmasked exceptions) are compared as that host has them: see HostTraits in env.ts.
    const traits = hostTraits(exe);
    const { valid, invalid } = instructions();
    const r = new Rng(Number(process.env.X87_DIFF_SEED ?? 0x87a1));
    const work: Array<{ insn: Insn; c: Case }> = [];
    for (const insn of valid) {
      for (let k = 0; k < PER_INSN; k++) work.push({ insn, c: makeCase(r, insn) });
      for (let k = 0; k < PENDING_PER_INSN; k++) work.push({ insn, c: makeCase(r, insn, true) });
    }
    for (const insn of invalid) for (let k = 0; k < PER_INVALID; k++) work.push({ insn, c: makeCase(r, insn) });
    for (let k = 0; k < SEQUENCES; k++) work.push(makeSequence(r, valid));
    const nat: Result[] = runNative(exe, work.map((w) => w.c));
    const emu = new EmuRunner(traits);
    const emuRes = work.map(({ c }) => emu.run(c));
    // A context switch between the case and its FNSAVE can clear FIP/FDP on the host (the kernel's
    // FXSAVE-leak workaround on AMD): cases that disagree are run natively once more.
    const retry = work.map((w, k) => k).filter((k) => compare(work[k].insn, work[k].c, nat[k], emuRes[k]) === 'mismatch');
    if (retry.length > 0) runNative(exe, retry.map((k) => work[k].c)).forEach((res, j) => { nat[retry[j]] = res; });
    work.forEach(({ insn, c }, k) => {
      const e = emuRes[k];
      const v: Verdict = compare(insn, c, nat[k], e);
      let t = tally.get(insn.name);
      if (!t) tally.set(insn.name, (t = { cases: 0, ulp: 0, bad: 0, examples: [], ulpExamples: [] }));
      t.cases++;
      if (v === 'ulp' && t.ulp++ < 1) t.ulpExamples.push(describe(insn, c, nat[k], e));
      if (v === 'mismatch') {
        t.bad++;
        if (t.examples.length < Number(process.env.X87_DIFF_EXAMPLES ?? 3)) t.examples.push(describe(insn, c, nat[k], e));
      }
    });
    total = work.length;
    const lines = [...tally].filter(([, t]) => t.bad || t.ulp).map(([n, t]) => `${n.padEnd(22)} ${t.cases} cases, ${t.bad} mismatches, ${t.ulp} within one ulp\n${t.ulpExamples.join('\n')}`);
    const bad = [...tally.values()].reduce((s, t) => s + t.bad, 0);
    const ulp = [...tally.values()].reduce((s, t) => s + t.ulp, 0);
    const host = `host: ${traits.vendor} family ${traits.family} model ${traits.model} (core flavour ${hostVendorName()})` +
      (traits.notes.length ? `\n  ${traits.notes.join('\n  ')}` : ', records every environment field');
    console.log(`x87 differential: ${total} cases, ${tally.size} encodings' names, ${bad} mismatches, ${ulp} one-ulp transcendental differences\n${host}\n${lines.join('\n')}`);
  }, 600_000);

  it('ran the whole set', () => { expect(total).toBeGreaterThan(10_000); });
  if (hostVendor() !== VENDOR_INTEL) {
    it('matches the host transcendentals without a one-ulp difference', () => {
      for (const [n, t] of tally) expect(t.ulp, `${n}: ${t.ulpExamples.join('\n')}`).toBe(0);
    });
  } else {
    // Intel's transcendental microcode is modelled only in part (wasm/core/x87/f80-*-intel.ts):
    // one-ulp differences are counted above; random operands differ in up to 7.5% (FYL2XP1, the
    // others 0.5-2.5%: docs/RESULTS.md session 18), so more than 10% of a name's cases means the
    // Intel model broke
    it('keeps one-ulp transcendental differences from the Intel host below 10% per name', () => {
      for (const [n, t] of tally) expect(t.ulp, `${n}: ${t.ulpExamples.join('\n')}`).toBeLessThan(Math.max(1, t.cases / 10));
    });
    it.todo('matches the Intel host transcendentals without a one-ulp difference (issue 4)');
  }
  it('agrees with the host on every instruction', () => {
    const bad = [...tally].filter(([, t]) => t.bad > 0);
    expect(bad.map(([n, t]) => `${n}: ${t.bad}/${t.cases}\n${t.examples.join('\n')}`).join('\n')).toBe('');
  });
});
