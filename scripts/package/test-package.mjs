#!/usr/bin/env node
/**
 * `npm run test:package`: the package as a new user gets it. Packs the project (which builds it),
 * installs the TARBALL (not this working tree) into fresh consumer projects in a temporary folder,
 * and checks every route the README promises:
 *
 *   Vite dev server and production build · webpack 5 with no configuration · a page with no bundler
 *   (the single-file build) · Node ESM without tsx (the API on Dawn) · the `mi` command installed
 *   (both runtimes, its missing-runtime advice, --version) · a strict TypeScript consumer with
 *   skipLibCheck: false · importing the entries where there is no DOM and no WebGPU.
 *
 * The browser routes classify a real cell in headless Chromium and must agree with the reference
 * `npm test` uses for it (weights/malaria-cnn/ref/test-cells.json, from real Keras) within 1e-4.
 * Sizes are measured, checked against the goals, and written to docs/package.md.
 * Ends with "N passed, N failed"; exit status 1 when anything failed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync, statSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { serveFolders } from './serve.mjs';
import { writeNodeApp, writePlainPage, writeSsrCheck, writeTsApp, writeViteApp, writeWebpackApp } from './consumers.mjs';
import { classifyInChromium, closeBrowser } from './browser-check.mjs';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = join(REPO, '..', 'shared', 'fixtures');
const CELL = 'images/malaria-cells/Parasitized/C100P61ThinF_IMG_20150918_144348_cell_141.png';
const TOLERANCE = 1e-4;
const MB = 1e6;
const GOALS = { packedMB: 3, installMB: 15 };
const DEV_ONLY = ['puppeteer', 'puppeteer-core', 'vite', 'vitest', 'tsx', 'webgpu', 'typescript', 'webpack', 'rolldown', 'esbuild'];

const results = [];
const measured = {};
const keep = process.argv.includes('--keep');

async function check(name, fn) {
  const t0 = performance.now();
  try {
    const note = await fn();
    results.push({ name, ok: true, note: note ?? '' });
    console.log(`  ✓ ${name}${note ? ` (${note})` : ''} [${((performance.now() - t0) / 1000).toFixed(1)} s]`);
  } catch (err) {
    results.push({ name, ok: false, note: String(err?.message ?? err).split('\n')[0] });
    console.log(`  ✗ ${name}: ${String(err?.stack ?? err)}`);
  }
}

function run(cmd, args, cwd, extraEnv = {}) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, ...extraEnv }, maxBuffer: 64 * MB });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

function duBytes(path) {
  let total = 0;
  for (const name of readdirSync(path)) {
    const p = join(path, name);
    const s = statSync(p, { throwIfNoEntry: false });
    if (!s) continue;
    total += s.isDirectory() ? duBytes(p) : s.size;
  }
  return total;
}

function expectedProbability() {
  const refs = JSON.parse(readFileSync(join(REPO, 'weights/malaria-cnn/ref/test-cells.json'), 'utf8'));
  const cell = refs.cells.find((c) => c.path === CELL);
  if (!cell) throw new Error(`no reference for ${CELL}`);
  return 1 / (1 + Math.exp(-cell.logit)); // P(Uninfected): the model's sigmoid output
}

function near(p, expected, what) {
  const diff = Math.abs(p - expected);
  if (!(diff <= TOLERANCE)) throw new Error(`${what}: P(Uninfected) ${p} vs reference ${expected} (|diff| ${diff} > ${TOLERANCE})`);
  return `P(Uninfected) ${p.toFixed(6)}, |diff| ${diff.toExponential(1)}`;
}

if (!existsSync(join(FIXTURES, CELL))) {
  console.error(`test:package needs the shared fixtures: ${join('..', 'shared', 'fixtures', CELL)} is missing`);
  process.exit(1);
}
const expected = expectedProbability();
const work = mkdtempSync(join(tmpdir(), 'mi-package-'));
const npmEnv = { PUPPETEER_SKIP_DOWNLOAD: '1', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
console.log(`test:package in ${work}`);

let tarball;
await check('npm pack builds the package and packs an allow-list (LICENSE, no tests or fixtures)', () => {
  const r = run('npm', ['pack', '--json', '--pack-destination', work], REPO, npmEnv);
  const info = JSON.parse(r.stdout.slice(r.stdout.indexOf('[')))[0];
  tarball = join(work, info.filename);
  const files = info.files.map((f) => f.path);
  measured.packed = info.size;
  measured.unpacked = info.unpackedSize;
  measured.entries = info.entryCount;
  for (const must of ['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/element/index.js', 'dist/node.js', 'dist/mi-classifier.js', 'dist/cli/main.js', 'dist/cli-page/index.html', 'bin/mi.mjs', 'shaders/conv2d_grouped.wgsl']) {
    if (!files.includes(must)) throw new Error(`the tarball lacks ${must}`);
  }
  const stray = files.filter((f) => /^(test|src|bench|scripts|demo|docs)\//.test(f) || f.includes('fixtures') || f.endsWith('.npy'));
  if (stray.length) throw new Error(`the tarball holds files no consumer needs: ${stray.slice(0, 5).join(', ')}`);
  if (info.size > GOALS.packedMB * MB) throw new Error(`packed ${(info.size / MB).toFixed(2)} MB > ${GOALS.packedMB} MB`);
  return `${(info.size / MB).toFixed(2)} MB packed, ${(info.unpackedSize / MB).toFixed(2)} MB unpacked, ${info.entryCount} files`;
});
if (!tarball) finish();

const app = join(work, 'app');
await check('npm install of the tarball into a fresh app adds only browser dependencies', () => {
  mkdirSync(app, { recursive: true });
  cpSync(join(REPO, 'scripts/package/app-package.json'), join(app, 'package.json'));
  run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', tarball], app, npmEnv);
  const nm = join(app, 'node_modules');
  const present = DEV_ONLY.filter((p) => existsSync(join(nm, p)));
  if (present.length) throw new Error(`installing the package pulled in ${present.join(', ')}`);
  measured.install = duBytes(nm);
  measured.installPackages = readdirSync(nm).filter((n) => !n.startsWith('.')).flatMap((n) => (n.startsWith('@') ? readdirSync(join(nm, n)).map((m) => `${n}/${m}`) : [n]));
  if (measured.install > GOALS.installMB * MB) throw new Error(`node_modules is ${(measured.install / MB).toFixed(1)} MB > ${GOALS.installMB} MB`);
  return `${(measured.install / MB).toFixed(1)} MB in node_modules: ${measured.installPackages.join(', ')}`;
});

const pkgDir = join(app, 'node_modules', 'medimg-webgpu');
const modelDir = join(pkgDir, 'weights', 'malaria-cnn');
const cellFile = join(FIXTURES, CELL);
const viteBin = join(REPO, 'node_modules/vite/bin/vite.js');

await check('importing every entry in Node with no DOM, no WebGPU and no Dawn does not throw (loadModel and nodeGpu say why)', () => {
  writeSsrCheck(app);
  const r = run(process.execPath, ['ssr.mjs'], app);
  if (!r.stdout.includes('ok')) throw new Error(r.stdout + r.stderr);
});

await check('a strict TypeScript consumer (skipLibCheck: false) type-checks against the declarations', () => {
  const dir = join(app, 'ts-app');
  writeTsApp(dir);
  run(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', dir], dir);
});

await check('Vite production build: the element classifies a real cell like real Keras', async () => {
  const dir = join(app, 'vite-app');
  writeViteApp(dir, modelDir, cellFile);
  run(process.execPath, [viteBin, 'build', '--logLevel', 'warn'], dir);
  const out = join(dir, 'dist');
  const js = readdirSync(join(out, 'assets')).filter((f) => f.endsWith('.js'));
  const bytes = js.reduce((s, f) => s + statSync(join(out, 'assets', f)).size, 0);
  const gz = js.reduce((s, f) => s + gzipSync(readFileSync(join(out, 'assets', f)), { level: 9 }).length, 0);
  measured.viteBundle = { bytes, gz };
  const p = await classifyInChromium({ '/': out });
  return `${near(p, expected, 'vite build')}; app bundle ${(bytes / 1e3).toFixed(0)} kB, ${(gz / 1e3).toFixed(0)} kB gzip`;
});

await check('Vite dev server: the element classifies the same cell', async () => {
  const dir = join(app, 'vite-app');
  const { createServer } = await import('vite');
  const server = await createServer({ root: dir, configFile: false, logLevel: 'error', server: { host: '127.0.0.1', port: 0, hmr: false } });
  await server.listen();
  try {
    const origin = `http://127.0.0.1:${server.httpServer.address().port}`;
    const p = await classifyInChromium({}, origin);
    return near(p, expected, 'vite dev');
  } finally {
    await server.close();
  }
});

await check('webpack 5 with its default configuration: the element classifies the same cell', async () => {
  const dir = join(app, 'webpack-app');
  writeWebpackApp(dir);
  const { default: webpack } = await import('webpack');
  const stats = await new Promise((ok, fail) =>
    // No configuration but the mode; the output folder is given only because the CLI's default
    // (./dist of the current directory) depends on where it is run, and this script runs elsewhere.
    webpack({ context: dir, mode: 'production', output: { path: join(dir, 'dist') } }, (err, s) => (err ? fail(err) : ok(s))),
  );
  if (stats.hasErrors()) throw new Error(stats.toString({ all: false, errors: true }));
  const main = join(dir, 'dist', 'main.js');
  measured.webpackBundle = { bytes: statSync(main).size, gz: gzipSync(readFileSync(main), { level: 9 }).length };
  const p = await classifyInChromium({ '/': join(dir, 'dist'), '/model/': modelDir, '/cell.png': cellFile });
  return `${near(p, expected, 'webpack')}; main.js ${(measured.webpackBundle.bytes / 1e3).toFixed(0)} kB`;
});

await check('no bundler: <script type="module"> of dist/mi-classifier.js (loaded twice) classifies the same cell', async () => {
  const dir = join(app, 'plain-app');
  writePlainPage(dir);
  const file = join(pkgDir, 'dist', 'mi-classifier.js');
  measured.element = { bytes: statSync(file).size, gz: gzipSync(readFileSync(file), { level: 9 }).length };
  const p = await classifyInChromium({ '/': dir, '/pkg/': pkgDir, '/model/': modelDir, '/cell.png': cellFile });
  return `${near(p, expected, 'plain page')}; mi-classifier.js ${(measured.element.bytes / 1e3).toFixed(0)} kB, ${(measured.element.gz / 1e3).toFixed(0)} kB gzip`;
});

await closeBrowser();

await check('mi without a runtime says which package to install', () => {
  const r = spawnSync(process.execPath, [join(app, 'node_modules/.bin/mi'), 'predict', join(modelDir, 'model.json'), '--image', cellFile], { cwd: app, encoding: 'utf8' });
  if (r.status === 0 || !/npm install puppeteer/.test(r.stderr) || !/npm install webgpu/.test(r.stderr)) {
    throw new Error(`expected advice naming puppeteer and webgpu, got status ${r.status}: ${r.stdout}${r.stderr}`);
  }
  return r.stderr.trim();
});

const nodeApp = join(work, 'node-app');
await check('Node ESM without tsx: the API on Dawn predicts the cell with no preprocessing options', () => {
  mkdirSync(nodeApp, { recursive: true });
  cpSync(join(REPO, 'scripts/package/app-package.json'), join(nodeApp, 'package.json'));
  // The runtimes are optional peers: one install command adds them beside the package.
  run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', tarball, 'webgpu', 'puppeteer'], nodeApp, npmEnv);
  writeNodeApp(nodeApp);
  const r = run(process.execPath, ['predict.mjs', cellFile], nodeApp);
  const out = JSON.parse(r.stdout.trim().split('\n').pop());
  return `${near(out.p, expected, 'node')} on ${out.adapter}`;
});

for (const runtime of ['chromium', 'node']) {
  await check(`mi predict (installed, --runtime ${runtime}) with no flags gives the element's answer`, () => {
    const y = join(nodeApp, `y-${runtime}.npy`);
    const t0 = performance.now();
    const r = run(process.execPath, [join(nodeApp, 'node_modules/.bin/mi'), 'predict', join(nodeApp, 'node_modules/medimg-webgpu/weights/malaria-cnn/model.json'), '--image', cellFile, '--runtime', runtime, '-o', y], nodeApp);
    const ms = performance.now() - t0;
    measured[`cli_${runtime}_ms`] = ms;
    const bytes = readFileSync(y);
    const p = bytes.readFloatLE(bytes.length - 4);
    return `${near(p, expected, `mi --runtime ${runtime}`)}; cold start ${(ms / 1000).toFixed(1)} s; ${r.stdout.trim()}`;
  });
}

await check('mi --version names the package version', () => {
  const version = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version;
  const r = run(process.execPath, [join(nodeApp, 'node_modules/.bin/mi'), '--version'], nodeApp);
  if (!r.stdout.includes(version)) throw new Error(`expected ${version}, got ${r.stdout}`);
  return r.stdout.trim();
});

finish();

function finish() {
  writeReport();
  if (!keep) rmSync(work, { recursive: true, force: true });
  const passed = results.filter((r) => r.ok).length;
  console.log(`\n${passed} passed, ${results.length - passed} failed`);
  process.exit(passed === results.length ? 0 : 1);
}

function writeReport() {
  const kb = (b) => (b === undefined ? 'n/a' : `${(b / 1e3).toFixed(0)} kB`);
  const mb = (b) => (b === undefined ? 'n/a' : `${(b / MB).toFixed(2)} MB`);
  const lines = [
    '# The package, as a consumer gets it',
    '',
    `Generated by \`npm run test:package\` on ${new Date().toISOString().slice(0, 16)}Z (Node ${process.version}); do not edit by hand.`,
    '',
    '| what | measured | goal |',
    '|---|---:|---:|',
    `| tarball (packed) | ${mb(measured.packed)} | ≤ ${GOALS.packedMB} MB |`,
    `| tarball (unpacked, ${measured.entries ?? '?'} files) | ${mb(measured.unpacked)} | |`,
    `| \`npm install medimg-webgpu\` into a fresh app: node_modules | ${mb(measured.install)} | ≤ ${GOALS.installMB} MB |`,
    `| \`dist/mi-classifier.js\` (element + engine + Lit, one file) | ${kb(measured.element?.bytes)} (${kb(measured.element?.gz)} gzip) | |`,
    `| a Vite app importing \`medimg-webgpu/element\`: its JS | ${kb(measured.viteBundle?.bytes)} (${kb(measured.viteBundle?.gz)} gzip) | |`,
    `| the same with webpack 5 defaults: main.js | ${kb(measured.webpackBundle?.bytes)} (${kb(measured.webpackBundle?.gz)} gzip) | |`,
    `| \`mi predict\` cold start, installed, headless Chromium | ${measured.cli_chromium_ms ? `${(measured.cli_chromium_ms / 1000).toFixed(1)} s` : 'n/a'} | |`,
    `| \`mi predict\` cold start, installed, Dawn | ${measured.cli_node_ms ? `${(measured.cli_node_ms / 1000).toFixed(1)} s` : 'n/a'} | |`,
    '',
    `Installed packages: ${(measured.installPackages ?? []).join(', ')}.`,
    '',
    '| route | result |',
    '|---|---|',
    ...results.map((r) => `| ${r.name} | ${r.ok ? 'pass' : 'FAIL'}: ${r.note.replace(/\|/g, '\\|')} |`),
    '',
  ];
  writeFileSync(join(REPO, 'docs', 'package.md'), lines.join('\n'));
  if (results.every((r) => r.ok)) writeReadmeSizes([lines[2], "", ...lines.slice(4, 14)]);
}

/** The size table of a passing run replaces the README's generated block, so its numbers come from a run. */
function writeReadmeSizes(table) {
  const readme = join(REPO, 'README.md');
  const text = readFileSync(readme, 'utf8');
  const begin = text.indexOf('<!-- package-sizes:begin');
  const end = text.indexOf('<!-- package-sizes:end -->');
  if (begin < 0 || end < begin) return;
  const open = text.indexOf('\n', begin) + 1;
  writeFileSync(readme, `${text.slice(0, open)}${table.join('\n')}\n${text.slice(end)}`);
}
