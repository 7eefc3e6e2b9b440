/**
 * `mi profile MODEL [--input X.npy | --shape 1x224x224x3] [--trace out.json]`: per-layer GPU time
 * of one model from timestamp queries (see src/runtime/profile.ts), as a table, and optionally a
 * Chrome trace for Perfetto / chrome://tracing.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { parseNpy } from '../../formats/npy.ts';
import type { PlanProfile } from '../../runtime/profile.ts';
import { formatLayerTable, formatTuning, toChromeTrace } from '../../runtime/profile-report.ts';
import type { Tensor } from '../../tensor.ts';
import { toWire } from '../wire.ts';
import { CliError, UsageError, type CommandIO } from './cli-error.ts';
import { openBenchSession } from './bench-session.ts';
import { chooseRuntime } from '../runtimes/runtime.ts';

export const PROFILE_HELP = `Usage: mi profile MODEL [--input X.npy | --shape NxHxWxC] [options]

Times every layer of a model on the GPU (timestamp queries, one compute pass per step; only in
this mode: normal runs are unaffected) and prints the layers, heaviest first: GPU time, share of
the total, GFLOP/s, MB moved and GB/s (estimates: inputs + weights + output), and the kernel
variant (WGSL files and override constants).

  --input X.npy        input tensor (batch first); default: --shape
  --shape NxHxWxC      random input of this shape (default: the model's input with batch 1)
  --trace FILE.json    also write a Chrome trace (open in https://ui.perfetto.dev or chrome://tracing)
  --json FILE.json     also write the raw profile (every step)
  --repeats N          profiled runs; each step's time is the median (default 3)
  --top N              print only the N heaviest layers (default: all)
  --runtime R          chromium or node (Dawn from npm "webgpu"); default: chromium when puppeteer
                       is installed, else node
  --architecture A     architecture JSON for a weights-only .h5

Without 'timestamp-query' on the adapter, the profile is the CPU wall time of whole runs, and says so.
`;

export const PROFILE_OPTIONS = {
  input: { type: 'string' },
  shape: { type: 'string' },
  trace: { type: 'string' },
  json: { type: 'string' },
  repeats: { type: 'string' },
  top: { type: 'string' },
  runtime: { type: 'string' },
  architecture: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export interface ProfileValues {
  input?: string;
  shape?: string;
  trace?: string;
  json?: string;
  repeats?: string;
  top?: string;
  runtime?: string;
  architecture?: string;
}

export function parseShape(text: string): number[] {
  const dims = text.split(/[x×,]/).map((d) => Number(d));
  if (dims.length < 2 || dims.some((d) => !Number.isInteger(d) || d < 1)) throw new UsageError(`--shape wants positive integers like 1x224x224x3, got "${text}"`);
  return dims;
}

/** Deterministic values in [0, 1): profiles do not depend on the data, but NaNs would be odd. */
export function syntheticInput(shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = ((i * 2654435761) >>> 0) / 4294967296;
  return { shape, data };
}

const positiveInt = (text: string | undefined, name: string, dflt: number) => {
  if (text === undefined) return dflt;
  const v = Number(text);
  if (!Number.isInteger(v) || v < 1) throw new UsageError(`${name} wants a positive integer, got "${text}"`);
  return v;
};

export async function profileCommand(values: ProfileValues, positionals: string[], io: CommandIO): Promise<number> {
  if (positionals.length !== 1) throw new UsageError(positionals.length ? `one MODEL expected, got ${positionals.join(' ')}` : 'no MODEL given');
  if (values.input && values.shape) throw new UsageError('give --input or --shape, not both');
  const repeats = positiveInt(values.repeats, '--repeats', 3);
  const top = values.top === undefined ? 0 : positiveInt(values.top, "--top", 0);
  const runtime = values.runtime ?? chooseRuntime();
  if (runtime !== 'chromium' && runtime !== 'node') throw new UsageError(`--runtime must be chromium or node, got "${values.runtime}"`);
  let model = resolve(positionals[0]);
  if (!existsSync(model)) throw new CliError(`model file not found: ${positionals[0]}`);
  if (statSync(model).isDirectory()) model = join(model, 'model.json');
  const architecture = values.architecture ? JSON.parse(await readFile(values.architecture, 'utf8')) : undefined;
  let input: Tensor | undefined = values.input ? parseNpy(await readFile(values.input), values.input) : undefined;
  if (values.shape) input = syntheticInput(parseShape(values.shape));

  const profile = runtime === 'node' ? await profileInNode(model, architecture, input, repeats) : await profileInChromium(model, architecture, input, repeats);
  io.stdout(`${positionals[0]}: input ${profile.inputShapes.map((s) => s.join('x')).join(', ')} on ${profile.adapter} (${runtime}), ${profile.steps.length} steps, median of ${profile.repeats} profiled runs`);
  for (const line of formatLayerTable(profile, top)) io.stdout(line);
  for (const line of formatTuning(profile)) io.stdout(line);
  if (values.trace) {
    await writeFile(values.trace, JSON.stringify(toChromeTrace(profile)));
    io.stdout(`trace: ${values.trace} (open in https://ui.perfetto.dev or chrome://tracing)`);
  }
  if (values.json) await writeFile(values.json, JSON.stringify(profile, null, 1));
  return 0;
}

/** The model's declared input with batch 1, for when neither --input nor --shape is given. */
function declaredInput(info: { inputs: { shape: (number | null)[] }[] }): Tensor {
  const s = info.inputs[0]?.shape;
  if (!s || s.slice(1).some((d) => d === null)) throw new UsageError('the model does not declare a fixed input shape: give --shape');
  return syntheticInput([1, ...(s.slice(1) as number[])]);
}

async function profileInChromium(model: string, architecture: unknown, input: Tensor | undefined, repeats: number): Promise<PlanProfile> {
  const session = await openBenchSession([dirname(model)]);
  try {
    const loaded = await session.call<{ handle: number; info: { inputs: { shape: (number | null)[] }[] } }>('mi.load', session.server.fileUrl(model), {
      inputShape: input ? [...input.shape] : undefined,
      architecture,
    });
    const x = input ?? declaredInput(loaded.info);
    return await session.call<PlanProfile>('mi.profile', loaded.handle, [toWire(x)], { repeats });
  } finally {
    await session.close();
  }
}

async function profileInNode(model: string, architecture: unknown, input: Tensor | undefined, repeats: number): Promise<PlanProfile> {
  const { modelFromKeras, nodeGpu } = await import('../../node.ts');
  const { readModelFiles } = await import('../../formats/node-files.ts');
  const { readKerasModel } = await import('../../formats/read-model.ts');
  process.env.XDG_RUNTIME_DIR ??= tmpdir(); // silences the Vulkan loader, as the node runtime does
  const keras = await readKerasModel(await readModelFiles(model), { architecture });
  // Compile during load: with Dawn (npm webgpu 0.6) a plan first made at run time has crashed the process.
  const x = input ?? declaredInput({ inputs: keras.inputShapes.map((shape) => ({ shape })) });
  const m = await modelFromKeras(keras, { gpu: await nodeGpu(), backend: 'webgpu', inputShape: [...x.shape] });
  try {
    return await m.profile(x, { repeats });
  } finally {
    await m.dispose();
  }
}
