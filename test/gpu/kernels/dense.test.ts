import { describe, expect, it } from 'vitest';
import { ActivationKind, type Activation } from '../../../src/graph/ir.ts';
import { makeActivation } from '../../../src/graph/activations.ts';
import { planDense } from '../../../src/ops/dense-plan.ts';
import { executeReference } from '../../../src/reference/execute.ts';
import { expectTensorsClose } from '../../util/compare.ts';
import { singleOpGraph } from '../../util/graphs.ts';
import { randomArray, randomTensor } from '../../util/random.ts';
import { runGraphOnGpu } from '../../util/gpu.ts';

const linear = makeActivation(ActivationKind.Linear);
const relu = makeActivation(ActivationKind.Relu);
const sigmoid = makeActivation(ActivationKind.Sigmoid);
const tanh = makeActivation(ActivationKind.Tanh);

interface Case {
  name: string;
  input: number[];
  units: number;
  act: Activation;
  noBias?: boolean;
  /** The kernel variant planDense must pick for this shape (so every variant stays covered). */
  variant: 'splitk' | 'gemm';
  /** Rows per split-K invocation (the RB override), where it matters. */
  rb?: number;
}

const cases: Case[] = [
  // gemm: short K, or enough output blocks; odd rows/K/N exercise the row and column edges.
  { name: 'rank 2, odd sizes', input: [3, 37], units: 5, act: relu, variant: 'gemm' },
  { name: 'rank 4 (applies to last axis)', input: [2, 5, 7, 3], units: 7, act: sigmoid, variant: 'gemm' },
  { name: 'no bias, tanh', input: [4, 16], units: 8, act: tanh, noBias: true, variant: 'gemm' },
  { name: 'gemm rows 1, K 1, N 1', input: [1, 1], units: 1, act: linear, variant: 'gemm' },
  { name: 'gemm rows 2, K 5, N 3', input: [2, 5], units: 3, act: relu, variant: 'gemm' },
  { name: 'gemm rows 8, K 3, N 130', input: [8, 3], units: 130, act: sigmoid, variant: 'gemm' },
  { name: 'gemm rows 37, K 5, N 128, no bias', input: [37, 5], units: 128, act: linear, noBias: true, variant: 'gemm' },
  { name: 'gemm rank 4 rows 300, K 4096, N 130', input: [3, 10, 10, 4096], units: 130, act: relu, variant: 'gemm' },
  // K % 4 == 0 takes gemm's vec4-input path (VEC_IN); rows 37 leaves a partial row block.
  { name: 'gemm vec4 input rows 37, K 64, N 130', input: [37, 64], units: 130, act: tanh, variant: 'gemm' },
  // splitk: long K, few output blocks; RB = min(rows, 4).
  { name: 'long reduction (Flatten → Dense)', input: [1, 20_000], units: 3, act: linear, variant: 'splitk', rb: 1 },
  { name: 'splitk rows 1, K 4096, N 128, relu', input: [1, 4096], units: 128, act: relu, variant: 'splitk', rb: 1 },
  { name: 'splitk rows 2, K 4096, N 130', input: [2, 4096], units: 130, act: sigmoid, variant: 'splitk', rb: 2 },
  { name: 'splitk rows 3, K 20000, N 5, no bias', input: [3, 20_000], units: 5, act: tanh, noBias: true, variant: 'splitk', rb: 3 },
  { name: 'splitk rows 8, K 4096, N 1', input: [8, 4096], units: 1, act: linear, variant: 'splitk', rb: 4 },
  { name: 'splitk rows 37, K 4096, N 130', input: [37, 4096], units: 130, act: relu, variant: 'splitk', rb: 4 },
  { name: 'splitk rows 1, K 257, N 1', input: [1, 257], units: 1, act: sigmoid, variant: 'splitk', rb: 1 },
  // The seed network's first Dense (K = 186624 = 54·54·64), shortened N to keep the reference quick.
  { name: 'splitk seed-like rows 1, K 186624, N 5', input: [1, 186_624], units: 5, act: relu, variant: 'splitk', rb: 1 },
];

const variantOf = (c: Case) => {
  const K = c.input[c.input.length - 1];
  return planDense(c.input.slice(0, -1).reduce((a, b) => a * b, 1), K, c.units);
};

describe('dense kernel vs CPU reference', () => {
  it('the cases cover every variant', () => {
    for (const c of cases) {
      const plan = variantOf(c);
      expect(plan.variant, c.name).toBe(c.variant);
      if (plan.variant === 'splitk' && c.rb !== undefined) expect(plan.rowsPerInvocation, c.name).toBe(c.rb);
    }
    expect(new Set(cases.map((c) => c.variant))).toEqual(new Set(['splitk', 'gemm']));
  });

  for (const c of cases) {
    it(`${c.name} [${c.variant}]`, async () => {
      const K = c.input[c.input.length - 1];
      const weights = [{ name: 'kernel', shape: [K, c.units], data: randomArray(K * c.units, 11, -0.5, 0.5) }];
      if (!c.noBias) weights.push({ name: 'bias', shape: [c.units], data: randomArray(c.units, 12) });
      const graph = singleOpGraph({ op: 'dense', attrs: { units: c.units, activation: c.act }, weights, inputShapes: [c.input] });
      const x = randomTensor(c.input, 13);
      const [gpu] = await runGraphOnGpu(graph, [x]);
      const { outputs } = executeReference(graph, [x]);
      // f32 accumulation vs the float64 reference: the long cases sum up to 186k products of size
      // ~0.25 (sums of magnitude ~100, so 1e-4 relative is a few f32 ulps per slice).
      expectTensorsClose(gpu, outputs[0], { atol: 1e-4, rtol: 1e-4 }, c.name);
    }, 60_000);
  }
});
