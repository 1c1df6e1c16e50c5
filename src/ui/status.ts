// The status line (one entry per vCPU: running/halted, MIPS, exits/s), the boot progress bar
// while images load, and the page's messages: capability problems, errors, the machine's log.
import { VCPU } from '../shared/layout.ts';
import { vcpuBase } from '../vmm/core-module.ts';
import type { MachineStats } from '../vmm/machine.ts';

const HALTED_NAMES = ['running', 'halted', 'wait-SIPI', 'shutdown'];
const LOG_LINES = 500;

export interface VcpuSample { state: string; mips: number; exitsPerSec: number }

/** Turns successive Machine.stats() readings into per-vCPU rates. */
export class RateMeter {
  private last: { instr: number[]; exits: number[]; seconds: number } | null = null;

  sample(stats: MachineStats, memory: WebAssembly.Memory): VcpuSample[] {
    const dv = new DataView(memory.buffer);
    const instr = stats.vcpus.map((v) => v.instructions);
    const exits = stats.vcpus.map((v) => Object.values(v.exits).reduce((a, b) => a + b, 0));
    const prev = this.last;
    const dt = prev ? stats.seconds - prev.seconds : stats.seconds;
    this.last = { instr, exits, seconds: stats.seconds };
    return stats.vcpus.map((_, i) => {
      const halted = dv.getUint32(vcpuBase(i) + VCPU.halted, true);
      const di = instr[i] - (prev?.instr[i] ?? 0);
      const de = exits[i] - (prev?.exits[i] ?? 0);
      return {
        state: HALTED_NAMES[halted] ?? `state ${halted}`,
        mips: dt > 0 ? di / dt / 1e6 : 0,
        exitsPerSec: dt > 0 ? de / dt : 0,
      };
    });
  }
}

export class StatusView {
  private readonly vcpuBox: HTMLElement;
  private readonly phaseBox: HTMLElement;
  private readonly timesBox: HTMLElement;
  private readonly progressBox: HTMLElement;
  private readonly bar: HTMLProgressElement;
  private readonly progressLabel: HTMLElement;
  private readonly messages: HTMLElement;
  private readonly logBox: HTMLElement;
  private readonly logCount: HTMLElement;
  private logLines = 0;

  constructor(root: HTMLElement) {
    const q = (sel: string) => {
      const el = root.querySelector<HTMLElement>(sel);
      if (!el) throw new Error(`page markup: ${sel} is missing`);
      return el;
    };
    this.vcpuBox = q('#vcpus');
    this.phaseBox = q('#phase');
    this.timesBox = q('#times');
    this.progressBox = q('#progress');
    this.bar = q('#progress progress') as HTMLProgressElement;
    this.progressLabel = q('#progress-label');
    this.messages = q('#messages');
    this.logBox = q('#log pre');
    this.logCount = q('#log-count');
  }

  phase(text: string): void { this.phaseBox.textContent = text; }

  times(text: string): void { this.timesBox.textContent = text; }

  /** Boot progress while images load: `loaded` of `total` bytes of `label`. */
  progress(label: string, loaded: number, total: number): void {
    this.progressBox.hidden = false;
    this.bar.max = Math.max(total, 1);
    this.bar.value = Math.min(loaded, this.bar.max);
    const mib = (n: number) => (n / 1048576).toFixed(1);
    this.progressLabel.textContent = total > 0 ? `${label}: ${mib(loaded)} of ${mib(total)} MiB` : label;
  }

  /** An indeterminate step (compiling, starting). */
  step(label: string): void {
    this.progressBox.hidden = false;
    this.bar.removeAttribute('value');
    this.progressLabel.textContent = label;
  }

  progressDone(): void { this.progressBox.hidden = true; }

  vcpus(samples: VcpuSample[]): void {
    const items = samples.map((s, i) => {
      const el = document.createElement('span');
      el.className = `vcpu ${s.state === 'running' ? 'run' : 'idle'}`;
      el.textContent = `vCPU ${i}: ${s.state} · ${s.mips.toFixed(1)} MIPS · ${fmtRate(s.exitsPerSec)} exits/s`;
      return el;
    });
    this.vcpuBox.replaceChildren(...items);
  }

  clearVcpus(): void { this.vcpuBox.replaceChildren(); }

  /** A message that stays until cleared: level 'error' for failures, 'warn' for problems the page works around. */
  message(level: 'error' | 'warn' | 'info', title: string, detail = ''): HTMLElement {
    const el = document.createElement('div');
    el.className = `msg ${level}`;
    el.setAttribute('role', level === 'error' ? 'alert' : 'status');
    const t = document.createElement('strong');
    t.textContent = title;
    el.append(t);
    if (detail) { const d = document.createElement('span'); d.textContent = ` ${detail}`; el.append(d); }
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'close';
    close.textContent = '×';
    close.title = 'dismiss';
    close.addEventListener('click', () => el.remove());
    el.append(close);
    this.messages.append(el);
    return el;
  }

  /** Drop the messages of the previous boot (kept: those marked sticky, e.g. capability problems). */
  clearMessages(): void {
    for (const el of [...this.messages.children]) if (!(el as HTMLElement).dataset.sticky) el.remove();
  }

  log(line: string): void {
    if (this.logLines >= LOG_LINES) this.logBox.firstChild?.remove();
    else this.logLines++;
    this.logBox.append(`${line}\n`);
    this.logCount.textContent = String(this.logLines);
  }
}

function fmtRate(n: number): string {
  return n >= 10_000 ? `${(n / 1000).toFixed(0)}k` : n.toFixed(0);
}
