/** Run the built CLI (`bin/leannet.js`) as a user would. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './models.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function leannet(args: string[], options: { env?: Record<string, string>; timeout?: number } = {}): CliResult {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin/leannet.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    timeout: options.timeout ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Assert-friendly summary of a user-facing error: exit code and the stderr lines. */
export function errorLines(r: CliResult): string[] {
  return r.stderr.split('\n').filter((l) => l.trim() !== '');
}

/**
 * The CLI run inside this process (the fast tier's alternative to a spawn, ~1 s less per call):
 * the same `main` bin/leannet.js calls, with stdout and stderr captured and the exit code
 * returned. Not for commands that must not share the process (the lab's child runs, timings
 * that compare against a fresh process) or that end the process.
 */
export async function leannetInProcess(args: string[]): Promise<CliResult> {
  const { main } = await import('../../src/cli/main.js');
  const out: string[] = [];
  const err: string[] = [];
  const write = (to: string[]) => ((chunk: string | Uint8Array) => (to.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')), true)) as typeof process.stdout.write;
  const [stdout, stderr, exitCode] = [process.stdout.write, process.stderr.write, process.exitCode];
  process.stdout.write = write(out);
  process.stderr.write = write(err);
  process.exitCode = undefined;
  try {
    const code = await main([process.execPath, 'leannet', '--no-color', ...args]);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = stdout;
    process.stderr.write = stderr;
    process.exitCode = exitCode;
  }
}
