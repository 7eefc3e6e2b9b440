/**
 * How long segmentVolume will take on this device, said before it starts: a whole 256³ volume runs
 * from tens of seconds (WebAssembly, a fast GPU) to hours (a software WebGPU adapter), and a user
 * about to wait deserves the number first. The estimate plans the same tiles segmentVolume will run
 * (planTiles), times one real tile of the model, and multiplies; the conform (when the scan is not on
 * the model's grid) is done and timed too, and counted twice, for the write-back's resampling.
 */
import type { MedicalImage } from '../formats/medical/types.ts';
import { planTiles, receptiveField } from '../runtime/tiled-volume.ts';
import { conformGrid, resampleLinear, sameGrid, type Shape3 } from './conform.ts';
import { headBox } from './crop.ts';
import type { SegmentModel, SegmentOptions } from './segment.ts';
import { checkVolume } from './volume-input.ts';

export interface SegmentEstimate {
  /** The voxels the model runs on: the model's grid, or the head box with `crop`. */
  shape: Shape3;
  /** The tile edge per axis and the number of tiles, as segmentVolume will cut the volume. */
  tile: [number, number, number];
  tiles: number;
  /**
   * Seconds one tile took here: the first run of that tile size, so it includes the model's set-up
   * for the size (pipelines, or WebAssembly's session) and the estimate errs long.
   */
  secondsPerTile: number;
  /** Seconds the conform took (0 when the scan is already on the model's grid). */
  conformSeconds: number;
  /** The whole run: conform + tiles × secondsPerTile + write-back (taken to cost what the conform did). */
  seconds: number;
}

/** Times one tile of `model` on zeros and returns the expected duration of segmentVolume(model, image, options). */
export async function estimateSegmentation(
  model: SegmentModel,
  image: MedicalImage,
  options: Pick<SegmentOptions, 'conform' | 'crop' | 'tile' | 'maxTileBytes'> = {},
): Promise<SegmentEstimate> {
  const input = checkVolume(image);
  const field = receptiveField(model.graph);
  const grid = options.conform === false ? input.grid : conformGrid(input.grid, options.conform || {});
  let conformed = input.data;
  let conformSeconds = 0;
  if (!sameGrid(grid, input.grid)) {
    const started = performance.now();
    conformed = resampleLinear(input.data, input.grid, grid);
    conformSeconds = (performance.now() - started) / 1000;
  }
  const shape = options.crop ? (headBox(conformed, grid.shape, field)?.size ?? grid.shape) : grid.shape;
  const reversed = model.metadata?.input?.orientation === 'reversed';
  const modelShape = reversed ? [shape[2], shape[1], shape[0]] : shape;
  const plan = planTiles(model, [1, ...modelShape, 1], options);
  const [d, h, w] = plan.tile;
  const started = performance.now();
  await model.predict({ shape: [1, d, h, w, 1], data: new Float32Array(d * h * w) });
  const secondsPerTile = (performance.now() - started) / 1000;
  return {
    shape,
    tile: plan.tile,
    tiles: plan.total,
    secondsPerTile,
    conformSeconds,
    seconds: 2 * conformSeconds + plan.total * secondsPerTile,
  };
}
