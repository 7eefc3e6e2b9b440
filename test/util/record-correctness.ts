/**
 * Writes measured results into docs/correctness.json (schema: scripts/correctness/schema.ts), merged
 * by key, so the published correctness numbers come from runs and never from typing.
 *
 * A plain `npm test` must not dirty the tree, so the model tests record only when
 * MI_RECORD_CORRECTNESS=1 (`npm run correctness` sets it); the long runs (validate:*, conformance)
 * exist to produce their numbers and record whenever they finish a case.
 *
 * Test files run in parallel processes: the read-merge-write holds a lock file (created exclusively)
 * so two writers never lose each other's records.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PageApi } from '../../src/cli/page/page.ts';
import { toWire } from '../../src/cli/wire.ts';
import type { Tensor } from '../../src/tensor.ts';
import { CORRECTNESS_ABOUT, correctnessKey, type CorrectnessFile, type CorrectnessRecord } from '../../scripts/correctness/schema.ts';
import { repoRoot } from './fixtures.ts';
import { gpuPage, type LoadedModel } from './gpu.ts';

export const CORRECTNESS_JSON = join(repoRoot, 'docs/correctness.json');

/** Whether the fast model tests write their results (the long runs always do). */
export const recordingCorrectness = (): boolean => process.env.MI_RECORD_CORRECTNESS === '1';

/** What a test states; the run's date, commit and adapter are filled in here. */
export type MeasuredRecord = Omit<CorrectnessRecord, 'key' | 'date' | 'commit' | 'adapter'>;

/** The commit the tree is at, marked `+dirty` when the engine's sources differ from it. */
export function currentCommit(): string {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim();
  const head = git('rev-parse', '--short=10', 'HEAD');
  return git('status', '--porcelain', '--', 'src', 'shaders').length > 0 ? `${head}+dirty` : head;
}

/** What ran the case: the page's GPU adapter, or ONNX Runtime Web (its installed version) on WebAssembly. */
async function adapterName(backend: CorrectnessRecord['backend']): Promise<string> {
  if (backend === 'wasm') {
    const ort = JSON.parse(readFileSync(join(repoRoot, 'node_modules/onnxruntime-web/package.json'), 'utf8')) as { version: string };
    return `WebAssembly (onnxruntime-web ${ort.version})`;
  }
  const page = await gpuPage();
  const a = await page.evaluate(() => (globalThis as unknown as { mi: PageApi }).mi.adapter());
  return typeof a === 'string' ? a : 'unknown';
}

/**
 * The shader files of a loaded model's current plan, from one profiled run (repeats 1, no warm-up):
 * the plan can tell which kernels it dispatched, so the record says which ones its numbers cover.
 * A step links library fragments before its kernel (shader-library.ts): the kernel is the last file.
 */
export async function kernelsOf(model: LoadedModel, inputs: Tensor[]): Promise<string[]> {
  const page = await gpuPage();
  const r = await page.evaluate(
    (h, xs) => (globalThis as unknown as { mi: PageApi }).mi.profile(h, xs, { repeats: 1, warmup: 0 }),
    model.handle,
    inputs.map(toWire),
  );
  if ('error' in r) throw new Error(`profile for the kernel list failed: ${r.error.message}`);
  return [...new Set(r.steps.map((s) => s.shader[s.shader.length - 1]))].sort();
}

/**
 * The commit when the test file started: its page registers the shader sources once when it opens,
 * so a long run's kernels are those of its start, whatever commits land while it runs (a test file
 * is a process of its own, which imports this module first).
 */
const commitAtStart = currentCommit();

/** Merges one record into docs/correctness.json (always: callers decide whether to record). */
export async function writeCorrectness(record: MeasuredRecord): Promise<void> {
  const full: CorrectnessRecord = {
    key: correctnessKey(record),
    ...record,
    date: new Date().toISOString().slice(0, 10),
    commit: commitAtStart,
    adapter: await adapterName(record.backend),
  };
  await withLock(`${CORRECTNESS_JSON}.lock`, () => {
    const file: CorrectnessFile = existsSync(CORRECTNESS_JSON)
      ? (JSON.parse(readFileSync(CORRECTNESS_JSON, 'utf8')) as CorrectnessFile)
      : { about: CORRECTNESS_ABOUT, records: {} };
    file.about = CORRECTNESS_ABOUT;
    file.records[full.key] = full;
    const sorted = Object.fromEntries(Object.entries(file.records).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const tmp = `${CORRECTNESS_JSON}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ about: file.about, records: sorted }, null, 1) + '\n');
    renameSync(tmp, CORRECTNESS_JSON);
  });
}

/**
 * Records when MI_RECORD_CORRECTNESS=1 (the fast model tests); `kernels` is only computed then, and
 * only on WebGPU: the WebAssembly path dispatches no shaders of ours (ONNX Runtime picks its kernels).
 */
export async function recordCorrectness(record: MeasuredRecord, kernels?: () => Promise<string[]>): Promise<void> {
  if (!recordingCorrectness()) return;
  const onGpu = record.backend !== 'wasm';
  await writeCorrectness({ ...record, kernels: kernels && onGpu ? await kernels() : record.kernels });
}

async function withLock(lock: string, fn: () => void): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // A writer holds the lock for milliseconds; one still there after 30 s died holding it.
      if (Date.now() > deadline) unlinkSync(lock);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  try {
    fn();
  } finally {
    unlinkSync(lock);
  }
}
