/**
 * One browser route of the package test: serve a consumer's files, open the page in headless
 * Chromium with WebGPU (the repository's puppeteer and the system Chromium, as `npm test` uses),
 * and read the element's first result. A page error or an `mi-error` fails the route with its message.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveFolders } from './serve.mjs';

let browser;
let profile;

async function sharedBrowser() {
  if (browser) return browser;
  const { default: puppeteer } = await import('puppeteer');
  profile = mkdtempSync(join(tmpdir(), 'mi-package-chromium-'));
  browser = await puppeteer.launch({
    // As npm test finds it (src/cli/browser.ts): the named browser, a system Chromium, else puppeteer's own.
    executablePath: process.env.PUPPETEER_EXECUTABLE_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined),
    headless: true,
    protocolTimeout: 0,
    args: ['--headless=new', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--enable-unsafe-webgpu', `--user-data-dir=${profile}`],
  });
  return browser;
}

export async function closeBrowser() {
  await browser?.close();
  browser = undefined;
  if (profile) rmSync(profile, { recursive: true, force: true });
}

/**
 * Serves `mounts` (or uses `origin`, a server already running), opens `/`, and resolves to the
 * Uninfected probability of the first `mi-result` of `#cell`.
 */
export async function classifyInChromium(mounts, origin) {
  const server = origin ? undefined : await serveFolders(mounts);
  const page = await (await sharedBrowser()).newPage();
  try {
    const failed = new Promise((_, reject) => {
      page.on('pageerror', (e) => reject(new Error(`page error: ${e.message ?? e}`)));
      page.on('console', (m) => m.type() === 'error' && !/404|Failed to load resource/.test(m.text()) && reject(new Error(`console error: ${m.text()}`)));
    });
    failed.catch(() => undefined);
    await page.evaluateOnNewDocument(() => {
      window.miEvents = [];
      for (const type of ['mi-load', 'mi-result', 'mi-error']) {
        document.addEventListener(type, (e) => window.miEvents.push({ type, detail: JSON.parse(JSON.stringify(e.detail ?? null)) }));
      }
    });
    await page.goto(`${origin ?? server.origin}/`);
    const done = page
      .waitForFunction(() => window.miEvents.find((e) => e.type === 'mi-result' || e.type === 'mi-error'), { timeout: 180_000, polling: 100 })
      .then((h) => h.jsonValue());
    const event = await Promise.race([done, failed]);
    if (event.type === 'mi-error') throw new Error(`mi-error ${event.detail.code}: ${event.detail.message}`);
    const defined = await page.evaluate(() => customElements.get('mi-classifier') !== undefined);
    if (!defined) throw new Error('mi-classifier is not defined');
    const p = event.detail.probabilities.find((x) => x.label === 'Uninfected')?.p;
    if (typeof p !== 'number') throw new Error(`no Uninfected probability in ${JSON.stringify(event.detail.probabilities)}`);
    return p;
  } finally {
    await page.close();
    await server?.close();
  }
}
