/**
 * The `leannet` command line: argument parsing and wiring only. A user's mistake is one line on
 * stderr and a non-zero exit; the stack trace appears only with --debug.
 */
import { Command, CommanderError } from 'commander';
import { LeannetError } from '../errors.js';
import { setColor } from '../report/index.js';
import { analyzeCommand } from './commands/analyze.js';
import { zooCommand } from './commands/zoo.js';
import { lintCommand } from './commands/lint.js';
import { demoCommand } from './commands/demo.js';
import { labCommand } from './commands/lab.js';
import { VERSION } from './version.js';
import { rewriteCommand } from './commands/rewrite.js';
import { reportCommand } from './commands/report.js';
import { diffCommand } from './commands/diff.js';
import { convertCommand } from './commands/convert.js';
import { benchCommand, compareCommand, profileCommand, verifyCommand } from './commands/measure.js';
import { evalCommand } from './commands/eval.js';
import { compressCommand } from './commands/compress.js';
import { predictCommand } from './commands/predict.js';

/** Exit codes: 1 a user or model error, 2 bad usage, 70 an internal error (a bug in leannet). */
export const EXIT = { error: 1, usage: 2, internal: 70 } as const;

export function buildProgram(): Command {
  const program = new Command('leannet')
    .description('make convolutional networks smaller and faster, and prove it by measurement')
    .version(VERSION, '-V, --version')
    .option('--debug', 'show stack traces for errors')
    .option('--verbose', 'show runtime log lines')
    .option('--no-color', 'plain text output')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  program.hook('preAction', (cmd) => {
    if (cmd.opts()['color'] === false) setColor(false);
  });
  for (const sub of [analyzeCommand(), lintCommand(), benchCommand(), compareCommand(), verifyCommand(), evalCommand(), profileCommand(), predictCommand(), rewriteCommand(), reportCommand(), diffCommand(), compressCommand(), labCommand(), zooCommand(), demoCommand(), convertCommand()]) {
    sub.exitOverride();
    for (const child of sub.commands) child.exitOverride();
    program.addCommand(sub);
  }
  return program;
}


export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  const debug = argv.includes('--debug');
  stopQuietlyOnClosedPipe(process.stdout, debug);
  stopQuietlyOnClosedPipe(process.stderr, debug);
  try {
    await program.parseAsync(argv);
    // A command that finished but failed its check (verify beyond tolerance, lint --fail-on) sets exitCode.
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    return reportError(e, debug);
  }
}

function reportError(e: unknown, debug: boolean): number {
  if (e instanceof CommanderError) {
    // Commander already printed its message (or help / version, which exit 0).
    return e.exitCode === 0 ? 0 : EXIT.usage;
  }
  const err = e as Error;
  if (debug) process.stderr.write(`${err.stack ?? err}\n`);
  if (e instanceof LeannetError) {
    if (!debug) process.stderr.write(`leannet: ${oneLine(err.message)}\n`);
    return EXIT.error;
  }
  if (!debug) process.stderr.write(`leannet: internal error: ${oneLine(err?.message ?? String(e))} (rerun with --debug for the stack trace)\n`);
  return EXIT.internal;
}

/**
 * A reader that stops early (`leannet analyze model.onnx | head`) closes the pipe, and the next
 * write fails with EPIPE, which Node throws as an unhandled 'error' event with a stack trace.
 * Stop quietly instead, as other command-line tools do, keeping the exit code set so far.
 */
function stopQuietlyOnClosedPipe(stream: NodeJS.WriteStream, debug: boolean): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') {
      if (debug) console.error(e);
      else if (stream !== process.stderr) process.stderr.write(`leannet: cannot write the output (${oneLine(e.message)})\n`);
      process.exit(EXIT.error);
    }
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ');
}
