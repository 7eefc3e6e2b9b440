/**
 * PneumoniaMNIST images with real-Keras references (test/fixtures/pneumonia-mnist-ref.json) and the
 * preprocessing that made the fixture's pmnist2 input, reproduced here: Pillow's 8-bit BILINEAR
 * resize 28→150 (horizontal pass then vertical, each rounded to uint8, 22-bit fixed-point weights),
 * then /255 and grey repeated to 3 channels. Pillow is a training-pipeline convention (load_img),
 * which is why the test needs its own resize rather than the engine's tf.image.resize one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { parseNpy } from '../../src/formats/npy.ts';
import type { Tensor } from '../../src/tensor.ts';
import { fixturesDir, repoRoot } from './fixtures.ts';

export interface PneumoniaRef {
  index: number;
  label: 0 | 1;
  logit: number;
  prob: number;
}

export function pneumoniaRefs(): PneumoniaRef[] {
  return JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/pneumonia-mnist-ref.json'), 'utf8')).items;
}

/** The test split's images, [N, 28, 28] as 0..255 values. */
export function pneumoniaTestImages(): Tensor {
  const zip = unzipSync(new Uint8Array(readFileSync(join(fixturesDir(), 'images/pneumoniamnist.npz'))));
  const entry = zip['test_images.npy'];
  if (!entry) throw new Error('pneumoniamnist.npz has no test_images.npy');
  return parseNpy(entry, 'test_images.npy');
}

const PRECISION = 22;

/** Pillow's per-axis bilinear coefficients (ImagingResample's precompute_coeffs + fixed point). */
function coefficients(inSize: number, outSize: number): { start: number[]; k: number[][] } {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = 1.0 * filterScale;
  const start: number[] = [];
  const k: number[][] = [];
  for (let o = 0; o < outSize; o++) {
    const center = (o + 0.5) * scale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize);
    const w: number[] = [];
    for (let x = xmin; x < xmax; x++) w.push(Math.max(0, 1 - Math.abs((x - center + 0.5) / filterScale)));
    const sum = w.reduce((a, b) => a + b, 0);
    start.push(xmin);
    k.push(w.map((v) => {
      const n = v / sum;
      return n < 0 ? Math.trunc(n * 2 ** PRECISION - 0.5) : Math.trunc(n * 2 ** PRECISION + 0.5);
    }));
  }
  return { start, k };
}

const clip8 = (acc: number): number => Math.min(255, Math.max(0, Math.floor(acc / 2 ** PRECISION)));

/** Pillow Image.resize((out, out), BILINEAR) of one 8-bit grey square image. */
export function pilBilinearGrey(src: Float32Array, size: number, out: number): Uint8Array {
  const c = coefficients(size, out);
  const horizontal = new Uint8Array(size * out);
  for (let y = 0; y < size; y++) {
    for (let o = 0; o < out; o++) {
      let acc = 2 ** (PRECISION - 1);
      c.k[o].forEach((w, j) => (acc += w * src[y * size + c.start[o] + j]));
      horizontal[y * out + o] = clip8(acc);
    }
  }
  const result = new Uint8Array(out * out);
  for (let o = 0; o < out; o++) {
    for (let x = 0; x < out; x++) {
      let acc = 2 ** (PRECISION - 1);
      c.k[o].forEach((w, j) => (acc += w * horizontal[(c.start[o] + j) * out + x]));
      result[o * out + x] = clip8(acc);
    }
  }
  return result;
}

/** A batch [n, 150, 150, 3] of the given test-split indices, preprocessed like pmnist2. */
export function pneumoniaBatch(indices: number[]): Tensor {
  const images = pneumoniaTestImages();
  const px = 28 * 28;
  const out = 150;
  const data = new Float32Array(indices.length * out * out * 3);
  indices.forEach((index, b) => {
    const resized = pilBilinearGrey(images.data.subarray(index * px, (index + 1) * px), 28, out);
    for (let i = 0; i < out * out; i++) {
      const v = Math.fround(resized[i] / 255);
      const o = (b * out * out + i) * 3;
      data[o] = data[o + 1] = data[o + 2] = v;
    }
  });
  return { shape: [indices.length, out, out, 3], data };
}
