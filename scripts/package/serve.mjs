/**
 * A static file server on 127.0.0.1 for the package routes: URL prefixes mapped to folders, nothing
 * outside them served, every request recorded (a route must fetch nothing but its own files).
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, resolve, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
};

/** `mounts`: { '/': dir, '/model/': dir, ... } (longest prefix wins). Resolves to { origin, requests, close }. */
export async function serveFolders(mounts) {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const requests = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(path);
    const prefix = prefixes.find((p) => path === p || (p.endsWith('/') && path.startsWith(p)));
    const root = prefix === undefined ? undefined : resolve(mounts[prefix]);
    // A mount without a trailing slash is one file ('/cell.png' → that image).
    let file = root && (prefix.endsWith('/') ? resolve(root, `.${sep}${path.slice(prefix.length)}`) : root);
    if (file && existsSync(file) && statSync(file).isDirectory()) file = resolve(file, 'index.html');
    const within = file === root ? !prefix.endsWith('/') : file?.startsWith(root + sep);
    if (!root || !file || !within || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    requests,
    close: () => new Promise((ok) => server.close(ok)),
  };
}
