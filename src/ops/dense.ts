/** Dense: a matrix product on the last axis with fused bias and activation. */
import { ShapeError } from '../errors.ts';
import { parseActivation, activationConstants } from '../graph/activations.ts';
import type { Activation } from '../graph/ir.ts';
import { dispatch1D, leadingSize } from './dispatch.ts';
import { padColumnsTo4, planDense, SPLITK_MIN_K, type DensePlan } from './dense-plan.ts';
import { foldIntoKernel, fuseIntoEpilogue } from './epilogue.ts';
import { defineOp, type BufferRef, type KernelStep, type NodeDraft, type OpNode } from './types.ts';
import { countOf, requireWeight, softmaxDraft } from './util.ts';

export interface DenseAttrs {
  units: number;
  activation: Activation;
  /** Forces a kernel (autotuning, tests); absent: chosen by planDense's rule. */
  variant?: DensePlan['variant'];
}

const WG = 64;
/**
 * Larger kernels are not autotuned: each candidate's timing run uploads the weights again, which
 * for the seed network's 96 MB Dense costs more at load than the choice could save (the rule picks
 * the memory-bound split-K path there, at the copy-probe bound).
 */
const TUNE_MAX_WEIGHT_BYTES = 16 << 20;

export const dense = defineOp<DenseAttrs>({
  op: 'dense',

  fromKeras(layer, ctx) {
    const { use_bias: useBias = true } = layer.config;
    const parsed = parseActivation(layer.config.activation, ctx.kerasMajor, layer.name, layer.className);
    const kernel = requireWeight(layer, 0, 'kernel');
    const weights = [kernel];
    if (useBias) weights.push(requireWeight(layer, 1, 'bias'));
    const units = countOf(layer.config.units, 'units', layer) ?? kernel.shape[1];
    const draft: NodeDraft<object> = { op: 'dense', attrs: { units, activation: parsed.act } satisfies DenseAttrs, weights };
    return parsed.softmax ? [draft, softmaxDraft(-1)] : draft;
  },

  inferShape(node, [input]) {
    const { units } = node.attrs;
    const kernel = node.weights[0];
    const K = input[input.length - 1];
    if (kernel.shape[0] !== K) {
      throw new ShapeError(
        `Layer "${node.name}" (Dense) expects ${kernel.shape[0]} input features on the last axis, got ${K} (input shape [${input.join(', ')}])`,
      );
    }
    return [...input.slice(0, -1), units];
  },

  encode(node: OpNode<DenseAttrs>, { inputShapes, outputShape }): KernelStep[] {
    const { units, activation, variant } = node.attrs;
    const K = inputShapes[0][inputShapes[0].length - 1];
    const rows = leadingSize(outputShape);
    const N4 = Math.ceil(units / 4);
    const plan = planDense(rows, K, units, variant);
    // Plan-time layouts (once, memoised): kernel and bias padded to whole vec4 of units.
    const kernel: BufferRef = { kind: 'constant', data: padColumnsTo4(node.weights[0].data, units), label: `${node.name}/kernel` };
    const biasData = node.weights[1] ? padColumnsTo4(node.weights[1].data, units) : new Float32Array(N4 * 4);
    const bias: BufferRef = { kind: 'constant', data: biasData, label: `${node.name}/bias` };
    const input: BufferRef = { kind: 'tensor', name: node.inputs[0] };
    const output: BufferRef = { kind: 'tensor', name: node.output };
    const flops = 2 * rows * K * units;
    const act = activationConstants(activation);
    if (plan.variant === 'gemm') {
      const colBlocks = Math.ceil(N4 / 2);
      return [
        {
          label: `${node.name}/dense`,
          shader: ['lib_nan.wgsl', 'lib_activation.wgsl', 'lib_flat_main.wgsl', 'lib_dense_store.wgsl', 'dense_gemm.wgsl'],
          constants: { WG, VEC_IN: K % 4 === 0 ? 1 : 0, ...act },
          params: { rows, inFeatures: K, outFeatures: units, n4: N4, colBlocks },
          // input4 is the same tensor seen as vec4 (used only when VEC_IN).
          bindings: { input, input4: input, kernel, bias, output },
          dispatch: dispatch1D(Math.ceil(rows / 4) * colBlocks, WG),
          flops,
        },
      ];
    }
    const { rowsPerInvocation: RB, rowBlocks, slices, sliceLen } = plan;
    // A scratch buffer is the node's own, named by its label: the reduce step reads the partials
    // the split-K step wrote because both bind the same BufferRef.
    const partials: BufferRef = { kind: 'scratch', bytes: slices * rows * N4 * 16, label: `${node.name}/partials` };
    return [
      {
        label: `${node.name}/dense-splitk`,
        shader: ['lib_flat_main.wgsl', 'dense_splitk.wgsl'],
        constants: { WG, RB },
        params: { rows, inFeatures: K, n4: N4, slices, sliceLen, rowBlocks },
        bindings: { input, kernel, partials },
        dispatch: dispatch1D(rowBlocks * slices * N4, WG),
        flops,
      },
      {
        label: `${node.name}/dense-reduce`,
        shader: ['lib_nan.wgsl', 'lib_activation.wgsl', 'lib_flat_main.wgsl', 'lib_dense_store.wgsl', 'dense_reduce.wgsl'],
        constants: { WG, ...act },
        params: { rows, outFeatures: units, n4: N4, slices },
        bindings: { partials, bias, output },
        dispatch: dispatch1D(rows * N4, WG),
        flops: rows * slices * N4 * 4,
      },
    ];
  },

  tuningCandidates(node, { inputShapes, outputShape }) {
    const { units, variant } = node.attrs;
    const K = inputShapes[0][inputShapes[0].length - 1];
    if (variant || K < SPLITK_MIN_K || node.weights[0].data.byteLength > TUNE_MAX_WEIGHT_BYTES) return [];
    const rule = planDense(leadingSize(outputShape), K, units).variant;
    const other = rule === 'gemm' ? 'splitk' : 'gemm';
    return [rule, other].map((v) => ({ label: v, attrs: { variant: v } }));
  },

  fuseActivation: fuseIntoEpilogue,

  // y·s + t = x·(W·s) + (b·s + t): [K, units], the unit is the last axis.
  foldScaleShift: (node, scale, shift) => foldIntoKernel(node, (node.attrs).units, 1, scale, shift),
});
