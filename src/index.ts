/// <reference types="@webgpu/types" />
/**
 * Browser entry point (bundlers, and the package's dist/index.js): registers the WGSL shaders (Vite `?raw`
 * imports, inlined as strings when the package is built) and exposes the API.
 *
 * ```ts
 * import { loadModel, tensor } from 'medimg-webgpu';
 * const model = await loadModel('/models/malaria/model.json');
 * const y = await model.predict(tensor(pixels, [1, 224, 224, 3]));
 * ```
 */
import './gpu/shaders-vite.ts';

export * from './api.ts';
