// The seoulweb command line: option parsing with one clear error line per mistake.
export class UsageError extends Error {}

export interface CliOptions {
  kernel?: string; initrd?: string; append?: string;
  multiboot?: string; modules: { file: string; args?: string }[];
  rom?: string;
  memory: number; cpus: number; placement: 's' | 'd'; flavour: 'intel' | 'amd';
  machine: string; helpMachine: boolean; help: boolean;
  debugcon: { port: number; file?: string }[];
  exitPort?: number; noReboot: boolean; timeout?: number;
  script: { expect?: RegExp; send?: string }[];
  stats: boolean;
  /** Debug: with the vCPU dump (SIGUSR2, timeout), write the vCPU blocks and RAM to this file. */
  dumpFile?: string;
  /** Debug: kill this vCPU's worker after `afterMs` (tests the dead-worker path). */
  crashVcpu?: { index: number; afterMs: number };
}

export const USAGE = `usage: seoulweb [options]
  Boots a PC. With no image options it boots the built-in Linux (images/) with its console here
  (raw terminal; Ctrl-A x quits).
  --kernel FILE         Linux bzImage          --initrd FILE      initial ramdisk
  --append STR          kernel command line    --multiboot FILE   multiboot kernel
  --module FILE[=ARGS]  multiboot module (repeatable)
  --rom FILE            firmware ROM (≤ 256 KiB) entered at the reset vector
  --memory MiB          RAM (default 256)      --cpus N           vCPUs 1..8 (default 1)
  --placement s|d       s: vCPU 0 on the VMM's thread; d: every vCPU in its own worker
  --flavour intel|amd   whose implementation-specific results the CPU gives (x87 last bits, …;
                        default intel, as CPUID says GenuineIntel)
  --machine STR         device config string or preset (default pc); --help-machine lists words
  --debugcon PORT[=FILE] bytes written to PORT go to stderr or FILE (repeatable)
  --exit-port PORT      a write of v ends the run with status (v<<1)|1
  --no-reboot           a guest reset ends the run with status 0
  --timeout SEC         end the run with status 124 after SEC seconds
  --expect REGEX        wait for console output matching REGEX (script step)
  --send STR            type STR (\\n = Enter) (script step); the run ends 0 after the last --expect
  --stats               print per-vCPU instructions, MIPS and exits at the end
  --dump-file FILE      debug: SIGUSR2 or --timeout print where every vCPU is (always) and write
                        the raw memory from the vCPU blocks to the end of RAM to FILE
  --debug-crash-vcpu N[,SEC]  debug: vCPU N's worker throws after SEC seconds (default 1)`;

function num(opt: string, v: string | undefined, min: number, max: number): number {
  if (v === undefined) throw new UsageError(`${opt}: needs a value`);
  const n = Number(v);
  if (!Number.isFinite(n) || !Number.isInteger(n) || n < min || n > max) throw new UsageError(`${opt}: "${v}" is not a number in ${min}..${max}`);
  return n;
}

export function parseArgs(argv: string[]): CliOptions {
  const o: CliOptions = {
    modules: [], memory: 256, cpus: 1, placement: 's', flavour: 'intel', machine: 'pc', helpMachine: false, help: false,
    debugcon: [], noReboot: false, script: [], stats: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a}: needs a value`);
      return v;
    };
    switch (a) {
      case '--kernel': o.kernel = val(); break;
      case '--initrd': o.initrd = val(); break;
      case '--append': o.append = val(); break;
      case '--multiboot': o.multiboot = val(); break;
      case '--module': { const v = val(); const eq = v.indexOf('='); o.modules.push(eq < 0 ? { file: v } : { file: v.slice(0, eq), args: v.slice(eq + 1) }); break; }
      case '--rom': o.rom = val(); break;
      case '--memory': o.memory = num(a, argv[++i], 2, 3072); break;
      case '--cpus': o.cpus = num(a, argv[++i], 1, 8); break;
      case '--placement': { const v = val(); if (v !== 's' && v !== 'd') throw new UsageError(`--placement: "${v}" is not s or d`); o.placement = v; break; }
      case '--flavour': { const v = val(); if (v !== 'intel' && v !== 'amd') throw new UsageError(`--flavour: "${v}" is not intel or amd`); o.flavour = v; break; }
      case '--machine': o.machine = val(); break;
      case '--help-machine': o.helpMachine = true; break;
      case '--debugcon': { const v = val(); const [p, f] = v.split('='); o.debugcon.push({ port: num(a, p, 0, 0xffff), file: f }); break; }
      case '--exit-port': o.exitPort = num(a, argv[++i], 0, 0xffff); break;
      case '--no-reboot': o.noReboot = true; break;
      case '--timeout': { const v = Number(argv[++i]); if (!(v > 0)) throw new UsageError(`--timeout: "${argv[i]}" is not a positive number of seconds`); o.timeout = v; break; }
      case '--expect': { const v = val(); try { o.script.push({ expect: new RegExp(v) }); } catch { throw new UsageError(`--expect: "${v}" is not a regular expression`); } break; }
      case '--send': o.script.push({ send: val().replace(/\\n/g, '\n').replace(/\\r/g, '\r') }); break;
      case '--stats': o.stats = true; break;
      case '--dump-file': o.dumpFile = val(); break;
      case '--debug-crash-vcpu': {
        const [n, sec] = val().split(',');
        o.crashVcpu = { index: num(a, n, 0, 7), afterMs: sec === undefined ? 1000 : num(a, sec, 0, 3600) * 1000 };
        break;
      }
      case '-h': case '--help': o.help = true; break;
      default: throw new UsageError(`unknown option "${a}" (seoulweb --help lists them)`);
    }
  }
  const kinds = [o.kernel, o.multiboot, o.rom].filter(Boolean).length;
  if (kinds > 1) throw new UsageError('give only one of --kernel, --multiboot, --rom');
  if (o.initrd && !o.kernel && kinds) throw new UsageError('--initrd needs --kernel');
  if (o.modules.length && !o.multiboot) throw new UsageError('--module needs --multiboot');
  return o;
}
