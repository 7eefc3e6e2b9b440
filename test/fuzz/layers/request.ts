/**
 * A layer-config fuzz case → the TF.js `{ modelJson, weights }` it stands for: the seed's layers
 * after the attribute edits, a Functional model around them, and generated weights shaped to fit
 * the edited config (so an edit Keras would accept reaches the op instead of the weight check).
 */
import type { CaseSpec } from '../harness/campaign.ts';
import type { CaseRequest, Marked } from '../harness/spec.ts';
import { LAYER_SEEDS, weightShapes } from './catalog.ts';

/** One change: layer `layer`'s attribute `key` set to `value`, or removed; layer -1 is the (first) input. */
export interface AttrEdit {
  layer: number;
  key: string;
  value?: Marked;
  remove?: true;
}
export interface ConfigSpec extends CaseSpec {
  edits: AttrEdit[];
  keras: '2.15.0' | '3.5.0';
}

/** The TF.js model.json of the seed after the edits, with weights that fit the edited config. */
export function request(spec: ConfigSpec): CaseRequest {
  const seed = LAYER_SEEDS[spec.seed];
  const inputs = seed.inputs.map((s, i) => ({ class_name: 'InputLayer', name: `in${i}`, config: { name: `in${i}`, batch_input_shape: [null, ...s] as Marked, dtype: 'float32' } as Record<string, Marked>, inbound_nodes: [] }));
  const layers = seed.layers.map((l, k) => ({
    class_name: l.className,
    name: `l${k}`,
    config: { ...l.config, name: `l${k}` } as Record<string, Marked>,
    inbound_nodes: [k === 0 ? inputs.map((i) => [i.name, 0, 0, {}]) : [[`l${k - 1}`, 0, 0, {}]]],
  }));
  for (const e of spec.edits) {
    const cfg = e.layer < 0 ? inputs[0].config : layers[e.layer].config;
    if (e.remove) delete cfg[e.key];
    else cfg[e.key] = e.value;
  }
  const manifest: { name: string; shape: number[]; dtype: string }[] = [];
  let channels = [...seed.inputs[0]];
  layers.forEach((l, k) => {
    const shapes = weightShapes(l.class_name, l.config as Record<string, unknown>, k === 0 ? seed.inputs[0] : channels);
    for (const w of shapes) manifest.push({ name: `l${k}/${w.name}`, shape: w.shape, dtype: 'float32' });
    // The next layer's input channels: what this layer's weights say it outputs.
    const out = shapes.find((w) => w.name === 'bias') ?? shapes.find((w) => w.name === 'pointwise_kernel') ?? shapes.find((w) => w.name.endsWith('kernel'));
    if (out) channels = [...channels.slice(0, -1), l.class_name === 'DepthwiseConv2D' ? out.shape[2] * out.shape[3] : out.shape[out.shape.length - 1]];
  });
  const bytes = manifest.reduce((s, w) => s + 4 * w.shape.reduce((a, b) => a * b, 1), 0);
  const modelJson = {
    format: 'layers-model',
    modelTopology: {
      keras_version: spec.keras,
      model_config: {
        class_name: 'Functional',
        config: { name: 'fuzz', layers: [...inputs, ...layers], input_layers: inputs.map((i) => [i.name, 0, 0]), output_layers: [[`l${layers.length - 1}`, 0, 0]] },
      },
    },
    weightsManifest: [{ paths: ['w.bin'], weights: manifest }],
  };
  return { target: 'model', source: { form: 'bundle', modelJson: { json: { inline: modelJson }, edits: [] }, weights: [{ random: bytes }] } };
}
