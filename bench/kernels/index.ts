/** The kernel lab's ops, by op key: `npm run bench:kernels -- <op>` runs one (bench/kernels/lab.ts). */
import { conv2dLab } from './conv2d.ts';
import { conv2dPoolLab } from './conv2d_pool.ts';
import { conv2dTransposeLab } from './conv2d_transpose.ts';
import { conv3dLab } from './conv3d.ts';
import { denseLab } from './dense.ts';
import { depthwiseConv2dLab } from './depthwise_conv2d.ts';
import type { LabOp } from './lab.ts';

export const LAB_OPS: Record<string, LabOp> = Object.fromEntries(
  [conv2dLab, conv2dPoolLab, conv2dTransposeLab, conv3dLab, denseLab, depthwiseConv2dLab].map((op) => [op.op, op]),
);
