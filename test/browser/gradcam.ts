/**
 * Runs inside the test page (dynamic import through Vite): loads one model (by URL, or a conformance
 * zoo model rebuilt from its architecture and seeded weights by test/browser/zoo.ts), takes the
 * first `batch` items of an .npy input, and calls model.explain once per case. Errors come back as
 * { name, code, message } per case, so a refusal can be asserted without losing the other cases.
 */
import { loadModel, modelFromKeras, type BackendName, type LoadedModel } from '../../src/api.ts';
import { EngineError } from '../../src/errors.ts';
import { parseNpy } from '../../src/formats/npy.ts';
import { toWire, type WireTensor } from '../../src/cli/wire.ts';
import { zooKerasModel } from './zoo.ts';

export interface GradCamPageCase {
  classIndex?: number[];
  layer?: string;
  /** Call with a signal already aborted. */
  aborted?: boolean;
}

export type GradCamPageResult =
  | { maps: WireTensor; logits: WireTensor; classIndex: number[]; layer: string; targetShape: number[] }
  | { error: { name: string; code?: string; message: string; layerName?: string } };

async function zooModel(dirUrl: string, backend: BackendName): Promise<LoadedModel> {
  return modelFromKeras(await zooKerasModel(dirUrl), { backend });
}

export async function explainInPage(
  model: { url?: string; zooDirUrl?: string },
  inputUrl: string,
  batch: number,
  cases: GradCamPageCase[],
  backend: BackendName,
): Promise<{ backend: BackendName; results: GradCamPageResult[]; predictChange: number }> {
  const loaded = model.zooDirUrl ? await zooModel(model.zooDirUrl, backend) : await loadModel(model.url!, { backend });
  try {
    const whole = parseNpy(new Uint8Array(await (await fetch(inputUrl)).arrayBuffer()), inputUrl);
    const per = whole.data.length / whole.shape[0];
    const input = { shape: [batch, ...whole.shape.slice(1)], data: whole.data.slice(0, batch * per) };
    // explain() compiles a variant of its own: predict's plan and outputs must not change.
    const before = await loaded.predict(input);
    const results: GradCamPageResult[] = [];
    for (const c of cases) {
      try {
        const signal = c.aborted ? AbortSignal.abort(new Error('stopped by the test')) : undefined;
        const e = await loaded.explain(input, { classIndex: c.classIndex, layer: c.layer, signal });
        results.push({ maps: toWire(e.maps), logits: toWire(e.logits), classIndex: e.classIndex, layer: e.layer, targetShape: e.targetShape });
      } catch (err) {
        const x = err as Error & { layerName?: string };
        results.push({ error: { name: x.name, code: err instanceof EngineError ? err.code : undefined, message: x.message, layerName: x.layerName } });
      }
    }
    const after = await loaded.predict(input);
    // Background autotuning may swap predict's kernels meanwhile (sums in another order): not bit-exact.
    const predictChange = before.data.reduce((m, v, i) => Math.max(m, Math.abs(v - after.data[i])), 0);
    return { backend: loaded.backend, results, predictChange };
  } finally {
    await loaded.dispose();
  }
}
