// `npm run web`: build the app (build-web.mjs) and serve web/dist on http://127.0.0.1:<port>
// (PORT, default 8737; 0 picks a free one). Static files only, from that folder; prints the URL.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWeb } from './build-web.mjs';

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json', '.map': 'application/json', '.css': 'text/css' };

/** Serve `dir` on 127.0.0.1:`port`; resolves with the URL and a close function. */
export function serveStatic(dir, port = 0) {
  const base = path.resolve(dir);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const file = path.resolve(base, '.' + decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname));
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405).end();
    if (!file.startsWith(base + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'content-length': fs.statSync(file).size, 'cache-control': 'no-cache' });
    if (req.method === 'HEAD') return void res.end();
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: p } = server.address();
      resolve({ url: `http://127.0.0.1:${p}/`, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { out } = await buildWeb();
    const port = Number(process.env.PORT ?? 8737);
    const { url } = await serveStatic(out, port);
    process.stdout.write(`leannet web app: ${url}  (serving ${path.relative(process.cwd(), out) || out}; Ctrl-C stops)\n`);
  } catch (e) {
    process.stderr.write(`web: ${e.code === 'EADDRINUSE' ? `port ${process.env.PORT ?? 8737} is in use (set PORT=…)` : e.message.split('\n')[0]}\n`);
    process.exit(1);
  }
}
