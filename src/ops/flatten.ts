/**
 * Flatten: a reinterpretation of the channels-last buffer with another shape (Keras itself
 * flattens in row-major order of the channels-last tensor). No `encode`: the scheduler aliases the
 * output to the input's buffer.
 */
import { UnsupportedLayerError } from '../errors.ts';
import { sizeOf } from '../tensor.ts';
import { defineOp, type NoAttrs } from './types.ts';

/** Flatten: [N, ...] → [N, product of the rest], row-major (channels-last) order. */
export const flatten = defineOp<NoAttrs>({
  op: 'flatten',
  fromKeras(layer) {
    const format = layer.config.data_format ?? 'channels_last';
    if (format !== 'channels_last') {
      throw new UnsupportedLayerError(layer.name, layer.className, `data_format "${format}" (the engine runs channels-last tensors)`);
    }
    return { op: 'flatten', attrs: {}, weights: [] };
  },
  inferShape: (_node, [input]) => [input[0], sizeOf(input.slice(1))],
});
