/**
 * Serves the engine's host page (src/cli/page) for the CLI and the GPU tests. Run from this
 * repository's sources, Vite serves the live TypeScript and WGSL files, so the page runs exactly what
 * the tests test. Run from the built package (dist/), the page was prebuilt into dist/cli-page and a
 * small static server (static-server.ts) serves it: the installed package needs no Vite.
 * Extra folders (a model's directory, the fixtures) are readable through `/@fs/` URLs either way.
 */
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import type { ViteDevServer } from 'vite';

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
  const server: ViteDevServer = await createServer({
    root: REPO_ROOT,
    configFile: resolve(REPO_ROOT, 'vite.config.ts'),
    logLevel: 'error',
    clearScreen: false,
    server: { host: '127.0.0.1', port: 0, strictPort: false, fs: { allow: [REPO_ROOT, ...allow] }, hmr: false },
    optimizeDeps: { noDiscovery: true, include: [] },
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('Vite did not report a port');
  const origin = `http://127.0.0.1:${address.port}`;
  return {
    pageUrl: `${origin}/src/cli/page/index.html`,
    fileUrl: (abs: string) => `${origin}/@fs${resolve(abs)}`,
    close: () => server.close(),
  };
}
