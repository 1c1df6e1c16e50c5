// The machine configuration string, Seoul style:
//   "pic:0x20,,0x4d0 pic:0xa0,2,0x4d1 pit:0x40,0 sysctrl uart:0x3f8,4 ..."
// Words are separated by white space; a word is `name` or `name:arg,arg,...`; an empty argument
// takes the device's default. Each device file registers its word at its bottom with
// registerDevice(); machines.ts imports the device files, so importing it fills the registry.

import type { Device, DeviceContext } from './device-api.ts';
import type { Motherboard } from './motherboard.ts';

export interface DeviceWord {
  /** The config word, e.g. "pic". */
  word: string;
  /** Argument names in order, e.g. ["iobase", "irq-in-master", "elcr-port"]. */
  params: readonly string[];
  /** What the word makes, and what each argument means (one or a few lines). */
  help: string;
  /** Creates and wires the device(s); the motherboard adds the returned devices. */
  create(ctx: DeviceContext, args: WordArgs, mb: Motherboard): Device | Device[] | void;
}

/** One word of a config string, split but not interpreted. */
export interface ConfigWord {
  name: string;
  args: string[];
  text: string;
}

/** A device rejected its arguments; the parser adds the word and its usage. */
export class ConfigArgError extends Error {}

const registry = new Map<string, DeviceWord>();
const NAME = /^[a-z][a-z0-9_-]*$/i;

export function registerDevice(w: DeviceWord): void {
  if (!NAME.test(w.word)) throw new Error(`bad device word "${w.word}"`);
  // A module re-run (hot reload) replaces its own earlier registration.
  registry.set(w.word, w);
}

export function lookupWord(word: string): DeviceWord | undefined {
  return registry.get(word);
}

export function knownWords(): DeviceWord[] {
  return [...registry.values()].sort((a, b) => a.word.localeCompare(b.word));
}

export function usage(w: DeviceWord): string {
  return w.params.length > 0 ? `${w.word}:${w.params.join(',')}` : w.word;
}

/** The text of --help-machine: every word, its arguments and help. */
export function machineHelp(): string {
  const lines = ['Machine config words (name:arg,arg,... — empty args take defaults):'];
  for (const w of knownWords()) {
    lines.push(`  ${usage(w)}`);
    for (const l of w.help.split('\n')) lines.push(`      ${l}`);
  }
  return lines.join('\n');
}

/** Splits a config string into words; checks the syntax and that every word is known. */
export function parseConfig(config: string): ConfigWord[] {
  const words: ConfigWord[] = [];
  for (const text of config.split(/\s+/)) {
    if (text === '') continue;
    const colon = text.indexOf(':');
    const name = colon < 0 ? text : text.slice(0, colon);
    const args = colon < 0 ? [] : text.slice(colon + 1).split(',');
    if (!NAME.test(name)) {
      throw new Error(`machine config: malformed word "${text}" (expected name or name:arg,arg,...)`);
    }
    const w = registry.get(name);
    if (w === undefined) {
      const known = knownWords().map((k) => k.word).join(', ');
      throw new Error(`machine config: unknown device "${name}" in "${text}"; known words: ${known}`);
    }
    if (args.length > w.params.length) {
      throw wordError(text, w, `too many arguments (${args.length}, at most ${w.params.length})`);
    }
    words.push({ name, args, text });
  }
  return words;
}

export function wordError(text: string, w: DeviceWord, why: string): Error {
  return new Error(`machine config: bad word "${text}": ${why}\n  usage: ${usage(w)}\n  ${w.help.replace(/\n/g, '\n  ')}`);
}

/** Typed access to a word's arguments; every method throws ConfigArgError on bad input. */
export class WordArgs {
  constructor(
    readonly params: readonly string[],
    readonly raw: readonly string[],
  ) {}

  /** True when argument i is absent or empty. */
  empty(i: number): boolean {
    return (this.raw[i] ?? '') === '';
  }

  /** A number (decimal or 0x hex); `fallback` when empty; at most `max`. */
  num(i: number, fallback?: number, max = 0xffffffff): number {
    const raw = this.raw[i] ?? '';
    const name = this.params[i] ?? `argument ${i + 1}`;
    if (raw === '') {
      if (fallback === undefined) throw new ConfigArgError(`${name} is required`);
      return fallback;
    }
    let v: number;
    if (/^0x[0-9a-f]+$/i.test(raw)) v = parseInt(raw.slice(2), 16);
    else if (/^[0-9]+$/.test(raw)) v = parseInt(raw, 10);
    else throw new ConfigArgError(`${name} "${raw}" is not a number`);
    if (v > max) throw new ConfigArgError(`${name} ${raw} is larger than ${max}`);
    return v;
  }

  /** A number, or undefined when empty. */
  optNum(i: number, max = 0xffffffff): number | undefined {
    return this.empty(i) ? undefined : this.num(i, undefined, max);
  }

  str(i: number, fallback?: string): string {
    const raw = this.raw[i] ?? '';
    if (raw !== '') return raw;
    if (fallback === undefined) throw new ConfigArgError(`${this.params[i] ?? `argument ${i + 1}`} is required`);
    return fallback;
  }
}
