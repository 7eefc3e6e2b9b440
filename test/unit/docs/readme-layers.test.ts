import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withLayerTable } from '../../../src/ops/layer-table.ts';
import { repoRoot } from '../../util/fixtures.ts';

describe('README supported-layer table', () => {
  it('is the one generated from the op registry (run `npm run docs:layers` after adding a layer)', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    expect(readme).toBe(withLayerTable(readme));
  });
});
