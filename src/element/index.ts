/// <reference types="@webgpu/types" />
/**
 * `medimg-webgpu/element`: importing this module defines `<mi-classifier>` and `<mi-segmenter>`
 * (each once, even if two bundles import it) and re-exports their classes and event types.
 *
 * ```ts
 * import 'medimg-webgpu/element';
 * ```
 */
import { MiClassifier } from './mi-classifier.ts';
import { MiSegmenter } from './mi-segmenter.ts';

export { MiClassifier } from './mi-classifier.ts';
export { MiSegmenter } from './mi-segmenter.ts';
export type { MiSegmentResultDetail, MiSegmenterEventMap, SegmenterImage } from './segmenter-image.ts';
export type { SegmentClass } from './segment-mask.ts';
export type { MiSegmentVolumeDetail, MiSegmentProgressDetail } from './segmenter-volume.ts';
export type { ViewerModule, ViewerSource } from './volume-view.ts';
export type { MiLoadDetail, MiResultDetail, MiErrorDetail, MiProgressDetail } from './events.ts';
export type { LabelledProbability } from './probabilities.ts';
export type { ModelMetadata } from './config.ts';
export type { ElementImage } from './image-source.ts';
export type { MiExplainDetail } from './heatmap.ts';

// Where there is no DOM (server-side rendering, Node) there is nothing to register, and importing
// must not throw; lit's own Node build supplies the HTMLElement the class extends there.
if (typeof customElements !== 'undefined' && !customElements.get('mi-classifier')) {
  customElements.define('mi-classifier', MiClassifier);
}
if (typeof customElements !== 'undefined' && !customElements.get('mi-segmenter')) {
  customElements.define('mi-segmenter', MiSegmenter);
}

declare global {
  interface HTMLElementTagNameMap {
    'mi-classifier': MiClassifier;
    'mi-segmenter': MiSegmenter;
  }
}
