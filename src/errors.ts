/**
 * Typed errors. Every failure the engine reports is one of these, so callers can branch on
 * the class and users read a message that says what went wrong and, where it applies, which layer.
 */

/** Base class: every engine error has a stable `code` for programmatic handling. */
export class EngineError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** No WebGPU in this browser/runtime, or no adapter could be had. */
export class WebGPUUnavailableError extends EngineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('WEBGPU_UNAVAILABLE', message, options);
  }
}

/** The model file is malformed, truncated, or not a model at all. */
export class ModelFormatError extends EngineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('MODEL_FORMAT', message, options);
  }
}

/** A model file the model refers to (weight shard, weights file) could not be fetched. */
export class ModelFetchError extends EngineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('MODEL_FETCH', message, options);
  }
}

/** The model uses a layer (or a layer option) the engine does not implement. */
export class UnsupportedLayerError extends EngineError {
  readonly layerName: string;
  readonly layerClass: string;
  constructor(layerName: string, layerClass: string, detail?: string) {
    super(
      'UNSUPPORTED_LAYER',
      `Layer "${layerName}" (${layerClass}) is not supported` + (detail ? `: ${detail}` : ''),
    );
    this.layerName = layerName;
    this.layerClass = layerClass;
  }
}

/** An input tensor does not have the shape (or size) the model accepts. */
export class ShapeError extends EngineError {
  constructor(message: string) {
    super('SHAPE', message);
  }
}

/** The GPU rejected something (validation, out of memory) or was lost; names the layer when known. */
export class GPUExecutionError extends EngineError {
  readonly layerName?: string;
  constructor(message: string, layerName?: string, options?: { cause?: unknown }) {
    super('GPU_EXECUTION', layerName ? `Layer "${layerName}": ${message}` : message, options);
    this.layerName = layerName;
  }
}

/** The model needs more GPU memory (or a bigger buffer) than the device allows. */
export class GPUMemoryError extends EngineError {
  readonly layerName?: string;
  constructor(message: string, layerName?: string) {
    super('GPU_MEMORY', layerName ? `Layer "${layerName}": ${message}` : message);
    this.layerName = layerName;
  }
}

/** The image given to preprocessing cannot be used (wrong kind, empty, undecodable). */
export class ImageInputError extends EngineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('IMAGE_INPUT', message, options);
  }
}

/**
 * The GPU device was lost (destroyed, a driver reset, the GPU process crashed) while a call ran or
 * before it. `reason` is WebGPU's (`destroyed: …`, `unknown: …`). A model that requested its own
 * device gets a new one on its next call (`recovers`); a device given with the `device` option
 * cannot be replaced by the engine, so every later call fails until the model is loaded again with
 * a new device.
 */
export class DeviceLostError extends GPUExecutionError {
  readonly reason: string;
  readonly recovers: boolean;
  constructor(reason: string, recovers: boolean, options?: { cause?: unknown }) {
    super(
      recovers
        ? `The GPU device was lost (${reason}). The model requests a new device on its next call.`
        : `The GPU device given as the \`device\` option was lost (${reason}); the model cannot run on it again. ` +
            'Request a new GPUDevice and load the model again with it.',
      undefined,
      options,
    );
    this.reason = reason;
    this.recovers = recovers;
  }
}

/**
 * The caller's AbortSignal stopped a load or a run. Named `AbortError`, like fetch's, so code that
 * checks `err.name === 'AbortError'` works unchanged; `cause` is the signal's reason.
 */
export class AbortError extends EngineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ABORTED', message, options);
  }
}

/**
 * A NaN or ±Infinity where the engine refuses one: in a model's weights (at load, always: a network
 * whose weights hold NaN answers nothing meaningful, and its answers would still look like
 * probabilities), or in an input of predict/run/predictImage unless `allowNonFinite` is set.
 * Names where: `layerName`/`weightName` for a weight, `input` for an input tensor; `index` is the
 * flat index of the first offending value and `coordinates` its position in the tensor's shape.
 */
export class NonFiniteError extends EngineError {
  readonly index: number;
  readonly coordinates: readonly number[];
  readonly value: number;
  readonly layerName?: string;
  readonly weightName?: string;
  readonly input?: number;
  constructor(
    message: string,
    where: { index: number; coordinates: readonly number[]; value: number; layerName?: string; weightName?: string; input?: number },
  ) {
    super('NON_FINITE', message);
    this.index = where.index;
    this.coordinates = where.coordinates;
    this.value = where.value;
    this.layerName = where.layerName;
    this.weightName = where.weightName;
    this.input = where.input;
  }
}

/**
 * An input (image, model file, tensor, batch) is bigger than one of the engine's limits
 * (src/limits.ts), found before anything of that size was allocated. The message names the limit,
 * the value and how to raise it: the `limits` option of loadModel, or mi's flag.
 */
export class LimitError extends EngineError {
  /** The limit's name in `EngineLimits` (e.g. 'maxImagePixels'). */
  readonly limit: string;
  readonly value: number;
  readonly max: number;
  constructor(limit: string, value: number, max: number, message: string) {
    super('LIMIT', message);
    this.limit = limit;
    this.value = value;
    this.max = max;
  }
}

/**
 * An optional peer package a feature needs is not installed (puppeteer or `webgpu` for `mi`,
 * protobufjs for the ONNX export, onnxruntime-web for the CPU path); the message says what to install.
 */
export class MissingPackageError extends EngineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('MISSING_PACKAGE', message, options);
  }
}

/**
 * The graph cannot be written as ONNX: an op or option the exporter has no ONNX form for, or a
 * shape it needs that is unknown (e.g. an input whose height is left open). Names the layer.
 */
export class OnnxExportError extends EngineError {
  readonly layerName?: string;
  constructor(message: string, layerName?: string) {
    super('ONNX_EXPORT', layerName ? `Layer "${layerName}": ${message}` : message);
    this.layerName = layerName;
  }
}

/**
 * A DICOM file (or series) that cannot be read: not DICOM, a truncated or lying element, pixel data
 * shorter than the header says, a transfer syntax the engine has no decoder for (named by UID and
 * name), a corrupt compressed frame, or a series whose slices do not fit together. Names the file.
 */
export class DicomFormatError extends EngineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('DICOM_FORMAT', message, options);
  }
}

/**
 * A NIfTI-1/2 file (`.nii`, `.nii.gz`) cannot be read: bad sizeof_hdr or magic, dims that are not
 * positive, an unknown datatype, truncated data or gzip stream. Names the file.
 */
export class NiftiFormatError extends EngineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('NIFTI_FORMAT', message, options);
  }
}
