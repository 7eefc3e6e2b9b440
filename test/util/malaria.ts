/**
 * The malaria cells with their real-Keras reference logits (test/fixtures/malaria-cells-ref.json,
 * made by scripts/keras_refs/real_images.py), and the same preprocessing in TypeScript:
 * decode PNG → tf.image.resize bilinear (half-pixel centres) to 224×224 → / 255.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImage } from '../../src/runtime/image-decode.ts';
import { resizeBilinear } from '../../src/reference/resize2d.ts';
import type { Tensor } from '../../src/tensor.ts';
import { fixturesDir, repoRoot } from './fixtures.ts';

export interface CellRef {
  path: string;
  /** 0 Parasitized, 1 Uninfected */
  label: 0 | 1;
  logit: number;
  prob: number;
}

export function malariaRefs(): CellRef[] {
  return JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/malaria-cells-ref.json'), 'utf8')).items;
}

export const MALARIA_MODEL = (): string => join(fixturesDir(), 'models/malaria-resnet-keras2-h5/malaria_model.h5');

/** Preprocesses several cells into one batch [n, 224, 224, 3]. */
export function malariaBatch(cells: CellRef[]): Tensor {
  const size = 224 * 224 * 3;
  const data = new Float32Array(cells.length * size);
  cells.forEach((cell, i) => {
    const img = decodeImage(readFileSync(join(fixturesDir(), cell.path)), { channels: 3, name: cell.path });
    const resized = resizeBilinear({ shape: [1, img.height, img.width, 3], data: img.data }, 224, 224);
    for (let k = 0; k < size; k++) data[i * size + k] = resized.data[k] / 255;
  });
  return { shape: [cells.length, 224, 224, 3], data };
}

/** Balanced accuracy of decisions (prob > 0.5 ⇒ Uninfected = 1) against labels. */
export function balancedAccuracy(labels: number[], decisions: number[]): number {
  const recall = (cls: number) => {
    const idx = labels.map((l, i) => (l === cls ? i : -1)).filter((i) => i >= 0);
    return idx.filter((i) => decisions[i] === cls).length / idx.length;
  };
  return (recall(0) + recall(1)) / 2;
}
