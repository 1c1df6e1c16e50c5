// The guest's serial console: an xterm terminal that shows UART output and turns keys into the
// bytes a serial terminal sends. Output is queued and written once per animation frame, so a
// chatty guest costs one terminal write per frame, never DOM work per byte.
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';

const FONT_NORMAL = 14;
const FONT_PRESENTATION = 26;
/** A hidden tab gets no animation frames: flush on a timer then, so the buffer stays current. */
const FALLBACK_FLUSH_MS = 250;

export class SerialConsole {
  readonly term: Terminal;
  private readonly fit = new FitAddon();
  private queue: Uint8Array[] = [];
  private queued = 0;
  private frame = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Called with the bytes the user types (already in serial-terminal encoding). */
  onInput: (bytes: Uint8Array) => void = () => {};

  constructor(host: HTMLElement) {
    this.term = new Terminal({
      fontSize: FONT_NORMAL,
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace',
      scrollback: 5000,
      convertEol: false,
      cursorBlink: true,
      theme: { background: '#101418', foreground: '#d8dee4' },
    });
    this.term.loadAddon(this.fit);
    this.term.open(host);
    this.refit();
    const enc = new TextEncoder();
    // xterm already encodes keys as a VT terminal does: Enter '\r', Backspace 0x7f, arrows
    // ESC [ A.. (ESC O A.. when the guest selects application cursor keys), Ctrl-C 0x03.
    this.term.onData((s) => this.onInput(enc.encode(s)));
    this.term.onBinary((s) => this.onInput(Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff)));
    this.term.attachCustomKeyEventHandler((ev) => this.clipboardKey(ev));
    new ResizeObserver(() => this.refit()).observe(host);
  }

  /** Ctrl-Shift-C copies the selection, Ctrl-Shift-V pastes; plain Ctrl-C stays 0x03. */
  private clipboardKey(ev: KeyboardEvent): boolean {
    if (ev.type !== 'keydown' || !ev.ctrlKey || !ev.shiftKey) return true;
    const key = ev.key.toLowerCase();
    if (key === 'c') {
      if (this.term.hasSelection()) void navigator.clipboard?.writeText(this.term.getSelection()).catch(() => {});
      ev.preventDefault();
      return false;
    }
    if (key === 'v') {
      void navigator.clipboard?.readText().then((t) => this.term.paste(t)).catch(() => {});
      ev.preventDefault();
      return false;
    }
    return true;
  }

  /** Queue guest output (the bytes are copied; the caller may reuse its buffer). */
  write(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.queue.push(bytes.slice());
    this.queued += bytes.length;
    if (!this.frame) this.frame = requestAnimationFrame(() => this.flush());
    if (this.timer === undefined) this.timer = setTimeout(() => this.flush(), FALLBACK_FLUSH_MS);
  }

  /** Text written by the page itself (notices), in a dim colour on its own line. */
  notice(text: string): void {
    this.flush();
    this.term.write(`\r\n\x1b[2m[seoulweb] ${text.replace(/\n/g, '\r\n')}\x1b[0m\r\n`);
  }

  flush(): void {
    if (this.frame) { cancelAnimationFrame(this.frame); this.frame = 0; }
    if (this.timer !== undefined) { clearTimeout(this.timer); this.timer = undefined; }
    if (this.queued === 0) return;
    const all = new Uint8Array(this.queued);
    let at = 0;
    for (const b of this.queue) { all.set(b, at); at += b.length; }
    this.queue = [];
    this.queued = 0;
    this.term.write(all);
  }

  /** Forget the output seen so far (a new boot). */
  clear(): void {
    this.queue = [];
    this.queued = 0;
    this.term.reset();
  }

  setPresentation(on: boolean): void {
    this.term.options.fontSize = on ? FONT_PRESENTATION : FONT_NORMAL;
    this.refit();
  }

  refit(): void {
    try { this.fit.fit(); } catch { /* not laid out yet */ }
  }

  focus(): void { this.term.focus(); }

  /** The terminal's whole buffer (scrollback and screen) as text, one line per row. */
  text(): string {
    const buf = this.term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buf.length; i++) lines.push(buf.getLine(i)?.translateToString(true) ?? '');
    while (lines.length && lines[lines.length - 1] === '') lines.pop();
    return lines.join('\n');
  }
}
