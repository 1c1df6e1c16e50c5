// `npm run bench:browser -- [--cpus 1,2,4] [--placement s,d] [--repeat N] [--workload lua|tiny]
//  [--rounds N] [--json FILE] [--timeout S]` (Chromium: /usr/bin/chromium, as in the browser tests)
// The placement matrix in headless Chromium: builds the page, serves it cross-origin isolated,
// opens `?bench=1&…` (the page's own benchmark panel runs the matrix, one fresh VM per cell) and
// prints the page's Markdown table when it is done; progress (the panel's status line) on stderr.
import { writeFileSync } from 'node:fs';
import { toMarkdown, toJson, type BenchReport } from '../src/bench/table.ts';
// The browser tests' page host: Debian's Chromium, a production build served cross-origin isolated.
import { buildPage, cleanup, launch, open, requireChromium, serve } from '../test/ui/browser.ts';

interface Args { query: URLSearchParams; json?: string; timeout: number }

function parse(argv: string[]): Args {
  const query = new URLSearchParams({ bench: '1', cpus: '1,2,4', placement: 's,d', repeat: '1', workload: 'lua' });
  const a: Args = { query, timeout: 7200 };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = () => { if (i + 1 >= argv.length) throw new Error(`${k} needs a value`); return argv[++i]; };
    if (['--cpus', '--placement', '--repeat', '--workload', '--rounds'].includes(k)) query.set(k.slice(2), v());
    else if (k === '--json') a.json = v();
    else if (k === '--timeout') a.timeout = Number(v());
    else throw new Error(`unknown argument '${k}'`);
  }
  if (!(a.timeout > 0)) throw new Error('--timeout: not a positive number of seconds');
  return a;
}

async function main(): Promise<number> {
  const a = parse(process.argv.slice(2));
  requireChromium();
  try {
    process.stderr.write('[bench:browser] building the page\n');
    const url = `${await serve(await buildPage())}?${a.query}`;
    process.stderr.write(`[bench:browser] ${url}\n`);
    const page = await open(await launch(), url);
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
    await cleanup();
  }
}

main().then((code) => process.exit(code), (e) => { process.stderr.write(`bench:browser: ${e instanceof Error ? e.message : e}\n`); process.exit(2); });
