// The page: settings → images → Machine → console, with the status line and every failure shown
// on the page. One machine at a time; a new boot stops the old one first.
import { Machine } from '../vmm/machine.ts';
import { BootError } from '../boot/boot-state.ts';
import { SerialConsole } from './console.ts';
import { Controls } from './controls.ts';
import { StatusView, RateMeter } from './status.ts';
import { checkCapabilities } from './capabilities.ts';
import { webThreads } from './threads-web.ts';
import { compileCore, detectKind, ImageLoadError, type ImageKind } from './images.ts';
import { resolveBoot, sessionFiles } from './session.ts';
import { loadValue, saveValue, saveUserImage, userImageNames, deleteUserImage } from './storage.ts';
import { sanitizeStored, settingsFromQuery, settingsToQuery, type BootKind, type Settings } from './settings.ts';

const STATS_MS = 1000;
/** The initramfs shell's prompt, or any shell's, at the very end of the output. */
const PROMPT = /[#$] $/;
/** Control sequences a shell may send after its prompt (BusyBox asks for the cursor position, ESC [6n). */
const CSI = /\x1b\[[0-9;?]*[@-~]/g;
const TAIL_CHARS = 256;

export type AppState = 'loading' | 'running' | 'stopped' | 'error' | 'unsupported';

export interface Timings {
  /** performance.now() values (ms since the page started loading). */
  bootStart: number;
  firstOutput?: number;
  prompt?: number;
}

export class App {
  readonly console: SerialConsole;
  readonly status: StatusView;
  readonly controls: Controls;
  machine: Machine | null = null;
  settings!: Settings;
  state: AppState = 'loading';
  stopReason = '';
  timings: Timings = { bootStart: 0 };
  private booted: Settings | null = null;
  private run: Promise<unknown> | null = null;
  private generation = 0;
  private core: Promise<WebAssembly.Module> | null = null;
  private statsTimer: ReturnType<typeof setInterval> | undefined;
  private tail = '';
  private readonly decoder = new TextDecoder();
  private userStopped = false;

  constructor(private readonly root: HTMLElement) {
    this.console = new SerialConsole(root.querySelector<HTMLElement>('#terminal')!);
    this.status = new StatusView(root);
    this.controls = new Controls(root, {
      boot: (s) => void this.boot(s),
      reset: () => void this.boot(this.booted ?? this.controls.read()),
      stop: () => this.stop('stopped by the user'),
      presentation: (on) => this.presentation(on),
      files: (f) => void this.addFiles(f),
      forget: (n) => void this.forget(n),
    });
    this.console.onInput = (bytes) => this.machine?.sendConsole(bytes);
    window.addEventListener('error', (ev) => this.internalError(ev.error ?? ev.message));
    window.addEventListener('unhandledrejection', (ev) => this.internalError(ev.reason));
  }

  /** `boot: false` sets the page up without booting (the benchmark takes over); `query` replaces the address's. */
  async start(o: { boot?: boolean; query?: string } = {}): Promise<void> {
    const stored = sanitizeStored(await loadValue('settings'));
    const { settings, problems } = settingsFromQuery(o.query ?? location.search, stored);
    this.settings = settings;
    await this.refreshUserImages(settings);
    this.controls.write(settings);
    this.applyPresentation(settings.presentation);
    // Kept across boots (sticky): the address stays wrong until the user changes it.
    for (const p of problems) this.status.message('warn', 'Address:', p).dataset.sticky = '1';
    if (o.boot === false) { this.state = 'stopped'; this.status.phase('not booted'); return; }
    await this.boot(settings);
  }

  /** Stop the page's machine (and any boot in progress) for something else that runs VMs. */
  async yieldTo(what: string): Promise<void> {
    ++this.generation;
    await this.halt(`stopped for ${what}`);
    this.state = 'stopped';
    this.status.progressDone();
    this.status.phase(`${what} is running`);
  }

  /** Stop whatever runs, then boot `s` (the page's one entry point for booting). */
  async boot(s: Settings): Promise<void> {
    const gen = ++this.generation;
    await this.halt('rebooting');
    if (gen !== this.generation) return;
    this.settings = s;
    this.booted = s;
    this.status.clearMessages();
    this.status.clearVcpus();
    this.status.times('');
    this.console.clear();
    this.tail = '';
    this.userStopped = false;
    this.stopReason = '';
    this.timings = { bootStart: performance.now() };
    this.state = 'loading';
    void saveValue('settings', s);
    history.replaceState(null, '', `${location.pathname}${settingsToQuery(s)}${location.hash}`);
    this.controls.write(s);

    const problems = checkCapabilities(s.placement);
    for (const p of problems) this.status.message(p.fatal ? 'error' : 'warn', p.title, p.detail);
    if (problems.some((p) => p.fatal)) {
      this.state = 'unsupported';
      this.status.phase('cannot run in this browser');
      this.status.progressDone();
      return;
    }

    let machine: Machine;
    try {
      this.status.phase('loading');
      this.status.step('Compiling the CPU core');
      const module = await this.coreModule();
      const spec = await resolveBoot(s.image, (label, l, t) => { if (gen === this.generation) this.status.progress(label, l, t); });
      if (gen !== this.generation) return;
      this.status.step('Starting the machine');
      machine = new Machine(module, { ramMiB: s.memory, cpus: s.cpus, placement: s.placement, flavour: s.flavour, machine: s.machine, boot: spec }, {
        threads: webThreads,
        console: (b) => this.onConsole(b),
        log: (line) => this.onLog(line),
      });
    } catch (e) {
      if (gen === this.generation) this.failed(e);
      return;
    }
    this.machine = machine;
    this.state = 'running';
    this.status.progressDone();
    this.status.phase(`running · ${s.cpus} vCPU${s.cpus > 1 ? 's' : ''} · placement ${s.placement} · ${s.memory} MiB`);
    this.controls.setRunning(true);
    this.console.focus();
    const meter = new RateMeter();
    this.statsTimer = setInterval(() => this.status.vcpus(meter.sample(machine.stats(), machine.memory)), STATS_MS);
    this.run = machine.run().then(
      (st) => this.ended(machine, st.code, st.reason),
      (e: unknown) => this.ended(machine, -1, `the machine failed: ${errorText(e)}`),
    );
  }

  coreModule(): Promise<WebAssembly.Module> {
    this.core ??= compileCore().catch((e: unknown) => {
      this.core = null;
      throw e instanceof ImageLoadError ? e : new Error(`core.wasm does not compile in this browser: ${errorText(e)}`);
    });
    return this.core;
  }

  stop(reason: string): void {
    this.userStopped = true;
    this.machine?.stop(reason);
  }

  /** Stop the running machine and wait until its loop has returned. */
  private async halt(reason: string): Promise<void> {
    if (this.machine) { this.userStopped = true; this.machine.stop(reason); }
    await this.run;
    this.run = null;
  }

  private ended(machine: Machine, code: number, reason: string): void {
    if (this.machine !== machine) return;
    clearInterval(this.statsTimer);
    this.console.flush();
    this.machine = null;
    this.stopReason = reason;
    this.controls.setRunning(false);
    this.status.phase(`stopped: ${reason}`);
    if (this.userStopped) { this.state = 'stopped'; return; }
    this.state = code === 0 ? 'stopped' : 'error';
    this.status.message(code === 0 && !/fault|halted/.test(reason) ? 'info' : 'error', 'The machine stopped:', reason);
    this.console.notice(`machine stopped: ${reason}`);
  }

  private failed(e: unknown): void {
    this.state = 'error';
    this.status.progressDone();
    this.status.phase('boot failed');
    const title = e instanceof BootError ? 'Cannot boot this image:' : e instanceof ImageLoadError ? 'Cannot load an image:' : 'Cannot start the machine:';
    this.stopReason = errorText(e);
    this.status.message('error', title, this.stopReason);
  }

  private internalError(e: unknown): void {
    this.status.message('error', 'Internal error:', errorText(e));
  }

  private onConsole(bytes: Uint8Array): void {
    const now = performance.now();
    this.timings.firstOutput ??= now;
    this.console.write(bytes);
    if (this.timings.prompt !== undefined) return;
    this.tail = (this.tail + this.decoder.decode(bytes, { stream: true })).slice(-TAIL_CHARS);
    if (!PROMPT.test(this.tail.replace(CSI, ''))) return;
    this.timings.prompt = now;
    const t = this.timings;
    this.status.times(`first output ${secs(t.firstOutput! - t.bootStart)} · prompt ${secs(now - t.bootStart)} after boot start`);
    if (this.settings.autorun) this.machine?.sendConsole(new TextEncoder().encode(`${this.settings.autorun}\r`));
  }

  private onLog(line: string): void {
    this.status.log(line);
    if (/triple fault/.test(line)) this.status.message('error', 'Guest triple fault (the machine was reset):', line);
  }

  private presentation(on: boolean): void {
    this.settings = { ...this.settings, presentation: on };
    if (this.booted) this.booted = { ...this.booted, presentation: on };
    this.applyPresentation(on);
    void saveValue('settings', this.booted ?? this.settings);
    history.replaceState(null, '', `${location.pathname}${settingsToQuery(this.booted ?? this.settings)}${location.hash}`);
  }

  private applyPresentation(on: boolean): void {
    document.body.classList.toggle('presentation', on);
    this.console.setPresentation(on);
  }

  private async refreshUserImages(s: Settings, kernel?: string, initrd?: string): Promise<void> {
    const names = [...new Set([...(await userImageNames()), ...sessionFiles.keys()])].sort();
    const img = s.image.source === 'user' ? s.image : undefined;
    this.controls.setUserImages(names, kernel ?? img?.kernel, initrd ?? img?.initrd);
  }

  /** Files from the file input or a drop: stored, sorted into kernel/initrd by content, booted. */
  private async addFiles(files: File[]): Promise<void> {
    let kernel: string | undefined;
    let initrd: string | undefined;
    let kind: BootKind | undefined;
    for (const file of files) {
      const bytes = new Uint8Array(await file.arrayBuffer());
      sessionFiles.set(file.name, bytes);
      await saveUserImage({ name: file.name, bytes, added: Date.now() });
      const k: ImageKind = await detectKind(bytes, file.name);
      if (k === 'initrd') initrd = file.name;
      else {
        kernel = file.name;
        // An unrecognised file is tried as a Linux kernel, so the boot error names it.
        kind = k === 'unknown' ? 'linux' : k;
      }
    }
    await this.refreshUserImages(this.controls.read(), kernel, initrd);
    this.controls.chooseUser(kind, kernel, initrd);
    const s = this.controls.read();
    if (s.image.source === 'user' && s.image.kernel) await this.boot(s);
  }

  private async forget(name: string): Promise<void> {
    sessionFiles.delete(name);
    await deleteUserImage(name);
    await this.refreshUserImages(this.controls.read());
  }

  /** The terminal's text (for tests and for copying a whole session). */
  text(): string { return this.console.text(); }
}

function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

function secs(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
