/**
 * `mi segment MODEL --volume FILE.nii[.gz]|DICOM_FOLDER -o labels.nii.gz`: a whole 3-D scan through a
 * segmentation model (segmentVolume: conform, normalise, tiled inference, write-back), labels saved
 * as NIfTI in the input's own space (same shape and affine). The pipeline runs here in Node; each
 * tile runs on the chosen runtime (Chromium's WebGPU, or Dawn with --runtime node), as `mi predict`.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { buildGraph } from '../../compile/from-keras.ts';
import { readModelFiles } from '../../formats/node-files.ts';
import { readKerasModel } from '../../formats/read-model.ts';
import type { NiftiWriteType } from '../../formats/nifti/write.ts';
import type { MedicalImage } from '../../formats/medical/types.ts';
import { receptiveField } from '../../runtime/tiled-volume.ts';
import { GRID_SYNTAX, parseGridSpec, type ConformSpec } from '../../segment/conform.ts';
import { formatVolume } from '../../segment/labels.ts';
import { labelsDatatype, resultNifti } from '../../segment/save.ts';
import { checkVolume } from '../../segment/volume-input.ts';
import { segmentVolume, type SegmentModel, type SegmentProgress } from '../../segment/segment.ts';
import type { Tensor } from '../../tensor.ts';
import { WASM_MEMORY_LIMITS } from '../../wasm/wasm-model.ts';
import { chooseRuntime, openRuntime, type RuntimeName } from '../runtimes/runtime.ts';
import { CliError, UsageError, type CommandIO } from './cli-error.ts';
import { readMedicalImage } from './medical-image-input.ts';
import { fsReason, isBackend, loadError, modelFiles, parseLimits, RUNTIME_OPTIONS, startError, type LimitFlags } from './predict.ts';

export const SEGMENT_HELP = `Usage: mi segment MODEL --volume FILE|FOLDER -o LABELS.nii.gz [options]

Segments a 3-D scan with a fully convolutional model (MeshNet and the like) and saves the labels as
NIfTI in the scan's own space: same shape, same affine.

The pipeline: conform the volume to the model's grid (FreeSurfer's 256³, 1 mm, LIA, centred on the
scan; skipped when the scan is already on it), normalise (as the model's metadata.json says, else
min-max to [0, 1]), optionally crop to the head, run the model tile by tile, take each voxel's
most likely class, and resample the labels back onto the scan's grid (nearest neighbour).

  --volume FILE|FOLDER   a NIfTI (.nii, .nii.gz) or a DICOM series folder
  -o, --output F         the labels (uint8 NIfTI; .nii.gz is gzipped)
  --probabilities F      also the per-class probabilities (float32 NIfTI, i×j×k×classes)
  --crop                 run only the head's bounding box plus the model's receptive field
  --grid N[,MM] | none   the model's grid: N³ voxels of MM mm in LIA (default 256,1, FreeSurfer's);
                         none runs on the volume's own grid
  --tile N               tile edge in voxels (default: what fits the device; 152 suits MeshNet)
  --runtime R            chromium or node (Dawn), as mi predict
  --backend B            webgpu (default), wasm or auto, as mi predict
  --max-tensor-elements N, --max-model-bytes N  limits, as mi predict

Prints one summary line: each label's name, voxels and volume in mm³, the output file and the time.
Progress goes to stderr when it is a terminal. On failure, one line on stderr and exit status 1.
`;

export const SEGMENT_OPTIONS = {
  volume: { type: 'string' },
  output: { type: 'string', short: 'o' },
  probabilities: { type: 'string' },
  crop: { type: 'boolean' },
  grid: { type: 'string' },
  tile: { type: 'string' },
  ...RUNTIME_OPTIONS,
} as const satisfies ParseArgsConfig['options'];

interface Values extends LimitFlags {
  volume?: string;
  output?: string;
  probabilities?: string;
  crop?: boolean;
  grid?: string;
  tile?: string;
  runtime?: string;
  backend?: string;
  'chromium-flags'?: string;
}

/** WebGPU's default binding limit: the default tile is sized under it (the runtimes do not report theirs here). */
const DEFAULT_BINDING = 128 * 2 ** 20;

export async function segmentCommand(values: Values, positionals: string[], io: CommandIO): Promise<number> {
  const t0 = performance.now();
  if (positionals.length !== 1) throw new UsageError(positionals.length ? `one MODEL expected, got ${positionals.join(' ')}` : 'no MODEL given');
  if (!values.volume) throw new UsageError('give --volume FILE.nii.gz or a DICOM folder');
  if (!values.output) throw new UsageError('give -o LABELS.nii.gz');
  const tile = values.tile === undefined ? undefined : Number(values.tile);
  if (tile !== undefined && !(Number.isInteger(tile) && tile > 0 && values.tile!.trim() !== '')) throw new UsageError(`--tile must be a positive whole number, got "${values.tile}"`);
  const conform = parseGrid(values.grid);
  const runtimeName = (values.runtime ?? chooseRuntime()) as RuntimeName;
  if (runtimeName !== 'chromium' && runtimeName !== 'node') throw new UsageError(`--runtime must be chromium or node, got "${values.runtime}"`);
  const backend = values.backend ?? 'webgpu';
  if (!isBackend(backend)) throw new UsageError(`--backend must be webgpu, wasm or auto, got "${values.backend}"`);
  const limits = parseLimits(values);
  for (const out of [values.output, values.probabilities]) {
    const dir = out ? dirname(resolve(out)) : undefined;
    if (dir && !existsSync(dir)) throw new CliError(`cannot write ${out}: no such folder ${dir}`);
  }

  // The volume and the model's graph are read and checked before any GPU starts.
  const files = modelFiles(positionals[0], undefined);
  if (!existsSync(values.volume)) throw new CliError(`volume not found: ${values.volume}`);
  const image = await readMedicalImage(values.volume, limits);
  if (!image) throw new CliError(`${values.volume} is not a NIfTI file or a DICOM series`);
  checkVolume(image); // a 4-D, absurd or misplaced volume fails here, before the GPU starts
  const source = await readModelFiles(files.model, { limits });
  const graph = buildGraph(await readKerasModel(source, { limits }));
  receptiveField(graph); // so does a model that cannot be tiled

  const runtime = await openRuntime(runtimeName, {
    allow: [resolve(files.model, '..')],
    noWebgpu: process.env.MI_CHROMIUM_NO_WEBGPU === '1',
    chromiumFlags: values['chromium-flags']?.split(/\s+/).filter(Boolean),
  }).catch((err) => Promise.reject(startError(err, runtimeName)));
  try {
    const loaded = await runtime.load(files, { limits, backend }).catch((err) => Promise.reject(loadError(err, positionals[0], runtimeName, [], [])));
    const model: SegmentModel & { backend: string } = {
      graph,
      backend: loaded.backend,
      metadata: loaded.metadata,
      memoryLimits: loaded.backend === 'wasm' ? WASM_MEMORY_LIMITS : { maxStorageBufferBindingSize: DEFAULT_BINDING, maxBufferSize: DEFAULT_BINDING },
      async predict(input: Tensor) {
        return (await runtime.run([input])).outputs[0];
      },
    };
    const result = await segmentVolume(model, image, { conform, crop: values.crop, tile, probabilities: !!values.probabilities, onProgress: process.stderr.isTTY ? showProgress : undefined });
    await save(values.output, result.labels, labelsDatatype(result.labelTable.length), image);
    if (values.probabilities && result.probabilities) await save(values.probabilities, result.probabilities, 'float32', image);
    for (const note of result.notes) io.stderr(`mi segment: ${note}`);
    const volumes = result.volumes.map((v) => `${v.name} ${v.voxels} voxels ${formatVolume(v.mm3)}`).join(', ');
    const seconds = ((performance.now() - t0) / 1000).toFixed(1);
    const where = `${loaded.backend === 'wasm' ? 'WebAssembly' : `WebGPU: ${runtime.adapterName || 'unknown adapter'}`} · ${runtime.name}`;
    io.stdout(`labels ${result.labels.shape.join('×')} → ${values.output}${values.probabilities ? `, probabilities → ${values.probabilities}` : ''} · ${volumes} · ${seconds} s · ${where}`);
    return 0;
  } finally {
    await runtime.close();
  }
}

/** --grid N[,MM] | none → segmentVolume's conform option. */
function parseGrid(text: string | undefined): ConformSpec | false | undefined {
  if (text === undefined) return undefined;
  const spec = text.trim() === '' ? null : parseGridSpec(text); // --grid "" is a mistake, not the default
  if (spec === null) throw new UsageError(`--grid must be ${GRID_SYNTAX}, got "${text}"`);
  return spec;
}

/** Writes a result in the input's space (segment/save.ts). */
async function save(path: string, volume: MedicalImage, datatype: NiftiWriteType, input: MedicalImage): Promise<void> {
  const bytes = resultNifti(volume, input, { datatype, gzip: path.endsWith('.gz'), name: path });
  try {
    await writeFile(path, bytes);
  } catch (err) {
    throw new CliError(`cannot write ${path}: ${fsReason(err)}`, { cause: err });
  }
}

function showProgress(p: SegmentProgress): void {
  const what = p.tiles ? `tile ${p.tile}/${p.tiles}` : `${Math.round(p.fraction * 100)} %`;
  process.stderr.write(`\r\x1b[Kmi segment: ${p.stage} ${what}`);
  if (p.stage === 'write-back' && p.fraction === 1) process.stderr.write('\r\x1b[K');
}
