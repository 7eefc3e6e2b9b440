/**
 * `mi decode FILE|FOLDER [-o x.npy] [--window C,W | --voi]`: a medical image's intensities as float32
 * .npy, decoded in Node (pure JS/WASM, no browser, no GPU):
 * - DICOM after the modality LUT: (rows, cols) one frame, (frames, rows, cols) a multi-frame file or
 *   a series (a folder: its DICOM files, sorted along the slice normal), (rows, cols, 3) colour;
 * - NIfTI (.nii, .nii.gz) with scl_slope/scl_inter, as nibabel's get_fdata() lays it out (i, j, k[, t]);
 * - PNG: (rows, cols) grey or (rows, cols, 3), every bit of a 16-bit file.
 * `--window C,W` applies the DICOM LINEAR window (PS3.3 C.11.2.1.2) scaled to [0, 1]; `--voi` the
 * file's own first window (or its VOI LUT). Neither inverts MONOCHROME1 (as pydicom's apply_voi_lut).
 */
import { readdirSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { applyVoiLut, applyWindow, isDicom } from '../../formats/dicom/index.ts';
import type { MedicalImage, VoiWindow } from '../../formats/medical/types.ts';
import { toNpy } from '../../formats/npy.ts';
import { loadImage } from '../../runtime/load-image.ts';
import { LIMIT_FLAGS, type EngineLimits } from '../../limits.ts';
import { CliError, UsageError, type CommandIO } from './cli-error.ts';

export const DECODE_HELP = `Usage: mi decode FILE|FOLDER [-o X.npy] [--window C,W | --voi]

Decodes a medical image to float32 .npy (in Node; no browser or GPU needed):
  DICOM    after the modality LUT (rescale slope/intercept or Modality LUT Sequence): shape
           (rows, cols) for one frame, (frames, rows, cols) for a multi-frame file or a series,
           (rows, cols, 3) for colour. A FOLDER is one series: its DICOM files (others are left
           out), sorted along the slice normal.
  NIfTI    .nii / .nii.gz with scl_slope/scl_inter applied, laid out as nibabel's get_fdata():
           axes (i, j, k[, t]), C order.
  PNG      (rows, cols) or (rows, cols, 3); 16-bit files keep all 16 bits.

Options:
  -o, --output X.npy     write the intensities (without it, only the summary line is printed)
  --window C,W           apply the DICOM LINEAR window with centre C and width W, scaled to [0, 1]
                         (a negative centre needs the = form: --window=-600,1500)
  --voi                  apply the file's own first window (its VOI LUT Function too), or its VOI LUT
  --max-image-pixels N   limits, as for mi predict
  --max-tensor-elements N

Prints one line: format, shape, dtype, min/max, spacing (and the reader's notes on stderr, such as
uneven slice spacing). MONOCHROME1 is not inverted here.
`;

export const DECODE_OPTIONS = {
  output: { type: 'string', short: 'o' },
  window: { type: 'string' },
  voi: { type: 'boolean' },
  'max-image-pixels': { type: 'string' },
  'max-tensor-elements': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

interface Values {
  output?: string;
  window?: string;
  voi?: boolean;
  'max-image-pixels'?: string;
  'max-tensor-elements'?: string;
}

/** Parses `C,W` (a comma or a space between; the width must be positive). */
export function parseWindowFlag(text: string): VoiWindow {
  const parts = text.split(/[,\s]+/).filter(Boolean).map(Number);
  if (parts.length !== 2 || !parts.every(Number.isFinite) || parts[1] <= 0) {
    throw new UsageError(`--window must be CENTER,WIDTH with a positive width (like 40,400), got "${text}"`);
  }
  return { center: parts[0], width: parts[1] };
}

/** The --max-* flags this command takes, as the engine's limits. */
export function limitsFrom(values: Record<string, unknown>): Partial<EngineLimits> {
  const limits: Partial<EngineLimits> = {};
  for (const name of ['maxImagePixels', 'maxTensorElements'] as const) {
    const text = values[LIMIT_FLAGS[name].slice(2)] as string | undefined;
    if (text === undefined) continue;
    const n = Number(text);
    if (!(text.trim() !== '' && Number.isFinite(n) && n > 0)) throw new UsageError(`${LIMIT_FLAGS[name]} must be a positive number, got "${text}"`);
    limits[name] = n;
  }
  return limits;
}

/** Reads FILE, or a FOLDER's files (sorted by name; the DICOM reader then sorts the series by position). */
export async function readImageFiles(path: string): Promise<{ name: string; bytes: Uint8Array }[]> {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new CliError(`no such file or folder: ${path}`);
  }
  const paths = stat.isDirectory()
    ? readdirSync(path)
        .filter((f) => !f.startsWith('.'))
        .sort()
        .map((f) => join(path, f))
        .filter((p) => statSync(p).isFile())
    : [path];
  if (paths.length === 0) throw new CliError(`folder ${path} has no files`);
  const files = await Promise.all(paths.map(async (p) => ({ name: stat.isDirectory() ? p : basename(p), bytes: new Uint8Array(await readFile(p)) })));
  if (!stat.isDirectory()) return files;
  // A folder is a DICOM series: files beside it (a LICENSE, a README, thumbnails) are left out.
  const dicom = files.filter((f) => isDicom(f.bytes));
  if (dicom.length === 0) throw new CliError(`folder ${path} has no DICOM files (${files.length} other files)`);
  return dicom;
}

export async function decodeCommand(values: Values, positionals: string[], io: CommandIO): Promise<number> {
  if (positionals.length !== 1) throw new UsageError(positionals.length ? `one FILE or FOLDER expected, got ${positionals.join(' ')}` : 'no FILE or FOLDER given');
  if (values.window && values.voi) throw new UsageError('give --window or --voi, not both');
  const window = values.window ? parseWindowFlag(values.window) : undefined;
  const limits = limitsFrom(values as Record<string, unknown>);
  const files = await readImageFiles(positionals[0]);
  const image = await loadImage(files, { limits });
  const data = window ? applyWindow(image.data, window) : values.voi ? ownVoi(image) : image.data;
  const shown = { ...image, data };
  if (values.output) {
    try {
      await writeFile(values.output, toNpy({ data, shape: image.shape }));
    } catch (err) {
      throw new CliError(`cannot write ${values.output}: ${(err as Error).message}`, { cause: err });
    }
  }
  const how = window ? ` · window ${window.center},${window.width} → [0, 1]` : values.voi ? ' · file VOI → [0, 1]' : '';
  for (const note of image.notes ?? []) io.stderr(`mi decode: note: ${note}`);
  io.stdout(`${summary(shown)}${how}${values.output ? ` → ${values.output}` : ''}`);
  return 0;
}

/** The file's first window, else its VOI LUT; a file with neither is an error. */
function ownVoi(image: MedicalImage): Float32Array {
  if (image.windows?.length) return applyWindow(image.data, image.windows[0]);
  if (image.voiLut) return applyVoiLut(image.data, image.voiLut);
  throw new CliError(`${image.name} has no window (0028,1050/1051) and no VOI LUT: give --window C,W`);
}

/** "DICOM …: shape (20, 256, 256) float32, min -3 max 1203, spacing 1×0.9×0.9 mm". */
export function summary(image: MedicalImage): string {
  let min = Infinity;
  let max = -Infinity;
  for (const v of image.data) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const num = (v: number) => String(+v.toPrecision(6));
  const spacing = image.spacing?.length ? `, spacing ${image.spacing.map(num).join('×')} mm` : '';
  return `${image.name}: ${image.description}: shape (${image.shape.join(', ')}) float32, min ${num(min)} max ${num(max)}${spacing}`;
}
