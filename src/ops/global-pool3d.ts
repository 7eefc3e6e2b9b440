/**
 * GlobalAveragePooling3D / GlobalMaxPooling3D (and the GlobalAvgPool3D / GlobalMaxPool3D aliases):
 * the rank-agnostic global pooling module (./global-pool2d.ts, shaders/global_pool.wgsl) over
 * three spatial axes.
 */
import { globalPoolModule } from './global-pool2d.ts';

export const globalPool3d = globalPoolModule('global-pool3d', 3);
