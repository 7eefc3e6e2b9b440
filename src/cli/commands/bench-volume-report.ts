/**
 * The whole-volume row of `mi bench` (issue 14), its pure parts: option parsing, which MeshNet a
 * name means, and the markdown of docs/bench-volume.md (times per backend, ratios against TF.js
 * WebGL, memory peaks, label agreement). No GPU; the run itself is bench-volume.ts.
 */
import { UsageError } from './cli-error.ts';

/** brainchop's cropPadding for model5_gw_ae, used here whichever MeshNet the row runs. */
export const BRAINCHOP_CROP_PADDING = 18;

export type VolumeBackend = 'ours' | 'ours-wasm' | 'tfjs-webgl';
export const VOLUME_BACKENDS: readonly VolumeBackend[] = ['ours', 'ours-wasm', 'tfjs-webgl'];

/**
 * What every backend of the row runs on: the whole conformed volume, segmentVolume's crop to the
 * head box (plus the receptive field), or an n³ sub-volume centred on the head (for adapters too
 * slow for the whole volume: the same voxels for every backend, so the ratios still hold).
 */
export type VolumeRegion = { kind: 'full' } | { kind: 'head' } | { kind: 'box'; size: number };

/** What the page's benchVolume.ours / .tfjsWebgl return (bench/page/volume-bench.ts), or the cell's error. */
export interface VolumeCell {
  backend: VolumeBackend;
  /** Model load (fetch, compile or session start) before the pipeline. */
  loadMs?: number;
  /** The pipeline: ours conform → write-back (segmentVolume); TF.js normalise → labels read back. */
  pipelineMs?: number;
  /** Ours: wall time per stage of segmentVolume. */
  stageMs?: Partial<Record<'conform' | 'normalise' | 'infer' | 'write-back', number>>;
  tiles?: number;
  tile?: number[];
  /** TF.js: the cropped, padded box brainchop fed the model. */
  modelInput?: number[];
  /** Ours WebGPU: the most bytes of GPU buffers our allocator held (sampled per tile and every 250 ms). */
  peakGpuBufferBytes?: number;
  /** performance.memory.usedJSHeapSize before the cell, and the most seen during it (every 250 ms). */
  jsHeapBeforeBytes?: number;
  jsHeapPeakBytes?: number;
  /** TF.js: the most tf.memory().numBytes / numBytesInGPU seen (after every layer). */
  tfBytes?: number;
  tfGpuBytes?: number;
  adapter?: string;
  version?: string;
  notes?: string[];
  error?: string;
}

export interface VolumeAgreement {
  a: VolumeBackend;
  b: VolumeBackend;
  same: number;
  total: number;
}

export interface VolumeReport {
  started: Date;
  wallMs: number;
  adapter: string;
  browserVersion: string;
  machine: string;
  volume: { file: string; shape: number[]; regionShape: number[]; region: string };
  model: string;
  cells: VolumeCell[];
  agreement: VolumeAgreement[];
}

/** --volume-region full | head | N (an N³ sub-volume centred on the head). */
export function parseVolumeRegion(text: string | undefined): VolumeRegion {
  if (text === undefined || text === 'full') return { kind: 'full' };
  if (text === 'head') return { kind: 'head' };
  const n = Number(text);
  if (!(Number.isInteger(n) && n >= 8 && n <= 2048 && text.trim() !== '')) throw new UsageError(`--volume-region must be full, head or an edge N (8..2048) for an N³ sub-volume, got "${text}"`);
  return { kind: 'box', size: n };
}

/**
 * The MeshNet directory a --volume-model name means among `dirs` (../shared/fixtures/models):
 * `meshnet-NAME-tfjs` exactly, else the one MeshNet directory whose name contains NAME.
 */
export function volumeModelDir(name: string, dirs: readonly string[]): string {
  const meshnets = dirs.filter((d) => d.startsWith('meshnet-') && d.endsWith('-tfjs'));
  const exact = `meshnet-${name}-tfjs`;
  if (meshnets.includes(exact)) return exact;
  const matches = meshnets.filter((d) => d.includes(name));
  if (matches.length === 1) return matches[0];
  const known = meshnets.map((d) => d.slice('meshnet-'.length, -'-tfjs'.length)).join(', ');
  throw new UsageError(`--volume-model ${name} ${matches.length ? `is ambiguous (${matches.join(', ')})` : 'matches no MeshNet model'}; known: ${known || 'none found'}`);
}

const seconds = (ms: number | undefined) => (ms === undefined ? '–' : (ms / 1000).toFixed(1));
const mb = (bytes: number | undefined) => (bytes === undefined ? '–' : (bytes / 2 ** 20).toFixed(0));
export const totalMs = (c: VolumeCell): number | undefined => (c.loadMs === undefined || c.pipelineMs === undefined ? undefined : c.loadMs + c.pipelineMs);

/** "ours 2.41× faster" / "ours 1.30× slower" against TF.js WebGL's time, "(reference)" for TF.js itself. */
export function ratioToTfjs(cell: VolumeCell, tfjsMs: number | undefined): string {
  if (cell.backend === 'tfjs-webgl') return cell.error ? '–' : '(reference)';
  const ms = totalMs(cell);
  if (ms === undefined || tfjsMs === undefined || !(ms > 0)) return '–';
  return tfjsMs >= ms ? `${(tfjsMs / ms).toFixed(2)}× faster` : `${(ms / tfjsMs).toFixed(2)}× slower`;
}

function stages(c: VolumeCell): string {
  if (!c.stageMs) return c.backend === 'tfjs-webgl' && c.pipelineMs !== undefined ? 'one pass' : '–';
  return (['conform', 'normalise', 'infer', 'write-back'] as const).map((s) => seconds(c.stageMs?.[s])).join(' / ');
}

function memory(c: VolumeCell): string {
  const parts: string[] = [];
  if (c.peakGpuBufferBytes !== undefined) parts.push(`GPU buffers ${mb(c.peakGpuBufferBytes)}`);
  if (c.tfBytes !== undefined) parts.push(`tf.memory ${mb(c.tfBytes)}${c.tfGpuBytes !== undefined ? ` (in GPU ${mb(c.tfGpuBytes)})` : ''}`);
  if (c.jsHeapPeakBytes !== undefined) parts.push(`JS heap ${mb(c.jsHeapBeforeBytes)} → ${mb(c.jsHeapPeakBytes)}`);
  return parts.join('; ') || '–';
}

/** One row per backend: load, pipeline (and its stages), total, ratio to TF.js WebGL, tiles, memory peaks (MB). */
export function volumeTable(cells: readonly VolumeCell[]): string[] {
  const tfjs = cells.find((c) => c.backend === 'tfjs-webgl' && !c.error);
  const tfjsMs = tfjs ? totalMs(tfjs) : undefined;
  return [
    '| backend | load s | pipeline s | conform / normalise / infer / write-back s | total s | vs TF.js WebGL (total) | tiles | peak memory MB |',
    '|---|---:|---:|---|---:|---|---|---|',
    ...cells.map((c) => {
      if (c.error) return `| ${c.backend} | – | – | – | – | – | – | failed: ${c.error.replace(/\|/g, '/').slice(0, 160)} |`;
      const tiles = c.tiles !== undefined ? `${c.tiles}${c.tile ? ` of ${c.tile.join('×')}` : ''}` : c.modelInput ? `1 of ${c.modelInput.join('×')} (brainchop's crop)` : '–';
      return `| ${c.backend} | ${seconds(c.loadMs)} | ${seconds(c.pipelineMs)} | ${stages(c)} | ${seconds(totalMs(c))} | ${ratioToTfjs(c, tfjsMs)} | ${tiles} | ${memory(c)} |`;
    }),
  ];
}

export function agreementTable(pairs: readonly VolumeAgreement[]): string[] {
  if (pairs.length === 0) return ['No two backends produced labels, so there is nothing to compare.'];
  return [
    '| backends | same label | voxels | agreement |',
    '|---|---:|---:|---:|',
    ...pairs.map((p) => `| ${p.a} vs ${p.b} | ${p.same} | ${p.total} | ${((100 * p.same) / p.total).toFixed(3)} % |`),
  ];
}
