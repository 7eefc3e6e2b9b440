/**
 * A stand-in segmentation model for CPU tests of the pipeline: a "network" with no layers (no
 * receptive field) whose two class scores per voxel are 0.5 and the voxel's normalised value, so the
 * labels are known: 1 where the normalised intensity exceeds 0.5. Counts its predict calls.
 */
import type { SegmentModel } from '../../../src/segment/segment.ts';
import type { Tensor } from '../../../src/tensor.ts';

/** Threshold-at-0.5 model: scores [0.5, x] per voxel; a graph with no nodes has no receptive field. */
export function thresholdModel(metadata?: SegmentModel['metadata']): SegmentModel & { calls: number } {
  const model = {
    calls: 0,
    metadata,
    graph: { inputs: [{ name: 'x', shape: [null, null, null, null, 1] }], outputs: ['x'], nodes: [], meta: { name: 't', kerasVersion: '', format: 'test' } },
    memoryLimits: { maxStorageBufferBindingSize: 2 ** 30, maxBufferSize: 2 ** 30 },
    async predict(t: Tensor): Promise<Tensor> {
      model.calls++;
      const out = new Float32Array(t.data.length * 2);
      for (let n = 0; n < t.data.length; n++) {
        out[2 * n] = 0.5;
        out[2 * n + 1] = t.data[n];
      }
      return { shape: [...t.shape.slice(0, 4), 2], data: out };
    },
  };
  return model;
}

