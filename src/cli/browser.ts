/**
 * Launching Chromium with WebGPU for the CLI and the tests. Uses PUPPETEER_EXECUTABLE_PATH, else a
 * system Chromium/Chrome, else the browser puppeteer downloaded (on a developer's machine).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'puppeteer';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

export function findChromium(): string | undefined {
  const fromEnv = process.env.PUPPETEER_EXECUTABLE_PATH;
  if (fromEnv) return fromEnv;
  return CANDIDATES.find((p) => existsSync(p));
}

export interface LaunchOptions {
  /** Launch without WebGPU (to test the no-WebGPU path). */
  webgpu?: boolean;
  extraArgs?: string[];
}

/** Starts a headless Chromium with WebGPU enabled and a fresh profile (removed on close). */
export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  const { default: puppeteer } = await import('puppeteer');
  const userDataDir = mkdtempSync(join(tmpdir(), 'mi-chromium-'));
  const args = [
    '--headless=new',
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    `--user-data-dir=${userDataDir}`,
    ...(options.webgpu === false ? [] : ['--enable-unsafe-webgpu']),
    ...(options.extraArgs ?? []),
  ];
  const executablePath = findChromium();
  let browser: Browser;
  try {
    browser = await puppeteer.launch({ executablePath, headless: true, args, protocolTimeout: 0 });
  } catch (cause) {
    removeQuietly(userDataDir);
    throw new Error(
      `Could not start Chromium${executablePath ? ` at ${executablePath}` : ''}: ${String((cause as Error).message ?? cause)}. ` +
        'Install it (Debian: apt-get install chromium) or set PUPPETEER_EXECUTABLE_PATH.',
      { cause },
    );
  }
  browser.once('disconnected', () => removeQuietly(userDataDir));
  return browser;
}

/** Chromium may still be writing its profile as it exits; a leftover temp folder is harmless. */
function removeQuietly(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 });
  } catch {
    // ignored on purpose
  }
}
