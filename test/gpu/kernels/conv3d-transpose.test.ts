/**
 * Conv3DTranspose (shaders/conv3d_transpose.wgsl, gather form) vs the float64 scatter-form CPU
 * reference: strides 1/2/3, 'same' and 'valid' on odd and even sizes, output_padding, non-cubic
 * kernels and strides, channels 1/3/5, batch 2, no bias, fused activation.
 */
import { describe, it } from 'vitest';
import { parseActivation } from '../../../src/graph/activations.ts';
import type { Conv3DTransposeAttrs } from '../../../src/ops/conv3d-transpose.ts';
import type { Padding } from '../../../src/geometry/window.ts';
import { executeReference } from '../../../src/reference/execute.ts';
import { expectTensorsClose, F32 } from '../../util/compare.ts';
import { runGraphOnGpu } from '../../util/gpu.ts';
import { singleOpGraph } from '../../util/graphs.ts';
import { randomArray, randomTensor } from '../../util/random.ts';

interface Case {
  name: string;
  input: number[];
  filters: number;
  kernel: [number, number, number];
  strides: [number, number, number];
  padding: Padding;
  outputPadding?: [number, number, number];
  act?: string;
  noBias?: boolean;
}

const cases: Case[] = [
  { name: '2×2×2 stride 2 valid (U-Net up-conv) on odd 3×5×7, 3 → 5', input: [1, 3, 5, 7, 3], filters: 5, kernel: [2, 2, 2], strides: [2, 2, 2], padding: 'valid' },
  { name: '3×3×3 stride 2 same on odd 3×4×5, 1 → 3, relu', input: [1, 3, 4, 5, 1], filters: 3, kernel: [3, 3, 3], strides: [2, 2, 2], padding: 'same', act: 'relu' },
  { name: '3×3×3 stride 2 valid on even 4×4×6, 5 → 1', input: [1, 4, 4, 6, 5], filters: 1, kernel: [3, 3, 3], strides: [2, 2, 2], padding: 'valid' },
  { name: '4×4×4 stride 2 same on even 2×4×6, 3 → 3, elu', input: [1, 2, 4, 6, 3], filters: 3, kernel: [4, 4, 4], strides: [2, 2, 2], padding: 'same', act: 'elu' },
  { name: '3×3×3 stride 1 same, batch 2, 5 → 5, no bias', input: [2, 3, 4, 5, 5], filters: 5, kernel: [3, 3, 3], strides: [1, 1, 1], padding: 'same', noBias: true },
  { name: 'output_padding (1, 0, 1), 3×3×3 stride 2 same', input: [1, 3, 3, 4, 3], filters: 5, kernel: [3, 3, 3], strides: [2, 2, 2], padding: 'same', outputPadding: [1, 0, 1] },
  { name: 'output_padding (0, 1, 2), stride 3 valid, 2×2×3 kernel', input: [1, 2, 3, 3, 3], filters: 3, kernel: [2, 2, 3], strides: [3, 2, 3], padding: 'valid', outputPadding: [0, 1, 2] },
  { name: 'non-cubic 1×3×2 kernel, strides (1, 2, 3) > kernel, same, sigmoid', input: [1, 3, 4, 5, 5], filters: 3, kernel: [1, 3, 2], strides: [1, 2, 3], padding: 'same', act: 'sigmoid' },
];

describe('conv3d_transpose kernel vs CPU reference', () => {
  cases.forEach((c, i) => {
    it(c.name, async () => {
      const cin = c.input[4];
      const taps = c.kernel[0] * c.kernel[1] * c.kernel[2];
      const s = Math.sqrt(3 / (taps * cin)) * 1.5;
      const weights = [{ name: 'kernel', shape: [...c.kernel, c.filters, cin], data: randomArray(taps * c.filters * cin, 1100 + i, -s, s) }];
      if (!c.noBias) weights.push({ name: 'bias', shape: [c.filters], data: randomArray(c.filters, 1200 + i, -0.2, 0.2) });
      const attrs: Conv3DTransposeAttrs = {
        filters: c.filters, kernelSize: c.kernel, strides: c.strides, padding: c.padding, outputPadding: c.outputPadding ?? null,
        activation: parseActivation(c.act ?? 'linear', 3, 'test', 'Conv3DTranspose').act,
      };
      const graph = singleOpGraph({ op: 'conv3d_transpose', attrs: attrs as unknown as Record<string, unknown>, weights, inputShapes: [c.input] });
      const x = randomTensor(c.input, 1300 + i);
      const [gpu] = await runGraphOnGpu(graph, [x]);
      // At most 27·5 products per output in f32 vs float64: ~1e-7 at O(1) outputs.
      expectTensorsClose(gpu, executeReference(graph, [x]).outputs[0], F32, c.name);
    });
  });
});
