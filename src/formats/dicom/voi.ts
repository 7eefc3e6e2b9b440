/**
 * VOI transforms (PS3.3 C.11.2): pure functions from modality values (float32) to [0, 1].
 */
import type { MedicalImage, VoiLut, VoiWindow, WindowSpec } from '../medical/types.ts';

/** Maps `data` through a window to [0, 1] (LINEAR, LINEAR_EXACT or SIGMOID). */
export function applyWindow(data: ArrayLike<number>, window: VoiWindow, out?: Float32Array): Float32Array {
  void data; void window; void out;
  throw new Error('applyWindow: not yet');
}

/** Maps `data` through a VOI LUT to [0, 1]. */
export function applyVoiLut(data: ArrayLike<number>, lut: VoiLut, out?: Float32Array): Float32Array {
  void data; void lut; void out;
  throw new Error('applyVoiLut: not yet');
}

/** The function that maps `image`'s intensities to [0, 1] as `spec` says (MONOCHROME1 inverted after). */
export function windowFromSpec(image: MedicalImage, spec: WindowSpec): (data: ArrayLike<number>) => Float32Array {
  void image; void spec;
  throw new Error('windowFromSpec: not yet');
}
