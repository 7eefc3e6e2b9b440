/**
 * The CLI's runtimes are optional peers: a missing one is a MissingPackageError whose message is
 * the install command, while a package that is installed (or fails for another reason) is not
 * mistaken for a missing one.
 */
import { describe, expect, it } from 'vitest';
import { importOptional, isInstalled, MissingPackageError } from '../../../src/cli/optional-package.ts';

describe('optional packages', () => {
  it('a missing package becomes MissingPackageError carrying the advice', async () => {
    const err = (await importOptional(['mi-no-such-package-a', 'mi-no-such-package-b'], 'npm install something').catch((e: unknown) => e)) as MissingPackageError;
    expect(err).toBeInstanceOf(MissingPackageError);
    expect(err.code).toBe('MISSING_PACKAGE');
    expect(err.message).toBe('npm install something');
  });

  it('the first installed package of the list is imported', async () => {
    const mod = await importOptional<{ parseArgs: unknown }>(['mi-no-such-package', 'node:util'], 'unused');
    expect(typeof mod.parseArgs).toBe('function');
  });

  it('isInstalled tells installed from missing without importing', () => {
    expect(isInstalled('vitest')).toBe(true);
    expect(isInstalled('mi-no-such-package')).toBe(false);
  });
});
