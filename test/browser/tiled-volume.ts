/**
 * Runs inside the test page: a small fully convolutional 3-D network (dilated Conv3D 'same', an
 * even 2×2×2 kernel for TF's asymmetric padding, elu/relu, a 1×1×1 head) with seeded weights,
 * on one volume both whole and with predictVolumeTiled, so the test can demand equality.
 */
import { modelFromGraph } from '../../src/index.ts';
import type { Graph, GraphNode } from '../../src/graph/ir.ts';
import { parseActivation } from '../../src/graph/activations.ts';
import { predictVolumeTiled, receptiveField, type Extent3 } from '../../src/runtime/tiled-volume.ts';
import { randomArray, randomTensor } from '../util/random.ts';

const LAYERS: { filters: number; k: number; dilation: number; act: string }[] = [
  { filters: 5, k: 3, dilation: 1, act: 'elu' },
  { filters: 5, k: 3, dilation: 2, act: 'relu' },
  { filters: 4, k: 2, dilation: 3, act: 'elu' },
  { filters: 3, k: 1, dilation: 1, act: 'linear' },
];

export function tiledNetwork(): Graph {
  let cin = 1;
  let prev = 'volume';
  const nodes: GraphNode[] = LAYERS.map((l, i) => {
    const fanIn = l.k ** 3 * cin;
    const s = Math.sqrt(3 / fanIn) * 1.5;
    const node: GraphNode = {
      name: `conv${i}`,
      kerasClass: 'Conv3D',
      op: 'conv3d',
      inputs: [prev],
      output: `t${i}`,
      attrs: {
        filters: l.filters, kernelSize: [l.k, l.k, l.k], strides: [1, 1, 1], dilation: [l.dilation, l.dilation, l.dilation],
        padding: 'same', activation: parseActivation(l.act, 3, `conv${i}`, 'Conv3D').act,
      },
      weights: [
        { name: 'kernel', shape: [l.k, l.k, l.k, cin, l.filters], data: randomArray(fanIn * l.filters, 40 + i, -s, s) },
        { name: 'bias', shape: [l.filters], data: randomArray(l.filters, 50 + i, -0.2, 0.2) },
      ],
    };
    cin = l.filters;
    prev = node.output;
    return node;
  });
  return { inputs: [{ name: 'volume', shape: [null, null, null, null, 1] }], outputs: [prev], nodes, meta: { name: 'tiny3d', kerasVersion: '3.0.0', format: 'test' } };
}

/** Whole vs tiled on a random volume: max |difference|, count of differing values, tile reach. */
export async function tiledVsWhole(shape: number[], tile: Extent3) {
  const model = await modelFromGraph(tiledNetwork(), { backend: 'webgpu' });
  try {
    const x = randomTensor(shape, 7, 0, 1);
    const whole = await model.predict(x);
    let tiles = 0;
    const tiled = await predictVolumeTiled(model, x, { tile, onProgress: (_, total) => (tiles = total) });
    let maxDiff = 0;
    let differing = 0;
    for (let i = 0; i < whole.data.length; i++) {
      const d = Math.abs(whole.data[i] - tiled.data[i]);
      if (d > 0 || Number.isNaN(d)) differing++;
      if (!(d <= maxDiff)) maxDiff = d;
    }
    return { shape: tiled.shape, wholeShape: whole.shape, maxDiff, differing, tiles, reach: receptiveField(model.graph) };
  } finally {
    await model.dispose();
  }
}
