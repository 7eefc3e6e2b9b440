/**
 * `mi explain MODEL (--input x.npy | --image FILE) -o cam.npy [--class K] [--layer NAME] [--overlay out.png]`:
 * Grad-CAM heatmaps (model.explain, src/explain) written as float32 .npy, shape (N, h, w), one map per
 * batch item at the target layer's resolution; optionally the map over the image as a PNG. Loads and
 * runs like `mi predict` (same runtimes, backends, image preprocessing and limits).
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { encode as encodePng } from 'fast-png';
import { COLORMAPS, describeHeatmap, overlayHeatmap, type Colormap } from '../../explain/overlay.ts';
import { decodeImage } from '../../runtime/image-decode.ts';
import type { ModelMetadata } from '../../runtime/preprocess-resolve.ts';
import { shapeToString, type Tensor } from '../../tensor.ts';
import { chooseRuntime, openRuntime, type RuntimeName } from '../runtimes/runtime.ts';
import { CliError, UsageError, type CommandIO } from './cli-error.ts';
import { describeWindow, medicalImageInput, readMedicalImage } from './medical-image-input.ts';
import {
  IMAGE_OPTIONS,
  RUNTIME_OPTIONS,
  checkInputs, defaultNotice, fsReason, imageInput, isBackend, loadError, modelFiles, parseImageOptions, parseLimits, readImage, readNpy,
  shapeContext, startError, writeOut, type Values as PredictValues,
} from './predict.ts';

export const EXPLAIN_HELP = `Usage: mi explain MODEL (--input X.npy | --image FILE) [-o CAM.npy] [options]

Grad-CAM: where in the image the evidence for a class lies. The target is the feature map that feeds
the model's head (the input of its first Flatten or global pooling layer after the last spatial
layer) or --layer; the score is the class's output before the final sigmoid/softmax (one sigmoid
unit: the logit for class 1, its negative for class 0); each channel is weighted by the spatial mean
of the score's gradient; map = ReLU(sum of weighted channels) / its maximum.

Input (one of):
  --input X.npy          float32 channels-last batch (N, H, W, C)
  --image FILE|FOLDER    a PNG or JPEG, a DICOM file or series folder, or a NIfTI, preprocessed as
                         mi predict --image does (--size, --scale, --offset, --grayscale,
                         --window C,W, --voi, --frame N as there)

Options:
  -o, --output CAM.npy   the maps, float32, shape (N, h, w) at the target layer's resolution
  --class K              explain class K for every item (default: each item's predicted class)
  --layer NAME           the Keras layer whose output is explained (a 2-D feature map)
  --overlay OUT.png      the map upsampled (bilinear) over the image (a PNG/JPEG --image, at its
                         own size) or the model's input (min-max scaled: --input, DICOM, NIfTI);
                         with N > 1 items OUT.0.png, OUT.1.png, ...
  --colormap M           jet (default), inferno, viridis or gray
  --opacity A            the map's weight in the overlay, 0..1 (default 0.5)
  --backend, --runtime, --architecture, --max-*, --batch-chunk-bytes: as for mi predict

Prints one line per item: the class explained (its label when the metadata names it), the target
layer and where the map is strongest. Errors: one line on stderr, exit status 1 (2 for usage).
`;

export const EXPLAIN_OPTIONS = {
  input: { type: 'string' },
  ...IMAGE_OPTIONS,
  output: { type: 'string', short: 'o' },
  class: { type: 'string' },
  layer: { type: 'string' },
  overlay: { type: 'string' },
  colormap: { type: 'string' },
  opacity: { type: 'string' },
  architecture: { type: 'string' },
  ...RUNTIME_OPTIONS,
} as const satisfies ParseArgsConfig['options'];

export interface ExplainValues extends Omit<PredictValues, 'input' | 'logits' | 'save-input'> {
  window?: string;
  voi?: boolean;
  frame?: string;
  input?: string;
  class?: string;
  layer?: string;
  overlay?: string;
  colormap?: string;
  opacity?: string;
}

/** The explain command; returns the exit status. */
export async function explainCommand(values: ExplainValues, positionals: string[], io: CommandIO): Promise<number> {
  if (positionals.length !== 1) throw new UsageError(positionals.length ? `one MODEL expected, got ${positionals.join(' ')}` : 'no MODEL given');
  if (!values.input && !values.image) throw new UsageError('give --input X.npy or --image FILE');
  if (values.input && values.image) throw new UsageError('give --input or --image, not both');
  if (!values.output && !values.overlay) throw new UsageError('give -o CAM.npy and/or --overlay OUT.png');
  const runtimeName = (values.runtime ?? chooseRuntime()) as RuntimeName;
  if (runtimeName !== 'chromium' && runtimeName !== 'node') throw new UsageError(`--runtime must be chromium or node, got "${values.runtime}"`);
  const backend = values.backend ?? 'webgpu';
  if (!isBackend(backend)) throw new UsageError(`--backend must be webgpu, wasm or auto, got "${values.backend}"`);
  const classIndex = values.class === undefined ? undefined : Number(values.class);
  if (classIndex !== undefined && !(Number.isInteger(classIndex) && classIndex >= 0 && values.class!.trim() !== '')) {
    throw new UsageError(`--class must be a class index (0, 1, ...), got "${values.class}"`);
  }
  const colormap = (values.colormap ?? 'jet') as Colormap;
  if (!COLORMAPS.includes(colormap)) throw new UsageError(`--colormap must be one of ${COLORMAPS.join(', ')}, got "${values.colormap}"`);
  const opacity = values.opacity === undefined ? 0.5 : Number(values.opacity);
  if (!(opacity >= 0 && opacity <= 1) || values.opacity?.trim() === '') throw new UsageError(`--opacity must be a number from 0 to 1, got "${values.opacity}"`);
  const imageOpts = values.image ? parseImageOptions(values) : undefined;
  const limits = parseLimits(values);

  const files = modelFiles(positionals[0], values.architecture);
  const given = values.input ? await readNpy(values.input) : undefined;
  // As mi predict: DICOM (a file or a series folder) and NIfTI through loadImage, PNG/JPEG as 8-bit pixels.
  const medical = values.image ? await readMedicalImage(values.image, limits) : undefined;
  if (values.image && !medical && (values.window || values.voi || values.frame)) {
    throw new UsageError('--window, --voi and --frame are for DICOM and NIfTI images; a PNG or JPEG is read as 8-bit pixels');
  }
  const imageBytes = values.image && !medical ? await readImage(values.image, limits) : undefined;
  for (const out of [values.output, values.overlay]) {
    const dir = out ? dirname(resolve(out)) : undefined;
    if (dir && !existsSync(dir)) throw new CliError(`cannot write ${out}: no such folder ${dir}`);
  }

  const runtime = await openRuntime(runtimeName, {
    allow: [files.model, files.architecture].filter((p): p is string => !!p).map((p) => resolve(p, '..')),
    noWebgpu: process.env.MI_CHROMIUM_NO_WEBGPU === '1',
    chromiumFlags: values['chromium-flags']?.split(/\s+/).filter(Boolean),
  }).catch((err) => Promise.reject(startError(err, runtimeName)));
  try {
    const names = [values.input ?? values.image!];
    const loaded = await runtime
      .load(files, { limits, backend })
      .catch((err) => Promise.reject(loadError(err, positionals[0], runtimeName, names, given ? [given] : [])));
    let input = given;
    let windowNote = '';
    if ((imageBytes || medical) && imageOpts) {
      const image = medical
        ? medicalImageInput(medical, values, imageOpts, loaded.info, loaded.preprocessing, limits)
        : imageInput(imageBytes!, imageOpts, values.image!, loaded.info, loaded.preprocessing, limits);
      if (image.preprocessing.usedDefault) io.stderr(defaultNotice(image.preprocessing, files.model).replace('mi predict', 'mi explain'));
      if (medical) windowNote = ` · ${describeWindow(image.preprocessing)}`;
      input = image.tensor;
    }
    checkInputs(loaded.info, [input!], names);
    const e = await runtime
      .explain(input!, { classIndex, layer: values.layer })
      // Grad-CAM's own refusals (no such layer, a class out of range) are not about the input's shape.
      .catch((err) => {
        const msg = String((err as Error)?.message ?? err);
        return Promise.reject(msg.startsWith('explain: ') ? new CliError(msg.slice('explain: '.length), { cause: err }) : shapeContext(err, names, [input!]));
      });
    if (values.output) await writeOut(values.output, e.maps);
    const overlays = values.overlay ? await writeOverlays(values.overlay, e.maps, input!, imageBytes, values.image, { colormap, opacity }) : [];
    const [n, h, w] = e.maps.shape;
    const written = [values.output, ...overlays].filter(Boolean).join(', ');
    for (let b = 0; b < n; b++) {
      const map = e.maps.data.subarray(b * h * w, (b + 1) * h * w);
      const k = e.classIndex[b];
      io.stdout(
        `${n > 1 ? `item ${b}: ` : ''}class ${k}${labelOf(loaded.metadata, k)} · layer ${e.layer} (${h}×${w}) · ${describeHeatmap(map, w, h)}`,
      );
    }
    io.stdout(
      `maps ${shapeToString(e.maps.shape)} float32 → ${written} · ${e.ms.toFixed(1)} ms · ` +
        `${loaded.backend === 'wasm' ? 'WebAssembly (ONNX Runtime Web)' : `WebGPU: ${runtime.adapterName || 'unknown adapter'}`} · ${runtime.name}${windowNote}`,
    );
    return 0;
  } finally {
    await runtime.close();
  }
}

/** " (Uninfected)" when the metadata's labels name class k. */
function labelOf(metadata: ModelMetadata | undefined, k: number): string {
  const label = metadata?.labels?.[k];
  return label === undefined ? '' : ` (${label})`;
}

/**
 * The overlay PNG(s): over the image itself (--image, at its own size: the model saw it whole,
 * resized), else over each input item, its values min-max scaled to 0..255.
 */
async function writeOverlays(
  path: string,
  maps: Tensor,
  input: Tensor,
  imageBytes: Uint8Array | undefined,
  imageName: string | undefined,
  style: { colormap: Colormap; opacity: number },
): Promise<string[]> {
  const [n, h, w] = maps.shape;
  const paths = n === 1 ? [path] : Array.from({ length: n }, (_, b) => path.replace(/(\.png)?$/i, `.${b}.png`));
  for (let b = 0; b < n; b++) {
    const background = imageBytes ? imageRgba(imageBytes, imageName!) : inputRgba(input, b);
    const rgba = overlayHeatmap(background.data, background.width, background.height, maps.data.subarray(b * h * w, (b + 1) * h * w), w, h, style);
    try {
      await writeFile(paths[b], encodePng({ width: background.width, height: background.height, data: rgba, channels: 4, depth: 8 }));
    } catch (err) {
      throw new CliError(`cannot write ${paths[b]}: ${fsReason(err)}`, { cause: err });
    }
  }
  return paths;
}

type Rgba = { width: number; height: number; data: Uint8ClampedArray };

function imageRgba(bytes: Uint8Array, name: string): Rgba {
  const img = decodeImage(bytes, { channels: 3, name });
  return toRgba(img.width, img.height, img.channels, img.data, 0, 255);
}

/** Item b of a [N, H, W, C] input as RGBA, min-max scaled (grey repeated; channels past 3 ignored). */
function inputRgba(input: Tensor, b: number): Rgba {
  const [, height, width, channels] = input.shape;
  const size = height * width * channels;
  const data = input.data.subarray(b * size, (b + 1) * size);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of data) if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  return toRgba(width, height, channels, data, lo, hi);
}

function toRgba(width: number, height: number, channels: number, data: ArrayLike<number>, lo: number, hi: number): Rgba {
  const out = new Uint8ClampedArray(width * height * 4);
  const span = hi > lo ? hi - lo : 1;
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) out[i * 4 + c] = (255 * (data[i * channels + (channels >= 3 ? c : 0)] - lo)) / span;
    out[i * 4 + 3] = 255;
  }
  return { width, height, data: out };
}
