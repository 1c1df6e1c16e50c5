// The page in a real browser (Debian's Chromium through playwright-core): boots the built-in
// Linux to its shell prompt and runs commands on 1 and 2 vCPUs in both placements; a test ROM
// checks the console plumbing (output, key encoding, autorun); broken images and a page
// without cross-origin isolation must say so on the page. Also: the dev server (npm start).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer, type Server } from 'node:net';
import { join } from 'node:path';
import type { App } from '../../src/ui/app.ts';
import { ARTIFACTS, ROOT, buildPage, cleanup, launch, onCleanup, open, requireChromium, serve } from './browser.ts';

declare global {
  interface Window { seoulweb: App }
}

/** Linux in the interpreter on a 2-core machine: be generous. */
const BOOT_MS = 300_000;
/** The kernel's first line comes after its decompressor: about 15 s today. */
const FIRST_OUTPUT_MS = 120_000;
const PROMPT = '~ # ';
/** The prompt as the terminal's text shows it (rows come without trailing blanks). */
const PROMPT_LINE = /^~ #( |$)/m;
/** Output after which the guest will not reach its prompt: fail at once, with the evidence. */
const GUEST_DEAD = /Kernel panic|Giving up, no FPU|machine stopped:/;

let pageUrl = '';
let romBytes: number[] = [];
let plainUrl = '';

interface PageView { text: string; state: string; messages: string; vcpus: string; timings: { bootStart: number; firstOutput?: number; prompt?: number } }

const view = (page: Page): Promise<PageView> => page.evaluate(() => ({
  text: window.seoulweb.text(),
  state: window.seoulweb.state,
  messages: document.querySelector('#messages')?.textContent ?? '',
  vcpus: [...document.querySelectorAll('#vcpus .vcpu')].map((e) => e.textContent).join('; '),
  timings: window.seoulweb.timings,
}));

function evidence(v: PageView): string {
  return `page state ${v.state}; ${v.vcpus || 'no vCPU status'}; messages: ${v.messages || '(none)'}\nlast console lines:\n${v.text.split('\n').slice(-25).join('\n')}`;
}

/** Wait until `done` holds for the page; fail early when the guest or the page has given up. */
async function waitFor(page: Page, what: string, timeout: number, done: (v: PageView) => boolean): Promise<PageView> {
  const until = Date.now() + timeout;
  for (;;) {
    const v = await view(page);
    if (done(v)) return v;
    if (GUEST_DEAD.test(v.text) || v.state === 'error' || v.state === 'unsupported' || v.state === 'stopped') {
      throw new Error(`${what}: the guest cannot get there — ${evidence(v)}`);
    }
    if (Date.now() > until) throw new Error(`${what}: not within ${timeout / 1000} s — ${evidence(v)}`);
    await page.waitForTimeout(500);
  }
}

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, name) });
}

/** Type `cmd` + Enter at the shell prompt; resolves with the command's output (between the command and the next prompt). */
async function run(page: Page, cmd: string, timeout = 60_000): Promise<string> {
  await page.locator('#terminal').click();
  await page.keyboard.type(cmd);
  await page.keyboard.press('Enter');
  const echo = `${PROMPT}${cmd}\n`;
  const after = (t: string) => { const i = t.lastIndexOf(echo); return i < 0 ? null : t.slice(i + echo.length); };
  const v = await waitFor(page, `output of "${cmd}"`, timeout, (x) => PROMPT_LINE.test(after(x.text) ?? ''));
  const out = after(v.text)!;
  return out.slice(0, out.search(PROMPT_LINE)).trim();
}

const secs = (ms?: number) => (ms === undefined ? 'not yet' : `${(ms / 1000).toFixed(1)} s`);

/** Seconds from page load (navigation start) to the guest's first output and to its prompt. */
function saveTimings(t: PageView['timings']): void {
  mkdirSync(ARTIFACTS, { recursive: true });
  const line = `page load → first guest output ${secs(t.firstOutput)}, → shell prompt ${secs(t.prompt)}`;
  writeFileSync(join(ARTIFACTS, 'page-timings.txt'), `${line}\n`);
  console.log(line);
}

async function freePort(): Promise<number> {
  const srv: Server = createNetServer();
  await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
  const port = (srv.address() as { port: number }).port;
  await new Promise((ok) => srv.close(ok));
  return port;
}

beforeAll(async () => {
  requireChromium();
  const outDir = await buildPage();
  execFileSync('nasm', ['-f', 'bin', '-o', join(outDir, 'echo-rom.bin'), join(ROOT, 'test/ui/fixtures/echo-rom.asm')]);
  romBytes = [...readFileSync(join(outDir, 'echo-rom.bin'))];
  pageUrl = await serve(outDir);
  plainUrl = await serve(outDir, false);
}, 180_000);

afterAll(cleanup);

describe('page: the built-in Linux', () => {
  let ctx: BrowserContext;
  beforeAll(async () => { ctx = await launch(); });

  it('boots with no click to the shell prompt and runs a command', async () => {
    const page = await open(ctx, pageUrl);
    try {
      const first = await waitFor(page, 'first console output', FIRST_OUTPUT_MS, (v) => v.timings.firstOutput !== undefined);
      saveTimings(first.timings);
      const booted = await waitFor(page, `the shell prompt "${PROMPT}"`, BOOT_MS, (v) => PROMPT_LINE.test(v.text));
      saveTimings(booted.timings);
      expect(booted.text).toContain('SEOULWEB-READY');
      expect(await run(page, 'echo hi-$((6*7))')).toBe('hi-42');
      await shot(page, 'page-booted.png');
    } catch (e) {
      await shot(page, 'page-boot-failed.png');
      throw e;
    } finally {
      await page.close();
    }
  }, 2 * BOOT_MS);

  // 8 vCPUs (d) too: eight workers on the 2-core machine, the overcommitted case (issue 7).
  for (const [cpus, placement] of [[2, 'd'], [2, 's'], [8, 'd']] as const) {
    it(`runs ${cpus} vCPUs in placement ${placement} (URL form): nproc prints ${cpus}`, async () => {
      const page = await open(ctx, `${pageUrl}?cpus=${cpus}&placement=${placement}`);
      try {
        await waitFor(page, `first console output on ${cpus} vCPUs (${placement})`, FIRST_OUTPUT_MS, (v) => v.timings.firstOutput !== undefined);
        await waitFor(page, `the shell prompt on ${cpus} vCPUs (${placement})`, BOOT_MS, (v) => PROMPT_LINE.test(v.text));
        expect(await page.locator('#vcpus .vcpu').count()).toBe(cpus);
        expect(await run(page, 'nproc')).toBe(String(cpus));
      } catch (e) {
        await shot(page, `page-${cpus}cpu-${placement}-failed.png`);
        throw e;
      } finally {
        await page.close();
      }
    }, BOOT_MS + 60_000);
  }
});

describe('page: console, errors, environment', () => {
  it('shows ROM output, sends VT key bytes to the UART, types the autorun command', async () => {
    const ctx = await launch();
    const page = await open(ctx, `${pageUrl}?rom=/echo-rom.bin&autorun=echo%20auto`);
    await waitFor(page, 'the ROM prompt and the autorun command', 60_000, (v) => /^rom# echo auto\nrom#/m.test(v.text));
    await page.evaluate(() => {
      const m = window.seoulweb.machine!;
      const send = m.sendConsole.bind(m);
      (window as unknown as { sent: number[] }).sent = [];
      m.sendConsole = (b: Uint8Array) => { (window as unknown as { sent: number[] }).sent.push(...b); send(b); };
    });
    await page.locator('#terminal').click();
    await page.keyboard.type('ab');
    for (const k of ['Enter', 'Backspace', 'ArrowUp', 'ArrowDown', 'ArrowRight', 'ArrowLeft', 'Control+c']) await page.keyboard.press(k);
    await page.waitForFunction(() => (window as unknown as { sent: number[] }).sent.length >= 16, null, { timeout: 10_000 });
    const sent = await page.evaluate(() => (window as unknown as { sent: number[] }).sent);
    expect(sent).toEqual([0x61, 0x62, 0x0d, 0x7f, 0x1b, 0x5b, 0x41, 0x1b, 0x5b, 0x42, 0x1b, 0x5b, 0x43, 0x1b, 0x5b, 0x44, 0x03]);
    await waitFor(page, 'the echo of typed text', 10_000, (v) => /^rom# ab\nrom#/m.test(v.text));
    expect(await page.evaluate(() => location.search)).toContain('rom=');
    await page.close();
  }, 120_000);

  it('boots a ROM dropped on the page, and keeps it for the next visit', async () => {
    const ctx = await launch();
    const page = await open(ctx, `${pageUrl}?rom=/echo-rom.bin`);
    await waitFor(page, 'the ROM from the URL', 60_000, (v) => /^hello from the test ROM/m.test(v.text));
    const fromUser = () => page.evaluate(() => window.seoulweb.settings.image.source === 'user');
    await page.evaluate((bytes) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], 'my-firmware.rom'));
      for (const type of ['dragenter', 'dragover', 'drop']) window.dispatchEvent(new DragEvent(type, { dataTransfer: dt, cancelable: true }));
    }, romBytes);
    await page.waitForFunction(() => window.seoulweb.settings.image.source === 'user', null, { timeout: 30_000 });
    await waitFor(page, 'the dropped ROM', 60_000, (v) => /^hello from the test ROM/m.test(v.text));
    expect(await page.locator('select[name=image]').inputValue()).toBe('user');
    expect(await page.locator('select[name=kind]').inputValue()).toBe('rom');
    expect(await page.locator('select[name=kernel]').inputValue()).toBe('my-firmware.rom');
    // The last settings and the file itself come back from IndexedDB on a plain visit.
    await page.goto(pageUrl);
    await page.waitForFunction(() => window.seoulweb !== undefined);
    await waitFor(page, 'the remembered ROM', 60_000, (v) => /^hello from the test ROM/m.test(v.text));
    expect(await fromUser()).toBe(true);
    expect(await page.locator('select[name=kernel]').inputValue()).toBe('my-firmware.rom');
    await page.close();
  }, 120_000);

  it('a broken kernel file shows an error naming the file', async () => {
    const ctx = await launch();
    const page = await open(ctx, `${pageUrl}?rom=/echo-rom.bin`);
    await page.setInputFiles('input[name=files]', { name: 'garbage-kernel.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(5000, 0x5a) });
    await page.waitForFunction(() => window.seoulweb.state === 'error', null, { timeout: 30_000 });
    const msg = await page.locator('#messages .msg.error').first().textContent();
    expect(msg).toMatch(/garbage-kernel\.bin: .*not a Linux kernel/);
    await page.close();
  }, 60_000);

  // Debug hook: window.seoulweb.machine.debugCrash(vcpu, 'throw' | 'reject' | 'exit') (src/main.ts).
  for (const [how, shown] of [['throw', /vCPU 0 worker died: .*vCPU 0: debug crash \(throw\)/], ['exit', /vCPU 0 worker died: it stopped answering/]] as const) {
    it(`a vCPU worker that dies (${how}) shows its error on the page`, async () => {
      const ctx = await launch();
      const page = await open(ctx, `${pageUrl}?rom=/echo-rom.bin&placement=d`);
      await waitFor(page, 'the ROM prompt', 60_000, (v) => /^rom# /m.test(v.text));
      expect(await page.evaluate((h) => window.seoulweb.machine!.debugCrash(0, h), how)).toBe(true);
      // 'exit' (the worker closes itself) raises no event in a browser: the heartbeat finds it within ~30 s.
      await page.waitForFunction(() => window.seoulweb.state === 'error', null, { timeout: 90_000 });
      expect(await page.locator('#messages .msg.error').first().textContent()).toMatch(shown);
      expect(await page.evaluate(() => window.seoulweb.text())).toMatch(/machine stopped: vCPU 0 worker died/);
      await page.close();
    }, 180_000);
  }

  it('says plainly when the page is not cross-origin isolated', async () => {
    const ctx = await launch();
    const page = await open(ctx, plainUrl);
    await page.waitForFunction(() => /not cross-origin isolated/.test(document.querySelector('#messages')?.textContent ?? ''), null, { timeout: 30_000 });
    expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(false);
    await page.close();
  }, 60_000);

  it('the dev server (npm start) serves the page and the built-in Linux starts printing', async () => {
    const port = await freePort();
    const server: ViteDevServer = await createServer({
      root: ROOT, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn',
      server: { host: '127.0.0.1', port, strictPort: true, hmr: false },
    });
    onCleanup(() => server.close());
    await server.listen();
    const ctx = await launch();
    const page = await open(ctx, `http://127.0.0.1:${port}/`);
    const v = await waitFor(page, 'first console output from the dev server page', BOOT_MS, (x) => /Linux version/.test(x.text));
    expect(v.state).toBe('running');
    await page.close();
  }, BOOT_MS + 60_000);
});
