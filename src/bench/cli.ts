// `seoulweb bench [--cpus 1,2,4] [--placement s,d] [--repeat N] [--workload lua|tiny|par] [--rounds N]
//  [--json FILE] [--kernel F] [--initrd F] [--timeout S]`: the placement matrix in Node; Markdown on stdout,
// progress on stderr, JSON (with the machine description) to FILE.
import { writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { runMatrix, matrix, DEFAULT_ROUNDS, type Placement } from './placement.ts';
import { nodeGuest } from './node-guest.ts';
import { workload, type WorkloadName } from './workloads.ts';
import { nodeEnvironment } from './environment.ts';
import { toMarkdown, toJson, type BenchReport, type MachineDescription } from './table.ts';

export const BENCH_USAGE = `usage: seoulweb bench [options]
  --cpus LIST        vCPU counts (default 1,2,4)
  --placement LIST   s (vCPU 0 shares the VMM's thread), d (dedicated); default s,d
  --repeat N         runs per cell, median reported (default 1)
  --workload W       lua (tcc builds Lua 5.4, the real one), tiny (a small C program, seconds) or
                     par (8 CPU-bound awk units, one job per CPU: the SMP speedup); default lua
  --rounds N         rounds of the 33 Lua compile units (default ${DEFAULT_ROUNDS})
  --json FILE        also write the results as JSON
  --kernel FILE      kernel (default images/bzImage)
  --initrd FILE      initramfs with /bin/seoulweb-bench (default images/initramfs-bench.cpio.gz)
  --timeout S        per-run limit in seconds (default 1800)`;

export interface BenchArgs {
  cpus: number[]; placement: Placement[]; repeat: number; workload: WorkloadName; rounds: number; json?: string;
  kernel?: string; initrd?: string; timeout: number; help: boolean;
}

export function parseBenchArgs(argv: string[]): BenchArgs {
  const a: BenchArgs = { cpus: [1, 2, 4], placement: ['s', 'd'], repeat: 1, workload: 'lua', rounds: DEFAULT_ROUNDS, timeout: 1800, help: false };
  const int = (v: string | undefined, what: string, lo: number, hi: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < lo || n > hi) throw new Error(`${what}: '${v}' is not an integer ${lo}..${hi}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = () => { if (i + 1 >= argv.length) throw new Error(`${k} needs a value`); return argv[++i]; };
    switch (k) {
      case '--cpus': a.cpus = v().split(',').map((x) => int(x, '--cpus', 1, 8)); break;
      case '--placement': a.placement = v().split(',').map((x) => {
        if (x !== 's' && x !== 'd') throw new Error(`--placement: '${x}' is not s or d`);
        return x;
      }); break;
      case '--repeat': a.repeat = int(v(), '--repeat', 1, 100); break;
      case '--workload': {
        const w = v();
        if (w !== 'lua' && w !== 'tiny' && w !== 'par') throw new Error(`--workload: '${w}' is not lua, tiny or par`);
        a.workload = w;
        break;
      }
      case '--rounds': a.rounds = int(v(), '--rounds', 1, 1000); break;
      case '--json': a.json = v(); break;
      case '--kernel': a.kernel = v(); break;
      case '--initrd': a.initrd = v(); break;
      case '--timeout': a.timeout = int(v(), '--timeout', 1, 86400); break;
      case '-h': case '--help': a.help = true; break;
      default: throw new Error(`unknown option '${k}'`);
    }
  }
  return a;
}

export function describeNodeHost(): MachineDescription {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch { /* not a git checkout */ }
  const cpus = os.cpus();
  return {
    hostCores: cpus.length, cpuModel: cpus[0]?.model ?? 'unknown', runtime: `Node ${process.version}`,
    platform: `${process.platform} ${process.arch}`, commit,
  };
}

export async function benchMain(argv: string[]): Promise<number> {
  let a: BenchArgs;
  try {
    a = parseBenchArgs(argv);
  } catch (e) {
    process.stderr.write(`seoulweb bench: ${(e as Error).message}\n${BENCH_USAGE}\n`);
    return 2;
  }
  if (a.help) { console.log(BENCH_USAGE); return 0; }
  const w = workload(a.workload, a.rounds);
  const cells = await runMatrix(nodeGuest({ kernel: a.kernel, initrd: a.initrd }), {
    cells: matrix(a.cpus, a.placement), repeat: a.repeat, command: w.command, checksum: w.checksum,
    bootTimeoutMs: 300_000, runTimeoutMs: a.timeout * 1000,
    progress: (l) => process.stderr.write(`[bench] ${l}\n`),
  });
  const report: BenchReport = {
    environment: nodeEnvironment(process.versions.node), date: new Date().toISOString(), machine: describeNodeHost(),
    options: { repeat: a.repeat, command: w.command, workload: w.name, description: w.description, rounds: w.rounds }, cells,
  };
  process.stdout.write(toMarkdown(report));
  if (a.json) writeFileSync(a.json, toJson(report));
  return cells.every((c) => c.ok) ? 0 : 1;
}
