/**
 * Which rules run and with which thresholds: defaults, then a config file
 * (`{"rules": {"dwsep-opportunity": {"minShare": 0.02}, "G3-fragmentation": false}}`), then flags.
 */
import fs from 'node:fs';
import { UsageError } from '../errors.js';
import type { Rule } from './types.js';

export interface RuleConfig {
  enabled: boolean;
  options: Record<string, number>;
}

export type LintConfig = Map<string, RuleConfig>;

export function defaultConfig(rules: readonly Rule[]): LintConfig {
  return new Map(rules.map((r) => [r.id, { enabled: true, options: { ...r.defaults } }]));
}

function ruleOf(cfg: LintConfig, id: string, where: string): RuleConfig {
  const r = cfg.get(id);
  if (!r) throw new UsageError(`${where}: unknown rule '${id}'; rules: ${[...cfg.keys()].join(', ')}`);
  return r;
}

function setOption(cfg: LintConfig, id: string, key: string, value: unknown, where: string): void {
  const r = ruleOf(cfg, id, where);
  if (!(key in r.options)) {
    throw new UsageError(`${where}: rule '${id}' has no threshold '${key}'${Object.keys(r.options).length ? `; thresholds: ${Object.keys(r.options).join(', ')}` : ''}`);
  }
  const v = Number(value);
  if (typeof value === 'boolean' || !Number.isFinite(v) || v < 0) throw new UsageError(`${where}: ${id}.${key} must be a non-negative number, got ${JSON.stringify(value)}`);
  r.options[key] = v;
}

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

export interface RuleFlags {
  /** Run only these rules. */
  rules?: string;
  /** Turn these rules off. */
  disable?: string;
  /** `rule.threshold=value`, repeatable. */
  set?: readonly string[];
}

export function applyFlags(cfg: LintConfig, f: RuleFlags): void {
  const list = (s: string | undefined) => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean);
  if (f.rules !== undefined) {
    const only = list(f.rules);
    for (const id of only) ruleOf(cfg, id, '--rules');
    for (const [id, r] of cfg) r.enabled = only.includes(id);
  }
  for (const id of list(f.disable)) ruleOf(cfg, id, '--disable').enabled = false;
  for (const s of f.set ?? []) {
    const m = /^([^.=]+(?:\.[^.=]+)*)\.([A-Za-z]+)=(.*)$/.exec(s);
    if (!m) throw new UsageError(`--set '${s}': expected rule.threshold=value, e.g. dwsep-opportunity.minShare=0.02`);
    setOption(cfg, m[1]!, m[2]!, m[3]!, `--set ${s}`);
  }
}
