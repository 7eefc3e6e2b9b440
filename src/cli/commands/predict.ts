/**
 * `mi predict MODEL (--input x.npy ... | --image file.png) [--output y.npy]`: runs a Keras model on
 * WebGPU and writes what Keras `model.predict` returns, as float32 .npy.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { sidecarNames } from '../../formats/model-metadata.ts';
import { parseNpy, toNpy } from '../../formats/npy.ts';
import type { BackendOption } from '../../gpu/backend-choice.ts';
import type { ModelInfo } from '../../model.ts';
import { decideLabel, type OutputRule } from '../../runtime/decide-label.ts';
import { sniffImage } from '../../runtime/image-decode.ts';
import { checkImageHeader } from '../../runtime/image-header.ts';
import { checkLimit, LIMIT_FLAGS, type EngineLimits, type LimitName } from '../../limits.ts';
import { describeRecipe, scaleOrigin, withOverrides, type ModelPreprocessing } from '../../runtime/preprocess-resolve.ts';
import { shapeToString, type Tensor } from '../../tensor.ts';
import { chooseRuntime, openRuntime, type ModelFiles, type RuntimeName } from '../runtimes/runtime.ts';
import { CliError, UsageError, type CommandIO } from './cli-error.ts';
import { describeWindow, medicalImageInput, readMedicalImage } from './medical-image-input.ts';
import { imageShapeFor, imageToTensor, parseScale, parseSize, scaleFrom, scaleValue, type Scale } from './image-input.ts';

export const PREDICT_HELP = `Usage: mi predict MODEL (--input X.npy ... | --image FILE) [options]

Runs a Keras model on WebGPU and writes what Keras model.predict returns.

MODEL is a TF.js layers model.json (shards beside it, or its folder), a Keras .h5 (Keras 2 or 3),
a Keras 3 .keras, or a weights-only .h5 with --architecture.

Input (one of):
  --input X.npy          float32 channels-last array with the batch dimension; repeat the option
                         for a model with several inputs, in the model's input order
  --image FILE           a PNG or JPEG, preprocessed as Keras' image_dataset_from_directory does:
                         decode (alpha dropped, grey repeated to RGB) -> resize (bilinear,
                         half-pixel centres, no antialias; tf.image.resize) -> x*scale + offset
                         -> batch of 1. Each value comes from the flag, else the model's
                         metadata.json (beside it; for a .h5/.keras <stem>.metadata.json first),
                         else the model itself (an input Rescaling or Normalization layer takes
                         raw 0..255 pixels: scale 1), else 1/255 with a notice on stderr
    --size HxW | N       resize target (default: metadata, else the model's declared input size)
    --scale S            1/N divides by N, a number multiplies
    --offset O           added after scaling
    --grayscale          convert colour to grey (TF decode_image weights 0.299/0.587/0.114)
    --save-input F.npy   also write the preprocessed tensor
  --image FILE|FOLDER    a DICOM file or folder (one series) or a NIfTI (.nii, .nii.gz): intensities
                         windowed to [0, 1] by the flags below, else the metadata's input.window,
                         else the file's own window (without one: its stored range or min-max), onto
                         input.range (default 0..255), then as above: one frame for a 2-D model
                         (grey repeated to RGB), the whole volume for a 3-D one (no resize)
    --window C,W         the DICOM LINEAR window (a negative centre: --window=-600,1500)
    --voi                the file's own first window
    --frame N            the frame, series slice or NIfTI k slice for a 2-D model (default 0)

Output:
  --output Y.npy         float32 .npy of the output shape, batch included. A model with several
                         outputs writes one file each: Y.0.npy, Y.1.npy, ... (Keras' output order).
                         Without --output, small outputs are printed in the summary line.
  --logits               drop a final sigmoid/softmax: write the values before it

Where it runs:
  --backend B            webgpu (default), wasm (WebAssembly through ONNX Runtime Web, an optional
                         peer: npm install onnxruntime-web) or auto (WebGPU on a hardware GPU,
                         WebAssembly when there is none or only a software one such as SwiftShader)
  --runtime R            chromium (WebGPU in headless Chromium, the model fetched over HTTP from a
                         local server; needs puppeteer) or node (Dawn; needs npm "webgpu").
                         Default: chromium when puppeteer is installed, else node
  --architecture A.json  architecture (model.to_json()) for a weights-only .h5

Limits (checked before anything of that size is allocated; see README "Limits"):
  --max-image-pixels N   width x height of an image (default 100000000)
  --max-model-bytes N    bytes of one model file (default 2147483648)
  --max-tensor-elements N  elements of one tensor: input, activation, output (default 268435456)
  --max-config-depth N   nesting of the model's JSON config (default 1000)
  --batch-chunk-bytes N  activation bytes per run; a bigger batch runs in chunks, with progress
                         on stderr when it is a terminal (default: from the device, <= 512 MiB)

Prints one summary line on stdout (with the metadata's labels: the label and its probability;
with --image: where the preprocessing came from); on failure, one line on stderr and exit status 1 (2 for usage
errors). MI_DEBUG=1 adds stack traces. Chromium: /usr/bin/chromium or PUPPETEER_EXECUTABLE_PATH.
`;

/** Where and how a command runs a model: runtime, backend and the engine's limits (predict, explain, segment). */
export const RUNTIME_OPTIONS = {
  runtime: { type: 'string' },
  backend: { type: 'string' },
  'max-image-pixels': { type: 'string' },
  'max-model-bytes': { type: 'string' },
  'max-tensor-elements': { type: 'string' },
  'max-config-depth': { type: 'string' },
  'batch-chunk-bytes': { type: 'string' },
  // Hidden, for tests and debugging: extra Chromium flags (MI_CHROMIUM_NO_WEBGPU=1 drops WebGPU).
  'chromium-flags': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

/** `--image` and how it becomes a model input, DICOM/NIfTI windows included (predict, explain). */
export const IMAGE_OPTIONS = {
  image: { type: 'string' },
  size: { type: 'string' },
  scale: { type: 'string' },
  offset: { type: 'string' },
  grayscale: { type: 'boolean' },
  window: { type: 'string' },
  voi: { type: 'boolean' },
  frame: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

export const PREDICT_OPTIONS = {
  input: { type: 'string', multiple: true },
  ...IMAGE_OPTIONS,
  'save-input': { type: 'string' },
  output: { type: 'string', short: 'o' },
  logits: { type: 'boolean' },
  architecture: { type: 'string' },
  ...RUNTIME_OPTIONS,
} as const satisfies ParseArgsConfig['options'];

/** Parsed options (see PREDICT_OPTIONS). */
export interface Values {
  input?: string[];
  image?: string;
  size?: string;
  scale?: string;
  offset?: string;
  grayscale?: boolean;
  window?: string;
  voi?: boolean;
  frame?: string;
  'save-input'?: string;
  output?: string;
  logits?: boolean;
  runtime?: string;
  backend?: string;
  architecture?: string;
  'max-image-pixels'?: string;
  'max-model-bytes'?: string;
  'max-tensor-elements'?: string;
  'max-config-depth'?: string;
  'batch-chunk-bytes'?: string;
  'chromium-flags'?: string;
  help?: boolean;
}

/** The predict command; returns the exit status. */
export async function predict(values: Values, positionals: string[], io: CommandIO): Promise<number> {
  const t0 = performance.now();
  if (positionals.length !== 1) throw new UsageError(positionals.length ? `one MODEL expected, got ${positionals.join(' ')}` : 'no MODEL given');
  const inputs = values.input ?? [];
  if (inputs.length === 0 && !values.image) throw new UsageError('give --input X.npy or --image FILE');
  if (inputs.length > 0 && values.image) throw new UsageError('give --input or --image, not both');
  // No --runtime: whichever runtime is installed (Chromium first), or one line naming both installs.
  const runtimeName = (values.runtime ?? chooseRuntime()) as RuntimeName;
  if (runtimeName !== 'chromium' && runtimeName !== 'node') throw new UsageError(`--runtime must be chromium or node, got "${values.runtime}"`);
  const backend = values.backend ?? 'webgpu';
  if (!isBackend(backend)) throw new UsageError(`--backend must be webgpu, wasm or auto, got "${values.backend}"`);
  const imageOpts = values.image ? parseImageOptions(values) : undefined;
  const limits = parseLimits(values);
  if (imageOpts?.size) checkLimit(limits, 'maxTensorElements', imageOpts.size[0] * imageOpts.size[1], `--size ${imageOpts.size.join('x')}`, 'elements');

  // Everything that can be checked without a GPU is checked first, so mistakes fail fast.
  const files = modelFiles(positionals[0], values.architecture);
  const tensors: Tensor[] = [];
  for (const path of inputs) tensors.push(await readNpy(path));
  // DICOM (a file or a series folder) and NIfTI go through loadImage; PNG/JPEG keep the 8-bit path.
  const medical = values.image ? await readMedicalImage(values.image, limits) : undefined;
  if (values.image && !medical && (values.window || values.voi || values.frame)) {
    throw new UsageError('--window, --voi and --frame are for DICOM and NIfTI images; a PNG or JPEG is read as 8-bit pixels');
  }
  const imageBytes = values.image && !medical ? await readImage(values.image, limits) : undefined;
  for (const out of [values.output, values['save-input']]) {
    const dir = out ? dirname(resolve(out)) : undefined;
    if (dir && !existsSync(dir)) throw new CliError(`cannot write ${out}: no such folder ${dir}`);
  }

  const runtime = await openRuntime(runtimeName, {
    allow: [files.model, files.architecture].filter((p): p is string => !!p).map((p) => resolve(p, '..')),
    noWebgpu: process.env.MI_CHROMIUM_NO_WEBGPU === '1',
    chromiumFlags: values['chromium-flags']?.split(/\s+/).filter(Boolean),
  }).catch((err) => Promise.reject(startError(err, runtimeName)));
  try {
    const inputShape = tensors.length === 1 ? [...tensors[0].shape] : undefined;
    const loaded = await runtime
      .load(files, { inputShape, logits: values.logits, limits, backend })
      .catch((err) => Promise.reject(loadError(err, positionals[0], runtimeName, inputs, tensors)));
    const { info } = loaded;
    let preprocessing: ModelPreprocessing | undefined;
    if ((imageBytes || medical) && imageOpts) {
      const image = medical
        ? medicalImageInput(medical, values, imageOpts, info, loaded.preprocessing, limits)
        : imageInput(imageBytes!, imageOpts, values.image!, info, loaded.preprocessing, limits);
      preprocessing = image.preprocessing;
      tensors.push(image.tensor);
      if (values['save-input']) await writeOut(values['save-input'], image.tensor);
    }
    checkInputs(info, tensors, inputs);
    const { outputs, ms } = await runtime
      .run(tensors, { onProgress: process.stderr.isTTY ? showProgress : undefined })
      .catch((err) => Promise.reject(shapeContext(err, inputs, tensors)));
    const where = await writeOutputs(values.output, outputs);
    const shapes = outputs.map((o) => shapeToString(o.shape)).join(' ');
    const total = performance.now() - t0;
    // With --image the input shape is known only after load, so the plan is compiled by the run.
    const runNote = inputShape ? '' : ', incl. compile';
    const labels = outputs.length === 1 ? labelNote(outputs[0], loaded.preprocessing, values.logits) : '';
    const windowNote = medical && preprocessing ? `${describeWindow(preprocessing)}, ` : '';
    const recipe = preprocessing ? ` · preprocessing: ${windowNote}${scaleOrigin(preprocessing, 'flags')} (${describeRecipe(preprocessing.options)})` : '';
    if (preprocessing?.usedDefault) io.stderr(defaultNotice(preprocessing, files.model));
    // A window the metadata meant but that was dropped changes every answer: say so.
    if (medical) for (const note of preprocessing?.notes.filter((n) => /input\.(window|range|orientation)/.test(n)) ?? []) io.stderr(`mi predict: ${note}`);
    io.stdout(
      `${outputs.length === 1 ? 'output' : 'outputs'} ${shapes} float32 ${where}${labels}${recipe} · ${total.toFixed(1)} ms (run ${ms.toFixed(1)} ms${runNote}) · ` +
        `${loaded.backend === 'wasm' ? `WebAssembly (ONNX Runtime Web): ${loaded.backendReason}` : `WebGPU: ${runtime.adapterName || 'unknown adapter'}`} · ${runtime.name}`,
    );
    return 0;
  } finally {
    await runtime.close();
  }
}

/**
 * `--image`: the model's input tensor ([1, H, W, C]) for an image, with the preprocessing it used
 * (flags over the model's own: metadata, input layer, default). Shared with `mi explain`.
 */
export function imageInput(
  bytes: Uint8Array,
  imageOpts: ImageFlags,
  name: string,
  info: ModelInfo,
  modelPreprocessing: ModelPreprocessing,
  limits: Partial<EngineLimits>,
): { tensor: Tensor; preprocessing: ModelPreprocessing } {
  checkInputCount(info, 1, 'an --image');
  const preprocessing = withOverrides(modelPreprocessing, {
    height: imageOpts.size?.[0],
    width: imageOpts.size?.[1],
    scale: imageOpts.scale && scaleValue(imageOpts.scale),
    offset: imageOpts.offset,
  });
  const o = preprocessing.options;
  const { size, channels } = imageShapeFor(info.inputs[0].shape, o.height && o.width ? [o.height, o.width] : undefined, imageOpts.grayscale);
  // A flag's scale keeps its own form (1/N divides); a resolved one divides when it is 1/N.
  const scale = imageOpts.scale ?? scaleFrom(o.scale);
  const tensor = imageToTensor(bytes, { ...o, size, channels, scale, grayscale: imageOpts.grayscale, name, limits });
  return { tensor, preprocessing };
}

export const isBackend = (b: string): b is BackendOption => b === 'webgpu' || b === 'wasm' || b === 'auto';

/** The --image flags (parsed). */
export interface ImageFlags {
  size?: [number, number];
  scale?: Scale;
  offset?: number;
  grayscale: boolean;
}

/** The --image flags; those not given stay undefined, for the model's own preprocessing to fill. */
export function parseImageOptions(values: Pick<Values, 'size' | 'scale' | 'offset' | 'grayscale'>): ImageFlags {
  try {
    const offset = values.offset === undefined ? undefined : Number(values.offset);
    if (offset !== undefined && (!Number.isFinite(offset) || values.offset?.trim() === '')) {
      throw new RangeError(`--offset must be a number, got "${values.offset}"`);
    }
    return {
      size: values.size ? parseSize(values.size) : undefined,
      scale: values.scale === undefined ? undefined : parseScale(values.scale),
      offset,
      grayscale: values.grayscale ?? false,
    };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** The --max-* and --batch-chunk-bytes flags as parsed. */
export type LimitFlags = Pick<Values, 'max-image-pixels' | 'max-model-bytes' | 'max-tensor-elements' | 'max-config-depth' | 'batch-chunk-bytes'>;

/** The --max-* flags as the engine's `limits` option (src/limits.ts); only those given. */
export function parseLimits(values: LimitFlags): Partial<EngineLimits> {
  const limits: Partial<EngineLimits> = {};
  for (const [name, flag] of Object.entries(LIMIT_FLAGS) as [LimitName, string][]) {
    const text = values[flag.slice(2) as keyof LimitFlags];
    if (text === undefined) continue;
    const n = Number(text);
    if (!(text.trim() !== '' && Number.isFinite(n) && n > 0)) throw new UsageError(`${flag} must be a positive number, got "${text}"`);
    limits[name] = n;
  }
  return limits;
}

/**
 * A big batch's progress on stderr, in place (only on a terminal: piped stderr keeps its one line
 * of errors). A batch that runs whole reports once, at the end, and shows nothing.
 */
function showProgress({ done, total }: { done: number; total: number }): void {
  if (done < total) process.stderr.write(`\rmi predict: ${done}/${total} samples`);
  else if (shownProgress) process.stderr.write('\r\x1b[K');
  shownProgress = done < total;
}
let shownProgress = false;

/** The one stderr line when the scale was assumed: what was assumed, and how to say otherwise. */
export function defaultNotice(p: ModelPreprocessing, model: string): string {
  const ignored = p.notes.length ? `; ${p.notes.join('; ')}` : '';
  return `mi predict: ${p.reason}${ignored} (pass --scale/--offset, or add ${sidecarNames(model).join(' or ')} beside the model)`;
}

/** " · Uninfected 0.913" per batch row (up to 16) when the metadata names the classes; else "". */
function labelNote(output: Tensor, rule: OutputRule, logits = false): string {
  const rows = output.shape[0] ?? 1;
  if (rows > 16 || !rule.labels) return '';
  const width = output.data.length / rows;
  const decided = [];
  for (let r = 0; r < rows; r++) {
    const d = decideLabel(output.data.subarray(r * width, (r + 1) * width), rule, logits);
    if (!d) return '';
    decided.push(`${d.label} ${d.p.toFixed(3)}`);
  }
  return ` · ${decided.join(', ')}`;
}

/** Resolves MODEL (a folder means its model.json) and checks the files exist. */
export function modelFiles(model: string, architecture: string | undefined): ModelFiles {
  let path = resolve(model);
  if (!existsSync(path)) throw new CliError(`model file not found: ${model}`);
  if (statSync(path).isDirectory()) {
    path = join(path, 'model.json');
    if (!existsSync(path)) throw new CliError(`model folder ${model} has no model.json: give the model file itself`);
  }
  if (architecture && !existsSync(architecture)) throw new CliError(`architecture file not found: ${architecture}`);
  return { model: path, architecture: architecture ? resolve(architecture) : undefined };
}

export async function readNpy(path: string): Promise<Tensor> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new CliError(`cannot read input ${path}: ${fsReason(err)}`, { cause: err });
  }
  try {
    return parseNpy(bytes, path);
  } catch (err) {
    const msg = (err as Error).message;
    throw new CliError(`bad .npy input ${path}: ${msg.startsWith(`${path}: `) ? msg.slice(path.length + 2) : msg}`, { cause: err });
  }
}

export async function readImage(path: string, limits: Partial<EngineLimits>): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new CliError(`cannot read image ${path}: ${fsReason(err)}`, { cause: err });
  }
  if (!sniffImage(bytes)) throw new CliError(`unreadable image ${path}: not a PNG or JPEG (${bytes.length} bytes)`);
  checkImageHeader(bytes, path, limits); // a huge declared size fails here, before any GPU work
  return bytes;
}

export function fsReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a folder';
  return String((err as Error)?.message ?? err);
}

function codeOf(err: unknown): string | undefined {
  return (err as { code?: string })?.code;
}

/** Puts a load failure into words that name the model file and the kind of problem. */
export function loadError(err: unknown, model: string, runtime: RuntimeName, inputs: string[], tensors: Tensor[]): unknown {
  const msg = (err as Error)?.message ?? String(err);
  switch (codeOf(err)) {
    case 'MODEL_FORMAT':
      return new CliError(`malformed model ${model}: ${msg}`, { cause: err });
    case 'MODEL_FETCH':
      return new CliError(`model file missing or unreadable (${model}): ${msg}`, { cause: err });
    case 'UNSUPPORTED_LAYER':
      return new CliError(`unsupported layer in ${model}: ${msg}`, { cause: err });
    case 'WEBGPU_UNAVAILABLE':
      return startError(err, runtime);
    default:
      return shapeContext(err, inputs, tensors);
  }
}

/** Starting a runtime fails for want of Chromium or of a WebGPU adapter. */
export function startError(err: unknown, runtime: RuntimeName): unknown {
  const msg = (err as Error)?.message ?? String(err);
  if (codeOf(err) === 'WEBGPU_UNAVAILABLE') return new CliError(`no WebGPU adapter (${runtime} runtime): ${msg}`, { cause: err });
  if (codeOf(err) === 'NO_CHROMIUM') return new CliError(msg, { cause: err });
  return err;
}

export function shapeContext(err: unknown, inputs: string[], tensors: Tensor[]): unknown {
  if (codeOf(err) !== 'SHAPE') return err;
  const given = tensors.map((t, i) => `${inputs[i] ?? 'image'} is ${shapeToString(t.shape)}`).join(', ');
  return new CliError(`wrong input shape (${given}): ${(err as Error).message}`, { cause: err });
}

function checkInputCount(info: ModelInfo, n: number, what: string): void {
  if (info.inputs.length !== n) {
    throw new CliError(`wrong number of inputs: the model takes ${info.inputs.length} (${info.inputs.map((i) => i.name).join(', ')}), ${what} gives ${n}`);
  }
}

/** Rank and channels must match what the model declares; spatial sizes may differ (fully convolutional models). */
export function checkInputs(info: ModelInfo, tensors: Tensor[], names: string[]): void {
  checkInputCount(info, tensors.length, `${tensors.length} input(s)`);
  info.inputs.forEach((declared, i) => {
    const got = tensors[i].shape;
    const want = declared.shape;
    const last = want[want.length - 1];
    if (got.length !== want.length || (last !== null && got[got.length - 1] !== last)) {
      throw new CliError(
        `wrong input shape: ${names[i] ?? 'the image'} is ${shapeToString(got)} but input "${declared.name}" takes ` +
          `${shapeToString(want)} (batch first, channels last)`,
      );
    }
  });
}

/** Writes the outputs; returns "→ y.npy" / "→ y.0.npy, y.1.npy", or the values when there is no --output. */
async function writeOutputs(output: string | undefined, outputs: Tensor[]): Promise<string> {
  if (!output) {
    const shown = outputs.map((o) => (o.data.length <= 16 ? `[${Array.from(o.data, (v) => +v.toPrecision(6)).join(', ')}]` : '(not shown)'));
    return `= ${shown.join(' ')}`;
  }
  const paths = outputs.length === 1 ? [output] : outputs.map((_, i) => numbered(output, i));
  for (let i = 0; i < outputs.length; i++) await writeOut(paths[i], outputs[i]);
  return `→ ${paths.join(', ')}`;
}

/** y.npy → y.0.npy; y → y.0.npy. */
export function numbered(path: string, i: number): string {
  return path.endsWith('.npy') ? `${path.slice(0, -4)}.${i}.npy` : `${path}.${i}.npy`;
}

export async function writeOut(path: string, t: Tensor): Promise<void> {
  try {
    await writeFile(path, toNpy(t));
  } catch (err) {
    throw new CliError(`cannot write ${path}: ${fsReason(err)}`, { cause: err });
  }
}
