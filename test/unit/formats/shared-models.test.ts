/**
 * The real third-party models in ../shared/fixtures: two Keras 2 full-model .h5 files and the
 * MeshNet TF.js layers models. Expected first/last weight values were read with h5py / numpy,
 * independently of jsfive. These tests fail (never skip) when the shared folder is missing.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readKerasModel } from '../../../src/formats/read-model.ts';
import { readModelFiles } from '../../../src/formats/node-files.ts';
import type { KerasModel } from '../../../src/formats/keras-model.ts';
import { fixturesDir } from '../../util/fixtures.ts';

const models = () => join(fixturesDir(), 'models');
const weight = (km: KerasModel, layer: string, i: number) => {
  const l = km.layers.find((x) => x.name === layer);
  if (!l) throw new Error(`no layer ${layer}`);
  return l.weights[i];
};
const firstLast = (w: { data: Float32Array }) => [w.data[0], w.data[w.data.length - 1]];
const f = Math.fround;

describe('Keras 2 .h5 (real files)', () => {
  it('malaria ResNet: Functional, 14 layers, two Add skips, weight order from weight_names', async () => {
    const km = await readKerasModel(readFileSync(join(models(), 'malaria-resnet-keras2-h5', 'malaria_model.h5')));
    expect(km.format).toBe('keras2-h5');
    expect(km.kerasVersion).toBe('2.15.0');
    expect(km.className).toBe('Functional');
    expect(km.layers).toHaveLength(14);
    expect(km.layers.filter((l) => l.className === 'Add')).toHaveLength(2);
    expect(km.layers.filter((l) => l.className === 'Conv2D')).toHaveLength(7);
    expect(km.inputShapes).toEqual([[null, 224, 224, 3]]);
    expect(km.outputs).toEqual([{ layer: 'dense_1', nodeIndex: 0, tensorIndex: 0 }]);
    const k = weight(km, 'conv2d_7', 0);
    expect(k.name).toBe('kernel');
    expect(k.shape).toEqual([3, 3, 3, 32]);
    expect(firstLast(k)).toEqual([f(0.029287105426192284), f(-0.2416066825389862)]);
    expect(weight(km, 'conv2d_7', 1).name).toBe('bias');
    expect(firstLast(weight(km, 'conv2d_13', 1))).toEqual([f(-0.2020500898361206), f(-0.19972211122512817)]);
    expect(weight(km, 'dense_1', 0).shape).toEqual([256, 1]);
    expect(weight(km, 'dense_1', 1).data[0]).toBe(f(0.0010540501680225134));
    const add = km.layers.find((l) => l.className === 'Add')!;
    expect(add.inbound[0]).toHaveLength(2);
  });

  it('pneumonia CNN: Keras 2.4 Sequential with InputLayer, padded byte-string weight names', async () => {
    const km = await readKerasModel(readFileSync(join(models(), 'pneumonia-cnn-keras2-h5', 'pneumonia_model.h5')));
    expect(km.format).toBe('keras2-h5');
    expect(km.kerasVersion).toBe('2.4.0');
    expect(km.className).toBe('Sequential');
    expect(km.layers).toHaveLength(20);
    expect(km.layers[0]).toMatchObject({ name: 'conv2d_input', className: 'InputLayer' });
    expect(km.inputShapes).toEqual([[null, 150, 150, 3]]);
    expect(km.layers.filter((l) => l.className === 'Conv2D')).toHaveLength(5);
    expect(km.outputs).toEqual([{ layer: 'dense_1', nodeIndex: 0, tensorIndex: 0 }]);
    expect(weight(km, 'dense', 0).shape).toEqual([256, 512]);
    expect(firstLast(weight(km, 'dense', 0))).toEqual([f(0.02088516764342785), f(0.013092751614749432)]);
    expect(firstLast(weight(km, 'conv2d_4', 0))).toEqual([f(0.050551559776067734), f(-0.002657608361914754)]);
    expect(weight(km, 'dense_1', 1).data[0]).toBe(f(0.08999136835336685));
  });
});

describe('MeshNet TF.js layers models (real files)', () => {
  const dirs = () => readdirSync(models()).filter((d) => d.startsWith('meshnet-'));

  it('finds the four MeshNet models', () => {
    expect(dirs()).toHaveLength(4);
  });

  for (const name of ['meshnet-model5_gw_ae-tfjs', 'meshnet-model11_gw_ae-tfjs', 'meshnet-model18cls-tfjs', 'meshnet-model20chan3cls-tfjs']) {
    it(`${name}: Conv3D chain, every manifest weight attached`, async () => {
      const dir = join(models(), name);
      const km = await readKerasModel(await readModelFiles(join(dir, 'model.json')));
      const doc = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
      const specs: { name: string; shape: number[] }[] = doc.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights);
      expect(km.format).toBe('tfjs-layers');
      expect(km.kerasVersion).toBe(doc.modelTopology.keras_version);
      expect(km.layers).toHaveLength(doc.modelTopology.model_config.config.layers.length);
      expect(km.inputShapes).toEqual([[null, 256, 256, 256, 1]]);
      const convs = km.layers.filter((l) => l.className === 'Conv3D');
      expect(convs.length * 2).toBe(specs.length);
      for (const s of specs) {
        const [layer, wname] = s.name.split('/');
        const w = km.layers.find((l) => l.name === layer)!.weights.find((x) => x.name === wname)!;
        expect(w.shape).toEqual(s.shape);
      }
      expect(km.outputs).toEqual([{ layer: 'output', nodeIndex: 0, tensorIndex: 0 }]);
    });
  }

  it('model5: weight values match the shard read independently (single shard given as a Node Buffer)', async () => {
    const km = await readKerasModel(await readModelFiles(join(models(), 'meshnet-model5_gw_ae-tfjs', 'model.json')));
    expect(firstLast(weight(km, '21', 0))).toEqual([f(0.1156652420759201), f(-0.07733151316642761)]);
    expect(firstLast(weight(km, '23', 1))).toEqual([f(-0.1475198119878769), f(-0.006688034161925316)]);
    expect(firstLast(weight(km, 'output', 0))).toEqual([f(0.14699897170066833), f(0.6542516350746155)]);
    expect(firstLast(weight(km, 'output', 1))).toEqual([f(-0.7850812077522278), f(2.1639344692230225)]);
    expect(km.layers.find((l) => l.name === '23')!.config.dilation_rate).toEqual([2, 2, 2]);
  });
});
