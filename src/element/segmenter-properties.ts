/**
 * `<mi-segmenter>`'s attributes and properties (and its view state), declared apart from its
 * behaviour (mi-segmenter.ts) so each file stays readable: the classifier's model and preprocessing
 * options, the image or volume to segment, the mask's opacity, and the 3-D run's options and viewer.
 */
import { LitElement } from 'lit';
import type { BackendOption, LoadedModel, ModelSource } from '../index.ts';
import type { MedicalImage } from '../formats/medical/types.ts';
import { parseLabels } from './config.ts';
import type { SegmenterImage } from './segmenter-image.ts';
import type { SegmenterView } from './segmenter-render.ts';
import type { ViewerSource } from './volume-view.ts';

export class SegmenterProperties extends LitElement {
  static override properties = {
    model: { attribute: true },
    metadata: {},
    labels: { converter: { fromAttribute: parseLabels } },
    inputSize: { attribute: 'input-size' },
    scale: { type: Number },
    offset: { type: Number },
    mean: {},
    std: {},
    grayscale: { type: Boolean },
    resize: {},
    noCache: { type: Boolean, attribute: 'no-cache' },
    integrity: {},
    backend: {},
    src: {},
    image: { attribute: false },
    opacity: { type: Number },
    crop: { type: Boolean },
    tile: { type: Number },
    grid: {},
    volume: { attribute: false },
    viewer: { attribute: false },
    viewerBaseUrl: { attribute: 'viewer-base-url' },
    _view: { state: true, attribute: false },
  };

  /**
   * The model: a URL (attribute), anything `loadModel` takes (property), or a model the page already
   * loaded or built (`loadModel`, `modelFromKeras`): the element uses it and leaves disposing it to the page.
   */
  model?: string | ModelSource | LoadedModel;
  /** URL of the model's `metadata.json` (its `labels` and `colors` name and colour the classes); `"none"` skips it. */
  metadata?: string;
  /** Class names (comma list or JSON array), one per class; for one sigmoid unit `[background, foreground]`. */
  labels?: string[];
  inputSize?: string;
  scale?: number;
  offset?: number;
  mean?: string | number[];
  std?: string | number[];
  grayscale = false;
  resize?: 'bilinear' | 'nearest';
  noCache = false;
  integrity?: string;
  backend?: BackendOption;
  /** URL of an image to segment (PNG, JPEG, DICOM, NIfTI). */
  src?: string;
  /** An image to segment: ImageBitmap, HTMLImageElement, HTMLCanvasElement, VideoFrame, ImageData, or decoded pixels `{ width, height, channels, data }` (8-bit or float32). */
  image?: SegmenterImage;
  /** Opacity of the mask (or a volume's labels) over the image, 0..1 (default 0.5). */
  opacity = 0.5;
  /** 3-D: run the model only on the head's bounding box plus its receptive field (as `mi segment --crop`). */
  crop = false;
  /** 3-D: tile edge in voxels (default: what fits the device; as `mi segment --tile`). */
  tile?: number;
  /** 3-D: the model's grid, `N`, `N,MM` or `none` (default 256,1: FreeSurfer's 1 mm LIA; as `mi segment --grid`). */
  grid?: string;
  /** 3-D: a volume to segment, as `loadImage` or `readNifti` gives it (NIfTI or a DICOM series). */
  volume?: MedicalImage;
  /** 3-D: the viewer module, or a function importing it: `() => import('@niivue/niivue')` (see volume-view.ts). */
  viewer?: ViewerSource;
  /** 3-D, no bundler: the folder serving node_modules, for `@niivue/niivue/dist/index.js` (default `/node_modules/`). */
  viewerBaseUrl?: string;

  protected _view: SegmenterView = { state: 'empty', hasImage: false, dragging: false, hidden: new Set([0]) };
}
