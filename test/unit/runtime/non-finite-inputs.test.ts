/**
 * The CPU side of refusing non-finite inputs: firstNonFinite finds the FIRST NaN/±Infinity at any
 * position (block edges, a tail shorter than the unrolled loop), messages give the flat index and
 * its coordinates, predictImage's recipe is checked (scale, offset, mean, overflow past float32,
 * float32 pixels), and the CPU references propagate NaN as IEEE arithmetic does.
 */
import { describe, expect, it } from 'vitest';
import { NonFiniteError } from '../../../src/errors.ts';
import { makeActivation } from '../../../src/graph/activations.ts';
import { ActivationKind, F32_MAX } from '../../../src/graph/ir.ts';
import { checkInputFinite, coordinatesOf, firstNonFinite } from '../../../src/non-finite.ts';
import { activate } from '../../../src/reference/activation.ts';
import { globalPoolReference } from '../../../src/reference/global-pool.ts';
import { mergeReference } from '../../../src/reference/merge.ts';
import { pool2dReference } from '../../../src/reference/pool2d.ts';
import { softmaxReference } from '../../../src/reference/softmax.ts';
import { checkPreprocessFinite } from '../../../src/runtime/preprocess-finite.ts';
import { resolvePreprocess } from '../../../src/runtime/preprocess-spec.ts';
import type { ImageSource } from '../../../src/runtime/preprocess-source.ts';

describe('firstNonFinite', () => {
  it('finds the first NaN or ±Infinity wherever it is, and -1 for finite data', () => {
    for (const n of [0, 1, 3, 4, 5, 4095, 4096, 4097, 10_003]) {
      const data = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 1e30);
      expect(firstNonFinite(data), `length ${n}`).toBe(-1);
      for (const at of [0, 1, 3, 4094, 4095, 4096, 4100, n - 2, n - 1]) {
        if (at < 0 || at >= n) continue;
        for (const v of [NaN, Infinity, -Infinity]) {
          const d = Float32Array.from(data);
          d[at] = v;
          if (at + 5 < n) d[at + 5] = NaN; // a later one must not be reported
          expect(firstNonFinite(d), `length ${n}, ${v} at ${at}`).toBe(at);
        }
      }
    }
    // Largest finite values and -0 are numbers.
    expect(firstNonFinite(Float32Array.of(F32_MAX, -F32_MAX, -0, 1e-45))).toBe(-1);
  });

  it('coordinates are row-major', () => {
    expect(coordinatesOf(23, [2, 3, 4])).toEqual([1, 2, 3]);
    expect(coordinatesOf(0, [5])).toEqual([0]);
  });

  it('checkInputFinite names the input, the index and its coordinates, and says how to opt in', () => {
    const data = new Float32Array(2 * 5 * 5 * 3);
    data[37] = NaN;
    let err: unknown;
    try {
      checkInputFinite(1, data, [2, 5, 5, 3]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NonFiniteError);
    const e = err as NonFiniteError;
    expect([e.code, e.input, e.index, e.coordinates]).toEqual(['NON_FINITE', 1, 37, [0, 2, 2, 1]]);
    expect(e.message).toMatch(/^Input 1 has NaN at index 37 \[0, 2, 2, 1\] of shape \[2, 5, 5, 3\].*allowNonFinite: true/);
  });
});

describe("predictImage's recipe", () => {
  const pixels = (data: Float32Array | Uint8Array, w = 2, h = 2, channels: 1 | 3 = 3): ImageSource => ({
    kind: 'pixels',
    width: w,
    height: h,
    image: { width: w, height: h, channels, data },
  });
  const spec = (o: Parameters<typeof resolvePreprocess>[0]) => resolvePreprocess(o, [null, 4, 4, 3]);
  const bytes = pixels(new Uint8Array(12).fill(255));

  it('accepts the usual recipes', () => {
    expect(() => checkPreprocessFinite(spec({}), [bytes])).not.toThrow();
    expect(() => checkPreprocessFinite(spec({ scale: 1, mean: [123.7, 116.3, 103.5], std: [58.4, 57.1, 57.4] }), [bytes])).not.toThrow();
  });

  it('refuses a non-finite scale, offset or mean, naming it', () => {
    expect(() => checkPreprocessFinite(spec({ scale: NaN }), [bytes])).toThrow(/Preprocessing scale is NaN/);
    expect(() => checkPreprocessFinite(spec({ offset: -Infinity }), [bytes])).toThrow(/Preprocessing offset is -Infinity/);
    expect(() => checkPreprocessFinite(spec({ mean: [0, NaN, 0] }), [bytes])).toThrow(/Preprocessing mean\[1\] is NaN/);
  });

  it('refuses a recipe that overflows float32 on the way (255 · 1e37), or at the end (tiny std)', () => {
    expect(() => checkPreprocessFinite(spec({ scale: 1e37 }), [bytes])).toThrow(NonFiniteError);
    expect(() => checkPreprocessFinite(spec({ scale: 1, std: [1e-37] }), [bytes])).toThrow(/pixel value 255 of channel 0/);
  });

  it('refuses float32 pixels holding NaN, with the pixel index, and checks their own range', () => {
    const f = Float32Array.from({ length: 12 }, (_, i) => i);
    f[7] = NaN;
    expect(() => checkPreprocessFinite(spec({}), [bytes, pixels(f)])).toThrow(/^Image 1 has NaN at pixel index 7 \[1, 0, 1\] of \[2, 2, 3\]/);
    const big = pixels(Float32Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3e38));
    expect(() => checkPreprocessFinite(spec({ scale: 2 }), [big])).toThrow(/pixel value 3.0+\d*e\+38 of channel 0/);
  });
});

describe('CPU references propagate NaN and ±Infinity as IEEE arithmetic does', () => {
  it('activations: f(NaN) is NaN for every kind; relu(+∞) = +∞, relu(−∞) = 0', () => {
    for (const kind of Object.values(ActivationKind).filter((k): k is ActivationKind => typeof k === 'number')) {
      expect(activate(makeActivation(kind, 0.2, 6, 0.5), NaN), ActivationKind[kind]).toBeNaN();
    }
    const relu = makeActivation(ActivationKind.Relu);
    expect([activate(relu, Infinity), activate(relu, -Infinity)]).toEqual([Infinity, 0]);
    // ReLU layer without max_value (beta = F32_MAX): +∞ stays +∞, as in Keras.
    expect(activate(makeActivation(ActivationKind.ReluGeneral, 0.1, F32_MAX, 0), Infinity)).toBe(Infinity);
    expect(activate(makeActivation(ActivationKind.ReluGeneral, 0, 6, 0), -Infinity)).toBe(0);
  });

  it('max pool, global max pool, Maximum, softmax: one NaN reaches exactly what it should', () => {
    const x = { shape: [1, 2, 4, 1], data: Float32Array.of(1, 2, 3, 4, 5, NaN, 7, 8) };
    expect([...pool2dReference(x, 'max', { poolSize: [2, 2], strides: [2, 2], padding: 'valid' }).data]).toEqual([NaN, 8]);
    expect(globalPoolReference(x, 'max', false).data[0]).toBeNaN();
    const m = mergeReference('maximum', [{ shape: [1, 2], data: Float32Array.of(NaN, 1) }, { shape: [1, 2], data: Float32Array.of(5, 2) }], [1, 2]);
    expect([...m.data]).toEqual([NaN, 2]);
    expect([...softmaxReference({ shape: [2, 2], data: Float32Array.of(0, NaN, 0, 0) }, 1).data]).toEqual([NaN, NaN, 0.5, 0.5]);
    // +∞ in a max pool window is the max; −∞ loses.
    const inf = { shape: [1, 1, 2, 1], data: Float32Array.of(Infinity, -Infinity) };
    expect([...pool2dReference(inf, 'max', { poolSize: [1, 2], strides: [1, 2], padding: 'valid' }).data]).toEqual([Infinity]);
  });
});
