// `npm run bench:browser -- [--cpus 1,2,4] [--placement s,d] [--repeat N] [--workload lua|tiny]
//  [--rounds N] [--json FILE] [--timeout S] [--chromium PATH]`
// The placement matrix in headless Chromium: builds the page, serves it cross-origin isolated,
// opens `?bench=1&…` (the page's own benchmark panel runs the matrix, one fresh VM per cell) and
// prints the page's Markdown table when it is done; progress (the panel's status line) on stderr.
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toMarkdown, toJson, type BenchReport } from '../src/bench/table.ts';
// @ts-expect-error plain JavaScript module without types
import { serveStatic } from './serve-isolated.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Args { query: URLSearchParams; json?: string; timeout: number; chromium: string }

function parse(argv: string[]): Args {
  const query = new URLSearchParams({ bench: '1', cpus: '1,2,4', placement: 's,d', repeat: '1', workload: 'lua' });
  const a: Args = { query, timeout: 7200, chromium: '/usr/bin/chromium' };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = () => { if (i + 1 >= argv.length) throw new Error(`${k} needs a value`); return argv[++i]; };
    if (['--cpus', '--placement', '--repeat', '--workload', '--rounds'].includes(k)) query.set(k.slice(2), v());
    else if (k === '--json') a.json = v();
    else if (k === '--timeout') a.timeout = Number(v());
    else if (k === '--chromium') a.chromium = v();
    else throw new Error(`unknown argument '${k}'`);
  }
  if (!(a.timeout > 0)) throw new Error('--timeout: not a positive number of seconds');
  return a;
}

async function main(): Promise<number> {
  const a = parse(process.argv.slice(2));
  if (!existsSync(a.chromium)) throw new Error(`${a.chromium} is missing (Debian: apt-get install chromium)`);
  const tmp = mkdtempSync(join(tmpdir(), 'seoulweb-bench-browser-'));
  const outDir = join(tmp, 'page');
  let server: { close(cb: () => void): void } | undefined;
  let ctx: Awaited<ReturnType<typeof chromium.launchPersistentContext>> | undefined;
  try {
    process.stderr.write('[bench:browser] building the page\n');
    await build({ root: ROOT, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
    const s = await serveStatic({ root: outDir, isolation: true });
    server = s.server;
    ctx = await chromium.launchPersistentContext(join(tmp, 'profile'), { executablePath: a.chromium, headless: true });
    const page = ctx.pages()[0] ?? await ctx.newPage();
    const url = `${s.url}?${a.query}`;
    process.stderr.write(`[bench:browser] ${url}\n`);
    await page.goto(url);
    const end = Date.now() + a.timeout * 1000;
    let last = '';
    for (;;) {
      const v = await page.evaluate(() => {
        const b = (window as unknown as { seoulwebBench?: { state: string; report: unknown } }).seoulwebBench;
        return { state: b?.state ?? 'loading', status: document.querySelector('#bench-status')?.textContent ?? '', report: b?.state === 'done' ? b.report : null };
      });
      if (v.status !== last) { process.stderr.write(`[bench:browser] ${v.status}\n`); last = v.status; }
      if (v.state === 'done' && v.report) {
        const report = v.report as BenchReport;
        process.stdout.write(toMarkdown(report) + '\n');
        if (a.json) writeFileSync(a.json, toJson(report));
        return report.cells.every((c) => c.ok) ? 0 : 1;
      }
      if (Date.now() > end) throw new Error(`not done within ${a.timeout} s (state ${v.state}: ${v.status})`);
      await page.waitForTimeout(1000);
    }
  } finally {
    await ctx?.close().catch(() => {});
    if (server) await new Promise<void>((ok) => server!.close(() => ok()));
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code), (e) => { process.stderr.write(`bench:browser: ${e instanceof Error ? e.message : e}\n`); process.exit(2); });
