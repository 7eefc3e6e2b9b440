/**
 * The whole-volume row of `mi bench` (window.benchVolume): the shared T1 through segmentVolume
 * (conform, normalise, tiled MeshNet, argmax, write-back) on our WebGPU path and on our WebAssembly
 * path (ONNX Runtime Web on our export), and through TF.js WebGL the way brainchop runs it
 * (brainchop-tfjs.ts), one after the other in this page. Labels stay in the page (a 256³ volume is
 * 16.7 M voxels); only timings, memory peaks and the voxel agreement between backends go back.
 */
import { loadModel } from '../../src/index.ts';
import { acquireGpu } from '../../src/gpu/device.ts';
import { gpuMemoryStats } from '../../src/gpu/memory.ts';
import { readNifti } from '../../src/formats/nifti/index.ts';
import type { MedicalImage } from '../../src/formats/medical/types.ts';
import { planTiles } from '../../src/runtime/tiled-volume.ts';
import { defaultTileBytes, segmentVolume, type SegmentOptions, type SegmentStage } from '../../src/segment/segment.ts';
import type { Shape3 } from '../../src/segment/conform.ts';
import { brainchopFullVolume } from './brainchop-tfjs.ts';
import { agreement, regionText, reverseAxes3, subVolume, type VolumeRegion } from './volume-region.ts';
import type { VolumeBackend, VolumeCell } from '../../src/cli/commands/bench-volume-report.ts';

interface State {
  modelUrl: string;
  image: MedicalImage;
  options: SegmentOptions;
  regionNote: string;
  labels: Map<VolumeBackend, Float32Array | Int32Array>;
}
let state: State | undefined;

async function guarded<T>(fn: () => Promise<T>): Promise<T | { error: { name: string; message: string } }> {
  try {
    return await fn();
  } catch (err) {
    const e = err as Error;
    // The stack after the first line: the report keeps the first line, stderr shows the rest.
    return { error: { name: e?.name ?? 'Error', message: `${String(e?.message ?? err)}\n${e?.stack ?? ''}` } };
  }
}

/** performance.memory (Chromium only; coarse unless --enable-precise-memory-info). */
const jsHeap = (): number | undefined => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize;

/** Samples `read` every 250 ms and on demand; `stop` gives the largest value seen. */
function peakSampler(read: () => number | undefined) {
  let peak: number | undefined;
  const sample = () => {
    const v = read();
    if (v !== undefined) peak = Math.max(peak ?? 0, v);
  };
  sample();
  const timer = setInterval(sample, 250);
  return {
    sample,
    stop: () => {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

const benchVolume = {
  /** Reads the volume and chooses the region every backend runs on. */
  async prepare(volumeUrl: string, modelUrl: string, region: VolumeRegion) {
    return guarded(async () => {
      const bytes = new Uint8Array(await (await fetch(volumeUrl)).arrayBuffer());
      const whole = readNifti(bytes, { name: volumeUrl.split('/').pop() });
      let image: MedicalImage = whole;
      let options: SegmentOptions = {};
      let regionNote = regionText(region);
      if (region.kind === 'head') options = { crop: true };
      if (region.kind === 'box') {
        const sub = subVolume(whole, region.size);
        image = sub.image;
        // A sub-volume is a volume of its own, on its own grid: no conform (the whole T1 is already
        // on the model's grid, so conform is skipped there too).
        options = { conform: false };
        regionNote += ` (voxels ${sub.box.start.join(',')} + ${sub.box.size.join('×')})`;
      }
      state = { modelUrl, image, options, regionNote, labels: new Map() };
      return { shape: whole.shape, regionShape: image.shape, region: regionNote };
    });
  },

  /** Ours: loadModel (WebGPU on a fresh device, or backend 'wasm') and segmentVolume on the region. */
  async ours(backend: 'ours' | 'ours-wasm', tileArg?: number | null) {
    return guarded(async (): Promise<VolumeCell> => {
      const s = need();
      const tile = tileArg ?? undefined; // undefined crosses puppeteer's evaluate as null
      const heap = peakSampler(jsHeap);
      const heapBefore = jsHeap();
      const gpu = backend === 'ours' ? await acquireGpu() : undefined;
      const gpuBytes = peakSampler(() => (gpu ? gpuMemoryStats(gpu.device).liveBufferBytes : undefined));
      try {
        const t0 = performance.now();
        const model = backend === 'ours' ? await loadModel(s.modelUrl, { device: gpu!.device, autotune: false }) : await loadModel(s.modelUrl, { backend: 'wasm' });
        const loadMs = performance.now() - t0;
        try {
          // The pipeline's own tiles (segment.ts defaultTileBytes: as large as the backend allows).
          const maxTileBytes = defaultTileBytes(model);
          const stageMs: Partial<Record<SegmentStage, number>> = {};
          let stage: SegmentStage | undefined;
          let since = performance.now();
          let tiles: number | undefined;
          const t1 = performance.now();
          const result = await segmentVolume(model, s.image, {
            ...s.options,
            tile,
            maxTileBytes,
            onProgress: (p) => {
              gpuBytes.sample();
              heap.sample();
              if (p.tiles) tiles = p.tiles;
              if (p.stage === stage) return;
              const now = performance.now();
              if (stage) stageMs[stage] = (stageMs[stage] ?? 0) + now - since;
              stage = p.stage;
              since = now;
            },
          });
          const pipelineMs = performance.now() - t1;
          if (stage) stageMs[stage] = (stageMs[stage] ?? 0) + performance.now() - since;
          s.labels.set(backend, result.labels.data);
          // The tile edge the pipeline chose (on the crop box when cropping: only its count is known then).
          const plan = s.options.crop ? undefined : planTiles(model, [1, ...s.image.shape.slice(0, 3), 1], { tile, maxTileBytes });
          return {
            backend,
            loadMs,
            pipelineMs,
            stageMs,
            tiles,
            tile: plan?.tile,
            adapter: gpu?.adapterName,
            notes: result.notes,
            peakGpuBufferBytes: gpuBytes.stop(),
            jsHeapBeforeBytes: heapBefore,
            jsHeapPeakBytes: heap.stop(),
          };
        } finally {
          await model.dispose();
        }
      } finally {
        gpuBytes.stop();
        heap.stop();
        gpu?.device.destroy();
      }
    });
  },

  /** TF.js WebGL, brainchop's FullVolume path, on the same region (in the file's voxel order, as brainchop holds it). */
  async tfjsWebgl() {
    return guarded(async (): Promise<VolumeCell> => {
      const s = need();
      const shape = s.image.shape.slice(0, 3) as Shape3;
      const fileOrder = reverseAxes3(s.image.data, shape);
      const heapBefore = jsHeap();
      const heap = peakSampler(jsHeap);
      try {
        const r = await brainchopFullVolume(s.modelUrl, fileOrder, [shape[2], shape[1], shape[0]], () => heap.sample());
        s.labels.set('tfjs-webgl', reverseAxes3(r.labels, [shape[2], shape[1], shape[0]]));
        return {
          backend: 'tfjs-webgl',
          loadMs: r.loadMs,
          pipelineMs: r.inferMs,
          modelInput: r.modelInput,
          tfBytes: r.peakBytes,
          tfGpuBytes: r.peakGpuBytes,
          jsHeapBeforeBytes: heapBefore,
          jsHeapPeakBytes: heap.stop(),
          version: r.version,
        };
      } finally {
        heap.stop();
      }
    });
  },

  /** Voxel agreement of every pair of backends that produced labels. */
  async agreement() {
    return guarded(async () => {
      const s = need();
      const names = [...s.labels.keys()];
      const pairs: { a: VolumeBackend; b: VolumeBackend; same: number; total: number }[] = [];
      for (let i = 0; i < names.length; i++) {
        for (let j = i + 1; j < names.length; j++) pairs.push({ a: names[i], b: names[j], ...agreement(s.labels.get(names[i])!, s.labels.get(names[j])!) });
      }
      return pairs;
    });
  },

  drop() {
    state = undefined;
  },
};

function need(): State {
  if (!state) throw new Error('benchVolume.prepare was not called');
  return state;
}

export type BenchVolumeApi = typeof benchVolume;
(globalThis as unknown as { benchVolume: BenchVolumeApi }).benchVolume = benchVolume;
