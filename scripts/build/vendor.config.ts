/**
 * `npm run build`, step 1b: protobufjs' minimal runtime (BSD-3-Clause) as ONE ES module,
 * dist/vendor/protobufjs-minimal.js, which src/onnx/proto.ts loads lazily when a model is exported
 * to ONNX (the WebAssembly path, `mi convert`). Bundled so that `npm install medimg-webgpu` needs
 * no protobufjs (4 MB installed) and apps that never export never load it. One file, not
 * preserveModules: protobufjs is CommonJS with circular requires, which per-module output breaks.
 */
import { defineConfig } from 'vite';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(import.meta.url);

export default defineConfig({
  root,
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: 'dist/vendor',
    emptyOutDir: false,
    target: 'es2022',
    sourcemap: false,
    lib: {
      entry: require.resolve('protobufjs/minimal.js'),
      formats: ['es'],
      fileName: () => 'protobufjs-minimal.js',
    },
    rollupOptions: {
      output: {
        minify: true,
        codeSplitting: false,
        // Its licence asks binary redistributions to carry the notice.
        banner: '/*! protobuf.js (minimal) | Copyright (c) 2016, Daniel Wirtz | BSD-3-Clause: https://github.com/protobufjs/protobuf.js/blob/master/LICENSE */',
      },
    },
  },
});
