/**
 * How Winograd convolution (./conv2d-winograd.ts) splits its tiles into chunks so that its scratch
 * (V and M, 36 points per tile) stays bounded, and whether a conv can be split that way at all.
 * Kept apart from the kernels so the variant rule (./conv2d-variant.ts) can ask without importing them.
 */

/** Points of F(4×4, 3×3): a 6×6 transformed patch per tile. */
export const POINTS = 36;
/** The GEMM computes 8 tiles per invocation: chunks hold whole multiples of 8. */
export const ROW_TILE = 8;
/**
 * V + M of one chunk take at most this fraction of the conv's input + output bytes.
 * A 3×3 conv is often where the plan peaks (its input and output both live), so the scratch adds
 * up to this share to the peak: 1/8 measured +12 % on the seed network (conv2 is its peak), 1/10
 * keeps it within 10 %. Chunking costs nothing measurable (malaria ResNet, 16–21 chunks a layer vs
 * one: same time within noise, chunked slightly faster as V and M stay in cache).
 */
export const SCRATCH_SHARE = 1 / 10;

/** Bytes of V + M per tile: 36 points × (inC + outC padded to 8) floats. */
export const scratchPerTile = (inC: number, outPad: number): number => 4 * POINTS * (inC + outPad);

/**
 * The scratch a conv may use: SCRATCH_SHARE of its input + output bytes. No floor: a fixed floor
 * (512 KB at first) let the deep, small layers of VGG16 at 64² take 8 tiles of V + M (0.56 MB)
 * beside 32 KB tensors and put the plan 33 % over its live bound. Where 8 tiles do not fit, the
 * direct kernel runs (layers under about 54² pixels).
 */
export const scratchBudget = (tensorBytes: number): number => tensorBytes * SCRATCH_SHARE;

/** Whether the smallest chunk (8 tiles) fits the budget; if not, Winograd would break the memory bound. */
export function chunkFits(inC: number, outPad: number, budget: number): boolean {
  return ROW_TILE * scratchPerTile(inC, outPad) <= budget;
}

/**
 * Tiles per chunk: the most whose V + M fit the budget, in multiples of 8, then evened out so the
 * last chunk is not a sliver.
 */
export function chunkTiles(totalTiles: number, inC: number, outPad: number, budget: number): number {
  const most = Math.max(ROW_TILE, Math.floor(budget / scratchPerTile(inC, outPad) / ROW_TILE) * ROW_TILE);
  const chunks = Math.ceil(totalTiles / most);
  return Math.ceil(totalTiles / chunks / ROW_TILE) * ROW_TILE;
}
