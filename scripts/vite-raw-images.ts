// Dev-server plugin: serve the guest images (images/bzImage, images/*.gz) as plain bytes.
// Vite's dev server takes any request without a file extension for a JavaScript module and
// runs it through import analysis (a 500 for a kernel), and it labels *.gz files
// Content-Encoding: gzip, so the browser would unpack an initramfs in transit. Production builds
// do not need this (assets get hashed names; the page copes with either encoding).
import { createReadStream, statSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import type { Plugin } from 'vite';

export function rawImages(dir = 'images'): Plugin {
  return {
    name: 'seoulweb:raw-images',
    apply: 'serve',
    configureServer(server) {
      const root = join(server.config.root, dir);
      server.middlewares.use((req, res, next) => {
        // With a query (?url, ?import) it is a module import of the asset: Vite's own business.
        if ((req.method !== 'GET' && req.method !== 'HEAD') || !req.url?.startsWith(`/${dir}/`) || req.url.includes('?')) return next();
        const rel = decodeURIComponent(req.url.slice(dir.length + 2));
        const file = normalize(join(root, rel));
        if (!file.startsWith(root + sep)) return next();
        let size: number;
        let mtime: Date;
        try {
          const st = statSync(file);
          if (!st.isFile()) return next();
          size = st.size;
          mtime = st.mtime;
        } catch {
          return next();
        }
        for (const [k, v] of Object.entries(server.config.server.headers ?? {})) if (v !== undefined) res.setHeader(k, v);
        res.setHeader('Content-Type', 'application/octet-stream');
        res.setHeader('Content-Length', String(size));
        res.setHeader('Last-Modified', mtime.toUTCString());
        res.setHeader('ETag', `W/"${size}-${mtime.getTime()}"`);
        res.setHeader('Cache-Control', 'no-cache');
        if (req.method === 'HEAD') { res.end(); return; }
        createReadStream(file).pipe(res);
      });
    },
  };
}
