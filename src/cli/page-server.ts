/**
 * Serves the engine's host page (src/cli/page) for the CLI and the GPU tests. Run from this
 * repository's sources, Vite serves the live TypeScript and WGSL files, so the page runs exactly what
 * the tests test. Run from the built package (dist/), the page was prebuilt into dist/cli-page and a
 * small static server (static-server.ts) serves it: the installed package needs no Vite.
 * Extra folders (a model's directory, the fixtures) are readable through `/@fs/` URLs either way.
 */
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ViteDevServer } from 'vite';
import { encodePath, inside, realOrSelf, sendFile } from './static-server.ts';

// Paths in variables, not literals inside new URL(): the package build would try to bundle them as assets.
const UP_TWO = '../../';
const BUILT_PAGE = '../cli-page/';

export const REPO_ROOT = fileURLToPath(new URL(UP_TWO, import.meta.url));

/** True when this module is the TypeScript source (tsx, vitest), false when it is dist/cli/page-server.js. */
const FROM_SOURCES = import.meta.url.endsWith('.ts');

export interface PageServer {
  /** URL of the host page. */
  pageUrl: string;
  /** URL under which the absolute path `abs` is served. */
  fileUrl(abs: string): string;
  close(): Promise<void>;
}

export async function startPageServer(allow: string[] = []): Promise<PageServer> {
  if (!FROM_SOURCES) {
    const { startStaticServer } = await import('./static-server.ts');
    return startStaticServer(fileURLToPath(new URL(BUILT_PAGE, import.meta.url)), allow);
  }
  return startViteServer(allow);
}

async function startViteServer(allow: string[]): Promise<PageServer> {
  const { createServer } = await import('vite');
  const roots = allow.map(realOrSelf);
  const server: ViteDevServer = await createServer({
    plugins: [
      {
        // Files of the allowed folders (models, fixtures) go out as they are on disk, before Vite
        // sees the request: Vite takes a URL without an extension for a module and tries to
        // transform it ("Failed to parse source" for a model file named `mymodel`).
        name: 'mi-raw-files',
        configureServer: (vite) => void vite.middlewares.use((req, res, next) => serveRaw(req, res, next, roots)),
      },
    ],
    root: REPO_ROOT,
    configFile: resolve(REPO_ROOT, 'vite.config.ts'),
    logLevel: 'error',
    clearScreen: false,
    server: { host: '127.0.0.1', port: 0, strictPort: false, fs: { allow: [REPO_ROOT, ...allow] }, hmr: false },
    // protobufjs (the ONNX export of the WebAssembly path), dicom-parser (the DICOM reader, also in
    // its worker) and jpeg-js (image decoding, which loadImage brings into the page) are CommonJS:
    // pre-bundled at start, the only dependencies that need it. onnxruntime-web is served as it is,
    // so its .wasm stays beside its module.
    optimizeDeps: { noDiscovery: true, include: ['protobufjs/minimal.js', 'dicom-parser', 'jpeg-js'], exclude: ['onnxruntime-web'] },
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('Vite did not report a port');
  const origin = `http://127.0.0.1:${address.port}`;
  return {
    pageUrl: `${origin}/src/cli/page/index.html`,
    // Percent-encoded per segment, as the static server does: `#`, `?`, `%` and spaces survive.
    fileUrl: (abs: string) => `${origin}/@fs${encodePath(resolve(abs))}`,
    close: () => server.close(),
  };
}

/** `/@fs/ABS` with ABS a file inside one of `roots`: sent raw; anything else goes on to Vite. */
function serveRaw(req: IncomingMessage, res: ServerResponse, next: () => void, roots: string[]): void {
  if (req.method !== 'GET' || !req.url?.startsWith('/@fs/') || req.url.includes('?')) return next();
  let path: string;
  try {
    path = decodeURIComponent(req.url.slice('/@fs'.length));
  } catch {
    return next();
  }
  const file = inside(resolve(path), roots);
  if (!file) return next();
  sendFile(res, file);
}
