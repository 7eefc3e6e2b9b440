/**
 * predictImage's side of "no NaN in unless asked for": byte pixels (0..255) cannot be NaN, but the
 * recipe x = ((p·scale + offset) − mean[c]) / std[c] can make one (a NaN or infinite scale, offset
 * or mean; a scale so large that 255·scale overflows float32), and float32 pixel data can hold NaN
 * itself. Checked on the CPU before anything reaches the GPU, with what was wrong named.
 */
import { NonFiniteError } from '../errors.ts';
import { F32_MAX } from '../graph/ir.ts';
import { coordinatesOf, firstNonFinite } from '../non-finite.ts';
import { shapeToString } from '../tensor.ts';
import type { PreprocessSpec } from './preprocess-spec.ts';
import type { ImageSource } from './preprocess-source.ts';

const ALLOW = 'pass { allowNonFinite: true } to run it anyway';

/**
 * Throws NonFiniteError when the recipe or a float32 pixel image would feed the model NaN or
 * ±Infinity. std is already known finite and non-zero (resolvePreprocess).
 */
export function checkPreprocessFinite(spec: PreprocessSpec, sources: readonly ImageSource[]): void {
  const fields: [string, number][] = [['scale', spec.scale], ['offset', spec.offset], ...spec.mean.map((m, c): [string, number] => [`mean[${c}]`, m])];
  for (const [name, v] of fields) {
    if (!Number.isFinite(v)) {
      throw new NonFiniteError(`Preprocessing ${name} is ${v}: every model input would be NaN or infinite; ${ALLOW}`, { index: -1, coordinates: [], value: v });
    }
  }
  // The extremes of the pixel range (0..255 for bytes; the data's own range for float32 pixels),
  // put through the recipe in float64: beyond float32's range the GPU's value is ±Infinity.
  let lo = 0;
  let hi = 255;
  sources.forEach((src, n) => {
    if (src.kind !== 'pixels' || !(src.image.data instanceof Float32Array)) return;
    const data = src.image.data;
    const bad = firstNonFinite(data);
    if (bad >= 0) {
      const shape = [src.image.height, src.image.width, src.image.channels];
      const coordinates = coordinatesOf(bad, shape);
      throw new NonFiniteError(
        `Image ${n} has ${data[bad]} at pixel index ${bad} ${shapeToString(coordinates)} of ${shapeToString(shape)}; ${ALLOW}`,
        { index: bad, coordinates, value: data[bad], input: n },
      );
    }
    for (let i = 0; i < data.length; i++) {
      if (data[i] < lo) lo = data[i];
      if (data[i] > hi) hi = data[i];
    }
  });
  for (let c = 0; c < spec.mean.length; c++) {
    for (const p of [lo, hi]) {
      // Every intermediate too: the GPU rounds each step to float32.
      const scaled = p * spec.scale;
      const shifted = scaled + spec.offset;
      const centred = shifted - spec.mean[c];
      const x = centred / spec.std[c];
      if (![scaled, shifted, centred, x].every((v) => Math.abs(v) <= F32_MAX)) {
        throw new NonFiniteError(
          `Preprocessing turns pixel value ${p} of channel ${c} into ${x} (scale ${spec.scale}, offset ${spec.offset}, ` +
            `mean ${spec.mean[c]}, std ${spec.std[c]}), with a step beyond float32's range: the model would see ±Infinity or NaN; ${ALLOW}`,
          { index: -1, coordinates: [], value: x },
        );
      }
    }
  }
}
