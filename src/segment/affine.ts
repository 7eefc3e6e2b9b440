/**
 * 4×4 voxel→world affines (row-major number[][], as MedicalImage.affine and nibabel) and the few
 * operations the segmentation pipeline needs: product, inverse, applying one to a point.
 */
import { ShapeError } from '../errors.ts';

export type Affine = number[][];

export function multiply(a: Affine, b: Affine): Affine {
  return a.map((row) => b[0].map((_, j) => row.reduce((sum, v, k) => sum + v * b[k][j], 0)));
}

/** The inverse of an affine [[M, t], [0, 1]]: [[M⁻¹, −M⁻¹t], [0, 1]]; throws for a singular M. */
export function invert(a: Affine): Affine {
  const m = a.slice(0, 3).map((r) => r.slice(0, 3));
  const det = determinant3(a);
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) throw new ShapeError(`the affine is singular (det ${det}): the volume has no geometry to resample`);
  const cof = (r: number, c: number) => {
    const rows = [0, 1, 2].filter((i) => i !== r);
    const cols = [0, 1, 2].filter((j) => j !== c);
    const minor = m[rows[0]][cols[0]] * m[rows[1]][cols[1]] - m[rows[0]][cols[1]] * m[rows[1]][cols[0]];
    return (r + c) % 2 === 0 ? minor : -minor;
  };
  // inverse = adjugate / det; adjugate[i][j] = cofactor[j][i].
  const inv = [0, 1, 2].map((i) => [0, 1, 2].map((j) => cof(j, i) / det));
  const t = [0, 1, 2].map((i) => -(inv[i][0] * a[0][3] + inv[i][1] * a[1][3] + inv[i][2] * a[2][3]));
  return [[...inv[0], t[0]], [...inv[1], t[1]], [...inv[2], t[2]], [0, 0, 0, 1]];
}

/** det of the 3×3 part: the signed volume of one voxel in mm³. */
export function determinant3(a: Affine): number {
  return (
    a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) -
    a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) +
    a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0])
  );
}

/** a · [p, 1], the first three coordinates. */
export function apply(a: Affine, p: readonly number[]): [number, number, number] {
  return [0, 1, 2].map((i) => a[i][0] * p[0] + a[i][1] * p[1] + a[i][2] * p[2] + a[i][3]) as [number, number, number];
}

/** True when every entry of a and b differs by at most `tol`. */
export function nearlyEqual(a: Affine, b: Affine, tol: number): boolean {
  return a.every((row, i) => row.every((v, j) => Math.abs(v - b[i][j]) <= tol));
}

/** A checked 4×4 affine with finite entries and bottom row [0, 0, 0, 1], or a ShapeError naming `what`. */
export function checkAffine(a: unknown, what: string): Affine {
  const ok = Array.isArray(a) && a.length === 4 && a.every((r) => Array.isArray(r) && r.length === 4 && r.every((v) => typeof v === 'number' && Number.isFinite(v)));
  if (!ok) throw new ShapeError(`${what}: the affine is not a finite 4×4 matrix`);
  return (a as Affine).map((r) => [...r]);
}
