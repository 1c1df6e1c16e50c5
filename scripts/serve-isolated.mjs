#!/usr/bin/env node
// A small static server for a built page (vite build's outDir) with the headers that make the
// page cross-origin isolated (COOP/COEP), which SharedArrayBuffer and wasm threads need.
// Files are served as they are on disk (a *.gz file is not labelled Content-Encoding: gzip).
//   node scripts/serve-isolated.mjs [dir=dist] [--port 8080] [--host 127.0.0.1] [--no-isolation]
// The browser test imports serveStatic() from here.
import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json',
};

/**
 * Serve `root` on host:port (port 0 = any free port). Resolves with the server and its URL.
 * @param {{ root: string, port?: number, host?: string, isolation?: boolean }} opts
 */
export function serveStatic({ root, port = 0, host = '127.0.0.1', isolation = true }) {
  const base = resolve(root);
  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') { res.writeHead(405).end(); return; }
    let path;
    try { path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname); } catch { res.writeHead(400).end(); return; }
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(join(base, path));
    let st;
    try { st = file.startsWith(base + sep) ? statSync(file) : undefined; } catch { st = undefined; }
    if (!st?.isFile()) { res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`${path}: not found\n`); return; }
    res.writeHead(200, {
      ...(isolation ? ISOLATION_HEADERS : {}),
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': st.size,
      'Last-Modified': st.mtime.toUTCString(),
      'Cache-Control': 'no-cache',
    });
    if (req.method === 'HEAD') { res.end(); return; }
    createReadStream(file).pipe(res);
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      const addr = server.address();
      ok({ server, url: `http://${host}:${typeof addr === 'object' && addr ? addr.port : port}/` });
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args.splice(i, 2)[1] : dflt; };
  const port = Number(opt('--port', '8080'));
  const host = opt('--host', '127.0.0.1');
  const noIso = args.includes('--no-isolation');
  const root = args.filter((a) => !a.startsWith('--'))[0] ?? 'dist';
  const { url } = await serveStatic({ root, port, host, isolation: !noIso });
  console.log(`serving ${root} at ${url}${noIso ? ' (without COOP/COEP)' : ''}`);
}
