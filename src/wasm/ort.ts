/**
 * ONNX Runtime Web, loaded only when a model takes the WebAssembly path: it is an optional peer of
 * this package (140 MB installed), so WebGPU-only apps neither install nor download it.
 *
 * Where the module comes from, first match wins:
 *   1. the load option `wasm.ort` (a function returning the module, usually `() => import('onnxruntime-web/wasm')`);
 *   2. `useOnnxRuntime(...)`, called once by the app with the same kind of function;
 *   3. an import of the bare name, which bundlers are told not to follow: Node resolves it
 *      ('onnxruntime-web', whose Node build runs the WASM backend), and a page without a bundler
 *      maps it in an import map.
 * Why not a plain `import('onnxruntime-web/wasm')` here: a bundler fails the app's build when an
 * import it can see names a package that is not installed, and WebGPU-only apps do not install it.
 * The app's own import (1, 2) is one its bundler follows, so the bundler serves ORT's module and its
 * .wasm file from the app's origin. ORT finds the .wasm beside its module (`import.meta.url`) unless
 * `wasmPaths` says otherwise; nothing is ever fetched from a CDN.
 */
import { MissingPackageError } from '../errors.ts';

/** The parts of ONNX Runtime Web the engine uses (typed here: the package is optional). */
export interface OrtTensor {
  readonly dims: readonly number[];
  readonly data: unknown;
  dispose?(): void;
}

export interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}

export interface OrtModule {
  env: { wasm: { wasmPaths?: string | Record<string, string>; numThreads?: number; proxy?: boolean }; logLevel?: string };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensor;
  InferenceSession: {
    create(model: Uint8Array, options: { executionProviders: string[]; graphOptimizationLevel?: string }): Promise<OrtSession>;
  };
}

/** How the WebAssembly backend finds and sets up ONNX Runtime Web (the load option `wasm`). */
export interface WasmOptions {
  /** Returns the ONNX Runtime Web module, e.g. `() => import('onnxruntime-web/wasm')` (see useOnnxRuntime). */
  ort?: () => Promise<unknown>;
  /**
   * Where ORT's .wasm/.mjs files are served (ORT's `env.wasm.wasmPaths`): a folder URL or a map of
   * file names to URLs. Default: beside ORT's module, as the app's bundler or server serves it.
   */
  wasmPaths?: string | Record<string, string>;
  /**
   * WebAssembly threads. Default: min(4, hardwareConcurrency) when the page is cross-origin
   * isolated (COOP/COEP headers: threads need SharedArrayBuffer), else 1.
   */
  numThreads?: number;
}

let appLoader: (() => Promise<unknown>) | undefined;
let loaded: Promise<OrtModule> | undefined;

/**
 * Tells the engine how to import ONNX Runtime Web, once, before any model takes the WebAssembly
 * path: `useOnnxRuntime(() => import('onnxruntime-web/wasm'))`. With a bundler, this line is what
 * makes it bundle ORT and serve its .wasm from the app's origin.
 */
export function useOnnxRuntime(loader: () => Promise<unknown>): void {
  appLoader = loader;
}

const isNode = (): boolean => typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined';

/**
 * The default import: the bare name, which no bundler follows (see the file comment). Assembled at
 * run time: Rolldown resolves a dynamic import of a constant, even through a variable, and would
 * put ONNX Runtime (and its 14 MB .wasm, inlined) into the element's single-file build.
 */
const PACKAGE = ['onnxruntime', 'web'].join('-');
function importByName(): Promise<unknown> {
  const name = isNode() ? PACKAGE : `${PACKAGE}/wasm`;
  return import(/* @vite-ignore */ /* webpackIgnore: true */ name);
}

/** Threads: several only where SharedArrayBuffer works (a cross-origin isolated page, or Node). */
export function defaultThreads(): number {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  const cores = (globalThis.navigator as Navigator | undefined)?.hardwareConcurrency ?? 1;
  return isolated ? Math.max(1, Math.min(4, cores)) : 1;
}

/**
 * ONNX Runtime Web, imported once and set up (threads, wasmPaths). `why` is the backend's reason,
 * for the error when it cannot be had.
 */
export function loadOrt(options: WasmOptions = {}, why?: string): Promise<OrtModule> {
  if (!loaded) {
    const loader = options.ort ?? appLoader ?? importByName;
    loaded = loader().then(
      (mod) => configure(unwrapModule(mod), options),
      (cause: unknown) => {
        throw missing(cause, why);
      },
    );
    loaded.catch(() => (loaded = undefined)); // a later load may have installed or mapped it
  }
  return loaded;
}

/** A module namespace, or its `default` (CommonJS interop), as an OrtModule. */
function unwrapModule(mod: unknown): OrtModule {
  const m = mod as Partial<OrtModule> & { default?: Partial<OrtModule> };
  const ort = m?.InferenceSession ? m : m?.default;
  if (!ort?.InferenceSession || !ort.Tensor || !ort.env) {
    throw new MissingPackageError("The module given as ONNX Runtime Web has no InferenceSession: pass () => import('onnxruntime-web/wasm')");
  }
  return ort as OrtModule;
}

function configure(ort: OrtModule, options: WasmOptions): OrtModule {
  const wasm = ort.env.wasm;
  if (options.wasmPaths !== undefined) wasm.wasmPaths = options.wasmPaths;
  // A proxy worker or several threads without SharedArrayBuffer can wait forever: neither unless it works.
  wasm.proxy = false;
  wasm.numThreads = options.numThreads ?? (isNode() ? 1 : defaultThreads());
  ort.env.logLevel = 'error';
  return ort;
}

function missing(cause: unknown, why: string | undefined): MissingPackageError {
  const because = why ? ` (the WebAssembly backend was chosen: ${why})` : '';
  const text = String((cause as Error)?.message ?? cause);
  if (cause instanceof MissingPackageError) return cause;
  return new MissingPackageError(
    `ONNX Runtime Web could not be loaded${because}: ${text}. Install it with \`npm install onnxruntime-web\` ` +
      "and, with a bundler, call useOnnxRuntime(() => import('onnxruntime-web/wasm')) once (or map " +
      "'onnxruntime-web/wasm' in an import map); or load the model with backend: 'webgpu'.",
    { cause },
  );
}
