/**
 * The `mi` command line (bin/mi.mjs runs this under tsx): parses arguments with node:util
 * parseArgs and dispatches to a command. Every failure ends as ONE line on stderr and a non-zero
 * exit status (1 for failures, 2 for usage errors); MI_DEBUG=1 adds the stack trace.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError, UsageError, type CommandIO } from './commands/cli-error.ts';
import { predict, PREDICT_HELP, PREDICT_OPTIONS } from './commands/predict.ts';
import { benchCommand, BENCH_HELP, BENCH_OPTIONS } from './commands/bench.ts';
import { profileCommand, PROFILE_HELP, PROFILE_OPTIONS } from './commands/profile.ts';
import { integrityCommand, INTEGRITY_HELP, INTEGRITY_OPTIONS } from './commands/integrity.ts';
import { convertCommand, CONVERT_HELP, CONVERT_OPTIONS } from './commands/convert.ts';
import { decodeCommand, DECODE_HELP, DECODE_OPTIONS } from './commands/decode.ts';
import { explainCommand, EXPLAIN_HELP, EXPLAIN_OPTIONS } from './commands/explain.ts';
import { segmentCommand, SEGMENT_HELP, SEGMENT_OPTIONS } from './commands/segment.ts';
import { packageVersion } from './version.ts';

const MAIN_HELP = `Usage: mi <command> [options]

WebGPU inference for Keras-trained medical-imaging CNNs.

Commands:
  predict   run a model on a .npy tensor or an image; write the outputs as .npy
  bench     our engine vs TF.js (webgpu, webgl, wasm) and ONNX Runtime Web (webgpu, wasm) in one Chromium, same adapter; probes
  profile   per-layer GPU time of a model (timestamp queries), table and Chrome trace
  integrity write (or --check) integrity.json beside a model: the sha256 of each file, checked by every load
  convert   write a Keras model as ONNX (--to onnx -o model.onnx), in Node, no Python
  decode    a DICOM file or series, NIfTI or PNG as float32 .npy (intensities as the format defines them)
  explain   Grad-CAM heatmaps of a classifier's decision as .npy (N, h, w), optionally over the image as a PNG
  segment   label a 3-D scan (NIfTI or DICOM series) with a segmentation model; labels as NIfTI in the scan's space

Run "mi <command> --help" for a command's options; "mi --version" prints the version.
`;

interface Command {
  help: string;
  options: ParseArgsConfig['options'];
  run(values: Record<string, unknown>, positionals: string[], io: CommandIO): Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  predict: { help: PREDICT_HELP, options: PREDICT_OPTIONS, run: (v, p, io) => predict(v, p, io) },
  bench: { help: BENCH_HELP, options: BENCH_OPTIONS, run: (v, p, io) => benchCommand(v, p, io) },
  profile: { help: PROFILE_HELP, options: PROFILE_OPTIONS, run: (v, p, io) => profileCommand(v, p, io) },
  integrity: { help: INTEGRITY_HELP, options: INTEGRITY_OPTIONS, run: (v, p, io) => integrityCommand(v, p, io) },
  convert: { help: CONVERT_HELP, options: CONVERT_OPTIONS, run: (v, p, io) => convertCommand(v, p, io) },
  decode: { help: DECODE_HELP, options: DECODE_OPTIONS, run: (v, p, io) => decodeCommand(v, p, io) },
  explain: { help: EXPLAIN_HELP, options: EXPLAIN_OPTIONS, run: (v, p, io) => explainCommand(v, p, io) },
  segment: { help: SEGMENT_HELP, options: SEGMENT_OPTIONS, run: (v, p, io) => segmentCommand(v, p, io) },
};

/** Planned commands (future issues): recognised, so users get a clear answer rather than "unknown". */
const PLANNED = new Set<string>();

const consoleIO: CommandIO = {
  stdout: (line) => void process.stdout.write(line + '\n'),
  stderr: (line) => void process.stderr.write(line + '\n'),
};

/** Runs `mi` with these arguments (without "node mi"); resolves to the exit status. */
export async function main(argv: string[], io: CommandIO = consoleIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(MAIN_HELP.trimEnd());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`mi ${packageVersion()}`);
    return 0;
  }
  if (PLANNED.has(name)) {
    io.stderr(`mi ${name}: not implemented yet`);
    return 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`mi: unknown command "${name}" (commands: ${Object.keys(COMMANDS).join(', ')}; see mi --help)`);
    return 2;
  }
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
    } catch (err) {
      // node's messages go on with advice about '--' that does not help here: keep the first sentence.
      throw new UsageError(`${(err as Error).message.split(/\.\s|\n/)[0]} (see mi ${name} --help)`);
    }
    if ((parsed.values as { help?: boolean }).help) {
      io.stdout(command.help.trimEnd());
      return 0;
    }
    return await command.run(parsed.values, parsed.positionals, io);
  } catch (err) {
    io.stderr(`mi ${name}: ${oneLine(err)}`);
    if (process.env.MI_DEBUG === '1') io.stderr(String((err as Error)?.stack ?? err));
    return err instanceof CliError ? err.exitCode : 1;
  }
}

/** The error's message on one line; the class name only where the message alone would be vague. */
function oneLine(err: unknown): string {
  const e = err as Error;
  let msg = String(e?.message ?? err).replace(/\s*\n\s*/g, ' ').trim();
  // The engine says how to raise a limit in the API and in mi; here only mi's flag matters.
  msg = msg.replace(/raise limits\.\w+ \(mi: (--[\w-]+)\)/g, 'raise it with $1');
  // Engine errors (they carry a code) say what went wrong; other errors are clearer with their class (TypeError).
  const engine = typeof (err as { code?: unknown })?.code === 'string' && !(err as NodeJS.ErrnoException).syscall;
  if (!(err instanceof CliError) && !engine && e?.name && e.name !== 'Error' && !msg.includes(e.name)) msg = `${e.name}: ${msg}`;
  return msg || 'failed (no message)';
}
