/** Shared helpers for the reader tests: our committed fixtures and their expected weights. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { KerasModel } from '../../../src/formats/keras-model.ts';
import { repoRoot } from '../../util/fixtures.ts';

export const FORMATS_DIR = join(repoRoot, 'test', 'fixtures', 'formats');

export interface ExpectedWeight {
  name: string;
  shape: number[];
  values: number[];
}
export interface ExpectedModel {
  name: string;
  className: string;
  kerasVersion: string;
  inputShapes: (number | null)[][];
  layers: { name: string; className: string; weights: ExpectedWeight[] }[];
}

export function expectedOf(model: string): ExpectedModel {
  return JSON.parse(readFileSync(join(FORMATS_DIR, model, 'expected.json'), 'utf8'));
}

/** A plain Uint8Array copy (not a Node Buffer, whose slice() is a view into a shared pool). */
export const fixtureBytes = (model: string, file: string): Uint8Array<ArrayBuffer> => new Uint8Array(readFileSync(join(FORMATS_DIR, model, file)));

/** Keras 3 calls DepthwiseConv2D's kernel "kernel"; Keras 2 (and TF.js) "depthwise_kernel". */
const sameWeightName = (a: string, b: string) => a === b || (a === 'kernel' && b === 'depthwise_kernel') || (b === 'kernel' && a === 'depthwise_kernel');

/**
 * Checks every expected layer is present with its class and its weights in Keras order, values
 * within `tol(expected)` (0 for float32 formats; quantized formats pass their own).
 */
export function expectWeightsMatch(
  km: KerasModel,
  exp: ExpectedModel,
  tol: (w: ExpectedWeight) => number = () => 0,
): void {
  const nonInput = exp.layers.filter((l) => l.className !== 'InputLayer');
  expect(km.layers.filter((l) => l.className !== 'InputLayer').map((l) => l.name).sort()).toEqual(
    nonInput.map((l) => l.name).sort(),
  );
  for (const el of nonInput) {
    const layer = km.layers.find((l) => l.name === el.name)!;
    expect(layer.className, el.name).toBe(el.className);
    expect(layer.weights.length, `${el.name} weight count`).toBe(el.weights.length);
    el.weights.forEach((ew, i) => {
      const w = layer.weights[i];
      expect(sameWeightName(w.name, ew.name), `${el.name} weight ${i}: ${w.name} vs ${ew.name}`).toBe(true);
      expect([...w.shape], `${el.name}/${ew.name} shape`).toEqual(ew.shape);
      const t = tol(ew);
      let worst = 0;
      ew.values.forEach((v, j) => (worst = Math.max(worst, Math.abs(w.data[j] - Math.fround(v)))));
      expect(worst, `${el.name}/${ew.name} max |diff|`).toBeLessThanOrEqual(t);
    });
  }
}

/** The format-independent part of a model: names, classes, inbound, inputs/outputs. */
export function topologyOf(km: KerasModel) {
  return {
    name: km.name,
    className: km.className,
    layers: km.layers.map((l) => ({ name: l.name, className: l.className, inbound: l.inbound })),
    inputs: km.inputs,
    outputs: km.outputs,
    inputShapes: km.inputShapes,
  };
}
