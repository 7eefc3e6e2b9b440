/**
 * Pure helpers of the whole-volume row of `mi bench` (bench/page/volume-bench.ts): which part of the
 * volume every backend runs on, the axis order brainchop's tensors use, and label agreement. No GPU,
 * no TF.js: unit-tested in test/unit/bench-volume.test.ts.
 */
import type { MedicalImage } from '../../src/formats/medical/types.ts';
import { extractBox, headBox, type Box } from '../../src/segment/crop.ts';
import type { Shape3 } from '../../src/segment/conform.ts';
import type { VolumeRegion } from '../../src/cli/commands/bench-volume-report.ts';

export type { VolumeRegion };

export const regionText = (r: VolumeRegion): string =>
  r.kind === 'full' ? 'whole volume' : r.kind === 'head' ? "head box + receptive field (segmentVolume's crop)" : `${r.size}³ sub-volume centred on the head`;

/**
 * (a, b, c) in C order → (c, b, a) in C order. Our NIfTI volumes are nibabel's (i, j, k) in C order;
 * brainchop builds its tensor from the file's voxel order, i fastest, which is (k, j, i) in C order,
 * and transposes it (enableTranspose) before the model. The same function maps back.
 */
export function reverseAxes3(data: ArrayLike<number>, [A, B, C]: Shape3): Float32Array {
  if (data.length !== A * B * C) throw new RangeError(`reverseAxes3: ${data.length} values for ${A}×${B}×${C}`);
  const out = new Float32Array(data.length);
  for (let a = 0; a < A; a++) {
    for (let b = 0; b < B; b++) {
      const from = (a * B + b) * C;
      for (let c = 0; c < C; c++) out[(c * B + b) * A + a] = data[from + c];
    }
  }
  return out;
}

/** An n³ box (each edge clipped to the volume) centred on `box`'s centre, moved inside the volume. */
export function centredBox(shape: Shape3, around: Box, n: number): Box {
  const size = shape.map((s) => Math.min(s, n)) as Shape3;
  const start = [0, 1, 2].map((a) => {
    const centre = around.start[a] + around.size[a] / 2;
    return Math.min(shape[a] - size[a], Math.max(0, Math.round(centre - size[a] / 2)));
  }) as Shape3;
  return { start, size };
}

/**
 * The image's n³ sub-volume centred on its head (voxels above 1 % of the range), with the affine
 * moved to the box's first voxel, so it is a volume of its own (segmentVolume runs it unconformed).
 */
export function subVolume(image: MedicalImage, n: number): { image: MedicalImage; box: Box } {
  const shape = image.shape.slice(0, 3) as Shape3;
  const head = headBox(image.data, shape, { before: [0, 0, 0], after: [0, 0, 0] }) ?? { start: [0, 0, 0] as Shape3, size: shape };
  const box = centredBox(shape, head, n);
  const affine = image.affine?.map((row) => [...row]);
  if (affine) for (let r = 0; r < 3; r++) affine[r][3] += affine[r][0] * box.start[0] + affine[r][1] * box.start[1] + affine[r][2] * box.start[2];
  const data = extractBox(image.data, shape, box);
  return { image: { ...image, name: `${image.name} [${box.size.join('×')} at ${box.start.join(',')}]`, data, shape: [...box.size], affine }, box };
}

/** Voxels whose labels are equal, of all voxels (the two must be the same size). */
export function agreement(a: ArrayLike<number>, b: ArrayLike<number>): { same: number; total: number } {
  if (a.length !== b.length) throw new RangeError(`agreement: ${a.length} labels against ${b.length}`);
  let same = 0;
  for (let n = 0; n < a.length; n++) if (a[n] === b[n]) same++;
  return { same, total: a.length };
}
