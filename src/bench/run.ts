// `npm run bench`: prints the results table. Figures come from here, never from tests.
import { intmix, aluLoop, type CpuBenchResult } from './cpu.ts';
import { exitRoundTrip } from './exits.ts';

function row(r: CpuBenchResult): string {
  return `| ${r.name} | ${(r.instructions / 1e6).toFixed(1)} M | ${r.seconds.toFixed(2)} s | ${r.mips.toFixed(0)} |`;
}
const only = process.argv.slice(2);
const want = (k: string) => only.length === 0 || only.includes(k);

console.log(`seoulweb bench — node ${process.version}, ${new Date().toISOString()}\n`);
if (want('cpu')) {
  console.log('| CPU workload | instructions | time | MIPS |\n|---|---|---|---|');
  for (const f of [aluLoop, intmix]) {
    f(); // warm-up: let V8 tier up the module
    console.log(row(f()));
  }
}
if (want('exits')) {
  console.log('\n| exit round trip (65,536 port reads) | µs per exit |\n|---|---|');
  for (const p of ['s', 'd'] as const) {
    await exitRoundTrip(p); // warm-up
    console.log(`| placement ${p} | ${(await exitRoundTrip(p)).toFixed(2)} |`);
  }
}
