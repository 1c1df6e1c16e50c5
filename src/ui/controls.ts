// The control bar: vCPUs, placement, memory, machine, image picker (built-in Linux or the user's
// own files, from the file input or dropped anywhere on the page), autorun, boot/reset/stop and
// the presentation layout. Reads and writes Settings; the page (main.ts) does the booting.
import { MACHINES } from '../vmm/machines.ts';
import { CPUS_MAX, MEMORY_MAX, MEMORY_MIN, type BootKind, type Settings } from './settings.ts';

export interface ControlActions {
  boot(s: Settings): void;
  reset(): void;
  stop(): void;
  presentation(on: boolean): void;
  files(files: File[]): void;
  forget(name: string): void;
}

const $ = <T extends HTMLElement>(root: ParentNode, sel: string): T => {
  const el = root.querySelector<T>(sel);
  if (!el) throw new Error(`page markup: ${sel} is missing`);
  return el;
};

export class Controls {
  private readonly form: HTMLFormElement;
  private readonly f: {
    cpus: HTMLSelectElement; placement: HTMLSelectElement; memory: HTMLInputElement; machine: HTMLInputElement;
    image: HTMLSelectElement; kind: HTMLSelectElement; kernel: HTMLSelectElement; initrd: HTMLSelectElement;
    append: HTMLInputElement; autorun: HTMLInputElement; files: HTMLInputElement;
  };
  private readonly userBox: HTMLElement;
  private readonly presentationBtn: HTMLButtonElement;
  /** The image the page booted from a URL (?kernel=…), shown as its own choice. */
  private urlImage: Settings['image'] | null = null;

  constructor(root: HTMLElement, private readonly act: ControlActions) {
    this.form = $(root, '#controls');
    const el = <T extends HTMLElement>(name: string) => $<T>(this.form, `[name="${name}"]`);
    this.f = {
      cpus: el('cpus'), placement: el('placement'), memory: el('memory'), machine: el('machine'),
      image: el('image'), kind: el('kind'), kernel: el('kernel'), initrd: el('initrd'),
      append: el('append'), autorun: el('autorun'), files: el('files'),
    };
    this.userBox = $(root, '#user-image');
    this.presentationBtn = $(root, '#presentation');
    for (let n = 1; n <= CPUS_MAX; n++) this.f.cpus.add(new Option(String(n), String(n)));
    this.f.memory.min = String(MEMORY_MIN);
    this.f.memory.max = String(MEMORY_MAX);
    const list = $<HTMLDataListElement>(root, '#machines');
    for (const m of MACHINES) { const o = new Option(m.name, m.name); o.label = m.help; list.append(o); }

    this.form.addEventListener('submit', (ev) => { ev.preventDefault(); this.act.boot(this.read()); });
    $(root, '#reset').addEventListener('click', () => this.act.reset());
    $(root, '#stop').addEventListener('click', () => this.act.stop());
    $(root, '#forget').addEventListener('click', () => { if (this.f.kernel.value) this.act.forget(this.f.kernel.value); });
    this.presentationBtn.addEventListener('click', () => {
      const on = this.presentationBtn.getAttribute('aria-pressed') !== 'true';
      this.presentationBtn.setAttribute('aria-pressed', String(on));
      this.act.presentation(on);
    });
    this.f.image.addEventListener('change', () => this.showUserBox());
    this.f.files.addEventListener('change', () => {
      const files = [...(this.f.files.files ?? [])];
      this.f.files.value = '';
      if (files.length) this.act.files(files);
    });
    this.installDrop(root);
  }

  private installDrop(root: HTMLElement): void {
    const overlay = $(root, '#drop-overlay');
    let depth = 0;
    const hasFiles = (ev: DragEvent) => [...(ev.dataTransfer?.types ?? [])].includes('Files');
    window.addEventListener('dragenter', (ev) => { if (hasFiles(ev)) { depth++; overlay.hidden = false; } });
    window.addEventListener('dragleave', () => { if (--depth <= 0) { depth = 0; overlay.hidden = true; } });
    window.addEventListener('dragover', (ev) => { if (hasFiles(ev)) ev.preventDefault(); });
    window.addEventListener('drop', (ev) => {
      depth = 0;
      overlay.hidden = true;
      if (!hasFiles(ev)) return;
      ev.preventDefault();
      const files = [...(ev.dataTransfer?.files ?? [])];
      if (files.length) this.act.files(files);
    });
  }

  private showUserBox(): void {
    this.userBox.hidden = this.f.image.value !== 'user';
  }

  /** The stored user images, for the kernel and initrd pickers. */
  setUserImages(names: string[], kernel?: string, initrd?: string): void {
    const fill = (sel: HTMLSelectElement, first: string, keep?: string) => {
      const cur = keep ?? sel.value;
      sel.replaceChildren(new Option(first, ''), ...names.map((n) => new Option(n, n)));
      sel.value = names.includes(cur) ? cur : '';
    };
    fill(this.f.kernel, names.length ? '(choose a kernel)' : '(no files yet: add or drop some)', kernel);
    fill(this.f.initrd, 'none', initrd);
  }

  /** Show `s` in the form. */
  write(s: Settings): void {
    this.f.cpus.value = String(s.cpus);
    this.f.placement.value = s.placement;
    this.f.memory.value = String(s.memory);
    this.f.machine.value = s.machine;
    this.f.autorun.value = s.autorun;
    this.presentationBtn.setAttribute('aria-pressed', String(s.presentation));
    const urlOpt = this.f.image.querySelector<HTMLOptionElement>('option[value="url"]')!;
    if (s.image.source === 'url') {
      this.urlImage = s.image;
      urlOpt.hidden = false;
      urlOpt.textContent = `from URL: ${s.image.kernel.split('/').pop()}`;
    }
    this.f.image.value = s.image.source;
    if (s.image.source !== 'builtin') {
      this.f.kind.value = s.image.kind;
      if (s.image.source === 'user') {
        this.f.kernel.value = s.image.kernel;
        this.f.initrd.value = s.image.initrd ?? '';
      }
      this.f.append.value = s.image.append ?? '';
    }
    this.showUserBox();
  }

  /** The settings the form shows. */
  read(): Settings {
    const src = this.f.image.value;
    const kind = this.f.kind.value as BootKind;
    const append = this.f.append.value.trim() || undefined;
    const image: Settings['image'] =
      src === 'user' ? { source: 'user', kind, kernel: this.f.kernel.value, initrd: this.f.initrd.value || undefined, append }
        : src === 'url' && this.urlImage ? this.urlImage
          : { source: 'builtin' };
    return {
      cpus: Number(this.f.cpus.value),
      placement: this.f.placement.value === 'd' ? 'd' : 's',
      memory: Math.round(Number(this.f.memory.value)),
      machine: this.f.machine.value.trim() || 'pc',
      autorun: this.f.autorun.value,
      presentation: this.presentationBtn.getAttribute('aria-pressed') === 'true',
      image,
    };
  }

  /** The user's files were sorted into kernel/initrd: show them and select the user image. */
  chooseUser(kind: BootKind | undefined, kernel: string | undefined, initrd: string | undefined): void {
    this.f.image.value = 'user';
    if (kind) this.f.kind.value = kind;
    if (kernel) this.f.kernel.value = kernel;
    if (initrd !== undefined) this.f.initrd.value = initrd;
    this.showUserBox();
  }

  setRunning(running: boolean): void {
    ($(this.form, '#stop') as HTMLButtonElement).disabled = !running;
  }
}
