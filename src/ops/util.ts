/** Helpers shared by op modules' Keras import. */
import { ModelFormatError } from '../errors.ts';
import type { WeightTensor } from '../graph/ir.ts';
import type { KerasLayer } from '../formats/keras-model.ts';
import type { NodeDraft } from './types.ts';

/**
 * The layer's weight at Keras position `index`, checked by name when the file names its weights
 * (Keras 3 `.keras` files only number them).
 */
export function requireWeight(layer: KerasLayer, index: number, expectedName: string): WeightTensor {
  const w = layer.weights[index];
  if (!w) {
    throw new ModelFormatError(
      `Layer "${layer.name}" (${layer.className}) is missing its weight "${expectedName}" (has ${layer.weights.length} weight arrays)`,
    );
  }
  if (w.name && !/^\d+$/.test(w.name) && !w.name.endsWith(expectedName)) {
    throw new ModelFormatError(
      `Layer "${layer.name}" (${layer.className}): weight ${index} is "${w.name}", expected "${expectedName}"`,
    );
  }
  return { name: expectedName, shape: w.shape, data: w.data };
}

/** A softmax node on `axis`, appended after layers whose activation is 'softmax'. */
export function softmaxDraft(axis: number): NodeDraft {
  return { op: 'softmax', attrs: { axis }, weights: [] };
}

/**
 * Reads an int-or-tuple Keras argument (kernel_size, strides, dilation_rate, pool_size, size) as a
 * tuple of `rank` whole numbers ≥ `min`: 1 for every window size and step, where a 0 would divide
 * by zero further on (a zero stride made an output of Infinity cells, reported layers later as
 * "got Infinity input features"); 0 only where nothing is a valid amount (output_padding).
 */
export function tupleOf(value: unknown, rank: number, what: string, layer: KerasLayer, min = 1): number[] {
  const arr = typeof value === 'number' ? new Array<number>(rank).fill(value) : (value as number[]);
  if (!Array.isArray(arr) || arr.length !== rank || arr.some((v) => !Number.isSafeInteger(v) || v < min)) {
    throw new ModelFormatError(
      `Layer "${layer.name}" (${layer.className}): ${what} ${JSON.stringify(value)} is invalid: it must be ${rank === 1 ? 'a whole number' : `${rank} whole numbers`} ≥ ${min}`,
    );
  }
  return arr;
}

/** A count attribute (units, filters) that must be a whole number ≥ 1; absent stays undefined. */
export function countOf(value: unknown, what: string, layer: KerasLayer): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (!(typeof value === 'number' && Number.isSafeInteger(value) && value >= 1)) {
    throw new ModelFormatError(`Layer "${layer.name}" (${layer.className}): ${what} ${JSON.stringify(value)} is invalid: it must be a whole number ≥ 1`);
  }
  return value;
}
