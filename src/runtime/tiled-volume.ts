/**
 * Sub-volume tiling for fully convolutional 3-D networks (MeshNet and the like): a 256³ MRI with
 * tens of channels per voxel needs activations of ~1.4 GB, more than a GPU binds in one buffer, so
 * the volume is cut into overlapping tiles that each fit, and the central part ("core") of each
 * tile's answer is stitched into the result.
 *
 * Why the result EQUALS the whole-volume answer: an output voxel depends only on input voxels
 * within the graph's receptive field, `before` voxels below and `after` above it on each axis
 * (for a chain of stride-1 'same' convolutions, Σ dilation·(kernel−1)/2 per side, computed below
 * from the graph). A tile adds a halo of that width around its core, so every core voxel sees
 * exactly the inputs it sees in the whole volume: where the halo would leave the volume, the tile
 * stops at the volume's edge, whose zero padding is then the whole volume's own. Tiles all have
 * one size (the last one on an axis is shifted back inside the volume rather than shrunk), so one
 * compiled plan serves every tile. The kernels sum each voxel's terms in an order that does not
 * depend on where the voxel sits, so stitched voxels are bit-identical to an untiled run.
 */
import { ShapeError } from '../errors.ts';
import { inferShapes } from '../compile/shapes.ts';
import type { Graph } from '../graph/ir.ts';
import { axisGeometry } from '../geometry/window.ts';
import { isOpKey, OPS } from '../ops/registry.ts';
import type { Tensor } from '../tensor.ts';

/**
 * What tiling needs of a loaded model (the WebGPU Model and the WebAssembly WasmModel both fit): its
 * graph, the sizes one activation may take (the device's buffers, or WebAssembly's 4 GiB memory)
 * and one prediction. Named here rather than imported, so the runtime stays below the model.
 */
export interface VolumeModel {
  readonly graph: Graph;
  readonly memoryLimits: { readonly maxStorageBufferBindingSize: number; readonly maxBufferSize: number };
  predict(input: Tensor): Promise<Tensor>;
}

/** A per-axis extent [depth, height, width] (or one number for all three). */
export type Extent3 = number | readonly [number, number, number];

export interface TiledVolumeOptions {
  /**
   * Tile size in voxels, per axis; clipped to the volume. Default: the largest cube whose biggest
   * activation fits the device's largest storage binding and `maxTileBytes`.
   */
  tile?: Extent3;
  /**
   * Halo around each core, per axis and side. Default and minimum: the graph's receptive field
   * (`receptiveField`); a smaller halo would change the answer and is rejected.
   */
  halo?: Extent3;
  /** Cap on the bytes of any one activation of a tile when `tile` is not given (default 256 MiB). */
  maxTileBytes?: number;
  /** Called after each tile with (tiles done, tiles in all). */
  onProgress?: (done: number, total: number) => void;
}

/** How far an output voxel reaches into the input: `before[a]` voxels below, `after[a]` above, per axis. */
export interface Reach {
  before: [number, number, number];
  after: [number, number, number];
}

const triple = (e: Extent3): [number, number, number] => (typeof e === 'number' ? [e, e, e] : [e[0], e[1], e[2]]);

/**
 * The receptive field of the graph's (single) output over its (single) input: how many voxels
 * below and above each output voxel, per axis, can change it. Throws for graphs that are not
 * stride-1, same-size 3-D networks whose ops declare their footprint (OpModule.footprint).
 */
export function receptiveField(graph: Graph): Reach {
  const reach = new Map<string, Reach>();
  const rank = graph.inputs[0]?.shape.length ?? 0;
  for (const input of graph.inputs) reach.set(input.name, { before: [0, 0, 0], after: [0, 0, 0] });
  for (const node of graph.nodes) {
    const ins = node.inputs.map((t) => reach.get(t)!);
    const r: Reach = { before: [0, 0, 0], after: [0, 0, 0] };
    for (let a = 0; a < 3; a++) {
      r.before[a] = Math.max(...ins.map((x) => x.before[a]));
      r.after[a] = Math.max(...ins.map((x) => x.after[a]));
    }
    const window = isOpKey(node.op) ? OPS[node.op].footprint?.(node, rank) : undefined;
    if (window?.kind === 'window') {
      for (let a = 0; a < 3; a++) {
        const effective = (window.kernel[a] - 1) * window.dilation[a] + 1;
        if (window.strides[a] !== 1 || (window.padding !== 'same' && effective > 1)) {
          throw new ShapeError(`Layer "${node.name}" (${node.kerasClass}): tiling needs stride-1 'same' windows (output voxel = input voxel)`);
        }
        // TF 'same' at stride 1: padBefore = floor((effective − 1) / 2) cells below, the rest above.
        const g = axisGeometry(effective, effective, 1, 1, 'same');
        r.before[a] += g.padBefore;
        r.after[a] += g.padAfter;
      }
    } else if (window?.kind !== 'pointwise') {
      throw new ShapeError(`Layer "${node.name}" (${node.kerasClass}, op ${node.op}): volume tiling does not know this op's receptive field`);
    }
    reach.set(node.output, r);
  }
  return reach.get(graph.outputs[0])!;
}

/** One axis's tiles: where each tile starts, and which range of it is its core. */
export interface AxisTile {
  /** First voxel of the tile in the volume. */
  start: number;
  /** The core, in volume coordinates: [coreStart, coreEnd). */
  coreStart: number;
  coreEnd: number;
}

/**
 * Cuts an axis of `size` voxels into tiles of `tile` voxels whose cores cover it once. A tile
 * starts `before` voxels ahead of its core, clamped so that it stays inside the volume, and its
 * core ends `after` voxels before the tile does. At the volume's edges no halo is needed (the
 * volume's own padding is the whole run's), so the first and last cores extend to the tile's edge.
 */
export function planAxis(size: number, tile: number, before: number, after: number): AxisTile[] {
  if (tile >= size) return [{ start: 0, coreStart: 0, coreEnd: size }];
  if (tile <= before + after) {
    throw new ShapeError(`tile of ${tile} voxels leaves no core after a halo of ${before} + ${after}: use tiles larger than ${before + after}`);
  }
  const tiles: AxisTile[] = [];
  for (let coreStart = 0; coreStart < size; ) {
    const start = Math.min(Math.max(coreStart - before, 0), size - tile);
    const coreEnd = start + tile === size ? size : start + tile - after;
    tiles.push({ start, coreStart, coreEnd });
    coreStart = coreEnd;
  }
  return tiles;
}

/** How a volume is cut: the tile edge per axis (clipped to the volume) and each axis' tiles. */
export interface TilePlan {
  tile: [number, number, number];
  axes: [AxisTile[], AxisTile[], AxisTile[]];
  /** Tiles in all (one model.predict each). */
  total: number;
}

/**
 * The tiling predictVolumeTiled will use for a volume of `shape` [N, D, H, W, C]: shared with
 * estimates of the run's time (segment/estimate.ts), so an estimate counts the very tiles that run.
 */
export function planTiles(model: VolumeModel, shape: readonly number[], options: Pick<TiledVolumeOptions, 'tile' | 'halo' | 'maxTileBytes'> = {}): TilePlan {
  const dims = [shape[1], shape[2], shape[3]];
  const field = receptiveField(model.graph);
  const halo = options.halo === undefined ? undefined : triple(options.halo);
  if (halo && halo.some((h, a) => h < field.before[a] || h < field.after[a])) {
    throw new ShapeError(
      `halo [${halo.join(', ')}] is smaller than the model's receptive field (before [${field.before.join(', ')}], after [${field.after.join(', ')}]): tiles would not equal the whole-volume answer`,
    );
  }
  // A larger halo than needed is allowed (it only costs time); TF's 'same' may need one more voxel above than below.
  const before = field.before.map((b, a) => Math.max(b, halo?.[a] ?? 0));
  const after = field.after.map((b, a) => Math.max(b, halo?.[a] ?? 0));
  const wanted = options.tile === undefined ? defaultTile(model, shape, options.maxTileBytes ?? 256 * 2 ** 20) : triple(options.tile);
  const tile = wanted.map((t, a) => Math.min(t, dims[a]));
  const [d, h, w] = tile.map((t, a) => planAxis(dims[a], t, before[a], after[a]));
  return { tile: tile as [number, number, number], axes: [d, h, w], total: d.length * h.length * w.length };
}

/** Default tile edge: the largest cube (≤ the volume) whose biggest activation fits the limits. */
function defaultTile(model: VolumeModel, shape: readonly number[], maxBytes: number): [number, number, number] {
  const [N, D, H, W, C] = shape;
  const shapes = inferShapes(model.graph, [[N, 1, 1, 1, C]]);
  const widest = Math.max(C, ...[...shapes.values()].map((s) => s[s.length - 1]));
  const limits = model.memoryLimits;
  const bytes = Math.min(maxBytes, limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const edge = Math.floor(Math.cbrt(bytes / (N * widest * 4)));
  return [Math.min(edge, D), Math.min(edge, H), Math.min(edge, W)];
}

/** Copies the box of `size` voxels at `srcAt` in `src` to `dstAt` in `dst` (both [N, D, H, W, C], same N and C). */
function copyBox(src: Tensor, srcAt: number[], dst: Tensor, dstAt: number[], size: number[]): void {
  const [N, sD, sH, sW, C] = src.shape;
  const [, dD, dH, dW] = dst.shape;
  const row = size[2] * C;
  for (let n = 0; n < N; n++) {
    for (let z = 0; z < size[0]; z++) {
      for (let y = 0; y < size[1]; y++) {
        const s = (((n * sD + srcAt[0] + z) * sH + srcAt[1] + y) * sW + srcAt[2]) * C;
        const d = (((n * dD + dstAt[0] + z) * dH + dstAt[1] + y) * dW + dstAt[2]) * C;
        dst.data.set(src.data.subarray(s, s + row), d);
      }
    }
  }
}

/**
 * Runs a fully convolutional 3-D model on a volume [N, D, H, W, C] tile by tile and returns the
 * stitched output [N, D, H, W, K], equal to running the whole volume at once (see the file header).
 */
export async function predictVolumeTiled(model: VolumeModel, volume: Tensor, options: TiledVolumeOptions = {}): Promise<Tensor> {
  if (volume.shape.length !== 5) throw new ShapeError(`predictVolumeTiled expects a volume [N, D, H, W, C], got [${volume.shape.join(', ')}]`);
  const [N, D, H, W] = volume.shape;
  const { tile, axes, total } = planTiles(model, volume.shape, options);
  const tileIn: Tensor = { shape: [N, ...tile, volume.shape[4]], data: new Float32Array(N * tile[0] * tile[1] * tile[2] * volume.shape[4]) };
  let result: Tensor | undefined;
  let done = 0;
  for (const tz of axes[0]) {
    for (const ty of axes[1]) {
      for (const tx of axes[2]) {
        const start = [tz.start, ty.start, tx.start];
        copyBox(volume, start, tileIn, [0, 0, 0], tile);
        const out = await model.predict(tileIn);
        if (out.shape.length !== 5 || out.shape.slice(1, 4).some((d, a) => d !== tile[a])) {
          throw new ShapeError(`predictVolumeTiled needs a model whose output has its input's spatial size; tile [${tile.join(', ')}] gave [${out.shape.join(', ')}]`);
        }
        result ??= { shape: [N, D, H, W, out.shape[4]], data: new Float32Array(N * D * H * W * out.shape[4]) };
        const core = [tz, ty, tx];
        copyBox(
          out,
          core.map((c, a) => c.coreStart - start[a]),
          result,
          core.map((c) => c.coreStart),
          core.map((c) => c.coreEnd - c.coreStart),
        );
        options.onProgress?.(++done, total);
      }
    }
  }
  return result!;
}
