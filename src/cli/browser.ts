/**
 * Launching Chromium with WebGPU for the CLI and the tests. Uses PUPPETEER_EXECUTABLE_PATH, else a
 * system Chromium/Chrome, else the browser puppeteer downloaded (on a developer's machine).
 *
 * puppeteer is an optional peer of the package (a browser library must not make every app install
 * a browser driver): it is imported only here, and its absence is a one-line answer naming the
 * package to install.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, PuppeteerNode } from 'puppeteer';
import { importOptional } from './optional-package.ts';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
  'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe',
];

/** A Chromium or Chrome installed on this machine (PUPPETEER_EXECUTABLE_PATH first). */
export function findChromium(): string | undefined {
  const fromEnv = process.env.PUPPETEER_EXECUTABLE_PATH;
  if (fromEnv) return fromEnv;
  return CANDIDATES.find((p) => existsSync(p));
}

/** What to install when puppeteer is missing; shown as is to `mi` users. */
export const PUPPETEER_ADVICE =
  'the chromium runtime needs puppeteer: npm install puppeteer (or puppeteer-core, with Chrome or Chromium installed); ' +
  'or use --runtime node after npm install webgpu';

/** puppeteer, else puppeteer-core (which brings no browser of its own). */
export async function loadPuppeteer(): Promise<PuppeteerNode> {
  const mod = await importOptional<{ default: PuppeteerNode }>(['puppeteer', 'puppeteer-core'], PUPPETEER_ADVICE);
  return mod.default;
}

/**
 * The browser to launch: a system one, else the one puppeteer downloaded when it was installed
 * (the usual case on a developer's Mac or Windows machine), else undefined.
 */
export function chromiumToLaunch(puppeteer: PuppeteerNode): string | undefined {
  const system = findChromium();
  if (system) return system;
  try {
    const own = puppeteer.executablePath();
    return own && existsSync(own) ? own : undefined;
  } catch {
    return undefined;
  }
}

export interface LaunchOptions {
  /** Launch without WebGPU (to test the no-WebGPU path). */
  webgpu?: boolean;
  extraArgs?: string[];
}

/** Starts a headless Chromium with WebGPU enabled and a fresh profile (removed on close). */
export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  const puppeteer = await loadPuppeteer();
  const executablePath = chromiumToLaunch(puppeteer);
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
  profiles.set(browser, userDataDir);
  return browser;
}

/** Each launched browser's temporary profile folder. */
const profiles = new WeakMap<Browser, string>();

/**
 * Closes a browser from launchChromium quickly. Chromium's orderly shutdown took 0.8 s of every
 * `mi predict` (a seventh of its cold start); the browser is a throwaway, so it gets a moment to
 * close and is then killed, and its profile is removed once the process has exited (removing it
 * earlier, while the GPU and renderer processes still write, left folders behind).
 */
export async function closeChromium(browser: Browser): Promise<void> {
  const child = browser.process();
  const exited = child && child.exitCode === null ? new Promise((r) => child.once('exit', r)) : Promise.resolve();
  const closed = browser.close().catch(() => undefined);
  await Promise.race([closed, new Promise((r) => setTimeout(r, 150))]);
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await Promise.all([closed, exited]);
  const dir = profiles.get(browser);
  if (dir) removeQuietly(dir);
}

/** Chromium may still be writing its profile as it exits; a leftover temp folder is harmless. */
function removeQuietly(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 });
  } catch {
    // ignored on purpose
  }
}
