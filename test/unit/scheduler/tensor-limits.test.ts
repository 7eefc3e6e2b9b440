/**
 * Planning checks every tensor's size before anything of it exists (checkedShapes in
 * src/scheduler/layout.ts): bigger than the device binds is a GPUMemoryError naming the layer, its
 * output shape and bytes; within the device but over limits.maxTensorElements is a LimitError naming
 * the layer. CPU only: the device limits are numbers here.
 */
import { describe, expect, it } from 'vitest';
import { GPUMemoryError, LimitError } from '../../../src/errors.ts';
import { readKerasModel } from '../../../src/formats/read-model.ts';
import { buildGraph } from '../../../src/compile/from-keras.ts';
import type { Graph } from '../../../src/graph/ir.ts';
import { checkedShapes, planLayout } from '../../../src/scheduler/layout.ts';

/** [?, 64, 64, 4] → UpSampling2D(size) "big_up" → Flatten. */
async function upsampler(size: number): Promise<Graph> {
  const layers = [
    { class_name: 'InputLayer', config: { name: 'x', dtype: 'float32', batch_input_shape: [null, 64, 64, 4] } },
    { class_name: 'UpSampling2D', config: { name: 'big_up', size: [size, size], interpolation: 'nearest', data_format: 'channels_last' } },
    { class_name: 'Flatten', config: { name: 'flat' } },
  ];
  const modelJson = { format: 'layers-model', modelTopology: { class_name: 'Sequential', config: { name: 'up', layers } }, weightsManifest: [] };
  return buildGraph(await readKerasModel({ modelJson, weights: [] }));
}

const GIB = 2 ** 30;
const device = { maxBufferSize: GIB, maxStorageBufferBindingSize: GIB };

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

describe('tensor sizes are checked before planning allocates', () => {
  it('an output bigger than the device binds is a GPUMemoryError naming the layer, shape and bytes', async () => {
    const graph = await upsampler(200);
    const err = thrown(() => planLayout(graph, [[1, 64, 64, 4]], device));
    expect(err).toBeInstanceOf(GPUMemoryError);
    expect(err.message).toBe(
      'Layer "big_up": its output [1, 12800, 12800, 4] needs a 2621440000-byte buffer, but this GPU binds at most 1073741824 bytes; try a smaller input or batch',
    );
    expect((err as GPUMemoryError).layerName).toBe('big_up');
  });

  it('an input bigger than the device binds names the input', async () => {
    const graph = await upsampler(1);
    expect(thrown(() => checkedShapes(graph, [[300, 1024, 1024, 4]], device)).message).toMatch(/^input "x:0:0" \[300, 1024, 1024, 4\] needs a 5033164800-byte buffer/);
  });

  it('within the device but over limits.maxTensorElements: a LimitError naming the layer and how to raise it', async () => {
    const graph = await upsampler(4); // [1, 256, 256, 4] = 262144 elements
    const err = thrown(() => checkedShapes(graph, [[1, 64, 64, 4]], { ...device, maxTensorElements: 100_000 }));
    expect(err).toBeInstanceOf(LimitError);
    expect(err.message).toBe(
      'Layer "big_up" (UpSampling2D): its output [1, 256, 256, 4] is 262144 elements, over the limit of 100000 (raise limits.maxTensorElements (mi: --max-tensor-elements))',
    );
    expect(planLayout(graph, [[1, 64, 64, 4]], device).peakBytes).toBeGreaterThan(262144 * 4);
  });
});
