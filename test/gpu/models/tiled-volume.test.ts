/**
 * predictVolumeTiled (src/runtime/tiled-volume.ts) equals the whole-volume answer: a small dilated
 * 3-D network on a 48×40×44 volume with 32³ tiles (cores of 32 − halo, the last tile of each axis
 * shifted back inside, TF's asymmetric 'same' from an even kernel), run in the GPU page both ways.
 */
import { describe, expect, it } from 'vitest';
import { gpuPage } from '../../util/gpu.ts';
import type { tiledVsWhole } from '../../browser/tiled-volume.ts';

type Result = Awaited<ReturnType<typeof tiledVsWhole>>;

describe('predictVolumeTiled', () => {
  it('48×40×44 volume in 32³ tiles equals the untiled run', async () => {
    const page = await gpuPage();
    const r = (await page.evaluate(
      `import('/test/browser/tiled-volume.ts').then((m) => m.tiledVsWhole([1, 48, 40, 44, 1], 32))`,
    )) as Result;
    console.log(`tiled vs whole: ${r.tiles} tiles, reach before ${r.reach.before} after ${r.reach.after}, max |diff| ${r.maxDiff}, ${r.differing} values differ`);
    // Receptive field: 1 + 2 + (2×2×2 kernel at dilation 3: 1 below, 2 above) per axis.
    expect(r.reach).toEqual({ before: [4, 4, 4], after: [5, 5, 5] });
    expect(r.tiles).toBe(8);
    expect(r.shape).toEqual(r.wholeShape);
    // Same kernels, same summation order per voxel: equal, not merely close.
    expect(r.maxDiff).toBe(0);
  });
});
