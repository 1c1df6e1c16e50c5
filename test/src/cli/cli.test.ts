// The seoulweb command line: bad input gets one clear line and status 2; --timeout gives 124;
// a guest's debug-exit write gives its status.
import { describe, it, expect, afterAll, onTestFinished } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assemble } from '../../wasm/nasm.ts';
import { RAM_BASE, VCPU_BASE } from '../../../src/shared/layout.ts';

const bin = fileURLToPath(new URL('../../../bin/seoulweb.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'seoulweb-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
/** A 64 KiB ROM whose reset vector jumps to `body`. */
function rom(name: string, body: string): string {
  const bytes = assemble(`start: ${body}\n times 0xfff0 - ($ - $$) db 0x90\n jmp 0xf000:start\n times 0x10000 - ($ - $$) db 0`, 16);
  const f = join(dir, name);
  writeFileSync(f, bytes);
  return f;
}

describe('seoulweb CLI', () => {
  it('prints its usage with --help', () => {
    const r = cli('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/--kernel FILE/);
  });
  it('lists the device words with --help-machine', () => {
    const r = cli('--help-machine');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/uart/);
    expect(r.stdout).toMatch(/pic/);
  });
  const bad: [string[], RegExp][] = [
    [['--frobnicate'], /unknown option "--frobnicate"/],
    [['--memory', 'lots'], /--memory: "lots" is not a number/],
    [['--memory', '100000'], /--memory: "100000" is not a number in 2\.\.3072/],
    [['--cpus', '9'], /--cpus: "9" is not a number in 1\.\.8/],
    [['--placement', 'x'], /--placement: "x" is not s or d/],
    [['--flavour', 'via'], /--flavour: "via" is not intel or amd/],
    [['--kernel', '/nonexistent/bzImage'], /\/nonexistent\/bzImage: no such file \(kernel\)/],
    [['--machine', 'pc uart:zzz'], /uart/],
  ];
  for (const [args, msg] of bad) {
    it(`rejects ${args.join(' ')} with status 2 and one line`, () => {
      const r = cli(...args);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    });
  }
  it('names a file that is not a kernel', () => {
    const f = join(dir, 'notakernel');
    writeFileSync(f, Buffer.alloc(4096, 0x41));
    const r = cli('--kernel', f);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${f}: not a Linux kernel`);
  });
  it('names a truncated kernel', () => {
    const f = join(dir, 'truncated');
    writeFileSync(f, Buffer.alloc(100, 0));
    const r = cli('--kernel', f);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(f);
  });
  it('ends a run that does not finish with status 124 after --timeout, with a dump of where each vCPU is', () => {
    const dump = join(mkdtempSync(join(tmpdir(), 'seoulweb-dump-')), 'mem.bin');
    onTestFinished(() => rmSync(dirname(dump), { recursive: true, force: true })); // 300 MB
    const r = cli('--rom', rom('loop.rom', 'jmp start'), '--timeout', '1', '--dump-file', dump);
    expect(r.status).toBe(124);
    expect(r.stderr).toMatch(/timeout: vCPU dump\nvCPU 0 \(local\): eip=[0-9a-f]{8} cs=f000 /);
    expect(r.stderr).toMatch(/lapic id=0 tpr=00 svr=0ff/);
    expect(statSync(dump).size).toBe(RAM_BASE - VCPU_BASE + (256 << 20));
  });
  it('returns (v << 1) | 1 for a debug-exit write, as isa-debug-exit', () => {
    const r = cli('--rom', rom('exit.rom', 'mov al, 5\n out 0xf4, al\n hlt'), '--exit-port', '0xf4');
    expect(r.status).toBe(11);
  });
  it('a vCPU worker that dies ends the run: one line naming the vCPU and the cause, status 70', () => {
    const r = cli('--rom', rom('spin.rom', 'jmp start'), '--placement', 'd', '--debug-crash-vcpu', '0,0', '--timeout', '60');
    expect(r.status).toBe(70);
    expect(r.stderr.trim().split('\n')).toEqual(['[seoulweb] vCPU 0 worker died: vCPU 0: debug crash (throw)']);
  });
  it('ends with status 0 when every vCPU halts with interrupts off', () => {
    const r = cli('--rom', rom('halt.rom', 'cli\n hlt'));
    expect(r.status).toBe(0);
  });
});

describe('seoulweb CLI: a multiboot kernel of our own', () => {
  it('passes the command line and a module, and reports through debugcon and debug-exit', () => {
    // a.out-kludge multiboot image loaded at 1 MiB: prints its command line and the first
    // module's first bytes and string on port 0xe9, then exits with the module count.
    const src = `
      hdr: dd 0x1BADB002
           dd 0x00010003
           dd -(0x1BADB002 + 0x00010003)
           dd hdr, hdr, end, end, entry
      entry:
        mov esi, [ebx + 16]       ; cmdline
        call puts
        mov al, 10
        out 0xe9, al
        mov edi, [ebx + 24]       ; mods_addr
        mov esi, [edi]            ; mod_start
        mov ecx, 4
      .b: lodsb
        out 0xe9, al
        loop .b
        mov al, ' '
        out 0xe9, al
        mov esi, [edi + 8]        ; module string
        call puts
        mov eax, [ebx + 20]       ; mods_count
        out 0xf4, al
        hlt
      puts: lodsb
        test al, al
        jz .d
        out 0xe9, al
        jmp puts
      .d: ret
      end:`;
    const kernel = join(dir, 'mb.bin');
    writeFileSync(kernel, assemble(src, 32, 0x100000));
    const mod = join(dir, 'mod.txt');
    writeFileSync(mod, 'DATA and more');
    const out = join(dir, 'debugcon.txt');
    const r = cli('--multiboot', kernel, '--append', 'hello multiboot', '--module', `${mod}=first-module`,
      '--debugcon', `0xe9=${out}`, '--exit-port', '0xf4', '--timeout', '30');
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.status).toBe((1 << 1) | 1);
    expect(readFileSync(out, 'utf8')).toBe('hello multiboot\nDATA first-module');
  });
});
