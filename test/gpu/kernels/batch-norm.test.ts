/**
 * BatchNormalization (inference) on the GPU, running shaders/scale_shift.wgsl (as Rescaling and
 * Normalization do), vs its float64 CPU reference: rank 2, 4 and 5, center/scale switched off, a
 * fused activation.
 *
 * Tolerance atol 1e-5, rtol 1e-5: the kernel applies scale/shift precomputed in float64 and rounded
 * to f32 (scale·x + shift with one fma), while the reference evaluates gamma·(x − mean)/sqrt(var +
 * eps) + beta; the rounding of scale and shift (relative 6e-8 each) times |x − mean| · scale of a
 * few units gives errors of a few 1e-7, and cancellation near y = 0 needs the small atol.
 */
import { describe, it } from 'vitest';
import { makeActivation } from '../../../src/graph/activations.ts';
import { ActivationKind, LINEAR, type Activation, type WeightTensor } from '../../../src/graph/ir.ts';
import { executeReference } from '../../../src/reference/execute.ts';
import { expectTensorsClose } from '../../util/compare.ts';
import { singleOpGraph } from '../../util/graphs.ts';
import { randomArray, randomTensor } from '../../util/random.ts';
import { runGraphOnGpu } from '../../util/gpu.ts';

const TOL = { atol: 1e-5, rtol: 1e-5 };

/** BN weights like the Keras fixtures': gamma U(0.5,1.5), beta U(±0.3), mean U(±0.5), var U(0.2,2). */
function bnWeights(C: number, center: boolean, scale: boolean, seed: number): WeightTensor[] {
  const w: WeightTensor[] = [];
  if (scale) w.push({ name: 'gamma', shape: [C], data: randomArray(C, seed, 0.5, 1.5) });
  if (center) w.push({ name: 'beta', shape: [C], data: randomArray(C, seed + 1, -0.3, 0.3) });
  w.push({ name: 'moving_mean', shape: [C], data: randomArray(C, seed + 2, -0.5, 0.5) });
  w.push({ name: 'moving_variance', shape: [C], data: randomArray(C, seed + 3, 0.2, 2) });
  return w;
}

const bnCases: { name: string; shape: number[]; center?: boolean; scale?: boolean; axis?: number; act?: Activation; epsilon?: number }[] = [
  { name: 'rank 2', shape: [3, 37] },
  { name: 'rank 4, odd channels', shape: [2, 5, 7, 3] },
  { name: 'rank 4, axis 3 (Keras 2 style)', shape: [2, 5, 7, 6], axis: 3 },
  { name: 'rank 2, center=False', shape: [4, 9], center: false },
  { name: 'rank 4, scale=False', shape: [2, 3, 5, 7], scale: false },
  { name: 'rank 4, center=False and scale=False', shape: [2, 3, 5, 7], center: false, scale: false, epsilon: 1e-5 },
  { name: 'rank 5 (3-D volumes)', shape: [1, 3, 4, 5, 6] },
  { name: 'rank 4 with fused relu', shape: [2, 5, 7, 4], act: makeActivation(ActivationKind.Relu) },
];

describe('batch_norm kernel vs CPU reference', () => {
  bnCases.forEach((c, i) => {
    it(c.name, async () => {
      const C = c.shape[c.shape.length - 1];
      const weights = bnWeights(C, c.center ?? true, c.scale ?? true, 500 + 10 * i);
      const attrs = { axis: c.axis ?? -1, epsilon: c.epsilon ?? 1e-3, activation: c.act ?? LINEAR };
      const graph = singleOpGraph({ op: 'batch_norm', attrs, weights, inputShapes: [c.shape] });
      const x = randomTensor(c.shape, 600 + i, -3, 3);
      const [gpu] = await runGraphOnGpu(graph, [x]);
      const { outputs } = executeReference(graph, [x]);
      expectTensorsClose(gpu, outputs[0], TOL, c.name);
    });
  });
});
