/** Node's host for the core (src/host.ts): files through node:fs, the machine through node:os. Imported for its effect by src/index.ts. */
import fs from 'node:fs';
import os from 'node:os';
import { setHost } from './host.js';

setHost({
  readFile: (file) => fs.readFileSync(file),
  readTextFile: (file) => fs.readFileSync(file, 'utf8'),
  machine: () => ({
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    platform: `${os.platform()} ${os.arch()}`,
    node: process.version,
  }),
});
