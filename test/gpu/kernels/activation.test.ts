/**
 * The `activation` op (Keras Activation/ReLU/LeakyReLU/ELU layers) on the GPU vs its float64 CPU
 * reference, for all 19 ActivationKinds. Inputs: 1001 evenly spaced values over [-8, 8] (odd count,
 * not a multiple of the 4 elements per invocation) plus, where the function saturates instead of
 * overflowing, large magnitudes up to ±100 to prove the kernel is overflow-safe (no NaN/Inf).
 *
 * Tolerances (|gpu − ref| ≤ atol + rtol·|ref|), from WGSL's f32 accuracy rules:
 *  - piecewise-linear kinds (relu, relu6, leaky, hard_*, ReLU layer): exact up to f32 rounding of the
 *    input arithmetic: atol 1e-6, rtol 1e-6;
 *  - exp-based kinds (elu, selu, sigmoid, swish, softplus, mish, tanh): WGSL allows exp 3 + 2|x| ULP
 *    and log/tanh are built on it; these outputs are bounded or linear beyond |x| ≈ 9, so rtol 1e-5,
 *    and atol 1e-6 near 0 (expm1 cancellation in elu/selu near 0 is absolute, not relative);
 *  - exponential itself up to x = 80: the spec bound is 3 + 2·80 ULP ≈ 1.9e-5 relative, so rtol 3e-5
 *    (SwiftShader does better; a real GPU may use all of it);
 *  - gelu (exact form): the shader's erf approximation has |error| < 1.2e-7, times 0.5·|x| ≤ 4, so
 *    atol 2e-6 on top of the f32 rounding;
 *  - gelu (tanh form): tanh and the cubic in f32: atol 2e-6, rtol 1e-5.
 */
import { describe, it } from 'vitest';
import { makeActivation } from '../../../src/graph/activations.ts';
import { ActivationKind, F32_MAX, type Activation } from '../../../src/graph/ir.ts';
import { executeReference } from '../../../src/reference/execute.ts';
import { expectTensorsClose, type Tolerance } from '../../util/compare.ts';
import { singleOpGraph } from '../../util/graphs.ts';
import { runGraphOnGpu } from '../../util/gpu.ts';

const K = ActivationKind;
const LINEARISH: Tolerance = { atol: 1e-6, rtol: 1e-6 };
const EXP: Tolerance = { atol: 1e-6, rtol: 1e-5 };
const GELU: Tolerance = { atol: 2e-6, rtol: 1e-5 };
const EXPONENTIAL: Tolerance = { atol: 1e-6, rtol: 3e-5 };

/** Extremes that exercise overflow handling (exp(±100) overflows f32; ±88 is right at the edge). */
const HUGE = [-100, -88, -50, -20, -9, 9, 20, 50, 88, 100];
/** Exponential overflows f32 above ~88.7, as in Keras: stay below that. */
const EXP_SAFE = [-100, -80, -20, 20, 60, 80];

interface Case {
  name: string;
  act: Activation;
  tol: Tolerance;
  extremes: number[];
}

const cases: Case[] = [
  { name: 'linear', act: makeActivation(K.Linear), tol: LINEARISH, extremes: HUGE },
  { name: 'relu', act: makeActivation(K.Relu), tol: LINEARISH, extremes: HUGE },
  { name: 'relu6', act: makeActivation(K.Relu6), tol: LINEARISH, extremes: HUGE },
  { name: 'elu (alpha 1)', act: makeActivation(K.Elu, 1), tol: EXP, extremes: HUGE },
  { name: 'ELU layer alpha 0.5', act: makeActivation(K.Elu, 0.5), tol: EXP, extremes: HUGE },
  { name: 'selu', act: makeActivation(K.Selu), tol: EXP, extremes: HUGE },
  { name: 'gelu (erf)', act: makeActivation(K.Gelu), tol: GELU, extremes: HUGE },
  { name: 'gelu (tanh approximation)', act: makeActivation(K.GeluTanh), tol: GELU, extremes: HUGE },
  { name: 'sigmoid', act: makeActivation(K.Sigmoid), tol: EXP, extremes: HUGE },
  { name: 'hard_sigmoid Keras 2', act: makeActivation(K.HardSigmoidKeras2), tol: LINEARISH, extremes: HUGE },
  { name: 'hard_sigmoid Keras 3', act: makeActivation(K.HardSigmoidKeras3), tol: LINEARISH, extremes: HUGE },
  { name: 'tanh', act: makeActivation(K.Tanh), tol: EXP, extremes: HUGE },
  { name: 'softplus', act: makeActivation(K.Softplus), tol: EXP, extremes: HUGE },
  { name: 'softsign', act: makeActivation(K.Softsign), tol: LINEARISH, extremes: HUGE },
  { name: 'swish / silu', act: makeActivation(K.Swish), tol: EXP, extremes: HUGE },
  { name: 'LeakyReLU layer default 0.3', act: makeActivation(K.LeakyRelu, 0.3), tol: LINEARISH, extremes: HUGE },
  { name: 'leaky_relu function 0.2', act: makeActivation(K.LeakyRelu, 0.2), tol: LINEARISH, extremes: HUGE },
  { name: 'exponential', act: makeActivation(K.Exponential), tol: EXPONENTIAL, extremes: EXP_SAFE },
  { name: 'hard_swish / hard_silu', act: makeActivation(K.HardSwish), tol: LINEARISH, extremes: HUGE },
  { name: 'mish', act: makeActivation(K.Mish), tol: EXP, extremes: HUGE },
  { name: 'ReLU(max_value 6) as general', act: makeActivation(K.ReluGeneral, 0, 6, 0), tol: LINEARISH, extremes: HUGE },
  { name: 'ReLU(negative_slope 0.1)', act: makeActivation(K.ReluGeneral, 0.1, F32_MAX, 0), tol: LINEARISH, extremes: HUGE },
  { name: 'ReLU(threshold 0.5)', act: makeActivation(K.ReluGeneral, 0, F32_MAX, 0.5), tol: LINEARISH, extremes: HUGE },
  { name: 'ReLU(max 2.5, slope 0.2, threshold 0.3)', act: makeActivation(K.ReluGeneral, 0.2, 2.5, 0.3), tol: LINEARISH, extremes: HUGE },
];

function inputs(extremes: number[]): Float32Array {
  const n = 1001;
  const values = Array.from({ length: n }, (_, i) => -8 + (16 * i) / (n - 1));
  return Float32Array.from([...values, ...extremes, 0, -0, 1e-7, -1e-7]);
}

describe('activation op (all ActivationKinds) vs CPU reference', () => {
  it('covers every ActivationKind', () => {
    const covered = new Set(cases.map((c) => c.act.kind));
    const missing = Object.values(K).filter((k) => typeof k === 'number' && !covered.has(k));
    if (missing.length > 0) throw new Error(`no test case for ActivationKind ${missing.join(', ')}`);
  });

  for (const c of cases) {
    it(c.name, async () => {
      const data = inputs(c.extremes);
      const x = { shape: [1, data.length], data };
      const graph = singleOpGraph({ op: 'activation', attrs: { activation: c.act }, inputShapes: [x.shape] });
      const [gpu] = await runGraphOnGpu(graph, [x]);
      const { outputs } = executeReference(graph, [x]);
      expectTensorsClose(gpu, outputs[0], c.tol, c.name);
    });
  }
});
