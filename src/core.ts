/**
 * The core that runs anywhere: what a browser page (web/) needs, and nothing that reaches a Node
 * built-in or a native module — ONNX decoding from bytes and encoding, the IR, ops and shape
 * inference, costs, analysis of a Graph, lint (given a ridge number, not measured), the rewrite
 * passes, the zoo, the report and diff page builders, and the measurement statistics (bench and
 * the interleaved compare run on any Engine). `npm test` bundles this file with esbuild for the
 * browser and fails if anything Node-only is reached (scripts/check-browser-bundle.mjs).
 * Node-only parts (files, onnxruntime-node, caches, child processes) stay in src/index.ts's adapters.
 */
export * from './errors.js';
export * from './ir/index.js';
export * from './ops/index.js';
export { readOnnx, decodeModelBytes, graphFromModel, writeOnnx, decodeModel, encodeModel, type ReadOptions, type WriteOptions, type WriteResult } from './formats/onnx/index.js';
export * from './cost/index.js';
export { analyzeGraph, type Analysis } from './analysis/analyze.js';
export { lint, meetsSeverity, RULES, defaultConfig, applyFlags, toSarif, SEVERITIES, severityOf, type LintOptions, type LintResult, type LintConfig, type RuleConfig, type RuleFlags, type Finding, type Rule, type Severity } from './lint/index.js';
export { PASS_REFS, PASS_REF_IDS, type PassRef } from './patterns/index.js';
export { PASSES, findPass, parsePassSpecs, runPasses, type PassSpec, type PassReport, type RewriteOptions } from './rewrite/index.js';
export { Builder, NETWORKS, findNetwork, buildNetwork, buildFromSpec, parseOptions, type NetworkDef } from './zoo/index.js';
export { analyzeJson, byOp, ANALYZE_SCHEMA, type AnalyzeJsonOptions } from './report/analyze-json.js';
export { si, grouped, pct, bytes, shapeText, ms } from './report/format.js';
export * from './report/html/index.js';
export { diffModels, diffJson, matchNodes, type DiffResult, type DiffNode, type DiffStatus, type DiffTotals } from './report/diff.js';
export { bench, timeRuns, type BenchOptions, type BenchResult } from './engine/bench.js';
export { compare, compareOutcome, verdictLine, type CompareOptions, type CompareResult, type Outcome } from './engine/compare.js';
export { summarize, medianInterval, quantile, type Stats } from './engine/stats.js';
export { seededInputs, seededTensor } from './engine/inputs.js';
export { environment, type Environment } from './engine/environment.js';
export type { Engine, EngineInfo, EngineOptions, Feeds, HostTensor, LoadOptions, ModelBytes, Session } from './engine/types.js';
