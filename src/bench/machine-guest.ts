// A running Machine seen as the benchmark's GuestConsole: console text decoded (bytes as latin1,
// streaming), text that arrives before anyone listens kept for the first listener. Shared by the
// Node guest (node-guest.ts) and the page's (src/ui/bench-guest.ts).
import type { Machine } from '../vmm/machine.ts';
import type { GuestConsole } from './placement.ts';

/** `make` builds the machine with the console hook it is given; the machine is started here. */
export function machineGuest(make: (tap: (bytes: Uint8Array) => void) => Machine): GuestConsole {
  let out: ((t: string) => void) | null = null;
  let early = '';
  const decoder = new TextDecoder('latin1');
  const machine = make((b) => {
    const t = decoder.decode(b, { stream: true });
    if (out) out(t); else early += t;
  });
  const done = machine.run();
  return {
    onOutput: (cb) => { out = cb; if (early) { cb(early); early = ''; } },
    send: (t) => machine.sendConsole(new TextEncoder().encode(t)),
    done,
    stop: async () => { machine.stop('benchmark done'); await done; },
  };
}
