/**
 * The seeds: real files from test/fixtures, weights/ and ../shared/fixtures, read by path (never
 * copied). Small ones get most of the cases; the big real models a few, since each of their cases
 * costs tens of milliseconds.
 */
import { readdirSync } from 'node:fs';
import { seedPath } from './harness/materialize.ts';
import type { FileRef } from './harness/spec.ts';

const list = (dir: string, ext: string): string[] =>
  readdirSync(seedPath(dir))
    .filter((f) => f.endsWith(ext))
    .sort()
    .map((f) => `${dir}/${f}`);

export const NPY_SEEDS = [
  ...list('repo:test/fixtures/formats/npy', '.npy'),
  'repo:test/fixtures/formats/functional/ref.input0.npy',
  'repo:test/fixtures/formats/sequential/ref.output0.npy',
  'shared:models/malaria-resnet-keras2-h5/ref/nih2.logits.npy',
];

/** TF.js layers models: the folder, its model.json and its shards in manifest order. */
export interface TfjsSeed {
  dir: string;
  shards: string[];
}
export const TFJS_SEEDS: TfjsSeed[] = [
  ...['sequential', 'functional'].flatMap((m) =>
    ['tfjs-f32', 'tfjs-f16', 'tfjs-u8'].map((v) => ({ dir: `repo:test/fixtures/formats/${m}/${v}`, shards: ['group1-shard1of2.bin', 'group1-shard2of2.bin'] })),
  ),
  { dir: 'repo:weights/malaria-cnn', shards: ['group1-shard1of1.bin'] },
  { dir: 'shared:models/meshnet-model5_gw_ae-tfjs', shards: ['group1-shard1of1.bin'] },
  { dir: 'shared:models/meshnet-model18cls-tfjs', shards: ['model.bin'] },
];

/** Keras .h5 models that are whole (config + weights). */
export const H5_FULL_SEEDS = ['sequential', 'functional', 'nested'].map((m) => `repo:test/fixtures/formats/${m}/model.h5`);
export const H5_BIG_SEEDS = ['shared:models/pneumonia-cnn-keras2-h5/pneumonia_model.h5', 'shared:models/malaria-resnet-keras2-h5/malaria_model.h5'];

/** Weights-only .h5 files with their architecture JSON (Keras 2 layout and the .keras layout). */
export const H5_WEIGHTS_SEEDS = ['sequential', 'functional', 'nested'].flatMap((m) => [
  { weights: `repo:test/fixtures/formats/${m}/weights.h5`, arch: `repo:test/fixtures/formats/${m}/arch.json` },
  { weights: `repo:test/fixtures/formats/${m}/model.weights.h5`, arch: `repo:test/fixtures/formats/${m}/arch.json` },
]);

export const KERAS_ZIP_SEEDS = [
  ...['sequential', 'functional', 'nested'].map((m) => `repo:test/fixtures/formats/${m}/model.keras`),
  'repo:test/fixtures/formats/functional/tf-keras-2.15-layout.keras',
  ...['activations', 'branch_merge', 'conv_pool_variants', 'depthwise_separable', 'merges', 'norm_layers', 'upsampling_transpose'].map(
    (m) => `repo:test/fixtures/keras/${m}/model.keras`,
  ),
  'repo:weights/malaria-cnn/model.keras',
];

export const PNG_SEEDS = [
  ...list('repo:test/cli/fixtures/decode', '.png'),
  'shared:images/malaria-cells/Parasitized/C100P61ThinF_IMG_20150918_144348_cell_141.png',
  'shared:images/malaria-cells/Uninfected/' + readdirSync(seedPath('shared:images/malaria-cells/Uninfected')).sort()[0],
];

/**
 * JPEG seeds by label: the colour test image, and two files cut out of DICOMs (the first frame of
 * a 512×512 grey baseline series; a lossless JPEG, which jpeg-js must refuse cleanly).
 */
export const JPEG_SEEDS: Record<string, FileRef> = {
  'rgb.jpg': { path: 'repo:test/cli/fixtures/decode/rgb.jpg' },
  'dicom baseline frame 1': {
    base: { path: 'shared:dicom/jpeg_baseline_8bit.dcm' },
    edits: [
      { op: 'truncate', at: 29033 },
      { op: 'delete', at: 0, len: 11126 },
    ],
  },
  'dicom lossless': {
    base: { path: 'shared:dicom/jpeg_lossless_sel1.dcm' },
    edits: [
      { op: 'truncate', at: 145128 },
      { op: 'delete', at: 0, len: 1654 },
    ],
  },
};
