/**
 * Compute pipelines, cached per device with typed keys and created with
 * createComputePipelineAsync so a model's pipelines compile in parallel at load.
 */
import { linkShader } from './shader-library.ts';
import { reflectShader, type ShaderLayout } from './reflect.ts';

export interface PipelineKey {
  shader: readonly string[];
  entryPoint: string;
  constants: Readonly<Record<string, number>>;
}

/** The pipeline key of a kernel step (its WGSL files, entry point — 'main' unless named — and overrides). */
export function pipelineKeyOf(step: { shader: readonly string[]; entryPoint?: string; constants?: Readonly<Record<string, number>> }): PipelineKey {
  return { shader: step.shader, entryPoint: step.entryPoint ?? 'main', constants: step.constants ?? {} };
}

export interface CompiledKernel {
  pipeline: GPUComputePipeline;
  layout: ShaderLayout;
}

const perDevice = new WeakMap<GPUDevice, Map<string, Promise<CompiledKernel>>>();

function keyString(key: PipelineKey): string {
  const constants = Object.keys(key.constants)
    .sort()
    .map((k) => [k, key.constants[k]]);
  return JSON.stringify([key.shader, key.entryPoint, constants]);
}

/** The pipeline for a kernel variant; concurrent requests for the same key share one compile. */
export function getPipeline(device: GPUDevice, key: PipelineKey, label: string): Promise<CompiledKernel> {
  let cache = perDevice.get(device);
  if (!cache) perDevice.set(device, (cache = new Map()));
  const k = keyString(key);
  let hit = cache.get(k);
  if (!hit) {
    hit = compile(device, key, label);
    cache.set(k, hit);
    hit.catch(() => cache!.delete(k));
  }
  return hit;
}

async function compile(device: GPUDevice, key: PipelineKey, label: string): Promise<CompiledKernel> {
  const code = linkShader(key.shader);
  const layout = reflectShader(code);
  for (const name of Object.keys(key.constants)) {
    if (!layout.overrides.has(name)) throw new Error(`${label}: shader ${key.shader.join('+')} has no override "${name}"`);
  }
  const module = device.createShaderModule({ code, label: key.shader.join('+') });
  const pipeline = await device.createComputePipelineAsync({
    label,
    layout: 'auto',
    compute: { module, entryPoint: key.entryPoint, constants: { ...key.constants } },
  });
  return { pipeline, layout };
}
