/** pad_crop2d (ZeroPadding2D / Cropping2D) → Pad or Slice on the spatial axes, in either layout. */
import type { OnnxEmitter } from '../emitter.ts';
import { padOrCrop } from '../data-movement.ts';

export const padCrop2dOnnx: OnnxEmitter<'pad_crop2d'> = ({ b, node, inputs: [x] }) => {
  const { sign, amounts } = node.attrs;
  return padOrCrop(b, x, [sign * amounts[0][0], sign * amounts[1][0]], [sign * amounts[0][1], sign * amounts[1][1]], node.name);
};
