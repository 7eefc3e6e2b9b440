/**
 * One headless Chromium with the benchmark page (bench/page: the engine's window.mi plus
 * window.bench) served by the engine's Vite page server. `mi bench` and `mi profile` drive it.
 * Flags: full-resolution timestamps (Chromium quantises timestamp queries to 100 µs unless WebGPU
 * developer features are on) and SwiftShader for WebGL (TF.js's WebGL backend; headless Chromium
 * refuses software WebGL without --enable-unsafe-swiftshader).
 */
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'puppeteer';
import { findChromium, launchChromium } from '../browser.ts';
import { startPageServer, type PageServer } from '../page-server.ts';
import { CliError } from './cli-error.ts';

export const BENCH_CHROMIUM_FLAGS = ['--enable-webgpu-developer-features', '--enable-unsafe-swiftshader'];

export interface BenchSession {
  page: Page;
  server: PageServer;
  /** Calls a window function in the page and unwraps its `{ error }` result into a thrown Error. */
  call<T>(fn: string, ...args: unknown[]): Promise<T>;
  close(): Promise<void>;
}

export async function openBenchSession(allow: string[], extraFlags: string[] = []): Promise<BenchSession> {
  const exe = findChromium();
  if (!exe || !existsSync(exe)) throw new CliError('no Chromium found: install it (Debian: apt-get install chromium) or set PUPPETEER_EXECUTABLE_PATH');
  let browser: Browser | undefined;
  const server = await startPageServer(allow);
  const close = async () => {
    await browser?.close().catch(() => undefined);
    await server.close().catch(() => undefined);
  };
  try {
    browser = await launchChromium({ extraArgs: [...BENCH_CHROMIUM_FLAGS, ...extraFlags] });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(server.pageUrl.replace('/src/cli/page/index.html', '/bench/page/index.html'));
    await page.waitForFunction('globalThis.miReady === true && globalThis.bench !== undefined', { timeout: 120_000 }).catch(() => {
      throw new CliError(`the benchmark page did not load: ${errors.join('; ') || 'timeout'}`);
    });
    const call = async <T>(fn: string, ...args: unknown[]): Promise<T> => {
      const r = await page.evaluate(
        (path: string, xs: unknown[]) => {
          const [obj, name] = path.split('.');
          const target = (globalThis as unknown as Record<string, Record<string, (...a: unknown[]) => unknown>>)[obj];
          return target[name](...xs);
        },
        fn,
        args,
      );
      if (r && typeof r === 'object' && 'error' in (r as object)) {
        const e = (r as { error: { name: string; message: string } }).error;
        throw new Error(`${e.name}: ${e.message}`);
      }
      return r as T;
    };
    return { page, server, call, close };
  } catch (err) {
    await close();
    throw err;
  }
}
