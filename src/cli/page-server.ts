/**
 * Serves the engine's host page (src/cli/page) with Vite, so the browser runs the same TypeScript
 * sources and WGSL files as everything else. Extra folders (a model's directory, the fixtures)
 * are made readable through Vite's `/@fs/` URLs.
 */
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import type { ViteDevServer } from 'vite';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface PageServer {
  /** URL of the host page. */
  pageUrl: string;
  /** URL under which the absolute path `abs` is served. */
  fileUrl(abs: string): string;
  close(): Promise<void>;
}

export async function startPageServer(allow: string[] = []): Promise<PageServer> {
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
