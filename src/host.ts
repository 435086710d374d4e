/**
 * What the core asks of the machine it runs on, in one place: reading a file the user named (a
 * model, a prune widths file) and describing the machine a measurement ran on. The defaults work in a
 * browser (no files; the navigator's core count); src/host-node.ts sets Node's (imported by src/index.ts).
 */
import { UsageError } from './errors.js';

export interface Machine {
  cpu: string;
  cores: number;
  platform: string;
  /** Node's version, or 'none' in a browser. */
  node: string;
}

export interface Host {
  /** A file's bytes (the model files the Node adapters open; tests count the reads through it). */
  readFile(file: string): Uint8Array;
  readTextFile(file: string): string;
  machine(): Machine;
}

const nav = (globalThis as { navigator?: { hardwareConcurrency?: number; userAgent?: string } }).navigator;

export const host: Host = {
  readFile(file) {
    throw new UsageError(`cannot read '${file}' here: reading files needs Node`);
  },
  readTextFile(file) {
    throw new UsageError(`cannot read '${file}' here: reading files needs Node`);
  },
  machine: () => ({ cpu: 'unknown', cores: nav?.hardwareConcurrency ?? 1, platform: nav?.userAgent ?? 'unknown', node: 'none' }),
};

/** Replace parts of the host (Node's adapter does, once). */
export function setHost(h: Partial<Host>): void {
  Object.assign(host, h);
}
