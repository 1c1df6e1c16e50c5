// The page's settings: defaults, the URL form (a bug report is one URL), and validation.
//   ?cpus=2&placement=d&machine=pc&memory=256&flavour=amd&autorun=uname%20-a&presentation=1
//   &kernel=URL&initrd=URL&append=…   |   &multiboot=URL&initrd=URL   |   &rom=URL
export type Placement = 's' | 'd';
/** Whose implementation-specific results the vCPUs give (src/vmm/machine.ts MachineOptions.flavour). */
export type Flavour = 'intel' | 'amd';
export type BootKind = 'linux' | 'multiboot' | 'rom';

export type ImageChoice =
  | { source: 'builtin' }
  /** Files the user added; names are keys in the page's IndexedDB store. */
  | { source: 'user'; kind: BootKind; kernel: string; initrd?: string; append?: string }
  /** Images fetched from URLs given in the page's address (same origin, or CORP-enabled). */
  | { source: 'url'; kind: BootKind; kernel: string; initrd?: string; append?: string };

export interface Settings {
  cpus: number;
  placement: Placement;
  memory: number;
  machine: string;
  flavour: Flavour;
  autorun: string;
  presentation: boolean;
  image: ImageChoice;
}

export const DEFAULTS: Settings = {
  cpus: 1, placement: 's', memory: 256, machine: 'pc', flavour: 'intel', autorun: '', presentation: false, image: { source: 'builtin' },
};

export const MEMORY_MIN = 2;
export const MEMORY_MAX = 3072;
export const CPUS_MAX = 8;

/** Settings from `base` overridden by the URL's query; bad values are reported and ignored. */
export function settingsFromQuery(query: string, base: Settings): { settings: Settings; problems: string[] } {
  const q = new URLSearchParams(query);
  const s: Settings = structuredClone(base);
  const problems: string[] = [];
  const int = (key: string, min: number, max: number, apply: (n: number) => void) => {
    const v = q.get(key);
    if (v === null) return;
    const n = Number(v);
    if (v.trim() !== '' && Number.isInteger(n) && n >= min && n <= max) apply(n);
    else problems.push(`${key}=${v} is not a whole number in ${min}..${max}; ignored`);
  };
  int('cpus', 1, CPUS_MAX, (n) => { s.cpus = n; });
  int('memory', MEMORY_MIN, MEMORY_MAX, (n) => { s.memory = n; });
  const p = q.get('placement');
  if (p !== null) {
    if (p === 's' || p === 'd') s.placement = p;
    else problems.push(`placement=${p} is not s or d; ignored`);
  }
  const m = q.get('machine');
  if (m !== null && m.trim() !== '') s.machine = m.trim();
  const f = q.get('flavour');
  if (f !== null) {
    if (f === 'intel' || f === 'amd') s.flavour = f;
    else problems.push(`flavour=${f} is not intel or amd; ignored`);
  }
  const a = q.get('autorun');
  if (a !== null) s.autorun = a;
  const pr = q.get('presentation');
  if (pr !== null) s.presentation = pr !== '0' && pr !== 'false';
  const kinds: BootKind[] = ['rom', 'multiboot'];
  const kind: BootKind = kinds.find((k) => q.has(k)) ?? 'linux';
  const kernel = q.get(kind === 'linux' ? 'kernel' : kind);
  if (kernel) {
    s.image = { source: 'url', kind, kernel, initrd: q.get('initrd') ?? undefined, append: q.get('append') ?? undefined };
  } else if (q.has('initrd') || q.has('append')) {
    problems.push('initrd= and append= need kernel= (or multiboot=); ignored');
  }
  return { settings: s, problems };
}

/** The query that reproduces `s` (only what differs from the defaults; local files cannot be named). */
export function settingsToQuery(s: Settings): string {
  const q = new URLSearchParams();
  if (s.cpus !== DEFAULTS.cpus) q.set('cpus', String(s.cpus));
  if (s.placement !== DEFAULTS.placement) q.set('placement', s.placement);
  if (s.machine !== DEFAULTS.machine) q.set('machine', s.machine);
  if (s.memory !== DEFAULTS.memory) q.set('memory', String(s.memory));
  if (s.flavour !== DEFAULTS.flavour) q.set('flavour', s.flavour);
  if (s.autorun) q.set('autorun', s.autorun);
  if (s.presentation) q.set('presentation', '1');
  if (s.image.source === 'url') {
    q.set(s.image.kind === 'linux' ? 'kernel' : s.image.kind, s.image.kernel);
    if (s.image.initrd) q.set('initrd', s.image.initrd);
    if (s.image.append) q.set('append', s.image.append);
  }
  const t = q.toString();
  return t ? `?${t}` : '';
}

/** Stored settings may come from an older page version: keep only well-formed fields. */
export function sanitizeStored(v: unknown): Settings {
  const s = structuredClone(DEFAULTS);
  if (!v || typeof v !== 'object') return s;
  const o = v as Partial<Settings>;
  if (Number.isInteger(o.cpus) && o.cpus! >= 1 && o.cpus! <= CPUS_MAX) s.cpus = o.cpus!;
  if (o.placement === 's' || o.placement === 'd') s.placement = o.placement;
  if (Number.isInteger(o.memory) && o.memory! >= MEMORY_MIN && o.memory! <= MEMORY_MAX) s.memory = o.memory!;
  if (typeof o.machine === 'string' && o.machine.trim()) s.machine = o.machine;
  if (o.flavour === 'intel' || o.flavour === 'amd') s.flavour = o.flavour;
  if (typeof o.autorun === 'string') s.autorun = o.autorun;
  if (typeof o.presentation === 'boolean') s.presentation = o.presentation;
  const img = o.image as ImageChoice | undefined;
  if (img?.source === 'user' && typeof img.kernel === 'string' && ['linux', 'multiboot', 'rom'].includes(img.kind)) s.image = img;
  return s;
}
