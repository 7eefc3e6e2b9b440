/**
 * The "one script tag" promise: the package's single-file element (scripts/build/element.config.ts) on a plain static server
 * (no Vite, no bundler), a page with nothing but `<script type="module" src>` and the element, and
 * the model beside it. The result must still match real Keras, and the page must fetch nothing
 * besides its own three kinds of files.
 */
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'puppeteer';
import { cellRefs, MODEL_DIR, recordEvents, REPO_ROOT, requireFixtures, sharedBrowser, newWindow, closeWindow, sigmoid, waitForEvent } from './demo.ts';

const CELL = 'images/malaria-cells/Parasitized/C100P61ThinF_IMG_20150918_144348_cell_141.png';

let out: string;
let server: Server;
let origin: string;
let browser: Browser;
let page: Page;
const requests: string[] = [];

/** Serves `/` → `root/index.html`, `/mi-classifier.js`, `/model/*` (the demo model) and `/cell.png`. */
function staticServer(root: string, fixtures: string): Server {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.json': 'application/json', '.png': 'image/png' };
  return createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
    const [dir, rel] =
      path === '/' ? [root, 'index.html']
      : path === '/cell.png' ? [fixtures, CELL]
      : path.startsWith('/model/') ? [MODEL_DIR, path.slice('/model/'.length)]
      : [root, path.slice(1)];
    const file = resolve(dir, rel);
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
  out = mkdtempSync(join(tmpdir(), 'mi-element-'));
  const { build } = await import('vite');
  await build({ configFile: join(REPO_ROOT, 'scripts/build/element.config.ts'), logLevel: 'error', build: { outDir: out, emptyOutDir: true } });
  writeFileSync(
    join(out, 'index.html'),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>plain</title></head><body>
<script type="module" src="./mi-classifier.js"></script>
<mi-classifier id="plain" model="./model/model.json" src="./cell.png"></mi-classifier>
</body></html>`,
  );
  server = staticServer(out, fixtures);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('no port');
  origin = `http://127.0.0.1:${addr.port}`;
  browser = await sharedBrowser();
  page = await newWindow(browser);
  page.on('request', (r) => requests.push(r.url()));
  await recordEvents(page);
  await page.goto(`${origin}/`);
});

afterAll(async () => {
  await closeWindow(page);
  await browser?.disconnect();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  if (out) rmSync(out, { recursive: true, force: true });
});

it('one <script type="module"> and the element classify like real Keras, fetching only the page, the module, the model and the image', async () => {
  const e = await waitForEvent(page, 'mi-result', 1, 'plain', 120_000);
  const ref = cellRefs().get(CELL)!;
  const p = e.detail.probabilities.find((x: { label: string }) => x.label === 'Uninfected').p;
  expect(Math.abs(p - sigmoid(ref.logit))).toBeLessThanOrEqual(1e-4);
  const paths = requests.filter((u) => !u.startsWith('data:')).map((u) => {
    const url = new URL(u);
    return url.origin === origin ? url.pathname : u;
  });
  const shards: string[] = JSON.parse(readFileSync(join(MODEL_DIR, 'model.json'), 'utf8')).weightsManifest.flatMap(
    (g: { paths: string[] }) => g.paths.map((s) => `/model/${s}`),
  );
  expect([...new Set(paths)].sort()).toEqual(['/', '/cell.png', '/mi-classifier.js', '/model/metadata.json', '/model/integrity.json', '/model/model.json', ...shards].sort());
});
