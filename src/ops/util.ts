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

/** Reads an int-or-tuple Keras argument (kernel_size, strides, ...) as a tuple of `rank` ints. */
export function tupleOf(value: unknown, rank: number, what: string, layer: KerasLayer): number[] {
  const arr = typeof value === 'number' ? new Array<number>(rank).fill(value) : (value as number[]);
  if (!Array.isArray(arr) || arr.length !== rank || arr.some((v) => !Number.isInteger(v) || v < 0)) {
    throw new ModelFormatError(`Layer "${layer.name}" (${layer.className}): ${what} ${JSON.stringify(value)} is not ${rank} integers`);
  }
  return arr;
}
