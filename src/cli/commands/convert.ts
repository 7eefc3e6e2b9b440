/**
 * `mi convert MODEL --to onnx -o model.onnx`: Keras to ONNX in JavaScript, no Python. Runs in Node
 * directly (no browser, no GPU): reads the model (src/formats), builds our graph and runs its passes
 * (Keras' outputs, not logits), exports it (src/onnx) and writes the file. The ONNX model keeps
 * Keras' channels-last inputs and outputs and a symbolic batch unless --batch is given.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { buildGraph } from '../../compile/from-keras.ts';
import { optimizeGraph } from '../../compile/passes/index.ts';
import { readModelFiles } from '../../formats/node-files.ts';
import { readKerasModel } from '../../formats/read-model.ts';
import { DEFAULT_OPSET, exportOnnx } from '../../onnx/index.ts';
import { shapeToString } from '../../tensor.ts';
import { CliError, UsageError, type CommandIO } from './cli-error.ts';

export const CONVERT_HELP = `Usage: mi convert MODEL --to onnx -o OUT.onnx [options]

Writes a Keras model as ONNX, in Node (no browser, no GPU, no Python). MODEL is a TF.js layers
model.json (shards beside it, or its folder), a Keras .h5 (Keras 2 or 3), a Keras 3 .keras, or a
weights-only .h5 with --architecture. The ONNX graph is the one our engine runs (BatchNorm folded,
activations fused), with Keras' outputs (a final softmax/sigmoid kept).

  --to onnx              the output format (ONNX is the only one)
  -o, --output F.onnx    where to write it
  --batch N              a static batch size (default: symbolic, "batch": one model for every size)
  --opset N              ONNX opset, ${DEFAULT_OPSET} (default) to 21
  --input-shape D,...    the input shape to export for, without the batch (e.g. 32,32,32,1): for a
                         model whose declared input leaves sizes open, or a fully convolutional one
                         wanted at another size (default: the declared shape)
  --architecture A.json  architecture (model.to_json()) for a weights-only .h5

Inputs and outputs stay channels-last (Keras' NHWC / NDHWC) and keep Keras' order; every input
dimension but the batch must be declared in the model or given by --input-shape. Needs the npm package protobufjs (an
optional peer): npm install protobufjs. Prints one summary line; on failure, one line on stderr.
`;

export const CONVERT_OPTIONS = {
  to: { type: 'string' },
  output: { type: 'string', short: 'o' },
  batch: { type: 'string' },
  opset: { type: 'string' },
  'input-shape': { type: 'string' },
  architecture: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export interface ConvertValues {
  to?: string;
  output?: string;
  batch?: string;
  opset?: string;
  'input-shape'?: string;
  architecture?: string;
  help?: boolean;
}

/** A positive integer flag, or undefined when absent. */
function intFlag(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!(text.trim() !== '' && Number.isInteger(n) && n > 0)) throw new UsageError(`${flag} must be a positive integer, got "${text}"`);
  return n;
}

/** --input-shape "32,32,32,1" (or 32x32x32x1) as [batch placeholder 1, ...dims]; undefined when absent. */
function inputShapeFlag(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const dims = text.split(/[,x×]/).map((d) => Number(d.trim()));
  if (dims.length === 0 || dims.some((d) => !(Number.isInteger(d) && d > 0))) {
    throw new UsageError(`--input-shape must be positive integers separated by commas (without the batch), got "${text}"`);
  }
  return [1, ...dims];
}

/** MODEL resolved (a folder means its model.json), checked to exist. */
function modelPath(model: string): string {
  let path = resolve(model);
  if (!existsSync(path)) throw new CliError(`model file not found: ${model}`);
  if (statSync(path).isDirectory()) {
    path = join(path, 'model.json');
    if (!existsSync(path)) throw new CliError(`model folder ${model} has no model.json: give the model file itself`);
  }
  return path;
}

/** Engine errors in words that name the model file and what kind of problem it is. */
function describeError(err: unknown, model: string): unknown {
  const msg = (err as Error)?.message ?? String(err);
  switch ((err as { code?: string })?.code) {
    case 'MODEL_FORMAT':
      return new CliError(`malformed model ${model}: ${msg}`, { cause: err });
    case 'MODEL_FETCH':
      return new CliError(`model file missing or unreadable (${model}): ${msg}`, { cause: err });
    case 'UNSUPPORTED_LAYER':
      return new CliError(`unsupported layer in ${model}: ${msg}`, { cause: err });
    case 'ONNX_EXPORT':
    case 'SHAPE':
      return new CliError(`cannot write ${model} as ONNX: ${msg}`, { cause: err });
    default:
      return err;
  }
}

/** The convert command; returns the exit status. */
export async function convertCommand(values: ConvertValues, positionals: string[], io: CommandIO): Promise<number> {
  const t0 = performance.now();
  if (positionals.length !== 1) throw new UsageError(positionals.length ? `one MODEL expected, got ${positionals.join(' ')}` : 'no MODEL given');
  if (values.to === undefined) throw new UsageError('give the output format: --to onnx');
  if (values.to.toLowerCase() !== 'onnx') throw new UsageError(`--to must be onnx, got "${values.to}"`);
  if (!values.output) throw new UsageError('give the output file: -o model.onnx');
  const batch = intFlag(values.batch, '--batch');
  const opset = intFlag(values.opset, '--opset');
  const inputShape = inputShapeFlag(values['input-shape']);
  const model = positionals[0];
  const path = modelPath(model);
  const outDir = dirname(resolve(values.output));
  if (!existsSync(outDir)) throw new CliError(`cannot write ${values.output}: no such folder ${outDir}`);
  if (values.architecture && !existsSync(values.architecture)) throw new CliError(`architecture file not found: ${values.architecture}`);

  const onnx = await (async () => {
    const architecture = values.architecture ? await readFile(values.architecture, 'utf8') : undefined;
    const keras = await readKerasModel(await readModelFiles(path), { architecture });
    const graph = optimizeGraph(buildGraph(keras));
    if (inputShape && graph.inputs.length !== 1) throw new UsageError(`--input-shape is for a model with one input; this one has ${graph.inputs.length}`);
    const exported = await exportOnnx(graph, { batch, opset, inputShapes: inputShape && [inputShape] });
    return { ...exported, graph };
  })().catch((err: unknown) => Promise.reject(describeError(err, model)));

  try {
    await writeFile(values.output, onnx.bytes);
  } catch (err) {
    throw new CliError(`cannot write ${values.output}: ${(err as Error).message}`, { cause: err });
  }
  const batchDim = batch ?? 'batch';
  const shapeOf = (i: number) => (inputShape ?? onnx.graph.inputs[i].shape).slice(1);
  const ins = onnx.graph.inputs.map((_, i) => `${onnx.inputNames[i]} ${shapeToString([null, ...shapeOf(i)]).replace('?', String(batchDim))}`);
  const kb = (onnx.bytes.length / 1024).toFixed(1);
  io.stdout(
    `wrote ${values.output} (ONNX opset ${opset ?? DEFAULT_OPSET}, ${kb} KiB, ${onnx.graph.nodes.length} layers): ` +
      `inputs ${ins.join(', ')} float32 channels-last; outputs ${onnx.outputNames.join(', ')} · ${(performance.now() - t0).toFixed(1)} ms`,
  );
  return 0;
}
