// Shared by the browser tests: Debian's Chromium through playwright-core, a production build of
// the page served with (and without) the COOP/COEP headers, temporary directories, cleanup.
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error plain JavaScript module without types
import { serveStatic } from '../../scripts/serve-isolated.mjs';

export const CHROMIUM = '/usr/bin/chromium';
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const ARTIFACTS = join(ROOT, 'test-artifacts');

const tmp: string[] = [];
const closers: (() => Promise<unknown>)[] = [];

export function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  tmp.push(d);
  return d;
}

/** Runs at cleanup(), last registered first. */
export function onCleanup(f: () => Promise<unknown>): void { closers.push(f); }

export async function cleanup(): Promise<void> {
  for (const c of closers.reverse()) await c().catch(() => {});
  closers.length = 0;
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
  tmp.length = 0;
}

export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the browser test needs Debian's chromium (apt-get install chromium; .ci/run installs it)`);
  }
}

/** A production build of the page in a temporary directory. */
export async function buildPage(): Promise<string> {
  const outDir = tempDir('seoulweb-page-');
  await build({ root: ROOT, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  return outDir;
}

/** Serves `dir`; resolves with its URL (closed at cleanup()). */
export async function serve(dir: string, isolation = true): Promise<string> {
  const s = await serveStatic({ root: dir, isolation });
  onCleanup(() => new Promise((ok) => s.server.close(ok)));
  return s.url as string;
}

/** A fresh browser profile (its own IndexedDB), closed at cleanup(). */
export async function launch(): Promise<BrowserContext> {
  const ctx = await chromium.launchPersistentContext(tempDir('seoulweb-chromium-'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  onCleanup(() => ctx.close());
  return ctx;
}

/** Opens `url` and waits for the page's script to have started. */
export async function open(ctx: BrowserContext, url: string): Promise<Page> {
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.log(`[page error] ${e.message}`));
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { seoulweb?: unknown }).seoulweb !== undefined, null, { timeout: 30_000 });
  return page;
}
