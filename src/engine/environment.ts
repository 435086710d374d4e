/** The machine a measurement ran on: recorded with every result. */
import os from 'node:os';

export interface Environment {
  cpu: string;
  cores: number;
  platform: string;
  node: string;
  date: string;
}

export function environment(): Environment {
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    platform: `${os.platform()} ${os.arch()}`,
    node: process.version,
    date: new Date().toISOString(),
  };
}
