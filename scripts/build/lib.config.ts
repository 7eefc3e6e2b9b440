/**
 * `npm run build`, step 1: the package's ES modules in dist/, one file per source module
 * (preserveModules), so a consumer's bundler tree-shakes what it does not use and `sideEffects` can
 * name the few modules that have one. Vite resolves the `import.meta.glob` of the WGSL files here,
 * at build time: what the consumer receives has the shader text inlined and needs no Vite.
 */
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';
import { builtinModules } from 'node:module';
import pkg from '../../package.json' with { type: 'json' };

const root = fileURLToPath(new URL('../../', import.meta.url));
const src = (p: string) => fileURLToPath(new URL(`../../src/${p}`, import.meta.url));

/**
 * Every package the engine may import at run time stays an import: the consumer installs it once.
 * The readers' libraries (jsfive with its pako, dicom-parser, nifti-reader-js) are devDependencies
 * and so are bundled: into dist/vendor/<package>/ (see entryFileNames), only the module files the
 * engine uses. Installed, they weigh 4.2 MB, most of it builds and sources we never load; bundled
 * they add a few hundred kB, keeping `npm install` under 15 MB (their licences: dist/vendor/NOTICES.md).
 */
const packages = [
  ...Object.keys(pkg.dependencies ?? {}),
  ...Object.keys((pkg as { peerDependencies?: Record<string, string> }).peerDependencies ?? {}),
  'vite',
];
/** Bundled separately (vendor.config.ts) and imported from there: see PATHS. */
const VENDORED = 'protobufjs/minimal.js';
const external = (id: string) =>
  id === VENDORED || id.startsWith('node:') || builtinModules.includes(id) || packages.some((p) => id === p || id.startsWith(`${p}/`));

export default defineConfig({
  root,
  publicDir: false,
  logLevel: 'warn',
  // The DICOM decode worker (src/formats/dicom/worker-client.ts) is built into dist/assets/ as one
  // self-contained module (parser and inflater inside); './' makes its `new URL(…, import.meta.url)`
  // relative to the module that starts it, not to the consumer's site root.
  base: './',
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    target: 'es2022',
    sourcemap: true,
    minify: false,
    lib: {
      entry: {
        index: src('index.ts'),
        'element/index': src('element/index.ts'),
        node: src('node.ts'),
        'cli/main': src('cli/main.ts'),
      },
      formats: ['es'],
    },
    rollupOptions: {
      external,
      output: {
        preserveModules: true,
        preserveModulesRoot: src(''),
        // npm pack drops every node_modules folder: bundled packages' modules go to dist/vendor/<package>/.
        entryFileNames: (chunk) => `${chunk.name.replace(/^(?:.*\/)?node_modules\//, 'vendor/')}.js`,
        // src/onnx/proto.ts, the one importer, is dist/onnx/proto.js.
        paths: { [VENDORED]: '../vendor/protobufjs-minimal.js' },
      },
    },
  },
});
