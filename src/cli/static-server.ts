/**
 * A minimal static HTTP server on 127.0.0.1 for the installed package's `mi`: it serves the prebuilt
 * engine page (dist/cli-page) and the model files the command was given, nothing else. No Vite,
 * no TypeScript at run time. Paths outside the allowed folders are 404 even through `..` or links.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createReadStream, realpathSync, statSync } from 'node:fs';
import { dirname, extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PageServer } from './page-server.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
};

/** ONNX Runtime Web's files the page's WebAssembly backend loads (its module and the .wasm beside it). */
const ORT_FILES = ['ort.wasm.bundle.min.mjs', 'ort-wasm-simd-threaded.wasm'];

/** The installed onnxruntime-web's dist folder, or undefined when it is not installed (an optional peer). */
function ortDist(): string | undefined {
  try {
    return dirname(fileURLToPath(import.meta.resolve('onnxruntime-web/wasm')));
  } catch {
    return undefined;
  }
}

/** `/page/…` serves `pageDir`; `/ort/<file>` ONNX Runtime Web's two files; `/@fs/ABS` serves ABS when it lies inside one of `allow` (the same URL scheme as Vite's). */
export async function startStaticServer(pageDir: string, allow: string[]): Promise<PageServer> {
  const roots = allow.map(realOrSelf);
  const pageRoot = realOrSelf(pageDir);
  const ort = ortDist();
  const server = createServer((req, res) => serve(req, res, pageRoot, roots, ort));
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the page server did not report a port');
  const origin = `http://127.0.0.1:${address.port}`;
  return {
    pageUrl: `${origin}/page/index.html`,
    fileUrl: (abs: string) => `${origin}/@fs${encodePath(resolve(abs))}`,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        // close() alone waits for the browser's keep-alive connections to time out.
        server.closeAllConnections();
      }),
  };
}

function serve(req: IncomingMessage, res: ServerResponse, pageRoot: string, roots: string[], ort: string | undefined): void {
  let path: string;
  try {
    path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  } catch {
    return void notFound(res);
  }
  let file: string | undefined;
  if (path.startsWith('/page/')) file = inside(resolve(pageRoot, `.${path.slice('/page'.length)}`), [pageRoot]);
  else if (path.startsWith('/@fs/')) file = inside(resolve(path.slice('/@fs'.length)), roots);
  else if (ort && path.startsWith('/ort/') && ORT_FILES.includes(path.slice('/ort/'.length))) file = resolve(ort, path.slice('/ort/'.length));
  if (!file || req.method !== 'GET') return void notFound(res);
  sendFile(res, file);
}

/** Sends a file as it is on disk (no transform), typed by its extension, never cached. */
export function sendFile(res: ServerResponse, file: string): void {
  res.writeHead(200, {
    'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': statSync(file).size,
    'cache-control': 'no-store',
  });
  createReadStream(file).pipe(res);
}

/** The real path of `path` when it is a file inside one of `roots`, else undefined. */
export function inside(path: string, roots: string[]): string | undefined {
  let real: string;
  try {
    real = realpathSync(path);
    if (!statSync(real).isFile()) return undefined;
  } catch {
    return undefined;
  }
  return roots.some((r) => real === r || real.startsWith(r.endsWith(sep) ? r : r + sep)) ? real : undefined;
}

export function realOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
}

/** Each path segment percent-encoded, so names with `#`, `?`, `%` or spaces survive the URL. */
export function encodePath(abs: string): string {
  return abs.split(sep).map(encodeURIComponent).join('/');
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end('not found');
}
