/** Errors the CLI reports as they are (one line, no class name), and the output it writes to. */

/** A failure whose message is already what the user should read. Exit status 1. */
export class CliError extends Error {
  readonly exitCode: number = 1;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
  }
}

/** The command line itself is wrong (unknown option, missing argument). Exit status 2. */
export class UsageError extends CliError {
  override readonly exitCode: number = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Where a command prints: one call per line. */
export interface CommandIO {
  stdout(line: string): void;
  stderr(line: string): void;
}
