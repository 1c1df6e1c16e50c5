// `seoulweb` / `npm run vm`: boot a PC in Node with the guest's serial console on this terminal.
import { readFileSync, appendFileSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs, USAGE, UsageError, type CliOptions } from './args.ts';
import { Machine } from '../vmm/machine.ts';
import { loadCoreModule } from '../vmm/core-module-node.ts';
import { machineHelp } from '../vmm/config.ts';
import { machinesHelp } from '../vmm/machines.ts';
import type { BootSpec } from '../vmm/boot-setup.ts';
import { BootError } from '../boot/boot-state.ts';
import { gunzipIfNeeded } from './files.ts';
import { nodeThreads } from '../vmm/threads-node.ts';
import { VCPU_BASE, RAM_BASE } from '../shared/layout.ts';

const IMAGES = fileURLToPath(new URL('../../images/', import.meta.url));
export const DEFAULT_APPEND = 'console=ttyS0 earlyprintk=serial,ttyS0,115200';

function readImage(file: string, what: string): Uint8Array {
  if (!existsSync(file)) throw new UsageError(`${file}: no such file (${what})`);
  if (!statSync(file).isFile()) throw new UsageError(`${file}: not a file (${what})`);
  return gunzipIfNeeded(new Uint8Array(readFileSync(file)), file);
}

export function bootSpec(o: CliOptions): BootSpec {
  if (o.rom) return { kind: 'rom', rom: readImage(o.rom, 'ROM'), romName: o.rom };
  if (o.multiboot) {
    return {
      kind: 'multiboot', kernel: readImage(o.multiboot, 'multiboot kernel'), kernelName: o.multiboot, append: o.append,
      modules: o.modules.map((m) => ({ data: readImage(m.file, 'module'), cmdline: m.args ?? m.file })),
    };
  }
  const kernel = o.kernel ?? IMAGES + 'bzImage';
  const initrd = o.initrd ?? (o.kernel ? undefined : IMAGES + 'initramfs.cpio.gz');
  return {
    kind: 'linux', kernel: readImage(kernel, 'kernel'), kernelName: kernel,
    initrd: initrd ? new Uint8Array(readFileSync(initrd)) : undefined, initrdName: initrd,
    append: o.append ?? DEFAULT_APPEND,
  };
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'bench') return (await import('../bench/cli.ts')).benchMain(argv.slice(1));
  const o = parseArgs(argv);
  if (o.help) { console.log(USAGE); return 0; }
  if (o.helpMachine) { console.log(machinesHelp() + '\n\n' + machineHelp()); return 0; }
  const extra = [
    ...o.debugcon.map((d) => `debugcon:${d.port}`),
    ...(o.exitPort !== undefined ? [`debugexit:${o.exitPort}`] : []),
  ].join(' ');
  const interactive = o.script.length === 0 && process.stdin.isTTY;
  let scriptStep = 0;
  let seen = '';
  let machine: Machine | undefined;
  const advance = () => {
    while (machine && scriptStep < o.script.length) {
      const step = o.script[scriptStep];
      if (step.send !== undefined) { machine.sendConsole(new TextEncoder().encode(step.send)); scriptStep++; continue; }
      const m = step.expect!.exec(seen);
      if (!m) return;
      seen = seen.slice(m.index + m[0].length);
      scriptStep++;
      if (scriptStep === o.script.length) machine.stop('script finished');
    }
  };
  const decoder = new TextDecoder();
  machine = new Machine(loadCoreModule(), {
    ramMiB: o.memory, cpus: o.cpus, placement: o.placement, flavour: o.flavour, machine: o.machine, boot: bootSpec(o),
    noReboot: o.noReboot, extraDevices: extra,
  }, {
    threads: nodeThreads,
    console: (bytes) => {
      process.stdout.write(bytes);
      if (o.script.length) { seen += decoder.decode(bytes, { stream: true }); if (seen.length > 1 << 20) seen = seen.slice(-65536); advance(); }
    },
    debugcon: (port, byte) => {
      const d = o.debugcon.find((x) => x.port === port);
      if (d?.file) appendFileSync(d.file, Buffer.from([byte])); else process.stderr.write(Buffer.from([byte]));
    },
    log: (line) => process.stderr.write(`[seoulweb] ${line}\n`),
  });
  advance();
  let timedOut = false;
  // A hung machine: SIGUSR2 (and a timeout) print where every vCPU is, on stderr.
  const dump = (why: string) => {
    process.stderr.write(`\n[seoulweb] ${why}: vCPU dump\n${machine!.debugDump()}\n`);
    if (o.dumpFile) {
      writeFileSync(o.dumpFile, new Uint8Array(machine!.memory.buffer, VCPU_BASE, RAM_BASE - VCPU_BASE + machine!.ramBytes));
      process.stderr.write(`[seoulweb] memory from 0x${VCPU_BASE.toString(16)} (vCPU blocks; RAM at 0x${RAM_BASE.toString(16)}) written to ${o.dumpFile}\n`);
    }
  };
  const onUsr2 = () => dump('SIGUSR2');
  process.on('SIGUSR2', onUsr2);
  const timer = o.timeout ? setTimeout(() => { timedOut = true; dump('timeout'); machine!.stop('timeout'); }, o.timeout * 1000) : undefined;
  let ctrlA = false;
  if (interactive) {
    process.stdin.setRawMode(true);
    process.stdin.on('data', (d: Buffer) => {
      for (const b of d) {
        if (ctrlA) { ctrlA = false; if (b === 0x78) { machine!.stop('Ctrl-A x'); return; } if (b !== 1) continue; }
        else if (b === 1) { ctrlA = true; continue; }
        machine!.sendConsole(Uint8Array.of(b));
      }
    });
  }
  const crash = o.crashVcpu;
  const crashTimer = crash ? setTimeout(() => {
    if (!machine!.debugCrash(crash.index, 'throw')) process.stderr.write(`[seoulweb] --debug-crash-vcpu: vCPU ${crash.index} has no worker\n`);
  }, crash.afterMs) : undefined;
  const st = await machine.run();
  if (timer) clearTimeout(timer);
  clearTimeout(crashTimer);
  process.off('SIGUSR2', onUsr2);
  if (interactive) { process.stdin.setRawMode(false); process.stdin.pause(); }
  if (o.stats) printStats(machine);
  if (timedOut) { process.stderr.write(`\n[seoulweb] timeout after ${o.timeout} s\n`); return 124; }
  if (o.script.length && scriptStep < o.script.length) {
    process.stderr.write(`\n[seoulweb] run ended (${st.reason}) before the script finished (step ${scriptStep + 1})\n`);
    return st.code || 1;
  }
  if (st.reason !== 'script finished' && st.reason !== 'Ctrl-A x') process.stderr.write(`\n[seoulweb] ${st.reason}\n`);
  return st.code;
}

function printStats(m: Machine): void {
  const s = m.stats();
  for (const [i, v] of s.vcpus.entries()) {
    process.stderr.write(`[seoulweb] vCPU ${i}: ${(v.instructions / 1e6).toFixed(1)} M instructions, ` +
      `${(v.instructions / s.seconds / 1e6).toFixed(1)} MIPS over ${s.seconds.toFixed(2)} s, exits ${JSON.stringify(v.exits)}` +
      (v.thread ? `, worker: ${v.thread.slices} slices, ${v.thread.halts} HLT, ${(v.thread.runMs / 1000).toFixed(2)} s running, ` +
        `${(v.thread.haltMs / 1000).toFixed(2)} s asleep, ${v.thread.spins} spin exits (${(v.thread.spinMs / 1000).toFixed(2)} s yielded)` : '') +
      (v.jit ? `, trace compiler: ${v.jit.compiled} traces (${v.jit.entries} entries, ${v.jit.generic} generic) in ` +
        `${v.jit.modules} modules, ${(v.jit.ms / 1000).toFixed(2)} s, ${v.jit.evicted} evicted` : '') + '\n');
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code), (e: unknown) => {
  if (e instanceof UsageError || e instanceof BootError) process.stderr.write(`seoulweb: ${e.message}\n`);
  else if (e instanceof Error && /^(memory|cpus|machine config|core\.wasm)/.test(e.message)) process.stderr.write(`seoulweb: ${e.message}\n`);
  else process.stderr.write(`seoulweb: internal error: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(2);
});
