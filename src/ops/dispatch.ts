/**
 * Dispatch-size helpers. WebGPU caps each dispatch dimension (65,535 workgroups by default), so
 * a 1-D range of work is folded into x and y; shaders recover the flat index as
 * `gid.x + gid.y * (num_workgroups.x * WORKGROUP_SIZE)` and bounds-check it.
 */
export const MAX_WORKGROUPS_PER_DIM = 65535;

/** Workgroup counts covering `items` invocations with `workgroupSize` per workgroup. */
export function dispatch1D(items: number, workgroupSize: number): [number, number, number] {
  const groups = Math.max(1, Math.ceil(items / workgroupSize));
  if (groups <= MAX_WORKGROUPS_PER_DIM) return [groups, 1, 1];
  const y = Math.ceil(groups / MAX_WORKGROUPS_PER_DIM);
  const x = Math.ceil(groups / y);
  if (y > MAX_WORKGROUPS_PER_DIM) throw new RangeError(`dispatch of ${items} invocations is too large`);
  return [x, y, 1];
}

/** Product of the dimensions before the last: the "rows" of a channels-last tensor. */
export function leadingSize(shape: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < shape.length - 1; i++) n *= shape[i];
  return n;
}
