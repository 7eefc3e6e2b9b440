/**
 * The compressed-pixel decoders, each an optional peer package imported only when a file in its
 * transfer syntax is read (an app reading only uncompressed DICOM installs and downloads none):
 *
 *   JPEG baseline 8-bit   @cornerstonejs/codec-libjpeg-turbo-8bit   (libjpeg-turbo, as Pillow)
 *   JPEG extended 12-bit  dcmjs-codecs                              (DCMTK's IJG libjpeg 8/12/16-bit)
 *   JPEG lossless (14)    jpeg-lossless-decoder-js                  (pure JS)
 *   JPEG-LS               @cornerstonejs/codec-charls               (CharLS)
 *   JPEG 2000             @cornerstonejs/codec-openjpeg             (OpenJPEG)
 *
 * Where the modules come from: under Node, an import of the package name (assembled at run time, so a
 * bundler never tries to follow it: an app without the package must still build). In a browser or a
 * worker, from `codecBaseUrl` (a folder laid out like node_modules; default `/node_modules/` of the
 * page's origin, which the Vite dev server and a static server at the project root both serve): the
 * Emscripten builds are CommonJS, fetched and evaluated with their .wasm located beside them.
 */
import { DicomFormatError, MissingPackageError } from '../../errors.ts';
import type { CodecId } from './transfer-syntax.ts';
import { describeSyntax } from './transfer-syntax.ts';

/** One decoded frame: little-endian samples, `bytesPerSample` each, interleaved unless `planar`. */
export interface DecodedFrame {
  bytes: Uint8Array;
  bytesPerSample: 1 | 2;
  planar: boolean;
  /** True when the codec already turned YCbCr into RGB (libjpeg does for JFIF colour). */
  rgb: boolean;
}

export interface FrameInfo {
  rows: number;
  cols: number;
  samples: number;
  bitsAllocated: number;
  bitsStored: number;
  signed: boolean;
  photometric: string;
}

export interface FrameCodec {
  decode(frame: Uint8Array, info: FrameInfo): DecodedFrame;
}

interface PackageSpec {
  pkg: string;
  /** Node: the subpath to import. Browser: the JS file under the package and whether it is CommonJS. */
  nodeImport: string;
  browserFile: string;
  commonJs: boolean;
}

const PACKAGES: Record<Exclude<CodecId, 'native' | 'rle'>, PackageSpec> = {
  'jpeg-baseline': { pkg: '@cornerstonejs/codec-libjpeg-turbo-8bit', nodeImport: '/decodewasmjs', browserFile: 'dist/libjpegturbowasm_decode.js', commonJs: true },
  'jpeg-extended': { pkg: 'dcmjs-codecs', nodeImport: '', browserFile: 'build/dcmjs-codecs.min.js', commonJs: true },
  'jpeg-lossless': { pkg: 'jpeg-lossless-decoder-js', nodeImport: '', browserFile: 'release/lossless.js', commonJs: false },
  'jpeg-ls': { pkg: '@cornerstonejs/codec-charls', nodeImport: '/decodewasmjs', browserFile: 'dist/charlswasm_decode.js', commonJs: true },
  jpeg2000: { pkg: '@cornerstonejs/codec-openjpeg', nodeImport: '/decodewasmjs', browserFile: 'dist/openjpegwasm_decode.js', commonJs: true },
};

const isNode = (): boolean => typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined' && typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === 'undefined';

const loaded = new Map<string, Promise<FrameCodec>>();

/** The package a codec needs, for messages and docs. */
export function codecPackage(id: Exclude<CodecId, 'native' | 'rle'>): string {
  return PACKAGES[id].pkg;
}

/** Loads (once per base URL) the decoder for `id`; `syntaxUid` and `name` are for messages. */
export function loadCodec(id: Exclude<CodecId, 'native' | 'rle'>, syntaxUid: string, name: string, codecBaseUrl?: string): Promise<FrameCodec> {
  const key = `${id} ${isNode() ? '' : baseUrl(codecBaseUrl)}`;
  let p = loaded.get(key);
  if (!p) {
    // A codec whose WebAssembly trapped (abort, out of bounds) may be left broken: the next file gets a fresh instance.
    p = instantiate(id, syntaxUid, name, codecBaseUrl, () => loaded.delete(key));
    loaded.set(key, p);
    // A failed load is not cached: installing the package and trying again must work.
    p.catch(() => loaded.delete(key));
  }
  return p;
}

function baseUrl(given?: string): string {
  const here = (globalThis as { location?: { href: string } }).location?.href ?? 'http://localhost/';
  const base = new URL(given ?? '/node_modules/', here).href;
  return base.endsWith('/') ? base : `${base}/`;
}

function missing(spec: PackageSpec, syntaxUid: string, name: string, where: string, cause: unknown): MissingPackageError {
  return new MissingPackageError(
    `${name}: pixel data in transfer syntax ${describeSyntax(syntaxUid)} needs the optional package ${spec.pkg}, which ${where}. ` +
      `Install it: npm install ${spec.pkg}` + (isNode() ? '' : ` (in a browser, serve node_modules at the reader's codecBaseUrl, default /node_modules/)`),
    { cause },
  );
}

async function importModule(spec: PackageSpec, syntaxUid: string, name: string, codecBaseUrl?: string): Promise<{ mod: unknown; wasmDir?: string }> {
  if (isNode()) {
    const specifier = [spec.pkg, spec.nodeImport].join('');
    try {
      return { mod: await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier) };
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException)?.code;
      if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') throw missing(spec, syntaxUid, name, 'is not installed', cause);
      throw cause;
    }
  }
  const url = new URL(`${spec.pkg}/${spec.browserFile}`, baseUrl(codecBaseUrl)).href;
  const wasmDir = url.slice(0, url.lastIndexOf('/') + 1);
  if (!spec.commonJs) {
    try {
      return { mod: await import(/* @vite-ignore */ /* webpackIgnore: true */ url), wasmDir };
    } catch (cause) {
      throw missing(spec, syntaxUid, name, `could not be imported from ${url}`, cause);
    }
  }
  let text: string;
  try {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    // A dev server's SPA fallback answers a missing file with the app's index.html, status 200.
    if ((res.headers.get('content-type') ?? '').includes('text/html')) throw new Error('the server answered with an HTML page');
    text = await res.text();
  } catch (cause) {
    throw missing(spec, syntaxUid, name, `was not found at ${url}`, cause);
  }
  // Emscripten's CommonJS build: run it with a module object and take its export. `require` gets
  // a stand-in (dcmjs-codecs requires dcmjs at load for its transcoder, which the frame decoders
  // never call).
  const module = { exports: {} as unknown };
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    new Function('module', 'exports', 'require', `${text}\n//# sourceURL=${url}`)(module, module.exports, () => standIn);
  } catch (cause) {
    if (cause instanceof EvalError) {
      // A Content Security Policy without 'unsafe-eval': the glue cannot be run this way at all.
      throw new MissingPackageError(
        `${name}: pixel data in transfer syntax ${describeSyntax(syntaxUid)} needs ${spec.pkg}, whose CommonJS glue this page's Content Security Policy does not let run ` +
          `(it needs 'unsafe-eval' and 'wasm-unsafe-eval' in script-src); uncompressed and RLE DICOM need neither`,
        { cause },
      );
    }
    throw missing(spec, syntaxUid, name, `at ${url} could not be run (${(cause as Error)?.message ?? cause})`, cause);
  }
  return { mod: module.exports, wasmDir };
}

/** Any property of it, called or not, is itself: what a module's top-level destructuring of a package it does not use needs. */
const standIn: unknown = new Proxy(function standIn() {}, {
  get: (_target, key) => (key === Symbol.toPrimitive ? () => '' : standIn),
  apply: () => standIn,
  construct: () => standIn as object,
});

async function instantiate(id: Exclude<CodecId, 'native' | 'rle'>, syntaxUid: string, name: string, codecBaseUrl: string | undefined, onTrap: () => void): Promise<FrameCodec> {
  const spec = PACKAGES[id];
  const { mod, wasmDir } = await importModule(spec, syntaxUid, name, codecBaseUrl);
  const m = mod as Record<string, unknown> & { default?: Record<string, unknown> };
  if (id === 'jpeg-lossless') return losslessCodec((m.Decoder ?? m.default?.Decoder) as new () => LosslessDecoder);
  if (id === 'jpeg-extended') return dcmjsCodec((m.NativeCodecs ? m : m.default) as unknown as DcmjsCodecs, wasmDir);
  const factory = (typeof m === 'function' ? m : m.default) as unknown as EmscriptenFactory;
  const options: Record<string, unknown> = {};
  if (wasmDir) options.locateFile = (file: string) => wasmDir + file;
  // OpenJPEG logs every header it reads ("[INFO] …") to stdout; failures still reach us as exceptions.
  options.print = () => {};
  let instance: EmscriptenModule;
  try {
    instance = await factory(options);
  } catch (cause) {
    throw missing(spec, syntaxUid, name, `could not start its WebAssembly (${(cause as Error)?.message ?? cause})`, cause);
  }
  const Decoder = (id === 'jpeg-baseline' ? instance.JPEGDecoder : id === 'jpeg-ls' ? instance.JpegLSDecoder : instance.J2KDecoder)!;
  return emscriptenCodec(Decoder, id, instance, onTrap);
}

// --- The codecs' own APIs (typed here: the packages are optional) ---

interface EmscriptenDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getDecodedBuffer(): Uint8Array;
  getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned?: boolean };
  getInterleaveMode?(): number;
  delete(): void;
}
type EmscriptenModule = Partial<Record<'JPEGDecoder' | 'JpegLSDecoder' | 'J2KDecoder', new () => EmscriptenDecoder>> & {
  /** The C++ exception's what(), for the pointer a failed call throws (builds with exception support). */
  getExceptionMessage?(pointer: number): unknown;
};
type EmscriptenFactory = (options?: Record<string, unknown>) => Promise<EmscriptenModule>;

/** Emscripten throws numbers (C++ exception pointers) or strings; a typed error either way, with the codec's words. */
function codecFailure(id: string, err: unknown, module?: EmscriptenModule): DicomFormatError {
  let what: string;
  if (typeof err === 'number') {
    let words: unknown;
    try {
      words = module?.getExceptionMessage?.(err);
    } catch {
      words = undefined;
    }
    // getExceptionMessage returns [type, message] in recent Emscripten, the message alone in older ones.
    const text = Array.isArray(words) ? words.filter(Boolean).join(': ') : typeof words === 'string' ? words : '';
    what = text || `WebAssembly exception ${err}`;
  } else what = err instanceof Error ? err.message : String(err);
  return new DicomFormatError(`the ${id} decoder rejected the frame: ${what}`, { cause: err });
}

function emscriptenCodec(Decoder: new () => EmscriptenDecoder, id: string, module: EmscriptenModule, onTrap: () => void): FrameCodec {
  return {
    decode(frame, info) {
      const decoder = new Decoder();
      try {
        decoder.getEncodedBuffer(frame.length).set(frame);
        try {
          decoder.decode();
        } catch (err) {
          if (typeof err !== 'number') onTrap();
          throw codecFailure(id, err, module);
        }
        const fi = decoder.getFrameInfo();
        if (fi.width !== info.cols || fi.height !== info.rows || fi.componentCount !== info.samples) {
          throw new DicomFormatError(
            `the ${id} frame is ${fi.width}×${fi.height}×${fi.componentCount}; the header says ${info.cols}×${info.rows}×${info.samples}`,
          );
        }
        const bytesPerSample = fi.bitsPerSample > 8 ? 2 : 1;
        // The decoded buffer lives in the WebAssembly heap, freed by delete(): copy it out.
        const bytes = decoder.getDecodedBuffer().slice();
        // CharLS keeps the stream's interleave mode (0: planar); libjpeg and OpenJPEG interleave.
        const planar = id === 'jpeg-ls' && info.samples > 1 && decoder.getInterleaveMode?.() === 0;
        return { bytes, bytesPerSample, planar, rgb: id === 'jpeg-baseline' && info.samples === 3 };
      } finally {
        try {
          decoder.delete();
        } catch {
          // After a trap the heap may be unusable; the instance is dropped (onTrap), the error already typed.
          onTrap();
        }
      }
    },
  };
}

interface LosslessDecoder {
  decode(buffer: ArrayBuffer, offset: number, length: number, numBytes: number): ArrayLike<number> & { buffer: ArrayBuffer; byteOffset: number; byteLength: number };
}

function losslessCodec(Decoder: new () => LosslessDecoder): FrameCodec {
  return {
    decode(frame, info) {
      const bytesPerSample = info.bitsAllocated > 8 ? 2 : 1;
      let out;
      try {
        out = new Decoder().decode(frame.buffer as ArrayBuffer, frame.byteOffset, frame.length, bytesPerSample);
      } catch (err) {
        throw codecFailure('JPEG lossless', err);
      }
      return { bytes: new Uint8Array(out.buffer, out.byteOffset, out.byteLength), bytesPerSample, planar: false, rgb: false };
    },
  };
}

interface DcmjsContext {
  getDecodedBuffer(): Uint8Array;
}
interface DcmjsCodecs {
  NativeCodecs: { initializeAsync(o?: { webAssemblyModulePathOrUrl?: string }): Promise<void>; isInitialized(): boolean; decodeJpeg(c: DcmjsContext, p?: object): DcmjsContext };
  Context: new (attrs: Record<string, unknown>) => DcmjsContext;
}

async function dcmjsCodec(lib: DcmjsCodecs, wasmDir?: string): Promise<FrameCodec> {
  if (!lib.NativeCodecs.isInitialized()) {
    await lib.NativeCodecs.initializeAsync(wasmDir ? { webAssemblyModulePathOrUrl: `${wasmDir}dcmjs-native-codecs.wasm` } : {});
  }
  return {
    decode(frame, info) {
      const context = new lib.Context({
        width: info.cols, height: info.rows, bitsAllocated: info.bitsAllocated, bitsStored: info.bitsStored,
        samplesPerPixel: info.samples, pixelRepresentation: info.signed ? 1 : 0, planarConfiguration: 0,
        photometricInterpretation: info.photometric, encodedBuffer: frame,
      });
      let decoded: Uint8Array;
      try {
        decoded = lib.NativeCodecs.decodeJpeg(context, { convertColorspaceToRgb: true }).getDecodedBuffer();
      } catch (err) {
        throw codecFailure('JPEG extended', err);
      }
      return { bytes: decoded.slice(), bytesPerSample: info.bitsAllocated > 8 ? 2 : 1, planar: false, rgb: info.samples === 3 };
    },
  };
}
