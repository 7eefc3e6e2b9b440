/**
 * Turns a PlanLayout into GPU objects, once: activation slots, constant (weight) buffers, one
 * uniform buffer holding every step's params, pipelines (compiled in parallel), bind groups and
 * read-back buffers. Failures are caught with error scopes and name the layer.
 */
import { BUFFER_USAGE } from '../gpu/usage.ts';
import { GPUExecutionError, GPUMemoryError } from '../errors.ts';
import type { GpuContext } from '../gpu/device.ts';
import { createBuffer, destroyGpuObject } from '../gpu/memory.ts';
import { getPipeline, pipelineKeyOf } from '../gpu/pipelines.ts';
import { packParams } from '../gpu/reflect.ts';
import { scratchName, type PlanLayout } from './layout.ts';

export interface CompiledStep {
  label: string;
  nodeName: string;
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  dispatch: readonly [number, number, number];
  flops: number;
  /** Estimated bytes moved (KernelStep.bytes, else the sum of the bound buffers): profiles only. */
  bytes: number;
  /** The kernel variant, for profiles: WGSL files and override constants. */
  shader: readonly string[];
  constants: Readonly<Record<string, number>>;
}

export interface GpuPlan {
  steps: CompiledStep[];
  slots: GPUBuffer[];
  constants: GPUBuffer[];
  uniforms: GPUBuffer | undefined;
  /** One MAP_READ buffer per graph output. */
  readback: GPUBuffer[];
  constantBytes: number;
}

const { STORAGE, COPY_SRC, COPY_DST, UNIFORM, MAP_READ } = BUFFER_USAGE;

async function scoped<T>(device: GPUDevice, what: string, layer: string | undefined, make: () => T): Promise<T> {
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  const value = make();
  const validation = await device.popErrorScope();
  const oom = await device.popErrorScope();
  if (oom) throw new GPUMemoryError(`out of GPU memory while creating ${what}: ${oom.message}`, layer);
  if (validation) throw new GPUExecutionError(`creating ${what} failed: ${validation.message}`, layer);
  return value;
}

export async function buildGpuPlan(gpu: GpuContext, layout: PlanLayout): Promise<GpuPlan> {
  const { device } = gpu;
  const created: GPUBuffer[] = [];
  try {
    return await build(gpu, layout, created);
  } catch (err) {
    for (const b of created) destroyGpuObject(b);
    throw err;
  }
}

async function build(gpu: GpuContext, layout: PlanLayout, created: GPUBuffer[]): Promise<GpuPlan> {
  const { device } = gpu;
  const slots = await scoped(device, 'activation buffers', undefined, () =>
    layout.slotBytes.map((size, i) =>
      createBuffer(device, { size, usage: STORAGE | COPY_SRC | COPY_DST, label: `activations/slot${i}` }),
    ),
  );
  created.push(...slots);

  // Constants: one buffer per distinct array (steps sharing weights share the buffer).
  const constantBuffers = new Map<ArrayBufferView, GPUBuffer>();
  let constantBytes = 0;
  for (const { node, kernel } of layout.steps) {
    for (const ref of Object.values(kernel.bindings)) {
      if (ref.kind !== 'constant' || constantBuffers.has(ref.data)) continue;
      const size = Math.max(16, Math.ceil(ref.data.byteLength / 4) * 4);
      const buffer = await scoped(device, `weights ${ref.label}`, node.name, () => {
        const b = createBuffer(device, { size, usage: STORAGE | COPY_DST, label: ref.label });
        device.queue.writeBuffer(b, 0, ref.data.buffer, ref.data.byteOffset, ref.data.byteLength);
        return b;
      });
      created.push(buffer);
      constantBuffers.set(ref.data, buffer);
      constantBytes += size;
    }
  }

  const kernels = await Promise.all(
    layout.steps.map(({ node, kernel }) =>
      getPipeline(
        device,
        pipelineKeyOf(kernel),
        kernel.label,
      ).catch((cause: unknown) => {
        throw new GPUExecutionError(`compiling kernel ${kernel.shader.join('+')} failed: ${String((cause as Error)?.message ?? cause)}`, node.name, { cause });
      }),
    ),
  );

  const align = device.limits.minUniformBufferOffsetAlignment;
  const paramBlocks: { offset: number; bytes: ArrayBuffer }[] = [];
  let uniformSize = 0;
  layout.steps.forEach(({ kernel }, i) => {
    const l = kernels[i].layout;
    if (!l.params) return;
    const bytes = packParams(l, kernel.params ?? {}, kernel.label);
    paramBlocks[i] = { offset: uniformSize, bytes };
    uniformSize += Math.ceil(bytes.byteLength / align) * align;
  });
  let uniforms: GPUBuffer | undefined;
  if (uniformSize > 0) {
    uniforms = createBuffer(device, { size: uniformSize, usage: UNIFORM | COPY_DST, label: 'params' });
    created.push(uniforms);
    for (const block of paramBlocks) if (block) device.queue.writeBuffer(uniforms, block.offset, block.bytes);
  }

  const steps = await Promise.all(
    layout.steps.map(async ({ node, kernel }, i): Promise<CompiledStep> => {
      const { pipeline, layout: shaderLayout } = kernels[i];
      const entries: GPUBindGroupEntry[] = [];
      let boundBytes = 0;
      for (const [name, info] of shaderLayout.bindings) {
        if (name === 'params') {
          const block = paramBlocks[i];
          entries.push({ binding: info.binding, resource: { buffer: uniforms!, offset: block.offset, size: block.bytes.byteLength } });
          continue;
        }
        const ref = kernel.bindings[name];
        if (!ref) throw new Error(`${kernel.label}: shader binding "${name}" was not given a buffer`);
        if (ref.kind === 'constant') {
          entries.push({ binding: info.binding, resource: { buffer: constantBuffers.get(ref.data)! } });
          boundBytes += ref.data.byteLength;
        } else {
          const tensor = ref.kind === 'tensor' ? ref.name : scratchName(node.name, ref.label);
          const slot = layout.slotOf.get(tensor);
          if (slot === undefined) throw new Error(`${kernel.label}: no buffer planned for "${tensor}"`);
          const shape = layout.shapes.get(tensor);
          const size = ref.kind === 'scratch' ? ref.bytes : Math.max(16, shape!.reduce((a, b) => a * b, 1) * 4);
          boundBytes += size;
          entries.push({ binding: info.binding, resource: { buffer: slots[slot], offset: 0, size: Math.max(16, Math.ceil(size / 4) * 4) } });
        }
      }
      for (const name of Object.keys(kernel.bindings)) {
        if (!shaderLayout.bindings.has(name)) throw new Error(`${kernel.label}: shader has no binding "${name}"`);
      }
      const bindGroup = await scoped(device, 'bind group', node.name, () =>
        device.createBindGroup({ label: kernel.label, layout: pipeline.getBindGroupLayout(0), entries }),
      );
      return {
        label: kernel.label,
        nodeName: node.name,
        pipeline,
        bindGroup,
        dispatch: kernel.dispatch,
        flops: kernel.flops ?? 0,
        bytes: kernel.bytes ?? boundBytes,
        shader: kernel.shader,
        constants: kernel.constants ?? {},
      };
    }),
  );

  const readback = layout.outputNames.map((name, i) => {
    const size = Math.max(16, layout.shapes.get(name)!.reduce((a, b) => a * b, 1) * 4);
    return createBuffer(device, { size, usage: MAP_READ | COPY_DST, label: `readback/output${i}` });
  });
  created.push(...readback);
  return { steps, slots, constants: [...constantBuffers.values()], uniforms, readback, constantBytes };
}

/** Frees every buffer of a plan. */
export function destroyGpuPlan(plan: GpuPlan): void {
  for (const b of [...plan.slots, ...plan.constants, ...plan.readback]) destroyGpuObject(b);
  if (plan.uniforms) destroyGpuObject(plan.uniforms);
}
