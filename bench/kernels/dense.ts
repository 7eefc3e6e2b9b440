/**
 * Dense's kernels (src/ops/dense-plan.ts has the rule): `gemm`, a 4 rows × 8 units register-blocked
 * product, and `splitk`, a split-K matrix-vector pass plus a reduce pass that adds the slices, bias
 * and activation (batch-1 layers over long inputs, memory-bound). Shapes from the bench models' heads.
 */
import { ActivationKind } from '../../src/graph/ir.ts';
import { makeActivation } from '../../src/graph/activations.ts';
import type { LabOp, LabShape } from './lab.ts';

const relu = makeActivation(ActivationKind.Relu);

function dense(name: string, input: number[], units: number, variants: string[]): LabShape {
  const K = input[input.length - 1];
  return {
    name,
    input,
    attrs: { units, activation: relu },
    weights: [
      { name: 'kernel', shape: [K, units], fanIn: K },
      { name: 'bias', shape: [units], fanIn: 1 },
    ],
    variants,
  };
}

const both = ['splitk', 'gemm'];

export const denseLab: LabOp = {
  op: 'dense',
  about: 'Dense runs on split-K (two passes) or a GEMM, chosen by planDense from rows, K and units (and the autotuner where a layer carries ≥ 5 % of the FLOPs).',
  variants: [
    { name: 'splitk', attrs: { variant: 'splitk' }, kernels: ['dense_splitk.wgsl', 'dense_reduce.wgsl'] },
    { name: 'gemm', attrs: { variant: 'gemm' }, kernels: ['dense_gemm.wgsl'] },
  ],
  shapes: [
    dense('1 × 186,624 → 128 (seed network Flatten → Dense)', [1, 186_624], 128, both),
    dense('1 × 4,096 → 1,024 (VGG-style head)', [1, 4096], 1024, both),
    dense('8 × 2,048 → 512 (batch 8)', [8, 2048], 512, both),
    dense('256 × 512 → 256 (many rows)', [256, 512], 256, both),
  ],
  tiny: [dense('3 × 37 → 5', [3, 37], 5, both)],
  // As test/gpu/kernels/dense.test.ts: f32 sums of up to 186k products of ~0.25 against float64;
  // Glorot scaling keeps outputs O(1), so 1e-4 relative is a few f32 ulps per slice.
  tolerance: { atol: 1e-4, rtol: 1e-4 },
};
