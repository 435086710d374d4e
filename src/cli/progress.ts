/** A progress bar on stderr while a measurement runs (only when stderr is a terminal). */
import { createRequire } from 'node:module';
import type CliProgress from 'cli-progress';

/** cli-progress is loaded when a bar is shown (~20 ms that a piped or scripted run need not pay). */
const load = () => createRequire(import.meta.url)('cli-progress') as typeof CliProgress;

export interface Progress {
  update(fraction: number, label: string): void;
  stop(): void;
}

export function progressBar(title: string): Progress {
  if (!process.stderr.isTTY) return { update() {}, stop() {} };
  const cliProgress = load();
  const bar = new cliProgress.SingleBar(
    { format: `${title} {bar} {percentage}% {label}`, stream: process.stderr, clearOnComplete: true, hideCursor: true, barsize: 24 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(100, 0, { label: '' });
  return {
    update: (f, label) => bar.update(Math.min(100, Math.round(f * 100)), { label }),
    stop: () => bar.stop(),
  };
}

/** Run `fn` with a progress bar that is always taken down afterwards, even when `fn` throws. */
export async function withProgress<R>(title: string, fn: (update: (fraction: number, label: string) => void) => Promise<R>): Promise<R> {
  const bar = progressBar(title);
  try {
    return await fn((f, label) => bar.update(f, label));
  } finally {
    bar.stop();
  }
}
