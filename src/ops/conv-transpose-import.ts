/**
 * Keras import shared by Conv2DTranspose and Conv3DTranspose: the two layers' configs differ only in
 * rank, so one function reads strides, kernel_size, padding, output_padding and the activation, and
 * refuses what the kernels do not implement (dilation > 1, groups > 1), naming the layer.
 */
import { ModelFormatError, UnsupportedLayerError } from '../errors.ts';
import { parseActivation } from '../graph/activations.ts';
import type { Activation } from '../graph/ir.ts';
import type { KerasLayer } from '../formats/keras-model.ts';
import { parsePadding, requireChannelsLast } from './padding.ts';
import { type Padding } from '../geometry/window.ts';
import type { ImportContext, NodeDraft } from './types.ts';
import { countOf, requireWeight, softmaxDraft, tupleOf } from './util.ts';

export interface ConvTransposeAttrs {
  filters: number;
  kernelSize: number[];
  strides: number[];
  padding: Padding;
  outputPadding: number[] | null;
  activation: Activation;
}

/** The node draft(s) of a Keras Conv{rank}DTranspose layer; kernel layout [...k, filters, cin]. */
export function convTransposeFromKeras(layer: KerasLayer, ctx: ImportContext, rank: 2 | 3, op: string): NodeDraft<object> | NodeDraft<object>[] {
  const c = layer.config;
  requireChannelsLast(layer);
  const dilation = tupleOf(c.dilation_rate ?? 1, rank, 'dilation_rate', layer);
  if (dilation.some((d) => d !== 1)) throw new UnsupportedLayerError(layer.name, layer.className, `dilation_rate ${JSON.stringify(c.dilation_rate)} (only 1)`);
  if ((c.groups ?? 1) !== 1) throw new UnsupportedLayerError(layer.name, layer.className, `groups ${c.groups} (only 1)`);
  const parsed = parseActivation(c.activation, ctx.kerasMajor, layer.name, layer.className);
  const kernel = requireWeight(layer, 0, 'kernel');
  const weights = [kernel];
  if (c.use_bias ?? true) weights.push(requireWeight(layer, 1, 'bias'));
  const strides = tupleOf(c.strides ?? 1, rank, 'strides', layer);
  const outputPadding = c.output_padding == null ? null : tupleOf(c.output_padding, rank, 'output_padding', layer, 0);
  if (outputPadding && outputPadding.some((p, i) => p >= strides[i])) {
    throw new ModelFormatError(`Layer "${layer.name}" (${layer.className}): output_padding ${JSON.stringify(outputPadding)} must be smaller than strides ${JSON.stringify(strides)}`);
  }
  const attrs: ConvTransposeAttrs = {
    filters: countOf(c.filters, 'filters', layer) ?? kernel.shape[rank],
    kernelSize: tupleOf(c.kernel_size, rank, 'kernel_size', layer),
    strides,
    padding: parsePadding(c.padding ?? 'valid', layer),
    outputPadding,
    activation: parsed.act,
  };
  const draft: NodeDraft<object> = { op, attrs, weights };
  return parsed.softmax ? [draft, softmaxDraft(-1)] : draft;
}
