import { describe, it } from 'vitest';
import { ActivationKind } from '../../../src/graph/ir.ts';
import { makeActivation } from '../../../src/graph/activations.ts';
import { executeReference } from '../../../src/reference/execute.ts';
import { expectTensorsClose } from '../../util/compare.ts';
import { singleOpGraph } from '../../util/graphs.ts';
import { randomArray, randomTensor } from '../../util/random.ts';
import { runGraphOnGpu } from '../../util/gpu.ts';

const cases = [
  { name: 'rank 2, odd sizes', input: [3, 37], units: 5, act: makeActivation(ActivationKind.Relu) },
  { name: 'rank 4 (applies to last axis)', input: [2, 5, 7, 3], units: 7, act: makeActivation(ActivationKind.Sigmoid) },
  { name: 'long reduction (Flatten → Dense)', input: [1, 20_000], units: 3, act: makeActivation(ActivationKind.Linear) },
  { name: 'no bias, tanh', input: [4, 16], units: 8, act: makeActivation(ActivationKind.Tanh), noBias: true },
];

describe('dense kernel vs CPU reference', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const K = c.input[c.input.length - 1];
      const weights = [{ name: 'kernel', shape: [K, c.units], data: randomArray(K * c.units, 11, -0.5, 0.5) }];
      if (!c.noBias) weights.push({ name: 'bias', shape: [c.units], data: randomArray(c.units, 12) });
      const graph = singleOpGraph({ op: 'dense', attrs: { units: c.units, activation: c.act }, weights, inputShapes: [c.input] });
      const x = randomTensor(c.input, 13);
      const [gpu] = await runGraphOnGpu(graph, [x]);
      const { outputs } = executeReference(graph, [x]);
      // f32 accumulation vs the float64 reference: the long case sums 20k products of size ~0.25.
      expectTensorsClose(gpu, outputs[0], { atol: 1e-4, rtol: 1e-4 }, c.name);
    });
  }
});
