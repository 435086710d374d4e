/** The machine a measurement ran on: recorded with every result (from the host: src/host.ts). */
import { host } from '../host.js';

export interface Environment {
  cpu: string;
  cores: number;
  platform: string;
  node: string;
  date: string;
}

export function environment(): Environment {
  return { ...host.machine(), date: new Date().toISOString() };
}
