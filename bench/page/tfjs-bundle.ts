/**
 * Writes a KerasModel (what our readers make of any Keras file) as a TF.js layers bundle in the
 * Keras 2 dialect TF.js reads: a functional `Model` config with `inbound_nodes` as
 * `[[layer, node, tensor, {}]]` lists, `batch_input_shape` on inputs and plain dtype names (our
 * readers already normalised those), and one weight shard named `<layer>/<weight>`, which is how
 * TF.js matches saved weights to its layers. Both engines then load the SAME bytes, so the
 * benchmark compares engines and not files.
 */
import type { KerasModel } from '../../src/formats/keras-model.ts';

export interface TfjsBundle {
  modelTopology: Record<string, unknown>;
  weightSpecs: { name: string; shape: number[]; dtype: 'float32' }[];
  weightData: ArrayBuffer;
  /** The same bundle as our loadModel takes it. */
  modelJson: Record<string, unknown>;
}

/** Keys Keras 3 adds that TF.js does not know; dropping them changes nothing for inference. */
const KERAS3_ONLY = ['lora_rank', 'lora_alpha', 'quantization_config', 'optional'];

function cleanConfig(cfg: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(cfg)) if (!KERAS3_ONLY.includes(k) && k !== 'batch_shape') out[k] = v;
  return out;
}

export function toTfjsBundle(model: KerasModel): TfjsBundle {
  const inputNames = new Set(model.inputs.map((r) => r.layer));
  const layers = model.layers.map((l) => {
    const config = cleanConfig({ ...l.config, name: l.name });
    if (l.className === 'InputLayer' || inputNames.has(l.name)) {
      const i = model.inputs.findIndex((r) => r.layer === l.name);
      config.batch_input_shape ??= model.inputShapes[i];
      config.dtype = 'float32';
      config.sparse = false;
    }
    return {
      class_name: l.className,
      name: l.name,
      config,
      inbound_nodes: l.inbound.map((call) => call.map((r) => [r.layer, r.nodeIndex, r.tensorIndex, {}])),
    };
  });
  const specs: TfjsBundle['weightSpecs'] = [];
  const parts: Float32Array[] = [];
  for (const l of model.layers) {
    for (const w of l.weights) {
      // Keras 3 names a DepthwiseConv2D's kernel "kernel"; TF.js (Keras 2) wants "depthwise_kernel".
      const name = l.className === 'DepthwiseConv2D' && w.name === 'kernel' ? 'depthwise_kernel' : w.name;
      specs.push({ name: `${l.name}/${name}`, shape: [...w.shape], dtype: 'float32' });
      parts.push(w.data);
    }
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const flat = new Float32Array(total);
  let at = 0;
  for (const p of parts) {
    flat.set(p, at);
    at += p.length;
  }
  const modelTopology = {
    class_name: 'Model',
    config: {
      name: model.name || 'model',
      layers,
      input_layers: model.inputs.map((r) => [r.layer, r.nodeIndex, r.tensorIndex]),
      output_layers: model.outputs.map((r) => [r.layer, r.nodeIndex, r.tensorIndex]),
    },
    keras_version: '2.15.0',
    backend: 'tensorflow',
  };
  return {
    modelTopology,
    weightSpecs: specs,
    weightData: flat.buffer,
    modelJson: {
      format: 'layers-model',
      modelTopology,
      weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
    },
  };
}
