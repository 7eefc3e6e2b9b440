/**
 * Runs the `mi` command as users do (`node bin/mi.mjs ...`, a child process) and collects its
 * exit status and output.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../util/fixtures.ts';

export interface MiResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/mi.mjs ...args` from the repository root. */
export function mi(args: string[], env: Record<string, string> = {}, timeoutMs = 280_000): Promise<MiResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(repoRoot, 'bin/mi.mjs'), ...args],
      { cwd: repoRoot, env: { ...process.env, MI_DEBUG: '', ...env }, timeout: timeoutMs, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** A fresh temporary folder for a test file's outputs. */
export const tempDir = (): string => mkdtempSync(join(tmpdir(), 'mi-cli-test-'));

/** Describes a result for assertion messages. */
export const show = (r: MiResult): string => `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
