/** A lint config file (`--config`, Node only: reads the file), applied over the defaults: see config.ts. */
import fs from 'node:fs';
import { UsageError } from '../errors.js';
import { ruleOf, setOption, type LintConfig } from './config.js';

export function applyConfigFile(cfg: LintConfig, file: string): void {
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`--config ${file}: ${code === 'ENOENT' ? 'no such file' : `not valid JSON (${(e as Error).message})`}`);
  }
  const rules = (doc as { rules?: unknown })?.rules;
  if (typeof rules !== 'object' || rules === null) throw new UsageError(`--config ${file}: expected {"rules": {...}}`);
  for (const [id, v] of Object.entries(rules)) {
    const where = `--config ${file}`;
    const r = ruleOf(cfg, id, where);
    if (typeof v === 'boolean') r.enabled = v;
    else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'enabled') r.enabled = !!x;
        else setOption(cfg, id, k, x, where);
      }
    } else throw new UsageError(`${where}: rule '${id}' must be true, false or an object of thresholds`);
  }
}
