/**
 * The DICOM fixtures (test/fixtures/dicom, made with pydicom by scripts/fixtures/make_dicom_fixtures.py)
 * and their references: `<name>.npy` float32, or for the big shared files a sha256 of the float32
 * bytes and a strided sample; `<name>.json` the header facts.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../util/fixtures.ts';

export const DICOM = join(repoRoot, 'test', 'fixtures', 'dicom');
export const REF = join(DICOM, 'ref');

export interface RefInfo {
  shape: number[];
  transferSyntax: string;
  photometric: string;
  windows: { center: number; width: number; function: string }[];
  min: number;
  max: number;
  sha256?: string;
  order?: string[];
  positions?: number[];
  spacing?: number[];
  uneven?: boolean;
  orientation?: number[];
}

/** A float32 little-endian .npy's values (the only kind the script writes). */
export function readNpyF32(path: string): Float32Array {
  const b = readFileSync(path);
  const headerLen = b.readUInt16LE(8);
  const header = b.subarray(10, 10 + headerLen).toString('latin1');
  if (!header.includes("'<f4'")) throw new Error(`${path}: not float32 little-endian (${header})`);
  const body = b.subarray(10 + headerLen);
  return new Float32Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.length));
}

export function refInfo(name: string): RefInfo {
  return JSON.parse(readFileSync(join(REF, `${name}.json`), 'utf8')) as RefInfo;
}

export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(DICOM, name)));
}

export function sha256(data: Float32Array): string {
  return createHash('sha256').update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)).digest('hex');
}

/** Frames [0, last] (or the one frame), rows and columns [::8]: the script's sample of a big reference. */
export function strided(data: Float32Array, shape: number[]): Float32Array {
  const colour = shape[shape.length - 1] === 3 && shape.length >= 3;
  const c = colour ? 3 : 1;
  const [rows, cols] = colour ? shape.slice(-3, -1) : shape.slice(-2);
  const frames = data.length / (rows! * cols! * c);
  const pick = frames > 1 ? [0, frames - 1] : [0];
  const out: number[] = [];
  for (const f of pick) {
    for (let r = 0; r < rows!; r += 8) for (let k = 0; k < cols!; k += 8) for (let s = 0; s < c; s++) out.push(data[((f * rows! + r) * cols! + k) * c + s]!);
  }
  return new Float32Array(out);
}

/** Largest |a - b| and how many differ. */
export function compare(a: ArrayLike<number>, b: ArrayLike<number>): { maxError: number; differing: number } {
  let maxError = 0;
  let differing = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i]! - b[i]!);
    if (e !== 0) differing++;
    if (!(e <= maxError)) maxError = e;
  }
  return { maxError, differing };
}
