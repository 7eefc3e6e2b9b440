/**
 * Turns a parsed config tree (with weights attached) into the flat `KerasModel`.
 *
 * Nested models (a keras.applications backbone used as a layer, a Sequential head) are inlined:
 * the inner InputLayers disappear and whatever fed the nested model's call feeds the inner layers
 * instead; references to the nested model's outputs point at the inner output layers. A nested
 * model called twice (siamese) makes its inner layers shared layers with one inbound node per call.
 * Inner names that clash with names already used become `<innerModel>/<layer>`.
 */
import type { InboundRef, KerasLayer, KerasModel } from './keras-model.ts';
import type { ConfigLayer, ConfigModel } from './keras-config.ts';
import { ModelFormatError } from '../errors.ts';

interface FlatState {
  layers: KerasLayer[];
  flat: Map<ConfigLayer, KerasLayer>;
  used: Set<string>;
}

/** Builds the flat KerasModel; `kerasVersion` and `format` are recorded as given. */
export function flattenModel(root: ConfigModel, kerasVersion: string, format: string): KerasModel {
  const state: FlatState = { layers: [], flat: new Map(), used: new Set() };
  // Top-level names win: they are what users see in Keras' summary.
  for (const l of root.layers) if (!l.model) state.used.add(l.name);
  const outputs = emitCall(root, null, state, true);
  const inputs = root.inputs.map((r) => {
    const l = root.layers.find((x) => x.name === r.layer)!;
    if (l.className !== 'InputLayer') {
      throw new ModelFormatError(`Model "${root.name}": input "${r.layer}" is a ${l.className}, not an InputLayer`);
    }
    return { layer: state.flat.get(l)!.name, nodeIndex: 0, tensorIndex: r.tensorIndex };
  });
  root.inputShapes.forEach((s, i) => {
    if (!s) {
      throw new ModelFormatError(
        `Model "${root.name}" declares no shape for input "${root.inputs[i].layer}" ` +
          `(no batch_input_shape / batch_shape): cannot tell what it expects`,
      );
    }
  });
  return {
    name: root.name,
    className: root.className,
    layers: state.layers,
    inputs,
    outputs,
    inputShapes: root.inputShapes.map((s) => [...s!]),
    kerasVersion,
    format,
  };
}

function flatName(model: ConfigModel, l: ConfigLayer, state: FlatState, top: boolean): string {
  if (top) return l.name;
  let name = state.used.has(l.name) ? `${model.name}/${l.name}` : l.name;
  for (let k = 1; state.used.has(name); k++) name = `${model.name}/${l.name}_${k}`;
  state.used.add(name);
  return name;
}

/**
 * Emits one call of `model`. `callInputs` are the outer refs feeding its inputs (null at the top,
 * where InputLayers stay). Returns the refs its outputs resolve to.
 */
function emitCall(model: ConfigModel, callInputs: InboundRef[] | null, state: FlatState, top: boolean): InboundRef[] {
  const byName = new Map(model.layers.map((l) => [l.name, l]));
  // (layer name, node index in this model's config) -> resolved flat refs of that node's outputs.
  const produced = new Map<string, InboundRef[]>();
  const key = (name: string, node: number) => `${name}\u0000${node}`;

  const resolve = (ref: InboundRef): InboundRef | undefined => {
    const target = byName.get(ref.layer)!;
    if (target.className === 'InputLayer' && callInputs) {
      const k = model.inputs.findIndex((r) => r.layer === target.name);
      if (k < 0 || !callInputs[k]) {
        throw new ModelFormatError(`Nested model "${model.name}": input "${target.name}" is not fed by its caller`);
      }
      return callInputs[k];
    }
    const outs = produced.get(key(ref.layer, ref.nodeIndex));
    if (!outs) return undefined;
    const out = outs[ref.tensorIndex] ?? (target.model ? undefined : { ...outs[0], tensorIndex: ref.tensorIndex });
    if (!out) {
      throw new ModelFormatError(`Model "${model.name}": "${ref.layer}" has no output #${ref.tensorIndex}`);
    }
    return out;
  };

  // Work list of (layer, node) in config order; a node waits until all its inputs are produced
  // (Keras configs are topologically ordered in practice, but Keras itself does not rely on it).
  let pending: { layer: ConfigLayer; node: number }[] = [];
  for (const l of model.layers) {
    if (l.className === 'InputLayer') {
      if (!callInputs) {
        const fl = ensureFlat(model, l, state, top);
        produced.set(key(l.name, 0), [{ layer: fl.name, nodeIndex: 0, tensorIndex: 0 }]);
      }
      continue;
    }
    l.inbound.forEach((_, node) => pending.push({ layer: l, node }));
  }
  while (pending.length > 0) {
    const next: typeof pending = [];
    for (const task of pending) {
      const refs = task.layer.inbound[task.node].map(resolve);
      if (refs.some((r) => r === undefined)) {
        next.push(task);
        continue;
      }
      const ins = refs as InboundRef[];
      if (task.layer.model) {
        produced.set(key(task.layer.name, task.node), emitCall(task.layer.model, ins, state, false));
      } else {
        const fl = ensureFlat(model, task.layer, state, top);
        fl.inbound.push(ins);
        produced.set(key(task.layer.name, task.node), [{ layer: fl.name, nodeIndex: fl.inbound.length - 1, tensorIndex: 0 }]);
      }
    }
    if (next.length === pending.length) {
      const t = next[0];
      throw new ModelFormatError(
        `Model "${model.name}": layer "${t.layer.name}" call #${t.node} waits on inputs that are never produced ` +
          `(${t.layer.inbound[t.node].map((r) => `${r.layer}[${r.nodeIndex}]`).join(', ')})`,
      );
    }
    pending = next;
  }
  return model.outputs.map((r) => {
    const out = resolve(r);
    if (!out) throw new ModelFormatError(`Model "${model.name}": output "${r.layer}" is never computed`);
    return out;
  });
}

function ensureFlat(model: ConfigModel, l: ConfigLayer, state: FlatState, top: boolean): KerasLayer {
  let fl = state.flat.get(l);
  if (!fl) {
    fl = { name: flatName(model, l, state, top), className: l.className, config: l.config, inbound: [], weights: l.weights };
    state.flat.set(l, fl);
    state.layers.push(fl);
  }
  return fl;
}
