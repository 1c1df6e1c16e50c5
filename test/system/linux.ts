// Booting the committed Linux image in Node for system tests: a scripted serial console.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { Machine } from '../../src/vmm/machine.ts';
import { loadCoreModule } from '../../src/vmm/core-module-node.ts';
import { nodeThreads } from '../../src/vmm/threads-node.ts';

const images = fileURLToPath(new URL('../../images/', import.meta.url));
export const PROMPT = '~ # ';

export interface Session {
  machine: Machine;
  /** Everything the console printed so far. */
  output(): string;
  /** Wait until the output after the last mark matches `re`; returns the text up to the match. */
  expect(re: RegExp | string, timeoutMs?: number): Promise<string>;
  /** Host time (performance.now(), ms) at which the console received the character at `index` of output(). */
  arrivedAt(index: number): number;
  /** Type a command and return what it printed before the next prompt. */
  cmd(line: string, timeoutMs?: number): Promise<string>;
  /**
   * At the first prompt: wide lines (long commands must not wrap in their echo) and kernel
   * messages off the console (a late printk, e.g. "hrtimer: interrupt took N ns" on a loaded host,
   * would land in the middle of a command's output; dmesg still has them).
   */
  shellSetup(timeoutMs?: number): Promise<string>;
  send(text: string): void;
  done: Promise<{ code: number; reason: string }>;
}

export function bootLinux(opts: {
  cpus?: number; placement?: 's' | 'd'; noReboot?: boolean; append?: string; initrd?: Uint8Array;
  /** Kernel file under images/ (default bzImage, our own). */
  kernel?: string;
} = {}): Session {
  let text = '';
  let mark = 0;
  let waiter: (() => void) | null = null;
  /** [output length after a chunk, host ms when it arrived], in order. */
  const arrivals: [number, number][] = [];
  const machine = new Machine(loadCoreModule(), {
    ramMiB: 256, cpus: opts.cpus ?? 1, placement: opts.placement ?? 's', machine: 'pc', noReboot: opts.noReboot ?? true,
    boot: {
      kind: 'linux', kernel: new Uint8Array(readFileSync(images + (opts.kernel ?? 'bzImage'))), kernelName: `images/${opts.kernel ?? 'bzImage'}`,
      initrd: opts.initrd ?? new Uint8Array(readFileSync(images + 'initramfs.cpio.gz')), initrdName: 'images/initramfs.cpio.gz',
      append: opts.append ?? 'console=ttyS0',
    },
  }, {
    threads: nodeThreads,
    console: (b) => { text += Buffer.from(b).toString('latin1'); arrivals.push([text.length, performance.now()]); waiter?.(); },
    log: () => {},
  });
  const done = machine.run();
  const s: Session = {
    machine,
    output: () => text,
    arrivedAt(index) {
      let lo = 0;
      let hi = arrivals.length - 1;
      if (hi < 0 || index >= arrivals[hi][0]) throw new Error(`no output at ${index} yet`);
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (arrivals[mid][0] > index) hi = mid; else lo = mid + 1;
      }
      return arrivals[lo][1];
    },
    send: (t) => machine.sendConsole(new TextEncoder().encode(t)),
    async expect(re, timeoutMs = 120_000) {
      const rx = typeof re === 'string' ? new RegExp(re.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : re;
      const end = Date.now() + timeoutMs;
      let finished = false;
      void done.then(() => { finished = true; waiter?.(); });
      for (;;) {
        const m = rx.exec(text.slice(mark));
        if (m) {
          const got = text.slice(mark, mark + m.index + m[0].length);
          mark += m.index + m[0].length;
          return got;
        }
        if (finished) throw new Error(`machine stopped before ${rx}; output tail:\n${text.slice(-2000)}`);
        if (Date.now() > end) throw new Error(`timeout waiting for ${rx}; output tail:\n${text.slice(-2000)}`);
        await new Promise<void>((r) => { waiter = r; setTimeout(r, 250); });
        waiter = null;
      }
    },
    async cmd(line, timeoutMs) {
      s.send(line + '\r');
      const out = await s.expect(PROMPT, timeoutMs);
      // Drop the echoed command line and the prompt; normalise CRLF.
      const body = out.replace(/\r/g, '');
      const nl = body.indexOf('\n');
      return (nl >= 0 ? body.slice(nl + 1) : '').replace(PROMPT, '').replace(/\x1b\[6n/g, '').trimEnd();
    },
    shellSetup(timeoutMs) { return s.cmd('stty cols 250; dmesg -n 1', timeoutMs); },
    done,
  };
  return s;
}

/** A gzip'd newc cpio archive with the given files (mode 0755), to append to an initramfs. */
export function cpioArchive(files: { name: string; data: Uint8Array }[]): Uint8Array {
  const parts: Buffer[] = [];
  const hex = (n: number) => n.toString(16).padStart(8, '0');
  const pad4 = (n: number) => Buffer.alloc((4 - (n % 4)) % 4);
  let ino = 1000;
  const entry = (name: string, data: Uint8Array, mode: number) => {
    const hdr = '070701' + [ino++, mode, 0, 0, 1, 0, data.length, 0, 0, 0, 0, name.length + 1, 0].map(hex).join('');
    const h = Buffer.from(hdr + name + '\0', 'latin1');
    parts.push(h, pad4(h.length), Buffer.from(data), pad4(data.length));
  };
  for (const f of files) entry(f.name, f.data, 0o100755);
  entry('TRAILER!!!', new Uint8Array(0), 0);
  return new Uint8Array(gzipSync(Buffer.concat(parts)));
}
