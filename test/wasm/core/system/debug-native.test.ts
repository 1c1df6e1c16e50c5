// Debug registers against the host CPU: native/dbcheck.c arms hardware breakpoints on a 32-bit
// child through ptrace (PTRACE_POKEUSER into u_debugreg) and reports, per case, DR6's B0-B3/BS as
// Linux passes them on, the stop EIP as a label and ECX; the same instruction sequences run in the
// core with the same DR0/DR7 values and a #DB handler that logs the same things. The host is an AMD
// CPU under a hypervisor: what it shares with a P6 here is architectural (fault vs trap EIP, LEN
// overlap, REP iteration, locked RMW), which is what the cases exercise.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { protMachine, runTo, code, setDesc, gate, IDT, CODE, K_CODE } from './env.ts';

const here = dirname(fileURLToPath(import.meta.url));

interface Stop { name: string; dr6: number; at: string; ecx: number }

function native(): Stop[] {
  const dir = mkdtempSync(join(tmpdir(), 'seoulweb-dbcheck-'));
  try {
    const exe = join(dir, 'dbcheck');
    const cc = spawnSync('gcc', ['-m32', '-O0', '-static', '-Wall', '-o', exe, join(here, 'native', 'dbcheck.c')], { encoding: 'utf8' });
    if (cc.status !== 0) throw new Error('debug-native needs `gcc -m32 -static` (gcc-multilib):\n' + (cc.error ? String(cc.error) : cc.stderr));
    const r = spawnSync(exe, [], { encoding: 'utf8', timeout: 10_000 });
    if (r.status !== 0) throw new Error(`dbcheck failed (ptrace not allowed?): ${r.stderr}`);
    return r.stdout.trim().split('\n').filter((l) => !l.startsWith('rep-resumed')).map((l) => {
      const [name, sig, dr6, at, ecx] = l.split(' ');
      if (sig !== '5') throw new Error(`dbcheck: ${name} stopped with signal ${sig}`);
      return { name, dr6: parseInt(dr6, 16), at, ecx: Number(ecx) };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const BUF = 0x6000;
const LOG = 0x5200;
const COUNT = 0x5100;
const LABELS = 0x5400;
const HANDLER = 0x3c00;
const NAMES = ['exec', 'write4', 'rw2-read-overlap', 'rep-stosb', 'lock-inc'];
const LABEL_NAMES = ['c1_bp', 'c1_next', 'c2_next', 'c3_next', 'c4_rep', 'c5_next'];

function core(): Stop[] {
  const h = protMachine();
  setDesc(h, IDT, 1, gate(K_CODE, HANDLER, 0xe, 0));
  code(h, HANDLER, `
    push eax
    push ebx
    mov ebx, [${COUNT}]
    imul ebx, ebx, 12
    mov eax, dr6
    and eax, 0x400f
    mov [${LOG} + ebx], eax
    mov eax, [esp + 8]
    mov [${LOG} + ebx + 4], eax
    mov [${LOG} + ebx + 8], ecx
    inc dword [${COUNT}]
    xor eax, eax
    mov dr7, eax
    mov eax, 0xffff0ff0
    mov dr6, eax
    pop ebx
    pop eax
    iretd`);
  const arm = (addr: string | number, dr7: number) => `mov eax, ${addr}\nmov dr0, eax\nmov eax, ${dr7}\nmov dr7, eax\n`;
  code(h, CODE, `
    ${LABEL_NAMES.map((l, i) => `mov dword [${LABELS + 4 * i}], ${l}`).join('\n')}
    ${arm('c1_bp', 0x1)}
    xor ecx, ecx
  c1_bp: inc ecx
  c1_next: nop
    ${arm(BUF, 0x1 | (1 << 16) | (3 << 18))}
    mov eax, [${BUF}]
    mov byte [${BUF + 2}], 7
  c2_next: nop
    ${arm(BUF + 16, 0x1 | (3 << 16) | (1 << 18))}
    mov ax, [${BUF + 15}]
  c3_next: nop
    ${arm(BUF + 5, 0x1 | (1 << 16))}
    lea edi, [${BUF}]
    mov ecx, 10
    mov al, 0xaa
    cld
  c4_rep: rep stosb
    nop
    ${arm(BUF + 32, 0x1 | (1 << 16) | (3 << 18))}
    lock inc dword [${BUF + 32}]
  c5_next: nop
    hlt`);
  runTo(h);
  const labels = new Map(LABEL_NAMES.map((l, i) => [h.read32(LABELS + 4 * i), l]));
  const out: Stop[] = [];
  for (let i = 0; i < h.read32(COUNT); i++) {
    const eip = h.read32(LOG + 12 * i + 4);
    out.push({ name: NAMES[i], dr6: h.read32(LOG + 12 * i), at: labels.get(eip) ?? `0x${eip.toString(16)}`, ecx: h.read32(LOG + 12 * i + 8) });
  }
  expect(Array.from(h.read(BUF, 11))).toEqual([...Array(10).fill(0xaa), 0]);
  return out;
}

describe('system: debug registers against the host CPU', () => {
  it('instruction, write, read/write overlap, REP STOSB and locked RMW breakpoints stop where the host stops', () => {
    const host = native();
    expect(host.map((s) => s.name)).toEqual(NAMES);
    expect(core()).toEqual(host);
  });
});
