/**
 * Regenerates docs/correctness.md and the README's Correctness table from docs/correctness.json,
 * and the README's performance summary from docs/bench.md. Run: npm run docs:correctness
 * (npm run correctness reruns the model tests first; the long runs call regenerateCorrectnessDocs
 * when they finish, so their numbers reach the README without a second step).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { correctnessMarkdown, withCorrectnessTable } from './correctness/render.ts';
import { withPerformanceSummary } from './correctness/performance.ts';
import type { CorrectnessFile } from './correctness/schema.ts';

const at = (path: string) => new URL(`../${path}`, import.meta.url);

export function regenerateCorrectnessDocs(): number {
  const data = JSON.parse(readFileSync(at('docs/correctness.json'), 'utf8')) as CorrectnessFile;
  writeFileSync(at('docs/correctness.md'), correctnessMarkdown(data));
  const readme = readFileSync(at('README.md'), 'utf8');
  writeFileSync(at('README.md'), withPerformanceSummary(withCorrectnessTable(readme, data), readFileSync(at('docs/bench.md'), 'utf8')));
  return Object.keys(data.records).length;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const n = regenerateCorrectnessDocs();
  console.log(`docs/correctness.md, README.md: ${n} correctness records and the bench summary regenerated`);
}
