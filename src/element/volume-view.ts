/**
 * `<mi-segmenter>`'s 3-D result on screen: the scan in grey with the label volume over it in three
 * orthogonal planes and a crosshair, drawn by NiiVue (`@niivue/niivue`, WebGL2), a maintained viewer
 * that handles oblique affines, texture limits and lost contexts better than hand-written canvas code.
 *
 * NiiVue is an optional peer (about 25 MB installed, which would push `npm install medimg-webgpu` past
 * its 15 MB goal), loaded only when a 3-D result is shown. Where it comes from, first match wins:
 *   1. the element's `viewer` property: the module, or a function returning it
 *      (`segmenter.viewer = () => import('@niivue/niivue')`: the app's bundler follows that import);
 *   2. an import of the bare name, which bundlers are told not to follow (an import map can name it);
 *   3. `<viewerBaseUrl>@niivue/niivue/dist/index.js` (default base `/node_modules/`, as the DICOM
 *      codecs' codecBaseUrl): NiiVue's self-contained ES module, for pages without a bundler.
 * When none works, the element says so (`npm install @niivue/niivue`) and still shows the label
 * table and the Save button.
 */
import { MissingPackageError } from '../errors.ts';
import type { MedicalImage } from '../formats/medical/types.ts';
import { writeNifti } from '../formats/nifti/write.ts';
import type { LabelEntry } from '../segment/labels.ts';
import { hexRgb } from './segment-mask.ts';

/** The parts of NiiVue used here (typed here: the package is optional). */
interface NvImage {
  dimsRAS?: number[];
  setColormapLabel(cm: { R: number[]; G: number[]; B: number[]; A: number[]; I: number[]; labels: string[] }): void;
}

interface Nv {
  attachToCanvas(canvas: HTMLCanvasElement): Promise<unknown>;
  addVolume(volume: NvImage): void;
  setSliceType(type: number): unknown;
  drawScene(): unknown;
  cleanup?(): void;
  volumes: NvImage[];
  /** Multiplies every overlay's alpha when drawing (a uniform: changing it redraws, nothing is recomputed). */
  overlayAlphaShader: number;
  scene: { crosshairPos: ArrayLike<number> & { [i: number]: number } };
  onLocationChange: (location: unknown) => void;
}

/** What the viewer module must export (NiiVue ≥ 0.60). */
export interface ViewerModule {
  Niivue: new (options?: Record<string, unknown>) => Nv;
  NVImage: { loadFromUrl(options: { url: string; name: string; buffer: ArrayBuffer; colormap?: string; opacity?: number }): Promise<NvImage> };
}

/** The element's `viewer` property: the module, or a function that imports it. */
export type ViewerSource = ViewerModule | (() => Promise<unknown>);

const PACKAGE = ['@niivue', 'niivue'].join('/'); // assembled at run time: see the file comment
const MULTIPLANAR = 3; // NiiVue's SLICE_TYPE.MULTIPLANAR
const SHOW_RENDER_NEVER = 0;

function unwrap(mod: unknown): ViewerModule {
  const m = mod as Partial<ViewerModule> & { default?: Partial<ViewerModule> };
  const v = m?.Niivue ? m : m?.default;
  if (!v?.Niivue || !v.NVImage) throw new MissingPackageError('The module given as the viewer has no Niivue and NVImage: pass () => import(\'@niivue/niivue\')');
  return v as ViewerModule;
}

function baseUrl(given?: string): string {
  const here = (globalThis as { location?: { href: string } }).location?.href ?? 'http://localhost/';
  const base = new URL(given ?? '/node_modules/', here).href;
  return base.endsWith('/') ? base : `${base}/`;
}

/** Loads NiiVue (see the file comment); a MissingPackageError naming the install command when it cannot. */
export async function loadViewer(given: ViewerSource | undefined, viewerBaseUrl?: string): Promise<ViewerModule> {
  if (given) return unwrap(typeof given === 'function' ? await given() : given);
  try {
    return unwrap(await import(/* @vite-ignore */ /* webpackIgnore: true */ PACKAGE));
  } catch {
    // No import map or bundler resolved the bare name: try the served package folder.
  }
  const url = new URL(`${PACKAGE}/dist/index.js`, baseUrl(viewerBaseUrl)).href;
  try {
    return unwrap(await import(/* @vite-ignore */ /* webpackIgnore: true */ url));
  } catch (cause) {
    throw new MissingPackageError(
      `The 3-D viewer needs the optional package @niivue/niivue, which could not be imported (tried '${PACKAGE}' and ${url}). ` +
        "Install it: npm install @niivue/niivue, then set segmenter.viewer = () => import('@niivue/niivue'), " +
        'or serve node_modules at the viewer-base-url (default /node_modules/). The labels can still be saved.',
      { cause },
    );
  }
}

/** The plane a slice scroller moves: index into NiiVue's RAS crosshair (0 left–right, 1 posterior–anterior, 2 inferior–superior). */
export type Plane = 0 | 1 | 2;

export interface SlicePosition {
  /** Slice index per plane (sagittal, coronal, axial), 0-based. */
  index: [number, number, number];
  /** Slices per plane. */
  count: [number, number, number];
}

/** The smallest NIfTI type that holds `data` exactly: a uint8 scan is a quarter of float32 to upload and reslice. */
function storedType(data: Float32Array): 'uint8' | 'int16' | 'float32' {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of data) {
    if (!Number.isInteger(v)) return 'float32';
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo >= 0 && hi <= 255 ? 'uint8' : lo >= -32768 && hi <= 32767 ? 'int16' : 'float32';
}

/** One NIfTI in memory (uncompressed: NiiVue reads it at once) of an image on `affine`. */
function niftiBuffer(data: Float32Array, shape: readonly number[], affine: number[][], datatype: 'uint8' | 'int16' | 'float32', name: string): ArrayBuffer {
  const bytes = writeNifti(data, shape.slice(0, 3), affine, { datatype, name });
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** The scan and its labels in NiiVue on `canvas`, with the label table's colours and names. */
export class VolumeView {
  private constructor(
    private readonly nv: Nv,
    private readonly onMove: (position: SlicePosition) => void,
  ) {}

  /**
   * Shows `scan` (its intensities, on the labels' grid) with `labels` over it at `opacity`.
   * `onMove` hears the crosshair's slices whenever they change (a click on a plane, the scrollers).
   */
  static async open(
    viewer: ViewerModule,
    canvas: HTMLCanvasElement,
    scan: MedicalImage,
    labels: MedicalImage,
    table: readonly LabelEntry[],
    opacity: number,
    onMove: (position: SlicePosition) => void,
  ): Promise<VolumeView> {
    const affine = labels.affine!.map((r) => [...r]);
    const nv = new viewer.Niivue({
      backColor: [0, 0, 0, 1],
      crosshairColor: [1, 1, 0, 0.8],
      // The crosshair's width as a share of the scene: in voxels (the default, 1) it is thinner than a
      // screen pixel for a 256 mm head in a few hundred pixels, and a software GL drops it entirely.
      crosshairWidthUnit: 'percent',
      crosshairWidth: 1,
      multiplanarShowRender: SHOW_RENDER_NEVER,
      isColorbar: false,
      show3Dcrosshair: false,
      loadingText: 'Loading the volume...', // NiiVue's font has no ellipsis character
    });
    await nv.attachToCanvas(canvas);
    const view = new VolumeView(nv, onMove);
    const image = await viewer.NVImage.loadFromUrl({ url: 'scan.nii', name: 'scan.nii', buffer: niftiBuffer(scan.data, labels.shape, affine, storedType(scan.data), scan.name), colormap: 'gray' });
    const overlay = await viewer.NVImage.loadFromUrl({ url: 'labels.nii', name: 'labels.nii', buffer: niftiBuffer(labels.data, labels.shape, affine, 'uint8', labels.name) });
    const colours = table.map((e) => hexRgb(e.color));
    overlay.setColormapLabel({
      R: colours.map((c) => c[0]),
      G: colours.map((c) => c[1]),
      B: colours.map((c) => c[2]),
      A: table.map((e) => (e.label === 0 ? 0 : 255)), // background stays transparent
      I: table.map((e) => e.label),
      labels: table.map((e) => e.name),
    });
    nv.setSliceType(MULTIPLANAR);
    // Opacity through NiiVue's overlay alpha uniform: setOpacity would recompute every layer's 3-D
    // textures (with the scan's gradients), which takes tens of seconds on a software GL.
    nv.overlayAlphaShader = opacity;
    // Both volumes in one update: addVolume on an empty viewer, then again, would compute the scan's
    // textures twice. The scan goes in as the background (index 0), the labels are added over it.
    nv.volumes = [image];
    nv.addVolume(overlay);
    nv.onLocationChange = () => onMove(view.position());
    onMove(view.position());
    return view;
  }

  /** The crosshair's slice in each plane. */
  position(): SlicePosition {
    const dims = this.nv.volumes[0]?.dimsRAS ?? [3, 1, 1, 1];
    const count = [dims[1], dims[2], dims[3]] as [number, number, number];
    const pos = this.nv.scene.crosshairPos;
    const index = count.map((n, a) => Math.min(n - 1, Math.max(0, Math.floor(pos[a] * n)))) as [number, number, number];
    return { index, count };
  }

  /** Moves the crosshair to slice `index` of `plane` (what a slice scroller does). */
  setSlice(plane: Plane, index: number): void {
    const n = this.position().count[plane];
    this.nv.scene.crosshairPos[plane] = (Math.min(n - 1, Math.max(0, index)) + 0.5) / n;
    this.nv.drawScene();
    this.onMove(this.position());
  }

  setOpacity(opacity: number): void {
    this.nv.overlayAlphaShader = opacity;
    this.nv.drawScene();
  }

  /** Frees NiiVue's listeners and GL objects (the element's canvas stays). */
  dispose(): void {
    this.nv.cleanup?.();
  }
}
