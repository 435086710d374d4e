/** Lint: rules as data, findings with evidence and estimated savings, SARIF output. Node only: ./config-file.js. The ridge number lint takes is measured by engine/ (machineRidge). */
export { lint, meetsSeverity, type LintOptions, type LintResult } from './run.js';
export { RULES, g1, g2 } from './rules/index.js';
export { defaultConfig, applyFlags, type LintConfig, type RuleConfig, type RuleFlags } from './config.js';
export { toSarif } from './sarif.js';
export { measuredFromProfile } from './measured.js';
export { forkJoinBlocks, type Block } from './fork-join.js';
export { SEVERITIES, severityOf, type Finding, type Rule, type Severity, type Saving, type LintContext } from './types.js';
