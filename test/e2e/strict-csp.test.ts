/**
 * A strict Content-Security-Policy: a page that allows no eval, no inline script and no inline
 * style, and fetches only from its own origin, still runs the element and the engine (the
 * single-file build, as a hospital intranet page would serve it). The policy below is the one the
 * README recommends; a violation report of any kind fails the test.
 */
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'puppeteer';
import { cellRefs, MODEL_DIR, recordEvents, REPO_ROOT, requireFixtures, sharedBrowser, newWindow, closeWindow, sigmoid, waitForEvent } from './demo.ts';

const CELL = 'images/malaria-cells/Uninfected/C100P61ThinF_IMG_20150918_144823_cell_127.png';

/** No 'unsafe-eval', no 'unsafe-inline', nothing from another origin. */
export const STRICT_CSP =
  "default-src 'none'; script-src 'self'; connect-src 'self'; img-src 'self' blob: data:; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

let out: string;
let server: Server;
let origin: string;
let browser: Browser;
let page: Page;

function cspServer(root: string, fixtures: string): Server {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.json': 'application/json', '.png': 'image/png' };
  return createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
    const [dir, rel] =
      path === '/' ? [root, 'index.html']
      : path === '/cell.png' ? [fixtures, CELL]
      : path.startsWith('/model/') ? [MODEL_DIR, path.slice('/model/'.length)]
      : [root, path.slice(1)];
    const file = resolve(dir, rel);
    res.setHeader('Content-Security-Policy', STRICT_CSP);
    if (!file.startsWith(resolve(dir) + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader('Content-Type', types[extname(file)] ?? 'application/octet-stream');
    createReadStream(file).pipe(res);
  });
}

beforeAll(async () => {
  const fixtures = requireFixtures();
  if (!existsSync(join(fixtures, CELL))) throw new Error(`missing fixture ${CELL}`);
  out = mkdtempSync(join(tmpdir(), 'mi-csp-'));
  const { build } = await import('vite');
  await build({ configFile: join(REPO_ROOT, 'scripts/build/element.config.ts'), logLevel: 'error', build: { outDir: out, emptyOutDir: true } });
  writeFileSync(
    join(out, 'index.html'),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>strict CSP</title></head><body>
<script type="module" src="./mi-classifier.js"></script>
<mi-classifier id="csp" model="./model/model.json" src="./cell.png"></mi-classifier>
</body></html>`,
  );
  server = cspServer(out, fixtures);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('no port');
  origin = `http://127.0.0.1:${addr.port}`;
  browser = await sharedBrowser();
  page = await newWindow(browser);
  await page.evaluateOnNewDocument(() => {
    const w = window as unknown as { cspViolations: string[] };
    w.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`));
  });
  await recordEvents(page);
  await page.goto(`${origin}/`);
});

afterAll(async () => {
  await closeWindow(page);
  await browser?.disconnect();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  if (out) rmSync(out, { recursive: true, force: true });
});

it('under a CSP without unsafe-eval or inline script/style the element classifies like real Keras, with no violation', async () => {
  const e = await waitForEvent(page, 'mi-result', 1, 'csp', 240_000);
  const ref = cellRefs().get(CELL);
  if (!ref) throw new Error(`no reference for ${CELL} in weights/malaria-cnn/ref/test-cells.json`);
  const p = e.detail.probabilities.find((x: { label: string }) => x.label === 'Uninfected').p;
  expect(Math.abs(p - sigmoid(ref.logit))).toBeLessThanOrEqual(1e-4);
  // The preview canvas and the bars render: styles arrived through constructable stylesheets.
  const rendered = await page.evaluate(() => {
    const el = document.querySelector('mi-classifier')!;
    const bar = el.shadowRoot!.querySelector('[part~="bar-fill"]') as HTMLElement | null;
    return { bars: el.shadowRoot!.querySelectorAll('[part~="bar"]').length, fillWidth: bar ? getComputedStyle(bar).width : '' };
  });
  expect(rendered.bars).toBeGreaterThan(0);
  expect(rendered.fillWidth).not.toBe('0px');
  expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
});
