/**
 * Kernels checked against real Keras (scripts/keras_refs/layers_3d.py, layers_2d.py), not against our
 * own CPU references: Conv3DTranspose (conv3d_transpose.wgsl), MaxPooling3D / AveragePooling3D 'same'
 * and 'valid' (pool3d.wgsl), strided / 'valid' / dilated Conv3D (conv3d_blocked.wgsl and
 * conv3d_blocked_x3_2y.wgsl, which the rule gives these 2-filter layers) and grouped Conv2D
 * (conv2d_grouped.wgsl). Each fixture holds many configurations of one layer class side by side, each
 * Flatten-ed into one concatenated output; the test slices that output per configuration (order and
 * lengths from layers.json) and reports the error of each, so a wrong edge window or pad names its
 * layer. It also asserts that every configuration ran the shader under test: the production rules
 * pick the kernel, and a rule change must not move a configuration off it unnoticed.
 *
 * The same fixtures and tolerances run on WebAssembly (our export of the same graph in ONNX Runtime
 * Web): the op each layer became is checked there too, the shader only on WebGPU (ORT runs no
 * shaders of ours).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNpy } from '../../../src/formats/npy.ts';
import type { Tensor } from '../../../src/tensor.ts';
import { repoRoot } from '../../util/fixtures.ts';
import { expectTensorsClose, type Tolerance } from '../../util/compare.ts';
import { gpuPage, loadModelInPage, type LoadedModel } from '../../util/gpu.ts';
import type { PageApi } from '../../../src/cli/page/page.ts';
import { toWire } from '../../../src/cli/wire.ts';
import { BACKENDS, expectOnBackend } from '../../util/backends.ts';

interface LayerRow {
  name: string;
  class: string;
  inbound: string[];
  output_shape: (number | null)[];
}

interface Fixture {
  name: string;
  /**
   * The Keras class(es) under test, with the engine op and the shader file each layer must run as;
   * a list where the rule spreads the layers over several kernels: each layer runs one of them, and
   * each of them runs on some layer.
   */
  classes: Record<string, { op: string; shader: string | readonly string[] }>;
  /** Layers of those classes in the fixture: a regenerated fixture that lost some fails here. */
  count: number;
  tol: Tolerance;
}

// Measured on SwiftShader (2026-12-02), max |GPU − Keras| over both samples and every configuration:
//   conv3d_transpose_variants 3.6e-7 (outputs in [−1.1, 1.5]), conv3d_variants 3.6e-7 ([−1.7, 2.0]):
//   float32 sums of up to 192 products in another order than TF's: a few ulps of the outputs. Tolerance
//   4× that, 1.5e-6: one wrong or missing tap (a pad, stride or output_padding off by one) changes an
//   output by one product |w·x|, on average 0.03–0.06 with these weights, 10⁴ × the bound.
//   pool3d_variants 0 (bit-identical, the averages included). Tolerance 2 ulps of 1.0 (1.2e-7), for
//   an adapter that sums or divides in another order; counting the padded cells in a 'same' average
//   (what TF does not do) moves the edge outputs of pool 2 'same' here by up to 0.70 (median 0.12).
// Absolute only: every value is O(1).
const FIXTURES: Fixture[] = [
  {
    name: 'conv3d_transpose_variants',
    classes: { Conv3DTranspose: { op: 'conv3d_transpose', shader: 'conv3d_transpose.wgsl' } },
    count: 9,
    tol: { atol: 1.5e-6, rtol: 0 },
  },
  {
    name: 'pool3d_variants',
    classes: { MaxPooling3D: { op: 'pool3d', shader: 'pool3d.wgsl' }, AveragePooling3D: { op: 'pool3d', shader: 'pool3d.wgsl' } },
    count: 16,
    tol: { atol: 1.2e-7, rtol: 0 },
  },
  // 2 filters: chooseConv3DVariant (src/ops/conv3d.ts) runs them on the blocked kernels: x3_2y where
  // the kernel rows are 3 wide at stride 1 in x and the y stride is 1, blocked elsewhere (no
  // configuration here has stride 1 in x but not in y, which x3 takes; MeshNet model11 runs x3
  // against its reference in meshnet.test.ts). conv3d.wgsl (> 16 filters) is checked
  // against the CPU reference in test/gpu/kernels/conv3d.test.ts.
  {
    name: 'conv3d_variants',
    classes: { Conv3D: { op: 'conv3d', shader: ['conv3d_blocked.wgsl', 'conv3d_blocked_x3_2y.wgsl'] } },
    count: 10,
    tol: { atol: 1.5e-6, rtol: 0 },
  },
  // Measured 3.6e-7 (outputs in [−2.3, 2.1]; Keras itself is within 2.6e-7 of a float64 numpy grouped
  // conv). 4× that, 1.5e-6; channels read from the wrong group change every output by many such products.
  { name: 'conv2d_grouped_variants', classes: { Conv2D: { op: 'conv2d', shader: 'conv2d_grouped.wgsl' } }, count: 8, tol: { atol: 1.5e-6, rtol: 0 } },
];

/** [branch layer name, start, length] of each Flatten-ed configuration inside the concatenated output. */
function slices(rows: LayerRow[]): [string, number, number][] {
  const byName = new Map(rows.map((r) => [r.name, r]));
  const concat = rows.find((r) => r.class === 'Concatenate');
  if (!concat) throw new Error('fixture has no Concatenate layer');
  let start = 0;
  return concat.inbound.map((flat) => {
    const length = byName.get(flat)!.output_shape.slice(1).reduce<number>((a, b) => a * b!, 1);
    const branch = byName.get(flat)!.inbound[0];
    const at = start;
    start += length;
    return [branch, at, length];
  });
}

/** Columns [start, start + length) of a [N, F] tensor, as an [N, length] tensor. */
function columns(t: Tensor, start: number, length: number): Tensor {
  const [n, f] = t.shape;
  const data = new Float32Array(n * length);
  for (let i = 0; i < n; i++) data.set(t.data.subarray(i * f + start, i * f + start + length), i * length);
  return { shape: [n, length], data };
}

/** The shader files each layer's steps ran (the last file of each linked shader: the kernel itself). */
async function shadersByLayer(model: LoadedModel, inputs: Tensor[]): Promise<Map<string, Set<string>>> {
  const page = await gpuPage();
  const r = await page.evaluate(
    (h, xs) => (globalThis as unknown as { mi: PageApi }).mi.profile(h, xs, { repeats: 1, warmup: 0 }),
    model.handle,
    inputs.map(toWire),
  );
  if ('error' in r) throw new Error(`profile failed: ${r.error.message}`);
  const byLayer = new Map<string, Set<string>>();
  for (const step of r.steps) {
    if (!byLayer.has(step.layer)) byLayer.set(step.layer, new Set());
    byLayer.get(step.layer)!.add(step.shader[step.shader.length - 1]);
  }
  return byLayer;
}

describe.each(BACKENDS)('layer variants vs real Keras 3 (independent oracle) on %s', (backend) => {
  for (const fx of FIXTURES) {
    it(fx.name, async () => {
      const dir = join(repoRoot, 'test/fixtures/keras', fx.name);
      const meta = JSON.parse(readFileSync(join(dir, 'layers.json'), 'utf8')) as { layers: LayerRow[] };
      const input = parseNpy(readFileSync(join(dir, 'input.npy')));
      const expected = parseNpy(readFileSync(join(dir, 'output.npy')));
      const model = await loadModelInPage(join(dir, 'model.keras'), { backend });
      try {
        expectOnBackend(model, backend);
        // The layers under test must run as the op whose shader this file is about, not be folded
        // or rewritten into something else (then Keras would be checking another kernel).
        const tested = model.info.layers.filter((l) => l.kerasClass in fx.classes);
        expect(tested).toHaveLength(fx.count);
        for (const l of tested) expect(`${l.name}: ${l.op}`).toBe(`${l.name}: ${fx.classes[l.kerasClass].op}`);
        if (backend === 'webgpu') {
          // Which shader ran is a WebGPU question: on WebAssembly ONNX Runtime chooses its own kernels.
          const ran = await shadersByLayer(model, [input]);
          const seen = new Set<string>();
          for (const l of tested) {
            const want = fx.classes[l.kerasClass].shader;
            const got = [...(ran.get(l.name) ?? [])].join(' + ');
            seen.add(got);
            if (typeof want === 'string') expect(`${l.name}: ${got}`).toBe(`${l.name}: ${want}`);
            else expect(want, `${l.name} ran ${got}`).toContain(got);
          }
          for (const { shader } of Object.values(fx.classes)) {
            if (typeof shader !== 'string') for (const f of shader) expect(seen, `no layer ran ${f}`).toContain(f);
          }
        }

        const [out] = await model.run([input]);
        const parts = slices(meta.layers);
        expect(parts.reduce((n, [, , len]) => n + len, 0)).toBe(expected.shape[1]);
        let worst = 0;
        for (const [branch, start, length] of parts) {
          const stats = expectTensorsClose(columns(out, start, length), columns(expected, start, length), fx.tol, `${fx.name}/${branch}`);
          console.log(`${backend} ${fx.name}/${branch}: max abs error ${stats.maxAbs.toExponential(2)}`);
          worst = Math.max(worst, stats.maxAbs);
        }
        // The whole output too (shape included), so nothing outside the slices goes unchecked.
        expectTensorsClose(out, expected, fx.tol, fx.name);
        console.log(`${backend} ${fx.name}: max abs error ${worst.toExponential(2)} over ${parts.length} configurations`);
      } finally {
        await model.dispose();
      }
    });
  }
});
