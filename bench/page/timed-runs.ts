/**
 * What every runtime's cell measures, shared by ours (bench-page.ts), TF.js (tfjs-runner.ts) and
 * ONNX Runtime Web (ort-runner.ts): a cold start, then steady-state runs within the cell's budget.
 */

export interface TimedRuns {
  coldMs: number;
  times: number[];
  version: string;
}

/** Times `once` once, then again until `plan(first run's ms)` runs are timed in all (at least the first). */
export async function steadyTimes(once: () => Promise<unknown>, plan: (firstMs: number) => number): Promise<number[]> {
  const timed = async () => {
    const t = performance.now();
    await once();
    return performance.now() - t;
  };
  const times = [await timed()];
  const runs = plan(times[0]);
  while (times.length < runs) times.push(await timed());
  return times;
}
