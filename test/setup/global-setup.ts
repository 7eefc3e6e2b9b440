/**
 * Starts, once for the whole run, the Vite server for the engine's host page and a headless
 * Chromium with WebGPU. GPU test files connect to that browser (see test/util/gpu.ts).
 * If Chromium or WebGPU is missing, every GPU test fails with the reason; none is skipped.
 */
import type { TestProject } from 'vitest/node';
import { launchChromium } from '../../src/cli/browser.ts';
import { startPageServer } from '../../src/cli/page-server.ts';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';

declare module 'vitest' {
  export interface ProvidedContext {
    browserWSEndpoint: string;
    pageUrl: string;
    /** URL prefix under which an absolute path is served, e.g. `${fsUrl}/abs/path/of/the/file`. */
    fsUrl: string;
    browserError: string;
  }
}

export default async function setup(project: TestProject) {
  const shared = fileURLToPath(new URL('../../../shared', import.meta.url));
  const server = await startPageServer(existsSync(shared) ? [shared] : []);
  project.provide('pageUrl', server.pageUrl);
  project.provide('fsUrl', server.fileUrl('/').replace(/\/$/, ''));
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  try {
    browser = await launchChromium();
    project.provide('browserWSEndpoint', browser.wsEndpoint());
    project.provide('browserError', '');
  } catch (err) {
    project.provide('browserWSEndpoint', '');
    project.provide('browserError', String((err as Error).message ?? err));
  }
  return async () => {
    await browser?.close();
    await server.close();
  };
}
