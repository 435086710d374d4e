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
