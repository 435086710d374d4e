/**
 * Which rules run and with which thresholds: defaults, then a config file
 * (`{"rules": {"dwsep-opportunity": {"minShare": 0.02}, "G3-fragmentation": false}}`), then flags.
 */
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

export function ruleOf(cfg: LintConfig, id: string, where: string): RuleConfig {
  const r = cfg.get(id);
  if (!r) throw new UsageError(`${where}: unknown rule '${id}'; rules: ${[...cfg.keys()].join(', ')}`);
  return r;
}

export function setOption(cfg: LintConfig, id: string, key: string, value: unknown, where: string): void {
  const r = ruleOf(cfg, id, where);
  if (!(key in r.options)) {
    throw new UsageError(`${where}: rule '${id}' has no threshold '${key}'${Object.keys(r.options).length ? `; thresholds: ${Object.keys(r.options).join(', ')}` : ''}`);
  }
  const v = Number(value);
  if (typeof value === 'boolean' || !Number.isFinite(v) || v < 0) throw new UsageError(`${where}: ${id}.${key} must be a non-negative number, got ${JSON.stringify(value)}`);
  r.options[key] = v;
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
