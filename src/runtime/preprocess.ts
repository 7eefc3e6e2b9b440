/**
 * Image preprocessing on the GPU (shaders/preprocess.wgsl): each image is uploaded (decoded pixels as
 * a storage buffer, browser images with copyExternalImageToTexture into an rgba8unorm texture), then
 * one dispatch per image resizes and normalises it straight into a target buffer, normally the model
 * plan's input buffer, inside the plan's own command buffer (see ExecutionPlan.runEncoded).
 *
 * GPU objects are made once per (target buffer, position in the batch, source size and kind) and
 * kept, so a second image of the same size allocates nothing: only its pixels and a small params
 * block are written. The recipe and the resize convention are in src/reference/preprocess.ts.
 */
import { WgslReflect } from 'wgsl_reflect/wgsl_reflect.module.js';
import { GPUExecutionError, GPUMemoryError, ImageInputError } from '../errors.ts';
import type { GpuContext } from '../gpu/device.ts';
import { createBuffer, createTexture, destroyGpuObject } from '../gpu/memory.ts';
import { getPipeline, type CompiledKernel } from '../gpu/pipelines.ts';
import { packParams } from '../gpu/reflect.ts';
import { linkShader } from '../gpu/shader-library.ts';
import { dispatch1D } from '../ops/dispatch.ts';
import type { Tensor } from '../tensor.ts';
import { BUFFER_USAGE, TEXTURE_USAGE } from '../gpu/usage.ts';
import type { ImageInput } from './preprocess-options.ts';
import { greyProductTable, type PreprocessSpec } from './preprocess-spec.ts';
import { classifyImage, type ImageSource } from './preprocess-source.ts';

const SHADER = ['preprocess.wgsl'];
const WG = 64;
const { MAP_READ, COPY_SRC, COPY_DST, UNIFORM, STORAGE } = BUFFER_USAGE;
const { COPY_DST: TEX_COPY_DST, TEXTURE_BINDING: TEX_BINDING, RENDER_ATTACHMENT: TEX_RENDER_ATTACHMENT } = TEXTURE_USAGE;

interface Kernels {
  fromBuffer: CompiledKernel;
  fromTexture: CompiledKernel;
  textureBinding: number;
  greyProducts: GPUBuffer;
}

/** The GPU objects of one image position for one target and source size. */
interface ImageSlot {
  params: GPUBuffer;
  bindGroup: GPUBindGroup;
  texture?: GPUTexture;
  pixels?: GPUBuffer;
  /** Zero-padded copy for byte pixels whose length is not a multiple of 4 (writeBuffer needs one). */
  staging?: Uint8Array;
}

export class Preprocessor {
  private kernels?: Promise<Kernels>;
  private compiled?: Kernels;
  private readonly slots = new Map<GPUBuffer, Map<string, ImageSlot>>();
  private readonly standalone = new Map<string, { output: GPUBuffer; readback: GPUBuffer }>();
  private readonly owned: (GPUBuffer | GPUTexture)[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(private readonly gpu: GpuContext) {}

  /** Checks and classifies the images (one or a batch) without touching the GPU. */
  sources(images: ImageInput | readonly ImageInput[]): ImageSource[] {
    const list = Array.isArray(images) ? (images as readonly ImageInput[]) : [images as ImageInput];
    if (list.length === 0) throw new ImageInputError('No images were given');
    const canCopy = typeof this.gpu.device.queue.copyExternalImageToTexture === 'function';
    const maxSide = this.gpu.device.limits.maxTextureDimension2D;
    return list.map((image, i) => {
      const src = classifyImage(image, i, canCopy);
      if (src.kind === 'external' && (src.width > maxSide || src.height > maxSide)) {
        throw new ImageInputError(`image ${i} is ${src.width}×${src.height}; this GPU's textures stop at ${maxSide} a side: pass decoded pixels or a smaller image`);
      }
      return src;
    });
  }

  /** Compiles the two entry points (once; later calls share the promise). */
  ready(): Promise<void> {
    this.kernels ??= this.compile();
    this.kernels.catch(() => (this.kernels = undefined));
    return this.kernels.then((k) => void (this.compiled = k));
  }

  private async compile(): Promise<Kernels> {
    const { device } = this.gpu;
    const make = (entryPoint: string) =>
      getPipeline(device, { shader: SHADER, entryPoint, constants: { WG } }, `preprocess/${entryPoint}`).catch((cause: unknown) => {
        throw new GPUExecutionError(`compiling preprocess.wgsl (${entryPoint}) failed: ${String((cause as Error)?.message ?? cause)}`, undefined, { cause });
      });
    const [fromBuffer, fromTexture] = await Promise.all([make('fromBuffer'), make('fromTexture')]);
    // reflectShader lists buffers only; the texture's binding index is read from the WGSL too.
    const tex = new WgslReflect(linkShader(SHADER)).textures.find((t) => t.name === 'srcTexture');
    if (!tex) throw new Error('preprocess.wgsl: no srcTexture binding');
    const table = greyProductTable();
    const greyProducts = createBuffer(device, { size: table.byteLength, usage: STORAGE | COPY_DST, label: 'preprocess/greyProducts' });
    device.queue.writeBuffer(greyProducts, 0, table);
    this.owned.push(greyProducts);
    return { fromBuffer, fromTexture, textureBinding: tex.binding, greyProducts };
  }

  /**
   * Uploads the images and records their dispatches into `encoder`, writing the batch
   * `[images.length, spec.height, spec.width, spec.channels]` at the start of `target`.
   * Call after `ready()`, at the moment the commands' turn in the queue comes (the uploads are
   * queue operations, ordered before the encoder's submit).
   */
  encode(encoder: GPUCommandEncoder, target: GPUBuffer, images: readonly ImageSource[], spec: PreprocessSpec): void {
    const k = this.compiled;
    if (!k) throw new Error('Preprocessor.encode called before ready()');
    if (this.disposed) throw new GPUExecutionError('the model was disposed');
    const perImage = spec.height * spec.width * spec.channels;
    if (target.size < images.length * perImage * 4) {
      throw new GPUExecutionError(`internal: preprocess target holds ${target.size} bytes, ${images.length * perImage * 4} needed`);
    }
    const { device } = this.gpu;
    const layout = k.fromBuffer.layout;
    const pass = encoder.beginComputePass({ label: 'preprocess' });
    images.forEach((src, i) => {
      const slot = this.slotFor(k, target, i, src);
      const floatPixels = src.kind === 'pixels' && src.image.data instanceof Float32Array;
      if (src.kind === 'pixels') this.uploadPixels(slot, src);
      else {
        try {
          device.queue.copyExternalImageToTexture(
            { source: src.source, flipY: false },
            { texture: slot.texture!, premultipliedAlpha: false, colorSpace: 'srgb' },
            { width: src.width, height: src.height },
          );
        } catch (cause) {
          // Some sources (a VideoFrame on some adapters, a tainted cross-origin image) cannot be
          // copied: say so with a typed error rather than a bare DOMException.
          throw new ImageInputError(
            `image ${i} could not be copied to the GPU (${String((cause as Error)?.message ?? cause)}); ` +
              'pass an ImageBitmap (e.g. from createImageBitmap) or decoded pixels instead',
            { cause },
          );
        }
      }
      const f = Math.fround;
      const params = packParams(
        layout,
        {
          srcWidth: src.width,
          srcHeight: src.height,
          srcChannels: src.kind === 'pixels' ? src.image.channels : 4,
          srcFloat: floatPixels ? 1 : 0,
          dstWidth: spec.width,
          dstHeight: spec.height,
          dstChannels: spec.channels,
          nearest: spec.resize === 'nearest' ? 1 : 0,
          outBase: i * perImage,
          scaleY: f(src.height / spec.height),
          scaleX: f(src.width / spec.width),
          pixelScale: spec.scale,
          pixelOffset: spec.offset,
          mean: pad4(spec.mean, 0),
          stdDev: pad4(spec.std, 1),
        },
        'preprocess',
      );
      device.queue.writeBuffer(slot.params, 0, params);
      pass.setPipeline(src.kind === 'pixels' ? k.fromBuffer.pipeline : k.fromTexture.pipeline);
      pass.setBindGroup(0, slot.bindGroup);
      const [x, y, z] = dispatch1D(spec.height * spec.width, WG);
      pass.dispatchWorkgroups(x, y, z);
    });
    pass.end();
  }

  private slotFor(k: Kernels, target: GPUBuffer, index: number, src: ImageSource): ImageSlot {
    let perTarget = this.slots.get(target);
    if (!perTarget) this.slots.set(target, (perTarget = new Map()));
    const pixelKind = src.kind === 'pixels' ? `${src.image.channels}${src.image.data instanceof Float32Array ? 'f' : 'b'}` : 'tex';
    const key = `${index}:${src.width}x${src.height}:${pixelKind}`;
    const hit = perTarget.get(key);
    if (hit) return hit;
    const { device } = this.gpu;
    const label = `preprocess/image${index}/${src.width}x${src.height}`;
    const params = createBuffer(device, { size: k.fromBuffer.layout.params!.size, usage: UNIFORM | COPY_DST, label: `${label}/params` });
    this.owned.push(params);
    const slot: ImageSlot = { params, bindGroup: undefined as unknown as GPUBindGroup };
    const bind = (name: string) => k.fromBuffer.layout.bindings.get(name)!.binding;
    const entries: GPUBindGroupEntry[] = [
      { binding: bind('params'), resource: { buffer: params } },
      { binding: bind('greyProducts'), resource: { buffer: k.greyProducts } },
      { binding: bind('output'), resource: { buffer: target } },
    ];
    let pipeline: GPUComputePipeline;
    if (src.kind === 'pixels') {
      const bytes = src.image.data.byteLength;
      const size = Math.max(16, Math.ceil(bytes / 4) * 4);
      slot.pixels = createBuffer(device, { size, usage: STORAGE | COPY_DST, label: `${label}/pixels` });
      this.owned.push(slot.pixels);
      if (bytes % 4 !== 0) slot.staging = new Uint8Array(Math.ceil(bytes / 4) * 4);
      entries.push({ binding: bind('pixels'), resource: { buffer: slot.pixels } });
      pipeline = k.fromBuffer.pipeline;
    } else {
      slot.texture = createTexture(device, {
        size: { width: src.width, height: src.height },
        format: 'rgba8unorm',
        usage: TEX_BINDING | TEX_COPY_DST | TEX_RENDER_ATTACHMENT,
        label: `${label}/texture`,
      });
      this.owned.push(slot.texture);
      entries.push({ binding: k.textureBinding, resource: slot.texture.createView() });
      pipeline = k.fromTexture.pipeline;
    }
    slot.bindGroup = device.createBindGroup({ label, layout: pipeline.getBindGroupLayout(0), entries });
    perTarget.set(key, slot);
    return slot;
  }

  private uploadPixels(slot: ImageSlot, src: Extract<ImageSource, { kind: 'pixels' }>): void {
    const data = src.image.data;
    const queue = this.gpu.device.queue;
    if (slot.staging) {
      slot.staging.set(data as Uint8Array);
      queue.writeBuffer(slot.pixels!, 0, slot.staging);
    } else {
      queue.writeBuffer(slot.pixels!, 0, data.buffer, data.byteOffset, data.byteLength);
    }
  }

  /**
   * Preprocesses images into a buffer of the preprocessor's own and reads the batch back
   * (Model.preprocess: for tests and debugging; predictImage writes into the plan instead).
   */
  run(images: readonly ImageSource[], spec: PreprocessSpec): Promise<Tensor> {
    const result = this.queue.then(() => this.runNow(images, spec));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async runNow(images: readonly ImageSource[], spec: PreprocessSpec): Promise<Tensor> {
    await this.ready();
    const { device } = this.gpu;
    const shape = [images.length, spec.height, spec.width, spec.channels];
    const bytes = shape.reduce((a, b) => a * b, 4);
    const key = shape.join('x');
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    let validation: GPUError | null;
    let oom: GPUError | null;
    let bufs = this.standalone.get(key);
    try {
      if (!bufs) {
        bufs = {
          output: createBuffer(device, { size: Math.max(16, bytes), usage: STORAGE | COPY_SRC, label: `preprocess/output/${key}` }),
          readback: createBuffer(device, { size: Math.max(16, bytes), usage: MAP_READ | COPY_DST, label: `preprocess/readback/${key}` }),
        };
        this.owned.push(bufs.output, bufs.readback);
        this.standalone.set(key, bufs);
      }
      const encoder = device.createCommandEncoder({ label: 'preprocess' });
      this.encode(encoder, bufs.output, images, spec);
      encoder.copyBufferToBuffer(bufs.output, 0, bufs.readback, 0, bytes);
      device.queue.submit([encoder.finish()]);
    } finally {
      validation = await device.popErrorScope();
      oom = await device.popErrorScope();
    }
    if (oom) throw new GPUMemoryError(`out of GPU memory while preprocessing: ${oom.message}`);
    if (validation) throw new GPUExecutionError(`preprocessing failed: ${validation.message}`);
    await bufs.readback.mapAsync(MAP_READ);
    const data = new Float32Array(bufs.readback.getMappedRange().slice(0, bytes));
    bufs.readback.unmap();
    return { shape, data };
  }

  /** How many buffers and textures the preprocessor holds (tests check that a repeat allocates none). */
  get gpuObjectCount(): number {
    return this.owned.length;
  }

  /** Frees every texture and buffer the preprocessor made. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const o of this.owned) destroyGpuObject(o);
    this.owned.length = 0;
    this.slots.clear();
    this.standalone.clear();
  }
}

function pad4(values: readonly number[], fill: number): number[] {
  return [0, 1, 2, 3].map((i) => values[i] ?? fill);
}
