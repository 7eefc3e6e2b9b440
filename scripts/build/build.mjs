#!/usr/bin/env node
/**
 * `npm run build`: everything a consumer of the package receives, in dist/.
 *
 *   dist/index.js, dist/element/index.js, dist/node.js   the three entries, one file per module, with
 *                                                         .d.ts declarations and source maps beside them
 *   dist/cli/main.js                                      the `mi` command (bin/mi.mjs runs it when there are no sources)
 *   dist/cli-page/                                        the page `mi` drives in headless Chromium
 *   dist/mi-classifier.js                                 the element, engine and Lit in one module (no bundler)
 *   dist/vendor/protobufjs-minimal.js                     protobufjs' writer, loaded lazily by the ONNX export
 *   dist/vendor/<package>/                                the readers' libraries, bundled (lib.config.ts), and NOTICES.md
 *
 * Plain JavaScript so it runs with nothing but Node and the dev dependencies.
 */
import { build } from 'vite';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dist = join(root, 'dist');
const config = (name) => join(root, 'scripts/build', name);

rmSync(dist, { recursive: true, force: true });
await build({ configFile: config('lib.config.ts') });
await build({ configFile: config('vendor.config.ts') });
await build({ configFile: config('element.config.ts') });
await build({ configFile: config('cli-page.config.ts') });

const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
rewriteDeclarationImports(dist);
writeVendorNotices(join(dist, 'vendor', 'NOTICES.md'));
console.log('build: dist/ written');

/**
 * The licences of the packages bundled into dist/ rather than installed (lib.config.ts: jsfive with
 * pako, dicom-parser, nifti-reader-js; vendor.config.ts: protobufjs), which ask that copies carry them.
 */
function writeVendorNotices(file) {
  const bundled = ['jsfive', 'pako', 'dicom-parser', 'nifti-reader-js', 'protobufjs'];
  const parts = ['# Bundled third-party code', '', 'dist/vendor/ holds code from these packages; their licences follow.', ''];
  for (const name of bundled) {
    const dir = join(root, 'node_modules', name);
    const licence = readdirSync(dir).find((f) => /^licen[cs]e/i.test(f));
    if (!licence) throw new Error(`build: ${name} has no LICENSE file to carry into dist/vendor/NOTICES.md`);
    const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    parts.push(`## ${name} ${version}`, '', '```', readFileSync(join(dir, licence), 'utf8').trim(), '```', '');
  }
  writeFileSync(file, parts.join('\n'));
}

/**
 * The sources import each other as `./x.ts` (run as they are by Vite and tsx). tsc's
 * rewriteRelativeImportExtensions fixes that in JavaScript but leaves declarations alone, where a
 * consumer's TypeScript would look for `.ts` files that are not shipped: point them at `.js`, whose
 * `.d.ts` sits beside it.
 */
function rewriteDeclarationImports(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) rewriteDeclarationImports(path);
    else if (name.endsWith('.d.ts')) {
      const text = readFileSync(path, 'utf8');
      const fixed = text.replace(/((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]+)\.ts(['"])/g, '$1$2.js$3');
      if (fixed !== text) writeFileSync(path, fixed);
    }
  }
}
