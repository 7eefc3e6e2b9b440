/**
 * How long segmentVolume will take on this device, said before it starts: a whole 256³ volume runs
 * from tens of seconds (WebAssembly, a fast GPU) to hours (a software WebGPU adapter), and a user
 * about to wait deserves the number first. The estimate plans the same tiles segmentVolume will run
 * (planTiles), times the model on a probe of at most 64³ voxels (run twice: the first run sets the
 * model up for the size, the second is timed), scales that by the tile's voxels (convolution work
 * grows with the voxels) and multiplies by the tiles. The conform (when the scan is not on the
 * model's grid) is done and timed too, and counted twice, for the write-back's resampling. Timing a
 * whole tile instead would cost as much as a one-tile run itself.
 */
import type { MedicalImage } from '../formats/medical/types.ts';
import { planTiles, receptiveField } from '../runtime/tiled-volume.ts';
import { resampleLinear, sameGrid, type Shape3 } from './conform.ts';
import { defaultTileBytes, inferenceBox, modelGrid, type SegmentModel, type SegmentOptions } from './segment.ts';
import { checkVolume } from './volume-input.ts';

/** The largest probe edge: a 64³ probe takes a fraction of a second on WebAssembly, seconds on a software GPU. */
const PROBE_EDGE = 64;

export interface SegmentEstimate {
  /** The voxels the model runs on: the model's grid, or the head box with `crop`. */
  shape: Shape3;
  /** The tile edge per axis and the number of tiles, as segmentVolume will cut the volume. */
  tile: [number, number, number];
  tiles: number;
  /** Seconds one tile should take here: the probe's time scaled by the tile's voxels. */
  secondsPerTile: number;
  /** The probe that was timed: its edge per axis and seconds (its second run). */
  probe: { size: [number, number, number]; seconds: number };
  /** Seconds the conform took (0 when the scan is already on the model's grid). */
  conformSeconds: number;
  /** The whole run: conform + tiles × secondsPerTile + write-back (taken to cost what the conform did). */
  seconds: number;
}

/** Times a probe of `model` on zeros and returns the expected duration of segmentVolume(model, image, options). */
export async function estimateSegmentation(
  model: SegmentModel,
  image: MedicalImage,
  options: Pick<SegmentOptions, 'conform' | 'crop' | 'tile' | 'maxTileBytes'> = {},
): Promise<SegmentEstimate> {
  const input = checkVolume(image);
  const field = receptiveField(model.graph);
  const grid = modelGrid(input.grid, options.conform);
  let conformed = input.data;
  let conformSeconds = 0;
  if (!sameGrid(grid, input.grid)) {
    const started = performance.now();
    conformed = resampleLinear(input.data, input.grid, grid);
    conformSeconds = (performance.now() - started) / 1000;
  }
  const { box, modelShape } = inferenceBox(model, conformed, grid.shape, field, options.crop);
  const plan = planTiles(model, [1, ...modelShape, 1], { tile: options.tile, maxTileBytes: options.maxTileBytes ?? defaultTileBytes(model) });
  const [d, h, w] = plan.tile.map((t) => Math.min(t, PROBE_EDGE));
  const probe = { shape: [1, d, h, w, 1], data: new Float32Array(d * h * w) };
  await model.predict(probe);
  const started = performance.now();
  await model.predict(probe);
  const probeSeconds = (performance.now() - started) / 1000;
  const secondsPerTile = (probeSeconds * plan.tile.reduce((n, t) => n * t, 1)) / (d * h * w);
  return {
    shape: box.size,
    tile: plan.tile,
    tiles: plan.total,
    secondsPerTile,
    probe: { size: [d, h, w], seconds: probeSeconds },
    conformSeconds,
    seconds: 2 * conformSeconds + plan.total * secondsPerTile,
  };
}
