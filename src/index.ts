/**
 * Browser entry point (Vite/bundlers): registers the WGSL shaders as `?raw` imports and exposes the API.
 *
 * ```ts
 * import { loadModel, tensor } from 'medimg-webgpu';
 * const model = await loadModel('/models/malaria/model.json');
 * const y = await model.predict(tensor(pixels, [1, 224, 224, 3]));
 * ```
 */
import './gpu/shaders-vite.ts';

export * from './api.ts';
