/**
 * Moving tensors and graphs between Node and a page (puppeteer passes JSON): Float32Arrays travel
 * as base64 of their little-endian bytes, which is exact and about 1.33× the raw size.
 */
import type { Graph, GraphNode, WeightTensor } from '../graph/ir.ts';
import type { Tensor } from '../tensor.ts';

/**
 * Floats per part when a tensor crosses in parts (page.ts `stage`/`take`): 32 MiB, 43 MiB as base64.
 * One page.evaluate message must stay under puppeteer's 256 MiB websocket frame (a 268 MB output
 * sent whole hung mi for good), and under V8's longest string.
 */
export const WIRE_PART_FLOATS = 8 * 2 ** 20;

export interface WireTensor {
  shape: number[];
  b64: string;
}

export interface WireGraph extends Omit<Graph, 'nodes'> {
  nodes: (Omit<GraphNode, 'weights'> & { weights: { name: string; shape: number[]; b64: string }[] })[];
}

/** The native base64 of Uint8Array (Chromium 140+), where there is one: string building takes seconds per 32 MiB part. */
type NativeBase64 = { toBase64?: (this: Uint8Array) => string };
const nativeFromBase64 = (Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array }).fromBase64;

function bytesToBase64(bytes: Uint8Array): string {
  if (typeof Buffer !== 'undefined') return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  const toBase64 = (Uint8Array.prototype as NativeBase64).toBase64;
  if (toBase64) return toBase64.call(bytes);
  let s = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) s += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(s);
}

function base64ToBytes(b64: string): Uint8Array {
  if (typeof Buffer !== 'undefined') {
    const buf = Buffer.from(b64, 'base64');
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  if (nativeFromBase64) return nativeFromBase64(b64);
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export function f32ToBase64(data: Float32Array): string {
  return bytesToBase64(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

export function base64ToF32(b64: string): Float32Array {
  const bytes = base64ToBytes(b64);
  // Copy to an aligned buffer: Buffer views may start at odd offsets.
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}

export const toWire = (t: Tensor): WireTensor => ({ shape: [...t.shape], b64: f32ToBase64(t.data) });
export const fromWire = (w: WireTensor): Tensor => ({ shape: w.shape, data: base64ToF32(w.b64) });

export function graphToWire(graph: Graph): WireGraph {
  return {
    ...graph,
    nodes: graph.nodes.map((n) => ({
      ...n,
      weights: n.weights.map((w) => ({ name: w.name, shape: [...w.shape], b64: f32ToBase64(w.data) })),
    })),
  };
}

export function graphFromWire(wire: WireGraph): Graph {
  return {
    ...wire,
    nodes: wire.nodes.map((n) => ({
      ...n,
      weights: n.weights.map((w): WeightTensor => ({ name: w.name, shape: w.shape, data: base64ToF32(w.b64) })),
    })),
  };
}
