/**
 * inputScalingLayer (src/graph/input-scaling.ts): a model whose first layer rescales or normalises
 * takes raw 0–255 pixels. Real Keras files for the yes and no answers, small graphs for
 * Normalization, the paths through pixel-moving layers and the cases that must say no (an input
 * read by two layers, as in test/fixtures/keras/norm_layers, is one).
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { buildGraph } from '../../../src/compile/from-keras.ts';
import { inputScalingLayer } from '../../../src/graph/input-scaling.ts';
import type { Graph, GraphNode } from '../../../src/graph/ir.ts';
import { readModelFiles } from '../../../src/formats/node-files.ts';
import { readKerasModel } from '../../../src/formats/read-model.ts';
import { fixturesDir, repoRoot } from '../../util/fixtures.ts';

const graphOf = async (path: string) => buildGraph(await readKerasModel(await readModelFiles(path)));

describe('inputScalingLayer on real Keras files', () => {
  it('the bundled malaria CNN (Rescaling(1/255) first), in both shipped formats', async () => {
    for (const file of ['model.json', 'model.keras']) {
      expect(inputScalingLayer(await graphOf(join(repoRoot, 'weights/malaria-cnn', file)))).toEqual({ name: 'rescale', kerasClass: 'Rescaling', op: 'rescaling' });
    }
  });
  it('none in the pneumonia .h5 (Conv2D first: it was trained on pixels / 255)', async () => {
    expect(inputScalingLayer(await graphOf(join(fixturesDir(), 'models/pneumonia-cnn-keras2-h5/pneumonia_model.h5')))).toBeUndefined();
  });
});

const node = (name: string, op: string, inputs: string[], kerasClass = op): GraphNode => ({ name, kerasClass, op, inputs, output: name, attrs: {}, weights: [] });
const graph = (nodes: GraphNode[], inputs = ['x']): Graph => ({
  inputs: inputs.map((name) => ({ name, shape: [null, 8, 8, 3] })),
  outputs: [nodes[nodes.length - 1].name],
  nodes,
  meta: { name: 'g', kerasVersion: '3.5.0', format: 'test' },
});

describe('inputScalingLayer on small graphs', () => {
  it('an adapted Normalization first', () => {
    expect(inputScalingLayer(graph([node('norm', 'normalization', ['x'], 'Normalization'), node('conv', 'conv2d', ['norm'])]))).toEqual({ name: 'norm', kerasClass: 'Normalization', op: 'normalization' });
  });
  it('looks through Resizing, cropping and identities', () => {
    const g = graph([node('resize', 'resize2d', ['x'], 'Resizing'), node('drop', 'identity', ['resize'], 'Dropout'), node('crop', 'pad_crop2d', ['drop']), node('scale', 'rescaling', ['crop'], 'Rescaling'), node('conv', 'conv2d', ['scale'])]);
    expect(inputScalingLayer(g)).toEqual({ name: 'scale', kerasClass: 'Rescaling', op: 'rescaling' });
  });
  it('says no when something else comes first, when the input branches, or with several inputs', () => {
    expect(inputScalingLayer(graph([node('conv', 'conv2d', ['x']), node('scale', 'rescaling', ['conv'])]))).toBeUndefined();
    expect(inputScalingLayer(graph([node('scale', 'rescaling', ['x']), node('skip', 'conv2d', ['x']), node('add', 'merge', ['scale', 'skip'])]))).toBeUndefined();
    expect(inputScalingLayer(graph([node('scale', 'rescaling', ['x']), node('add', 'merge', ['scale', 'y'])], ['x', 'y']))).toBeUndefined();
  });
});
