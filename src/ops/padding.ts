/**
 * Keras' `padding` and `data_format` config values, read and checked at import. The window
 * geometry they lead to is src/geometry/window.ts.
 */
import { ModelFormatError, UnsupportedLayerError } from '../errors.ts';
import type { KerasLayer } from '../formats/keras-model.ts';
import type { Padding } from '../geometry/window.ts';

/** Reads a Keras `padding` config value; 'causal' (Conv1D only) and anything else is rejected. */
export function parsePadding(value: unknown, layer: KerasLayer): Padding {
  const p = typeof value === 'string' ? value.toLowerCase() : value;
  if (p === 'valid' || p === 'same') return p;
  if (p === 'causal') throw new UnsupportedLayerError(layer.name, layer.className, "padding 'causal' is not supported");
  throw new ModelFormatError(`Layer "${layer.name}" (${layer.className}): padding ${JSON.stringify(value)} is not 'valid' or 'same'`);
}

/** Rejects `data_format: 'channels_first'`: the engine's tensors are channels-last throughout. */
export function requireChannelsLast(layer: KerasLayer): void {
  const format = layer.config.data_format ?? 'channels_last';
  if (format !== 'channels_last') {
    throw new UnsupportedLayerError(
      layer.name,
      layer.className,
      `data_format '${String(format)}' is not supported (only 'channels_last'); re-save the model with channels_last layers`,
    );
  }
}
