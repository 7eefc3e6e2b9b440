/**
 * reindex3d (UpSampling3D, ZeroPadding3D, Cropping3D) → each voxel repeated `scale` times per axis,
 * then `shift` cells added before and `after` after (negative: cropped), in either layout.
 */
import type { OnnxEmitter } from '../emitter.ts';
import { padOrCrop, repeatCells } from '../data-movement.ts';

export const reindex3dOnnx: OnnxEmitter<'reindex3d'> = ({ b, node, inputs: [x] }) => {
  const { scale, shift, after } = node.attrs;
  return padOrCrop(b, repeatCells(b, x, scale, `${node.name}/repeat`), shift, after, node.name);
};
